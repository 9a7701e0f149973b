"""What every benchmark does around its measures: a scratch folder, a table, a JSON file."""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVICE_PUBLIC = REPO.parent / "shared" / "data" / "service-public"

Verdict = Callable[[dict], str]  # a row → "budget …: met" or "NOT met"


def run(
    description: str | None,
    measure_all: Callable[[Path], list[dict]],
    verdict: Verdict | None = None,
) -> list[dict]:
    """Parse `--json FILE`, measure in a temporary folder, print a table, save the JSON."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="treillis-bench-") as folder:
        results = measure_all(Path(folder))
    print_table(results)
    if verdict is not None:
        for row in results:
            print(f"{row['site']}: {verdict(row)}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


def print_table(rows: list[dict]) -> None:
    """One line per site, one column per measure."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    widths = [max(len(c), *(len(str(row.get(c, ""))) for row in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(w) for c, w in zip(columns, widths, strict=True)))
