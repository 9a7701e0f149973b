"""The build: read → validate → the pipeline (`treillis.pipeline`) into a staging
folder → swap into place; and what the preview and the mirror share with it
(reading the content, finding the theme)."""

from __future__ import annotations

import gc
import hashlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from treillis.cachedir import open_cache
from treillis.default_theme import DEFAULT_THEME
from treillis.errors import BuildError, Problem, Problems
from treillis.incremental import (
    BuildState,
    Known,
    checked_state,
    fingerprints,
    forget_state,
    load_heavy,
    load_state,
    save_light,
    save_state,
    search_state_file,
    state_file,
    uncollected,
)
from treillis.model import Site
from treillis.output import Staging, Stamp, check_output_folder, output_intact
from treillis.processes import fork_piped
from treillis.report import BuildReport
from treillis.sources import ParseCache
from treillis.versions import library_versions

if TYPE_CHECKING:
    from treillis.pipeline import Progress
    from treillis.views.common import Scope

# The readers, the views, the renderer and the search are imported when a build needs
# them: a no-op build (nothing changed) needs none of them, and importing them takes
# longer than the rest of it.


def load(content: Path, cache: ParseCache | None = None, *, aligned: bool = True) -> Site:
    """Read and check a content folder; raise `BuildError` with every problem found.

    `aligned` false: the network's alignment files are not applied (nor checked), for
    `treillis align`, which reports their problems itself and must run despite them."""
    from treillis.readers import read_site
    from treillis.validate import complete_families, validate

    problems = Problems()
    if not content.is_dir():
        raise BuildError([Problem(str(content), 1, "this content folder does not exist")])
    site = read_site(content, problems, cache, aligned=aligned)
    previous = cache.previous[0] if cache is not None and cache.previous else None
    validate(site, problems, cache.texts_checked if cache is not None else (), previous)
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

    `cache` is the folder kept between builds (what the previous build read and
    wrote, see `treillis.incremental`): True for
    `.treillis-cache` beside the content folder, False or None for no cache.
    """
    started = time.perf_counter()
    folder = default_cache(content) if cache is True else cache or None
    if base_url:
        base_url = checked_base_url(base_url)
    # What is made until the site is read is kept for the whole build (the state, the
    # previous build's model, the site) and in no cycle: the cycle collector is off
    # meanwhile, then never walks it again (at 50,000 documents, it would take a second).
    with uncollected():
        read = _read(content, output, base_url, theme, strict, folder, started)
        gc.freeze()
    if isinstance(read, BuildReport):
        gc.unfreeze()
        return read  # nothing changed
    state, state_path, check = read.state, read.state_path, read.check
    try:
        report = publish(
            read.site,
            content,
            output,
            theme,
            progress,
            folder,
            started=started,
            strict=strict,
            state=state,
            output_intact=check.result if check is not None and check.pid else None,
        )
        if state is not None and state_path is not None:
            state.inputs, state.stamps, state.stamped = read.inputs, read.stamps, read.stamped
            state.report = report
            save_state(state_path, state)
    finally:
        if check is not None:
            check.cancel()
        gc.unfreeze()
    return report


@dataclass
class _Read:
    """What `build` reads before it publishes: the site, and the state it goes with."""

    site: Site
    state: BuildState | None
    state_path: Path | None
    check: _OutputCheck | None  # whether the previous output is intact
    inputs: dict[str, str]  # see `fingerprints`
    stamps: dict[str, Stamp]
    stamped: int


def _read(
    content: Path,
    output: Path,
    base_url: str | None,
    theme: Path | None,
    strict: bool,
    folder: Path | None,
    started: float,
) -> _Read | BuildReport:
    """The first part of `build`: the previous build's state, the content's fingerprints
    and, unless nothing changed (then the previous build's report), the site read."""
    state_path, state, inputs, stamps, stamped = None, None, {}, {}, 0
    check: _OutputCheck | None = None
    if folder is not None:
        open_cache(folder)  # refuses a folder holding files Treillis did not write
        options = _options(base_url, theme, strict)
        state_path = state_file(folder, output, options)
        state = load_state(state_path, options, checked=False)
        code = code_version()
        if state.code != code:
            # Another version of Treillis (or of a library) may make any page differently.
            state = BuildState(options=options, code=code)
        # The output is walked by another process meanwhile (most of a no-op build).
        check = _OutputCheck(output, state.output if state.report else {})
        stamped, stamps = time.time_ns(), {}
        known = Known(state.inputs, state.stamps, state.stamped)
        try:
            inputs = fingerprints([content, *_theme_candidates(content, theme)], known, stamps)
        except BaseException:
            check.cancel()
            raise
        # Not a no-op: the answer still tells the pipeline that every page of the previous
        # output is as it was, found while the model and the content are read.
        if state.inputs == inputs and state.report and check.result():
            # Nothing read by the build changed, and the output is as the build left it.
            # Files touched since (their stamps changed, not their bytes), or changed just
            # before the last build (settled now): their stamps are kept, so that the
            # next build does not read them again.
            if known.hashed or stamps != state.stamps:
                state.stamps, state.stamped = stamps, stamped
                save_light(state_path, state)
            return replace(
                state.report,
                seconds=time.perf_counter() - started,
                steps={},
                rendered=0,
                diagrams=0,
                up_to_date=True,
            )
    try:
        if state is not None and state_path is not None:
            state = checked_state(state)
            load_heavy(state_path, state)
            state.parse_cache.known = inputs  # files just hashed are not read again
            forget_state(state_path)  # until this build succeeds, the old state is not valid
        site = load(content, state.parse_cache if state else None)
    except BaseException:
        if check is not None:
            check.cancel()
        raise
    if base_url:
        site.config.base_url = base_url
    return _Read(site, state, state_path, check, inputs, stamps, stamped)


# Below this many files, walking the output costs less than starting a process to.
_WALKED_APART = 5_000


class _OutputCheck:
    """Whether `output` holds exactly the files of `manifest` (see `output_intact`),
    found by a forked process while this one goes on (a large output takes most of a
    no-op build to walk). `result()` waits for the answer, `cancel()` drops it."""

    def __init__(self, output: Path, manifest: dict[str, Stamp]) -> None:
        self.output, self.manifest = output, manifest
        self.pid, self.reader = 0, -1
        if len(manifest) < _WALKED_APART or not hasattr(os, "fork"):
            return
        forked = fork_piped()
        if forked is None:
            return
        pid, pipe = forked
        if pid == 0:  # the child: only walks, answers, and leaves without cleaning up
            answer = b"0"
            try:
                answer = b"1" if output_intact(output, manifest) else b"0"
            finally:
                os.write(pipe, answer)
                os._exit(0)
        self.pid, self.reader = pid, pipe

    def result(self) -> bool:
        if not self.pid:
            return output_intact(self.output, self.manifest)
        try:
            with os.fdopen(self.reader, "rb") as answer:
                return answer.read(1) == b"1"
        finally:
            os.waitpid(self.pid, 0)
            self.pid = 0

    def cancel(self) -> None:
        if self.pid:
            os.close(self.reader)
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0


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
    versions = library_versions(("jinja2", "markdown-it-py", "lunr", "nh3", "rdflib", "PyYAML"))
    text = repr(sorted((p, d) for p, d in files.items() if "__pycache__" not in p)) + repr(versions)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def checked_base_url(base_url: str) -> str:
    """A site's address, checked (the one rule of `address_problem`), ending with '/'."""
    from treillis.readers.fields import address_problem

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
    output_intact: Callable[[], bool] | None = None,
) -> BuildReport:
    """Write a loaded site (or the part of it in `scope`) into the folder `output`,
    through a staging folder (see `treillis.pipeline.run`).

    With a `state` (what the previous build of this output left, updated here),
    unchanged pages are not rendered again but kept from the previous output.
    `output_intact`: says whether every file of the previous output is as it was (see
    `_OutputCheck`), so that the pipeline need not look at each page.
    """
    from treillis import pipeline
    from treillis.search.state import SearchState

    themes = theme_folders(site, theme)
    cache_folder = default_cache(content) if cache is True else cache or None
    # The output must not overlap the content, a user theme or the cache (whose build
    # state would then be published, and wiped by the next build).
    check_output_folder(output, protected=[content, *themes[:-1], *filter(None, [cache_folder])])
    # What the search index analysed, for this output's next build: records analysed by
    # this code only, each under a digest of its texts, right whatever failed.
    search_state = None
    if state is not None and state.code and cache_folder is not None:
        search_state = SearchState(search_state_file(cache_folder, output), state.code)
    result = pipeline.run(
        site,
        themes,
        Staging(output, state.output if state else None),
        state,
        scope=scope,
        progress=progress,
        strict=strict,
        search_state=search_state,
        started=started,
        output_intact=output_intact,
    )
    return replace(result.report, output=output)


def default_cache(content: Path) -> Path:
    """The cache folder (the build state): beside the content folder."""
    return content.resolve().parent / ".treillis-cache"
