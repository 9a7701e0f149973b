"""Documents' bodies as plain text, handed from the workers that render their pages to the
worker that makes the search index: each body is parsed once in a build, not twice.

The page workers keep the plain text of each body they render (`Views.plain_bodies`) and
save it after each group of pages into a folder of the pool's own; the search, started
after the groups of document pages, takes each body's text from there, and parses the
bodies it does not find there (a group not finished yet) itself: the same text either way
(`markdown.plain_text`). The files are data (msgpack, checked when read) in a private
temporary folder, made while the workers' pool runs (`PlainBodies.shared`) and deleted
after. Only for a build of every page of a site of at most `MAX_DOCUMENTS` documents.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import deque
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

    def __init__(self, folder: Path | None = None) -> None:
        # Where the texts are handed (None: not handed, outside the workers' pool).
        self.folder = folder
        self.made: dict[str, str] = {}  # this process's, by Markdown text, not saved yet
        # The texts of the last two files read (by the search): the documents come in the
        # groups' order, so a group's texts are used soon after they are read.
        self._found: deque[dict[bytes, str]] = deque(maxlen=2)
        self._read: set[str] = set()

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Hand the texts through a private temporary folder meanwhile, deleted after (when
        none can be made, nothing is handed: the search parses the bodies)."""
        try:
            folder = tempfile.TemporaryDirectory(
                prefix="treillis-bodies-", ignore_cleanup_errors=True
            )
        except OSError:
            yield
            return
        with folder:
            self.folder = Path(folder.name)
            try:
                yield
            finally:
                self.folder = None

    def keeper(self, text: str) -> Callable[[str], None] | None:
        """What a page's rendering gives the plain text of its body `text` (None: kept not)."""
        return partial(self.made.__setitem__, text) if self.folder is not None else None

    def save(self, name: str) -> None:
        """Save the plain texts made since the last save (a group's), under `name`; when
        they cannot be (a full disk…), the search parses those bodies itself."""
        if not self.made or self.folder is None:
            return
        data = _ENCODER.encode({_key(text): plain for text, plain in self.made.items()})
        self.made.clear()
        written = self.folder / f"{name}.part"
        try:
            written.write_bytes(data)
            os.replace(written, self.folder / f"{name}.msgpack")  # read whole, or not at all
        except OSError:
            written.unlink(missing_ok=True)

    def plain_text(self, body: str) -> str:
        """`markdown.plain_text(body)`: saved by a page worker, else made now."""
        if self.folder is None or not body.strip():  # (a blank body is never saved)
            return markdown.plain_text(body)
        key = _key(body)
        found = self._find(key)
        if found is None:
            for texts in self._unread():
                self._found.append(texts)
                found = texts.get(key)
                if found is not None:
                    break
        return found if found is not None else markdown.plain_text(body)

    def _find(self, key: bytes) -> str | None:
        for texts in self._found:
            found = texts.get(key)
            if found is not None:
                return found
        return None

    def _unread(self) -> Iterator[dict[bytes, str]]:
        """The texts of each file not read yet, in the groups' order."""
        assert self.folder is not None
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in sorted(
            (n for n in names if n.endswith(".msgpack") and n not in self._read),
            key=lambda name: (len(name), name),  # "2" before "10"
        ):
            self._read.add(name)
            try:
                yield _DECODER.decode((self.folder / name).read_bytes())
            except (OSError, msgspec.DecodeError):
                continue  # its bodies are parsed again: the same texts

