"""What the search index keeps from one build for the next: every record analysed.

Analysing texts (Markdown to plain text, words, stop words, stems) is most of
the cost of the index. Each record (a document's or a network record's
fields in its language, a descriptor's label and synonyms in a language of
the site) is analysed once into an `Analysed`, kept under a digest of
everything it was made from (`record_key`): the next build analyses only the
records whose digest is new, and redoes only the index's arithmetic
(frequencies, weights) and its files. Since a digest names its inputs, what is
kept is right for any build of the same code, whichever failed or came before.

A build keeps it in a file of the cache folder (`build/<output>.search.state`):
msgpack, sealed with the user's key (see `treillis.cachedir`) and checked against
its types when read. A file that does not verify, does not decode, or comes from
another version of the code is no state: every record is analysed again. The
preview keeps it in memory, in its search worker (see `treillis.live`).

An edit needs few of the records: they are kept in 256 files of their own
beside the state's (`<state>.<group>`: a record's group is the first two digits
of its key), each sealed too, and named in the state's file with a digest of its
data and its keys (a group file from another build is not used). An edit reads
only the groups of the records it takes out of an index, and writes only those
whose records changed; a record is decoded, and checked, only when used
(`decoded`), else written back as it was read (`msgspec.Raw`). An index's
postings are kept as each term's JSON (see `IndexState`): an edit decodes only
its terms'. A group that is missing or damaged is only records to analyse again
(and an index that needs one of them is made from nothing).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import msgspec

from treillis.cachedir import read_sealed, write_sealed

SEARCH_STATE_VERSION = 6  # bumped whenever the shape of what is kept or a key's meaning changes
STATE_NAME = "build/search.state"


class Analysed(msgspec.Struct, array_like=True, frozen=True):
    """A record's fields as the index sees them, one entry per field: its distinct terms
    in the order they first appear, how often each appears, and where (for phrases in
    quotes): each term's positions in the field, term after term (`counts` says how many
    each), as native 32-bit integers."""

    terms: list[list[str]]
    counts: list[list[int]]
    positions: list[bytes]


class IndexState(msgspec.Struct, array_like=True):
    """An index as the latest build made it, for the next to change only what an edit
    changed (see `treillis.search.index.Postings`): its records (document number, the
    key of its record, ascending), each field's total length, its terms (sorted), each
    term's postings in every field as the index files write them (JSON, see
    `treillis.search.index.terms_part`), how many documents each field of each term
    has (native 32-bit integers, term after term); and, for a sharded index, each
    file's shards: first terms and digests (those the build wrote: the output's files
    are kept only when they still have them)."""

    records: list[tuple[int, str]]
    lengths: list[int]
    terms: list[str]
    lists: list[str]
    counts: bytes
    shards: dict[str, tuple[list[str], list[str]]] = {}


class AtlasState(msgspec.Struct, array_like=True):
    """A language's atlas index as the latest build wrote it: a digest of what it is made
    of, its file's digest, and the keys of its records (kept for the next build)."""

    inputs: str
    digest: str
    keys: list[str]


class RowsState(msgspec.Struct, array_like=True):
    """What the latest build's rows (documents, then network records) were made of, for the
    next to look again only at those that changed: a digest of every descriptor's labels
    and synonyms with the site's languages (`words`: a document's record is made of
    them), a digest of what numbers a row's fields (`context`: dossiers, descriptors,
    partners, types), each row's digest (`items`: everything of its document its record,
    row and excerpt are made of; by number), each document's record key (`keys`, by
    number), how many rows a block has (`block`) and, for a site whose display data comes
    in blocks, each block's files' digests (rows, excerpts) and its part of the facets file
    (`blocks`: the output's files are kept only when they still have these digests)."""

    words: str
    context: str
    items: list[bytes]
    keys: list[str]
    block: int
    blocks: list[tuple[str, str, str]] = []


class _File(msgspec.Struct, array_like=True):
    version: int
    code: str
    # Each group of records (the first two digits of their keys): the digest of its file's
    # data and its records' keys.
    groups: dict[str, tuple[str, list[str]]]
    indexes: dict[str, IndexState] = {}
    phrases: dict[str, tuple[str, str]] = {}
    atlas: dict[str, AtlasState] = {}
    rows: RowsState | None = None


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(_File)
_GROUP_DECODER = msgspec.msgpack.Decoder(dict[str, msgspec.Raw])
_RECORD_DECODER = msgspec.msgpack.Decoder(Analysed)


def decoded(record: Analysed | msgspec.Raw) -> Analysed | None:
    """A kept record decoded (None: it does not decode or its parts do not fit)."""
    if isinstance(record, Analysed):
        return record
    try:
        found = _RECORD_DECODER.decode(record)
    except msgspec.DecodeError:
        return None
    return found if _consistent(found) else None


def record_key(lang: str, texts: tuple[str | None, ...]) -> str:
    """The digest a record's analysis is kept under: its language and its texts (raw: a
    document's body as Markdown, whose plain text is made only when analysed)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(_ENCODER.encode((lang, utf8(texts))))
    return digest.hexdigest()


def utf8(texts: Iterable[str | None]) -> tuple[bytes | None, ...]:
    """Texts as UTF-8 bytes, to encode (for a digest): given a `str`, the encoder (as
    pickle) would make a UTF-8 copy of it that the string keeps as long as it lives, and
    the search worker reads every text of the site (its bodies' copies were 140 MB at
    50,000 documents, the worker's largest part after the index itself)."""
    return tuple(text.encode() if text is not None else None for text in texts)


class _Kept(Mapping[str, "Analysed | msgspec.Raw"]):
    """The records of a state file, by key: their keys known from the state's file, each
    group's records read from its own file when one of them is first asked for (a record
    in a group that is missing or damaged is not there)."""

    def __init__(self, path: Path, groups: dict[str, tuple[str, list[str]]]) -> None:
        self.path = path
        self.groups = groups
        self.keys_kept: set[str] = set().union(*(keys for _digest, keys in groups.values()))
        self.loaded: dict[str, dict[str, msgspec.Raw]] = {}
        self.damaged: set[str] = set()

    def __contains__(self, key: object) -> bool:
        return key in self.keys_kept

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_kept)

    def __len__(self) -> int:
        return len(self.keys_kept)

    def __getitem__(self, key: str) -> msgspec.Raw:
        if key not in self.keys_kept:
            raise KeyError(key)
        return self.group(key[:2])[key]  # (a KeyError if its group is damaged)

    def group(self, name: str) -> dict[str, msgspec.Raw]:
        """A group's records, read (and checked against the state's file) the first time."""
        found = self.loaded.get(name)
        if found is None:
            found = self.loaded[name] = self._read_group(name)
        return found

    def _read_group(self, name: str) -> dict[str, msgspec.Raw]:
        digest, keys = self.groups.get(name, ("", []))
        data = read_sealed(_group_file(self.path, name), _group_context(name))
        found: dict[str, msgspec.Raw] | None = None
        if data is not None and _digest(data) == digest:
            with contextlib.suppress(msgspec.DecodeError):
                found = _GROUP_DECODER.decode(data)
        if found is None or found.keys() != set(keys):
            self.damaged.add(name)
            return {}
        return found


class SearchState:
    """Analysed records by `record_key`, kept in memory (the preview's) and, with a
    `path`, in sealed files for the next build. `code` names the code that analysed
    them (see `treillis.build.code_version`): another code's records are not used.
    A record read from a file is its bytes until used (see `decoded`)."""

    def __init__(self, path: Path | None = None, code: str = "") -> None:
        self.path = path
        self.code = code
        self._records: Mapping[str, Analysed | msgspec.Raw] | None = None
        self._indexes: dict[str, IndexState] = {}
        self._phrases: dict[str, tuple[str, str]] = {}
        self._atlas: dict[str, AtlasState] = {}
        self._rows: RowsState | None = None

    @classmethod
    def in_cache(cls, cache: Path | None, code: str) -> SearchState | None:
        """The state kept in the cache folder `cache` (None without a cache)."""
        return cls(cache / STATE_NAME, code) if cache is not None else None

    def records(self) -> Mapping[str, Analysed | msgspec.Raw]:
        """The records kept (their keys read from the file the first time), each an
        `Analysed` or its bytes (see `decoded`)."""
        if self._records is None:
            self._records = self._read()
        return self._records

    def indexes(self) -> dict[str, IndexState]:
        """The latest build's indexes by name (read with the records), to be changed."""
        self.records()
        return self._indexes

    def phrases(self) -> dict[str, tuple[str, str]]:
        """Each record's part of a phrases file, by record key (read with the records; see
        `treillis.search.index.phrase_part`)."""
        self.records()
        return self._phrases

    def atlas(self) -> dict[str, AtlasState]:
        """The latest build's atlas indexes by language (read with the records)."""
        self.records()
        return self._atlas

    def rows(self) -> RowsState | None:
        """What the latest build's rows were made of (read with the records)."""
        self.records()
        return self._rows

    def _read(self) -> Mapping[str, Analysed | msgspec.Raw]:
        if self.path is None:
            return {}
        data = read_sealed(self.path, _context())
        try:
            found = _DECODER.decode(data) if data is not None else None
        except msgspec.DecodeError:
            found = None
        if found is None or found.version != SEARCH_STATE_VERSION or found.code != self.code:
            return _Kept(self.path, {})
        records = _Kept(self.path, found.groups)
        if not all(
            len(name) == 2 and all(k[:2] == name for k in keys)
            for name, (_d, keys) in found.groups.items()
        ):
            return _Kept(self.path, {})
        self._indexes = {
            name: kept
            for name, kept in found.indexes.items()
            if _index_consistent(kept) and all(key in records for _n, key in kept.records)
        }
        self._atlas = {
            lang: kept
            for lang, kept in found.atlas.items()
            if all(key in records for key in kept.keys)
        }
        self._phrases = found.phrases
        rows = found.rows
        if rows is not None and len(rows.keys) <= len(rows.items) and rows.block > 0:
            self._rows = rows
        return records

    def keep(
        self,
        records: Mapping[str, Analysed | msgspec.Raw | None],
        indexes: dict[str, IndexState] | None = None,
        phrases: dict[str, tuple[str, str]] | None = None,
        atlas: dict[str, AtlasState] | None = None,
        rows: RowsState | None = None,
    ) -> None:
        """Keep `records` (those of the latest build; None: the one kept under that key)
        instead of the previous ones, and its `indexes`, `phrases`, `atlas` and `rows`
        (None: the same as before)."""
        previous = self.records()
        if indexes is not None:
            self._indexes = indexes
        if phrases is not None:
            self._phrases = phrases
        if atlas is not None:
            self._atlas = atlas
        if rows is not None:
            self._rows = rows
        if self.path is None:
            self._records = {
                key: previous[key] if record is None else record for key, record in records.items()
            }
            return
        assert isinstance(previous, _Kept)
        # (A folder in its place, a full disk…) What is kept is only a shortcut: the
        # next build analyses again what it cannot read.
        with contextlib.suppress(OSError):
            groups = self._write_groups(previous, records)
            data = _ENCODER.encode(
                _File(
                    SEARCH_STATE_VERSION,
                    self.code,
                    groups,
                    self._indexes,
                    self._phrases,
                    self._atlas,
                    self._rows,
                )
            )
            write_sealed(self.path, _context(), data)
        # The files hold them now: read again if ever asked for, not held meanwhile
        # (a build's search worker goes on rendering pages, with a smaller memory).
        self._records, self._indexes, self._phrases, self._atlas = None, {}, {}, {}
        self._rows = None

    def _write_groups(
        self, previous: _Kept, records: Mapping[str, Analysed | msgspec.Raw | None]
    ) -> dict[str, tuple[str, list[str]]]:
        """The groups of `records`, each group whose records changed written again."""
        assert self.path is not None
        new, old = records.keys(), previous.keys_kept
        added_to: dict[str, list[str]] = {}  # the keys added, by group (one pass over them)
        for key in new - old:
            added_to.setdefault(key[:2], []).append(key)
        changed = {*added_to, *(key[:2] for key in old - new), *previous.damaged}
        groups = dict(previous.groups)
        for name in sorted(changed):
            keys = [key for key in previous.groups.get(name, ("", []))[1] if key in new]
            keys = sorted({*keys, *added_to.get(name, ())})
            kept: dict[str, Analysed | msgspec.Raw] = {}
            for key in keys:
                record = records[key]
                if record is None:
                    record = previous.group(name).get(key)
                if record is not None:
                    kept[key] = record
            path = _group_file(self.path, name)
            if not kept:
                groups.pop(name, None)
                path.unlink(missing_ok=True)
                continue
            data = _ENCODER.encode(kept)
            write_sealed(path, _group_context(name), data)
            groups[name] = (_digest(data), list(kept))
        return groups


def _group_file(path: Path, name: str) -> Path:
    return path.with_name(f"{path.name}.{name}")


def _group_context(name: str) -> str:
    return f"search state {SEARCH_STATE_VERSION} group {name}"


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _context() -> str:
    return f"search state {SEARCH_STATE_VERSION}"


def _consistent(record: Analysed) -> bool:
    """Whether a record's parts fit together (a sealed file was written by Treillis; this
    guards against a bug of an earlier build, cheaply)."""
    return (
        len(record.terms) == len(record.counts) == len(record.positions)
        and all(len(t) == len(c) for t, c in zip(record.terms, record.counts, strict=True))
        and all(len(s) == 4 * sum(c) for s, c in zip(record.positions, record.counts, strict=True))
    )


def _index_consistent(kept: IndexState) -> bool:
    """Whether a kept index's parts fit together (cheaply: its terms' order is checked in C)."""
    fields = len(kept.lengths)
    return (
        len(kept.terms) == len(kept.lists)
        and len(kept.counts) == 4 * fields * len(kept.terms)
        and kept.terms == sorted(kept.terms)  # (in order: one comparison a term)
        and len(set(kept.terms)) == len(kept.terms)
    )
