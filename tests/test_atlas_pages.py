"""The atlas pages for a reader: the descriptor search box, the list of a broad descriptor's
documents including its narrower ones, the permuted list's letter index, the legend on a phone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.browser import browser_page, site_base
from tests.conftest import DEMO_CONTENT
from tests.htmlsite import Site
from treillis.atlas import Atlas
from treillis.build import build
from treillis.i18n import translator
from treillis.views.atlas import ALL_DOCUMENTS_SHOWN
from treillis.views.common import sort_key

PHONE = {"width": 390, "height": 844}


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_descriptor_search_box_has_a_visible_label_and_a_placeholder(
    demo_output: Path,
) -> None:
    soup = soup_of(demo_output / "atlas/index.html")
    box = soup.select_one("#atlas-query")
    label = soup.select_one('label[for="atlas-query"]')
    assert label is not None and "visually-hidden" not in (label.get("class") or [])
    assert label.get_text(strip=True)
    placeholder = box.get("placeholder", "")
    assert placeholder and placeholder == translator("fr").t("atlas_search_placeholder")


def test_the_descriptor_search_box_is_wide_and_easy_to_tap_on_a_phone(demo_output: Path) -> None:
    with site_base(demo_output, "file") as base, browser_page() as page:
        page.set_viewport_size(PHONE)
        page.goto(base + "atlas/index.html")
        page.wait_for_selector("#atlas-query", state="visible")
        box = page.evaluate(
            """(() => {
              const input = document.querySelector('#atlas-query');
              const column = input.closest('section').getBoundingClientRect();
              const box = input.getBoundingClientRect();
              return {font: parseFloat(getComputedStyle(input).fontSize), height: box.height,
                      width: box.width, column: column.width};
            })()"""
        )
    assert box["font"] >= 16  # iOS zooms into a field with smaller text
    assert box["height"] >= 44
    assert box["width"] >= box["column"] - 1


# A document's link on a list page: on its card, or first on its line of a compact list.
DOCUMENT_LINKS = (
    ".indexed-documents .document-card h4 a[href], .indexed-documents .document-rows > li > a"
)


def _document_keys(page: Path, soup: BeautifulSoup, output: Path) -> list[str]:
    """The keys of the documents a list page shows."""
    keys = []
    for link in soup.select(DOCUMENT_LINKS):
        target = (page.parent / link["href"]).resolve().relative_to(output.resolve())
        assert target.parts[0] == "dossiers" and target.name == "index.html", target
        keys.append("/".join(target.parts[1:-1]))
    return keys


def _follow_list(output: Path, first: Path) -> tuple[list[str], list[Path]]:
    """Every document of a paginated list, following its "next" links from its first page."""
    keys: list[str] = []
    pages = [first]
    while True:
        soup = soup_of(pages[-1])
        keys += _document_keys(pages[-1], soup, output)
        following = soup.select_one('.pager a[rel="next"]')
        if following is None:
            return keys, pages
        pages.append((pages[-1].parent / following["href"]).resolve())


def _broad_descriptors(atlas: Atlas) -> list[str]:
    return [
        d
        for d in atlas.documents
        if len(atlas.documents_including_narrower(d)) > len(set(atlas.documents[d]))
    ]


def _check_lists_including_narrower(output: Path, atlas: Atlas, descriptor: str) -> list[Path]:
    page = output / f"atlas/{descriptor}/index.html"
    soup = soup_of(page)
    links = soup.select(".all-documents-link a[href]")
    assert len(links) == 1, "the descriptor's page links to the list including narrower ones"
    assert soup.select_one(".counts a[href]")["href"] == links[0]["href"]
    first = (page.parent / links[0]["href"]).resolve()
    keys, pages = _follow_list(output, first)
    expected = atlas.documents_including_narrower(descriptor)
    assert len(keys) == len(set(keys)), "every document once"
    assert set(keys) == expected
    # The list's pages lead back to the descriptor's own page and its own documents.
    back = soup_of(first).select_one(".counts a[href]")
    assert (first.parent / back["href"]).resolve() == page.resolve()
    return pages


def test_a_broad_descriptor_lists_its_documents_and_its_narrower_ones(
    demo_output: Path, atlas: Atlas
) -> None:
    broad = _broad_descriptors(atlas)
    assert broad, "the demo has descriptors whose narrower ones index more documents"
    for descriptor in broad:
        _check_lists_including_narrower(demo_output, atlas, descriptor)
    # A descriptor whose narrower ones add nothing has no such list.
    plain = next(d for d in atlas.documents if d not in broad)
    assert not soup_of(demo_output / f"atlas/{plain}/index.html").select(".all-documents-link")


def _own_documents(output: Path, descriptor: str) -> set[str]:
    """The documents a descriptor's own pages list (its page and the next ones)."""
    keys, _pages = _follow_list(output, output / f"atlas/{descriptor}/index.html")
    return set(keys)


def _narrower_pages(output: Path, page: Path) -> list[Path]:
    soup = soup_of(page)
    return [(page.parent / a["href"]).resolve() for a in soup.select("#narrower a[href]")]


def _shortened_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sharded: bool) -> Path:
    """The demo built with lists including narrower descriptors cut at 2 documents (and,
    `sharded`, with its search data as a large site's, as `sharded_output`)."""
    from treillis.search import index as search_index
    from treillis.search import shards
    from treillis.views import atlas as atlas_views

    monkeypatch.setattr(atlas_views, "ALL_DOCUMENTS_SHOWN", 2)
    if sharded:
        monkeypatch.setattr(search_index, "SHARD_ABOVE_BYTES", 0)
        monkeypatch.setattr(search_index, "QUICK_SHARD_BYTES", 3_000)
        monkeypatch.setattr(search_index, "DOCUMENTS_PER_BLOCK", 8)
        monkeypatch.setattr(shards, "SHARD_BYTES", 6_000)
    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    output = tmp_path / "output"
    build(content, output, cache=False)
    return output


def test_a_long_list_including_narrower_shows_the_newest_and_leads_to_every_document(
    tmp_path: Path, atlas: Atlas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One page of the newest documents, no numbered pages; the rest through the search
    page, and without a script through the narrower descriptors' own pages."""
    from tests.test_import_skos import assert_links_resolve

    output = _shortened_demo(tmp_path, monkeypatch, sharded=False)
    descriptor = max(
        _broad_descriptors(atlas), key=lambda d: len(atlas.documents_including_narrower(d))
    )
    expected = atlas.documents_including_narrower(descriptor)
    assert len(expected) > 2
    first = output / f"atlas/{descriptor}/all/index.html"
    soup = soup_of(first)
    assert not soup.select(".pager") and not (first.parent / "2").exists()
    shown = _document_keys(first, soup, output)
    assert len(shown) == 2
    dates = {
        key: (row.select_one("time[datetime]") or {}).get("datetime", "")
        for key, row in zip(shown, soup.select(".document-rows > li"), strict=True)
    }
    assert list(dates.values()) == sorted(dates.values(), reverse=True)
    # The newest: no document left out is more recent than the last one shown.
    site = Site(output)
    others = [
        site.page(f"dossiers/{key}/index.html").select_one("time[datetime]")
        for key in expected - set(shown)
    ]
    assert all(t is None or t["datetime"] <= min(dates.values()) for t in others)
    assert str(len(expected)) in soup.select_one(".indexed-documents .list-part").get_text()
    more = soup.select(".all-documents-more a[href]")
    assert [a["href"].split("?")[0].split("#")[0] for a in more] == [
        "../../../search/index.html",
        "../index.html",
    ]
    assert more[0]["href"].endswith(f"?within={sorted(atlas.documents).index(descriptor)}")
    assert more[1]["href"].endswith("#narrower")
    # Without a script: the descriptor's own pages and its narrower ones', all the way down.
    reached: set[str] = set()
    pending, seen = [output / f"atlas/{descriptor}/index.html"], set()
    while pending:
        page = pending.pop().resolve()
        if page in seen:
            continue
        seen.add(page)
        reached |= _own_documents(output, page.parent.name)
        pending += _narrower_pages(output, page)
    assert reached == expected
    assert assert_links_resolve(output) > 0


@pytest.mark.parametrize("sharded", [False, True], ids=["small", "large"])
def test_the_search_page_lists_a_descriptors_documents_including_narrower(
    tmp_path: Path, atlas: Atlas, monkeypatch: pytest.MonkeyPatch, sharded: bool
) -> None:
    """The link of a shortened list: the search page, without a query, shows every
    document indexed with the descriptor or one below it, newest first."""
    output = _shortened_demo(tmp_path, monkeypatch, sharded)
    descriptor = max(
        _broad_descriptors(atlas), key=lambda d: len(atlas.documents_including_narrower(d))
    )
    page_path = output / f"atlas/{descriptor}/all/index.html"
    link = soup_of(page_path).select_one(".all-documents-more a[href*='within=']")
    with site_base(output, "http") as base, browser_page() as page:
        page.goto(base + f"atlas/{descriptor}/all/index.html")
        page.click(f"a[href='{link['href']}']")
        page.wait_for_selector(".search-result")
        while page.locator(".search-more").count():
            before = page.locator(".search-result").count()
            page.click(".search-more")
            page.wait_for_function(f"document.querySelectorAll('.search-result').length > {before}")
        hrefs = page.eval_on_selector_all(
            ".search-result__title a", "links => links.map((a) => a.href)"
        )
        within = page.locator(".facet--within input[name=within]")
        assert within.count() == 1 and within.is_checked()
        assert "within=" in page.url
        assert not page.console_errors
    keys = {
        href.removeprefix(base).removeprefix("dossiers/").removesuffix("/index.html")
        for href in hrefs
        if href.startswith(base + "dossiers/")
    }
    assert keys == atlas.documents_including_narrower(descriptor)


def test_the_list_including_narrower_descriptors_is_one_line_per_document(
    demo_output: Path, atlas: Atlas
) -> None:
    """A list to scan: each document's title, type, date and dossier on a line, newest
    first, no card or summary; the descriptor's own page keeps its cards."""
    descriptor = max(
        (d for d in _broad_descriptors(atlas) if atlas.documents[d]),
        key=lambda d: len(atlas.documents_including_narrower(d)),
    )
    page = demo_output / f"atlas/{descriptor}/all/index.html"
    soup = soup_of(page)
    section = soup.select_one(".indexed-documents")
    assert not section.select(".document-card, .document-card__summary, .type-group")
    rows = section.select(".document-rows > li")
    assert len(rows) == min(
        ALL_DOCUMENTS_SHOWN, len(atlas.documents_including_narrower(descriptor))
    )
    dates = []
    for row in rows:
        title, *_, dossier = row.select("a[href]")
        document = (page.parent / title["href"]).resolve().relative_to(demo_output.resolve())
        assert document.parts[0] == "dossiers" and len(document.parts) == 4, document
        assert title.get_text(strip=True)
        assert row.select_one(".type-badge").get_text(strip=True)
        target = (page.parent / dossier["href"]).resolve().relative_to(demo_output.resolve())
        assert target.parts == ("dossiers", document.parts[1], "index.html")
        time = row.select_one("time[datetime]")
        dates.append(time["datetime"] if time else "")
    assert dates == sorted(dates, reverse=True), "newest first"
    own = soup_of(demo_output / f"atlas/{descriptor}/index.html")
    assert own.select(".indexed-documents .document-card__title a[href]")


def test_the_permuted_list_has_a_letter_index(site: Site) -> None:
    soup = site.page("atlas/permuted/index.html")
    nav = soup.select_one("nav.letter-index")
    assert nav is not None and nav.get("aria-label")
    links = nav.select("a[href^='#']")
    letters = [a.get_text(strip=True) for a in links]
    assert len(letters) > 5 and len(letters) == len(set(letters))
    for link in links:
        heading = soup.find(id=link["href"][1:])
        assert heading is not None and heading.get_text(strip=True) == link.get_text(strip=True)
        # Every line under a letter's heading has a keyword with that initial.
        table = heading.find_next_sibling("table")
        keywords = [a.get_text() for a in table.select(".permuted__keyword a")]
        assert keywords
        letter = link.get_text(strip=True)
        if letter != "#":
            assert {sort_key(k)[:1].upper() for k in keywords} == {letter}
    all_keywords = soup.select(".permuted__keyword a")
    assert sum(len(t.select(".permuted__keyword a")) for t in soup.select("table.permuted")) == len(
        all_keywords
    )


def test_the_legend_matrix_scrolls_within_its_region_on_a_phone(demo_output: Path) -> None:
    soup = soup_of(demo_output / "atlas/legend/index.html")
    region = soup.select_one(".matrix-scroll")
    assert region.get("role") == "region" and region.get("tabindex") == "0"
    assert soup.find(id=region["aria-labelledby"]).get_text(strip=True)
    with site_base(demo_output, "file") as base, browser_page() as page:
        page.set_viewport_size(PHONE)
        page.goto(base + "atlas/legend/index.html")
        page.evaluate("document.querySelector('.matrix-scroll').scrollLeft = 400")
        sizes = page.evaluate(
            """(() => {
              const region = document.querySelector('.matrix-scroll');
              const header = region.querySelector('tbody th');
              return {page: document.documentElement.scrollWidth, width: innerWidth,
                      scrolled: region.scrollLeft,
                      header: header.getBoundingClientRect().left,
                      region: region.getBoundingClientRect().left};
            })()"""
        )
    assert sizes["page"] <= sizes["width"], "the page itself does not scroll sideways"
    assert sizes["scrolled"] > 0, "the matrix scrolls inside its region"
    # Scrolled sideways, the components' names stay in view.
    assert abs(sizes["header"] - sizes["region"]) < 2


def test_a_descriptors_list_pages_lead_back_to_it_not_up_every_path(
    demo_output: Path, atlas: Atlas
) -> None:
    """The paths to the top are on the descriptor's own page; the list including narrower
    descriptors shows one trail: the descriptor (a link to its page), then the list."""
    descriptor = max(
        (d for d in _broad_descriptors(atlas) if atlas.paths_to_top(d)),
        key=lambda d: len(atlas.paths_to_top(d)),
    )
    own = demo_output / f"atlas/{descriptor}/index.html"
    assert len(soup_of(own).select(".breadcrumbs ol")) == len(atlas.paths_to_top(descriptor))
    page = demo_output / f"atlas/{descriptor}/all/index.html"
    trails = soup_of(page).select(".breadcrumbs ol")
    assert len(trails) == 1
    back, current = trails[0].select("li")
    assert (page.parent / back.select_one("a")["href"]).resolve() == own.resolve()
    assert current["aria-current"] == "page"
    assert current.get_text(strip=True) == "Documents, descripteurs plus précis compris"
