"""Reading content files: UTF-8 text, YAML with line numbers, Markdown front matter.

Every value read from YAML keeps the line it came from, so that any later
check can report `path:line: message`.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import mmap
import os
import re
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Union

import msgspec
import yaml

from treillis.errors import Problems, SetupError
from treillis.processes import fork_piped, worker_count


@dataclass(frozen=True)
class Folded:
    """A plain (unquoted) value that YAML read over several lines, joined with spaces."""

    first: int  # file lines where it starts and ends
    last: int
    # Lines after the first that start with '- ': list items indented too deep, which
    # YAML reads as the end of the item above.
    dashes: tuple[int, ...] = ()


_NOT_FOLDED: dict = {}  # shared default of the containers below: never written to


class LineDict(dict):
    """A YAML mapping that remembers the line of each key (1-based)."""

    line: int = 1
    key_lines: dict[str, int]
    folded: dict[str, Folded] = _NOT_FOLDED  # values read over several lines, by key

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A YAML sequence that remembers the line of each item (1-based)."""

    line: int = 1
    item_lines: list[int]
    folded: dict[int, Folded] = _NOT_FOLDED  # items read over several lines, by index

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class DuplicateKey(yaml.MarkedYAMLError):
    """A key written twice in the same mapping (PyYAML would silently keep the last)."""


# Characters that have no business in a text: C0 controls (but tab and newline),
# DEL, and lone surrogates (which "\uD800" escapes can produce in YAML).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ALLOWED_TAGS = {
    yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
}


class _LineLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    yaml.resolver.BaseResolver,
):
    """A safe YAML loader for content: every scalar stays the text written.

    No implicit types (`title: Yes` is the text "Yes", `code: 010` is "010",
    dates are checked later with their line), no explicit tags (`!!binary`),
    no aliases (`*name`, which can expand exponentially), no duplicate keys,
    and the line of every key and item is kept.
    """

    def __init__(self, stream: str) -> None:
        self.text = stream  # to look at the lines of a value read over several
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.BaseResolver.__init__(self)

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not supported: write the value again",
                event.start_mark,
            )
        node = super().compose_node(parent, index)
        if node.tag not in _ALLOWED_TAGS:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not "
                "supported: write plain text",
                node.start_mark,
            )
        return node

    def construct_scalar(self, node: yaml.ScalarNode) -> str:
        value = yaml.constructor.SafeConstructor.construct_scalar(self, node)
        if bad := _FORBIDDEN.search(value):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the character U+{ord(bad.group()):04X} is not allowed in a text",
                node.start_mark,
            )
        return value


def _folded(loader: Any, node: yaml.Node) -> Folded | None:
    """How a plain scalar read over several lines was written, or None for any other node."""
    first, last = node.start_mark.line, node.end_mark.line
    # A plain style is None for the Python parser, "" for libyaml.
    if not isinstance(node, yaml.ScalarNode) or node.style or last == first:
        return None
    starts = loader.__dict__.get("line_starts")
    if starts is None:  # found once per file: atlas notes often run over several lines
        text = loader.text
        starts = loader.line_starts = [0, *(m.end() for m in re.finditer("\n", text)), len(text)]
    end = starts[last + 1] if last + 1 < len(starts) else starts[-1]
    lines = loader.text[starts[first + 1] : end].split("\n")
    dashes = tuple(
        first + 2 + offset
        for offset, text in enumerate(lines)
        if text.lstrip().startswith("- ") or text.strip() == "-"
    )
    return Folded(first + 1, last + 1, dashes)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    folded = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word", key_node.start_mark
            )
        key = loader.construct_scalar(key_node)
        if key in result:
            raise DuplicateKey(None, None, f"the key '{key}' is written twice", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
        if value_node.end_mark.line > value_node.start_mark.line and (
            how := _folded(loader, value_node)
        ):
            folded[key] = how
    if folded:
        result.folded = folded
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    folded = {
        index: how
        for index, child in enumerate(node.value)
        if child.end_mark.line > child.start_mark.line and (how := _folded(loader, child))
    }
    if folded:
        result.folded = folded
    return result


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, _LineLoader.construct_scalar
)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

_FastLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLineLoader(
        yaml._yaml.CParser, yaml.constructor.SafeConstructor, yaml.resolver.BaseResolver
    ):  # type: ignore[misc, name-defined]
        """The same loader with libyaml's parser (C): four times faster on a large atlas.

        It is used only for texts without anchors, aliases, tags and tabs (no `&`,
        `*`, `!`, tab), whose values it builds with the same constructors; anything
        else, and any error, goes through `_LineLoader`, whose messages say where."""

        def __init__(self, stream: str) -> None:
            self.text = stream
            yaml._yaml.CParser.__init__(self, stream)  # type: ignore[attr-defined]
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.BaseResolver.__init__(self)

        construct_scalar = _LineLoader.construct_scalar

    _CLineLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, _CLineLoader.construct_scalar
    )
    _CLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _CLineLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence
    )
    _FastLoader = _CLineLoader
# Anchors, aliases and tags need the Python loader's refusals; tabs too, which
# libyaml accepts in places where the Python loader does not.
_NOT_FOR_FAST = re.compile(r"[&*!\t]")


class SourceError(Exception):
    """A file that cannot be read at all; carries the line where reading stopped."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_bytes(path: Path, *, links: bool = True) -> bytes:
    """The bytes of a content file; OSError when it is not a regular file. A FIFO is
    never waited on (opening one to read waits for a writer forever), nor a device
    read (/dev/zero never ends). `links` false: a link at the path's end is refused
    too (a cache file, which nobody links on purpose)."""
    with open_regular(path, links=links) as file:
        return file.read()


def open_regular(path: Path, *, links: bool = True, buffered: bool = True) -> BinaryIO:
    """A regular file opened to read (see `read_bytes`); OSError for anything else.
    `buffered` false: a raw file (`io.FileIO`), whose `readall` reads the rest at once."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags if links else flags | os.O_NOFOLLOW)
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        reason = "not a regular file (a pipe, a device or a socket)"
        raise OSError(errno.EINVAL, reason, str(path))
    return open(descriptor, "rb", buffering=-1 if buffered else 0)


def read_text(path: Path) -> str:
    """The file's text, decoded as UTF-8 (a byte-order mark is dropped)."""
    return decode_text(read_bytes(path))


def decode_text(data: bytes) -> str:
    """A file's bytes as text: UTF-8, newlines normalised, no control characters."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(
            line,
            f"this file is not valid UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if bad := _FORBIDDEN.search(text):
        line = text.count("\n", 0, bad.start()) + 1
        raise SourceError(
            line, f"the character U+{ord(bad.group()):04X} is not allowed in a text file"
        )
    return text


def parse_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML safely; `first_line` is the file line where `text` starts."""
    source = "\n" * (first_line - 1) + text  # every mark is then a line of the file itself
    if _FastLoader is not None and not _NOT_FOR_FAST.search(text):
        try:
            return yaml.load(source, Loader=_FastLoader)
        except (yaml.YAMLError, ValueError, RecursionError):
            pass  # the Python loader says what is wrong, and where
    try:
        data = yaml.load(source, Loader=_LineLoader)
    except yaml.reader.ReaderError as error:
        line = source.count("\n", 0, error.position) + 1
        character = f"U+{error.character:04X}" if isinstance(error.character, int) else "this byte"
        raise SourceError(line, f"the character {character} is not allowed in YAML") from None
    except yaml.MarkedYAMLError as error:
        line, problem = _syntax_problem(error, source)
        raise SourceError(line or first_line, f"YAML syntax: {problem}") from None
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        raise SourceError(first_line, f"YAML syntax: {error}") from None
    return data


def _syntax_problem(error: yaml.MarkedYAMLError, source: str) -> tuple[int, str]:
    """The line (0 when unknown) and an editor's wording of a YAML syntax error."""
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "invalid YAML"
    if "'\\t'" in problem:
        # PyYAML's "found character '\t' that cannot start any token" says it obscurely.
        problem = "tabs are not allowed in YAML, use spaces"
    elif error.context_mark is not None and "<stream end>" in problem:
        # Something left open (a [ or a quote): point where it was opened.
        mark = error.context_mark
        problem = f"{problem} ({error.context} opened here)"
    elif error.context_mark is not None and "could not find expected ':'" in problem:
        # A line that is neither `name: value` nor indented: most often a value carried
        # on without indentation. Point at that line, not at the next one.
        mark = error.context_mark
        text = source.split("\n")[mark.line].strip()
        shown = text if len(text) <= 40 else text[:37] + "..."
        problem = (
            f"the line '{shown}' has no ':' — if it continues the value above, indent it "
            "with spaces; if it is a field, write 'name: value'"
        )
    return (mark.line + 1 if mark else 0), problem


@dataclass
class MarkdownSource:
    """A Markdown file split into its front matter and its body."""

    meta: LineDict
    body: str
    body_line: int  # file line where the body starts


def split_front_matter(text: str) -> MarkdownSource:
    """Split `---` front matter from the Markdown body, keeping line numbers."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(1, "the file must start with a front matter block between '---' lines")
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            meta = parse_yaml("\n".join(lines[1:index]), first_line=2)
            if meta is None:
                meta = LineDict()
                meta.line, meta.key_lines = 2, {}
            if not isinstance(meta, LineDict):
                raise SourceError(2, "the front matter must be a list of 'field: value' lines")
            return MarkdownSource(meta, "\n".join(lines[index + 1 :]), index + 2)
    raise SourceError(1, "the front matter block is not closed by a '---' line")


def content_digest(data: bytes) -> str:
    """What identifies a file's content: a hash of its bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class ParseCache:
    """Parsed files kept between builds: a file is parsed again only when its content
    changed (its bytes are hashed, so an edit that keeps the size and the modification
    time is seen). Parsed values are never modified."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[str, object]] = {}
        # The entries read back from the previous build as data (`from_data`), while they
        # are unchanged: saved again as they are, not converted again.
        self._data: dict[Path, tuple[str, ParsedData]] = {}
        # Digests of the files, as the build just hashed them (see `fingerprints`): a file
        # whose entry has that digest is not read again.
        self.known: dict[str, str] = {}
        # The digest of the bytes each value returned by `get` was parsed from, by path.
        self.digests: dict[str, str] = {}
        # What the readers made of each file of this build, for the next build (see
        # `treillis.readers.reuse`): path → (digest of the bytes read, its warnings).
        self.read: dict[str, FileRead] = {}
        # What the previous build read (its site and its `read`): the items of a file
        # whose bytes are the same are taken again, not read (`treillis.readers.reuse`).
        self.previous: tuple[Any, dict[str, FileRead]] | None = None
        # The files taken from the previous build whose texts' links were checked by it
        # with the same settings (it succeeded: none was refused), by path.
        self.texts_checked: set[str] = set()
        # Entries kept on disk and not decoded yet (see `lazy`): their digests by path,
        # and what decodes them, on the first `get` of a file whose entry is among them.
        self.stored: dict[str, str] = {}
        self._loader: Callable[[], dict[str, tuple[str, ParsedData]]] | None = None
        # Files parsed before they were asked for (see `parse_ahead`): path → (parser,
        # digest, value, the value as data when it came as such).
        self._ahead: dict[str, tuple[Callable[[str], Any], str, object, ParsedData | None]] = {}

    @classmethod
    def lazy(
        cls, stored: dict[str, str], loader: Callable[[], dict[str, tuple[str, ParsedData]]]
    ) -> ParseCache:
        """A cache whose entries (`stored`: path → digest) are decoded by `loader` only
        when a file among them is asked for with that digest: an edit build, which
        takes the items of unchanged files from the previous build, decodes none."""
        cache = cls()
        cache.stored, cache._loader = stored, loader
        return cache

    @property
    def loaded(self) -> bool:
        """Whether the entries kept on disk (if any) are all in this cache."""
        return self._loader is None

    def _load(self) -> None:
        loader, self._loader = self._loader, None
        if loader is None:
            return
        for path, entry in loader().items():
            key = Path(path)
            if key not in self._entries:
                self._data[key] = entry
                self._entries[key] = (entry[0], _from_data(entry[1]))

    def get(self, path: Path, parse: Callable[[str], Any]) -> Any:
        key = str(path)
        if (
            self._loader is not None
            and path not in self._entries
            and self.stored.get(key, "") == self.known.get(key)
        ):
            self._load()
        entry = self._entries.get(path)
        if entry is None and key in self._ahead:
            entry = self._take_ahead(path, parse)
        if entry is None or entry[0] != self.known.get(str(path)):
            data = read_bytes(path)
            digest = content_digest(data)
            if entry is None or entry[0] != digest:
                entry = self._entries[path] = (digest, _parsed(data, parse))
                self._data.pop(path, None)
        self.digests[key] = entry[0]
        if isinstance(entry[1], SourceError):
            raise entry[1]
        return entry[1]

    def needs_parsing(self, path: str) -> bool:
        """Whether `get` would parse this file (as far as the digests the build just
        made say: see `known`): no entry of its bytes, here or kept on disk."""
        digest = self.known.get(path)
        entry = self._entries.get(Path(path))
        if entry is not None and (digest is None or entry[0] == digest):
            return False
        return digest is None or self.stored.get(path) != digest

    def parse_ahead(self, files: list[tuple[str, Callable[[str], Any]]]) -> None:
        """Parse `files` (path, parser) before the readers ask for them (`get`, with the
        same parser), with a forked process meanwhile: parsing YAML is most of reading a
        large site, and the other core would wait. Both take the next few files in turn
        (the descriptors' first: the largest). Only for many files, with a core to spare
        (see `worker_count`) and no other thread in this process (a fork copies none); a
        file the other process could not parse, or changed since, is parsed by `get`.
        What the readers did not ask for is let go by `drop_ahead`."""
        if len(files) < _AHEAD_MIN or threading.active_count() > 1 or not hasattr(os, "fork"):
            return
        try:
            if worker_count() < 2:
                return
        except SetupError:
            return  # said when the pages are made
        chunks = _Chunks(len(files))
        forked = fork_piped()
        if forked is None:
            chunks.close()
            return
        pid, pipe = forked
        if pid == 0:  # the child: parses its files, sends them as data, and leaves
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it
                gc.freeze()  # what it inherited is not walked (nor copied) by the collector
                parsed = []
                for path, parse in chunks.taken(files):
                    with contextlib.suppress(Exception):  # `get` parses it, and says why
                        if (found := _parsed_file(path, parse)) is not None:
                            parsed.append((path, found[0], _to_data(found[1])))
                with open(pipe, "wb") as stream:
                    stream.write(_AHEAD_ENCODER.encode(parsed))
            finally:
                os._exit(0)
        try:
            with open(pipe, "rb") as stream:
                for path, parse in chunks.taken(files):
                    if (found := _parsed_file(path, parse)) is not None:
                        self._ahead[path] = (parse, *found, None)
                payload = stream.read()
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            raise
        finally:
            os.waitpid(pid, 0)
            chunks.close()
        try:
            theirs = _AHEAD_DECODER.decode(payload)
        except msgspec.DecodeError:  # it failed: `get` parses its files
            return
        parsers = dict(files)
        for path, digest, data in theirs:
            if path in parsers and path not in self._ahead:
                self._ahead[path] = (parsers[path], digest, _from_data(data), data)

    def drop_ahead(self) -> None:
        """Let go of the files parsed ahead that were not asked for."""
        self._ahead.clear()

    def _take_ahead(self, path: Path, parse: Callable[[str], Any]) -> tuple[str, object] | None:
        """The entry `parse_ahead` made for `path` with `parse`, now the cache's, if any."""
        found = self._ahead.pop(str(path))
        if found[0] is not parse:
            return None
        _, digest, value, data = found
        entry = self._entries[path] = (digest, value)
        if data is not None:
            self._data[path] = (digest, data)
        return entry

    def to_data(self) -> dict[str, tuple[str, ParsedData]]:
        """The parsed files as plain data (see `ParsedData`), to keep between builds
        (those of them kept on disk and not decoded, not: see `loaded`)."""
        kept = self._data
        return {
            str(path): kept[path] if path in kept else (digest, _to_data(value))
            for path, (digest, value) in self._entries.items()
        }

    @classmethod
    def from_data(cls, data: dict[str, tuple[str, ParsedData]]) -> ParseCache:
        cache = cls()
        cache._data = {Path(path): entry for path, entry in data.items()}
        cache._entries = {
            path: (digest, _from_data(value)) for path, (digest, value) in cache._data.items()
        }
        return cache


def _parsed(data: bytes, parse: Callable[[str], Any]) -> object:
    """What `parse` makes of a file's bytes: its value, or the SourceError saying why none."""
    try:
        return parse(decode_text(data))
    except SourceError as error:
        return error


def _parsed_file(path: str, parse: Callable[[str], Any]) -> tuple[str, object] | None:
    """The digest of a file's bytes and what `parse` makes of them; None if unreadable."""
    try:
        data = read_bytes(Path(path))
    except OSError:
        return None
    return content_digest(data), _parsed(data, parse)


# Below this many files to parse, forking a process costs more than it saves.
_AHEAD_MIN = 200


class _Chunks:
    """The next few of `count` items, taken in turn by this process and the ones it
    forks: a counter in memory they share. Two processes may take the same chunk
    (one reads the counter as the other writes it): some work done twice, none left."""

    SIZE = 16

    def __init__(self, count: int) -> None:
        self.count = count
        self.counter = mmap.mmap(-1, 8)  # anonymous, shared: seen by forked processes

    def taken(self, items: list[Any]) -> Iterator[Any]:
        """The items of each chunk this process takes, until none is left."""
        while (start := self._take()) < self.count:
            yield from items[start : start + self.SIZE]

    def _take(self) -> int:
        start = int.from_bytes(self.counter[:8], "little")
        self.counter[:8] = (start + self.SIZE).to_bytes(8, "little")
        return start

    def close(self) -> None:
        self.counter.close()


# The parsed files as data: what `parse_yaml` and `split_front_matter` return, with
# every line number, in types that msgspec checks when it reads them back.
class YamlMapping(msgspec.Struct, tag="m", array_like=True):
    line: int
    keys: list[str]
    key_lines: list[int]
    values: list[YamlValue]
    folded: dict[str, Folded] = {}


class YamlSequence(msgspec.Struct, tag="s", array_like=True):
    line: int
    item_lines: list[int]
    items: list[YamlValue]
    folded: dict[int, Folded] = {}


class FrontMatter(msgspec.Struct, tag="f", array_like=True):
    meta: YamlMapping
    body: str
    body_line: int


class Unreadable(msgspec.Struct, tag="e", array_like=True):
    line: int
    message: str


# What the readers made of a file: the digest of its bytes, and its warnings (line, text).
FileRead = tuple[str, list[tuple[int, str]]]
YamlValue = Union[str, None, YamlMapping, YamlSequence]  # noqa: UP007 (msgspec resolves it)
ParsedData = Union[str, None, YamlMapping, YamlSequence, FrontMatter, Unreadable]  # noqa: UP007
# What `ParseCache.parse_ahead`'s other process sends: (path, digest, parsed data) of each file.
_AHEAD_ENCODER = msgspec.msgpack.Encoder()
_AHEAD_DECODER = msgspec.msgpack.Decoder(list[tuple[str, str, ParsedData]])


def _to_data(value: object) -> ParsedData:
    if value is None or type(value) is str:
        return value  # type: ignore[return-value]
    if isinstance(value, LineDict):
        keys = list(value)
        return YamlMapping(
            value.line,
            keys,
            [value.line_of(k) for k in keys],
            [_to_data(v) for v in value.values()],
            value.folded,
        )
    if isinstance(value, LineList):
        return YamlSequence(
            value.line, list(value.item_lines), [_to_data(v) for v in value], value.folded
        )
    if isinstance(value, MarkdownSource):
        return FrontMatter(_to_data(value.meta), value.body, value.body_line)  # type: ignore[arg-type]
    if isinstance(value, SourceError):
        return Unreadable(value.line, value.message)
    raise TypeError(f"not a parsed value: {type(value).__name__}")


def _from_data(data: ParsedData) -> Any:
    kind = type(data)
    if kind is YamlMapping:
        mapping = LineDict(zip(data.keys, map(_from_data, data.values), strict=True))
        mapping.line, mapping.key_lines = (
            data.line,
            dict(zip(data.keys, data.key_lines, strict=True)),
        )
        if data.folded:
            mapping.folded = data.folded
        return mapping
    if kind is YamlSequence:
        sequence = LineList(map(_from_data, data.items))
        sequence.line, sequence.item_lines = data.line, data.item_lines
        if data.folded:
            sequence.folded = data.folded
        return sequence
    if kind is FrontMatter:
        return MarkdownSource(_from_data(data.meta), data.body, data.body_line)
    if kind is Unreadable:
        return SourceError(data.line, data.message)
    return data


def _load(
    path: Path,
    problems: Problems,
    kind: str,
    parse: Callable[[str], Any],
    cache: ParseCache | None,
) -> Any:
    try:
        return cache.get(path, parse) if cache is not None else parse(read_text(path))
    except SourceError as error:
        problems.add(path, error.line, error.message)
    except OSError as error:
        problems.add(path, 1, f"cannot read this file: {error.strerror}")
    if kind:
        problems.unreadable.add(kind)
    return None


def load_yaml_file(
    path: Path, problems: Problems, kind: str = "", cache: ParseCache | None = None
) -> Any:
    """Read and parse one YAML file; on failure record the problem and return None.

    `kind` names what the file defines, marked unreadable when the file is.
    """
    return _load(path, problems, kind, parse_yaml, cache)


def load_markdown_file(
    path: Path, problems: Problems, kind: str = "", cache: ParseCache | None = None
) -> MarkdownSource | None:
    """Read one Markdown file with front matter; on failure record the problem."""
    return _load(path, problems, kind, split_front_matter, cache)
