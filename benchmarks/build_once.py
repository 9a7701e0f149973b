"""One build, as `treillis build` runs it, with its report written as JSON (for benchmarks.build).

python -m benchmarks.build_once CONTENT OUTPUT CACHE REPORT
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from treillis.build import build


def main() -> None:
    content, output, cache, report = (Path(a) for a in sys.argv[1:5])
    built = build(content, output, cache=cache)
    report.write_text(
        json.dumps(
            {
                "documents": built.documents,
                "descriptors": built.descriptors,
                "pages": built.pages,
                "rendered": built.rendered,
                "pages_seconds": round(built.pages_seconds, 3),
                "steps": {k: round(v, 3) for k, v in built.steps.items()},
            }
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
