"""The one pipeline of `build`, `serve` and `mirror`: a loaded site → views → pages,
search data, exports and published files → an output (a folder on disk, or memory).

`treillis.build` reads the content and runs this into a staging folder that
replaces the output folder; the preview (`treillis.live`) runs it after each
change into memory; `treillis.mirror` runs it on a partner's part of the site.
All of them keep what they did in a `BuildState` (on disk between builds, in
memory between the preview's rebuilds), so each run renders only the pages
whose view changed (their digest, see `treillis.incremental.view_digest`),
and when only documents or dossiers were edited, plans only the pages that may
show what changed (`treillis.incremental.affected_items`). Problems (a template that fails) raise `BuildError`: the output in
place stays as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from treillis.atlas import Atlas
from treillis.errors import BuildError
from treillis.i18n import Translations
from treillis.incremental import Affected, BuildState, affected_items, fingerprints, text_changes
from treillis.model import Site, SiteConfig
from treillis.output import Output, folder_files
from treillis.render import Renderer
from treillis.report import BuildReport
from treillis.search import browser_libraries, each_search_file, search_files
from treillis.search.bodies import MAX_DOCUMENTS, PlainBodies
from treillis.search.state import SearchState
from treillis.sitecheck import check_site
from treillis.urls import Paths
from treillis.validate import warnings
from treillis.views import (
    PageGroup,
    Views,
    document_groups_end,
    item_groups,
    page_groups,
    text_pages,
)
from treillis.views.common import Scope
from treillis.workers import PARALLEL_PAGES, Previous, render_pages

Progress = Callable[[int, int], None]
T = TypeVar("T")


class Renderers:
    """The renderer of the last run, reused (with its compiled templates and the
    themes' catalogues) while the theme files and the site's settings are the same."""

    def __init__(self) -> None:
        self._key: tuple[list[Path], dict[str, str], SiteConfig] | None = None
        self._renderer: Renderer | None = None

    def get(self, themes: list[Path], stamps: dict[str, str], config: SiteConfig) -> Renderer:
        key = (themes, stamps, config)
        if self._renderer is None or self._key != key:
            # The interface's words come from the themes' catalogues (read again only
            # when a theme file changed).
            interface = Translations.read(themes, config.languages)
            self._renderer, self._key = Renderer(themes, config, interface=interface), key
        return self._renderer


@dataclass
class Result:
    """What one run of the pipeline did (besides the output it committed)."""

    report: BuildReport
    published: Site  # the site published (a mirror's part of it)
    paths: Paths  # where its pages are
    pages: list[str] = field(default_factory=list)  # every page of the site
    written: list[str] = field(default_factory=list)  # the pages rendered anew


def run(
    site: Site,
    themes: list[Path],
    output: Output,
    state: BuildState | None,
    *,
    scope: Scope | None = None,
    progress: Progress | None = None,
    renderers: Renderers | None = None,
    markdown_cache: dict[tuple, str] | None = None,
    strict: bool = False,
    search: bool = True,
    search_state: SearchState | None = None,
    started: float | None = None,
    output_intact: Callable[[], bool] | None = None,
) -> Result:
    """Write a loaded site (or the part of it in `scope`) into `output`, and commit it.

    `state` is what the previous run into this output left (empty: every page is
    rendered); it is updated here when the run succeeds. None: nothing is kept for a
    next run (the digests of the pages are not even computed). `strict`: check the whole
    new site (links, anchors, titles…) before it replaces the old one. `search`
    false: the search data is left to the caller (see `search_outputs`), which the
    preview makes in the background. `search_state`: what the search index of the previous
    run into this output kept (see `treillis.search.state`), for its next run.
    `output_intact`: says whether every file of the previous output is as that run left
    it (then the pages are not looked at one by one)."""
    started = started if started is not None else time.perf_counter()
    steps: dict[str, float] = {}
    clock = started

    def step(name: str, at: float | None = None) -> None:
        nonlocal clock
        now = at or time.perf_counter()
        steps[name] = now - clock
        clock = now

    step("read")
    libraries = browser_libraries()
    theme_stamps = fingerprints(themes)
    renderer = (renderers or Renderers()).get(themes, theme_stamps, site.config)
    interface = renderer.interface
    views = Views(site, Atlas(site), markdown_cache, scope, interface=interface)
    published_site = scoped(site, scope)
    previous = _previous_pages(state, theme_stamps, site)
    # Pages of the previous output still as that run wrote them.
    if previous and output_intact is not None and output_intact():
        intact = set(previous)
    else:
        intact = {path for path in previous if output.intact(path)}
    # The shortcut for text edits needs a previous run to compare with, all of it intact.
    trusted = bool(previous) and intact == previous.keys()
    changes = text_changes(state.site, site) if state and trusted else None
    # Only some documents or dossiers edited: the pages that may show them, and the
    # site-wide ones (see `affected_items`).
    affected: Affected | None = None
    if changes is None and state and trusted and scope is None:
        affected = affected_items(state.site, site, interface, views)
    groups_end: int | None = None  # every page made: where its groups of document pages end
    if changes is not None:
        # Only the text of some documents or dossiers changed: only their pages.
        groups: list = [PageGroup(partial(text_pages, views, *changes))]
    elif affected is not None:
        groups = item_groups(
            views,
            affected.documents,
            affected.descriptors,
            kinds=affected.site,
            dossiers=affected.dossiers,
            partners=affected.partners,
            all_lists=affected.all_lists,
        )
    else:
        groups = page_groups(views)
        groups_end = document_groups_end(views)
    network = bool(site.config.network)
    # The network's files (harvested bases, alignments) are no content the cache follows:
    # with a network, the exports are always made again (`atlas_turtle` reads alignments).
    export_paths = state.exports if state and changes is not None and not network else []
    keep_exports = bool(export_paths) and all(output.intact(path) for path in export_paths)
    # The atlas files show only the atlas and the site's settings: kept while they are
    # the same (a mirror's atlas also depends on its documents: always made again).
    keep_atlas = (
        not keep_exports
        and scope is None
        and state is not None
        and not network
        and _same_atlas(state.site, site)
        and all(path in state.exports and output.intact(path) for path in ATLAS_FILES)
    )
    step("pages")
    try:
        # The search index is built beside the pages; the feeds, the ScrutariData file
        # and the atlas files too, unless only texts changed (they show none). The sitemap needs the
        # page paths, known once the pages are planned: it is written after.
        side_tasks: dict[str, Callable] = {}
        # Every page made: the search takes the documents' bodies as plain text from their
        # pages' workers (one parse each), started after the groups of document pages.
        handed = groups_end is not None and len(views.documents()) <= MAX_DOCUMENTS
        bodies = PlainBodies() if search and handed else None
        views.plain_bodies = bodies
        if search:
            side_tasks["search"] = partial(
                _timed,
                search_data,
                published_site,
                views.paths,
                search_state,
                _previous_search(state, output),
                output.write_text,
                bodies,
            )
        if not keep_exports:
            # Imported only when made (an edit of texts alone makes none of them).
            from treillis.exports import feeds
            from treillis.network.scrutari import scrutari_files

            side_tasks["feeds"] = partial(feeds, published_site, views.paths)
            side_tasks["scrutari"] = partial(scrutari_files, published_site, views.paths, interface)
            if not keep_atlas:
                side_tasks["atlas"] = partial(atlas_files, published_site)
        rendered = render_pages(
            groups,
            renderer,
            output,
            Previous(previous, intact, keep_digests=state is not None),
            progress,
            parallel=changes is None and _large(views, affected),
            side_tasks=side_tasks,
            bodies=bodies,
            side_after={"search": groups_end} if bodies is not None else None,
        )
        views.plain_bodies = None
        if rendered.problems:
            raise BuildError(rendered.problems)
        # The pages are written; the search index and the exports beside them may have
        # taken longer (an edit's): waiting for them is theirs.
        step("write", rendered.pages_done)
        if changes is not None:
            page_paths = list(previous)
            kept = (intact - set(rendered.paths)) | rendered.kept
        elif affected is not None:
            # A descriptor's list may now have fewer numbered pages: its previous pages
            # are the ones it has now.
            owned = _descriptor_pages(previous, views, affected.descriptors)
            planned = set(rendered.paths)
            page_paths = [p for p in previous if p not in owned or p in planned]
            page_paths += [p for p in rendered.paths if p not in previous]
            kept = (intact - owned - planned) | rendered.kept
        else:
            page_paths, kept = rendered.paths, rendered.kept
        if keep_exports:
            kept |= set(export_paths)  # feeds, ScrutariData and the atlas show no texts
        else:
            from treillis.exports import sitemap

            written = [
                *rendered.side_results["feeds"],
                *rendered.side_results["scrutari"],
                *rendered.side_results.get("atlas", []),
            ]
            if site.config.base_url:  # a sitemap needs the site's address
                written.append(("sitemap.xml", sitemap(site.config.base_url, page_paths)))
            for path, text in written:
                output.write_text(path, text)
            export_paths = [path for path, _text in written]
            if keep_atlas:
                kept |= set(ATLAS_FILES)
                export_paths += ATLAS_FILES
        search_paths: list[str] = []
        search_digests: dict[str, str] = {}
        if search:
            # Written by the task (in a worker, most often); those the same as the previous
            # output's kept.
            made, steps["search index"] = rendered.side_results["search"]
            search_paths, search_kept, search_digests = made
            kept.update(search_kept)
        step("search and exports")
        published = static_files(site, themes, libraries)
        for output_path, source in published.items():
            output.copy_file(source, output_path)
        if strict:
            # The whole site is checked before it replaces the old one.
            checked = check_site(output.complete(kept), site.config.base_url)
            kept = set()
            if checked.problems:
                raise BuildError(checked.problems)
            step("check")
        output.commit(kept)
        step("commit")
    except BaseException:
        output.abort()
        raise
    if state is not None:
        state.site = site
        state.pages = {path: rendered.digests.get(path) or previous[path] for path in page_paths}
        state.themes = theme_stamps
        state.exports = export_paths
        state.search = search_digests
        state.output = output.manifest()
    report = BuildReport(
        output=Path(),  # said by the caller, who knows where the output is
        pages=len(page_paths),
        dossiers=len(published_site.dossiers),
        documents=len(published_site.documents),
        descriptors=len(published_site.descriptors),
        files=len(published) + len(search_paths),
        seconds=time.perf_counter() - started,
        warnings=warnings(published_site, interface),
        steps=steps,
        diagrams=rendered.diagrams,
        rendered=rendered.rendered,
    )
    return Result(report, published_site, views.paths, page_paths, rendered.written)


def _large(views: Views, affected: Affected | None = None) -> bool:
    """Whether the site (or its pages `affected` by an edit) has enough pages to be worth
    worker processes."""
    if affected is not None:
        pages = len(affected.documents) + len(views.languages) * len(affected.descriptors)
        return pages >= PARALLEL_PAGES
    per_language = len(views.descriptors()) + 10  # and the home, atlas, legend… pages
    pages = len(views.documents()) + len(views.dossiers()) + per_language * len(views.languages)
    return pages >= PARALLEL_PAGES


def _previous_search(state: BuildState | None, output: Output) -> dict[str, str] | None:
    """The search data files of the previous run still as it wrote them, each with the
    digest of its data (see `search_data`); None: no state, no digests to keep."""
    if state is None:
        return None
    return {path: digest for path, digest in state.search.items() if output.intact(path)}


def _descriptor_pages(pages: dict[str, str], views: Views, descriptors: set[str]) -> set[str]:
    """Which of `pages` are pages of these descriptors (their numbered lists included)."""
    prefixes = tuple(
        views.paths.descriptor(d, lang).removesuffix("index.html")
        for d in descriptors
        for lang in views.languages
    )
    return {path for path in pages if path.startswith(prefixes)} if prefixes else set()


def _timed(function: Callable[..., T], *args: object) -> tuple[T, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def _previous_pages(
    state: BuildState | None, theme_stamps: dict[str, str], site: Site
) -> dict[str, str]:
    """Digests of the previous run's pages, when they can be trusted for this run."""
    if state is None or state.site is None or state.themes != theme_stamps:
        return {}  # first run, or the templates changed: every page is rendered
    if state.site.config != site.config:
        return {}  # what every page shows around its view (site title, languages…)
    return state.pages


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


ATLAS_FILES = ["atlas/atlas.ttl", "atlas/atlas.json"]


def atlas_files(site: Site) -> list[tuple[str, str]]:
    """The atlas in SKOS and JSON (`ATLAS_FILES`)."""
    from treillis.exports import atlas_json, atlas_turtle

    return list(zip(ATLAS_FILES, (atlas_turtle(site), atlas_json(site)), strict=True))


def _same_atlas(old: Site | None, new: Site) -> bool:
    """Whether what the atlas files show is the same in both sites."""
    return (
        old is not None
        and old.config == new.config
        and old.families == new.families
        and old.descriptors == new.descriptors
    )


SEARCH_DATA = "assets/search/data/{}.js"


def search_outputs(site: Site, paths: Paths, state: SearchState | None = None) -> dict[str, str]:
    """The search data files of a site, by output path. `state`: what the previous
    build's index kept (updated here), so that only new or changed records are analysed."""
    files = search_files(site, paths, state)
    return {SEARCH_DATA.format(f.name): f.script() for f in files if not f.kept}


def search_data(
    site: Site,
    paths: Paths,
    state: SearchState | None,
    previous: dict[str, str] | None,
    write: Callable[[str, str], None],
    bodies: PlainBodies | None = None,
) -> tuple[list[str], list[str], dict[str, str]]:
    """Write the search data files of a site (`write(path, text)`), as `search_outputs`
    makes them, but those the same as in `previous` (output path → digest of the data
    of the previous output's files still intact): they are kept, as unchanged pages
    are. Every file's path, those kept, and every file's digest, for the next build
    (none without `previous`). Documents' bodies as plain text are taken from `bodies`
    when the pages' workers made them there. Each file is written as soon as it is made,
    then let go: their texts (a hundred MB at 50,000 documents) are never all held at
    once, nor sent back from a worker."""
    by_name = (
        {name: previous[SEARCH_DATA.format(name)] for name in _names(previous)}
        if previous is not None
        else None
    )
    every: list[str] = []
    kept: list[str] = []
    digests: dict[str, str] = {}
    # Closed whatever happens: the collector is off until the last file is made.
    with closing(each_search_file(site, paths, state, by_name, bodies)) as files:
        for file in files:
            path = SEARCH_DATA.format(file.name)
            every.append(path)
            if previous is None:
                write(path, file.script())
                continue
            digest = digests[path] = file.content_digest()
            if file.kept or previous.get(path) == digest:
                kept.append(path)
            else:
                write(path, file.script())
    return every, kept, digests


def _names(previous: dict[str, str]) -> list[str]:
    """The search files' names among output paths."""
    prefix, suffix = SEARCH_DATA.split("{}")
    return [
        path[len(prefix) : -len(suffix)]
        for path in previous
        if path.startswith(prefix) and path.endswith(suffix)
    ]


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
