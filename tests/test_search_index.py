"""The search index: identical to lunr.py's own, small where it must be, on every page."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from lunr.builder import Builder

from treillis.cachedir import seal
from treillis.search import index
from treillis.search.engine import load_index
from treillis.search.index import (
    FULL_FIELDS,
    QUICK_FIELDS,
    analyse,
    build_index,
    compact_index,
    expand_index,
    restrict,
    search_files,
)
from treillis.search.pipelines import LANGUAGES, index_words, pipeline_of
from treillis.search.state import SEARCH_STATE_VERSION, Analysed, SearchState
from treillis.urls import Paths


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


def test_an_edit_analyses_again_only_the_records_it_changed(
    content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search state keeps every record analysed: a build after an edit analyses only
    the edited records, and its files are those of a build from nothing."""
    paths = Paths(content.config.languages)
    path = tmp_path / "search.state"
    first = search_files(content, paths, SearchState(path, "code"))
    assert path.is_file()
    analysed: list[tuple[str, ...]] = []

    def counted(analyser: index.Analyser, texts: Iterable[str]) -> Analysed:
        texts = tuple(texts)
        analysed.append(texts)
        return analyse(analyser, texts)

    monkeypatch.setattr(index, "analyse", counted)
    key = sorted(content.documents)[3]
    document = content.documents[key]
    edited = replace(
        content,
        documents={
            **content.documents,
            key: replace(document, body=document.body + "\n\nLes coopératives ferroviaires.\n"),
        },
    )
    again = search_files(edited, paths, SearchState(path, "code"))
    assert len(analysed) == 1 and "ferroviaires" in analysed[0][-1]
    assert again != first
    analysed.clear()
    assert again == search_files(edited, paths)  # a build with no state
    records = len(content.documents) + len(content.network)
    assert len([texts for texts in analysed if len(texts) == len(FULL_FIELDS)]) == records
    everything = len(analysed)  # and the atlas' descriptors, in each language
    # Records analysed by another version of the code are not used.
    analysed.clear()
    assert search_files(edited, paths, SearchState(path, "other code")) == again
    assert len(analysed) == everything
    # The preview's state, in memory, is used the same way.
    memory = SearchState()
    search_files(content, paths, memory)
    analysed.clear()
    assert search_files(edited, paths, memory) == again
    assert len(analysed) == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # a flipped bit: does not verify
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"",
        lambda data: seal(f"search state {SEARCH_STATE_VERSION}", b"\x93\x01\xa4code\x91"),
        lambda data: seal(f"search state {SEARCH_STATE_VERSION}", b"not msgpack at all"),
    ],
)
def test_a_damaged_search_state_is_no_state(
    content, tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    paths = Paths(content.config.languages)
    path = tmp_path / "search.state"
    expected = search_files(content, paths, SearchState(path, "code"))
    path.write_bytes(damage(path.read_bytes()))
    state = SearchState(path, "code")
    assert state.records() == {}
    assert search_files(content, paths, state) == expected
    assert SearchState(path, "code").records()  # written anew


def test_a_search_state_with_a_file_holds_nothing_once_written(content, tmp_path: Path) -> None:
    """A build's search state is in its file once kept, not in memory as well (a build's
    search worker goes on rendering pages): read again when asked for, the same."""
    paths = Paths(content.config.languages)
    state = SearchState(tmp_path / "search.state", "code")
    search_files(content, paths, state)
    assert state._records is None and not state._indexes and not state._phrases
    kept = state.records()
    assert kept and kept == SearchState(tmp_path / "search.state", "code").records()
    assert state.indexes() and state.phrases()


def test_the_search_files_are_the_json_the_standard_library_writes(content) -> None:
    """The fast encoder (msgspec) writes exactly what `json.dumps` would."""
    standard = {"ensure_ascii": False, "separators": (",", ":")}
    for search_file in search_files(content, Paths(content.config.languages)):
        data = json.loads(search_file.data)
        assert search_file.data == json.dumps(data, **standard), search_file.name
    weights = [0.0, 0.001, 0.01, 1.5, 12.345, 1234.567, -0.0, 3.0]
    assert index._compact(weights) == json.dumps(weights, **standard)


def test_an_edit_changes_the_postings_of_its_terms_only(
    content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search state keeps each index's postings: after an edit of one document (its
    body, its title, a descriptor less) they are changed where its terms are, not made
    again from every record, as are the words' positions of the other records (for
    phrases); the files are those of a build from nothing."""
    paths = Paths(content.config.languages)
    state = SearchState(tmp_path / "search.state", "code")
    search_files(content, paths, state)
    made, placed = [], []
    whole, positions = index.postings_of, index.record_positions
    monkeypatch.setattr(index, "postings_of", lambda *a: made.append(1) or whole(*a))
    monkeypatch.setattr(index, "record_positions", lambda *a: placed.append(1) or positions(*a))
    key = sorted(k for k, d in content.documents.items() if d.lang == "fr")[3]
    document = content.documents[key]
    edits = [
        replace(document, body=document.body + "\n\nLes coopératives ferroviaires.\n"),
        replace(document, title="Vallée ferroviaire"),
        replace(document, title="Vallée minière"),
        replace(document, descriptors=document.descriptors[1:]),
    ]
    changed: list[set[str]] = []
    edited_postings = index._edited
    monkeypatch.setattr(
        index,
        "_edited",
        lambda *a: (found := edited_postings(*a)) and (changed.append(found[1]) or found),
    )
    analyser = index.Analyser(pipeline_of(document.lang))
    before = document
    for edited in edits:
        site = replace(content, documents={**content.documents, key: edited})
        changed.clear()
        again = search_files(site, paths, SearchState(tmp_path / "search.state", "code"))
        assert made == [] and len(placed) <= 1, edited  # the phrases of the edited record
        assert again == search_files(site, paths), edited
        if replace(before, title=edited.title) == edited:
            # Only the postings of the title's words changed, not those of the body's.
            titles = {*analyser(before.title), *analyser(edited.title)}
            assert changed and all(terms <= titles for terms in changed), changed
        before = edited
        made.clear()
        placed.clear()


def test_a_build_failing_after_the_postings_changed_leaves_no_wrong_state(
    content, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview keeps the search state in memory: a build that fails once it changed an
    index's postings (here, making the files' heads) must not leave them for the next."""
    paths = Paths(content.config.languages)
    memory = SearchState()
    search_files(content, paths, memory)
    key = sorted(content.documents)[3]
    document = content.documents[key]
    body = document.body + "\n\nLes coopératives ferroviaires.\n"
    edited = replace(content, documents={**content.documents, key: replace(document, body=body)})
    with monkeypatch.context() as patch:
        patch.setattr(index, "head", lambda *a: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            search_files(edited, paths, memory)
    assert search_files(edited, paths, memory) == search_files(edited, paths)


def _edited_body(content, number: int = 3):
    """The site with one document's body changed (a sentence more)."""
    key = sorted(k for k, d in content.documents.items() if d.lang == "fr")[number]
    document = content.documents[key]
    body = document.body + "\n\nLes coopératives ferroviaires.\n"
    return replace(content, documents={**content.documents, key: replace(document, body=body)})


def _state_files(path: Path) -> list[Path]:
    return [path, *path.parent.glob(f"{path.name}.*")]


def test_an_edit_reads_and_writes_only_part_of_the_search_state(
    content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records are kept in groups of their own (`<state>.<group>`): an edit of one
    document reads the state's file and the group of the record it takes out, and writes
    the groups of the records it changed, not every record; its files are a full build's."""
    from treillis.search import state as state_module

    paths = Paths(content.config.languages)
    path = tmp_path / "search.state"
    first = search_files(content, paths, SearchState(path, "code"), {})
    digests = {f.name: f.content_digest() for f in first}  # the output's files, intact
    total = sum(p.stat().st_size for p in _state_files(path))
    read, written = [], []
    reader, writer = state_module.read_sealed, state_module.write_sealed
    monkeypatch.setattr(
        state_module, "read_sealed", lambda p, c: read.append(p.stat().st_size) or reader(p, c)
    )
    monkeypatch.setattr(
        state_module, "write_sealed", lambda p, c, d: written.append(len(d)) or writer(p, c, d)
    )
    edited = _edited_body(content)
    again = search_files(edited, paths, SearchState(path, "code"), digests)
    whole = {f.name: f.data for f in search_files(edited, paths)}
    assert {f.name: f.data for f in again if f.data is not None}.items() <= whole.items()
    assert all(f.content_digest() == digests[f.name] for f in again if f.data is None)
    # The records weigh; the edit reads and writes the state's own file, and one or two
    # groups of records of the 256.
    main = path.stat().st_size
    records = total - main
    assert records > total / 5
    assert len(read) <= 3 and sum(read) - main <= records / 10, (read, main, records)
    assert len(written) <= 3 and sum(written) - main <= records / 10, (written, main, records)


@pytest.mark.parametrize("damage", ["flipped", "missing", "stale", "another group", "truncated"])
def test_a_damaged_group_of_the_search_state_is_records_to_analyse_again(
    content, tmp_path: Path, damage: str
) -> None:
    """Groups of records that are missing, do not verify, are another group's or an older
    build's (the state's file names each group's digest) are no records: those needed are
    analysed again and the files are a full build's, without an error."""
    paths = Paths(content.config.languages)
    path = tmp_path / "search.state"

    def built(site, state: SearchState) -> dict[str, str | None]:
        files = search_files(site, paths, state, digests)
        digests.update((f.name, f.content_digest()) for f in files)
        return {f.name: f.data for f in files}

    digests: dict[str, str] = {}
    built(content, SearchState(path, "code"))
    older = {g: g.read_bytes() for g in _state_files(path) if g != path}
    edited = _edited_body(content)
    built(edited, SearchState(path, "code"))
    groups = sorted(g for g in _state_files(path) if g != path)
    contents = [g.read_bytes() for g in groups]
    for n, group in enumerate(groups):
        data = contents[n]
        if damage == "flipped":
            group.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
        elif damage == "missing":
            group.unlink()
        elif damage == "stale":
            group.write_bytes(older.get(group, data))
        elif damage == "another group":
            group.write_bytes(contents[(n + 1) % len(groups)])
        else:
            group.write_bytes(data[:20])
    for site in (_edited_body(edited, number=5), _edited_body(edited, number=7)):
        files = built(site, SearchState(path, "code"))
        whole = {f.name: f.data for f in search_files(site, paths)}
        assert {name: data for name, data in files.items() if data is not None}.items() <= (
            whole.items()
        )
        assert files.keys() == whole.keys()


def test_an_edit_keeps_the_atlas_index_when_its_texts_are_the_same(
    content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The atlas index (descriptors' labels and synonyms) is made again only when they
    changed: after a document's edit its files are kept (no data), the previous build's."""
    paths = Paths(content.config.languages)
    path = tmp_path / "search.state"
    first = search_files(content, paths, SearchState(path, "code"), {})
    digests = {f.name: f.content_digest() for f in first}
    made: list[int] = []
    whole = index.index_of
    monkeypatch.setattr(index, "index_of", lambda *a: made.append(1) or whole(*a))
    edited = _edited_body(content)
    again = search_files(edited, paths, SearchState(path, "code"), digests)
    atlas = [f for f in again if f.name.endswith("-atlas")]
    assert made == [] and atlas and all(f.data is None for f in atlas)
    assert [f.content_digest() for f in atlas] == [digests[f.name] for f in atlas]
    # A label changed: made again, as a build from nothing makes it.
    descriptor = sorted(edited.descriptors)[0]
    relabelled = replace(
        edited,
        descriptors={
            **edited.descriptors,
            descriptor: replace(
                edited.descriptors[descriptor],
                label=replace(
                    edited.descriptors[descriptor].label,
                    values={
                        **edited.descriptors[descriptor].label.values,
                        "fr": "Vallée ferroviaire",
                    },
                ),
            ),
        },
    )
    digests = {f.name: f.content_digest() for f in again}
    changed = search_files(relabelled, paths, SearchState(path, "code"), digests)
    assert made and {f.name: f.data for f in changed if f.name.endswith("-atlas")}["fr-atlas"]
    assert [f.data for f in changed if f.name == "fr-atlas"] == [
        f.data for f in search_files(relabelled, paths) if f.name == "fr-atlas"
    ]


def test_every_search_script_is_its_json_in_a_string_as_the_standard_library_writes(
    content, tmp_path: Path
) -> None:
    """A phrases file is put together from its records' parts, each escaped once and kept
    (see `index.phrases_file`): its script is `json.dumps` of its data all the same,
    after an edit too, and its digest changes with its data."""
    paths = Paths(content.config.languages)
    state = tmp_path / "search.state"
    first = search_files(content, paths, SearchState(state, "code"))
    again = search_files(_edited_body(content), paths, SearchState(state, "code"))
    for files in (first, again):
        for search_file in files:
            name, data = search_file.name, search_file.data
            expected = f"TreillisSearch.add({json.dumps(name)},{json.dumps(data)});\n"
            assert search_file.script() == expected, name
    phrases = {f.name: f for f in first if f.name.endswith("-phrases")}
    assert phrases
    for search_file in again:
        if search_file.name in phrases:
            before = phrases[search_file.name]
            assert (search_file.data == before.data) == (
                search_file.content_digest() == before.content_digest()
            )


@pytest.mark.parametrize("damage", ["terms out of order", "a term twice", "counts cut short"])
def test_a_kept_index_whose_parts_do_not_fit_is_made_from_nothing(
    content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """A kept index (sealed, so written by Treillis: this guards against a bug of an earlier
    build) whose terms are not in order, or whose counts do not fit its terms, is not
    changed but made from nothing, as a build without a state makes it."""
    from treillis.cachedir import read_sealed, write_sealed
    from treillis.search import state as state_module

    paths = Paths(content.config.languages)
    path = tmp_path / "search.state"
    search_files(content, paths, SearchState(path, "code"))
    context = state_module._context()
    found = state_module._DECODER.decode(read_sealed(path, context))
    kept = found.indexes["fr"]
    if damage == "terms out of order":
        kept.terms[-2], kept.terms[-1] = kept.terms[-1], kept.terms[-2]  # (not the edit's)
    elif damage == "a term twice":
        kept.terms[-1] = kept.terms[-2]
    else:
        kept.counts = kept.counts[:-4]
    write_sealed(path, context, state_module._ENCODER.encode(found))
    made: list[int] = []
    whole = index.postings_of
    monkeypatch.setattr(index, "postings_of", lambda *a: made.append(1) or whole(*a))
    edited = _edited_body(content)
    again = search_files(edited, paths, SearchState(path, "code"))
    assert len(made) == 1  # "fr" made from nothing, the others changed
    assert again == search_files(edited, paths)


def test_a_long_leads_excerpt_is_made_from_its_beginning_as_from_the_whole() -> None:
    """An excerpt is read from a long lead's beginning only (up to a whitespace character):
    the same as made from the whole lead, whatever its spaces, accents and scripts."""
    import random
    import unicodedata

    def whole(text: str) -> str:
        text = " ".join(unicodedata.normalize("NFC", text).split())
        if len(text) <= index.EXCERPT:
            return text
        cut = text.rfind(" ", 0, index.EXCERPT)
        return text[: cut if cut > 0 else index.EXCERPT] + "…"

    pieces = [
        *("mot", "élan", "e\u0301te\u0301", "\u1100\u1161\u11a8", "x" * 90, "ﬁ", "Å"),
        *("A\u030a", " ", "  ", "\n", "\u00a0", "\u2000", "\u3000", "\t", " \u0301"),
        *("\u0301", "\u1100", "\u1161"),
    ]
    assert "\u0301" in pieces and len("\u0301") == 1
    chance = random.Random(18)
    for _ in range(3000):
        text = "".join(chance.choice(pieces) for _ in range(chance.randrange(1, 400)))
        assert index._excerpt(text) == whole(text), repr(text)


def test_search_data_writes_each_file_as_soon_as_it_is_made(
    content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The indexes' files are written before the display data is even made (a large
    site's files are never all held at once), and the files written are those of
    `search_outputs`, with their digests."""
    from treillis.pipeline import search_data, search_outputs
    from treillis.search.state import SearchState as State

    paths = Paths(content.config.languages)
    written: dict[str, str] = {}
    at_keep: list[int] = []
    keep = State.keep

    def counted_keep(self: State, *args, **kwargs) -> None:
        at_keep.append(len(written))  # the state is kept once the display data is made
        keep(self, *args, **kwargs)

    monkeypatch.setattr(State, "keep", counted_keep)
    every, kept, digests = search_data(
        content, paths, State(tmp_path / "search.state", "code"), {}, written.__setitem__
    )
    assert at_keep and 0 < at_keep[0] < len(written)
    assert not kept and every == list(written) and digests.keys() == written.keys()
    assert written == search_outputs(content, paths)


def test_making_the_search_data_leaves_the_sites_texts_as_they_were_in_memory(content) -> None:
    """The texts digested are encoded as bytes: given as strings, the encoder made a UTF-8
    copy of each that the string kept (every body twice over, in the search worker)."""
    import sys

    texts = [t for d in content.documents.values() for t in (d.title, d.summary, d.body)]
    assert any(not text.isascii() for text in texts)
    sizes = [sys.getsizeof(text) for text in texts]
    search_files(content, Paths(content.config.languages))
    assert [sys.getsizeof(text) for text in texts] == sizes



def test_texts_split_into_tokens_as_lunr_js_splits_them() -> None:
    """`tokens` splits with `str.split()` unless a text holds a character that is white
    space to one of Python and JavaScript only: the same tokens as the split on
    JavaScript's white space and hyphens, on the real documents and on those characters."""
    import sys

    from tests.conftest import SHARED_DATA
    from treillis.search import pipelines

    python_spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(pipelines.SPLIT_APART) == python_spaces ^ set(pipelines.JS_SPACES)

    def as_lunr_js(text: str) -> list[str]:
        lowered = pipelines.normalise(text).lower()
        return [part for part in pipelines.SEPARATOR.split(lowered) if part]

    texts = [p.read_text(encoding="utf-8") for p in (SHARED_DATA / "service-public").rglob("*.md")]
    texts += ["Vingt-et-un  élus\u00a0: -- « oui »\u2009!", " -début fin- ", "A\u2003B\u3000c"]
    texts += [f"un{c}deux - trois{c}" for c in pipelines.SPLIT_APART]
    for text in texts:
        assert pipelines.tokens(text) == as_lunr_js(text), text[:80]
    assert pipelines.tokens("un\x1cdeux") == ["un\x1cdeux"]  # one word to lunr.js
    assert pipelines.tokens("un\ufeffdeux") == ["un", "deux"]


@pytest.mark.parametrize(
    ("algorithm", "classic"), [("french", "FrenchStemmer"), ("spanish", "SpanishStemmer")]
)
def test_the_c_stemmer_stems_as_the_pure_python_one(algorithm: str, classic: str) -> None:
    """The index's stemmer is PyStemmer's C one when installed (`make test` installs it),
    and gives the stems of snowballstemmer 2.2.0's (the ones lunr-languages gives): on
    every distinct word of the real documents, folded as the French pipeline folds them."""
    from importlib import import_module

    from tests.conftest import SHARED_DATA
    from treillis.search import pipelines

    pytest.importorskip("Stemmer")  # `treillis[fast]` (no wheel for Python 3.14)
    python = getattr(import_module(f"snowballstemmer.{algorithm}_stemmer"), classic)()
    used = pipelines.snowball(algorithm, lambda: python)
    assert used is not python and type(used).__module__ == "Stemmer"  # the C one
    words: set[str] = set()
    for path in (SHARED_DATA / "service-public").rglob("*.md"):
        for word in pipelines.tokens(path.read_text(encoding="utf-8")):
            words.add(word)
            words.add(word.translate(pipelines._FRENCH_FOLD_TABLE))
    assert len(words) > 50_000
    ordered = sorted(words)
    assert [used.stemWord(w) for w in ordered] == [python.stemWord(w) for w in ordered]
