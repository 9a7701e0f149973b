"""The relevance benchmark's queries and scores (benchmarks/relevance.py), without a browser."""

from __future__ import annotations

import importlib.util
import random
import re
from pathlib import Path

import pytest

from benchmarks import relevance
from benchmarks.corpora import service_public_site
from benchmarks.relevance import (
    GROUPS,
    PER_GROUP,
    TOPICAL,
    Query,
    change_number,
    known_item_row,
    strip_accents,
    topical_row,
    typo,
)

needs_data = pytest.mark.skipif(
    not (relevance.SERVICE_PUBLIC / relevance.AUDIENCE).is_dir(),
    reason="../shared/data/service-public is not there",
)


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment): a swap of two letters is one edit."""
    rows = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            rows[i][j] = min(
                rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def test_a_typo_is_one_edit_that_keeps_the_first_letter() -> None:
    rng = random.Random(0)
    for word in ["logement", "déclaration", "impôt", "succession", "allocation"] * 40:
        wrong = typo(word, rng)
        assert wrong != word and wrong[0] == word[0]
        assert edit_distance(word, wrong) == 1, (word, wrong)


def test_number_changes_follow_french_plurals() -> None:
    pairs = {"contrat": "contrats", "journal": "journaux", "jeu": "jeux", "bureau": "bureaux"}
    for singular, plural in pairs.items():
        assert change_number(singular) == plural
        assert change_number(plural) == singular


def test_accents_and_ligatures_are_removed_as_a_reader_types_without_them() -> None:
    assert strip_accents("mise en œuvre, été, Ça, naïf") == "mise en oeuvre, ete, Ca, naif"


@needs_data
def test_the_queries_are_the_same_every_run_and_each_group_does_what_it_says() -> None:
    sheets, vocabulary = relevance.read_sheets()
    queries = relevance.make_queries(sheets, vocabulary)
    again = relevance.make_queries(sheets, vocabulary)
    assert [(q.group, q.text, q.relevant) for q in queries] == [
        (q.group, q.text, q.relevant) for q in again
    ]
    assert len(sheets) == 1394 and 150 <= len(queries) <= 300
    titles = {s.slug: s.title.lower() for s in sheets}
    title_words = {s.slug: {bare for _, bare in relevance.title_words(s.title)} for s in sheets}
    for group in GROUPS:
        mine = [q for q in queries if q.group == group]
        assert len(mine) == PER_GROUP, group
        for query in mine:
            (slug,) = query.relevant
            title = titles[slug]
            words = query.text.split()
            assert 2 <= len(words) <= 4, query.text
            if group == "exact":
                assert all(word in title for word in words), query.text
            elif group == "no-accents":
                assert strip_accents(query.text) == query.text
                assert all(word in strip_accents(title) for word in words), query.text
            elif group == "elision":
                assert re.search(r"\b(l’|d’|l'|d'|[a-z]+’)\w", query.text), query.text
            elif group == "plural":
                changed = [w for w in words if w not in title_words[slug]]
                assert len(changed) == 1 and changed[0] in vocabulary, query.text
            else:
                wrong = [w for w in words if w not in title_words[slug]]
                assert len(wrong) == (1 if group == "one-typo" else 2), query.text
    topical = [q for q in queries if q.group == TOPICAL]
    assert len(topical) >= 30
    assert all(len(q.relevant) >= relevance.MIN_THEME_SHEETS for q in topical)
    assert any(
        q.text == "infractions routieres" or q.text == "infractions routières" for q in topical
    )


def test_scores_count_the_rank_of_the_sheet_sought_and_the_relevant_share_of_the_top_10() -> None:
    first = Query("exact", "a", frozenset({"f1"}), {"e": ["f1", "f2"]})
    third = Query("exact", "b", frozenset({"f3"}), {"e": ["f1", "f2", "f3"]})
    missed = Query("exact", "c", frozenset({"f9"}), {"e": [f"f{n}" for n in range(10, 30)]})
    row = known_item_row("e", "exact", [first, third, missed])
    assert row["success@1"] == round(1 / 3, 3)
    assert row["success@10"] == round(2 / 3, 3)
    assert row["MRR@10"] == round((1 + 1 / 3) / 3, 3)
    topic = Query(TOPICAL, "t", frozenset({"f1", "f2", "f3"}), {"e": ["f1", "x", "f3", "f2"]})
    assert topical_row("e", [topic])["precision@10"] == 0.3


def test_result_urls_of_both_engines_map_to_the_sheet() -> None:
    slug_of = relevance._slug_of_url
    assert slug_of("/dossiers/particuliers/f1234/") == "f1234"
    assert slug_of("http://127.0.0.1:8000/dossiers/particuliers/n31/index.html") == "n31"
    assert slug_of("http://127.0.0.1:8000/dossiers/particuliers/index.html") is None


@needs_data
def test_a_corpus_without_descriptors_has_documents_only(tmp_path: Path) -> None:
    root = service_public_site(tmp_path, limit=5, folder="particuliers", descriptors=False)
    documents = sorted((root / "dossiers" / "particuliers").glob("f*.md"))
    assert len(documents) == 5
    assert all("\ndescriptors: []\n" in d.read_text(encoding="utf-8") for d in documents)
    assert (root / "atlas" / "descriptors" / "categories.yaml").read_text(encoding="utf-8") == ""


@needs_data
def test_the_search_page_gives_pythons_ranking_and_pagefind_answers_too(tmp_path: Path) -> None:
    """The benchmark's browser half on 40 sheets: what `make bench` relies on still works."""
    from tests.browser import chromium, served
    from treillis.build import build

    sheets = relevance.read_sheets()[0][:40]
    content = service_public_site(tmp_path / "content", 40, "particuliers", descriptors=False)
    output = tmp_path / "output"
    build(content, output, cache=False)
    queries = [
        Query(
            "exact",
            " ".join(bare for _, bare in relevance.title_words(s.title)[:3]),
            frozenset({s.slug}),
        )
        for s in sheets[::10]
    ]
    relevance.treillis_python(output, queries)
    pagefind = importlib.util.find_spec("pagefind") is not None
    if pagefind:
        relevance.run_pagefind(output)
    with served(output) as base, chromium() as browser:
        treillis_bytes = relevance.treillis_browser(browser, output, base, queries)
        if pagefind:
            pagefind_bytes = relevance.pagefind_browser(browser, output, base, queries, queries)
    for query in queries:
        assert query.found["treillis-browser"] == query.found["treillis"], query.text
        assert query.rank("treillis") == 1, (query.text, query.found["treillis"])
        if pagefind:
            assert query.rank("pagefind") is not None, (query.text, query.found["pagefind"])
    # lunr, the store and the quick index at least; Pagefind's wasm and index at least.
    assert min(treillis_bytes) > 20_000
    if pagefind:
        assert min(pagefind_bytes) > 20_000
