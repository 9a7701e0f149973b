"""Rendering pages into the staging folder, in worker processes when there are many.

Workers are forked after the pages are planned, so each one inherits the
plans and the laid-out diagrams in memory (copy-on-write) and nothing has to
be pickled on the way in; each renders every n-th page, writes it, and sends
back only the problems it met.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed

from generator.errors import Problem
from generator.output import Staging
from generator.render import Renderer, TemplateProblem
from generator.views import Page

# Below this many pages, starting processes costs more than it saves.
PARALLEL_PAGES = 400
MAX_TEMPLATE_PROBLEMS = 20  # a broken template fails on every page: report it a few times

_job: tuple[list[Page], Renderer, Staging] | None = None


def render_pages(
    pages: list[Page],
    renderer: Renderer,
    staging: Staging,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> list[Problem]:
    """Render and write `pages`; returns the template problems met (none: all written)."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(pages) < PARALLEL_PAGES or not _can_fork():
        return _render_slice(pages, renderer, staging, range(len(pages)), progress)
    global _job
    _job = (pages, renderer, staging)
    slices = workers * 4  # small slices: the progress bar moves, and no worker idles long
    problems: list[Problem] = []
    done = 0
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {
                pool.submit(_render_in_worker, start, slices): start for start in range(slices)
            }
            for future in as_completed(futures):
                found, count = future.result()
                problems.extend(found)
                done += count
                if progress is not None:
                    progress(done, len(pages))
    finally:
        _job = None
    return sorted(set(problems))[:MAX_TEMPLATE_PROBLEMS]


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _render_in_worker(start: int, step: int) -> tuple[list[Problem], int]:
    assert _job is not None, "forked from render_pages"
    pages, renderer, staging = _job
    indexes = range(start, len(pages), step)
    return _render_slice(pages, renderer, staging, indexes, None), len(indexes)


def _render_slice(
    pages: list[Page],
    renderer: Renderer,
    staging: Staging,
    indexes: range,
    progress: Callable[[int, int], None] | None,
) -> list[Problem]:
    problems: list[Problem] = []
    for done, index in enumerate(indexes, 1):
        page = pages[index]
        try:
            staging.write_text(page.path, renderer.render(page))
        except TemplateProblem as error:
            problems.append(error.problem)
            if len(problems) >= MAX_TEMPLATE_PROBLEMS:
                break
        if progress is not None:
            progress(done, len(indexes))
    return problems
