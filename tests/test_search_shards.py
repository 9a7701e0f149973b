"""Large sites: indexes cut into shards by term give what the whole index gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_search_parity import FRENCH_QUERIES, node_results
from treillis.search import shards
from treillis.search.index import expand_index


def _data(output: Path, name: str):
    script = (output / "assets/search/data" / f"{name}.js").read_text(encoding="utf-8")
    match = re.fullmatch(r'TreillisSearch\.add\("([^"]+)",(.*)\);\n', script, re.S)
    assert match and match.group(1) == name
    return json.loads(json.loads(match.group(2)))


def _by_term(index: dict) -> tuple[dict, dict]:
    """Postings and field vectors by term rather than term number (the compact form renumbers
    terms)."""
    terms = {posting["_index"]: term for term, posting in index["invertedIndex"]}
    postings = {
        term: {k: v for k, v in posting.items() if k != "_index"}
        for term, posting in index["invertedIndex"]
    }
    vectors = {
        ref: {terms[v[i]]: v[i + 1] for i in range(0, len(v), 2)}
        for ref, v in index["fieldVectors"]
        if v
    }
    return postings, vectors


def test_shards_put_together_are_the_whole_index(sharded_output: Path, demo_output: Path) -> None:
    for name in ("fr-quick", "fr-full"):
        meta = _data(sharded_output, name)
        assert len(meta["shards"]) >= 5 and meta["shards"] == sorted(meta["shards"])
        assert len(set(meta["files"])) == len(meta["shards"])
        parts = [_data(sharded_output, f"{name}-{file}") for file in meta["files"]]
        whole = expand_index(_data(demo_output, name))
        merged = expand_index(shards.merge_shards(meta, parts))
        assert _by_term(merged) == _by_term(whole)
        # Each shard starts where the list says and holds only its own terms.
        ends = [*meta["shards"][1:], None]
        for first, end, part in zip(meta["shards"], ends, parts, strict=True):
            assert part["terms"][0] == first and part["terms"] == sorted(part["terms"])
            assert end is None or part["terms"][-1] < end
            assert len(part["postings"]) == len(part["terms"])


@pytest.mark.parametrize("name", ["fr-quick", "fr-full"])
def test_a_query_loads_only_its_shards_and_finds_what_the_whole_index_finds(
    name: str, sharded_output: Path, demo_output: Path
) -> None:
    # Excluded words only too. Not phrases: a large site keeps no positions of words, so its
    # phrases only require their words.
    queries = [q for q in FRENCH_QUERIES if not set(q) & set('"\u201c\u201d')]
    queries += ["-charte", "-zzzz", "-titre:charte"]
    sharded = node_results(name, "fr", queries, sharded_output)
    whole = node_results(name, "fr", queries, demo_output)
    total = len(_data(sharded_output, name)["shards"])
    found = 0
    for mine, theirs in zip(sharded, whole, strict=True):
        assert mine["prepared"] == theirs["prepared"], mine["query"]
        assert mine["refs"] == theirs["refs"], mine["query"]
        assert mine["scores"] == pytest.approx(theirs["scores"], rel=1e-9), mine["query"]
        found += bool(mine["refs"])
        plain = "~" not in mine["prepared"] and "*" not in mine["prepared"]
        if mine["prepared"] and plain and not mine["query"].startswith("-"):
            words = len(mine["prepared"].split())
            assert mine["shards"] <= words < total, mine["query"]
    assert found >= 30


def test_display_data_comes_in_blocks(sharded_output: Path, demo_output: Path) -> None:
    store = _data(sharded_output, "store")
    whole = _data(demo_output, "store")
    assert "docs" not in store and store["count"] == len(whole["docs"]) and store["block"] == 8
    blocks = -(-store["count"] // 8)
    docs = [doc for n in range(blocks) for doc in _data(sharded_output, f"docs-{n}")]
    excerpts = [e for n in range(blocks) for e in _data(sharded_output, f"excerpts-{n}")]
    assert docs == whole["docs"] and excerpts == _data(demo_output, "excerpts")


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_the_search_page_of_a_large_site_loads_what_a_query_needs(
    sharded_output: Path, demo_output: Path, scheme: str
) -> None:
    from tests.browser import browser_page, site_base
    from tests.test_search_browser import as_paths, python_paths, run_search

    with site_base(sharded_output, scheme) as base, browser_page() as page:
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url.rsplit("/", 1)[-1]))
        for query in ("habitants", "collectivite", "l'habitant", "titre:charte", "habit*"):
            expected = python_paths(demo_output, query)  # the whole index, in Python
            shown = run_search(page, base, query)
            count = int(page.inner_text("#search-status").split()[0])
            assert count == len(expected), query
            assert len(shown) == min(20, count) and as_paths(base, shown) <= expected, query
            while page.locator(".search-more").count():  # "more results" until all are shown
                page.click(".search-more")
                page.wait_for_function(
                    f"() => document.querySelectorAll('.search-result').length > {len(shown)}"
                )
                shown = [
                    a.get_attribute("href") for a in page.locator(".search-result__title a").all()
                ]
            assert as_paths(base, shown) == expected, query
        every_shard = {
            f"{name}-{file}.js"
            for name in ("fr-quick", "fr-full")
            for file in _data(sharded_output, name)["files"]
        }
        shards_loaded = set(requested) & every_shard
        assert 0 < len(shards_loaded) < len(every_shard) / 2
        # No words' positions: as large as the full index (phrases only require their words).
        assert not list((sharded_output / "assets/search/data").glob("*-phrases.js"))
        # Filters work from the facets file: a type's count is what checking it gives.
        run_search(page, base, "habitants")
        option = page.locator(".facet:has(input[name=type]) .facet__option").first
        expected_count = int(re.search(r"\((\d+)\)", option.inner_text()).group(1))
        option.locator("input").check()
        page.wait_for_function("() => location.search.includes('type=')")
        page.wait_for_function(
            f"() => document.getElementById('search-status').textContent.startsWith('{expected_count} ')"
        )
        # The search box of every page lists options from the shards too.
        page.goto(base + "atlas/index.html")
        box = page.locator("#site-search")
        box.click()
        box.fill("budget participatif")
        page.wait_for_selector("#site-search-options [role=option]")
        assert page.console_errors == [] and page.failed_requests == []


def test_a_shard_is_encoded_unless_the_previous_build_wrote_the_same_data() -> None:
    """A shard's digest is made from its data (cheaper than its JSON): a shard whose
    previous file holds the same data is kept (no JSON); any other difference, a float
    included, or another name, gives the JSON a build from nothing writes."""
    shard = {"terms": ["eau"], "postings": [[[3, 1, 4], [3, 2, 9.5]]]}
    text, digest = shards.encoded("fr-full-0", shard, {})
    assert text == json.dumps(shard, ensure_ascii=False, separators=(",", ":")) and digest
    assert shards.encoded("fr-full-0", shard, {"fr-full-0": digest}) == (None, digest)
    assert shards.encoded("fr-full-0", shard, None) == (text, "")  # nothing kept: no digest
    changed = {**shard, "postings": [[[3, 1, 4], [3, 2, 9.51]]]}
    assert shards.encoded("fr-full-0", changed, {"fr-full-0": digest})[0] is not None
    assert shards.encoded("fr-full-1", shard, {"fr-full-0": digest})[0] == text
    assert shards.encoded("fr-full-1", shard, {"fr-full-1": digest})[0] == text
