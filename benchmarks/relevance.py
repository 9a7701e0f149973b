"""Relevance benchmark: does search find what a reader means? Treillis and Pagefind, one run.

    python -m benchmarks.relevance [--json FILE] [--browser-sample N]

The 1,394 service-public.fr sheets for individuals (../shared/data, Licence
Ouverte 2.0, DILA) become a Treillis site, one document per sheet and no
descriptors, built into a temporary folder. Pagefind (PyPI `pagefind[bin]`,
`pip install -c constraints.txt -e '.[bench]'`) indexes the same built pages.

Queries are generated from the sheets with a fixed seed. Known-item queries
expect one sheet: a few words of its title as written, without accents, with
one word's number changed (singular and plural), with an elided word written
otherwise (’ for ', d' for l'), with one typo, with two typos in two
words. Topical queries are the themes of the sheets' breadcrumbs; the
sheets filed under a theme are its relevant set.

Treillis answers in Python (`treillis.search.engine`, what the browser does),
and a sample of queries is typed into the built search page in Debian's
chromium over http on 127.0.0.1, to check that both give the same top 10.
Pagefind answers in chromium through its JS API (it does not work over
file://). Printed: success@1, success@10 and MRR@10 per engine and group,
precision@10 on topical queries, the queries whose sheet is not in the top
10, and the bytes (gzip) a reader downloads before the first results.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.corpora import service_public_site
from benchmarks.report import SERVICE_PUBLIC, print_table
from benchmarks.search import first_result_files
from treillis.search.pipelines import FRENCH_STOP_WORDS

AUDIENCE = "particuliers"
SEED = 16
PER_GROUP = 30
GROUPS = ("exact", "no-accents", "plural", "elision", "one-typo", "two-typos")
TOPICAL = "topical"
MIN_THEME_SHEETS = 10  # a theme with fewer sheets cannot fill a top 10
TOP = 10
PAGEFIND_VERSION = "1.5.2"
# What Pagefind indexes: the documents' pages (as Treillis does), from their <main> without
# the navigation and page furniture, so that both engines see the same words.
PAGEFIND_ARGS = [
    "--glob",
    "dossiers/*/*/index.html",
    "--root-selector",
    "main",
    "--exclude-selectors",
    "nav, .kicker, .meta, .basket-action",
]
# Words a reader leaves out of a title's "few words", besides the stop words.
QUESTION_WORDS = {
    *("comment", "où", "quand", "quoi", "quel", "cas", "faut", "faire", "être", "avoir"),
    *("peut", "peuvent", "doit", "doivent"),
}
ELIDED = re.compile(r"^(l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’](.+)$", re.I)
# Letters, an elided article kept with its word; hyphens and digits separate words.
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Sheet:
    slug: str  # the page's folder: dossiers/particuliers/<slug>/
    title: str
    theme: str | None  # the breadcrumb's second level, under Travail, Argent…


@dataclass
class Query:
    group: str
    text: str
    relevant: frozenset[str]  # slugs
    found: dict[str, list[str]] = field(default_factory=dict)  # engine -> top slugs
    counts: dict[str, int] = field(default_factory=dict)  # engine -> documents found

    def rank(self, engine: str) -> int | None:
        """Rank (from 1) of the first relevant sheet in this engine's top 10."""
        for position, slug in enumerate(self.found.get(engine, [])[:TOP], 1):
            if slug in self.relevant:
                return position
        return None


def read_sheets() -> tuple[list[Sheet], frozenset[str]]:
    """The sheets, and every word they use (lowercase, without elided articles)."""
    from treillis.sources import split_front_matter

    sheets = []
    vocabulary: set[str] = set()
    for path in sorted((SERVICE_PUBLIC / AUDIENCE).glob("*.md")):
        source = split_front_matter(path.read_text(encoding="utf-8"))
        crumbs = [str(c) for c in source.meta.get("breadcrumb") or []]
        theme = crumbs[2] if len(crumbs) > 3 else None
        sheets.append(Sheet(path.stem.lower(), str(source.meta["title"]), theme))
        for token in WORD.findall(source.body.lower()):
            match = ELIDED.match(token)
            vocabulary.add(match.group(2) if match else token)
    return sheets, frozenset(vocabulary)


def strip_accents(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def title_words(title: str) -> list[tuple[str, str]]:
    """The title's content words as (word as written, lowercase; without its elided article)."""
    words = []
    for token in WORD.findall(title.lower()):
        match = ELIDED.match(token)
        bare = match.group(2) if match else token
        if len(bare) >= 2 and bare not in FRENCH_STOP_WORDS and bare not in QUESTION_WORDS:
            words.append((token, bare))
    return words


def window(words: list, rng: random.Random, must: int | None = None) -> list:
    """2 to 4 consecutive words (those a reader remembers), including position `must`."""
    size = min(len(words), rng.randint(2, 4))
    first_choices = range(len(words) - size + 1)
    if must is not None:
        first_choices = [s for s in first_choices if s <= must < s + size]
    first = rng.choice(list(first_choices))
    return words[first : first + size]


def change_number(word: str) -> str:
    """The plural of a singular word, the singular of a plural (the usual French rules)."""
    if word.endswith(("eaux", "eux")):
        return word[:-1]
    if word.endswith("aux") and len(word) > 4:
        return word[:-3] + "al"
    if word.endswith(("s", "x")):
        return word[:-1]
    if word.endswith("al"):
        return word[:-2] + "aux"
    if word.endswith(("eau", "eu")):
        return word + "x"
    return word + "s"


def typo(word: str, rng: random.Random) -> str:
    """One edit (a letter replaced, left out, added, or two swapped), never the first letter."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    position = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("replace", "delete", "insert", "swap"))
    if kind == "replace":
        return (
            word[:position] + rng.choice(letters.replace(word[position], "")) + word[position + 1 :]
        )
    if kind == "delete":
        return word[:position] + word[position + 1 :]
    if kind == "insert":
        return word[:position] + rng.choice(letters) + word[position:]
    if word[position] == word[position + 1]:  # a swap of equal letters changes nothing
        return word[:position] + word[position + 1 :]
    return word[:position] + word[position + 1] + word[position] + word[position + 2 :]


def known_item_query(
    group: str, sheet: Sheet, rng: random.Random, vocabulary: frozenset[str]
) -> str | None:
    """A query of `group` meant to find `sheet`, or None when its title does not lend itself."""
    words = title_words(sheet.title)
    if len(words) < 2:
        return None
    if group == "elision":
        elided = [i for i, (token, _) in enumerate(words) if ELIDED.match(token)]
        if not elided:
            return None
        target = rng.choice(elided)
        chosen = window(words, rng, must=target)
        article, bare = ELIDED.match(words[target][0]).groups()
        if article in ("l", "d") and rng.random() < 0.5:
            written = f"{'d' if article == 'l' else 'l'}'{bare}"  # "d'habitat" for "l'habitat"
        else:
            written = f"{article}’{bare}"  # the typographic apostrophe
        return " ".join(written if w is words[target] else w[1] for w in chosen)
    chosen = [bare for _, bare in window(words, rng)]
    if group == "exact":
        return " ".join(chosen)
    if group == "no-accents":
        text = " ".join(chosen)
        return strip_accents(text) if strip_accents(text) != text else None
    if group == "plural":
        # Only a form the sheets use: "contrats", never the "embauchers" of a verb.
        candidates = [
            i for i, w in enumerate(chosen) if len(w) >= 4 and change_number(w) in vocabulary
        ]
        if not candidates:
            return None
        target = rng.choice(candidates)
        chosen[target] = change_number(chosen[target])
        return " ".join(chosen)
    long_words = [i for i, w in enumerate(chosen) if len(w) >= 5]
    wanted = 1 if group == "one-typo" else 2
    if len(long_words) < wanted:
        return None
    for target in rng.sample(long_words, wanted):
        chosen[target] = typo(chosen[target], rng)
    return " ".join(chosen)


def known_item_queries(
    sheets: list[Sheet], rng: random.Random, vocabulary: frozenset[str]
) -> list[Query]:
    queries = []
    for group in GROUPS:
        candidates = sheets[:]
        rng.shuffle(candidates)
        made = 0
        for sheet in candidates:
            text = known_item_query(group, sheet, rng, vocabulary)
            if text is None:
                continue
            queries.append(Query(group, text, frozenset({sheet.slug})))
            made += 1
            if made == PER_GROUP:
                break
    return queries


def topical_queries(sheets: list[Sheet], rng: random.Random) -> list[Query]:
    """One query per theme of at least MIN_THEME_SHEETS sheets, as a reader would shorten it."""
    themes: dict[str, set[str]] = {}
    for sheet in sheets:
        if sheet.theme:
            themes.setdefault(sheet.theme, set()).add(sheet.slug)
    for sheet in sheets:  # a theme's own overview sheet belongs to it too
        if sheet.title in themes:
            themes[sheet.title].add(sheet.slug)
    # "Impôt sur le revenu : déclaration…" is shortened to what comes before ":" or ","
    # unless another theme starts the same way; a bracketed precision is left out.
    heads: dict[str, int] = {}
    for theme in themes:
        head = re.split(r" : |, ", theme)[0]
        heads[head] = heads.get(head, 0) + 1
    queries = []
    for theme, slugs in sorted(themes.items()):
        if len(slugs) < MIN_THEME_SHEETS:
            continue
        head = re.split(r" : |, ", theme)[0]
        text = head if heads[head] == 1 and " " in head else theme
        text = re.sub(r"\s*\([^)]*\)", "", text)
        text = " ".join(WORD.findall(text.lower()))
        if rng.random() < 0.5:
            text = strip_accents(text)
        queries.append(Query(TOPICAL, text, frozenset(slugs)))
    return queries


def make_queries(sheets: list[Sheet], vocabulary: frozenset[str]) -> list[Query]:
    rng = random.Random(SEED)
    return known_item_queries(sheets, rng, vocabulary) + topical_queries(sheets, rng)


# ---- Treillis, in Python ----


def _search_data(output: Path, name: str) -> dict:
    script = (output / "assets" / "search" / "data" / f"{name}.js").read_text(encoding="utf-8")
    match = re.fullmatch(r'TreillisSearch\.add\("([^"]+)",(.*)\);\n', script, re.S)
    if not match:
        raise ValueError(f"{name}.js is not a search data file")
    return json.loads(json.loads(match.group(2)))


def _whole_index(output: Path, name: str) -> dict:
    """A serialised lunr index, its shards put together on a large site."""
    from treillis.search.shards import merge_shards

    data = _search_data(output, name)
    if "shards" not in data:
        return data
    parts = [_search_data(output, f"{name}-{file}") for file in data["files"]]
    return merge_shards(data, parts)


def _slugs(output: Path) -> Callable[[int], str]:
    """A document's number (its lunr reference in base 36) to its page's slug."""
    store = _search_data(output, "store")
    slug = _search_data(output, "schema")["doc"]["slug"]
    if "docs" in store:
        return lambda number: store["docs"][number][slug]
    blocks: dict[int, list] = {}

    def of(number: int) -> str:
        block = number // store["block"]
        if block not in blocks:
            blocks[block] = _search_data(output, f"docs-{block}")
        return blocks[block][number % store["block"]][slug]

    return of


def treillis_python(output: Path, queries: list[Query]) -> None:
    """The search page's rankings as `treillis.search.engine` gives them: the final one (the
    full index, "treillis") and the first results shown (the quick index, "treillis-quick")."""
    from treillis.search.engine import load_index, search

    slug_of = _slugs(output)
    for engine, name in (("treillis", "fr-full"), ("treillis-quick", "fr-quick")):
        index = load_index(_whole_index(output, name))
        for query in queries:
            _prepared, refs = search(index, "fr", query.text)
            query.found[engine] = [slug_of(int(ref, 36)) for ref in refs[:TOP]]
            query.counts[engine] = len(refs)


# ---- Both engines in chromium ----


def _slug_of_url(url: str) -> str | None:
    """dossiers/particuliers/<slug>/ (Pagefind) or …/<slug>/index.html (Treillis)."""
    parts = [p for p in urlsplit(url).path.split("/") if p and p != "index.html"]
    return parts[2] if len(parts) == 3 and parts[0] == "dossiers" else None


def transferred(output: Path, base: str, urls: list[str]) -> int:
    """Bytes over a network that compresses: each file gzipped, unless it already is."""
    total = 0
    for url in dict.fromkeys(urls):
        data = (output / urlsplit(url).path.removeprefix(urlsplit(base).path)).read_bytes()
        total += min(len(data), len(gzip.compress(data, 6)))
    return total


TREILLIS_PAGE = """(top) => {
  const strings = JSON.parse(document.getElementById('search-strings').textContent);
  const status = document.getElementById('search-status').textContent;
  if (!performance.getEntriesByName('treillis-search-full').length) return null;
  if (!status || status === strings.loading || status.includes(strings.partial)) return null;
  const first = performance.getEntriesByName('treillis-search-results')[0].startTime;
  return {
    urls: [...document.querySelectorAll('#search-results .search-result__title a')]
      .slice(0, top).map((a) => a.href),
    loaded: performance.getEntriesByType('resource')
      .filter((r) => r.responseEnd <= first && r.name.includes('/assets/search/'))
      .map((r) => r.name),
  };
}"""

# Pagefind searches in a web worker, whose requests the page's resource timing does not
# list: its bytes come from the context's network events. Fragments hold the results' urls.
PAGEFIND_SEARCH = """async ({queries, top}) => {
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const found = [];
  for (const query of queries) {
    const search = await pagefind.search(query);
    const data = await Promise.all(search.results.slice(0, top).map((r) => r.data()));
    found.push({urls: data.map((d) => d.url), total: search.results.length});
  }
  return found;
}"""


def _fresh_page(browser, url: str):
    """A page in a new context (an empty cache, as for a reader's first search).

    `page.fetched` lists the urls of the requests done, the page's workers' included.
    """
    context = browser.new_context()
    page = context.new_page()
    page.fetched = []
    context.on("requestfinished", lambda request: page.fetched.append(request.url))
    page.goto(url)
    return context, page


def treillis_browser(browser, output: Path, base: str, sample: list[Query]) -> list[int]:
    """The sample typed into the search page (a new reader each time); bytes before results."""
    sizes = []
    for query in sample:
        context, page = _fresh_page(browser, f"{base}search/index.html?q={quote(query.text)}")
        try:
            shown = page.wait_for_function(TREILLIS_PAGE, arg=TOP, timeout=60_000).json_value()
        except PlaywrightTimeout:
            raise SystemExit(
                f"the search page showed no results for {query.text!r} in 60 s"
            ) from None
        finally:
            context.close()
        query.found["treillis-browser"] = [_slug_of_url(u) for u in shown["urls"]]
        sizes.append(transferred(output, base, shown["loaded"]))
    return sizes


def pagefind_browser(
    browser, output: Path, base: str, queries: list[Query], sample: list[Query]
) -> list[int]:
    """Every query through Pagefind's JS API; bytes for each sampled query, a new reader each.

    Counted: its script, worker, wasm, metadata and index chunks, and the fragments of the
    top 10 (their titles); not a user interface (pagefind-ui.js), which Treillis's count has.
    """
    context, page = _fresh_page(browser, base + "index.html")
    try:
        answers = page.evaluate(PAGEFIND_SEARCH, {"queries": [q.text for q in queries], "top": TOP})
    finally:
        context.close()
    for query, answer in zip(queries, answers, strict=True):
        query.found["pagefind"] = [_slug_of_url(u) for u in answer["urls"]]
        query.counts["pagefind"] = answer["total"]
    sizes = []
    for query in sample:
        context, page = _fresh_page(browser, base + "index.html")
        try:
            page.evaluate(PAGEFIND_SEARCH, {"queries": [query.text], "top": TOP})
        finally:
            context.close()
        bundle = [url.split("?")[0] for url in page.fetched if "/pagefind/" in url]
        sizes.append(transferred(output, base, bundle))
    return sizes


def run_pagefind(output: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(output), *PAGEFIND_ARGS, "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 or not (output / "pagefind" / "pagefind.js").is_file():
        raise SystemExit(f"pagefind failed:\n{done.stdout}{done.stderr}")


# ---- Scores ----


def known_item_row(engine: str, group: str, queries: list[Query]) -> dict:
    ranks = [q.rank(engine) for q in queries]
    return {
        "engine": engine,
        "group": group,
        "queries": len(queries),
        "success@1": round(sum(r == 1 for r in ranks) / len(ranks), 3),
        "success@10": round(sum(r is not None for r in ranks) / len(ranks), 3),
        "MRR@10": round(sum(1 / r for r in ranks if r) / len(ranks), 3),
    }


def topical_row(engine: str, queries: list[Query]) -> dict:
    precision = [len(set(q.found[engine][:TOP]) & q.relevant) / TOP for q in queries]
    return {
        "engine": engine,
        "group": TOPICAL,
        "queries": len(queries),
        "precision@10": round(statistics.mean(precision), 3),
    }


def scores(queries: list[Query], engines: tuple[str, ...]) -> list[dict]:
    rows = []
    known = [q for q in queries if q.group != TOPICAL]
    for engine in engines:
        for group in GROUPS:
            rows.append(known_item_row(engine, group, [q for q in known if q.group == group]))
        rows.append(known_item_row(engine, "known-item (all)", known))
        rows.append(topical_row(engine, [q for q in queries if q.group == TOPICAL]))
    return rows


def agreement(sample: list[Query]) -> dict:
    same = [q for q in sample if q.found["treillis"] == q.found["treillis-browser"]]
    return {
        "queries": len(sample),
        "same_top10": len(same),
        "different": [
            {"query": q.text, "python": q.found["treillis"], "browser": q.found["treillis-browser"]}
            for q in sample
            if q not in same
        ],
    }


def failures(queries: list[Query], engine: str) -> list[dict]:
    """Known-item queries whose sheet is not in this engine's top 10."""
    return [
        {
            "group": q.group,
            "query": q.text,
            "expected": sorted(q.relevant)[0],
            "top3": q.found[engine][:3],
        }
        for q in queries
        if q.group != TOPICAL and q.rank(engine) is None
    ]


def measure(scratch: Path, sample_size: int) -> dict:
    started = time.perf_counter()
    from treillis.build import build

    sheets, vocabulary = read_sheets()
    queries = make_queries(sheets, vocabulary)
    content = service_public_site(
        scratch / "content", limit=len(sheets), folder=AUDIENCE, descriptors=False
    )
    output = scratch / "output"
    report = build(content, output, cache=False)
    run_pagefind(output)
    treillis_python(output, queries)
    sample = random.Random(SEED).sample(queries, min(sample_size, len(queries)))
    from tests.browser import chromium, served

    with served(output) as base, chromium() as browser:
        treillis_bytes = treillis_browser(browser, output, base, sample)
        pagefind_bytes = pagefind_browser(browser, output, base, queries, sample)
    static = first_result_files(output)
    return {
        "documents": report.documents,
        "queries": {group: sum(q.group == group for q in queries) for group in (*GROUPS, TOPICAL)},
        "scores": scores(queries, ("treillis", "pagefind")),
        "bytes_before_first_results": {
            "treillis_gzip_median": int(statistics.median(treillis_bytes)),
            "treillis_gzip_static": sum(len(gzip.compress(p.read_bytes(), 6)) for p in static),
            "pagefind_gzip_median": int(statistics.median(pagefind_bytes)),
        },
        "browser_agreement": agreement(sample),
        "documents_found_median": {
            engine: statistics.median(q.counts[engine] for q in queries)
            for engine in ("treillis", "pagefind")
        },
        # The first results (quick index) and the final ones: does the list reshuffle?
        "first_results_kept": {
            "queries": len(queries),
            "same_top10": sum(q.found["treillis-quick"] == q.found["treillis"] for q in queries),
            "same_top3": sum(
                q.found["treillis-quick"][:3] == q.found["treillis"][:3] for q in queries
            ),
        },
        "failing": {engine: failures(queries, engine) for engine in ("treillis", "pagefind")},
        "results": [
            {
                "group": q.group,
                "query": q.text,
                "relevant": sorted(q.relevant),
                **{engine: q.found[engine] for engine in ("treillis", "pagefind")},
            }
            for q in queries
        ],
        "seconds": round(time.perf_counter() - started, 1),
    }


def print_report(result: dict) -> None:
    print(f"{result['documents']} documents; queries: {result['queries']}")
    print_table(result["scores"])
    print()
    print_table([result["bytes_before_first_results"]])
    found = result["documents_found_median"]
    print(f"\nDocuments found (median): Treillis {found['treillis']}, Pagefind {found['pagefind']}")
    kept = result["first_results_kept"]
    print(
        f"Treillis's first results (quick index) have the final top 10 for {kept['same_top10']} "
        f"of {kept['queries']} queries, its top 3 for {kept['same_top3']}"
    )
    shared = result["browser_agreement"]
    print(
        f"\nTreillis in chromium gives Python's top 10 for {shared['same_top10']} of "
        f"{shared['queries']} sampled queries"
    )
    for difference in shared["different"]:
        print(
            f"  {difference['query']!r}: python {difference['python']}, browser {difference['browser']}"
        )
    for engine, failed in result["failing"].items():
        print(f"\n{engine}: {len(failed)} known-item queries miss their sheet in the top 10")
        for item in failed:
            print(
                f"  [{item['group']}] {item['query']!r} → {item['expected']} (top 3: {item['top3']})"
            )
    print(f"\n{result['seconds']} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--browser-sample",
        type=int,
        default=20,
        metavar="N",
        help="queries also run in chromium (default 20)",
    )
    args = parser.parse_args()
    if not (os.environ.get("TREILLIS_CHROMIUM") or shutil.which("chromium")):
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    if not (SERVICE_PUBLIC / AUDIENCE).is_dir():
        raise SystemExit(
            f"{SERVICE_PUBLIC / AUDIENCE}: no such folder (the sheets are in ../shared/data)"
        )
    try:
        import pagefind  # noqa: F401
    except ImportError:
        raise SystemExit(
            f"pagefind is not installed: pip install -c constraints.txt -e '.[bench]' "
            f"(pagefind[bin]=={PAGEFIND_VERSION})"
        ) from None
    with tempfile.TemporaryDirectory(prefix="treillis-bench-") as folder:
        result = measure(Path(folder), max(1, args.browser_sample))
    print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
