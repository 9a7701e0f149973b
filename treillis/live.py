"""The preview's site: kept in memory, rebuilt after each change.

Each rebuild runs the pipeline of `treillis build` (`treillis.pipeline.run`)
into memory (`treillis.output.Memory`) instead of a folder, with what it keeps
from the previous rebuild: the build state (parsed files, the model, a digest
of every page's view), rendered Markdown and compiled templates. Pages are rendered again only when their view
changed, so a document edit re-renders that document, its dossier, the pages
of its descriptors and the lists that show it, not the whole site. What is
the preview's own is here: the search data refreshed in the background,
after the pages, and what the server tells the tabs (what changed, the
problems of the last rebuild).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
import stat
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from treillis import pipeline
from treillis.build import load, theme_folders
from treillis.errors import BuildError, Problem
from treillis.i18n import Messages, Translations, translator
from treillis.incremental import BuildState, fingerprints
from treillis.model import Site
from treillis.output import Memory
from treillis.render import DEFAULT_THEME
from treillis.search import browser_libraries
from treillis.search.state import SearchState
from treillis.sources import ParseCache
from treillis.urls import Paths


@dataclass
class Update:
    """What one rebuild did."""

    changed: list[str] = field(default_factory=list)  # pages rendered anew (or new)
    removed: list[str] = field(default_factory=list)
    static_changed: bool = False
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


class LiveSite:
    """Pages, static files and search data of a content folder, in memory."""

    def __init__(self, content: Path, theme: Path | None = None) -> None:
        self.content = content
        self.theme = theme
        self.parse_cache = ParseCache()
        self.markdown_cache: dict[tuple, str] = {}
        self.output = Memory()  # the last good rebuild's files
        self.search: dict[str, bytes] = {}
        self.problems: list[Problem] = []
        self.rebuilds = 0
        self.last_update = Update()
        self.version = 0
        self.lock = threading.RLock()
        self._state = BuildState()  # what the last good rebuild did, for the next one
        self._renderers = pipeline.Renderers()
        self._static_stamp: dict[str, str] = {}
        self._search_pool: ProcessPoolExecutor | None = None
        self._search_future: concurrent.futures.Future | None = None
        self._search_wanted = 0
        self.libraries = browser_libraries()
        # The error overlay's words, in the site's first language once a load succeeded.
        self.overlay_words = overlay_words(translator("en"))

    @property
    def pages(self) -> dict[str, bytes]:
        """Every file the pipeline generated (pages, feeds, atlas files), by output path."""
        return self.output.files

    @property
    def static(self) -> dict[str, Path]:
        """Every file published as it is: output path → real path, checked when mapped."""
        return self.output.copied

    def theme_folders(self) -> list[Path]:
        """The theme folders in use (for the watcher); the default theme alone if unknown."""
        try:
            return theme_folders(load(self.content, self.parse_cache), self.theme)
        except BuildError:
            return theme_folders_default(self.theme)

    def rebuild(self, search_in_background: bool = True) -> Update:
        """Read the content again and bring the pages up to date."""
        started = time.perf_counter()
        with self.lock:
            self.rebuilds += 1
            update = self._rebuild(search_in_background)
            update.seconds = time.perf_counter() - started
            self.problems = update.problems
            self.last_update = update
            self.version += 1
            return update

    def _rebuild(self, search_in_background: bool) -> Update:
        before = set(self._state.pages)
        try:
            site = load(self.content, self.parse_cache)
            themes = theme_folders(site, self.theme)
            words = Translations.read(themes, site.config.languages)
            self.overlay_words = overlay_words(words.messages(site.config.default_language))
            done = pipeline.run(
                site,
                themes,
                self.output,
                self._state,
                renderers=self._renderers,
                markdown_cache=self.markdown_cache,
                search=False,  # made in the background, below
            )
        except BuildError as error:
            return Update(problems=error.problems)
        stamp = fingerprints(list(self.static.values()))
        static_changed = stamp != self._static_stamp  # compared with the previous rebuild's
        self._static_stamp = stamp
        self._refresh_search(done.published, done.paths, background=search_in_background)
        return Update(
            changed=sorted(done.written),
            removed=sorted(before - set(done.pages)),
            static_changed=static_changed,
        )

    def _refresh_search(self, site: Site, paths: Paths, background: bool) -> None:
        """Rebuild the search data; in the background, in a process of its own, so that
        the reloading tabs are served at once and the next save is not slowed down."""
        self._search_wanted += 1
        wanted = self._search_wanted
        if not background:
            self._store_search(wanted, search_scripts(site, paths))
            return
        if self._search_future is not None:
            self._search_future.cancel()  # an older refresh not started yet: not needed
        try:
            future = self._pool().submit(search_scripts, site, paths)
        except BrokenProcessPool:
            # The worker died (killed, out of memory): start a new one.
            self._search_pool = None
            future = self._pool().submit(search_scripts, site, paths)
        future.add_done_callback(
            lambda done: (
                not done.cancelled()
                and done.exception() is None
                and self._store_search(wanted, done.result())
            )
        )
        self._search_future = future

    def _pool(self) -> ProcessPoolExecutor:
        if self._search_pool is None:
            context = multiprocessing.get_context("forkserver")
            self._search_pool = ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=_ignore_interrupts
            )
        return self._search_pool

    def _store_search(self, wanted: int, files: dict[str, bytes]) -> None:
        with self.lock:
            if wanted == self._search_wanted:  # no newer rebuild started meanwhile
                self.search = files

    def wait_for_search(self, timeout: float | None = None) -> None:
        if self._search_future is not None:
            concurrent.futures.wait([self._search_future], timeout)

    def close(self) -> None:
        if self._search_pool is not None:
            self._search_pool.shutdown(cancel_futures=True)

    def get(self, path: str) -> tuple[bytes, Path | None] | None:
        """A page's bytes, or a static file's real path (to read with `read_mapped`);
        None when there is no such file."""
        with self.lock:
            if path in self.pages:
                return self.pages[path], None
            if path in self.search:
                return self.search[path], None
            if path in self.static:
                return b"", self.static[path]
        return None


def overlay_words(messages: Messages) -> dict[str, str]:
    """What the preview's error overlay says, and in which language (for its `lang`)."""
    return {"lang": messages.lang, "problems": messages.t("preview_problems")}


def read_mapped(real: Path) -> bytes | None:
    """The bytes of a static file mapped by the last good rebuild, or None when that
    path is no longer that regular file: a link made since (at its end or on its way)
    is refused, not followed, and so is anything but a regular file (a FIFO would hang)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(real, flags)
    except OSError:
        return None
    with open(descriptor, "rb") as file:
        try:
            opened = os.fstat(descriptor)
            # No link on the way now, and the file opened is the one at that path: a
            # folder swapped for a link and back between both checks is caught too.
            if (
                not stat.S_ISREG(opened.st_mode)
                or os.path.realpath(real) != str(real)
                or not os.path.samestat(opened, os.stat(real))
            ):
                return None
            return file.read()
        except OSError:
            return None


def theme_folders_default(theme: Path | None) -> list[Path]:
    return [theme, DEFAULT_THEME] if theme is not None and theme.is_dir() else [DEFAULT_THEME]


# What the search index keeps between the preview's refreshes (see
# `treillis.search.state`), in memory: in the search worker, which lives as long as the
# preview (or in the preview's own process, when the search is made in the foreground).
_SEARCH_STATE = SearchState()


def search_scripts(site: Site, paths: Paths) -> dict[str, bytes]:
    """The search data files of a site, by output path (run in a worker process): the
    build's (`pipeline.search_outputs`), as bytes; only new or changed records are
    analysed again."""
    files = pipeline.search_outputs(site, paths, _SEARCH_STATE)
    return {path: text.encode("utf-8") for path, text in files.items()}


def _ignore_interrupts() -> None:
    # Ctrl+C stops the server; the search worker ends with it, quietly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
