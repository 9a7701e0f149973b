"""Planning, drawing and rendering pages into the staging folder, in worker processes.

The site's pages come in groups (`treillis.views.page_groups`). Workers are
forked once the site is loaded, so each inherits the model in memory
(copy-on-write) and nothing is pickled on the way in. For each group a worker
plans the pages, compares each plan with the previous build's (a digest), and
for the pages that changed gets their diagrams (from the cache, or laid out
there and then), renders and writes them. It sends back only digests, which
pages it kept, which diagrams it drew and the problems it met. No process
holds every page or every picture of the site at once, and both cores stay
busy from the first page to the last; side tasks (the search index, the
feeds) run in the same workers meanwhile.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from treillis.diagrams import DiagramCache, DiagramReport, render_diagrams
from treillis.errors import Problem, SetupError
from treillis.incremental import view_digest
from treillis.output import Staging
from treillis.render import Renderer, TemplateProblem
from treillis.views import Page, PageGroup

# Below this many pages, starting processes costs more than it saves.
PARALLEL_PAGES = 400
MAX_TEMPLATE_PROBLEMS = 20  # a broken template fails on every page: report it a few times


@dataclass
class Previous:
    """What the previous build left: a page is kept when its plan has the same digest
    and its file is `intact`. Empty: every page is rendered."""

    digests: dict[str, str] = field(default_factory=dict)
    intact: set[str] = field(default_factory=set)
    keep_digests: bool = False  # compute the digests (for the next build)


@dataclass
class Rendered:
    """What planning and rendering some pages gave."""

    paths: list[str] = field(default_factory=list)  # every page planned
    digests: dict[str, str] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)  # planned, unchanged: not rendered
    rendered: int = 0
    laid_out: dict[str, list[str]] = field(default_factory=dict)  # page → diagrams drawn
    diagrams: DiagramReport = field(default_factory=DiagramReport)
    problems: list[Problem] = field(default_factory=list)
    side_results: list[Any] = field(default_factory=list)  # of the side tasks, in order

    def add(self, other: Rendered) -> None:
        self.paths += other.paths
        self.digests.update(other.digests)
        self.kept |= other.kept
        self.rendered += other.rendered
        self.laid_out.update(other.laid_out)
        self.diagrams.cached += other.diagrams.cached
        self.diagrams.laid_out += other.diagrams.laid_out
        self.diagrams.drawn += other.diagrams.drawn
        self.problems += other.problems


@dataclass
class _Job:
    groups: list[PageGroup]
    renderer: Renderer
    staging: Staging
    diagrams: DiagramCache
    previous: Previous
    side_tasks: list[Callable[[], Any]]


_job: _Job | None = None


def render_pages(
    groups: list[PageGroup],
    renderer: Renderer,
    staging: Staging,
    diagrams: DiagramCache,
    previous: Previous | None = None,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool = True,
    side_tasks: list[Callable[[], Any]] | None = None,
) -> Rendered:
    """Plan, draw, render and write the pages of `groups`, in order.

    `side_tasks` run meanwhile in the same workers, so that no core waits; their
    results come back in `side_results`. Without workers (`parallel` false, or a
    single core) they are not run: `side_results` stays empty."""
    global _job
    job = _Job(groups, renderer, staging, diagrams, previous or Previous(), side_tasks or [])
    workers = worker_count()
    total = Rendered()
    if not parallel or workers < 2 or not _can_fork():
        for number in range(len(groups)):
            total.add(_render_group(job, number))
            if progress is not None:
                progress(number + 1, len(groups))
        total.problems = sorted(set(total.problems))[:MAX_TEMPLATE_PROBLEMS]
        return total
    _job = job
    # What the parent holds is never collected while the workers run: the collector
    # would otherwise touch (and copy into each worker) every object it inherited.
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            try:
                sides = [pool.submit(_side_in_worker, n) for n in range(len(job.side_tasks))]
                tasks = {pool.submit(_group_in_worker, n): n for n in range(len(groups))}
                done: dict[int, Rendered] = {}
                for task in as_completed(tasks):
                    done[tasks[task]] = task.result()
                    if progress is not None:
                        progress(len(done), len(groups))
                for number in range(len(groups)):  # in the order of the groups
                    total.add(done[number])
                total.side_results = [side.result() for side in sides]
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # no more groups after an error
                raise
    except BrokenProcessPool:
        raise SetupError(
            "a build process stopped unexpectedly (killed, or out of memory?); "
            "the previous output is untouched: try again, or build with fewer processes "
            "(TREILLIS_WORKERS=1)"
        ) from None
    finally:
        _job = None
        gc.unfreeze()
    total.problems = sorted(set(total.problems))[:MAX_TEMPLATE_PROBLEMS]
    return total


def worker_count() -> int:
    """How many processes render pages: TREILLIS_WORKERS, else (unset, empty or 0) one
    per core. Never more than four per core: each one is forked at once."""
    value = os.environ.get("TREILLIS_WORKERS", "").strip()
    if value and not (value.isascii() and value.isdigit()):
        raise SetupError(
            f"TREILLIS_WORKERS='{value}' is not a number of processes: write a whole number "
            "such as TREILLIS_WORKERS=1, or leave it empty for one per core"
        )
    cores = os.cpu_count() or 1
    return min(int(value or 0) or cores, 4 * cores)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _side_in_worker(number: int) -> Any:
    assert _job is not None, "forked from render_pages"
    return _job.side_tasks[number]()


def _group_in_worker(number: int) -> Rendered:
    assert _job is not None, "forked from render_pages"
    return _render_group(_job, number)


def _render_group(job: _Job, number: int) -> Rendered:
    previous = job.previous
    done = Rendered()
    to_render: list[Page] = []
    for page in job.groups[number]():
        done.paths.append(page.path)
        if previous.keep_digests:
            digest = done.digests[page.path] = view_digest(page)
            if page.path in previous.intact and previous.digests.get(page.path) == digest:
                done.kept.add(page.path)
                continue
        to_render.append(page)
    svgs, done.diagrams = render_diagrams(
        (d for page in to_render for d in page.diagrams), job.diagrams, workers=1
    )
    job.renderer.svgs = svgs  # this group's pictures only: nobody holds all of them
    fresh = set(done.diagrams.laid_out)
    for page in to_render:
        try:
            job.staging.write_text(page.path, job.renderer.render(page))
        except TemplateProblem as error:
            done.problems.append(error.problem)
            if len(done.problems) >= MAX_TEMPLATE_PROBLEMS:
                break
        done.rendered += 1
        drawn = [d.key for d in page.diagrams if d.key in fresh]
        if drawn:
            done.laid_out[page.path] = drawn
    return done
