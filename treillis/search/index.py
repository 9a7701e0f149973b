"""The search data of a site: lunr indexes per language, a display store, as scripts.

Size is what readers pay for: a *quick* index (titles and descriptors) gives
the first results; the *full* index adds leads and body text and is loaded in
the background. Display data (title, type, address, dossier, date, facets)
lives in a compact store, in rows shaped as `treillis.search.schema` says (the
schema is a data file too); lead excerpts and the labels of the atlas in files
of their own. The network's records have indexes of their own (`NETWORK`), so
that they change no score of the site's documents. Every file is
a script calling `TreillisSearch.add(name, json)`, so it loads from disk
(file://) where `fetch()` is refused.
"""

from __future__ import annotations

import hashlib
import json
import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import accumulate, chain
from operator import sub

import msgspec
from lunr import __TARGET_JS_VERSION__
from lunr.builder import Builder
from lunr.idf import idf
from lunr.pipeline import Pipeline

from treillis import markdown
from treillis.incremental import uncollected
from treillis.model import DOCUMENT_TYPES, Document, Site
from treillis.search.bodies import PlainBodies
from treillis.search.pipelines import Language, normalise, pipeline_of, tokens, word_and_parts
from treillis.search.query import QUICK_FIELDS
from treillis.search.schema import descriptor_numbers, doc_row, facet_row, schema, search_languages
from treillis.search.shards import cut_terms, encoded, shard_names, text_digest
from treillis.search.state import (
    Analysed,
    AtlasState,
    IndexState,
    RowsState,
    SearchState,
    decoded,
    record_key,
    utf8,
)
from treillis.urls import Paths

# Titles, descriptor labels, descriptor synonyms, leads and texts. The quick index has the
# first two (`QUICK_FIELDS`): synonyms in every language would double its size.
FULL_FIELDS = (("t", 10), ("d", 4), ("s", 2), ("l", 2), ("b", 1))
ATLAS_FIELDS = (("t", 3), ("s", 1))
EXCERPT = 180  # characters of the lead kept for display
# A quick index larger than this (compact JSON, as `term_size` estimates it) would not
# arrive before the first result within the budget (250 KB compressed, everything
# included): the indexes are then cut into shards by term and the display data into
# blocks (see treillis.search.shards), and each search downloads what it needs.
SHARD_ABOVE_BYTES = 700_000
DOCUMENTS_PER_BLOCK = 25
QUICK_SHARD_BYTES = 60_000  # smaller than the full index's: they come before the first result
# The network's records have indexes of their own, named with this prefix ("network-fr-quick").
NETWORK = "network-"


class SearchFile:
    """One data file of the search: its name (the script is `name.js`) and its JSON;
    `data` None: the same as the previous build's file, which is kept (a shard: see
    `treillis.search.shards.encoded`). `escaped`: the JSON as written inside the script's
    string (`json.dumps(data)` without its quotes), made beforehand from parts (see
    `phrases_file`); the data is then decoded from it only if asked for."""

    __slots__ = ("_data", "_escaped", "digest", "name")

    def __init__(
        self, name: str, data: str | None, digest: str = "", escaped: str | None = None
    ) -> None:
        self.name = name
        self._data = data
        self.digest = digest  # of the data, when made from it
        self._escaped = escaped

    @property
    def kept(self) -> bool:
        """Whether the file is the previous build's, kept (no data)."""
        return self._data is None and self._escaped is None

    @property
    def data(self) -> str | None:
        if self._data is None and self._escaped is not None:
            self._data = json.loads(f'"{self._escaped}"')
        return self._data

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SearchFile):
            return NotImplemented
        return (self.name, self.data) == (other.name, other.data)

    def __hash__(self) -> int:
        return hash((self.name, self.data))

    def __repr__(self) -> str:
        return f"SearchFile({self.name!r}, {self.data!r:.60})"

    def script(self) -> str:
        # JSON inside a JS string: JSON.parse is much faster than a JS object literal.
        if self._escaped is not None:
            return f'TreillisSearch.add({json.dumps(self.name)},"{self._escaped}");\n'
        assert self._data is not None, "a kept file is not written again"
        return f"TreillisSearch.add({json.dumps(self.name)},{json.dumps(self._data)});\n"

    def content_digest(self) -> str:
        """What names the file's content, for the next build to keep it if the same."""
        assert self.digest or self._data is not None
        return self.digest or text_digest(self.name, self._data or "")


def ref(number: int) -> str:
    """Short references keep the index small: base 36."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


# Every posting's metadata is empty (no positions are kept): one shared object, not
# millions of empty dictionaries (the JSON is the same).
_NO_METADATA: dict = {}


class _TermBuilder(Builder):
    """lunr.py's Builder fed with terms already analysed.

    lunr.py runs its pipeline token by token and deep-copies metadata for each
    one; the same words recur thousands of times in a corpus, so each distinct
    word is analysed once here. The index is identical (a test compares them).
    """

    def add_analysed(self, doc_ref: str, analysed: Analysed) -> None:
        """Add a record analysed beforehand (see `analyse`)."""
        self._documents[doc_ref] = {}
        self.document_count += 1
        inverted, frequencies, lengths = (
            self.inverted_index,
            self.field_term_frequencies,
            self.field_lengths,
        )
        for field_name, terms, counts in zip(
            self._fields, analysed.terms, analysed.counts, strict=True
        ):
            field_ref = f"{field_name}/{doc_ref}"
            frequencies[field_ref] = dict(zip(terms, counts, strict=True))
            lengths[field_ref] = sum(counts)
            for term in terms:
                try:
                    inverted[term][field_name][doc_ref] = _NO_METADATA
                except KeyError:  # a new term
                    posting = {name: {} for name in self._fields}
                    posting["_index"] = self.term_index
                    self.term_index += 1
                    inverted[term] = posting
                    posting[field_name][doc_ref] = _NO_METADATA

    def serialized(self) -> dict:
        """The index as lunr.py's `build().serialize()` gives it, computed directly.

        Same BM25 weights, same rounding, same order; without lunr.py's Vector
        objects, which cost most of the time and memory at 50,000 documents."""
        fields = list(self._fields)
        totals = dict.fromkeys(fields, 0)
        counts = dict.fromkeys(fields, 0)
        for field_ref, length in self.field_lengths.items():
            name = field_ref.split("/", 1)[0]
            totals[name] += length
            counts[name] += 1
        average = {name: totals[name] / counts[name] for name in fields if counts[name]}
        k1, b, inverted, count = self._k1, self._b, self.inverted_index, self.document_count
        # Every term's number and weight, once (each is in some field's vector).
        numbers = {term: posting["_index"] for term, posting in inverted.items()}
        weights = {term: idf(posting, count) for term, posting in inverted.items()}
        saturation = k1 + 1
        vectors = []
        for field_ref, frequencies in self.field_term_frequencies.items():
            if not frequencies:  # (an empty field of every document has no average length)
                vectors.append([field_ref, []])
                continue
            name = field_ref.split("/", 1)[0]
            boost = self._fields[name].boost
            norm = k1 * (1 - b + b * (self.field_lengths[field_ref] / average[name]))
            elements = sorted(
                [
                    (
                        numbers[term],
                        round(weights[term] * (saturation * tf) / (norm + tf) * boost, 3),
                    )
                    for term, tf in frequencies.items()
                ]
            )
            vectors.append([field_ref, list(chain.from_iterable(elements))])
        return {
            "version": __TARGET_JS_VERSION__,
            "fields": fields,
            "fieldVectors": vectors,
            "invertedIndex": [[term, inverted[term]] for term in sorted(inverted)],
            "pipeline": self.search_pipeline.serialize(),
        }


class Analyser:
    """A language's index pipeline, applied once per distinct token."""

    def __init__(self, language: Language) -> None:
        self.pipeline = Pipeline()
        self.pipeline.add(*language.index)
        self.terms: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
        """The terms of a text, in order (those of `index_words`, through the pipeline)."""
        result: list[str] = []
        cached = self.terms
        for word in tokens(text):
            terms = cached.get(word)
            if terms is None:
                run = self.pipeline.run_string
                terms = cached[word] = [term for part in word_and_parts(word) for term in run(part)]
            result.extend(terms)
        return result


def analyse(analyser: Analyser, texts: Iterable[str]) -> Analysed:
    """A record's texts (one per field) analysed once, for its index and its phrases."""
    all_terms, all_counts, all_positions = [], [], []
    for text in texts:
        found: dict[str, list[int]] = {}  # term → its positions, terms in order of appearance
        for position, term in enumerate(analyser(text)):
            places = found.get(term)
            if places is None:
                found[term] = [position]
            else:
                places.append(position)
        all_terms.append(list(found))
        all_counts.append([len(places) for places in found.values()])
        all_positions.append(array("I", chain.from_iterable(found.values())).tobytes())
    return Analysed(all_terms, all_counts, all_positions)


def build_index(
    language: Language, fields: tuple[tuple[str, int], ...], records: Iterable[dict[str, str]]
) -> dict:
    """A lunr index of `records` (each: `id` and one text per field), serialised."""
    analyser = Analyser(language)
    return index_of(
        language,
        fields,
        [
            (record["id"], analyse(analyser, (record.get(name, "") for name, _ in fields)))
            for record in records
        ],
    )


def index_of(
    language: Language, fields: tuple[tuple[str, int], ...], records: list[tuple[str, Analysed]]
) -> dict:
    """A lunr index of records analysed beforehand (`ref`, `Analysed`), serialised."""
    builder = _TermBuilder()
    builder.search_pipeline.add(*language.search)
    builder.ref("id")
    for name, boost in fields:
        builder.field(name, boost=boost)
    for doc_ref, analysed in records:
        builder.add_analysed(doc_ref, analysed)
    return builder.serialized()


def record_positions(fields: tuple[tuple[str, int], ...], analysed: Analysed) -> str:
    """Where each term of a record stands in each of its fields, for phrases in quotes: its
    part of the phrases file (field → term → positions, as JSON; fields without terms left
    out). A record's part depends on it alone: a build makes only new records' parts."""
    by_field: dict[str, dict[str, list[int]]] = {}
    for (name, _boost), terms, counts, data in zip(
        fields, analysed.terms, analysed.counts, analysed.positions, strict=True
    ):
        if not terms:
            continue
        numbers = array("I")
        numbers.frombytes(data)
        places = numbers.tolist()  # each term's positions, term after term
        entry: dict[str, list[int]] = {}
        start = 0
        for term, count in zip(terms, counts, strict=True):
            entry[term] = places[start : start + count]
            start += count
        by_field[name] = entry
    return _compact(by_field)


def phrase_part(part: str) -> tuple[str, str]:
    """A record's part of a phrases file (`record_positions`) as a phrases file is made of
    it (see `phrases_file`): as written inside the script's string, and a digest of it."""
    digest = hashlib.blake2b(part.encode(), digest_size=16).hexdigest()
    return json.dumps(part)[1:-1], digest


def phrases_file(name: str, parts: list[tuple[str, tuple[str, str]]]) -> SearchFile:
    """An index's phrases file (reference → field → term → positions, each record's part
    made by `record_positions`) from its records' parts (reference, `phrase_part`),
    without escaping or digesting the whole file again: JSON's escaping is character by
    character, so the file's is its parts' joined, and the file's digest is made of its
    parts'."""
    escaped = "{" + ",".join(f'\\"{doc_ref}\\":{part}' for doc_ref, (part, _d) in parts) + "}"
    digest = hashlib.blake2b(name.encode(), digest_size=16)
    digest.update(
        "".join(f"\0{doc_ref}\0{part_digest}" for doc_ref, (_p, part_digest) in parts).encode()
    )
    return SearchFile(name, None, "p" + digest.hexdigest(), escaped)


# BM25's parameters, lunr.Builder's: written in each index for the browser, which computes
# the weights (see `Postings`).
K1, B = Builder()._k1, Builder()._b


@dataclass
class Postings:
    """An index as counts, from which the browser (`search-core.js`, `expandIndex`) and
    `expand_index` compute lunr's BM25 weights exactly as lunr.Builder does.

    Shipping weights would make every file depend on the whole corpus (each field's average
    length, the number of documents): one edit would change nearly every shard. Counts
    depend only on the documents holding a term: an edit changes the files of its terms
    and the head (`head`: the number of documents and each field's total length).
    `terms`: sorted. `lists`: each term's postings in every field as the files write them
    (JSON; see `terms_part`): per field, flat, the document's number (as the gap from the
    previous one), how often the term is in that field of the document, the field's length
    (in terms). `counts`: how many documents each field of each term has, term after term.
    An edit decodes and encodes again only its terms' lists (see `_postings_now`)."""

    fields: tuple[tuple[str, int], ...]
    count: int
    lengths: list[int]
    terms: list[str]
    lists: list[str]
    counts: array


_ENCODER = msgspec.json.Encoder()
_LISTS_DECODER = msgspec.json.Decoder(list[list[int]])


def _encoded_lists(lists: list[list[int]]) -> str:
    """A term's postings (document numbers ascending) as `Postings.lists` holds them."""
    return _ENCODER.encode([_gaps(flat) for flat in lists]).decode()


def postings_of(
    fields: tuple[tuple[str, int], ...], records: list[tuple[int, Analysed]]
) -> Postings:
    """The postings of records analysed beforehand (document number, `Analysed`), numbers
    ascending."""
    terms: dict[str, list[list[int]]] = {}
    lengths = [0] * len(fields)
    empty = len(fields)
    get = terms.get
    for number, analysed in records:
        for position, (field_terms, counts) in enumerate(
            zip(analysed.terms, analysed.counts, strict=True)
        ):
            length = sum(counts)
            lengths[position] += length
            for term, tf in zip(field_terms, counts, strict=True):
                lists = get(term)
                if lists is None:
                    lists = terms[term] = [[] for _ in range(empty)]
                lists[position] += (number, tf, length)
    ordered = sorted(terms)
    lists, sizes = [], array("I")
    for term in ordered:
        found = terms.pop(term)  # (not held twice, as numbers and as text)
        sizes.extend(len(flat) // 3 for flat in found)
        lists.append(_encoded_lists(found))
    return Postings(fields, len(records), lengths, ordered, lists, sizes)


def _postings_now(
    fields: tuple[tuple[str, int], ...],
    previous: IndexState | None,
    records: list[tuple[int, str]],
    analysis: Callable[[str], Analysed],
    kept: Mapping[str, Analysed | msgspec.Raw],
) -> tuple[Postings, IndexState, set[str] | None]:
    """The postings of `records` (number, key; numbers ascending), the state to keep of
    them, and the terms whose postings changed (None: all, made from nothing).
    `analysis`: a record's analysis by its key.

    With the `previous` build's state of this index, only the records whose key or number
    changed are taken out (as `kept`, the previous build's records, analysed them) and put
    in again: the work of an edit is that of its terms, not of the corpus. The postings are
    the same as made from nothing (numbers stay in order), which the tests check."""
    if previous is not None and len(previous.lengths) == len(fields):
        old, new = dict(previous.records), dict(records)
        removed = [(n, key) for n, key in previous.records if new.get(n) != key]
        added = [(n, key) for n, key in records if old.get(n) != key]
        if len(removed) + len(added) <= max(16, len(records) // 8):
            try:
                postings, changed = _edited(
                    fields, previous, records, removed, added, analysis, kept
                )
            except _Inconsistent:
                pass  # (a bug of an earlier build: made from nothing below)
            else:
                state = IndexState(
                    records,
                    postings.lengths,
                    postings.terms,
                    postings.lists,
                    postings.counts.tobytes(),
                    dict(previous.shards),
                )
                return postings, state, changed
    postings = postings_of(fields, [(number, analysis(key)) for number, key in records])
    state = IndexState(
        records, postings.lengths, postings.terms, postings.lists, postings.counts.tobytes(), {}
    )
    return postings, state, None


class _Inconsistent(Exception):
    """A kept index that does not hold what its records say."""


def _edited(
    fields: tuple[tuple[str, int], ...],
    previous: IndexState,
    records: list[tuple[int, str]],
    removed: list[tuple[int, str]],
    added: list[tuple[int, str]],
    analysis: Callable[[str], Analysed],
    kept: Mapping[str, Analysed | msgspec.Raw],
) -> tuple[Postings, set[str]]:
    """`previous`'s postings with the `removed` records (number, key) taken out and the
    `added` ones put in, and the terms whose postings changed: only these terms' lists are
    decoded and encoded again."""
    width = len(fields)
    terms, lists, lengths = previous.terms, previous.lists, list(previous.lengths)
    counts = array("I")
    counts.frombytes(previous.counts)
    touched: dict[str, list[list[int]]] = {}  # term → each field's postings, as gaps

    def postings_of_term(term: str) -> list[list[int]]:
        found = touched.get(term)
        if found is None:
            at = bisect_left(terms, term)
            if at < len(terms) and terms[at] == term:
                try:
                    found = _LISTS_DECODER.decode(lists[at])
                except msgspec.DecodeError:
                    raise _Inconsistent(term) from None
                if len(found) != width:
                    raise _Inconsistent(term)
            else:
                found = [[] for _ in range(width)]
            touched[term] = found
        return found

    def fields_of(analysed: Analysed) -> list[tuple[dict[str, int], int]]:
        """Each field's terms (term → how often) and length."""
        return [
            (dict(zip(field_terms, term_counts, strict=True)), sum(term_counts))
            for field_terms, term_counts in zip(analysed.terms, analysed.counts, strict=True)
        ]

    taken: dict[int, list[tuple[dict[str, int], int]]] = {}
    for number, key in removed:
        record = kept.get(key)
        analysed = decoded(record) if record is not None else None
        if analysed is None:
            raise _Inconsistent(key)
        taken[number] = fields_of(analysed)
    put: dict[int, list[tuple[dict[str, int], int]]] = {
        number: fields_of(analysis(key)) for number, key in added
    }
    empty: list[tuple[dict[str, int], int]] = [({}, 0)] * width
    # A document edited (taken out and put in again) changes only the postings of the
    # terms whose count, or whose field's length, changed: a title edited changes the
    # postings of the title's terms, not those of the body's.
    for number in sorted(taken.keys() | put.keys()):
        for position, ((old, old_length), (new, new_length)) in enumerate(
            zip(taken.get(number, empty), put.get(number, empty), strict=True)
        ):
            lengths[position] += new_length - old_length
            for term, tf in old.items():
                if term not in new:
                    if not _take_out(postings_of_term(term)[position], number):
                        raise _Inconsistent(term)
                elif new[term] != tf or new_length != old_length:
                    found = postings_of_term(term)[position]
                    if not _replace(found, number, new[term], new_length):
                        raise _Inconsistent(term)
            for term, tf in new.items():
                if term not in old:
                    _put_in(postings_of_term(term)[position], number, tf, new_length)
    for term in sorted(touched):
        found = touched[term]
        at = bisect_left(terms, term)
        present = at < len(terms) and terms[at] == term
        if not any(found):
            if present:
                del terms[at], lists[at], counts[width * at : width * (at + 1)]
            continue
        sizes = array("I", [len(flat) // 3 for flat in found])
        text = _ENCODER.encode(found).decode()
        if present:
            lists[at] = text
            counts[width * at : width * (at + 1)] = sizes
        else:
            terms.insert(at, term)
            lists.insert(at, text)
            counts[width * at : width * at] = sizes
    return Postings(fields, len(records), lengths, terms, lists, counts), set(touched)


def _take_out(gaps: list[int], number: int) -> bool:
    """Document `number`'s postings taken out of a field's (see `_gaps`): False if not there.
    Numbers are added up in C, not made into a list and back in Python."""
    numbers = list(accumulate(gaps[0::3]))
    at = bisect_left(numbers, number)
    if at >= len(numbers) or numbers[at] != number:
        return False
    gap = gaps[3 * at]
    del gaps[3 * at : 3 * at + 3]
    if 3 * at < len(gaps):
        gaps[3 * at] += gap  # the next document's gap is now from the one before
    return True


def _replace(gaps: list[int], number: int, tf: int, length: int) -> bool:
    """Document `number`'s count and field length changed in a field's postings (see
    `_gaps`): False if not there."""
    numbers = list(accumulate(gaps[0::3]))
    at = bisect_left(numbers, number)
    if at >= len(numbers) or numbers[at] != number:
        return False
    gaps[3 * at + 1 : 3 * at + 3] = (tf, length)
    return True


def _put_in(gaps: list[int], number: int, tf: int, length: int) -> None:
    """Document `number`'s postings put in a field's (see `_gaps`), in order."""
    numbers = list(accumulate(gaps[0::3]))
    at = bisect_left(numbers, number)
    gap = number - (numbers[at - 1] if at else 0)
    gaps[3 * at : 3 * at] = (gap, tf, length)
    if 3 * at + 3 < len(gaps):
        gaps[3 * at + 3] -= gap


def _unchanged_shards(
    terms: list[str],
    runs: list[tuple[int, int]],
    changed: set[str] | None,
    previous: IndexState | None,
    file_name: str,
) -> dict[int, str]:
    """The shards (by start) of an index file whose data is the previous build's, with
    that build's digest: the same first term and the same end, and no term in it changed."""
    if changed is None or previous is None or file_name not in previous.shards:
        return {}
    firsts, digests = previous.shards[file_name]
    after = dict(zip(firsts, [*firsts[1:], None], strict=True))
    digest_of = dict(zip(firsts, digests, strict=True))
    starts = [terms[start] for start, _end in runs]
    touched = {bisect_right(starts, term) - 1 for term in changed}
    same = {}
    for n, (start, end) in enumerate(runs):
        first = terms[start]
        end_term = terms[end] if end < len(terms) else None
        if n not in touched and first in after and after[first] == end_term:
            same[start] = digest_of[first]
    return same


def head(language: Language, postings: Postings, fields: tuple[str, ...]) -> dict:
    """What an index's files share: lunr's version, fields, search pipeline, and what the
    weights need besides the postings (BM25's parameters, each field's boost and total
    length, the number of documents)."""
    pipeline = Pipeline()
    pipeline.add(*language.search)
    chosen = [n for n, (name, _boost) in enumerate(postings.fields) if name in fields]
    return {
        "version": __TARGET_JS_VERSION__,
        "fields": [postings.fields[n][0] for n in chosen],
        "pipeline": pipeline.serialize(),
        "bm25": [K1, B],
        "boosts": [postings.fields[n][1] for n in chosen],
        "count": postings.count,
        "lengths": [postings.lengths[n] for n in chosen],
    }


def _field_positions(postings: Postings, fields: tuple[str, ...]) -> list[int]:
    return [n for n, (name, _boost) in enumerate(postings.fields) if name in fields]


def indexed_terms(postings: Postings, fields: tuple[str, ...]) -> Sequence[int]:
    """The terms found in some of `fields`, by their place in `postings.terms` (sorted)."""
    chosen = _field_positions(postings, fields)
    width = len(postings.fields)
    if len(chosen) == width:
        return range(len(postings.terms))
    columns = [postings.counts[n::width] for n in chosen]
    return [at for at, found in enumerate(zip(*columns, strict=True)) if any(found)]


def term_sizes(postings: Postings, places: Sequence[int], fields: tuple[str, ...]) -> list[int]:
    """About how many characters each term (by place) takes in a file of `fields` (what
    shards are cut by): it depends only on how many documents' fields hold it."""
    chosen = _field_positions(postings, fields)
    width, terms, counts = len(postings.fields), postings.terms, postings.counts
    return [
        len(terms[at]) + 8 + sum(2 + 9 * counts[width * at + n] for n in chosen) for at in places
    ]


def _gaps(flat: list[int]) -> list[int]:
    """A field's postings with each document number as the gap from the previous one."""
    if len(flat) <= 3:
        return flat
    gapped = flat.copy()
    gapped[3::3] = list(map(sub, flat[3::3], flat[0::3]))
    return gapped


def terms_part(postings: Postings, places: Sequence[int], fields: tuple[str, ...]) -> dict:
    """The postings of the terms at `places` in `fields`: the body of an index file or of a
    shard, its postings as kept (`Postings.lists`), not encoded again. An index of only
    some fields (the quick one) gives each term's document frequency in all (`df`):
    lunr's idf counts the documents of every field of the full index."""
    chosen = _field_positions(postings, fields)
    width, terms, lists = len(postings.fields), postings.terms, postings.lists
    part: dict = {"terms": [terms[at] for at in places]}
    if len(chosen) == width:
        texts = [lists[at] for at in places]
    else:
        texts = [_some_fields(lists[at], chosen) for at in places]
    part["postings"] = msgspec.Raw(f"[{','.join(texts)}]".encode())
    if len(chosen) < width:
        counts = postings.counts
        part["df"] = [sum(counts[width * at : width * (at + 1)]) for at in places]
    return part


def _some_fields(text: str, chosen: list[int]) -> str:
    """A term's postings (`Postings.lists`' JSON: lists of numbers) in the fields `chosen`."""
    every = text[2:-2].split("],[")
    return f"[[{'],['.join(every[n] for n in chosen)}]]"


def _compact(data: object) -> str:
    """Compact JSON, as `json.dumps(data, ensure_ascii=False, separators=(",", ":"))`
    writes it, in a third of the time: the same text for this data, whose floats are
    weights rounded to 3 decimals (below 1e-4 or from 1e16 on, the two write exponents
    differently; a test compares them)."""
    return _ENCODER.encode(data).decode()


def restrict(index: dict, fields: tuple[str, ...]) -> dict:
    """The same index limited to some fields: a smaller index scoring those fields alike.

    Field vectors keep the weights computed over the whole corpus, so a
    result found in the quick index ranks as it will in the full one.
    """
    inverted = []
    for term, posting in index["invertedIndex"]:
        kept = {field: posting[field] for field in fields}
        if any(kept.values()):
            inverted.append([term, {"_index": posting["_index"], **kept}])
    return {
        **index,
        "fields": [field for field in index["fields"] if field in fields],
        "fieldVectors": [
            vector for vector in index["fieldVectors"] if vector[0].split("/", 1)[0] in fields
        ],
        "invertedIndex": inverted,
    }


def compact_index(index: dict) -> dict:
    """A serialised index without its inverted index, which its field vectors imply.

    Postings are what the field vectors say (which documents' fields hold which
    term); terms are numbered by their place in the sorted list. The browser
    (`search-core.js`) and `engine.load_index` rebuild the index with `expand_index`;
    the scores are the same. It saves a third of the quick index, compressed."""
    position = {posting["_index"]: n for n, (_term, posting) in enumerate(index["invertedIndex"])}
    return {
        "version": index["version"],
        "fields": index["fields"],
        "pipeline": index["pipeline"],
        "terms": [term for term, _posting in index["invertedIndex"]],
        "fieldVectors": [
            [field_ref, _renumbered(elements, position)]
            for field_ref, elements in index["fieldVectors"]
        ],
    }


def _renumbered(elements: list, position: dict[int, int]) -> list:
    """A field vector's (term, weight) pairs with terms renumbered, in their new order (lunr
    walks vectors in term order)."""
    pairs = sorted((position[elements[i]], elements[i + 1]) for i in range(0, len(elements), 2))
    return [value for pair in pairs for value in pair]


def expand_index(data: dict) -> dict:
    """A serialised lunr index again, from `compact_index`'s form or from counts (`Postings`:
    a head with its terms' part, `terms_part`), others as they are. The same in
    search-core.js (`expandIndex`), operation for operation: the same weights."""
    if "postings" in data:
        return _weighed(data)
    if "terms" not in data:
        return data
    postings: list[dict] = [
        {"_index": n, **{field: {} for field in data["fields"]}} for n in range(len(data["terms"]))
    ]
    for field_ref, elements in data["fieldVectors"]:
        field, doc_ref = field_ref.split("/", 1)
        for term in elements[0::2]:
            postings[term][field][doc_ref] = _NO_METADATA
    return {
        "version": data["version"],
        "fields": data["fields"],
        "fieldVectors": data["fieldVectors"],
        "invertedIndex": [[t, p] for t, p in zip(data["terms"], postings, strict=True)],
        "pipeline": data["pipeline"],
    }


def _weighed(data: dict) -> dict:
    """A serialised lunr index from a head and its terms' counts: terms numbered in order,
    each field vector's weights computed as lunr.Builder does (see `Postings`)."""
    k1, b = data["bm25"]
    count, fields, boosts = data["count"], data["fields"], data["boosts"]
    averages = [length / count if count else 0.0 for length in data["lengths"]]
    frequencies = data.get("df")
    saturation = k1 + 1
    inverted: list = []
    vectors: dict[str, list] = {}
    for n, (term, lists) in enumerate(zip(data["terms"], data["postings"], strict=True)):
        posting: dict = {"_index": n}
        with_term = frequencies[n] if frequencies is not None else sum(len(f) for f in lists) // 3
        x = (count - with_term + 0.5) / (with_term + 0.5)
        weight = math.log(1 + abs(x))
        for name, flat, boost, average in zip(fields, lists, boosts, averages, strict=True):
            documents: dict = {}
            posting[name] = documents
            number = 0
            for i in range(0, len(flat), 3):
                number += flat[i]
                tf, length = flat[i + 1], flat[i + 2]
                doc_ref = ref(number)
                documents[doc_ref] = _NO_METADATA
                norm = k1 * (1 - b + b * (length / average))
                value = math.floor(weight * (saturation * tf) / (norm + tf) * boost * 1000 + 0.5)
                key = f"{name}/{doc_ref}"
                vector = vectors.get(key)
                if vector is None:
                    vectors[key] = [n, value / 1000]
                else:
                    vector += (n, value / 1000)
        inverted.append([term, posting])
    return {
        "version": data["version"],
        "fields": fields,
        "fieldVectors": [[key, elements] for key, elements in vectors.items()],
        "invertedIndex": inverted,
        "pipeline": data["pipeline"],
    }


def search_files(
    site: Site,
    paths: Paths,
    state: SearchState | None = None,
    previous: Mapping[str, str] | None = None,
) -> list[SearchFile]:
    """Every data file of the site's search. With a `state`, the records it keeps from
    a previous build are not analysed again, and it keeps this build's. With `previous`
    (file name → digest: the previous build's files still intact, see
    `SearchFile.content_digest`), the shards the same as theirs are not encoded again,
    but given as kept (no data)."""
    return list(each_search_file(site, paths, state, previous))


def each_search_file(
    site: Site,
    paths: Paths,
    state: SearchState | None = None,
    previous: Mapping[str, str] | None = None,
    bodies: PlainBodies | None = None,
) -> Iterator[SearchFile]:
    """The files of `search_files`, one at a time, each as soon as it is made; documents'
    bodies as plain text from `bodies` when found there (made by the pages' workers)."""
    # Millions of small containers are made meanwhile and kept until the last file is, none
    # in a cycle: the cycle collector would walk them again and again (half of the time).
    with uncollected():
        yield from _search_files(site, paths, state, previous, bodies)


def _search_files(
    site: Site,
    paths: Paths,
    state: SearchState | None,
    previous: Mapping[str, str] | None,
    bodies: PlainBodies | None = None,
) -> Iterator[SearchFile]:
    """The files of `search_files`, each given as soon as it is made: the caller writes
    and lets go of each (at 50,000 documents, they weigh a hundred MB together)."""
    documents = sorted(site.documents.values(), key=lambda d: d.key)
    descriptors = sorted(site.descriptors)
    descriptor_number = descriptor_numbers(site)
    families = sorted(site.families)
    dossiers = sorted(site.dossiers)
    partners = [p.id for p in site.config.partners]

    # Documents: one full index per language of the documents, and its quick part. A
    # document's descriptors are indexed by their labels and synonyms in every language of
    # the site: a reader finds a case written in Spanish by the French label it is indexed with.
    # Each record is its fields' texts (`FULL_FIELDS`' order), a document's body as Markdown.
    # Indexes by name ("fr", then `NETWORK` + "fr"), each with its language and records
    # (number, key).
    by_name: dict[str, tuple[str, list[tuple[int, str]]]] = {}
    # A descriptor's labels and synonyms in a document's language, then the site's: once
    # for each descriptor and language, not for each document.
    words_of: dict[tuple[str, str], tuple[list[str | None], list[str]] | None] = {}

    def words(descriptor_id: str, first: str) -> tuple[list[str | None], list[str]] | None:
        found = words_of.get((descriptor_id, first), ())
        if found == ():
            descriptor = site.descriptors.get(descriptor_id)
            found = None
            if descriptor is not None:
                langs = (first, *site.config.languages)
                found = (
                    [descriptor.label.get(lang) for lang in langs],
                    [word for lang in langs for word in descriptor.synonyms.get(lang, [])],
                )
            words_of[descriptor_id, first] = found
        return found

    def document_texts(document: Document, ids: list[str]) -> tuple[str, ...]:
        """A document's record: its title, its descriptors' labels and synonyms, its lead
        and its body (Markdown)."""
        labels: dict[str | None, None] = {}
        synonyms: dict[str, None] = {}
        for descriptor_id in ids:
            found = words(descriptor_id, document.lang)
            if found is not None:
                labels.update(dict.fromkeys(found[0]))
                synonyms.update(dict.fromkeys(found[1]))
        return (
            document.title,
            " ; ".join(label for label in labels if label),
            " ; ".join(synonym for synonym in synonyms if synonym not in labels),
            document.summary,
            document.body,
        )

    kept = state.records() if state is not None else {}
    # Each record met, by key: its analysis, or None when kept by the state (read and
    # decoded only if needed, see `analysis`), and what a kept one is made from, should it
    # not be read (its language, a function giving its texts, its kind).
    used: dict[str, Analysed | None] = {}
    sources: dict[str, tuple[str, Callable[[], tuple[str, ...]], str]] = {}
    analysers: dict[str, Analyser] = {}
    plain_text = bodies.plain_text if bodies is not None else markdown.plain_text

    def keyed(lang: str, texts: tuple[str, ...], kind: str) -> str:
        """A record's key, its analysis kept from a previous build or made now."""
        key = record_key(lang, (*texts, kind))
        if key not in used:
            if key in kept:
                sources[key] = (lang, lambda: texts, kind)
                used[key] = None
            else:
                used[key] = analysed_now(lang, texts, kind)
        return key

    def known(key: str, lang: str, texts: Callable[[], tuple[str, ...]], kind: str) -> None:
        """A record whose key is known (its texts made only if it must be analysed)."""
        if key not in used:
            if key in kept:
                sources[key] = (lang, texts, kind)
                used[key] = None
            else:
                used[key] = analysed_now(lang, texts(), kind)

    def analysed_now(lang: str, texts: tuple[str, ...], kind: str) -> Analysed:
        """A record analysed (a "markdown" record's last text is a document's body, whose
        plain text is indexed)."""
        if kind == "markdown":
            texts = (*texts[:-1], plain_text(texts[-1]))
        if lang not in analysers:
            analysers[lang] = Analyser(pipeline_of(lang))
        return analyse(analysers[lang], texts)

    def analysis(key: str) -> Analysed:
        """A record's analysis, decoded if kept (made again if it cannot be read)."""
        found = used[key]
        if found is None:
            kept_record = kept.get(key)
            found = decoded(kept_record) if kept_record is not None else None
            if found is None:
                lang, texts, kind = sources[key]
                found = analysed_now(lang, texts(), kind)
            used[key] = found
        return found

    # Each document's digest (`_item_digest`) says whether its record, row and excerpt are
    # the previous build's: only the documents that changed are looked at further (their
    # descriptors' words, their record's key), unless a descriptor's words changed.
    kept_rows = state.rows() if state is not None else None
    words_digest = _words_digest(site, descriptors)
    context = _digest((dossiers, descriptors, partners, DOCUMENT_TYPES))
    key_of: dict[bytes, str] = {}
    if kept_rows is not None and kept_rows.words == words_digest:
        key_of = dict(zip(kept_rows.items, kept_rows.keys, strict=False))
    items: list[bytes] = []
    document_keys: list[str] = []
    descriptor_ids = []
    for number, document in enumerate(documents):
        ids = document.descriptor_ids
        descriptor_ids.append(ids)
        item = _item_digest(document, ids)
        items.append(item)
        key = key_of.get(item)
        if key is None:
            key = keyed(document.lang, document_texts(document, ids), "markdown")
        else:
            known(key, document.lang, partial(document_texts, document, ids), "markdown")
        document_keys.append(key)
        by_name.setdefault(document.lang, (document.lang, []))[1].append((number, key))
    languages = sorted(by_name)
    # The network's records, numbered after the documents, in indexes of their own (one per
    # language): their statistics (how many records, how rare a word, how long a field) must
    # not move the site's own documents' scores, and the browser loads them after the
    # site's first results. Found by title, keywords' labels, lead and authors, in their
    # language (else the site's first).
    network = site.network
    network_by_name: dict[str, tuple[str, list[tuple[int, str]]]] = {}
    for number, entry in enumerate(network, start=len(documents)):
        record = entry.record
        texts = (
            record.title,
            " ; ".join(entry.keywords),
            "",
            record.lead,
            " ; ".join(record.authors),
        )
        network_by_name.setdefault(NETWORK + entry.lang, (entry.lang, []))[1].append(
            (number, keyed(entry.lang, texts, "text"))
        )
    network_languages = sorted(lang for lang, _records in network_by_name.values())
    # The site's indexes first, each group by language.
    keyed_by_name = {name: by_name[name] for name in languages} | dict(
        sorted(network_by_name.items())
    )
    del by_name, network_by_name
    # Each index as counts (see `Postings`): the full one, and its quick part (titles and
    # descriptors, with the full one's statistics: a result ranks there as in the full one).
    # Each record's part of its index's phrases file, kept from build to build.
    kept_phrases = state.phrases() if state is not None else {}
    phrases: dict[str, tuple[str, str]] = {}
    # A previous build's index is changed where the records changed (see `IndexState`). It
    # is taken from the state first: should this build fail after changing it, the next one
    # (the preview's, whose state stays in memory) makes the index from nothing.
    kept_indexes = state.indexes() if state is not None else {}
    previous_indexes = {name: kept_indexes.pop(name, None) for name in keyed_by_name}
    index_states: dict[str, IndexState] = {}
    changes: dict[str, set[str] | None] = {}
    indexes = []
    for name, (lang, numbered) in keyed_by_name.items():
        postings, index_states[name], changes[name] = _postings_now(
            FULL_FIELDS, previous_indexes[name], numbered, analysis, kept
        )
        quick_places = indexed_terms(postings, QUICK_FIELDS)
        size = sum(term_sizes(postings, quick_places, QUICK_FIELDS))
        indexes.append((name, lang, size, postings, quick_places))
    # One form for the whole site: its display data comes in blocks when any index is sharded.
    large = any(size > SHARD_ABOVE_BYTES for _name, _lang, size, _p, _q in indexes)
    every_field = tuple(name for name, _boost in FULL_FIELDS)
    for name, lang, _size, postings, quick_places in indexes:
        language = pipeline_of(lang)
        for file_name, fields, places, target in (
            (f"{name}-quick", QUICK_FIELDS, quick_places, QUICK_SHARD_BYTES),
            (f"{name}-full", every_field, indexed_terms(postings, every_field), None),
        ):
            shared = head(language, postings, fields)
            if not large:
                yield SearchFile(
                    file_name, _compact(shared | terms_part(postings, places, fields))
                )
                continue
            terms = [postings.terms[at] for at in places]
            runs = cut_terms(terms, term_sizes(postings, places, fields), target)
            firsts = [terms[start] for start, _end in runs]
            names = shard_names(firsts)
            shared.update(shards=firsts, files=names)
            yield SearchFile(file_name, _compact(shared))
            same = _unchanged_shards(
                terms, runs, changes[name], previous_indexes.get(name), file_name
            )
            digests = []
            for shard_name, (start, end) in zip(names, runs, strict=True):
                shard_file = f"{file_name}-{shard_name}"
                digest = same.get(start, "")
                if digest and previous is not None and previous.get(shard_file) == digest:
                    data = None  # the same data as the previous build's, whose file is intact
                else:
                    part = terms_part(postings, places[start:end], fields)
                    data, digest = encoded(shard_file, part, previous)
                yield SearchFile(shard_file, data, digest)
                digests.append(digest)
            index_states[name].shards[file_name] = (firsts, digests)
        if not large:
            # Words' positions, for phrases in quotes: loaded only by a search with one (a
            # large site has none: they would weigh as much as its full index).
            parts = []
            for number, key in keyed_by_name[name][1]:
                part = kept_phrases.get(key)
                if part is None:
                    part = phrase_part(record_positions(FULL_FIELDS, analysis(key)))
                phrases[key] = part
                parts.append((ref(number), part))
            yield phrases_file(f"{name}-phrases", parts)
    del indexes, keyed_by_name

    # The atlas: descriptors by label and synonyms, in each language of the site. Its index
    # is kept when made of the same texts as the previous build's, whose file is intact.
    kept_atlas = state.atlas() if state is not None else {}
    atlas_states: dict[str, AtlasState] = {}
    for lang in site.config.languages:
        texts_of = [
            (
                site.descriptors[d].label.get(lang),
                " ; ".join(site.descriptors[d].synonyms.get(lang, [])),
            )
            for d in descriptors
        ]
        inputs = record_key(lang, tuple(chain.from_iterable(texts_of)))
        file_name = f"{lang}-atlas"
        before = kept_atlas.get(lang)
        if (
            before is not None
            and before.inputs == inputs
            and previous is not None
            and previous.get(file_name) == before.digest
        ):
            used.update(dict.fromkeys(before.keys))  # (kept: `before` says so)
            yield SearchFile(file_name, None, before.digest)
            atlas_states[lang] = before
            continue
        keys = [keyed(lang, texts, "atlas") for texts in texts_of]
        atlas_records = [(ref(number), analysis(key)) for number, key in enumerate(keys)]
        atlas_file = SearchFile(
            file_name, _compact(index_of(pipeline_of(lang), ATLAS_FIELDS, atlas_records))
        )
        yield atlas_file
        atlas_states[lang] = AtlasState(inputs, atlas_file.content_digest(), keys)
    # The shape of the display data and what each language needs in the browser.
    found_languages = {*languages, *network_languages}
    yield SearchFile("schema", _compact(schema(search_languages(site, found_languages))))

    # Display data: what every result shows (excerpts come with the full index).
    dossier_number = {slug: number for number, slug in enumerate(dossiers)}

    def document_row(number: int) -> list:
        document, ids = documents[number], descriptor_ids[number]
        target = document.partner.target if document.partner else ""
        return doc_row(
            slug=document.slug,
            title=document.title,
            type=DOCUMENT_TYPES.index(document.type),
            dossier=dossier_number[document.dossier],
            date=document.date,
            lang=document.lang,
            partner=partners.index(target) if target in partners else -1,
            descriptors=[
                descriptor_number[d] for d in dict.fromkeys(ids) if d in descriptor_number
            ],
            bases=[0],
            url="",
        )

    # The bases: the site itself first, then site.yaml's, by name in the site's first language.
    base_ids = [base.id for base in site.config.network]
    first = site.config.languages[0] if site.config.languages else ""
    network_rows = [
        doc_row(
            slug="",
            title=entry.record.title,
            type=-1,
            dossier=-1,
            date=entry.record.date,
            lang=entry.lang,
            partner=-1,
            descriptors=[descriptor_number[d] for d in entry.descriptors if d in descriptor_number],
            bases=[1 + base_ids.index(b) for b in entry.bases],
            url=entry.record.url,
        )
        for entry in network
    ]
    network_excerpts = [_excerpt(entry.record.lead) for entry in network]
    items += [
        hashlib.blake2b(_DIGESTED.encode((row, excerpt)), digest_size=16).digest()
        for row, excerpt in zip(network_rows, network_excerpts, strict=True)
    ]

    def row(number: int) -> list:
        if number < len(documents):
            return document_row(number)
        return network_rows[number - len(documents)]

    def excerpt(number: int) -> str:
        if number < len(documents):
            return _excerpt(documents[number].summary)
        return network_excerpts[number - len(documents)]

    store = {
        "languages": languages,
        "network": network_languages,
        "types": list(DOCUMENT_TYPES),
        "dossiers": [[site.dossiers[s].title, paths.dossier(s)] for s in dossiers],
        "partners": [site.partners[p].name for p in partners],
        "bases": [
            site.config.title.get(first),
            *(base.name.get(first) or base.id for base in site.config.network),
        ],
    }
    blocks: list[tuple[str, str, str]] = []
    if not large:
        every = range(len(items))
        yield SearchFile("store", _compact({**store, "docs": [row(n) for n in every]}))
        yield SearchFile("excerpts", _compact([excerpt(n) for n in every]))
    else:
        # A large site: display data in blocks, loaded for the results shown. A block is
        # made again only when one of its rows changed (or its files did in the output).
        store.update(count=len(items), block=DOCUMENTS_PER_BLOCK)
        yield SearchFile("store", _compact(store))
        same_blocks = (
            kept_rows is not None
            and previous is not None
            and kept_rows.context == context
            and kept_rows.block == DOCUMENTS_PER_BLOCK
        )
        for number, start in enumerate(range(0, len(items), DOCUMENTS_PER_BLOCK)):
            end = start + DOCUMENTS_PER_BLOCK
            docs_name, excerpts_name = f"docs-{number}", f"excerpts-{number}"
            if (
                same_blocks
                and number < len(kept_rows.blocks)
                and kept_rows.items[start:end] == items[start:end]
                and previous.get(docs_name) == kept_rows.blocks[number][0]
                and previous.get(excerpts_name) == kept_rows.blocks[number][1]
            ):
                docs_digest, excerpts_digest, facets_part = kept_rows.blocks[number]
                yield SearchFile(docs_name, None, docs_digest)
                yield SearchFile(excerpts_name, None, excerpts_digest)
            else:
                rows = [row(n) for n in range(start, min(end, len(items)))]
                docs_file = SearchFile(docs_name, _compact(rows))
                excerpts_file = SearchFile(
                    excerpts_name, _compact([excerpt(n) for n in range(start, start + len(rows))])
                )
                yield docs_file
                yield excerpts_file
                docs_digest, excerpts_digest = (
                    docs_file.content_digest(),
                    excerpts_file.content_digest(),
                )
                facets_part = _compact([facet_row(r) for r in rows])[1:-1]
            blocks.append((docs_digest, excerpts_digest, facets_part))
        # What the filters need of every document, in one file loaded after the first
        # results (shaped like the display data, without the slug and the title): each
        # block's part, joined.
        yield SearchFile("facets", f"[{','.join(part for _d, _e, part in blocks)}]")
    if state is not None:
        rows_state = RowsState(
            words_digest, context, items, document_keys, DOCUMENTS_PER_BLOCK, blocks
        )
        state.keep(used, index_states, phrases, atlas_states, rows_state)
    # Labels of the atlas, one file per interface language.
    broader = [
        [descriptor_number[b] for b in site.descriptors[d].broader_ids if b in descriptor_number]
        for d in descriptors
    ]
    for lang in site.config.languages:
        labels = {
            "families": [
                [site.families[f].label.get(lang), site.families[f].colour] for f in families
            ],
            "descriptors": [
                [
                    site.descriptors[d].label.get(lang),
                    families.index(site.descriptors[d].family.target)
                    if site.descriptors[d].family.target in site.families
                    else -1,
                    paths.descriptor(d, lang),
                ]
                for d in descriptors
            ],
            # Each descriptor's broader ones: the search page's filter on a descriptor and
            # its narrower ones (`within`, from a descriptor's list including narrower ones).
            "broader": broader,
        }
        yield SearchFile(f"labels-{lang}", _compact(labels))


_DIGESTED = msgspec.msgpack.Encoder()  # (what digests are made of: faster than JSON)


def _digest(data: object) -> str:
    return hashlib.blake2b(_DIGESTED.encode(data), digest_size=16).hexdigest()


def _words_digest(site: Site, descriptors: list[str]) -> str:
    """A digest of what documents' records take of the atlas: every descriptor's labels and
    synonyms, and the site's languages (in that order, after a document's own)."""
    return _digest(
        (
            site.config.languages,
            [(d, site.descriptors[d].label, site.descriptors[d].synonyms) for d in descriptors],
        )
    )


def _item_digest(document: Document, ids: list[str]) -> bytes:
    """A digest of everything a document's record, row and excerpt are made of (besides
    the atlas' words and numbers: see `RowsState`); its texts as bytes (see `utf8`)."""
    target = document.partner.target if document.partner else None
    return hashlib.blake2b(
        _DIGESTED.encode(
            (
                document.dossier,
                document.slug,
                document.lang,
                document.type,
                document.date,
                target,
                ids,
                utf8((document.title, document.summary, document.body)),
            )
        ),
        digest_size=16,
    ).digest()


def _excerpt(text: str) -> str:
    """A lead's beginning as results show it: NFC, whitespace collapsed, cut at a space
    before `EXCERPT` characters."""
    if len(text) > 4 * EXCERPT:
        # A long lead (every document's, on each build): only its beginning is read, up to a
        # whitespace character, which neither normalisation nor collapsing crosses. When that
        # beginning is longer than an excerpt, the excerpt is the whole lead's.
        head = text[: 4 * EXCERPT]
        end = len(head)
        while end and not head[end - 1].isspace():
            end -= 1
        start = " ".join(normalise(head[:end]).split())
        if len(start) > EXCERPT:
            return _cut(start)
    return _cut(" ".join(normalise(text).split()))


def _cut(text: str) -> str:
    if len(text) <= EXCERPT:
        return text
    cut = text.rfind(" ", 0, EXCERPT)
    return text[: cut if cut > 0 else EXCERPT] + "…"
