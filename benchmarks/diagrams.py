"""Diagram benchmark: time per diagram with Graphviz (dot, twopi) against drawing directly.

The per-diagram times lay out a sample of every kind with Graphviz, for comparison;
the drawing step is what builds do: every picture drawn directly, each once.

    python -m benchmarks.diagrams [--json FILE]

Sites: the demo content and a synthetic CITEGO-scale atlas (1,800 descriptors),
generated into a temporary folder.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from benchmarks.report import REPO, run
from benchmarks.synthetic import write_site
from treillis.atlas import Atlas
from treillis.build import load
from treillis.diagrams import render_diagrams
from treillis.diagrams.layout import layout
from treillis.views import Views, all_pages

SAMPLE = 300


def measure(name: str, content: Path) -> dict:
    site = load(content)
    pages = list(all_pages(Views(site, Atlas(site))))
    diagrams = [d for page in pages for d in page.diagrams]
    sample = diagrams[:: max(1, len(diagrams) // SAMPLE)][:SAMPLE]
    per_diagram = {}
    for engine in ("dot", "twopi"):
        times = []
        for diagram in sample:
            started = time.perf_counter()
            layout(diagram, engine)
            times.append((time.perf_counter() - started) * 1000)
        per_diagram[engine] = {
            "median_ms": statistics.median(times),
            "p90_ms": statistics.quantiles(times, n=10)[-1],
        }
    started = time.perf_counter()
    drawn = render_diagrams(diagrams)
    draw_seconds = time.perf_counter() - started
    return {
        "site": name,
        "descriptors": len(site.descriptors),
        "diagrams": len(diagrams),
        "drawn": len(drawn),  # each picture once
        "sample": len(sample),
        "dot_median_ms": round(per_diagram["dot"]["median_ms"], 2),
        "dot_p90_ms": round(per_diagram["dot"]["p90_ms"], 2),
        "twopi_median_ms": round(per_diagram["twopi"]["median_ms"], 2),
        "draw_s": round(draw_seconds, 2),
    }


def main() -> None:
    def measure_all(scratch: Path) -> list[dict]:
        synthetic = write_site(scratch / "synthetic", descriptors=1800, documents=1600)
        return [
            measure("demo", REPO / "content"),
            measure("synthetic-1800", synthetic),
        ]

    run(__doc__, measure_all)


if __name__ == "__main__":
    main()
