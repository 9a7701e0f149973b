"""Search in a real browser, over http and from disk: French words, filters, permalinks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser import browser_page, site_base
from treillis.search.engine import load_index, search_languages
from treillis.search.schema import DOC_FIELDS

SCHEMES = ["file", "http"]


def data_file(output: Path, name: str) -> object:
    script = (output / f"assets/search/data/{name}.js").read_text(encoding="utf-8")
    match = re.fullmatch(rf'TreillisSearch\.add\("{name}",(.*)\);\n', script, re.S)
    return json.loads(json.loads(match.group(1)))


def python_paths(output: Path, query: str) -> set[str]:
    """What the Python engine finds in every language's full index, as page paths (and
    network records as their addresses)."""
    store = data_file(output, "store")
    indexes = {lang: load_index(data_file(output, f"{lang}-full")) for lang in store["languages"]}
    network = {
        lang: load_index(data_file(output, f"network-{lang}-full")) for lang in store["network"]
    }
    found = set()
    for _lang, ref in search_languages(indexes, query, network=network):
        doc = dict(zip(DOC_FIELDS, store["docs"][int(ref, 36)], strict=True))
        found.add(  # a network record links to its address on the partner's site
            doc["url"]
            or store["dossiers"][doc["dossier"]][1].removesuffix("index.html")
            + f"{doc['slug']}/index.html"
        )
    return found


def run_search(page, base: str, query: str, extra: str = "") -> list[str]:
    page.goto(f"{base}search/index.html?q={quote(query)}{extra}")
    page.wait_for_function(
        "() => { const s = document.getElementById('search-status').textContent;"
        " return s && !s.includes('premiers') && !s.includes('Chargement'); }"
    )
    links = page.locator(".search-result__title a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def as_paths(base: str, hrefs: list[str]) -> set[str]:
    return {h.replace(base, "", 1) for h in hrefs}


def french_documents_containing(content: Path, word: str) -> set[str]:
    from treillis.build import load

    site = load(content)
    found = set()
    for document in site.documents.values():
        text = " ".join((document.title, document.summary, document.body))
        if document.lang == "fr" and re.search(rf"\b{word}\b", text):
            found.add(f"dossiers/{document.key}/index.html")
    return found


@pytest.mark.parametrize("scheme", SCHEMES)
def test_french_searches_find_what_a_reader_expects(demo_output: Path, scheme: str) -> None:
    from tests.conftest import DEMO_CONTENT

    with site_base(demo_output, scheme) as base, browser_page() as page:
        for query, word in (
            ("collectivite", "collectivités"),
            ("l'habitant", "habitants"),
            ("l’habitant", "habitants"),
            ("oeuvre", "œuvre"),
        ):
            shown = as_paths(base, run_search(page, base, query))
            assert shown == python_paths(demo_output, query), query
            expected = french_documents_containing(DEMO_CONTENT, word)
            assert expected and expected <= shown, query
        assert page.console_errors == [] and page.failed_requests == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_filters_and_permalinks(demo_output: Path, scheme: str) -> None:
    with site_base(demo_output, scheme) as base, browser_page() as page:
        everything = run_search(page, base, "habitants")
        assert len(everything) > 10
        # Filter by type: only experiences remain, and the address says so.
        page.check(".facet input[name=type][value='0']")
        page.wait_for_function("() => location.search.includes('type=0')")
        filtered = page.locator(".search-result__title a")
        assert 0 < filtered.count() < len(everything)
        assert page.locator(".search-group h2").count() == 1
        assert page.inner_text(".search-group h2").startswith("Expériences")
        permalink = page.get_attribute("#search-permalink", "href")
        assert "q=habitants" in permalink and "type=0" in permalink
        count = filtered.count()
        # The permalink, opened anew, gives the same search and filters.
        again = run_search(page, base, "habitants", "&type=0")
        assert len(again) == count and page.is_checked(".facet input[name=type][value='0']")
        # Counts next to each facet value match what checking it gives.
        label = page.locator(".facet:has(legend:text('Année')) .facet__option").first
        expected = int(re.search(r"\((\d+)\)", label.inner_text()).group(1))
        label.locator("input").check()
        page.wait_for_function("() => location.search.includes('year=')")
        assert page.locator(".search-result__title a").count() == expected


@pytest.mark.parametrize("scheme", SCHEMES)
def test_search_box_on_every_page(demo_output: Path, scheme: str) -> None:
    with site_base(demo_output, scheme) as base, browser_page() as page:
        page.goto(base + "atlas/index.html")
        box = page.locator("#site-search")
        box.click()
        box.fill("budget participatif")
        page.wait_for_selector("#site-search-options [role=option]")
        first = page.locator("#site-search-options [role=option] a").first
        target = first.get_attribute("href")
        assert box.get_attribute("aria-expanded") == "true"
        box.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == "search-option-0"
        with page.expect_navigation():
            box.press("Enter")
        assert page.url == target
        # Without choosing an option, Enter opens the search page with the query.
        box = page.locator("#site-search")
        box.fill("charte")
        with page.expect_navigation():
            box.press("Enter")
        assert "search/index.html?q=charte" in page.url
        page.wait_for_selector(".search-result")
        assert page.console_errors == []


def test_bare_wildcard_is_refused_at_once_and_typos_get_suggestions(demo_output: Path) -> None:
    with site_base(demo_output, "file") as base, browser_page() as page:
        assert run_search(page, base, "*") == []
        assert "deux lettres" in page.inner_text("#search-status")
        # One typo is corrected at once; two in a short word find no document, but labels.
        assert run_search(page, base, "partcipation")
        assert run_search(page, base, "chartxx") == []
        suggestions = page.locator(".search-suggestion")
        assert suggestions.count() >= 1
        assert any("Charte" in suggestions.nth(i).inner_text() for i in range(suggestions.count()))
        suggestions.first.click()
        page.wait_for_selector(".search-result")
        # Wildcards work with stemming: habitant* finds "habitants".
        assert len(run_search(page, base, "habitant*")) > 10


def test_content_is_text_in_results(small_site: Path, tmp_path: Path) -> None:
    from treillis.build import build

    document = small_site / "dossiers/essai/cas-deux.md"
    document.write_text(
        "---\ntitle: 'Budget <img src=x onerror=\"window.hacked=1\">'\ntype: analysis\ndate: 2022\n"
        "summary: '<b>gras</b> budget'\n---\nTexte.\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    build(small_site, output)
    with site_base(output, "file") as base, browser_page() as page:
        run_search(page, base, "budget")
        assert page.locator(".search-result img, .search-result b").count() == 0
        assert "<img src=x" in page.inner_text("#search-results")
        page.locator("#site-search").fill("budget")
        page.locator("#site-search").click()
        page.wait_for_timeout(400)
        assert page.evaluate("window.hacked") is None


@pytest.mark.parametrize("scheme", SCHEMES)
def test_atlas_search_bar_finds_descriptors_by_label_and_synonym(
    demo_output: Path, scheme: str
) -> None:
    from tests.conftest import DEMO_CONTENT
    from treillis.build import load

    site = load(DEMO_CONTENT)
    with site_base(demo_output, scheme) as base, browser_page() as page:
        page.goto(base + "atlas/index.html")
        box = page.locator("#atlas-query")
        assert box.is_visible()

        def found(query: str) -> set[str]:
            box.fill(query)
            page.wait_for_timeout(250)
            links = page.locator("#atlas-search-results a")
            return {links.nth(i).get_attribute("href").split("/")[-2] for i in range(links.count())}

        box.click()
        page.wait_for_function(
            "() => window.TreillisSearch && window.TreillisSearch.data['fr-atlas']"
        )
        either = found("budget OU charte")
        assert {"budget-participatif", "chartes-participation"} <= either
        both = found("budget ET participatif")
        assert "budget-participatif" in both and both < either
        # A synonym finds its descriptor.
        synonym = next(
            s for d in site.descriptors.values() for s in d.synonyms.get("fr", []) if " " not in s
        )
        owner = next(d.id for d in site.descriptors.values() if synonym in d.synonyms.get("fr", []))
        assert owner in found(synonym)
        assert page.console_errors == []


def test_a_permalink_with_unknown_filters_still_searches(demo_output: Path) -> None:
    with site_base(demo_output, "file") as base, browser_page() as page:
        found = run_search(
            page, base, "habitants", "&dossier=99&descriptor=9999&family=-1&type=x&lang=zz"
        )
        assert len(found) > 10
        assert page.console_errors == []


def test_labels_and_titles_are_text_in_facets_atlas_results_and_suggestions(
    small_site: Path, tmp_path: Path
) -> None:
    from treillis.build import build

    hostile = '<img src=x onerror="window.hacked=1">'
    descriptors = small_site / "atlas/descriptors/main.yaml"
    descriptors.write_text(
        descriptors.read_text(encoding="utf-8").replace(
            "label: {fr: Budget participatif}", f"label: {{fr: 'Budget {hostile}'}}"
        ),
        encoding="utf-8",
    )
    dossier = small_site / "dossiers/essai/index.md"
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace(
            "title: Un dossier d'essai", f"title: 'Essai {hostile}'"
        ),
        encoding="utf-8",
    )
    output = tmp_path / "output"
    build(small_site, output)
    with site_base(output, "file") as base, browser_page() as page:
        run_search(page, base, "budget")
        assert hostile in page.inner_text("#search-facets") and hostile in page.inner_text(
            "#search-atlas"
        )
        run_search(page, base, "budgxtt")  # two typos: suggestions show the label
        page.wait_for_selector(".search-suggestion")
        assert hostile in page.inner_text("#search-results")
        page.goto(base + "atlas/index.html")
        page.locator("#atlas-query").click()
        page.locator("#atlas-query").fill("budget")
        page.wait_for_selector("#atlas-search-results a")
        assert hostile in page.inner_text("#atlas-search-results")
        assert page.locator("main img[src=x]").count() == 0
        assert page.evaluate("window.hacked") is None


def test_the_first_results_come_in_few_round_trips_and_the_full_indexes_after_them(
    demo_output: Path,
) -> None:
    """The search page names what its first results need, so the browser downloads it all
    at once; the excerpts of the results shown come next, and the full indexes (the
    largest files) and the network's indexes only once the first results are on the screen.
    Each file comes once."""
    from bs4 import BeautifulSoup

    from tests.browser import served

    page_html = (demo_output / "search" / "index.html").read_text(encoding="utf-8")
    named = [
        tag["src"].split("assets/search/")[-1]
        for tag in BeautifulSoup(page_html, "html.parser").find_all("script", src=True)
        if "assets/search/" in tag["src"] and not tag["src"].endswith("search-ui.js")
    ]
    assert named[:3] == ["lunr.js", "search-core.js", "data/schema.js"]
    assert named[-1] == "data/store.js" and "lunr.fr.js" in named
    with served(demo_output) as base, browser_page() as page:
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{base}search/index.html?q=habitants")
        page.wait_for_function(
            "performance.getEntriesByName('treillis-search-full').length > 0", timeout=20_000
        )
        timing = page.evaluate(
            """() => {
              const shown = performance.getEntriesByName('treillis-search-results')[0].startTime;
              const files = {};
              for (const r of performance.getEntriesByType('resource'))
                files[r.name.split('assets/search/')[1] || r.name] = [r.startTime, r.responseEnd];
              return {shown, files};
            }"""
        )
    search_files = [url for url in requested if "/assets/search/" in url]
    assert len(search_files) == len(set(search_files)), "a search file was requested twice"
    files = timing["files"]
    fulls = [name for name in files if name.endswith("-full.js")]
    assert fulls, files
    first_full = min(files[name][0] for name in fulls)
    assert all(name in files for name in named)
    assert files["data/excerpts.js"][1] <= first_full
    assert timing["shown"] <= first_full
    # The network's indexes (the demo has its network) only after the site's first results.
    network = [name for name in files if name.startswith("data/network-")]
    assert network and all(timing["shown"] <= files[name][0] for name in network)
