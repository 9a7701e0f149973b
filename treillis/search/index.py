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

import gc
import json
import math
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain

import msgspec
from lunr import __TARGET_JS_VERSION__
from lunr.builder import Builder
from lunr.idf import idf
from lunr.pipeline import Pipeline

from treillis import markdown
from treillis.model import DOCUMENT_TYPES, Document, Site
from treillis.search.pipelines import Language, normalise, pipeline_of, tokens, word_and_parts
from treillis.search.query import QUICK_FIELDS
from treillis.search.schema import descriptor_numbers, doc_row, facet_row, schema, search_languages
from treillis.search.shards import cut_terms, encoded, shard_names, text_digest
from treillis.search.state import Analysed, IndexState, SearchState, record_key
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


@dataclass(frozen=True)
class SearchFile:
    """One data file of the search: its name (the script is `name.js`) and its JSON;
    `data` None: the same as the previous build's file, which is kept (a shard: see
    `treillis.search.shards.encoded`)."""

    name: str
    data: str | None
    digest: str = field(default="", compare=False)  # of the data, when made from it

    def script(self) -> str:
        assert self.data is not None, "a kept file is not written again"
        # JSON inside a JS string: JSON.parse is much faster than a JS object literal.
        return f"TreillisSearch.add({json.dumps(self.name)},{json.dumps(self.data)});\n"

    def content_digest(self) -> str:
        """What names the file's content, for the next build to keep it if the same."""
        assert self.digest or self.data is not None
        return self.digest or text_digest(self.name, self.data or "")


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


def phrases_text(parts: Iterable[tuple[str, str]]) -> str:
    """The phrases file of an index from its records' parts (reference, `record_positions`):
    reference → field → term → positions."""
    return "{" + ",".join(f'"{doc_ref}":{part}' for doc_ref, part in parts) + "}"


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
    `terms`: term → each field's postings, flat: document number (ascending), how often
    the term is in that field of the document, the field's length (in terms)."""

    fields: tuple[tuple[str, int], ...]
    count: int
    lengths: list[int]
    terms: dict[str, list[list[int]]]


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
    return Postings(fields, len(records), lengths, terms)


def _postings_now(
    fields: tuple[tuple[str, int], ...],
    previous: IndexState | None,
    records: list[tuple[int, str, Analysed]],
    kept: Mapping[str, Analysed],
) -> tuple[Postings, IndexState, set[str] | None]:
    """The postings of `records` (number, key, analysis; numbers ascending), the state to
    keep of them, and the terms whose postings changed (None: all, made from nothing).

    With the `previous` build's state of this index, only the records whose key or number
    changed are taken out (as `kept`, the previous build's records, analysed them) and put
    in again: the work of an edit is that of its terms, not of the corpus. The postings are
    the same as made from nothing (numbers stay in order), which the tests check."""
    numbered = [(number, key) for number, key, _analysed in records]
    if previous is not None and len(previous.lengths) == len(fields):
        old, new = dict(previous.records), dict(numbered)
        removed = [(n, key) for n, key in previous.records if new.get(n) != key]
        added = [(n, analysed) for n, key, analysed in records if old.get(n) != key]
        small = len(removed) + len(added) <= max(16, len(records) // 8)
        if small and all(key in kept for _n, key in removed):
            terms, lengths, changed = previous.terms, list(previous.lengths), set()
            try:
                for number, key in removed:
                    _take_out(terms, lengths, number, kept[key], changed)
            except _Inconsistent:
                pass  # (a bug of an earlier build: made from nothing below)
            else:
                for number, analysed in added:
                    _put_in(terms, lengths, number, analysed, changed)
                shards = dict(previous.shards)
                postings = Postings(fields, len(records), lengths, terms)
                return postings, IndexState(numbered, lengths, terms, shards), changed
    postings = postings_of(fields, [(number, analysed) for number, _key, analysed in records])
    return postings, IndexState(numbered, postings.lengths, postings.terms, {}), None


class _Inconsistent(Exception):
    """A kept index that does not hold what its records say."""


def _place(flat: list[int], number: int) -> int:
    """Where document `number`'s postings are, or would be, in a field's postings."""
    low, high = 0, len(flat) // 3
    while low < high:
        middle = (low + high) // 2
        if flat[3 * middle] < number:
            low = middle + 1
        else:
            high = middle
    return 3 * low


def _take_out(
    terms: dict[str, list[list[int]]],
    lengths: list[int],
    number: int,
    analysed: Analysed,
    changed: set[str],
) -> None:
    for position, (field_terms, counts) in enumerate(
        zip(analysed.terms, analysed.counts, strict=True)
    ):
        lengths[position] -= sum(counts)
        for term in field_terms:
            lists = terms.get(term)
            flat = lists[position] if lists is not None else []
            at = _place(flat, number)
            if at >= len(flat) or flat[at] != number:
                raise _Inconsistent(term)
            del flat[at : at + 3]
            if not any(lists):
                del terms[term]
            changed.add(term)


def _put_in(
    terms: dict[str, list[list[int]]],
    lengths: list[int],
    number: int,
    analysed: Analysed,
    changed: set[str],
) -> None:
    for position, (field_terms, counts) in enumerate(
        zip(analysed.terms, analysed.counts, strict=True)
    ):
        length = sum(counts)
        lengths[position] += length
        for term, tf in zip(field_terms, counts, strict=True):
            lists = terms.get(term)
            if lists is None:
                lists = terms[term] = [[] for _ in lengths]
            flat = lists[position]
            at = _place(flat, number)
            flat[at:at] = (number, tf, length)
            changed.add(term)


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


def indexed_terms(postings: Postings, fields: tuple[str, ...]) -> list[str]:
    """The terms found in some of `fields`, sorted."""
    chosen = _field_positions(postings, fields)
    every = len(chosen) == len(postings.fields)
    return sorted(
        term for term, lists in postings.terms.items() if every or any(lists[n] for n in chosen)
    )


def term_size(lists: list[list[int]], chosen: list[int], term: str) -> int:
    """About how many characters a term takes in a file (what shards are cut by): it
    depends only on how many documents' fields hold it."""
    return len(term) + 8 + sum(2 + 3 * len(lists[n]) for n in chosen)


def _gaps(flat: list[int]) -> list[int]:
    """A field's postings with each document number as the gap from the previous one."""
    if len(flat) <= 3:
        return flat
    gapped = flat.copy()
    gapped[3::3] = [b - a for a, b in zip(flat[0::3], flat[3::3], strict=False)]
    return gapped


def terms_part(postings: Postings, terms: list[str], fields: tuple[str, ...]) -> dict:
    """The postings of `terms` in `fields`: the body of an index file or of a shard. An
    index of only some fields (the quick one) gives each term's document frequency in all
    (`df`): lunr's idf counts the documents of every field of the full index."""
    chosen = _field_positions(postings, fields)
    part: dict = {"terms": terms}
    lists_of = postings.terms
    part["postings"] = [[_gaps(lists_of[term][n]) for n in chosen] for term in terms]
    if len(chosen) < len(postings.fields):
        part["df"] = [sum(len(flat) for flat in lists_of[term]) // 3 for term in terms]
    return part


_ENCODER = msgspec.json.Encoder()


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
    # Millions of small containers are made here and kept until the files are written, none
    # in a cycle: the cycle collector would walk them again and again (half of the time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _search_files(site, paths, state, previous)
    finally:
        if enabled:
            gc.enable()


def _search_files(
    site: Site, paths: Paths, state: SearchState | None, previous: Mapping[str, str] | None
) -> list[SearchFile]:
    documents = sorted(site.documents.values(), key=lambda d: d.key)
    descriptors = sorted(site.descriptors)
    descriptor_number = descriptor_numbers(site)
    families = sorted(site.families)
    dossiers = sorted(site.dossiers)
    partners = [p.id for p in site.config.partners]
    files: list[SearchFile] = []

    # Documents: one full index per language of the documents, and its quick part. A
    # document's descriptors are indexed by their labels and synonyms in every language of
    # the site: a reader finds a case written in Spanish by the French label it is indexed with.
    # Each record is its fields' texts (`FULL_FIELDS`' order), a document's body as Markdown.
    # Indexes by name ("fr", then `NETWORK` + "fr"), each with its language and records.
    by_name: dict[str, tuple[str, list[tuple[int, tuple[str, ...], bool]]]] = {}
    for number, document in enumerate(documents):
        labels: dict[str, None] = {}
        synonyms: dict[str, None] = {}
        for descriptor_id in document.descriptor_ids:
            descriptor = site.descriptors.get(descriptor_id)
            if descriptor is not None:
                for lang in (document.lang, *site.config.languages):
                    labels[descriptor.label.get(lang)] = None
                    synonyms.update(dict.fromkeys(descriptor.synonyms.get(lang, [])))
        texts = (
            document.title,
            " ; ".join(label for label in labels if label),
            " ; ".join(synonym for synonym in synonyms if synonym not in labels),
            document.summary,
            document.body,
        )
        by_name.setdefault(document.lang, (document.lang, []))[1].append((number, texts, True))
    languages = sorted(by_name)
    # The network's records, numbered after the documents, in indexes of their own (one per
    # language): their statistics (how many records, how rare a word, how long a field) must
    # not move the site's own documents' scores, and the browser loads them after the
    # site's first results. Found by title, keywords' labels, lead and authors, in their
    # language (else the site's first).
    network = site.network
    network_by_name: dict[str, tuple[str, list[tuple[int, tuple[str, ...], bool]]]] = {}
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
            (number, texts, False)
        )
    network_languages = sorted(lang for lang, _records in network_by_name.values())
    # The site's indexes first, each group by language.
    by_name = {name: by_name[name] for name in languages} | dict(sorted(network_by_name.items()))
    del network_by_name
    kept = state.records() if state is not None else {}
    used: dict[str, Analysed] = {}
    analysers: dict[str, Analyser] = {}

    def keyed(lang: str, texts: tuple[str, ...], kind: str) -> tuple[str, Analysed]:
        """A record's key and analysis (see `analysed`)."""
        key = record_key(lang, (*texts, kind))
        return key, analysed(lang, texts, kind, key)

    def analysed(lang: str, texts: tuple[str, ...], kind: str, key: str = "") -> Analysed:
        """A record analysed: kept from a previous build, else now (a "markdown" record's
        last text is a document's body, whose plain text is indexed)."""
        key = key or record_key(lang, (*texts, kind))
        found = used.get(key) or kept.get(key)
        if found is None:
            if kind == "markdown":
                texts = (*texts[:-1], markdown.plain_text(texts[-1]))
            if lang not in analysers:
                analysers[lang] = Analyser(pipeline_of(lang))
            found = analyse(analysers[lang], texts)
        used[key] = found
        return found

    analysed_by_name = {
        name: (
            lang,
            [
                (number, *keyed(lang, texts, "markdown" if markdown_body else "text"))
                for number, texts, markdown_body in records
            ],
        )
        for name, (lang, records) in by_name.items()
    }
    del by_name
    # Each index as counts (see `Postings`): the full one, and its quick part (titles and
    # descriptors, with the full one's statistics: a result ranks there as in the full one).
    # Each record's part of its index's phrases file, kept from build to build.
    kept_phrases = state.phrases() if state is not None else {}
    phrases: dict[str, str] = {}
    # A previous build's index is changed where the records changed (see `IndexState`). It
    # is taken from the state first: should this build fail after changing it, the next one
    # (the preview's, whose state stays in memory) makes the index from nothing.
    kept_indexes = state.indexes() if state is not None else {}
    previous_indexes = {name: kept_indexes.pop(name, None) for name in analysed_by_name}
    index_states: dict[str, IndexState] = {}
    changes: dict[str, set[str] | None] = {}
    indexes = []
    for name, (lang, analysed_records) in analysed_by_name.items():
        postings, index_states[name], changes[name] = _postings_now(
            FULL_FIELDS, previous_indexes[name], analysed_records, kept
        )
        quick_terms = indexed_terms(postings, QUICK_FIELDS)
        quick_fields = _field_positions(postings, QUICK_FIELDS)
        size = sum(term_size(postings.terms[t], quick_fields, t) for t in quick_terms)
        indexes.append((name, lang, size, postings, quick_terms))
    # One form for the whole site: its display data comes in blocks when any index is sharded.
    large = any(size > SHARD_ABOVE_BYTES for _name, _lang, size, _p, _q in indexes)
    every_field = tuple(name for name, _boost in FULL_FIELDS)
    for name, lang, _size, postings, quick_terms in indexes:
        language = pipeline_of(lang)
        full_terms = indexed_terms(postings, every_field)
        for file_name, fields, terms, target in (
            (f"{name}-quick", QUICK_FIELDS, quick_terms, QUICK_SHARD_BYTES),
            (f"{name}-full", every_field, full_terms, None),
        ):
            shared = head(language, postings, fields)
            if not large:
                files.append(
                    SearchFile(file_name, _compact(shared | terms_part(postings, terms, fields)))
                )
                continue
            chosen = _field_positions(postings, fields)
            sizes = [term_size(postings.terms[t], chosen, t) for t in terms]
            runs = cut_terms(terms, sizes, target)
            firsts = [terms[start] for start, _end in runs]
            names = shard_names(firsts)
            shared.update(shards=firsts, files=names)
            files.append(SearchFile(file_name, _compact(shared)))
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
                    part = terms_part(postings, terms[start:end], fields)
                    data, digest = encoded(shard_file, part, previous)
                files.append(SearchFile(shard_file, data, digest))
                digests.append(digest)
            index_states[name].shards[file_name] = (firsts, digests)
        if not large:
            # Words' positions, for phrases in quotes: loaded only by a search with one (a
            # large site has none: they would weigh as much as its full index).
            parts = []
            for number, key, record in analysed_by_name[name][1]:
                part = kept_phrases.get(key)
                if part is None:
                    part = record_positions(FULL_FIELDS, record)
                phrases[key] = part
                parts.append((ref(number), part))
            files.append(SearchFile(f"{name}-phrases", phrases_text(parts)))
    del indexes, analysed_by_name

    # The atlas: descriptors by label and synonyms, in each language of the site.
    for lang in site.config.languages:
        atlas_records = [
            (
                ref(number),
                analysed(
                    lang,
                    (
                        site.descriptors[d].label.get(lang),
                        " ; ".join(site.descriptors[d].synonyms.get(lang, [])),
                    ),
                    "atlas",
                ),
            )
            for number, d in enumerate(descriptors)
        ]
        atlas = index_of(pipeline_of(lang), ATLAS_FIELDS, atlas_records)
        files.append(SearchFile(f"{lang}-atlas", _compact(atlas)))
    if state is not None:
        state.keep(used, index_states, phrases)

    # The shape of the display data and what each language needs in the browser.
    files.append(SearchFile("schema", _compact(schema(search_languages(site)))))

    # Display data: what every result shows (excerpts come with the full index).
    def partner_number(document: Document) -> int:
        target = document.partner.target if document.partner else ""
        return partners.index(target) if target in partners else -1

    dossier_number = {slug: number for number, slug in enumerate(dossiers)}
    docs = [
        doc_row(
            slug=document.slug,
            title=document.title,
            type=DOCUMENT_TYPES.index(document.type),
            dossier=dossier_number[document.dossier],
            date=document.date,
            lang=document.lang,
            partner=partner_number(document),
            descriptors=[
                descriptor_number[d]
                for d in dict.fromkeys(document.descriptor_ids)
                if d in descriptor_number
            ],
            bases=[0],
            url="",
        )
        for document in documents
    ]
    # The bases: the site itself first, then site.yaml's, by name in the site's first language.
    base_ids = [base.id for base in site.config.network]
    first = site.config.languages[0] if site.config.languages else ""
    docs += [
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
    excerpts = [_excerpt(d.summary) for d in documents]
    excerpts += [_excerpt(entry.record.lead) for entry in network]
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
    if not large:
        files.append(SearchFile("store", _compact({**store, "docs": docs})))
        files.append(SearchFile("excerpts", _compact(excerpts)))
    else:
        # A large site: display data in blocks, loaded for the results shown.
        store.update(count=len(docs), block=DOCUMENTS_PER_BLOCK)
        files.append(SearchFile("store", _compact(store)))
        # What the filters need of every document, in one file loaded after the first
        # results (shaped like the display data, without the slug and the title).
        facets = [facet_row(doc) for doc in docs]
        files.append(SearchFile("facets", _compact(facets)))
        for number, start in enumerate(range(0, len(docs), DOCUMENTS_PER_BLOCK)):
            end = start + DOCUMENTS_PER_BLOCK
            files.append(SearchFile(f"docs-{number}", _compact(docs[start:end])))
            files.append(SearchFile(f"excerpts-{number}", _compact(excerpts[start:end])))
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
        files.append(SearchFile(f"labels-{lang}", _compact(labels)))
    return files


def _excerpt(text: str) -> str:
    text = " ".join(normalise(text).split())
    if len(text) <= EXCERPT:
        return text
    cut = text.rfind(" ", 0, EXCERPT)
    return text[: cut if cut > 0 else EXCERPT] + "…"
