"""The build: read → validate → plan pages → render into staging → swap into place."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from treillis.atlas import Atlas
from treillis.cachedir import open_cache
from treillis.diagrams import DiagramCache, DiagramReport
from treillis.errors import BuildError, Problem, Problems
from treillis.exports import atlas_json, atlas_turtle, feeds, sitemap
from treillis.i18n import Translations
from treillis.incremental import (
    BuildState,
    fingerprints,
    forget_state,
    load_heavy,
    load_state,
    output_intact,
    output_manifest,
    save_state,
    state_file,
    text_changes,
)
from treillis.model import Site
from treillis.output import Staging, check_output_folder, folder_files
from treillis.readers import read_site
from treillis.readers.fields import address_problem
from treillis.render import DEFAULT_THEME, Renderer
from treillis.report import BuildReport
from treillis.search import browser_libraries, search_files
from treillis.sitecheck import check_site
from treillis.sources import ParseCache
from treillis.urls import Paths
from treillis.validate import complete_families, validate, warnings
from treillis.views import Views, page_groups, text_pages
from treillis.views.common import Scope
from treillis.workers import PARALLEL_PAGES, Previous, render_pages

Progress = Callable[[int, int], None]
T = TypeVar("T")


def load(content: Path, cache: ParseCache | None = None) -> Site:
    """Read and check a content folder; raise `BuildError` with every problem found."""
    problems = Problems()
    if not content.is_dir():
        raise BuildError([Problem(str(content), 1, "this content folder does not exist")])
    site = read_site(content, problems, cache)
    validate(site, problems)
    problems.raise_if_any()
    complete_families(site)
    return site


def theme_folders(site: Site, theme: Path | None) -> list[Path]:
    """The theme folders, most specific first: the user theme, then the default one."""
    chosen = theme
    if chosen is None and site.config.theme and site.config.theme != "default":
        chosen = _find_theme(site)
    if chosen is None:
        return [DEFAULT_THEME]
    if not chosen.is_dir():
        raise BuildError([Problem(str(chosen), 1, "this theme folder does not exist")])
    return [chosen, DEFAULT_THEME]


def _find_theme(site: Site) -> Path:
    name = site.config.theme
    for candidate in (site.root / name, site.root.parent / "themes" / name):
        if candidate.is_dir():
            return candidate
    origin = site.config.origin
    line = origin.line_of("theme") if origin else 1
    message = (
        f"theme '{name}' not found (looked in {site.root / name} and "
        f"{site.root.parent / 'themes' / name})"
    )
    raise BuildError([Problem(Problems.display(site.root / "site.yaml"), line, message)])


def build(
    content: Path,
    output: Path,
    base_url: str | None = None,
    theme: Path | None = None,
    progress: Progress | None = None,
    cache: Path | bool | None = True,
    strict: bool = False,
) -> BuildReport:
    """Build the site of `content` into `output`; the old output survives any failure.

    `strict`: check the built site (links, anchors, titles, languages, descriptions)
    before putting it in place, and fail on any problem.

    `cache` is the folder kept between builds (laid-out diagrams, and what the
    previous build read and wrote, see `treillis.incremental`): True for
    `.treillis-cache` beside the content folder, False or None for no cache.
    """
    started = time.perf_counter()
    folder = default_cache(content) if cache is True else cache or None
    if base_url:
        base_url = checked_base_url(base_url)
    state_path, state, inputs = None, None, {}
    if folder is not None:
        open_cache(folder)  # refuses a folder holding files Treillis did not write
        options = _options(base_url, theme, strict)
        state_path = state_file(folder, output, options)
        state = load_state(state_path, options)
        code = code_version()
        if state.code != code:
            # Another version of Treillis (or of a library) may make any page differently.
            state = BuildState(options=options, code=code)
        inputs = fingerprints([content, *_theme_candidates(content, theme)])
        if state.inputs == inputs and state.report and output_intact(output, state.output):
            # Nothing read by the build changed, and the output is as the build left it.
            return replace(
                state.report,
                seconds=time.perf_counter() - started,
                steps={},
                rendered=0,
                diagrams=DiagramReport(),
                laid_out={},
                up_to_date=True,
            )
        load_heavy(state_path, state)
        forget_state(state_path)  # until this build succeeds, the old state is not valid
    site = load(content, state.parse_cache if state else None)
    if base_url:
        site.config.base_url = base_url
    report = publish(
        site, content, output, theme, progress, folder, started=started, strict=strict, state=state
    )
    if state is not None and state_path is not None:
        state.inputs = inputs
        state.report = report
        save_state(state_path, state)
    return report


def _options(base_url: str | None, theme: Path | None, strict: bool) -> str:
    """What the state of a build depends on besides its inputs."""
    return f"{base_url or ''}\0{theme.resolve() if theme else ''}\0{strict}"


def _theme_candidates(content: Path, theme: Path | None) -> list[Path]:
    """Every folder a theme can come from (see `theme_folders`), the default one included."""
    return [folder for folder in (theme, content.parent / "themes", DEFAULT_THEME) if folder]


def code_version() -> str:
    """What makes the pages besides the content and the theme: Treillis's own package
    (code, default theme, browser libraries) and the versions of the libraries it uses."""
    package = Path(__file__).resolve().parent
    files = fingerprints([package])  # the browser libraries are in it
    versions = []
    for name in (
        "jinja2",
        "markdown-it-py",
        "lunr",
        "pygraphviz",
        "nh3",
        "rdflib",
        "PyYAML",
    ):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    text = repr(sorted((p, d) for p, d in files.items() if "__pycache__" not in p)) + repr(versions)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def checked_base_url(base_url: str) -> str:
    """A site's address, checked (the one rule of `address_problem`), ending with '/'."""
    if problem := address_problem(base_url):
        raise ValueError(f"'{base_url}' is not a valid web address: {problem}")
    return base_url if base_url.endswith("/") else base_url + "/"


def publish(
    site: Site,
    content: Path,
    output: Path,
    theme: Path | None = None,
    progress: Progress | None = None,
    cache: Path | bool | None = True,
    scope: Scope | None = None,
    started: float | None = None,
    strict: bool = False,
    state: BuildState | None = None,
) -> BuildReport:
    """Write a loaded site (or the part of it in `scope`) into `output`.

    With a `state` (what the previous build of this output left, updated here),
    unchanged pages are not rendered again but kept from the previous output.
    """
    started = started if started is not None else time.perf_counter()
    steps: dict[str, float] = {}
    clock = started

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name] = now - clock
        clock = now

    step("read")
    themes = theme_folders(site, theme)
    cache_folder = default_cache(content) if cache is True else cache or None
    # The output must not overlap the content, a user theme or the cache (whose build
    # state would then be published, and wiped by the next build).
    check_output_folder(output, protected=[content, *themes[:-1], *filter(None, [cache_folder])])
    libraries = browser_libraries()
    interface = Translations.read(themes, site.config.languages)
    views = Views(site, Atlas(site), scope=scope, interface=interface)
    published_site = scoped(site, scope)
    theme_stamps = fingerprints(themes)
    previous = _previous_pages(state, theme_stamps, site)
    # Pages of the previous output still as that build wrote them.
    intact = {path for path in previous if _unchanged_file(output, path, state)}
    # The shortcut for text edits needs a previous build to compare with, all of it intact.
    trusted = bool(previous) and intact == previous.keys()
    changes = text_changes(state.site, site) if state and trusted else None
    if changes is not None:
        # Only the text of some documents or dossiers changed: only their pages.
        groups: list = [partial(text_pages, views, *changes)]
    else:
        groups = page_groups(views)
    export_paths = state.exports if state and changes is not None else []
    keep_exports = bool(export_paths) and all(
        _unchanged_file(output, path, state) for path in export_paths
    )
    step("pages")
    diagram_cache = DiagramCache(cache_folder)
    renderer = Renderer(themes, site.config, interface=interface)
    staging = Staging(output)
    try:
        # The search index is built beside the pages; the feeds and the atlas files
        # too, unless only texts changed (they show none). The sitemap needs the
        # page paths, known once the pages are planned: it is written after.
        side_tasks = [partial(_timed, search_files, published_site, views.paths)]
        if not keep_exports:
            side_tasks.append(partial(exports, published_site, views.paths))
        rendered = render_pages(
            groups,
            renderer,
            staging,
            diagram_cache,
            Previous(previous, intact, keep_digests=state is not None),
            progress,
            parallel=changes is None and _large(views),
            side_tasks=side_tasks,
        )
        if rendered.problems:
            raise BuildError(rendered.problems)
        step("write")
        side_results = rendered.side_results or [task() for task in side_tasks]
        if changes is not None:
            page_paths = list(previous)
            kept = (intact - set(rendered.paths)) | rendered.kept
        else:
            page_paths, kept = rendered.paths, rendered.kept
        if keep_exports:
            kept |= set(export_paths)  # feeds and the atlas do not show texts
        else:
            written = side_results[1]
            if site.config.base_url:  # a sitemap needs the site's address
                written.append(("sitemap.xml", sitemap(site.config.base_url, page_paths)))
            for path, text in written:
                staging.write_text(path, text)
            export_paths = [path for path, _text in written]
        search, steps["search index"] = side_results[0]
        for search_file in search:
            staging.write_text(f"assets/search/data/{search_file.name}.js", search_file.script())
        step("search and exports")
        published = static_files(site, themes, libraries)
        for output_path, source in published.items():
            staging.copy_file(source, output_path)
        files = len(published) + len(search)
        if strict:
            # The whole site is checked before it replaces the old one: in the staging folder.
            for path in kept:
                staging.keep(path)
            kept = set()
            checked = check_site(staging.root, site.config.base_url)
            if checked.problems:
                raise BuildError(checked.problems)
            step("check")
        staging.commit(kept)
        step("commit")
    except BaseException:
        staging.abort()
        raise
    diagram_cache.prune()
    if state is not None:
        state.site = site
        state.pages = {path: rendered.digests.get(path) or previous[path] for path in page_paths}
        state.themes = theme_stamps
        state.exports = export_paths
        state.output = output_manifest(output)
    return BuildReport(
        output=output,
        pages=len(page_paths),
        dossiers=len(published_site.dossiers),
        documents=len(published_site.documents),
        descriptors=len(published_site.descriptors),
        files=files,
        seconds=time.perf_counter() - started,
        warnings=warnings(published_site, interface),
        steps=steps,
        diagrams=rendered.diagrams,
        rendered=rendered.rendered,
        laid_out=rendered.laid_out,
    )


def _large(views: Views) -> bool:
    """Whether the site has enough pages to be worth worker processes."""
    per_language = len(views.descriptors()) + 10  # and the home, atlas, legend… pages
    pages = len(views.documents()) + len(views.dossiers()) + per_language * len(views.languages)
    return pages >= PARALLEL_PAGES


def _timed(function: Callable[..., T], *args: object) -> tuple[T, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def _previous_pages(
    state: BuildState | None, theme_stamps: dict[str, str], site: Site
) -> dict[str, str]:
    """Digests of the previous build's pages, when they can be trusted for this build."""
    if state is None or state.site is None or state.themes != theme_stamps:
        return {}  # first build, or the templates changed: every page is rendered
    if state.site.config != site.config:
        return {}  # what every page shows around its view (site title, languages…)
    return state.pages


def _unchanged_file(output: Path, path: str, state: BuildState | None) -> bool:
    """True when the previous output still has this page as the last build wrote it."""
    expected = state.output.get(path) if state else None
    try:
        found = os.lstat(output / path)
    except OSError:
        return False
    return (
        expected is not None
        and stat.S_ISREG(found.st_mode)
        and (found.st_size, found.st_mtime_ns) == expected
    )


def scoped(site: Site, scope: Scope | None) -> Site:
    """The site restricted to a mirror's part (its search, feeds and SKOS cover only that)."""
    if scope is None:
        return site
    return replace(
        site,
        documents={k: d for k, d in site.documents.items() if k in scope.documents},
        dossiers={k: d for k, d in site.dossiers.items() if k in scope.dossiers},
        descriptors={k: d for k, d in site.descriptors.items() if k in scope.descriptors},
    )


def exports(site: Site, paths: Paths) -> list[tuple[str, str]]:
    """Feeds, and the atlas in SKOS and JSON."""
    return [
        *feeds(site, paths),
        ("atlas/atlas.ttl", atlas_turtle(site)),
        ("atlas/atlas.json", atlas_json(site)),
    ]


def default_cache(content: Path) -> Path:
    """The cache folder (build state, laid-out diagrams): beside the content folder."""
    return content.resolve().parent / ".treillis-cache"


def static_files(site: Site, themes: list[Path], libraries: dict[Path, str]) -> dict[str, Path]:
    """Every file published as it is, by output path, each as its real path: theme
    assets (the user theme's overriding the default's), the content's static files,
    partner logos, and the search libraries. Only regular files inside the content or
    a theme folder once links are resolved: a link out of them (a `static` folder
    linked to /etc…) is never followed."""
    files: dict[str, Path] = {}
    for theme in reversed(themes):
        files.update(folder_files(theme / "static", "assets"))
    files.update(folder_files(site.root / "static", "static"))
    for partner in site.config.partners:
        if partner.logo:
            files.setdefault(partner.logo, site.root / partner.logo)
    files.update({f"assets/search/{name}": source for source, name in libraries.items()})
    return _inside_folders(files, [site.root, *themes], libraries)


def _inside_folders(
    files: dict[str, Path], folders: list[Path], libraries: dict[Path, str]
) -> dict[str, Path]:
    """The `files` whose real path is a regular file inside one of `folders`, or one of
    Treillis's own `libraries`, each as that real path."""
    roots = [folder.resolve() for folder in folders]
    own = {library.resolve() for library in libraries}
    mapped: dict[str, Path] = {}
    for path, source in files.items():
        try:
            real = source.resolve(strict=True)
        except (OSError, RuntimeError):  # gone, or a loop of links
            continue
        inside = real in own or any(real.is_relative_to(root) for root in roots)
        if inside and real.is_file():
            mapped[path] = real
    return mapped
