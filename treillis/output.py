"""Where the pipeline writes a site: a staging folder on disk, or memory.

`Staging` (for `build` and `mirror`): a folder beside the output, swapped in
only when complete. A failed build leaves the previous output untouched,
nothing is ever written outside the output folder, and a folder Treillis did
not create is never wiped. `Memory` (for the preview): the same files kept in
memory, the previous ones served until the new ones are complete.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import stat
from pathlib import Path
from typing import Protocol

from treillis.errors import OutputError

MARKER = ".treillis-output"

# A file of the output as the build wrote it: (size, modification time in ns).
Stamp = tuple[int, int]


class Output(Protocol):
    """Where one run of the pipeline writes the site (see `treillis.pipeline`)."""

    # Whether worker processes can write into it (a folder on disk can be).
    shared: bool

    def write_text(self, relative_path: str, text: str) -> None: ...

    def copy_file(self, source: Path, relative_path: str) -> None:
        """Publish `source` (a checked real path) as it is."""

    def intact(self, relative_path: str) -> bool:
        """Whether the previous output still has this file as the last run wrote it."""

    def keep(self, relative_path: str) -> None:
        """Put the previous output's file in the new output as it is."""

    def complete(self, kept: set[str]) -> Path:
        """The whole new output (with the `kept` files) as a folder, to check it."""

    def commit(self, kept: set[str] | frozenset[str] = frozenset()) -> None:
        """Put the new output in place of the previous one, keeping the `kept` files."""

    def abort(self) -> None: ...

    def manifest(self) -> dict[str, Stamp]:
        """Every file of the output now in place, stamped (see `intact`)."""

    def take_stamps(self) -> dict[str, Stamp]:
        """The stamps of the files this process wrote since the last call, given away
        (a worker's, for `add_stamps` in the process that commits)."""

    def add_stamps(self, stamps: dict[str, Stamp]) -> None:
        """Note the stamps of files another process wrote into this output."""


_WRITE_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)


def checked_path(relative_path: str) -> str:
    """An output-relative path, normalised, refusing anything outside the output."""
    normal = posixpath.normpath(relative_path.replace("\\", "/"))
    if normal in (".", "..") or normal.startswith(("/", "../")) or "\0" in normal:
        raise OutputError(f"refusing to write outside the output folder: {relative_path}")
    return normal


def file_stamp(path: str | Path) -> Stamp:
    """What tells that a file of the output changed since the build wrote it."""
    found = os.lstat(path)
    if not stat.S_ISREG(found.st_mode):
        raise OSError(f"{path} is not a regular file")
    return found.st_size, found.st_mtime_ns


def output_manifest(root: Path) -> dict[str, Stamp]:
    """Every file of a built output folder with its stamp (links are not followed; a
    link, or anything but a regular file or a folder, raises OSError)."""
    manifest: dict[str, Stamp] = {}
    # Folder by folder with scandir (one stat per entry, no path arithmetic): a no-op
    # build walks every file of the output.
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                found = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(found.st_mode):
                    raise OSError(f"{entry.path} is not a regular file")
                manifest[prefix + entry.name] = (found.st_size, found.st_mtime_ns)
    return manifest


def output_intact(root: Path, manifest: dict[str, Stamp]) -> bool:
    """True when every file the last build wrote is still as it wrote it (one stat each,
    nothing read; files Treillis did not write do not matter: it leaves them alone)."""
    if not manifest:
        return False
    base = str(root)
    try:
        for relative, stamp in manifest.items():
            found = os.lstat(os.path.join(base, relative))
            if (found.st_size, found.st_mtime_ns) != stamp or not stat.S_ISREG(found.st_mode):
                return False
    except OSError:
        return False
    return True


def check_output_folder(output: Path, protected: list[Path]) -> None:
    """Refuse an output folder that would destroy something that is not ours."""
    output = output.resolve()
    for folder in protected:
        folder = folder.resolve()
        if output == folder or folder.is_relative_to(output) or output.is_relative_to(folder):
            raise OutputError(
                f"the output folder {output} overlaps {folder}: choose a folder of its own"
            )
    if output.exists():
        if not output.is_dir():
            raise OutputError(f"{output} exists and is not a folder")
        if any(output.iterdir()) and not (output / MARKER).is_file():
            raise OutputError(
                f"refusing to replace {output}: it is not empty and was not created by "
                f"Treillis (no {MARKER} file in it). Choose another --output folder, or "
                "empty this one yourself."
            )


def folder_files(source: Path, prefix: str) -> dict[str, Path]:
    """The files of a folder to publish, by output path (`prefix/relative/path`).

    Hidden files are skipped; `pipeline.static_files` drops what links lead out of the
    content and theme folders.
    """
    files: dict[str, Path] = {}
    if not source.is_dir():
        return files
    for file in sorted(source.rglob("*")):
        relative = file.relative_to(source)
        if not any(part.startswith(".") for part in relative.parts) and file.is_file():
            files[f"{prefix}/{relative.as_posix()}"] = file
    return files


class Staging:
    """A temporary folder beside the output; `commit()` swaps it in.

    `previous`: the stamps of the files the last build wrote there (see `intact`)."""

    shared = True

    def __init__(self, output: Path, previous: dict[str, Stamp] | None = None) -> None:
        self.previous = previous or {}
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.root = self.output.parent / f".{self.output.name}.staging-{os.getpid()}"
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir()
        self._folders: set[Path] = {self.root}
        self._root = str(self.root)
        self._output = str(self.output)
        self._made: set[str] = {self._root}  # folders made, as strings (see write_text)
        # The stamp of every file written in the staging folder, by this process and by
        # those whose stamps it was given (`add_stamps`): a full build's manifest, its
        # output not walked again (thousands of folders).
        self._stamps: dict[str, Stamp] = {}
        # What `commit` put in the output, stamped (known without walking it after).
        self._manifest: dict[str, Stamp] | None = None

    def target(self, relative_path: str) -> Path:
        """The staging path for an output-relative path, refusing anything outside.

        The staging folder is new and only Treillis writes in it (no symbolic
        links), so normalising the path is enough to keep it inside."""
        return self.root / checked_path(relative_path)

    def intact(self, relative_path: str) -> bool:
        expected = self.previous.get(relative_path)
        if expected is None:
            return False
        try:  # thousands of pages on an edit: strings, not pathlib
            return file_stamp(os.path.join(self._output, relative_path)) == expected
        except OSError:
            return False

    def complete(self, kept: set[str]) -> Path:
        for path in kept:
            self.keep(path)
        return self.root

    def manifest(self) -> dict[str, Stamp]:
        """The files this build put in the output (see `commit`), not those of others."""
        if self._manifest is None:
            self._manifest = output_manifest(self.output)
        return self._manifest

    def _folder_for(self, path: Path) -> None:
        folder = path.parent
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)

    def write_text(self, relative_path: str, text: str) -> None:
        # Thousands of pages: plain strings, each folder made once, no pathlib.
        relative = checked_path(relative_path)
        path = os.path.join(self._root, relative)
        folder = os.path.dirname(path)
        if folder not in self._made:
            try:
                os.mkdir(folder)  # a page's own folder, in one already made: one call
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            except FileExistsError:
                pass
            self._made.add(folder)
        # One open, one write, one close: a text file object adds a buffer, an encoder and
        # a few system calls (fstat, ioctl, lseek) to each of thousands of pages.
        data = memoryview(text.encode("utf-8"))
        fd = os.open(path, _WRITE_FLAGS, 0o666)
        try:
            while data:
                data = data[os.write(fd, data) :]
            found = os.fstat(fd) if os.name == "posix" else None
        finally:
            os.close(fd)
        # (Elsewhere a file's time may change when it is closed.)
        self._stamps[relative] = (
            (found.st_size, found.st_mtime_ns) if found is not None else file_stamp(path)
        )

    def copy_file(self, source: Path, relative_path: str) -> None:
        path = self.target(relative_path)
        self._folder_for(path)
        shutil.copyfile(source, path)
        self._stamps[checked_path(relative_path)] = file_stamp(path)

    def keep(self, relative_path: str) -> None:
        """Put the previous output's file in the staging folder as it is (a link)."""
        path = self.target(relative_path)
        self._folder_for(path)
        try:
            os.link(self.output / relative_path, path)
        except OSError:
            shutil.copy2(self.output / relative_path, path)
        self._stamps[checked_path(relative_path)] = file_stamp(path)

    def take_stamps(self) -> dict[str, Stamp]:
        taken, self._stamps = self._stamps, {}
        return taken

    def add_stamps(self, stamps: dict[str, Stamp]) -> None:
        self._stamps.update(stamps)

    def commit(self, kept: set[str] | frozenset[str] = frozenset()) -> None:
        """Put the staging folder in place of the output.

        With nothing `kept`, the whole folder is swapped in, the old one kept until
        done. Otherwise the output is patched: the staged files replace theirs one
        by one, the `kept` files stay as they are, and every other file goes.
        """
        marker = "This folder is generated by Treillis; it is replaced at each build.\n"
        self.write_text(MARKER, marker)
        if kept and not self._fits():
            # A file where the new output has a folder (or the reverse), or a link:
            # the output is not patched, but replaced whole, the kept files linked in.
            for path in kept:
                self.keep(path)
            kept = frozenset()
        if kept:
            self._patch(set(kept))
            return
        # Every file of the new output, stamped as it was written (a rename keeps them).
        manifest = self._stamps
        previous = self.output.parent / f".{self.output.name}.previous-{os.getpid()}"
        if self.output.exists():
            self.output.rename(previous)
        try:
            self.root.rename(self.output)
        except OSError:
            if previous.exists():
                previous.rename(self.output)
            raise
        self._manifest = manifest
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)

    def _fits(self) -> bool:
        """Whether every staged folder is a real folder of the output (or new there)
        and no staged file would replace a folder: then patching cannot fail half-way
        on a file/folder swap, nor follow a link out of the output."""
        for directory, dirs, files in os.walk(self.root):
            relative = os.path.relpath(directory, self.root)
            for name in dirs:
                try:
                    found = os.lstat(self.output / relative / name)
                except FileNotFoundError:
                    continue
                if not stat.S_ISDIR(found.st_mode):
                    return False
            for name in files:
                target = self.output / relative / name
                if target.is_dir() or target.is_symlink():
                    return False
        return True

    def _patch(self, kept: set[str]) -> None:
        """Move the staged files into the output, keep the `kept` ones, and remove the
        other files the previous build wrote (only those: a file Treillis did not write
        stays). Nothing of the output is walked: the new manifest is the staged files'
        stamps and the kept files' previous ones (checked intact by the pipeline)."""
        manifest: dict[str, Stamp] = {}
        emptied = []
        for directory, _dirs, files in os.walk(self.root):
            emptied.append(directory)
            relative = os.path.relpath(directory, self.root)
            folder = self.output / relative
            folder.mkdir(parents=True, exist_ok=True)
            if not folder.resolve().is_relative_to(self.output):
                raise OutputError(f"refusing to write outside the output folder: {folder}")
            prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
            for name in files:
                # Atomic for each file: a reader sees the old page or the new one.
                target = os.path.join(folder, name)
                os.replace(os.path.join(directory, name), target)
                manifest[prefix + name] = file_stamp(target)
        for path in kept:
            if path not in manifest:
                stamp = self.previous.get(path)
                manifest[path] = stamp if stamp is not None else file_stamp(self.output / path)
        gone = [path for path in self.previous if path not in manifest]
        _remove(self._output, gone)
        self._manifest = manifest
        # Only folders are left in the staging folder: removed as such, the deepest
        # first (cheaper than rmtree's walk, which opens each one again).
        for directory in reversed(emptied):
            with contextlib.suppress(OSError):
                os.rmdir(directory)
        shutil.rmtree(self.root, ignore_errors=True)  # anything left (nothing, normally)

    def abort(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _remove(root: str, paths: list[str]) -> None:
    """Remove these files of the output (paths the previous build wrote, normalised:
    see `treillis.incremental.load_state`), then their folders left empty, up to the
    output's own. A file already gone, or a folder made a link since, is left alone."""
    folders: set[str] = set()
    for relative in paths:
        path = os.path.join(root, relative)
        parent = os.path.dirname(path)
        # Never through a link: a folder of the output replaced by one since.
        if os.path.realpath(parent) != parent:
            continue
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            continue
        while parent != root and parent not in folders:
            folders.add(parent)
            parent = os.path.dirname(parent)
    for folder in sorted(folders, key=len, reverse=True):  # the deepest first
        with contextlib.suppress(OSError):  # not empty (or gone): kept
            os.rmdir(folder)


class Memory:
    """The output kept in memory (the preview's): generated files as bytes, published
    files as the real path they are read from. `commit()` makes the new files the
    current ones; until then the `previous` ones stay (served)."""

    shared = False  # worker processes could not write into this process's memory

    def __init__(
        self, previous: dict[str, bytes] | None = None, copied: dict[str, Path] | None = None
    ) -> None:
        self.files: dict[str, bytes] = dict(previous or {})  # the current output
        self.copied: dict[str, Path] = dict(copied or {})
        self._files: dict[str, bytes] = {}  # the new output, until committed
        self._copied: dict[str, Path] = {}

    def write_text(self, relative_path: str, text: str) -> None:
        self._files[checked_path(relative_path)] = text.encode("utf-8")

    def copy_file(self, source: Path, relative_path: str) -> None:
        self._copied[checked_path(relative_path)] = source

    def intact(self, relative_path: str) -> bool:
        return relative_path in self.files  # nobody else writes in this memory

    def keep(self, relative_path: str) -> None:
        self._files[relative_path] = self.files[relative_path]

    def complete(self, kept: set[str]) -> Path:
        raise NotImplementedError("the site in memory is not checked as a folder")

    def commit(self, kept: set[str] | frozenset[str] = frozenset()) -> None:
        for path in kept:
            self.keep(path)
        self.files, self.copied = self._files, self._copied
        self._files, self._copied = {}, {}

    def abort(self) -> None:
        self._files, self._copied = {}, {}

    def manifest(self) -> dict[str, Stamp]:
        return {}  # `intact` needs no stamps: the files are in memory

    def take_stamps(self) -> dict[str, Stamp]:
        return {}

    def add_stamps(self, stamps: dict[str, Stamp]) -> None:
        pass
