"""Client-side search: lunr indexes built in Python, queried by lunr.js in the browser."""

from __future__ import annotations

from treillis.search.index import SearchFile, each_search_file, search_files
from treillis.search.libraries import BROWSER_LIBRARIES, browser_libraries

__all__ = [
    "BROWSER_LIBRARIES",
    "SearchFile",
    "browser_libraries",
    "each_search_file",
    "search_files",
]
