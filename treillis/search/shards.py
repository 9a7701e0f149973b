"""Large indexes cut into shards by term, so that a search downloads only what it needs.

A lunr index of 50,000 documents weighs hundreds of megabytes: nobody can
download it before a first result. Its terms are sorted, so they are cut into
consecutive ranges of about `SHARD_BYTES` each; a shard holds its terms'
postings and, for every document field, the weights of those terms only.
lunr scores a document by the dot product of the query vector with the
document's field vectors, which involves the query's terms alone, so an index
put together from the shards holding a query's terms gives exactly the
results and scores of the whole index (the tests check it). The browser does
this in `search-core.js` (`TreillisSearch.indexFor`).

Files: `<name>` holds what the whole index shares (fields, pipeline, version)
and the first term of each shard; `<name>-<n>` is shard n.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping

import msgspec

SHARD_BYTES = 150_000  # raw JSON per shard (about 40 KB once compressed)


_ENCODER = msgspec.json.Encoder()
_PACKER = msgspec.msgpack.Encoder()


def data_digest(name: str, data: object) -> str:
    """A digest of a search file's name and data, from its data unencoded: msgpack
    writes a float as its 8 bytes, JSON as its shortest decimal, which costs most of
    the time of a shard. One data gives one JSON text, so one digest names one file."""
    digest = hashlib.blake2b(name.encode(), digest_size=16)
    digest.update(b"\0")
    digest.update(_PACKER.encode(data))
    return "m" + digest.hexdigest()


def text_digest(name: str, text: str) -> str:
    """A digest of a search file's name and JSON text (for files encoded anyway)."""
    digest = hashlib.blake2b(name.encode(), digest_size=16)
    digest.update(b"\0")
    digest.update(text.encode())
    return "j" + digest.hexdigest()


def encoded(name: str, data: object, previous: Mapping[str, str] | None) -> tuple[str | None, str]:
    """A search file's compact JSON and its digest (see `data_digest`); no JSON when the
    file of the same name in `previous` (file name → digest: the previous build's files
    still intact) has the same digest: it is kept. `previous` None: nothing is kept for a
    next build (no digest)."""
    if previous is None:
        return _ENCODER.encode(data).decode(), ""
    digest = data_digest(name, data)
    if previous.get(name) == digest:
        return None, digest
    return _ENCODER.encode(data).decode(), digest


def _size(data: object) -> int:
    """The length of `data` as compact JSON, in characters."""
    return len(_ENCODER.encode(data).decode())


def shard_index(index: dict, shard_bytes: int | None = None) -> tuple[dict, list[dict]]:
    """The shared part of a serialised lunr index and its shards, in term order."""
    shard_bytes = shard_bytes or SHARD_BYTES
    inverted = index["invertedIndex"]  # sorted by term (lunr serialises it so)
    sizes = [_size(entry) for entry in inverted]
    # Each posting also brings one vector element per document field it names.
    for position, (_term, posting) in enumerate(inverted):
        sizes[position] += 14 * sum(len(docs) for name, docs in posting.items() if name != "_index")
    shard_of_term: dict[int, int] = {}
    starts: list[int] = []
    size = shard_bytes  # start a shard at the first term
    for position, (_term, posting) in enumerate(inverted):
        if size + sizes[position] > shard_bytes and size > 0:
            starts.append(position)
            size = 0
        size += sizes[position]
        shard_of_term[posting["_index"]] = len(starts) - 1
    # Each field vector cut into its shards' parts, which keep its order (and the fields'
    # order in each shard).
    vectors: list[list[list]] = [[] for _ in starts]
    for field_ref, elements in index["fieldVectors"]:
        parts: dict[int, list[float]] = {}
        pairs = iter(elements)
        for term, weight in zip(pairs, pairs, strict=True):
            shard = shard_of_term[term]
            part = parts.get(shard)
            if part is None:
                parts[shard] = [term, weight]
            else:
                part += (term, weight)
        for shard, part in parts.items():
            vectors[shard].append([field_ref, part])
    ends = [*starts[1:], len(inverted)]
    shards = [
        {"invertedIndex": inverted[start:end], "fieldVectors": shard_vectors}
        for start, end, shard_vectors in zip(starts, ends, vectors, strict=True)
    ]
    shared = {
        "version": index["version"],
        "fields": index["fields"],
        "pipeline": index["pipeline"],
        "shards": [inverted[start][0] for start in starts],
    }
    return shared, shards


def merge_shards(shared: dict, shards: list[dict]) -> dict:
    """A serialised lunr index made of some shards (all of them: the whole index again)."""
    vectors: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for shard in shards:
        for field_ref, elements in shard["fieldVectors"]:
            vectors[field_ref].extend(zip(elements[0::2], elements[1::2], strict=True))
    inverted = [entry for shard in shards for entry in shard["invertedIndex"]]
    inverted.sort(key=lambda entry: entry[0])
    return {
        "version": shared["version"],
        "fields": shared["fields"],
        "fieldVectors": [
            [ref, [value for pair in sorted(pairs) for value in pair]]
            for ref, pairs in vectors.items()
        ],
        "invertedIndex": inverted,
        "pipeline": shared["pipeline"],
    }
