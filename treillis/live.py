"""The site kept in memory by the preview server, rebuilt after each change.

Each rebuild runs the whole pipeline, made cheap by what it keeps from the
previous one: parsed files (re-read only when their time or size changed),
rendered Markdown, laid-out diagrams and compiled templates. Pages are then
re-rendered only when what they show changed (their view differs from the
previous one), so a document edit re-renders that document, its dossier, the
pages of its descriptors and the lists that show it, not the whole site. The
search data is refreshed in the background, after the pages.
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

from treillis.atlas import Atlas
from treillis.build import default_cache, load, static_files, theme_folders
from treillis.diagrams import DiagramCache, render_diagrams
from treillis.errors import BuildError, Problem
from treillis.i18n import Translations
from treillis.incremental import text_changes
from treillis.model import Site
from treillis.render import DEFAULT_THEME, Renderer, TemplateProblem
from treillis.search import browser_libraries, search_files
from treillis.sources import ParseCache
from treillis.urls import Paths
from treillis.views import Page, Views, all_pages, text_pages


@dataclass
class Update:
    """What one rebuild did."""

    changed: list[str] = field(default_factory=list)  # pages rendered anew (or new)
    removed: list[str] = field(default_factory=list)
    static_changed: bool = False
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def _stamp(files: dict[str, Path] | list[Path]) -> frozenset:
    items = files.values() if isinstance(files, dict) else files
    stamps = []
    for path in items:
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return frozenset(stamps)


class LiveSite:
    """Pages, static files and search data of a content folder, in memory."""

    def __init__(self, content: Path, theme: Path | None = None, cache: Path | None = None) -> None:
        self.content = content
        self.theme = theme
        self.parse_cache = ParseCache()
        self.markdown_cache: dict[tuple, str] = {}
        self.diagram_cache = DiagramCache(cache if cache is not None else default_cache(content))
        self.svgs: dict[str, str] = {}
        self.pages: dict[str, bytes] = {}
        self.plans: dict[str, Page] = {}
        self.static: dict[str, Path] = {}  # output path → real path, checked when mapped
        self.search: dict[str, bytes] = {}
        self.problems: list[Problem] = []
        self.rebuilds = 0
        self.last_update = Update()
        self.version = 0
        self.lock = threading.RLock()
        self._renderer: Renderer | None = None
        self._template_stamp: frozenset = frozenset()
        self._config = None
        self._site: Site | None = None  # the site of the last rebuild
        self._static_stamp: frozenset = frozenset()
        self._search_pool: ProcessPoolExecutor | None = None
        self._search_future: concurrent.futures.Future | None = None
        self._search_wanted = 0
        self.libraries = browser_libraries()

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
        try:
            site = load(self.content, self.parse_cache)
            themes = theme_folders(site, self.theme)
            interface = Translations.read(themes, site.config.languages)
        except BuildError as error:
            return Update(problems=error.problems)
        views = Views(site, Atlas(site), self.markdown_cache, interface=interface)
        changes = text_changes(self._site, site) if self.plans else None
        if changes is not None:
            # Only texts changed: only the pages showing them are planned again.
            plans = dict(self.plans)
            plans.update((page.path, page) for page in text_pages(views, *changes))
        else:
            plans = {page.path: page for page in all_pages(views)}
        missing = [d for page in plans.values() for d in page.diagrams if d.key not in self.svgs]
        if missing:
            svgs, _ = render_diagrams(missing, self.diagram_cache)
            self.svgs.update(svgs)
        template_stamp = _stamp(
            [f for t in themes for sub in ("templates", "locales") for f in (t / sub).rglob("*")]
        )
        if (
            self._renderer is None
            or template_stamp != self._template_stamp
            or site.config != self._config
        ):
            # Templates or site.yaml changed: every page is rendered again.
            self._renderer = Renderer(themes, site.config, self.svgs, interface)
            self._template_stamp = template_stamp
            self._config = site.config
            self.plans = {}
        rendered: dict[str, bytes] = {}
        problems: list[Problem] = []
        for path, page in plans.items():
            if self.plans.get(path) == page:
                continue
            try:
                rendered[path] = self._renderer.render(page).encode("utf-8")
            except TemplateProblem as error:
                problems.append(error.problem)
            except Exception as error:  # a theme's template can fail in any way
                problems.append(
                    Problem(page.template, 1, f"template error: {type(error).__name__}: {error}")
                )
        if problems:
            return Update(problems=sorted(set(problems)))
        removed = sorted(set(self.plans) - set(plans))
        for path in removed:
            self.pages.pop(path, None)
        self.pages.update(rendered)
        self.plans, self._site = plans, site
        static = static_files(site, themes, self.libraries)
        stamp = _stamp(static)
        static_changed = stamp != self._static_stamp  # compared with the previous rebuild's
        self.static, self._static_stamp = static, stamp
        self._refresh_search(site, views, background=search_in_background)
        used = {d.key for page in plans.values() for d in page.diagrams}
        for key in set(self.svgs) - used:
            del self.svgs[key]
        return Update(changed=sorted(rendered), removed=removed, static_changed=static_changed)

    def _refresh_search(self, site, views: Views, background: bool) -> None:
        """Rebuild the search data; in the background, in a process of its own, so that
        the reloading tabs are served at once and the next save is not slowed down."""
        self._search_wanted += 1
        wanted = self._search_wanted
        if not background:
            self._store_search(wanted, search_scripts(site, views.paths))
            return
        if self._search_future is not None:
            self._search_future.cancel()  # an older refresh not started yet: not needed
        try:
            future = self._pool().submit(search_scripts, site, views.paths)
        except BrokenProcessPool:
            # The worker died (killed, out of memory): start a new one.
            self._search_pool = None
            future = self._pool().submit(search_scripts, site, views.paths)
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


def search_scripts(site: Site, paths: Paths) -> dict[str, bytes]:
    """The search data files of a site, by output path (run in a worker process)."""
    return {
        f"assets/search/data/{f.name}.js": f.script().encode("utf-8")
        for f in search_files(site, paths)
    }


def _ignore_interrupts() -> None:
    # Ctrl+C stops the server; the search worker ends with it, quietly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
