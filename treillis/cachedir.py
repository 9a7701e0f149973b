"""The cache folder, and what makes its files data that nobody else can plant.

Builds keep work for the next ones in a cache folder (`.treillis-cache/` beside
the content by default): the build state. That folder
often sits inside the site's repository, where anyone who can commit could
put a file. So:

- every file Treillis keeps there is data (msgpack), never code;
- each is sealed with a keyed hash whose key lives in the user's own cache
  folder (`~/.cache/treillis/key` on Linux), outside any repository: a file
  that was not written by this user's builds does not verify and is ignored,
  which costs at worst a full rebuild;
- the folder is marked with a `CACHEDIR.TAG` (the Cache Directory Tagging
  convention, which backup tools honour); a folder holding other files is
  refused, so Treillis can never delete a file there that it did not write.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import stat
from functools import cache
from pathlib import Path

import platformdirs

from treillis.errors import OutputError
from treillis.sources import open_regular

TAG_NAME = "CACHEDIR.TAG"
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder is a cache made by Treillis. It can be deleted at any time.\n"
)
# Names of the files Treillis writes in a cache folder, relative to it; earlier
# versions wrote the same names (with pickles in build/, and pictures in diagrams/)
# and no tag.
OWN_FILES = re.compile(
    r"(diagrams/[0-9a-f]{2}/[0-9a-f]{64}\.(?:svg|diagram)"
    r"|build/[0-9a-f]{24}(?:\.model|\.parsed|\.search|\.documents\.[0-9a-f]{16})?"
    r"\.(?:pickle|state)"
    r"|build/search\.state"
    r"|diagrams/pruned\.stamp"
    r"|.*\.[0-9]+\.tmp)"
)

_MAC_SIZE = 32


@cache
def _user_key() -> bytes:
    """This user's sealing key, made on first use; a key of this process alone when
    the user's cache folder cannot be written (then nothing cached is reused)."""
    path = platformdirs.user_cache_path("treillis") / "key"
    try:
        key = path.read_bytes()
        if len(key) == _MAC_SIZE:
            return key
    except OSError:
        pass
    key = os.urandom(_MAC_SIZE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"key.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key)
        if hasattr(os, "link"):
            try:  # the first process to make a key wins; the others read it
                os.link(temporary, path)
            except FileExistsError:
                key = path.read_bytes()
            finally:
                temporary.unlink(missing_ok=True)
        else:
            temporary.replace(path)
    except OSError:
        pass
    return key


def _mac(context: str, data: bytes) -> bytes:
    digest = hashlib.blake2b(key=_user_key(), digest_size=_MAC_SIZE, person=b"treillis-cache")
    digest.update(context.encode())
    digest.update(b"\0")
    digest.update(data)
    return digest.digest()


def seal(context: str, data: bytes) -> bytes:
    """`data` with a seal binding it to `context` (what it is the cache of)."""
    return _mac(context, data) + data


def unseal(context: str, blob: bytes) -> bytes | None:
    """The data of a sealed blob, or None when it was not sealed by this user for `context`."""
    data = blob[_MAC_SIZE:]
    if len(blob) < _MAC_SIZE or not hmac.compare_digest(blob[:_MAC_SIZE], _mac(context, data)):
        return None
    return data


def read_sealed(path: Path, context: str) -> bytes | None:
    """The data of a sealed file, or None. Only a regular file is read, never through a
    link at its end: a planted link to /dev/zero would fill the memory, a FIFO hang.
    The seal and the data are read apart, unbuffered: a build state of hundreds of
    megabytes is not copied once more to take its seal off, nor to join what a buffer
    held to the rest."""
    try:
        with open_regular(path, links=False, buffered=False) as file:
            mac, data = file.read(_MAC_SIZE), file.readall()
    except OSError:
        return None
    if len(mac) < _MAC_SIZE or not hmac.compare_digest(mac, _mac(context, data)):
        return None
    return data


def write_sealed(path: Path, context: str, data: bytes) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one.

    The temporary file is made anew, never opened through a link planted at its name
    (which would overwrite the file the link points to)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)  # a link or a file left over: only the name goes
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    with os.fdopen(os.open(temporary, flags, 0o600), "wb") as file:
        # `seal(context, data)` written in two parts: the data is not copied.
        file.write(_mac(context, data))
        file.write(data)
    temporary.replace(path)


def open_cache(folder: Path) -> Path:
    """The cache folder, created and tagged if needed; refuses a folder of someone else's."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputError(f"{folder} cannot be a cache folder: it is not a folder")
    tag = folder / TAG_NAME
    if tag.is_file() and not tag.is_symlink():
        linked = _linked_folders(folder)
        if linked:
            raise OutputError(
                f"refusing to use {folder} as a cache folder: {', '.join(linked)} in it is a "
                "link, and Treillis follows no link in its cache (writing or removing through "
                "it would reach files elsewhere). Delete the link, or the whole cache folder."
            )
        _remove_pictures(folder)
        return folder
    if folder.is_dir():
        foreign = _foreign_files(folder)
        if foreign:
            raise OutputError(
                f"refusing to use {folder} as a cache folder: it holds files Treillis did "
                f"not write ({', '.join(foreign[:3])}{'…' if len(foreign) > 3 else ''}) and "
                f"has no {TAG_NAME}. Choose a new or empty folder for --cache."
            )
        for old_state in (folder / "build").glob("*.pickle"):
            old_state.unlink()  # an earlier version's build state: code, never read now
        _remove_pictures(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tag.write_text(TAG, encoding="utf-8")
    return folder


# What earlier versions wrote in `diagrams/`: pictures (and their temporary files), in
# folders named by two hexadecimal digits, and the stamp of their last pruning.
_PICTURES = re.compile(
    r"[0-9a-f]{2}/[0-9a-f]{64}\.(?:svg|diagram)(?:\.[0-9]+\.tmp)?|pruned\.stamp"
)


def _remove_pictures(folder: Path) -> None:
    """Remove the diagrams earlier versions kept in `diagrams/` (now drawn at every
    build, faster than read back): only regular files named as they named them, then
    their folders if nothing else is left in them. Called once `diagrams/` and its
    folders are known to be no links (`_linked_folders`)."""
    diagrams = folder / "diagrams"
    if not diagrams.is_dir():
        return
    folders = [p for p in diagrams.iterdir() if _PICTURES_FOLDER.fullmatch(p.name)]
    for directory in [*folders, diagrams]:
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            path = directory / name
            relative = path.relative_to(diagrams).as_posix()
            # Another build sharing this cache may remove it first; a read-only one stays.
            with contextlib.suppress(FileNotFoundError, PermissionError):
                if _PICTURES.fullmatch(relative) and stat.S_ISREG(path.lstat().st_mode):
                    path.unlink()
        with contextlib.suppress(OSError):  # not empty: something Treillis did not write
            directory.rmdir()


_PICTURES_FOLDER = re.compile("[0-9a-f]{2}")


def _linked_folders(folder: Path) -> list[str]:
    """The folders the cache writes in or removes from (`build`, and `diagrams` and its
    subfolders, of earlier versions) that are links, e.g. committed to the repository
    along with a `CACHEDIR.TAG`."""
    linked = [name for name in ("build", "diagrams") if (folder / name).is_symlink()]
    diagrams = folder / "diagrams"
    if "diagrams" not in linked and diagrams.is_dir():
        linked += [f"diagrams/{p.name}" for p in sorted(diagrams.iterdir()) if p.is_symlink()]
    return linked


def _foreign_files(folder: Path) -> list[str]:
    """What in an untagged folder does not look like a cache of Treillis."""
    foreign = []
    for directory, dirs, files in os.walk(folder):
        for name in dirs:
            if os.path.islink(os.path.join(directory, name)):
                foreign.append(name)
        for name in files:
            relative = os.path.relpath(os.path.join(directory, name), folder)
            if not OWN_FILES.fullmatch(relative.replace(os.sep, "/")):
                foreign.append(relative)
    return sorted(foreign)
