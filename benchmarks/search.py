"""Search benchmark: index build time, bytes before the first result, load and query times.

    python -m benchmarks.search [--json FILE]

Sites: the demo content and 1,600 service-public.fr sheets (../shared/data),
built into a temporary folder; times in the browser are measured in Debian's
chromium (Playwright), over http on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import json
import shutil
import statistics
from pathlib import Path

from benchmarks.corpora import service_public_site
from benchmarks.report import REPO, SERVICE_PUBLIC, run
from treillis.build import build

# Before the schema, which names the scripts of the site's languages (loaded next).
FIRST_RESULT_LIBRARIES = ("lunr.js", "search-core.js", "search-ui.js")
# Times since navigation start on the search page, over http on 127.0.0.1: what a
# reader on a fast network gets; the transfer over a real network comes on top.
QUERIES = [
    "habitants",
    "collectivité",
    "l'association",
    "déclaration",
    "impôt",
    "logement",
    "travail",
    "entreprise",
    "permis de conduire",
    "retraite",
    "famille",
    "santé",
    "titre:carte",
    "crèche",
    "subvention*",
    "contrat ET travail",
    "aide -logement",
    "oeuvre",
    "école",
    "vote",
]
BUDGET_GZIP_BYTES = 250_000  # transferred before the first result, at 1,600 documents


def first_result_files(output: Path) -> list[Path]:
    search = output / "assets" / "search"

    def data(name: str) -> dict:
        script = (search / "data" / f"{name}.js").read_text(encoding="utf-8")
        return json.loads(json.loads(script.split(",", 1)[1].rsplit(");", 1)[0]))

    store = data("store")
    return (
        [search / name for name in FIRST_RESULT_LIBRARIES]
        + [search / name for name in data("schema")["scripts"]]
        + [search / "data" / f"{name}.js" for name in ("schema", "store", "labels-fr")]
        + [search / "data" / f"{lang}-quick.js" for lang in store["languages"]]
    )


# A phone's CPU against this machine's, as Lighthouse's mobile emulation slows it down.
PHONE_CPU_SLOWDOWN = 4


def browser_times(output: Path) -> dict:
    """Times on the search page: when the quick and full indexes are ready, and what the full
    index costs: parsing its JSON, computing its weights from its counts (see
    treillis/search/index.py's Postings; also with a phone's CPU: `full_weights_phone_ms`),
    loading it into lunr; the median query."""
    from tests.browser import browser_page, served

    measure = """async (queries) => {
      const wait = (test) => new Promise((resolve) => {
        const check = () => test() ? resolve() : setTimeout(check, 5);
        check();
      });
      const mark = (name) => performance.getEntriesByName(name)[0];
      await wait(() => mark('treillis-search-full'));
      const search = window.TreillisSearch;
      const raw = JSON.stringify(search.data['fr-full']);
      const parseStart = performance.now();
      const parsed = JSON.parse(raw);
      const parseMs = performance.now() - parseStart;
      const weightsStart = performance.now();
      const expanded = search.expandIndex(parsed);
      const weightsMs = performance.now() - weightsStart;
      const loadStart = performance.now();
      const index = lunr.Index.load(expanded);
      const loadMs = performance.now() - loadStart;
      const times = queries.map((q) => {
        const t = performance.now();
        search.search(index, search.prepareQuery(q, 'fr', index));
        return performance.now() - t;
      });
      return {quick_ready_ms: mark('treillis-search-quick').startTime,
              full_ready_ms: mark('treillis-search-full').startTime,
              full_parse_ms: parseMs, full_weights_ms: weightsMs, full_index_load_ms: loadMs,
              query_ms: times};
    }"""
    weights = """() => {
      const search = window.TreillisSearch;
      const started = performance.now();
      search.expandIndex(search.data['fr-full']);
      return performance.now() - started;
    }"""
    with served(output) as base, browser_page() as page:
        page.goto(base + "search/index.html")
        result = page.evaluate(measure, QUERIES)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE_CPU_SLOWDOWN})
        result["full_weights_phone_ms"] = page.evaluate(weights)
    result["query_median_ms"] = statistics.median(result.pop("query_ms"))
    return {key: round(value, 1) for key, value in result.items()}


def weights_time(search_folder: Path, names: list[str], slowdown: int = PHONE_CPU_SLOWDOWN) -> dict:
    """Milliseconds chromium takes to compute the weights of each of these data files of
    `search_folder` (an index, or a head and one of its shards: `["fr-full", "fr-full-…"]`
    times the shard), its CPU slowed down `slowdown` times (a phone's, by default): the
    median of 5. Nothing else is loaded: lunr.js, search-core.js and the files."""
    from tests.browser import browser_page

    with browser_page() as page:
        page.goto("about:blank")
        for script in ("lunr.js", "search-core.js"):
            page.add_script_tag(content=(search_folder / script).read_text(encoding="utf-8"))
        for name in names:
            script = search_folder / "data" / f"{name}.js"
            page.add_script_tag(content=script.read_text(encoding="utf-8"))
        cdp = page.context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
        timing = """([head, part]) => {
          const search = window.TreillisSearch, times = [];
          const data = part ? Object.assign({}, search.data[head], search.data[part])
                            : search.data[head];
          for (let i = 0; i < 5; i++) {
            const started = performance.now();
            search.expandIndex(data);
            times.push(performance.now() - started);
          }
          return times.sort((a, b) => a - b)[2];
        }"""
        shard = names[1] if len(names) > 1 else None
        return {"file": names[-1], "weights_ms": round(page.evaluate(timing, [names[0], shard]), 1)}


def measure(name: str, content: Path, output: Path) -> dict:
    report = build(content, output, cache=False)
    files = first_result_files(output)
    raw = sum(path.stat().st_size for path in files)
    zipped = sum(len(gzip.compress(path.read_bytes(), 6)) for path in files)
    full = output / "assets/search/data/fr-full.js"
    return {
        "site": name,
        "documents": report.documents,
        "index_build_s": round(report.steps["search index"], 2),
        "first_result_bytes": raw,
        "first_result_gzip": zipped,
        "full_index_bytes": full.stat().st_size,
        "full_index_gzip": len(gzip.compress(full.read_bytes(), 6)),
        **browser_times(output),
    }


def main() -> None:
    def measure_all(scratch: Path) -> list[dict]:
        demo = scratch / "demo" / "content"
        shutil.copytree(REPO / "content", demo)
        results = [measure("demo", demo, scratch / "demo" / "output")]
        if SERVICE_PUBLIC.is_dir():
            corpus = service_public_site(scratch / "sp" / "content", limit=1600)
            results.append(measure("service-public-1600", corpus, scratch / "sp" / "output"))
        return results

    def verdict(row: dict) -> str:
        met = "met" if row["first_result_gzip"] <= BUDGET_GZIP_BYTES else "NOT met"
        return f"budget {BUDGET_GZIP_BYTES} gzip bytes before the first result: {met}"

    run(__doc__, measure_all, verdict)


if __name__ == "__main__":
    main()
