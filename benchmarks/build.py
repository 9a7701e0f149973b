"""Build benchmark: cold, no-op and one-edit builds of four corpora, each in its own process.

    python -m benchmarks.build [--json FILE] [--only NAME ...] [--skip-large]

Corpora, generated into a temporary folder (never into the repository):
- demo: the bundled content;
- service-public: the 2,192 service-public.fr sheets of ../shared/data, indexed
  with Thésaurus W by `treillis import skos` and `treillis import documents`
  (descriptor-label matching), when ../shared/data is there;
- citego: a synthetic site at CITEGO's scale (1,800 descriptors, 1,600
  documents of ~3 KB, 40 dossiers);
- large: a synthetic site of 50,000 documents.

Each build runs `treillis build` in a new process; its wall time is measured
from outside, its peak memory is the largest sum of the resident sizes of the
process and its workers (proportional set sizes), sampled every 250 ms.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import hugo, output_size
from benchmarks.corpora import service_public_bodies, service_public_thesaurus_site
from benchmarks.report import REPO, print_table
from benchmarks.synthetic import write_site
from treillis.incremental import _SETTLED_NS

DATA = REPO.parent / "shared" / "data"
TARGETS = {  # corpus → measure → upper bound, from issues 7 and 18
    "citego": {
        "cold_vs_hugo": 3.0,
        "noop_s": 1.0,
        "edit_pages_s": 0.3,
        "edit_title_s": 1.0,
        "peak_mb": 1024,
    },
    "large": {
        "cold_s": 150.0,
        "noop_s": 1.0,
        "edit_s": 5.0,  # any one-document edit, search index included
        "edit_title_s": 5.0,
        "peak_mb": 2048,
        "search_first_result_gzip": 250_000,
    },
    "service-public": {"search_first_result_gzip": 250_000},
}


def demo_site(root: Path) -> Path:
    shutil.copytree(REPO / "content", root)
    return root


CORPORA = {
    "demo": demo_site,
    "service-public": service_public_thesaurus_site,
    # CITEGO's scale, with real French bodies (service-public.fr sheets) when they are here.
    "citego": lambda root: write_site(
        root, descriptors=1800, documents=1600, dossiers=40, bodies=service_public_bodies(1600)
    ),
    "large": lambda root: write_site(root, descriptors=3000, documents=50_000, dossiers=200),
}


# Corpora also built by Hugo, in the same run, as the peer to compare with (issue 18).
HUGO_PEER = ("citego",)


def _tree_memory(pid: int) -> int:
    """Bytes of memory used by a process and all its descendants: the sum of their
    proportional set sizes (pages shared after a fork are counted once)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    ppid = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/smaps_rollup", "rb") as rollup:
                for line in rollup:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError, IndexError):
            pass
    return total


def timed_build(content: Path, output: Path, cache: Path) -> dict:
    """`treillis build` in a new process: wall seconds, peak MB, the build's own report."""
    report = output.parent / f"{output.name}-report.json"
    command = [sys.executable, "-m", "benchmarks.build_once", str(content), str(output)]
    command += [str(cache), str(report)]
    # An installed package runs from compiled bytecode (pip compiles it at install time);
    # a shell with PYTHONDONTWRITEBYTECODE would make every build compile Treillis again.
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    measured = timed(command, environment)
    built = json.loads(report.read_text(encoding="utf-8"))
    return {**measured, **built}


def timed(command: list[str], environment: dict[str, str] | None = None) -> dict:
    """A command in a new process: wall seconds and peak MB of it and its children."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=environment)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_memory(process.pid))
            stop.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed (exit {code})")
    return {"seconds": round(seconds, 2), "peak_mb": round(peak / 2**20)}


def _settle(content: Path) -> None:
    """Wait until the content is at rest, as a user's is when they build: a file changed
    less than `_SETTLED_NS` before a build may change again unseen within its clock's
    tick, so the next build reads it again (`treillis.incremental.Known`). Built at once,
    the 10,000 files the generator wrote last (of 50,000) were read again by the no-op
    build, measured at 1.06 s instead of 0.5 s."""
    newest = max(
        (
            os.stat(os.path.join(folder, name)).st_ctime_ns
            for folder, _dirs, names in os.walk(content)
            for name in names
        ),
        default=0,
    )
    time.sleep(max(0.0, (newest + _SETTLED_NS - time.time_ns()) / 1e9 + 0.1))


# How long an inode freed stays apart on a file system like this machine's (ext4 without a
# journal: 30 s, 35 while its table block is unwritten), with a margin.
_DELETED_INODES_S = 36.0


class _Deletions:
    """When files were last deleted (by the benchmark, or a build replacing its output),
    for a cold build to wait until they weigh no more on making new ones. Without a
    journal, ext4 does not give again an inode freed less than 30 s before, and checks each
    such one it meets, one by one, for every file it makes: a cold build just after an
    edit build replaced 20,000 files spent seconds more in the kernel (perf:
    `recently_deleted`, from `find_inode_bit`), the more the more files the build makes.
    A user's cold build follows no such deletion."""

    def __init__(self) -> None:
        self.at: float | None = None

    def now(self) -> None:
        self.at = time.monotonic()

    def wait(self) -> None:
        if self.at is not None:
            time.sleep(max(0.0, self.at + _DELETED_INODES_S - time.monotonic()))


def _edited_document(content: Path) -> Path:
    documents = sorted(p for p in (content / "dossiers").glob("*/*.md") if p.name != "index.md")
    return documents[len(documents) // 2]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


QUERIES = ("habitants", "budget participatif", "logement", "démocratie locale", "eau")


def search_first_result(output: Path) -> dict:
    """What the search page downloads before its first result, in Debian's chromium over
    http: every file it received before showing results (largest of QUERIES), and
    when it showed them (median)."""
    from tests.browser import browser_page, served

    gzipped: dict[str, int] = {}

    def size(url: str, base: str) -> int:
        if url not in gzipped:
            path = output / url.removeprefix(base).split("?")[0]
            gzipped[url] = len(gzip.compress(path.read_bytes(), 6)) if path.is_file() else 0
        return gzipped[url]

    worst = {"search_query": "", "search_first_result_gzip": 0, "search_first_result_files": 0}
    times = []
    before_results = """() => {
      const shown = performance.getEntriesByName('treillis-search-results')[0];
      return shown && performance.getEntriesByType('resource')
        .filter((r) => r.responseEnd <= shown.startTime).map((r) => r.name);
    }"""
    with served(output) as base, browser_page() as page:
        for query in QUERIES:
            page.goto(f"{base}search/index.html?q={query}")
            page.wait_for_function(before_results)
            asked = [url for url in page.evaluate(before_results) if "/assets/search/" in url]
            times.append(
                page.evaluate(
                    "() => performance.getEntriesByName('treillis-search-results')[0].startTime"
                )
            )
            total = sum(size(url, base) for url in asked)
            if total > worst["search_first_result_gzip"]:
                worst = {
                    "search_query": query,
                    "search_first_result_gzip": total,
                    "search_first_result_files": len(asked),
                }
    # Since the navigation started, over http on 127.0.0.1 (no network transfer time).
    worst["search_first_result_ms"] = round(statistics.median(times))
    return worst


def measure(name: str, scratch: Path, repeat: int, deletions: _Deletions) -> dict:
    """Cold, no-op and one-edit builds, each `repeat` times: medians."""
    started = time.perf_counter()
    content = CORPORA[name](scratch / name / "content")
    generated = time.perf_counter() - started
    colds, noops, edits, title_edits, hugos = [], [], [], [], []
    pages: dict[str, dict] = {}
    peer, peer_pages = None, 0
    if name in HUGO_PEER:
        peer = hugo.hugo_site(content, scratch / name / "hugo")
    document = _edited_document(content)
    _settle(content)
    made: list[Path] = []  # the previous run's folders
    for run in range(repeat):
        # Each cold build, of either peer, into folders of its own, none deleted just before.
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)
        if made:
            deletions.now()
        deletions.wait()
        output, cache = scratch / name / f"output-{run}", scratch / name / f"cache-{run}"
        made = [output, cache]
        colds.append(timed_build(content, output, cache))
        if run == 0:
            pages = output_size.measure(output)  # the cold build's output, by page kind
        if peer is not None:
            # Alternating, in the same run: both see the same machine load. Like Treillis
            # just before, into a new folder: a destination left by the previous run would
            # be overwritten in place (its files and folders already made), a cheaper
            # write than a cold build's.
            peer_output = scratch / name / f"hugo-output-{run}"
            made += [peer_output, hugo.cache_of(peer_output)]
            hugos.append(timed(hugo.build_command(peer, peer_output)))
            if run == 0:  # what it made, beside Treillis's pages (in every language)
                peer_pages = sum(1 for _ in peer_output.rglob("*.html"))
        noops.append(timed_build(content, output, cache))
        with document.open("a", encoding="utf-8") as text:
            text.write(f"\nUne phrase ajoutée pour mesurer la reconstruction ({run}).\n")
        edits.append(timed_build(content, output, cache))
        # A title shows in its dossier's and descriptors' lists: more pages to redo.
        text = document.read_text(encoding="utf-8")
        document.write_text(
            text.replace("\ntitle: ", f"\ntitle: Révisé {run} — ", 1), encoding="utf-8"
        )
        title_edits.append(timed_build(content, output, cache))
        deletions.now()

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    cold = sorted(colds, key=lambda r: r["seconds"])[len(colds) // 2]
    compared = {}
    if hugos:
        hugo_cold = median(hugos, "seconds")
        compared = {
            "hugo": hugo.version(),
            "hugo_cold_s": hugo_cold,
            "hugo_pages": peer_pages,
            "cold_vs_hugo": round(median(colds, "seconds") / hugo_cold, 2),
        }
    return {
        "site": name,
        "documents": cold["documents"],
        "descriptors": cold["descriptors"],
        "pages": cold["pages"],
        "runs": repeat,
        "corpus_s": round(generated, 1),
        "cold_s": median(colds, "seconds"),
        **compared,
        "noop_s": median(noops, "seconds"),
        "edit_s": median(edits, "seconds"),
        "edit_pages_s": median(edits, "pages_seconds"),
        "edit_search_s": statistics.median(r["steps"].get("search index", 0) for r in edits),
        "edit_rendered": max(r["rendered"] for r in edits),
        "edit_title_s": median(title_edits, "seconds"),
        "edit_title_pages_s": median(title_edits, "pages_seconds"),
        "edit_title_search_s": statistics.median(
            r["steps"].get("search index", 0) for r in title_edits
        ),
        "edit_title_rendered": max(r["rendered"] for r in title_edits),
        "peak_mb": max(r["peak_mb"] for r in colds + noops + edits + title_edits),
        "output_mb": round(folder_bytes(output) / 2**20, 1),
        **search_first_result(output),
        "cold_steps": cold["steps"],
        # Each run, in order (the medians move with the machine: see how far apart they are).
        "runs_s": {"cold": [r["seconds"] for r in colds], "hugo_cold": [r["seconds"] for r in hugos]},
        "output_pages": pages,
    }


def verdicts(row: dict) -> list[str]:
    found = []
    for key, bound in TARGETS.get(row["site"], {}).items():
        value = row[key]
        found.append(
            f"{row['site']} {key} = {value} (target ≤ {bound}): "
            + ("met" if value <= bound else "NOT met")
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--only", nargs="*", choices=list(CORPORA), help="measure only these corpora"
    )
    parser.add_argument("--skip-large", action="store_true", help="leave out the 50,000 documents")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measure (medians); the large site: 1"
    )
    args = parser.parse_args()
    names = args.only or [n for n in CORPORA if not (args.skip_large and n == "large")]
    if "service-public" in names and not (DATA / "service-public").is_dir():
        print(f"service-public left out: {DATA} is missing")
        names.remove("service-public")
    rows = []
    deletions = _Deletions()
    with tempfile.TemporaryDirectory(prefix="treillis-bench-") as folder:
        for name in names:
            repeat = 1 if name == "large" else args.repeat
            rows.append(measure(name, Path(folder), repeat, deletions))
            print(f"measured {name}", flush=True)
        # Said before the folder goes: the large site's takes minutes to delete.
        report(rows, args.json)


def report(rows: list[dict], json_file: Path | None) -> None:
    print_table(
        [
            {k: v for k, v in row.items() if k not in ("cold_steps", "output_pages", "runs_s")}
            for row in rows
        ]
    )
    for row in rows:
        steps = ", ".join(f"{k} {v:.2f}" for k, v in row["cold_steps"].items())
        print(f"{row['site']} cold build steps (s): {steps}")
        runs = "; ".join(f"{k} {v}" for k, v in row["runs_s"].items() if v)
        print(f"{row['site']} each run (s): {runs}")
        output_size.print_report(row["output_pages"], row["site"])
    for row in rows:
        for line in verdicts(row):
            print(line)
    sys.stdout.flush()
    if json_file:
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
