"""Preview benchmark: from saving a document to the reloaded page showing the change.

    python -m benchmarks.serve [--json FILE]

Sites: the demo content and 1,600 service-public.fr sheets, copied into a
temporary folder. Each measure: write the file, wait for the server's reload
event naming the page, fetch the page and check it shows the change — what
the browser tab does. The search data follows in the background (not counted).
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.corpora import service_public_site
from generator import serve

REPO = Path(__file__).resolve().parent.parent
EDITS = 7


def measure(name: str, content: Path, document: Path, page: str, scratch: Path) -> dict:
    from tests.test_serve import EventStream

    started = time.perf_counter()
    running = serve.start(content, port=0, cache=scratch / f"{name}-cache")
    startup = time.perf_counter() - started
    port = running.server.server_address[1]
    try:
        events = EventStream(port)
        text = document.read_text(encoding="utf-8")
        times, rebuilds, rendered = [], [], []
        for edit in range(EDITS):
            running.site.wait_for_search()
            time.sleep(0.3)
            marker = f"Mesure {edit} —"
            saved = time.perf_counter()
            document.write_text(
                text.replace("\ntitle: ", f"\ntitle: {marker} ", 1), encoding="utf-8"
            )
            message = events.next("reload", timeout=30)
            assert page in message["pages"], message
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/" + page)
            body = connection.getresponse().read().decode()
            assert marker in body
            times.append((time.perf_counter() - saved) * 1000)
            rebuilds.append(running.site.last_update.seconds * 1000)
            rendered.append(len(running.site.last_update.changed))
    finally:
        running.stop()
    return {
        "site": name,
        "pages": len(running.site.pages),
        "startup_s": round(startup, 2),
        "save_to_page_median_ms": round(statistics.median(times), 1),
        "save_to_page_max_ms": round(max(times), 1),
        "rebuild_median_ms": round(statistics.median(rebuilds), 1),
        "pages_rendered_median": statistics.median(rendered),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="treillis-bench-") as folder:
        scratch = Path(folder)
        demo = scratch / "demo"
        shutil.copytree(REPO / "content", demo)
        key = "conseils-citoyens-et-chartes/conseil-citoyen-des-tilleuls"
        results.append(
            measure(
                "demo", demo, demo / f"dossiers/{key}.md", f"dossiers/{key}/index.html", scratch
            )
        )
        if (REPO.parent / "shared" / "data" / "service-public").is_dir():
            corpus = service_public_site(scratch / "sp", limit=1600)
            document = sorted((corpus / "dossiers" / "particuliers").glob("f*.md"))[10]
            page = f"dossiers/particuliers/{document.stem}/index.html"
            results.append(measure("service-public-1600", corpus, document, page, scratch))
    budgets = {"demo": 300, "service-public-1600": 1000}
    for row in results:
        print(f"{row['site']}:")
        for key, value in row.items():
            if key != "site":
                print(f"  {key:24} {value}")
        budget = budgets[row["site"]]
        verdict = "met" if row["save_to_page_median_ms"] <= budget else "NOT met"
        print(f"  budget {budget} ms from save to page: {verdict}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
