"""The build: read → validate → plan pages → render into staging → swap into place."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.atlas import Atlas
from generator.diagrams import DiagramCache, DiagramReport, render_diagrams
from generator.errors import BuildError, Problem, Problems
from generator.exports import atlas_json, atlas_turtle, feeds, sitemap
from generator.model import Site
from generator.output import Staging, check_output_folder, folder_files
from generator.readers import read_site
from generator.readers.fields import is_web_address
from generator.render import DEFAULT_THEME, Renderer, TemplateProblem
from generator.search import browser_libraries, search_files
from generator.sitecheck import check_site
from generator.sources import ParseCache
from generator.urls import Paths
from generator.validate import complete_families, validate, warnings
from generator.views import Views, all_pages
from generator.views.common import Scope

Progress = Callable[[int, int], None]


@dataclass
class BuildReport:
    """What a build produced."""

    output: Path
    pages: int
    dossiers: int
    documents: int
    descriptors: int
    files: int
    seconds: float
    warnings: list[Problem] = field(default_factory=list)
    # seconds spent in each step: read, pages (views), diagrams, write, search
    steps: dict[str, float] = field(default_factory=dict)
    diagrams: DiagramReport = field(default_factory=DiagramReport)
    # page path → key of each diagram laid out (not taken from the cache) in this build
    laid_out: dict[str, list[str]] = field(default_factory=dict)


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

    `cache` is the folder that keeps laid-out diagrams between builds: True for
    `.treillis-cache` beside the content folder, False or None for no cache.
    """
    started = time.perf_counter()
    site = load(content)
    if base_url:
        site.config.base_url = checked_base_url(base_url)
    return publish(site, content, output, theme, progress, cache, started=started, strict=strict)


def checked_base_url(base_url: str) -> str:
    if not is_web_address(base_url):
        raise ValueError(f"the base URL must start with https:// or http://: {base_url}")
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
) -> BuildReport:
    """Write a loaded site (or the part of it in `scope`) into `output`."""
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
    check_output_folder(output, protected=[content, *themes[:-1]])
    libraries = browser_libraries()
    views = Views(site, Atlas(site), scope=scope)
    published_site = scoped(site, scope)
    pages = list(all_pages(views))
    step("pages")
    diagram_cache = DiagramCache(default_cache(content) if cache is True else cache or None)
    svgs, diagram_report = render_diagrams(
        (d for page in pages for d in page.diagrams), diagram_cache
    )
    step("diagrams")
    renderer = Renderer(themes, site.config, svgs)
    staging = Staging(output)
    try:
        template_problems: list[Problem] = []
        for done, page in enumerate(pages, 1):
            try:
                staging.write_text(page.path, renderer.render(page))
            except TemplateProblem as error:
                template_problems.append(error.problem)
                if len(template_problems) >= 20:
                    break
            if progress is not None:
                progress(done, len(pages))
        if template_problems:
            raise BuildError(template_problems)
        for path, text in exports(published_site, views.paths, [page.path for page in pages]):
            staging.write_text(path, text)
        step("write")
        search = search_files(published_site, views.paths)
        for search_file in search:
            staging.write_text(f"assets/search/data/{search_file.name}.js", search_file.script())
        step("search")
        published = static_files(site, themes, libraries)
        for output_path, source in published.items():
            staging.copy_file(source, output_path)
        files = len(published) + len(search)
        if strict:
            checked = check_site(staging.root, site.config.base_url)
            if checked.problems:
                raise BuildError(checked.problems)
            step("check")
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    diagram_cache.prune()
    fresh = set(diagram_report.laid_out)
    return BuildReport(
        output=output,
        pages=len(pages),
        dossiers=len(published_site.dossiers),
        documents=len(published_site.documents),
        descriptors=len(published_site.descriptors),
        files=files,
        seconds=time.perf_counter() - started,
        warnings=warnings(published_site),
        steps=steps,
        diagrams=diagram_report,
        laid_out={
            page.path: [d.key for d in page.diagrams if d.key in fresh]
            for page in pages
            if any(d.key in fresh for d in page.diagrams)
        },
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


def exports(site: Site, paths: Paths, page_paths: list[str]) -> list[tuple[str, str]]:
    """Feeds, the atlas in SKOS and JSON, and a sitemap when the site's address is known."""
    files = [
        *feeds(site, paths),
        ("atlas/atlas.ttl", atlas_turtle(site)),
        ("atlas/atlas.json", atlas_json(site)),
    ]
    if site.config.base_url:
        files.append(("sitemap.xml", sitemap(site.config.base_url, page_paths)))
    return files


def default_cache(content: Path) -> Path:
    """Where laid-out diagrams are kept between builds: beside the content folder."""
    return content.resolve().parent / ".treillis-cache"


def static_files(site: Site, themes: list[Path], libraries: dict[Path, str]) -> dict[str, Path]:
    """Every file published as it is, by output path: theme assets (the user theme's
    overriding the default's), the content's static files, partner logos, and the
    search libraries."""
    files: dict[str, Path] = {}
    for theme in reversed(themes):
        files.update(folder_files(theme / "static", "assets"))
    files.update(folder_files(site.root / "static", "static"))
    for partner in site.config.partners:
        if partner.logo:
            files.setdefault(partner.logo, site.root / partner.logo)
    files.update({f"assets/search/{name}": source for source, name in libraries.items()})
    return files
