"""The search index: identical to lunr.py's own, small where it must be, on every page."""

from __future__ import annotations

import json

from lunr.builder import Builder

from treillis.search.engine import load_index
from treillis.search.index import (
    FULL_FIELDS,
    QUICK_FIELDS,
    build_index,
    compact_index,
    expand_index,
    restrict,
)
from treillis.search.pipelines import LANGUAGES, index_words


def stock_index(lang: str, records: list[dict[str, str]]) -> dict:
    builder = Builder()
    builder.pipeline.add(*LANGUAGES[lang].index)
    builder.search_pipeline.add(*LANGUAGES[lang].search)
    builder.ref("id")
    for name, boost in FULL_FIELDS:
        builder.field(name, boost=boost)
    for record in records:
        builder.add({"id": record["id"], **{n: index_words(record[n]) for n, _ in FULL_FIELDS}})
    return builder.build().serialize()


def test_the_fast_builder_makes_exactly_lunr_pys_index(content) -> None:
    from treillis import markdown

    records = [
        {
            "id": str(i),
            "t": d.title,
            "d": " ".join(d.descriptor_ids),
            "s": "scrutari.coredem.info a.b@c.org",
            "l": d.summary,
            "b": markdown.plain_text(d.body),
        }
        for i, d in enumerate(content.documents.values())
        if d.lang == "fr"
    ]
    assert len(records) > 20
    ours = build_index(LANGUAGES["fr"], FULL_FIELDS, records)
    assert json.dumps(ours, sort_keys=True) == json.dumps(
        stock_index("fr", records), sort_keys=True
    )
    # A field empty in every record (as synonyms often are) too.
    records = [{**record, "l": ""} for record in records]
    ours = build_index(LANGUAGES["fr"], FULL_FIELDS, records)
    assert json.dumps(ours, sort_keys=True) == json.dumps(
        stock_index("fr", records), sort_keys=True
    )


def test_the_quick_index_is_the_full_one_restricted_to_titles_and_descriptors() -> None:
    records = [
        {
            "id": "a",
            "t": "Conseil citoyen",
            "d": "Participation",
            "l": "Un conseil",
            "b": "Texte long sur le budget",
        },
        {"id": "b", "t": "Budget participatif", "d": "Finances", "l": "Le budget", "b": "Rien"},
    ]
    full = build_index(LANGUAGES["fr"], FULL_FIELDS, records)
    quick = restrict(full, QUICK_FIELDS)
    assert quick["fields"] == ["t", "d"]
    assert {v[0].split("/")[0] for v in quick["fieldVectors"]} == {"t", "d"}
    assert {term for term, _ in quick["invertedIndex"]} == {
        "conseil",
        "citoyen",
        "particip",
        "budget",
        "financ",
    }
    assert (
        quick["pipeline"]
        == full["pipeline"]
        == ["trimmer-fr", "elision-fr", "accentFold-fr", "stemmer-fr"]
    )


def test_the_compact_quick_index_finds_what_the_quick_index_finds(content) -> None:
    """The quick file leaves out the inverted index (its field vectors imply it) and numbers
    terms anew: loaded again, it gives the same documents with the same scores."""
    records = [
        {"id": format(i, "x"), "t": d.title, "d": " ".join(d.descriptor_ids)}
        for i, d in enumerate(content.documents.values())
        if d.lang == "fr"
    ]
    quick = restrict(build_index(LANGUAGES["fr"], FULL_FIELDS, records), QUICK_FIELDS)
    compact = compact_index(quick)
    assert "invertedIndex" not in compact and len(json.dumps(compact)) < len(json.dumps(quick))
    whole, again = load_index(quick), load_index(json.dumps(compact))
    queries = ["collectivité", "participation", "budget participatif", "charte~1", "conseil*"]
    for query in queries:
        expected = [(r["ref"], r["score"]) for r in whole.search(query)]
        assert expected and [(r["ref"], r["score"]) for r in again.search(query)] == expected
    assert expand_index(quick) is quick
