"""Planning, drawing and rendering pages into the output, in worker processes or not.

The site's pages come in groups (`treillis.views.page_groups`). Workers are
forked once the site is loaded, so each inherits the model and the job in
memory (copy-on-write) and nothing is pickled on the way in. For each group a worker
plans the pages, compares each plan with the previous build's (a digest), and
for the pages that changed draws their diagrams, renders and writes them. It
sends back only digests, which pages it kept, how many pictures it drew, the
problems it met and the stamps of the files it wrote (the output's manifest). No
process
holds every page or every picture of the site at once, and both cores stay
busy from the first page to the last; side tasks (the search index, the
feeds) run in the same workers meanwhile. The groups of one language go to one
worker as long as it has some left (`_Lanes`): the words, links and boxes its
pages share are made by that worker only, and stay in its memory (each worker
made every language's again). Without workers (a small site, or an
output in memory), the same steps run in this process, one group after another,
and the side tasks in one forked process meanwhile when a core is free (a disk output).
"""

from __future__ import annotations

import copy
import ctypes
import gc
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from treillis.diagrams import render_diagrams
from treillis.errors import Problem, SetupError
from treillis.incremental import view_digest
from treillis.output import Output, Stamp
from treillis.processes import worker_count
from treillis.render import Renderer, TemplateProblem
from treillis.search.bodies import PlainBodies
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
    diagrams: int = 0  # pictures drawn
    problems: list[Problem] = field(default_factory=list)
    side_results: dict[str, Any] = field(default_factory=dict)  # of the side tasks, by name
    # When (`time.perf_counter()`) the last page was written: the side tasks may end later.
    pages_done: float = 0.0

    @property
    def written(self) -> list[str]:
        """The pages rendered anew (planned and not kept)."""
        return [path for path in self.paths if path not in self.kept]

    def add(self, other: Rendered) -> None:
        self.paths += other.paths
        self.digests.update(other.digests)
        self.kept |= other.kept
        self.rendered += other.rendered
        self.diagrams += other.diagrams
        self.problems += other.problems


@dataclass
class _Job:
    groups: list[PageGroup]
    renderer: Renderer
    output: Output
    previous: Previous
    side_tasks: dict[str, Callable[[], Any]]
    bodies: PlainBodies | None = None  # where the workers save bodies' plain texts


# The job of a worker process: set when it starts (inherited, not pickled, when forked).
_worker_job: _Job | None = None


def render_pages(
    groups: list[PageGroup],
    renderer: Renderer,
    output: Output,
    previous: Previous | None = None,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool = True,
    side_tasks: dict[str, Callable[[], Any]] | None = None,
    bodies: PlainBodies | None = None,
    side_after: dict[str, int] | None = None,
) -> Rendered:
    """Plan, draw, render and write the pages of `groups`, in order.

    `side_tasks` run meanwhile in the same workers, so that no core waits; without
    workers (`parallel` false, an output worker processes cannot write into, or a
    single core), they run after the pages. Their results are in `side_results`,
    by name. With workers, each group goes to the worker of its lane (`_Lanes`), each
    side task of `side_after` waits in the queue of the worker of the last of that many
    first groups, after them (most often they are done when it starts), and the workers
    save the plain texts of the bodies they render into `bodies` after each group (for
    the search index, see `treillis.search.bodies`)."""
    # Fragments reused from page to page are this build's only (never an earlier view's).
    renderer = copy.copy(renderer)
    renderer.fragments = {}
    job = _Job(groups, renderer, output, previous or Previous(), side_tasks or {})
    workers = worker_count()
    total = Rendered()
    can_fork = output.shared and workers >= 2 and _can_fork()
    if not parallel or not can_fork:
        # An edit's few pages take about as long as the search index and the exports:
        # with a core to spare, those run meanwhile in one process of their own.
        with _forked(job, 1) if can_fork and job.side_tasks else nullcontext() as pool:
            sides = (
                {name: pool.submit(_side_in_worker, name) for name in job.side_tasks}
                if pool
                else {}
            )
            for number in range(len(groups)):
                total.add(_render_group(job, number))
                if progress is not None:
                    progress(number + 1, len(groups))
            total.pages_done = time.perf_counter()
            total.problems = sorted(set(total.problems))[:MAX_TEMPLATE_PROBLEMS]
            if not total.problems:
                total.side_results = {
                    name: _received(job.output, sides[name].result()) if sides else task()
                    for name, task in job.side_tasks.items()
                }
        return total
    job.bodies = bodies
    with bodies.shared() if bodies is not None else nullcontext(), ExitStack() as pools:
        lanes = _Lanes(job, [pools.enter_context(_forked(job, 1)) for _ in range(workers)])
        done, side_results = lanes.run(side_after or {}, progress)
        for number in range(len(groups)):  # in the order of the groups
            total.add(done[number])
        total.side_results, total.pages_done = side_results, lanes.pages_done
    total.problems = sorted(set(total.problems))[:MAX_TEMPLATE_PROBLEMS]
    return total


# A worker is given its next task before it finishes one (no wait between them).
_IN_FLIGHT = 2


def _after_last_side(queue: deque[tuple[str, Any]]) -> int:
    """How many groups a queue holds after its last side task."""
    count = 0
    for kind, _ in reversed(queue):
        if kind != "group":
            break
        count += 1
    return count


class _Lanes:
    """The groups and side tasks of a job among workers (each a pool of one process).

    The groups of a lane (a language) go to one worker, which then makes their shared
    fragments (its words, its descriptors' links and boxes) once: the first lane to the
    first worker, the others to the others in turn. A worker takes the side tasks and
    the groups of no lane first, then its own; with nothing left, the last group of the
    queue with the most groups after its last side task (a side task waits for the
    groups before it: they are never taken from it)."""

    def __init__(self, job: _Job, pools: list[ProcessPoolExecutor]) -> None:
        self.job, self.pools = job, pools
        self.queues: list[deque[tuple[str, Any]]] = [deque() for _ in pools]
        self.shared: deque[tuple[str, Any]] = deque()
        self.in_flight = [0] * len(pools)
        self.pages_done = 0.0  # when the last group was done (see `Rendered.pages_done`)

    def _place(self, side_after: dict[str, int]) -> None:
        """Every task in its queue. A side task of `side_after` goes after that many of
        the first groups, in the queue of the last of them: it starts once they are done
        (the search index, once the documents' pages have saved their bodies' texts)."""
        after: dict[int, list[str]] = {}
        for name, count in side_after.items():
            if name in self.job.side_tasks and count > 0 and self.job.groups:
                after.setdefault(min(count, len(self.job.groups)) - 1, []).append(name)
        placed = {name for names in after.values() for name in names}
        self.shared.extend(("side", name) for name in self.job.side_tasks if name not in placed)
        workers = len(self.pools)
        lanes: dict[str, int] = {}
        for number, group in enumerate(self.job.groups):
            queue = self.shared
            if group.lane is not None:
                if group.lane not in lanes:
                    lanes[group.lane] = 1 + (len(lanes) - 1) % (workers - 1) if lanes else 0
                queue = self.queues[lanes[group.lane]]
            queue.append(("group", number))
            queue.extend(("side", name) for name in after.get(number, ()))

    def _next(self, worker: int) -> tuple[str, Any] | None:
        if self.shared:
            return self.shared.popleft()
        if self.queues[worker]:
            return self.queues[worker].popleft()
        # The groups of a queue after its last side task can be taken.
        free = [_after_last_side(queue) for queue in self.queues]
        most = max(range(len(free)), key=free.__getitem__)
        return self.queues[most].pop() if free[most] else None

    def run(
        self, side_after: dict[str, int], progress: Callable[[int, int], None] | None
    ) -> tuple[dict[int, Rendered], dict[str, Any]]:
        """Every task done: the groups' results by number, the side tasks' by name."""
        self._place(side_after)
        running: dict[Future, tuple[int, tuple[str, Any]]] = {}

        def feed(worker: int) -> None:
            while self.in_flight[worker] < _IN_FLIGHT and (task := self._next(worker)):
                kind, what = task
                call = _group_in_worker if kind == "group" else _side_in_worker
                running[self.pools[worker].submit(call, what)] = (worker, task)
                self.in_flight[worker] += 1

        done: dict[int, Rendered] = {}
        side_results: dict[str, Any] = {}
        if not self.job.groups:
            self.pages_done = time.perf_counter()
        try:
            for worker in range(len(self.pools)):
                feed(worker)
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    worker, (kind, what) = running.pop(future)
                    self.in_flight[worker] -= 1
                    result = _received(self.job.output, future.result())
                    if kind == "group":
                        done[what] = result
                        if len(done) == len(self.job.groups):
                            self.pages_done = time.perf_counter()
                        if progress is not None:
                            progress(len(done), len(self.job.groups))
                    else:
                        side_results[what] = result
                    feed(worker)
        except BaseException:
            for future in running:
                future.cancel()
            raise
        return done, side_results


@contextmanager
def _forked(job: _Job, workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of `workers` processes forked from this one, each holding `job`."""
    # What the parent holds is never collected while the workers run: the collector
    # would otherwise touch (and copy into each worker) every object it inherited.
    # Frozen already (by `build`, after reading): kept so until the caller unfreezes it.
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(job,)
        ) as pool:
            # Forked now, before any pool starts its threads (a pool forks at its first
            # task, then starts threads: another pool's fork would copy them half-way).
            early = all(hasattr(pool, name) for name in _EARLY_FORK)
            if early:
                pool._launch_processes()
            try:
                yield pool
            except BaseException:
                _started(pool, early)
                pool.shutdown(wait=True, cancel_futures=True)  # no more groups after an error
                raise
            _started(pool, early)
    except BrokenProcessPool:
        raise SetupError(
            "a build process stopped unexpectedly (killed, or out of memory?); "
            "the previous output is untouched: try again, or build with fewer processes "
            "(TREILLIS_WORKERS=1)"
        ) from None
    finally:
        if not frozen_before:
            gc.unfreeze()


# What forking a pool's processes early takes (CPython 3.9 to 3.14's pools; without it,
# each forks at its first task).
_EARLY_FORK = ("_launch_processes", "_executor_manager_thread")


def _started(pool: ProcessPoolExecutor, early: bool) -> None:
    """A pool whose process was forked early but was given no task has no thread yet to
    tell it to stop when the pool shuts down: a task that does nothing starts one."""
    if early and pool._executor_manager_thread is None:  # type: ignore[attr-defined]
        pool.submit(int)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# A worker's collections, rarer than Python's (700 allocations): nearly all it makes (views,
# parsed Markdown, a page's markup) is freed by reference counting as soon as the page is
# written, and the collector walked these young objects again and again (1.2 s of the
# workers' 20 s in a CITEGO-scale build; 0.6 s so). Still a whole collection every ten
# million allocations: cycles of a page's making (an error and its traceback, a macro
# calling itself; a template's contexts are let go by `Renderer.render`) are let go
# within the build.
_WORKER_GC_THRESHOLDS = (100_000, 10, 10)


def _start_worker(job: _Job) -> None:
    global _worker_job
    _worker_job = job
    job.output.take_stamps()  # the parent's, as it was forked: not this worker's to send
    gc.set_threshold(*_WORKER_GC_THRESHOLDS)


def _side_in_worker(name: str) -> tuple[Any, dict[str, Stamp]]:
    """A side task's result, and the stamps of the files it wrote (see `_received`)."""
    assert _worker_job is not None, "started by render_pages"
    result = _worker_job.side_tasks[name]()
    return result, _worker_job.output.take_stamps()


def _group_in_worker(number: int) -> tuple[Rendered, dict[str, Stamp]]:
    """A group's pages made, and the stamps of the files written (see `_received`)."""
    assert _worker_job is not None, "started by render_pages"
    done = _render_group(_worker_job, number)
    if _worker_job.bodies is not None:
        _worker_job.bodies.save(str(number))
    _release_free_memory()
    return done, _worker_job.output.take_stamps()


def _received(output: Output, sent: tuple[Any, dict[str, Stamp]]) -> Any:
    """What a worker sent back: its result, once the stamps of the files it wrote are
    the output's (a full build's manifest is then known without walking the output)."""
    result, stamps = sent
    output.add_stamps(stamps)
    return result


def _release_free_memory() -> None:
    """Give back to the system the memory a group freed (its pages, forgotten fragments
    and boxes): the C allocator otherwise keeps freed pages mapped, and a worker's
    footprint only grows. A few milliseconds a group, with glibc; elsewhere nothing."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _find_malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc only
    except (OSError, AttributeError):
        return None


_malloc_trim = _find_malloc_trim()


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
    svgs = render_diagrams(d for page in to_render for d in page.diagrams)
    done.diagrams = len(svgs)
    # This group's pictures only (nobody holds all of them), in a renderer of its own
    # that shares the compiled templates: the job's is never changed.
    renderer = copy.copy(job.renderer)
    renderer.svgs = svgs
    made: list[tuple[str, str]] = []
    for page in to_render:
        try:
            made.append((page.path, renderer.render(page)))
        except Exception as error:
            done.problems.append(template_problem(error, page))
            if len(done.problems) >= MAX_TEMPLATE_PROBLEMS:
                break
        if len(made) == _WRITTEN_TOGETHER:
            _write(job.output, made)
            done.rendered += len(made)
            made = []
    _write(job.output, made)
    done.rendered += len(made)
    return done


# Pages written together once made: the system calls (a folder, a file) one after
# another take half the time they took each between two pages' rendering, whose work
# leaves little of the kernel's data in the processor's caches (1.6 → 1.1 s of a
# CITEGO-scale build's). At most this many pages held (a few megabytes; an edit of
# thousands of texts is one group).
_WRITTEN_TOGETHER = 400


def _write(output: Output, made: list[tuple[str, str]]) -> None:
    for path, html in made:
        output.write_text(path, html)


def template_problem(error: Exception, page: Page) -> Problem:
    """What a page whose template failed is reported as: where (when the renderer could
    tell) and why. A theme's template can fail in any way (`{{ 1 // 0 }}`…): a problem
    to show, like a content error, never a traceback."""
    if isinstance(error, TemplateProblem):
        return error.problem
    return Problem(page.template, 1, f"template error: {type(error).__name__}: {error}")
