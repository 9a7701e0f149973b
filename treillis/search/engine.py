"""Searching a built index in Python, exactly as the browser does (for tests and tools).

Ranking, the same in `search-core.js` (`order`): documents matching more of the
query's words come first; then the score of the titles and descriptors (what
the quick index holds, with the full index's weights: the first results keep
their order when the full index arrives); then, for documents the quick index
cannot tell apart, their order there (by reference), and for those it does not
see, the score of every field. Each word's score
is lunr's for that word alone, so that a word's weight does not depend on the
other words of the query (nor on the index's vocabulary, for exact words).

A phrase in double quotes requires its words; with the positions of the words
(the `<lang>-phrases` data file of the full index), it requires them next to
each other, in one field, unless one of them is fuzzy or a wildcard.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence

from lunr.exceptions import QueryParseError
from lunr.index import Index
from lunr.query_parser import QueryParser

from treillis.search.index import expand_index
from treillis.search.pipelines import pipeline_of
from treillis.search.query import QUICK_FIELDS, prepare_phrases, prepare_query, query_words

# ref → field → term → positions (the `<lang>-phrases` data file)
Positions = Mapping[str, Mapping[str, Mapping[str, Sequence[int]]]]


def load_index(data: str | dict) -> Index:
    """A lunr index from its serialised form (or `index.compact_index`'s)."""
    return Index.load(expand_index(json.loads(data) if isinstance(data, str) else data))


def _scores(index: Index, clause: str, fields: tuple[str, ...] | None = None) -> dict[str, float]:
    """Each document's score for one clause of a prepared query, in some fields only."""
    query = index.create_query()
    QueryParser(clause, query).parse()
    for part in query.clauses:
        part.fields = [f for f in part.fields if fields is None or f in fields]
    if not any(part.fields for part in query.clauses):
        return {}
    return {r["ref"]: r["score"] for r in index.query(query)}


def _rank(score: float) -> int:
    return math.floor(score * 1e6)


def order(ref: str, matched: int, quick: int, rank: int) -> tuple[int, int, int, int]:
    """The sort key of a result: more words matched, then the titles' and descriptors' rank;
    between equals there, the reference when the quick index sees them (as it orders them,
    not knowing their texts), the rank of every field otherwise."""
    return (-matched, -quick, 0 if quick else -rank, int(ref, 36))


def _stems(index: Index, phrase: list[str]) -> tuple[list[str], list[str]] | None:
    """A phrase's fields and its words' terms; None when it cannot be checked (fuzzy, wildcard)."""
    fields = list(index.fields)
    stems = []
    for clause in phrase:
        if "~" in clause or "*" in clause:
            return None
        clause = clause.split("^", 1)[0]
        if ":" in clause:
            field, clause = clause.split(":", 1)
            fields = [f for f in fields if f == field]
        terms = index.pipeline.run_string(clause)
        if not terms:
            return None
        stems.append(terms[0])
    return fields, stems


def _adjacent(positions: Positions, ref: str, fields: list[str], stems: list[str]) -> bool:
    """Whether the terms follow one another in one of the fields of document `ref`."""
    by_field = positions.get(ref, {})
    for field in fields:
        terms = by_field.get(field, {})
        starts = terms.get(stems[0], ())
        if any(
            all(start + k in terms.get(stem, ()) for k, stem in enumerate(stems))
            for start in starts
        ):
            return True
    return False


def ranked(
    index: Index,
    prepared: str,
    phrases: Sequence[list[str]] = (),
    positions: Positions | None = None,
) -> list[tuple[str, int, int, int]]:
    """(reference, words matched, title and descriptor rank, rank) of each result, best first
    (equal ones by reference: a number in base 36). With `positions`, the words of each
    phrase must follow one another."""
    try:
        results = index.search(prepared)
    except QueryParseError:
        return []
    found = {r["ref"]: r["score"] for r in results}
    if positions is not None:
        for phrase in filter(None, (_stems(index, p) for p in phrases)):
            found = {ref: s for ref, s in found.items() if _adjacent(positions, ref, *phrase)}
    words = [c.lstrip("+") for c in prepared.split(" ") if not c.startswith("-")]
    matched = dict.fromkeys(found, 0)
    quick = dict.fromkeys(found, 0.0)
    total = dict.fromkeys(found, 0.0)
    if not words:
        total = found
    for word in words:
        every = _scores(index, word)
        some = (
            every if set(index.fields) <= set(QUICK_FIELDS) else _scores(index, word, QUICK_FIELDS)
        )
        for ref in found:
            if ref in every:
                matched[ref] += 1
                total[ref] += every[ref]
                quick[ref] += some.get(ref, 0.0)
    rows = [(ref, matched[ref], _rank(quick[ref]), _rank(total[ref])) for ref in found]
    rows.sort(key=lambda row: order(*row))
    return rows


def search(
    index: Index, lang: str, query: str, positions: Positions | None = None
) -> tuple[str, list[str]]:
    """The prepared lunr query and the references found, best first."""
    language, fields = pipeline_of(lang), tuple(index.fields)

    def known(term: str) -> bool:
        return term in index.inverted_index

    prepared = prepare_query(query, language, fields, known)
    if not prepared:
        return prepared, []
    phrases = prepare_phrases(query, language, fields, known)
    return prepared, [row[0] for row in ranked(index, prepared, phrases, positions)]


def known_across(indexes: Mapping[str, Index], query: str) -> dict[str, Callable[[str], bool]]:
    """For each language, whether its index knows a term, where a word another language's
    index knows counts as known: it is no typo ("habitants" is French, not misspelt
    English). The same in search-core.js (`knowsAcross`)."""
    return dict(zip(indexes, _known_across(list(indexes.items()), query), strict=True))


def _known_across(indexes: Sequence[tuple[str, Index]], query: str) -> list[Callable[[str], bool]]:
    """`known_across` for (language, index) pairs, where a language may have several
    indexes (the site's and the network's): one function per pair, in their order."""

    def own(index: Index) -> Callable[[str], bool]:
        return lambda term: term in index.inverted_index

    words = query_words(query)
    sure = [
        word
        for word in words
        if any(
            (prepared := prepare_query(word, pipeline_of(lang), tuple(index.fields), own(index)))
            and "~" not in prepared
            for lang, index in indexes
        )
    ]
    across = []
    for _lang, index in indexes:
        also = {stem for word in sure for stem in index.pipeline.run_string(word)}
        known = own(index)
        across.append(lambda term, also=also, known=known: term in also or known(term))
    return across


def search_languages(
    indexes: Mapping[str, Index],
    query: str,
    positions: Mapping[str, Positions] | None = None,
    network: Mapping[str, Index] | None = None,
    network_positions: Mapping[str, Positions] | None = None,
) -> list[tuple[str, str]]:
    """(language, reference) of what every language's index finds, best first, as the
    search page merges them (equal ranks: by reference, a number across languages).

    `network` holds the network's indexes by language (`network_positions` their words'
    positions): their records come after the site's documents (the search page shows them
    last, in a group of their own), ranked by their own indexes' weights, which say nothing
    of the site's; the site's documents rank as without them. A word counts as known (no
    typo) for the site's indexes when one of them knows it, for the network's when any
    index does. The same in search-ui.js (`findDocuments`)."""
    own = list(indexes.items())
    others = list((network or {}).items())
    known_in = _known_across(own, query)
    if others:
        known_in += _known_across(own + others, query)[len(own) :]
    where_in = [
        *((positions or {}).get(lang) for lang, _index in own),
        *((network_positions or {}).get(lang) for lang, _index in others),
    ]
    rows = []
    groups = [0] * len(own) + [1] * len(others)
    for (lang, index), known, where, group in zip(
        own + others, known_in, where_in, groups, strict=True
    ):
        language, fields = pipeline_of(lang), tuple(index.fields)
        prepared = prepare_query(query, language, fields, known)
        if prepared:
            phrases = prepare_phrases(query, language, fields, known)
            rows += [(group, lang, *row) for row in ranked(index, prepared, phrases, where)]
    rows.sort(key=lambda row: (row[0], *order(*row[2:])))
    return [(row[1], row[2]) for row in rows]
