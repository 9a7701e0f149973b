"""What a build reports (kept in the build state, repeated by a no-op build)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from treillis.errors import Problem


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
    # seconds spent in each step (see `treillis.pipeline.run`): read, pages (planning),
    # write (diagrams and pages, until the last page is written), search index (beside
    # the pages), search and exports (what they took beyond the pages, and writing
    # them), check (--strict), commit
    steps: dict[str, float] = field(default_factory=dict)
    diagrams: int = 0  # pictures drawn (for the pages rendered)
    # pages rendered by this build (the others were unchanged)
    rendered: int = 0
    # True when nothing changed since the previous build, which was kept as it is
    up_to_date: bool = False

    @property
    def pages_seconds(self) -> float:
        """Seconds spent on the pages: planning, diagrams, rendering and writing them."""
        return sum(self.steps.get(name, 0.0) for name in ("pages", "write", "commit"))
