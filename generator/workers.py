"""Drawing and rendering pages into the staging folder, in worker processes when many.

Workers are forked after the pages are planned, so each one inherits the
plans in memory (copy-on-write) and nothing has to be pickled on the way in.
Each takes consecutive pages, gets their diagrams (from the cache, or laid out
there and then), renders and writes them, and sends back only the problems it
met and which diagrams it drew. Doing the diagrams in the same workers keeps
both cores busy with no pause between the two steps, and no process has to
hold every picture of the site at once.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from generator.diagrams import DiagramCache, DiagramReport, render_diagrams
from generator.errors import Problem
from generator.output import Staging
from generator.render import Renderer, TemplateProblem
from generator.views import Page

# Below this many pages, starting processes costs more than it saves.
PARALLEL_PAGES = 400
MAX_TEMPLATE_PROBLEMS = 20  # a broken template fails on every page: report it a few times
PAGES_PER_TASK = 250

_job: tuple[list[Page], Renderer, Staging, DiagramCache, list[Callable[[], Any]]] | None = None


@dataclass
class Rendered:
    """What rendering some pages gave."""

    problems: list[Problem] = field(default_factory=list)
    diagrams: DiagramReport = field(default_factory=DiagramReport)
    pages: int = 0
    side_results: list[Any] = field(default_factory=list)  # of the side tasks, in order

    def add(self, other: Rendered) -> None:
        self.problems += other.problems
        self.diagrams.cached += other.diagrams.cached
        self.diagrams.laid_out += other.diagrams.laid_out
        self.pages += other.pages


def render_pages(
    pages: list[Page],
    renderer: Renderer,
    staging: Staging,
    diagrams: DiagramCache,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    side_tasks: list[Callable[[], Any]] | None = None,
) -> Rendered:
    """Draw, render and write `pages`; the problems are the template errors met.

    `side_tasks` (say, the search index) run meanwhile in the same workers, so
    that no core waits; their results come back in `side_results`."""
    side_tasks = side_tasks or []
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(pages) < PARALLEL_PAGES or not _can_fork():
        done = _render_range(pages, renderer, staging, diagrams, 0, len(pages), progress)
        done.problems = sorted(set(done.problems))[:MAX_TEMPLATE_PROBLEMS]
        done.side_results = [task() for task in side_tasks]
        return done
    global _job
    _job = (pages, renderer, staging, diagrams, side_tasks)
    total = Rendered()
    # What the parent holds is never collected while the workers run: the collector
    # would otherwise touch (and copy into each worker) every object it inherited.
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        size = max(1, min(PAGES_PER_TASK, len(pages) // (workers * 4) or 1))
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            sides = [pool.submit(_side_in_worker, number) for number in range(len(side_tasks))]
            tasks = [
                pool.submit(_render_in_worker, start, size) for start in range(0, len(pages), size)
            ]
            for task in as_completed(tasks):
                total.add(task.result())
                if progress is not None:
                    progress(total.pages, len(pages))
            total.side_results = [side.result() for side in sides]
    finally:
        _job = None
        gc.unfreeze()
    total.problems = sorted(set(total.problems))[:MAX_TEMPLATE_PROBLEMS]
    return total


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _side_in_worker(number: int) -> Any:
    assert _job is not None, "forked from render_pages"
    return _job[4][number]()


def _render_in_worker(start: int, size: int) -> Rendered:
    assert _job is not None, "forked from render_pages"
    pages, renderer, staging, diagrams, _sides = _job
    return _render_range(
        pages, renderer, staging, diagrams, start, min(start + size, len(pages)), None
    )


def _render_range(
    pages: list[Page],
    renderer: Renderer,
    staging: Staging,
    diagrams: DiagramCache,
    start: int,
    end: int,
    progress: Callable[[int, int], None] | None,
) -> Rendered:
    chosen = pages[start:end]
    svgs, report = render_diagrams(
        (d for page in chosen for d in page.diagrams), diagrams, workers=1
    )
    renderer.svgs = svgs  # this range's pictures only: nobody holds all of them
    done = Rendered(diagrams=report)
    for page in chosen:
        try:
            staging.write_text(page.path, renderer.render(page))
        except TemplateProblem as error:
            done.problems.append(error.problem)
            if len(done.problems) >= MAX_TEMPLATE_PROBLEMS:
                break
        done.pages += 1
        if progress is not None:
            progress(done.pages, len(chosen))
    return done
