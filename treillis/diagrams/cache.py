"""A folder of laid-out diagrams, one sealed file per hash of what a diagram shows.

Pictures are stored as `layout` made them (markup in the form `svgsafe` writes),
each sealed with the user's key (see `treillis.cachedir`): a file planted in the
cache, or damaged, does not verify and the diagram is laid out again. A picture
that verifies is still rebuilt from a parse before it is used (`svgsafe`): cached
markup is never trusted as it is.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from treillis.cachedir import OWN_FILES, open_cache, read_sealed, write_sealed
from treillis.diagrams.svgsafe import UnsafeDiagram, sanitise_pictures

UNUSED_DAYS = 30  # a picture no build used for this long is removed
_SUFFIX = ".diagram"


class DiagramCache:
    """Finished SVG pictures under `folder/diagrams/`, named by the diagram's key."""

    def __init__(self, folder: Path | None) -> None:
        self.root = open_cache(folder) if folder is not None else None
        self.folder = self.root / "diagrams" if self.root is not None else None

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}{_SUFFIX}"

    def get(self, key: str) -> str | None:
        if self.folder is None:
            return None
        path = self._path(key)
        data = read_sealed(path, f"diagram {key}")
        if data is None:
            return None  # missing, damaged or not ours: lay it out again (and overwrite it)
        try:
            svg = sanitise_pictures(data.decode("utf-8"))
        except (UnicodeDecodeError, UnsafeDiagram):
            return None  # not a picture as this version draws them: laid out again
        os.utime(path)  # still in use: keep it
        return svg

    def put(self, key: str, svg: str) -> None:
        if self.folder is not None:
            write_sealed(self._path(key), f"diagram {key}", svg.encode("utf-8"))

    def prune(self) -> int:
        """Remove pictures unused for `UNUSED_DAYS` days, and earlier versions' unsealed
        ones; only files named as this cache names them. Returns how many."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        limit = time.time() - UNUSED_DAYS * 86400
        removed = 0
        for directory, _dirs, files in os.walk(self.folder):
            for name in files:
                path = Path(directory, name)
                relative = path.relative_to(self.root).as_posix()  # type: ignore[arg-type]
                if not OWN_FILES.fullmatch(relative) or path.is_symlink():
                    continue
                if name.endswith(".svg") or path.stat().st_mtime < limit:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed
