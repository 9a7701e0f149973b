"""A folder of laid-out diagrams, one file per hash of what a diagram shows."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

UNUSED_DAYS = 30  # a picture no build used for this long is removed


_ACTIVE_CONTENT = re.compile(r"<script|<foreignObject|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def _looks_made_by_us(svg: str) -> bool:
    """Cached pictures go into pages as they are: accept only what the layout produces."""
    return svg.startswith('<svg class="diagram') and not _ACTIVE_CONTENT.search(svg)


class DiagramCache:
    """Finished SVG files under `folder`, named by the diagram's key."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder / "diagrams" if folder is not None else None

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.svg"

    def get(self, key: str) -> str | None:
        if self.folder is None:
            return None
        path = self._path(key)
        try:
            svg = path.read_text(encoding="utf-8")
        except OSError:
            return None
        if not _looks_made_by_us(svg):
            return None  # damaged or foreign: lay it out again (and overwrite it)
        os.utime(path)  # still in use: keep it
        return svg

    def put(self, key: str, svg: str) -> None:
        if self.folder is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(svg, encoding="utf-8")
        temporary.replace(path)  # atomic: a reader never sees half a file

    def prune(self) -> int:
        """Remove pictures unused for `UNUSED_DAYS` days; returns how many."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        limit = time.time() - UNUSED_DAYS * 86400
        removed = 0
        for path in self.folder.glob("*/*.svg"):
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
