"""Large indexes cut into shards by term, so that a search downloads only what it needs.

A lunr index of 50,000 documents weighs hundreds of megabytes: nobody can
download it before a first result. Its terms are sorted and cut into
consecutive ranges of about `SHARD_BYTES` each; a shard holds its terms'
postings as counts (see `treillis.search.index.Postings`), from which the
browser computes their weights. lunr scores a document by the dot product of
the query vector with the document's field vectors, which involves the
query's terms alone, so an index put together from the shards holding a
query's terms gives exactly the results and scores of the whole index (the
tests check it). The browser does this in `search-core.js`
(`TreillisSearch.mergedIndex`).

An edit must change only the shards of the terms it changes: where a shard
starts depends only on its first term and the sizes of the terms around it
(`cut_terms`), and a shard is named by its first term (`shard_names`), not by
its place.

Files: `<name>` holds what the whole index shares (fields, pipeline, version,
the statistics of the weights), the first term of each shard (`shards`) and
its name (`files`); `<name>-<file>` is a shard.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping

import msgspec

SHARD_BYTES = 150_000  # raw JSON per shard (about 40 KB once compressed)


_ENCODER = msgspec.json.Encoder()


def text_digest(name: str, text: str) -> str:
    """A digest of a search file's name and JSON text (for files encoded anyway)."""
    digest = hashlib.blake2b(name.encode(), digest_size=16)
    digest.update(b"\0")
    digest.update(text.encode())
    return "j" + digest.hexdigest()


def encoded(name: str, data: object, previous: Mapping[str, str] | None) -> tuple[str | None, str]:
    """A search file's compact JSON and its digest (see `text_digest`); no JSON when the
    file of the same name in `previous` (file name → digest: the previous build's files
    still intact) has the same digest: it is kept. `previous` None: nothing is kept for a
    next build (no digest)."""
    text = _ENCODER.encode(data).decode()
    if previous is None:
        return text, ""
    digest = text_digest(name, text)
    return (None if previous.get(name) == digest else text), digest


def _fraction(term: str) -> float:
    """A number in [0, 1) that looks random, fixed for a term."""
    return zlib.crc32(term.encode()) / 2**32


def cut_terms(
    terms: list[str], sizes: list[int], shard_bytes: int | None = None
) -> list[tuple[int, int]]:
    """Consecutive ranges (start, end) of sorted `terms` (each of about `sizes` characters)
    of about `shard_bytes` each on average, cut where the terms say: a term starts a shard
    when its fraction (see `_fraction`) is below its size over `shard_bytes`, so each
    character is as likely as any other to be a cut, whatever comes before. A term added,
    removed or grown moves only the cuts next to it: the other shards stay the same. A
    range much larger than asked is cut again with a quarter of the size (a superset of
    the same rule's cuts)."""
    shard_bytes = shard_bytes or SHARD_BYTES
    return _cut(terms, sizes, 0, len(terms), shard_bytes)


def _cut(
    terms: list[str], sizes: list[int], start: int, end: int, target: float
) -> list[tuple[int, int]]:
    starts = [start] + [n for n in range(start + 1, end) if _fraction(terms[n]) * target < sizes[n]]
    ranges = []
    for first, last in zip(starts, [*starts[1:], end], strict=True):
        if last - first > 1 and target > 16 and sum(sizes[first:last]) > 4 * target:
            ranges += _cut(terms, sizes, first, last, target / 4)
        else:
            ranges.append((first, last))
    return ranges


def shard_names(firsts: list[str]) -> list[str]:
    """Each shard's file name (after the index's name), from its first term: the same shard
    keeps its name when others are cut differently."""
    names: list[str] = []
    taken: set[str] = set()
    for first in firsts:
        name = hashlib.blake2b(first.encode(), digest_size=6).hexdigest()
        while name in taken:  # (two first terms of one digest: never seen)
            name += "x"
        taken.add(name)
        names.append(name)
    return names


def merge_shards(shared: dict, shards: list[dict]) -> dict:
    """An index's head with the terms of some of its shards (all of them: the whole index
    again), as one index file (see `treillis.search.index.expand_index`)."""
    merged = {k: v for k, v in shared.items() if k not in ("shards", "files")}
    merged["terms"] = [term for shard in shards for term in shard["terms"]]
    merged["postings"] = [lists for shard in shards for lists in shard["postings"]]
    if any("df" in shard for shard in shards):
        merged["df"] = [n for shard in shards for n in shard["df"]]
    return merged
