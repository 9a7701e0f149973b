"""Documents' bodies as plain text, handed from the workers that render their pages to the
worker that makes the search index: each body is parsed once in a build, not twice.

The page workers keep the plain text of each body they render (`Views.plain_bodies`) and
save it after each group of pages into a folder of the build's own; the search, started
after the groups of document pages, takes each body's text from there, and parses the
bodies it does not find there (a group not finished yet) itself: the same text either way
(`markdown.plain_text`). The files are data (msgpack, checked when read) in a private
temporary folder, deleted after the build. Only for a build of every page of a site of at
most `MAX_DOCUMENTS` documents.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import msgspec

from treillis import markdown

# Above this many documents the search parses the bodies itself, started first as a side
# task: started after the document pages, it runs in a worker that grew with them (at
# 50,000 documents its peak was 1,095 MB instead of 848, the build's 2.1 GB instead of 1.8).
MAX_DOCUMENTS = 20_000

_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(dict[bytes, str])


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class PlainBodies:
    """The folder where page workers save bodies' plain texts, and the search reads them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.active = False  # set by the workers' pool: bodies are kept in its workers only
        self.made: dict[str, str] = {}  # this process's, by Markdown text, not saved yet
        self._found: dict[bytes, str] = {}  # read, not used yet (by the search)
        self._read: set[str] = set()

    def keeper(self, text: str) -> Callable[[str], None] | None:
        """What a page's rendering gives the plain text of its body `text` (None: kept not)."""
        return partial(self.made.__setitem__, text) if self.active else None

    def save(self, name: str) -> None:
        """Save the plain texts made since the last save (a group's), under `name`."""
        if not self.made:
            return
        data = _ENCODER.encode({_key(text): plain for text, plain in self.made.items()})
        self.made.clear()
        partial = self.folder / f"{name}.part"
        partial.write_bytes(data)
        os.replace(partial, self.folder / f"{name}.msgpack")  # read whole, or not at all

    def plain_text(self, body: str) -> str:
        """`markdown.plain_text(body)`: saved by a page worker, else made now."""
        if not body.strip():
            return ""  # (never saved: `markdown.render` makes nothing of it)
        key = _key(body)
        found = self._found.pop(key, None)
        if found is None:
            # The groups' files one at a time, in their order (the documents'): only the
            # texts of a group or two are held at once (at 50,000 documents, 150 MB in all).
            for name in self._unread():
                self._read.add(name)
                try:
                    self._found.update(_DECODER.decode((self.folder / name).read_bytes()))
                except (OSError, msgspec.DecodeError):
                    continue  # its bodies are parsed again: the same texts
                found = self._found.pop(key, None)
                if found is not None:
                    break
        return found if found is not None else markdown.plain_text(body)

    def _unread(self) -> list[str]:
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        return sorted(
            (n for n in names if n.endswith(".msgpack") and n not in self._read),
            key=lambda name: (len(name), name),  # "2" before "10"
        )


@contextmanager
def plain_bodies(wanted: bool) -> Iterator[PlainBodies | None]:
    """A `PlainBodies` in a private temporary folder, deleted after (None: not `wanted`)."""
    if not wanted:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="treillis-bodies-") as folder:
        yield PlainBodies(Path(folder))
