"""What one build keeps for the next, and what changed since.

The state lives in the cache folder (`.treillis-cache/build/`), one file per
output folder and set of options: the parsed files (by path, each with a hash
of its bytes: a file is parsed again when its bytes changed), the site model,
a digest of every page's view, the version of the code that rendered them,
and the size and time of every file the build wrote. The preview keeps the
same state in memory between its rebuilds (see `treillis.pipeline`). With it:

- a build whose inputs (every file read, compared by a hash of its bytes; a
  file whose stamp — size, times, inode — is as it was is not read again) and
  output are untouched does nothing (no-op);
- a page whose view is unchanged is not rendered again: its file is linked
  from the previous output into the new one;
- when only the text (body) of documents or dossiers changed, only their
  pages are planned again; when other fields of them changed, only the pages
  that may show them (`affected_items`), site-wide ones included.

The state is data (msgpack), checked against its types when read and sealed
with the user's key (see `treillis.cachedir`): a state that does not verify,
does not decode or names a path outside the output is no state (a full build).
"""

from __future__ import annotations

import copyreg
import gc
import hashlib
import os
import pickle
import posixpath
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from operator import methodcaller
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_type_hints

import msgspec

from treillis.cachedir import read_sealed, write_sealed
from treillis.model import Document, Site
from treillis.report import BuildReport
from treillis.sources import (
    FileRead,
    FrontMatter,
    ParseCache,
    ParsedData,
    content_digest,
    read_bytes,
)

if TYPE_CHECKING:
    from treillis.atlas import Atlas
    from treillis.views.common import Views

STATE_VERSION = 7  # bumped whenever the state's shape or the meaning of a digest changes

# The heavy part of a state (the model, what was read of each file, the parsed files:
# hundreds of megabytes at 50,000 documents) is in files of their own, read only when
# something changed: the model and the reads (`.model.state`, read by every build that
# is not a no-op) and the parsed files (`.parsed.state`, decoded only when a file must
# be read again whose bytes did not change: see `ParseCache.lazy`).
_HEAVY = ("parse_cache", "site", "reads", "parts")

# A file's size, modification and change times (ns) and inode: any write to a file, and
# any change of its times (`touch -r`), gives it a new change time, which no program can
# set back.
Stamp = tuple[int, int, int, int]


@dataclass
class BuildState:
    """What a build leaves for the next build of the same output with the same options."""

    options: str = ""
    code: str = ""  # the version of Treillis and its libraries that made the pages
    parse_cache: ParseCache = field(default_factory=ParseCache)
    site: Site | None = None
    inputs: dict[str, str] = field(default_factory=dict)  # every file the build read → digest
    stamps: dict[str, Stamp] = field(default_factory=dict)  # and what its metadata said then
    stamped: int = 0  # when (time.time_ns()) the inputs were hashed
    pages: dict[str, str] = field(default_factory=dict)  # page path → digest of its view
    output: dict[str, tuple[int, int]] = field(default_factory=dict)  # file → (size, mtime_ns)
    themes: dict[str, str] = field(default_factory=dict)  # theme files the pages used → digest
    exports: list[str] = field(default_factory=list)  # feeds, atlas files, sitemap
    search: dict[str, str] = field(default_factory=dict)  # search data file → digest of its data
    report: BuildReport | None = None  # the previous build's, repeated by a no-op build
    token: str = ""  # names the heavy part that goes with this state
    # What the readers made of each file: the digest of its bytes, its warnings (see
    # `treillis.readers.reuse`).
    reads: dict[str, FileRead] = field(default_factory=dict)
    # The documents' parts of the model as read (see `_document_parts`), in memory only:
    # a part whose documents are all the same objects is not written again.
    parts: dict[str, tuple[str, list[Document]]] = field(default_factory=dict)


# The two files' shapes, derived from BuildState: msgspec checks every value against them.
_HINTS = get_type_hints(BuildState)
_Light = msgspec.defstruct(
    "_Light", [(f.name, _HINTS[f.name]) for f in fields(BuildState) if f.name not in _HEAVY]
)
# token, site without its documents, reads, the parsed files kept (path → digest: see
# `ParseCache.lazy`), the documents' parts in the site's order (dossier → token).
_Model = tuple[str, Site | None, dict[str, FileRead], dict[str, str], list[tuple[str, str]]]
# A part of the documents (those of one dossier): its token, the documents by key.
_Part = tuple[str, dict[str, Document]]
# the parsed files, the Markdown files whose body is left out (their document's: see
# `_without_bodies`)
_Parsed = tuple[dict[str, tuple[str, ParsedData]], list[str]]


def _encode_hook(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    raise NotImplementedError(type(value).__name__)


def _decode_hook(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError(kind.__name__)


_ENCODER = msgspec.msgpack.Encoder(enc_hook=_encode_hook)
_LIGHT_DECODER = msgspec.msgpack.Decoder(_Light, dec_hook=_decode_hook)
_MODEL_DECODER = msgspec.msgpack.Decoder(_Model, dec_hook=_decode_hook)
_PART_DECODER = msgspec.msgpack.Decoder(_Part, dec_hook=_decode_hook)
_PARSED_DECODER = msgspec.msgpack.Decoder(_Parsed, dec_hook=_decode_hook)


@contextmanager
def uncollected() -> Iterator[None]:
    """The cycle collector off meanwhile: for making many objects that are kept and in
    no cycle (a state decoded, a site read), which each collection would walk again (at
    50,000 documents, a second of an edit build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def state_file(cache: Path, output: Path, options: str) -> Path:
    name = hashlib.blake2b(f"{output.resolve()}\0{options}".encode(), digest_size=12).hexdigest()
    return cache / "build" / f"{name}.state"


def search_state_file(cache: Path, output: Path) -> Path:
    """Where the search index keeps the records it analysed for the builds of `output`
    (see `treillis.search.state`): one file per output, so that a site and its mirror
    sharing a cache folder do not replace each other's."""
    name = hashlib.blake2b(str(output.resolve()).encode(), digest_size=12).hexdigest()
    return cache / "build" / f"{name}.search.state"


def _heavy_file(path: Path) -> Path:
    """The model and the reads that go with the state file `path`."""
    return path.with_suffix(".model.state")


def _part_file(path: Path, dossier: str) -> Path:
    """The part of the model holding the documents of `dossier` (see `_document_parts`)."""
    name = hashlib.blake2b(dossier.encode(), digest_size=8).hexdigest()
    return path.with_suffix(f".documents.{name}.state")


def _parsed_file(path: Path) -> Path:
    """The parsed files kept for the builds of the state file `path`."""
    return path.with_suffix(".parsed.state")


def _context(path: Path) -> str:
    """What a state file's seal binds it to: its version and its name."""
    return f"build state {STATE_VERSION} {path.name}"


def _inside(relative: str) -> bool:
    """A path a state may name: inside the output folder."""
    normal = posixpath.normpath(relative)
    return (
        bool(relative)
        and normal == relative
        and not normal.startswith(("/", "../"))
        and normal != ".."
        and "\\" not in relative
        and "\0" not in relative
    )


def load_state(path: Path, options: str, *, checked: bool = True) -> BuildState:
    """The state a previous build left (without its heavy part: see `load_heavy`),
    or an empty one (missing, damaged, not sealed by this user, another version or
    other options).

    `checked` false: the output paths it names are not checked yet (`checked_state`
    does): a no-op build only compares them with the output's files, which it walks."""
    data = read_sealed(path, _context(path))
    try:
        light = _LIGHT_DECODER.decode(data) if data is not None else None
    except msgspec.DecodeError:
        light = None
    if light is None or light.options != options:
        return BuildState(options=options)
    state = BuildState(**msgspec.structs.asdict(light))
    return checked_state(state) if checked else state


def checked_state(state: BuildState) -> BuildState:
    """`state`, or an empty one if it names a path outside the output folder."""
    named = [*state.pages, *state.output, *state.exports, *state.search]
    if not all(_inside(relative) for relative in named):
        return BuildState(options=state.options)
    return state


def _decoded(
    path: Path, decoder: msgspec.msgpack.Decoder, data: bytes | Literal[False] | None = False
) -> Any:
    """A sealed part of a state (its `data` when read already: see `_sealed_ahead`),
    decoded and checked against its type, or None.

    Decoded with the cycle collector off (see `uncollected`)."""
    if data is False:
        data = read_sealed(path, _context(path))
    try:
        with uncollected():
            return decoder.decode(data) if data is not None else None
    except msgspec.DecodeError:
        return None


# How many parts a thread reads ahead of the one decoding them (see `_sealed_ahead`).
_READ_AHEAD = 4


def _sealed_ahead(files: list[Path]) -> Iterator[bytes | None]:
    """The data of each sealed file (see `read_sealed`), read and its seal checked by
    another thread while this one uses the previous ones: reading and hashing let other
    threads run, and take as long as decoding what they give (at 50,000 documents, 0.3
    s of an edit build)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="treillis-state") as pool:
        pending: deque[Future[bytes | None]] = deque()
        for file in files:
            pending.append(pool.submit(read_sealed, file, _context(file)))
            if len(pending) > _READ_AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def load_heavy(path: Path, state: BuildState) -> None:
    """Add the model and the reads that go with `state`, and the parsed files kept (not
    decoded until needed: see `ParseCache.lazy`). A model part missing, damaged or of
    another build: no model (every page is rendered)."""
    found = _decoded(_heavy_file(path), _MODEL_DECODER)
    documents: dict[str, Document] = {}
    parts = (
        _read_parts(path, found[4], documents)
        if found is not None and found[0] == state.token
        else None
    )
    if found is not None and parts is not None and found[1] is not None:
        _token, site, state.reads, stored, _listed = found
        state.site = site = replace(site, documents=documents)
        state.parts = parts
        reads = state.reads
        state.parse_cache = ParseCache.lazy(stored, lambda: _load_parsed(path, site, reads))
        state.parse_cache.previous = (site, reads)
    else:  # nothing of it can be trusted; the parsed files can (each has its digest)
        state.site, state.reads, state.pages = None, {}, {}
        state.parse_cache = ParseCache.from_data(_load_parsed(path, None, {}))


def _read_parts(
    path: Path, listed: list[tuple[str, str]], documents: dict[str, Document]
) -> dict[str, tuple[str, list[Document]]] | None:
    """The documents' parts the model lists (dossier → its token and documents), or None
    when one is missing, damaged or of another build. Their documents are added to
    `documents` by key, in order."""
    parts = {}
    files = [_part_file(path, dossier) for dossier, _token in listed]
    for (dossier, token), file, data in zip(listed, files, _sealed_ahead(files), strict=True):
        found = _decoded(file, _PART_DECODER, data)
        if found is None or found[0] != token:
            return None
        parts[dossier] = (token, list(found[1].values()))
        documents.update(found[1])
    return parts


def _document_parts(
    path: Path, site: Site, loaded: dict[str, tuple[str, list[Document]]]
) -> dict[str, tuple[str, list[Document]]]:
    """Write the documents of `site` one part per dossier (in the site's order), but
    those whose documents are all the objects read from the part `loaded` had (an edit
    build takes the unchanged files' documents from the previous build): each dossier's
    token and documents, in order."""
    groups: dict[str, list[Document]] = {}
    group: list[Document] = []
    for document in site.documents.values():
        if not group or group[-1].dossier != document.dossier:
            if document.dossier in groups:  # not in dossiers' order: one part
                groups = {"": list(site.documents.values())}
                break
            group = groups[document.dossier] = []
        group.append(document)
    parts = {}
    for dossier, documents in groups.items():
        before = loaded.get(dossier)
        if (
            before is not None
            and len(before[1]) == len(documents)
            and all(a is b for a, b in zip(before[1], documents, strict=True))
        ):
            parts[dossier] = before
            continue
        token = os.urandom(8).hex()
        target = _part_file(path, dossier)
        data = _ENCODER.encode((token, {d.key: d for d in documents}))
        write_sealed(target, _context(target), data)
        parts[dossier] = (token, documents)
    return parts


def _prune_parts(path: Path, parts: dict[str, tuple[str, list[Document]]]) -> None:
    """Delete the documents' parts of this state that the model no longer lists."""
    kept = {_part_file(path, dossier).name for dossier in parts}
    for found in path.parent.glob(f"{path.stem}.documents.*.state"):
        if found.name not in kept:
            found.unlink(missing_ok=True)


def _load_parsed(
    path: Path, site: Site | None, reads: dict[str, FileRead]
) -> dict[str, tuple[str, ParsedData]]:
    """The parsed files kept beside the state file `path`, each Markdown file whose body
    was left out given back its document's (see `_without_bodies`), or left out itself
    when that document was not read from the same bytes."""
    found = _decoded(_parsed_file(path), _PARSED_DECODER)
    if found is None:
        return {}
    parsed, shared = found
    documents = {d.origin.path: d for d in (site.documents.values() if site else ()) if d.origin}
    for key in shared:
        entry = parsed.get(key)
        document = documents.get(key)
        if entry is None or type(entry[1]) is not FrontMatter:
            continue
        if document is None or reads.get(key, ("",))[0] != entry[0] or entry[1].body:
            del parsed[key]
        else:
            parsed[key] = (entry[0], msgspec.structs.replace(entry[1], body=document.body))
    return parsed


def _without_bodies(
    site: Site | None, parsed: dict[str, tuple[str, ParsedData]], reads: dict[str, FileRead]
) -> tuple[dict[str, tuple[str, ParsedData]], list[str]]:
    """The parsed files to save, without the bodies the site's documents hold already (a
    document's body is its file's, as read): each saved once. Which files lost theirs."""
    if site is None:
        return parsed, []
    kept, shared = dict(parsed), []
    for document in site.documents.values():
        key = document.origin.path if document.origin else ""
        entry = kept.get(key)
        data = entry[1] if entry is not None else None
        if (
            document.body
            and type(data) is FrontMatter
            and data.body == document.body
            and reads.get(key, ("",))[0] == entry[0]  # type: ignore[index]
        ):
            kept[key] = (entry[0], msgspec.structs.replace(data, body=""))  # type: ignore[index]
            shared.append(key)
    return kept, shared


def save_state(path: Path, state: BuildState) -> None:
    """Write `state`: the light part, the model and the reads, and the parsed files when
    this build decoded or made them all (else those kept stay as they are: each entry
    has the digest of its file, and a stale one is only parsed again)."""
    state.token = os.urandom(8).hex()
    cache = state.parse_cache
    state.reads = cache.read
    stored = cache.stored
    if cache.loaded:
        parsed = cache.to_data()
        stored = {key: entry[0] for key, entry in parsed.items()}
        target = _parsed_file(path)
        kept = _without_bodies(state.site, parsed, state.reads)
        write_sealed(target, _context(target), _ENCODER.encode(kept))
    site, listed = state.site, []
    if site is not None:
        before = state.parts
        state.parts = _document_parts(path, site, before)
        if state.parts.keys() != before.keys():
            _prune_parts(path, state.parts)
        listed = [(dossier, part[0]) for dossier, part in state.parts.items()]
        site = replace(site, documents={})
    heavy = (state.token, site, state.reads, stored, listed)
    light = {f.name: getattr(state, f.name) for f in fields(state) if f.name not in _HEAVY}
    for target, value in ((_heavy_file(path), heavy), (path, light)):
        write_sealed(target, _context(target), _ENCODER.encode(value))


def save_light(path: Path, state: BuildState) -> None:
    """Write the light part of `state` again, with the heavy part it goes with (a no-op
    build's newer stamps of its inputs)."""
    light = {f.name: getattr(state, f.name) for f in fields(state) if f.name not in _HEAVY}
    write_sealed(path, _context(path), _ENCODER.encode(light))


def forget_state(path: Path) -> None:
    """Until a build succeeds, the state of the previous one is not valid. The parsed
    files stay (each entry has the digest of its file's bytes: right whatever failed)."""
    path.unlink(missing_ok=True)
    _heavy_file(path).unlink(missing_ok=True)


# Outside the folders given, the build reads only these files, and no deeper than
# dossiers/<dossier>/*.md and atlas/descriptors/*.yaml below them.
_READ_OUTSIDE = (".md", ".yaml", ".yml")
_DEPTH_READ = 2


# Change times have a coarse clock (a kernel tick): a file changed this close before its
# stamp was taken may change again with the same stamp. Such a file is hashed again.
_SETTLED_NS = 2_000_000_000


def _stamp(found: os.stat_result) -> Stamp:
    return found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino


@dataclass
class Known:
    """What a previous `fingerprints` found: each file's digest and stamp, and when."""

    digests: dict[str, str]
    stamps: dict[str, Stamp]
    stamped: int

    hashed: int = 0  # files hashed again although their stamp was the same (too recent)

    def digest(self, path: str, stamp: Stamp) -> str | None:
        """The digest of a file whose stamp is as it was, long enough before it was taken."""
        if self.stamps.get(path) == stamp:
            if stamp[2] < self.stamped - _SETTLED_NS:
                return self.digests.get(path)
            self.hashed += 1
        return None


def fingerprints(
    folders: list[Path], known: Known | None = None, stamps: dict[str, Stamp] | None = None
) -> dict[str, str]:
    """Every file under `folders` (or among them) with a hash of its content: changes
    when any file's content does, whatever its size and modification time say. The one
    way Treillis tells whether what it reads changed.

    With what a previous call found (`known`), a file whose stamp (size, times, inode)
    is the same is not read again: its change time says it was not written since.
    `stamps` (filled when given) gets every file's stamp, for a next call."""
    found = {}
    roots = [os.path.realpath(folder) for folder in folders]
    for folder in folders:
        if os.path.isfile(folder):
            try:
                with open(folder, "rb") as file:
                    found[str(folder)] = content_digest(file.read())
            except OSError:
                pass
            continue
        seen: set[str] = set()
        # Folders linked into the content are read by the build: followed, once each.
        # One leading out of the folders (a dossier kept elsewhere) only as deep as the
        # readers go, and only for what they read: a planted link to / must not have
        # every file of the computer read (/proc/kcore has no end).
        for directory, dirs, files in os.walk(folder, followlinks=True):
            real = os.path.realpath(directory)
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            outside = not any(real == root or real.startswith(root + os.sep) for root in roots)
            if outside and os.path.relpath(directory, folder).count(os.sep) + 1 >= _DEPTH_READ:
                dirs[:] = []
            for name in files:
                if outside and not name.endswith(_READ_OUTSIDE):
                    continue
                path = os.path.join(directory, name)
                try:
                    if stamps is not None or known is not None:
                        stamp = _stamp(os.stat(path))
                        if stamps is not None:
                            stamps[path] = stamp
                        digest = known.digest(path, stamp) if known is not None else None
                        if digest is not None:
                            found[path] = digest
                            continue
                    found[path] = content_digest(read_bytes(Path(path)))
                except OSError:  # gone, or no regular file: the readers say so if it matters
                    continue
    return found


class _Digest:
    """A file-like object that hashes what is written to it."""

    def __init__(self) -> None:
        self.hash = hashlib.blake2b(digest_size=16)
        self.write = self.hash.update


def view_digest(page: object) -> str:
    """A digest of a page's view: equal views give equal digests within one version.

    The pickler keeps no memo ("fast" mode): a value shared by two places of a view
    is written twice, so the digest depends on what the view holds, never on which
    objects happen to be shared (that differs between a fresh parse and the parse
    cache, and between workers). A frozen view object (a document card, on many
    lists) is written as the digest of its fields, made once per value."""
    digest = _Digest()
    pickler = _ViewPickler(digest, protocol=_PROTOCOL)
    pickler.fast = True
    pickler.dump(page)
    return digest.hash.hexdigest()


def _digested(digest: bytes) -> None:
    """What a frozen view object is pickled as, for a digest (never unpickled)."""


def _keyed_digest(obj: Any) -> tuple:
    """An object of a view that says itself what it shows (`digest_key`), as that."""
    return _digested, (obj.digest_key,)


def _frozen_digest(obj: object) -> tuple:
    """A frozen view object as its digest, made once per object."""
    # Known by identity: the entry holds the object, so no other one takes its id.
    found = _FROZEN_DIGESTS.get(id(obj))
    if found is None or found[0] is not obj:
        if len(_FROZEN_DIGESTS) >= _MAX_FROZEN_DIGESTS:
            _FROZEN_DIGESTS.clear()
        kind = type(obj)
        # Its class and fields (strings and numbers, never changed: it is frozen).
        digest = hashlib.blake2b(
            pickle.dumps(
                (kind.__module__, kind.__qualname__, [getattr(obj, f) for f in _names(kind)]),
                protocol=pickle.HIGHEST_PROTOCOL,
            ),
            digest_size=16,
        ).digest()
        found = _FROZEN_DIGESTS[id(obj)] = (obj, digest)
    return _digested, (found[1],)


class _Reducers(dict):
    """How the view pickler reduces each class, found at its first object: an object with
    a `digest_key` (a diagram: a hash of all it shows, made for its picture anyway) as
    that, a frozen view object of plain values as its digest, any other object as pickle
    would (copyreg's table, else its `__reduce_ex__`). A table rather than
    `reducer_override`: that is a Python call for every object, classes and functions
    included; the table is only read for objects of other classes than pickle's own, from C."""

    def __missing__(self, kind: type) -> object:
        params = getattr(kind, "__dataclass_params__", None)
        if isinstance(getattr(kind, "digest_key", None), property | cached_property):
            self[kind] = _keyed_digest
        elif (
            params is not None
            and params.frozen
            and all(f.type in ("str", "int", "bool") for f in fields(kind))
        ):
            self[kind] = _frozen_digest
        elif kind in copyreg.dispatch_table:
            self[kind] = copyreg.dispatch_table[kind]
        elif issubclass(kind, type):
            raise KeyError(kind)  # a class with a metaclass: pickled by name, as pickle does
        else:
            self[kind] = methodcaller("__reduce_ex__", _PROTOCOL)
        return self[kind]


_PROTOCOL = pickle.HIGHEST_PROTOCOL


class _ViewPickler(pickle.Pickler):
    dispatch_table = _Reducers()


def _names(kind: type) -> list[str]:
    return [f.name for f in fields(kind)]


# Frozen view objects of plain values: their digests, by identity (a view's objects are
# made once per build and shared by its pages).
_FROZEN_DIGESTS: dict[int, tuple[object, bytes]] = {}
_MAX_FROZEN_DIGESTS = 100_000


_DOCUMENT_TEXT = ("body", "body_line")
_DOSSIER_TEXT = ("introduction", "synthesis", "introduction_line", "synthesis_line")


def _same_but(old: object, new: object, names: tuple[str, ...]) -> bool:
    return replace(new, **{n: getattr(old, n) for n in names}) == old  # type: ignore[type-var]


def _text_only(old: dict, new: dict, names: tuple[str, ...]) -> set[str] | None:
    """Keys of the items that changed only in `names`; None if one changed otherwise."""
    changed = set()
    for key, item in new.items():
        before = old[key]
        if _edited(before, item):
            if not _same_but(before, item, names):
                return None
            changed.add(key)
    return changed


def text_changes(old: Site | None, new: Site) -> tuple[set[str], set[str]] | None:
    """Documents and dossiers whose text alone changed since `old`, or None when
    anything else differs (a title, a descriptor, a file added or removed…).

    Only their own pages show a document's or a dossier's text; titles,
    summaries and everything in the atlas appear on other pages too.
    """
    if old is None or old.root != new.root:
        return None
    for name in (f.name for f in fields(Site)):
        if name not in ("documents", "dossiers") and getattr(old, name) != getattr(new, name):
            return None
    if old.documents.keys() != new.documents.keys() or old.dossiers.keys() != new.dossiers.keys():
        return None
    documents = _text_only(old.documents, new.documents, _DOCUMENT_TEXT)
    dossiers = _text_only(old.dossiers, new.dossiers, _DOSSIER_TEXT)
    if documents is None or dossiers is None:
        return None
    return documents, dossiers


@dataclass
class Affected:
    """The items whose pages may show something else after an edit (a superset: a page
    planned again whose view digest is unchanged is still not rendered)."""

    documents: set[str]
    descriptors: set[str]
    # The site-wide pages that may show something else, by kind (see
    # `treillis.views.SITE_KINDS`), and the dossiers whose pages may; None: all of them.
    site: set[str] | None = None
    dossiers: set[str] | None = None
    partners: set[str] | None = None  # the partners whose pages may
    # The descriptors (not of `descriptors`) whose list of the documents including
    # narrower ones may show something else, their other pages not.
    all_lists: set[str] = field(default_factory=set)


def affected_items(
    old: Site | None, new: Site, interface: object = None, views: object = None
) -> Affected | None:
    """The documents and descriptors whose pages may have changed from `old` to `new`,
    when only documents and dossiers were edited (none added, removed or moved); None
    when anything else changed (settings, families, the atlas, the network…): every page
    is planned again. The site-wide pages (home, atlas index, dossiers, partners…) are
    planned again when something they show may have changed (see `_site_wide`).

    What a document's page shows of other documents, and a descriptor's page of
    documents, follows `treillis.views`: its dossier's and translations' titles, the
    cards of its related documents, [[links]]; a descriptor's page shows the cards of its
    documents (and of its narrower ones' in its full list), the number of documents of
    its neighbours and of the descriptors above it. When a document's descriptors
    change, those numbers change on every page that shows them."""
    from treillis.atlas import Atlas
    from treillis.markdown import link_targets
    from treillis.views.common import Views
    from treillis.views.content import _related_documents, relates_any

    if old is None or old.root != new.root:
        return None
    for name in ("config", "families", "descriptors", "network"):
        if getattr(old, name) != getattr(new, name):
            return None
    if old.documents.keys() != new.documents.keys() or old.dossiers.keys() != new.dossiers.keys():
        return None
    if any(old.documents[k].dossier != d.dossier for k, d in new.documents.items()):
        return None
    if any(old.dossiers[s].documents != d.documents for s, d in new.dossiers.items()):
        return None
    # (A document read again only when its file changed is the same object otherwise.)
    changed = {k for k, d in new.documents.items() if _edited(old.documents[k], d)}
    dossiers = {s for s, d in new.dossiers.items() if _edited(old.dossiers[s], d)}
    # The new site's views, when the build has them already (the same site, interface).
    after = views or Views(new, Atlas(new), interface=interface)  # type: ignore[arg-type]
    previous = _previous_atlas(after.atlas, old, new, changed)
    before = Views(old, previous, interface=interface)  # type: ignore[arg-type]
    if all(old.documents[k].translations == new.documents[k].translations for k in changed):
        before.translation_index = after.translation_index  # the same groups
    atlas = after.atlas  # the same lattice in both: the descriptors are the same
    documents = set(changed)
    linked = set(changed) | dossiers  # items whose title a [[link]] shows
    cards = set(changed)  # documents whose card (title, date, dossier's title…) may differ
    for slug in dossiers:
        for site, views in ((old, before), (new, after)):
            dossier = site.dossiers[slug]
            cards |= set(dossier.documents)
            for principle in dossier.principles:
                for ref in principle.documents:
                    if key := views.document_key(ref.target, slug):
                        documents.add(key)
    descriptors: set[str] = set()
    counted: set[str] = set()  # descriptors indexing other documents than before
    neighbours: set[str] = set()  # documents sharing a descriptor with an edited one
    # Documents whose card shows something else (see `_shown_cards`); the descriptors
    # above theirs whose list including narrower ones shows one of them.
    shown = _shown_cards(old, new, cards, dossiers)
    all_lists: set[str] = set()
    for key in cards:
        documents.add(key)
        documents.update(before.translations(key), after.translations(key))
        was = {d for d in old.documents[key].descriptor_ids if d in atlas.broader}
        now = {d for d in new.documents[key].descriptor_ids if d in atlas.broader}
        counted |= was ^ now
        descriptors |= was | now  # their lists show its card
        for descriptor in was | now:
            neighbours.update(before.atlas.documents[descriptor], atlas.documents[descriptor])
        if key in shown:
            all_lists |= _lists_showing(before, key, was) | _lists_showing(after, key, now)
    if counted:
        # The number of documents of a descriptor shows wherever it is linked; the total
        # of a descriptor above it wherever that one has no document of its own.
        above = set().union(*(atlas.ancestors(d) for d in counted))
        shown = counted | {d for d in above if not atlas.documents[d]}
        descriptors |= counted | above
        for descriptor in shown:
            descriptors.update(atlas.broader[descriptor], atlas.narrower[descriptor])
            descriptors.update(atlas.related[descriptor])
        below = set().union(*(atlas.descendants(d) for d in shown)) | shown
        descriptors |= set().union(*(atlas.descendants(d) for d in counted))
        # Of the documents below them, those whose links and picture show one of them.
        indexed = set().union(
            *(before.atlas.documents[d] for d in below), *(atlas.documents[d] for d in below)
        )
        above_cache: dict[str, set[str]] = {}
        documents.update(
            key
            for key in indexed - documents
            if shown.intersection(_pictured(atlas, new.documents[key], above_cache))
        )
    # The related documents of another document are ranked by the descriptors shared
    # with it and by date: an edit changes only the rank and card of the edited ones
    # (`cards`: a dossier's title is on its documents') among them, so they show
    # something else only where one of those is listed, before or after (when
    # translations, which are never listed, are the same).
    ranked = all(
        old.documents[key].translations == new.documents[key].translations for key in changed
    )
    for key in sorted(neighbours - documents):
        if ranked:
            if relates_any(before, old.documents[key], cards) or relates_any(
                after, new.documents[key], cards
            ):
                documents.add(key)
            continue
        lang = new.documents[key].lang
        if _related_documents(before, old.documents[key], lang) != _related_documents(
            after, new.documents[key], lang
        ):
            documents.add(key)
    # A [[link]] shows its target's title: only where one of those changed is a text
    # looked through for links (50,000 of them, for a title).
    items = {**old.dossiers, **old.documents}, {**new.dossiers, **new.documents}
    linked = {key for key in linked if _differs(items[0][key], items[1][key], _LINKED)}
    for key, document in new.documents.items() if linked else ():
        if key not in documents and linked.intersection(link_targets(document.body)):
            documents.add(key)
    for descriptor in new.descriptors.values() if linked else ():
        if any(linked.intersection(link_targets(note)) for note in descriptor.note.values.values()):
            descriptors.add(descriptor.id)
    site = _site_wide((old, before), (new, after), cards, dossiers, linked, counted, link_targets)
    return Affected(documents, descriptors, *site, all_lists=all_lists - descriptors)


def _pictured(atlas: Atlas, document: Document, above: dict[str, set[str]]) -> set[str]:
    """The descriptors a document's page shows with their number of documents: its own
    (linked) and those of its indexing picture (see `indexing_diagram`). `above`: the
    descriptors above each one, kept from call to call."""
    from treillis.views.diagrams import MAX_INDEXING_NODES

    own = [d for d in dict.fromkeys(document.descriptor_ids) if d in atlas.broader]
    found: set[str] = set()
    for descriptor in own:
        if descriptor not in above:
            above[descriptor] = atlas.ancestors(descriptor)
        found |= above[descriptor]
    if len(found) + len(own) > MAX_INDEXING_NODES:
        found = {b for d in own for b in atlas.broader[d]}
    return found | set(own)


def _among_newest(site: Site, key: str) -> bool:
    """Whether the home's newest documents (`Views.newest_documents`) show the document
    `key`, without ranking all: unless as many others come before it (newer, or of the
    same date and title and before it in the site's order)."""
    from treillis.views.content import NEWEST_SHOWN

    mine = site.documents[key]
    place = (mine.date, mine.title)
    before = 0
    passed = False
    for other, document in site.documents.items():
        if other == key:
            passed = True
            continue
        found = (document.date, document.title)
        if found > place or (found == place and not passed):
            before += 1
            if before >= NEWEST_SHOWN:
                return False
    return True


def _edited(old: object, new: object) -> bool:
    return old is not new and old != new


def _previous_atlas(atlas: Atlas, old: Site, new: Site, changed: set[str]) -> Atlas:
    """`Atlas(old)`, made from the new site's `atlas` when only the documents of
    `changed` were edited (the descriptors, the network and the documents' order are
    the same): the lists of documents of their descriptors before, made again."""
    import copy

    from treillis.atlas import Atlas

    moved = {
        key
        for key in changed
        if old.documents[key].descriptor_ids != new.documents[key].descriptor_ids
    }
    if not moved:
        return atlas
    if list(old.documents) != list(new.documents):
        return Atlas(old)
    previous = copy.copy(atlas)
    previous.documents = dict(atlas.documents)
    order = {key: number for number, key in enumerate(old.documents)}
    touched = {
        descriptor
        for key in moved
        for descriptor in (*old.documents[key].descriptor_ids, *new.documents[key].descriptor_ids)
        if descriptor in atlas.documents
    }
    for descriptor in touched:
        keys = [key for key in atlas.documents[descriptor] if key not in moved]
        keys += [key for key in moved if descriptor in old.documents[key].descriptor_ids]
        previous.documents[descriptor] = sorted(keys, key=order.__getitem__)
    return previous


def _shown_cards(old: Site, new: Site, cards: set[str], dossiers: set[str]) -> set[str]:
    """The documents of `cards` whose card shows something else: not one whose
    descriptors alone changed (its pages and its descriptors' are planned all the same)."""
    return {
        key
        for key in cards
        if new.documents[key].dossier in dossiers
        or _differs(old.documents[key], new.documents[key], _CARD)
    }


def _lists_showing(views: Views, key: str, indexing: set[str]) -> set[str]:
    """The descriptors above those of `indexing` (which index the document `key`) whose
    list of the documents including narrower ones shows it (among the newest
    `ALL_DOCUMENTS_SHOWN`). That list of a descriptor above another holds the other's
    documents and more: above one whose list does not show it, none does (the walk up
    stops there)."""
    from treillis.views.atlas import ALL_DOCUMENTS_SHOWN

    atlas, documents = views.atlas, views.site.documents
    # Listed before it (see `Views.newest_rank`): newer, or of the same date and title
    # with a smaller key.
    document = documents[key]
    place = (document.date, document.title)

    def first(other: str) -> bool:
        found = documents[other]
        return (found.date, found.title) > place or (
            (found.date, found.title) == place and other < key
        )

    found: set[str] = set()
    seen: set[str] = set()
    pending = [above for descriptor in indexing for above in atlas.broader[descriptor]]
    while pending:
        descriptor = pending.pop()
        if descriptor in seen:
            continue
        seen.add(descriptor)
        newer: set[str] = set()  # documents listed before it
        for below in (descriptor, *atlas.descendants(descriptor)):
            newer.update(filter(first, atlas.documents[below]))
            if len(newer) >= ALL_DOCUMENTS_SHOWN:
                break
        else:
            found.add(descriptor)
            pending.extend(atlas.broader[descriptor])
    return found


# What a document's card (see `treillis.views.common.DocumentCard`) and a dossier's
# picture of its principles show of it, and which partner's page lists it.
_CARD = ("title", "lang", "type", "date", "summary", "partner")
# What a [[link]] shows of its target (a document or a dossier).
_LINKED = ("title", "lang")


def _differs(old: object, new: object, names: tuple[str, ...]) -> bool:
    return any(getattr(old, name) != getattr(new, name) for name in names)


def _site_wide(
    old: tuple[Site, Views],
    new: tuple[Site, Views],
    cards: set[str],
    dossiers: set[str],
    linked: set[str],
    counted: set[str],
    link_targets: Callable[[str], list[str]],
) -> tuple[set[str], set[str], set[str]]:
    """The kinds of site-wide pages (see `treillis.views.site_pages`), the dossiers and
    the partners whose pages may show something else when only the cards of the
    documents of `cards`, the dossiers of `dossiers`, the items of `linked` and the
    number of documents of the descriptors of `counted` may have changed (nothing else
    can have: see `affected_items`). What each page shows follows `treillis.views`."""
    (old_site, before), (new_site, after) = old, new
    sites = (old_site, new_site)
    kinds: set[str] = set()
    cards = _shown_cards(old_site, new_site, cards, dossiers)

    # (`linked`: those whose title a [[link]] shows changed.)
    def links(texts: Iterable[str]) -> bool:
        return any(linked.intersection(link_targets(text)) for text in texts)

    # The home: the dossiers' cards, the top descriptors' links (with their number of
    # documents), the newest documents' cards (the same in every language), the site's
    # description.
    if (
        dossiers
        or counted.intersection(after.atlas.top)
        or any(_among_newest(site, key) for site in sites for key in cards)
        or links(new_site.config.description.values.values())
    ):
        kinds.add("home")
    # The atlas index, the permuted index and the legend list descriptors' links.
    if counted:
        kinds |= {"atlas", "legend"}
    # The search page names the scripts of the documents' languages.
    if {d.lang for d in old_site.documents.values()} != {
        d.lang for d in new_site.documents.values()
    }:
        kinds.add("readers")
    # A partner's page: its dossiers' cards, its documents' cards, its description.
    partners = {r.target for site in sites for s in dossiers for r in site.dossiers[s].partners}
    partners |= {p.target for site in sites for k in cards if (p := site.documents[k].partner)}
    partners |= {p.id for p in new_site.config.partners if links(p.description.values.values())}
    # A dossier's page: its header, its documents' cards, its principles' documents'
    # cards (and picture), its descriptors' links, its texts.
    pages = set(dossiers)
    for site, views in ((old_site, before), (new_site, after)):
        for slug, dossier in site.dossiers.items():
            cited = {
                views.document_key(ref.target, slug)
                for principle in dossier.principles
                for ref in principle.documents
            }
            texts = [dossier.introduction, dossier.synthesis]
            texts += [principle.text for principle in dossier.principles]
            if slug not in pages and (
                cards.intersection(dossier.documents)
                or cards & cited
                or counted.intersection(r.target for r in dossier.descriptors)
                or links(texts)
            ):
                pages.add(slug)
    return kinds, pages, partners
