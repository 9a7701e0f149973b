"""Client-side search: lunr indexes built in Python, queried by lunr.js in the browser."""

from __future__ import annotations

import os
from pathlib import Path

from generator.errors import SetupError
from generator.search.index import SearchFile, search_files

__all__ = ["BROWSER_LIBRARIES", "SearchFile", "browser_libraries", "search_files"]

# Files of the pinned npm packages (package.json) that the site needs, and where they go.
BROWSER_LIBRARIES = {
    "lunr/lunr.min.js": "lunr.js",
    "lunr-languages/min/lunr.stemmer.support.min.js": "lunr.stemmer.support.js",
    "lunr-languages/min/lunr.fr.min.js": "lunr.fr.js",
    "lunr-languages/min/lunr.es.min.js": "lunr.es.js",
}


def node_modules() -> Path:
    """Where `npm ci` installed the browser libraries."""
    configured = os.environ.get("TREILLIS_NODE_MODULES")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "node_modules"


def browser_libraries() -> dict[Path, str]:
    """Each library file to copy, and its name in the site's assets/search/ folder."""
    folder = node_modules()
    files = {folder / source: target for source, target in BROWSER_LIBRARIES.items()}
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise SetupError(
            "the search libraries are not installed (missing " + ", ".join(missing) + "): "
            "run `npm ci` in the Treillis folder (`make site` does it)"
        )
    return files
