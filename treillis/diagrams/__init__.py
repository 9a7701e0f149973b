"""Diagrams: neighbourhoods, indexings and principles, laid out once and cached.

`render_diagrams` takes the diagrams of a build, reuses every picture whose
content has not changed, and lays out the others in parallel across cores.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from treillis.diagrams.cache import DiagramCache
from treillis.diagrams.layout import layout
from treillis.diagrams.spec import Diagram, Edge, Node
from treillis.diagrams.star import layout_neighbourhood

__all__ = ["Diagram", "DiagramCache", "DiagramReport", "Edge", "Node", "render_diagrams"]

# Below this many pictures to lay out, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 24


@dataclass
class DiagramReport:
    """What the diagram step did: pictures reused from the cache and pictures laid out."""

    cached: int = 0
    laid_out: list[str] = field(default_factory=list)  # keys laid out now, in order
    drawn: int = 0  # neighbourhoods, drawn directly (never cached: see star.py)


def render_diagrams(
    diagrams: Iterable[Diagram], cache: DiagramCache, workers: int | None = None
) -> tuple[dict[str, str], DiagramReport]:
    """The SVG of every diagram, by key: from the cache, or laid out now."""
    report = DiagramReport()
    svgs: dict[str, str] = {}
    missing: dict[str, Diagram] = {}
    for diagram in diagrams:
        key = diagram.key
        if key in svgs or key in missing:
            continue
        if diagram.name == "neighbourhood":
            # Drawn directly in a tenth of a millisecond: faster than a cache file,
            # so never cached (see star.py).
            svgs[key] = layout_neighbourhood(diagram)
            report.drawn += 1
            continue
        svg = cache.get(key)
        if svg is None:
            missing[key] = diagram
        else:
            svgs[key] = svg
            report.cached += 1
    workers = workers or os.cpu_count() or 1
    todo = list(missing.items())
    if workers > 1 and len(todo) >= PARALLEL_THRESHOLD:
        chunk = max(1, len(todo) // (workers * 8))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(layout, [d for _, d in todo], chunksize=chunk))
    else:
        results = [layout(d) for _, d in todo]
    for (key, _diagram), svg in zip(todo, results, strict=True):
        cache.put(key, svg)
        svgs[key] = svg
        report.laid_out.append(key)
    return svgs, report
