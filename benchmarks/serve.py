"""Preview benchmark: from saving a document to the reloaded page showing the change.

    python -m benchmarks.serve [--json FILE]

Sites: the demo content and 1,600 service-public.fr sheets, copied into a
temporary folder. Each measure: write the file, wait for the server's reload
event naming the page, fetch the page and check it shows the change — what
the browser tab does. The search data follows in the background (not counted).
"""

from __future__ import annotations

import http.client
import shutil
import statistics
import time
from pathlib import Path

from benchmarks.corpora import service_public_site
from benchmarks.report import REPO, SERVICE_PUBLIC, run
from treillis import serve

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
    budgets = {"demo": 300, "service-public-1600": 1000}

    def measure_all(scratch: Path) -> list[dict]:
        demo = scratch / "demo"
        shutil.copytree(REPO / "content", demo)
        key = "conseils-citoyens-et-chartes/conseil-citoyen-des-tilleuls"
        results = [
            measure(
                "demo", demo, demo / f"dossiers/{key}.md", f"dossiers/{key}/index.html", scratch
            )
        ]
        if SERVICE_PUBLIC.is_dir():
            corpus = service_public_site(scratch / "sp", limit=1600)
            document = sorted((corpus / "dossiers" / "particuliers").glob("f*.md"))[10]
            page = f"dossiers/particuliers/{document.stem}/index.html"
            results.append(measure("service-public-1600", corpus, document, page, scratch))
        return results

    def verdict(row: dict) -> str:
        budget = budgets[row["site"]]
        met = "met" if row["save_to_page_median_ms"] <= budget else "NOT met"
        return f"budget {budget} ms from save to page: {met}"

    run(__doc__, measure_all, verdict)


if __name__ == "__main__":
    main()
