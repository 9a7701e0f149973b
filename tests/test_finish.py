"""The theme's finish, in Debian's chromium: the document's side column and contents, the
compact header on phones, the dark theme, the focus ring and the printed page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import axe_check, browser_page, site_base
from treillis.views.content import outline

LONG_DOCUMENT = "dossiers/comite-de-direction-partage/charte-du-comite-de-direction/index.html"
PAGES = {
    "home": "index.html",
    "document": LONG_DOCUMENT,
    "descriptor": "atlas/budget-participatif/index.html",
    "search": "search/index.html?q=habitants",
}
BOX = "(s) => { const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def test_headings_get_ids_and_a_long_text_a_table_of_contents() -> None:
    body = (
        "<h2>À quoi sert\nce document</h2><p>x</p><h3>La règle des trois\u00a0«\u00a0non\u00a0»</h3>"
        '<h3 id="content-mine">Mine</h3><h2>À quoi sert ce document</h2>'
    )
    html, toc = outline(body)
    assert [(e["id"], e["level"]) for e in toc] == [
        ("content-a-quoi-sert-ce-document", 2),
        ("content-la-regle-des-trois-non", 3),
        ("content-mine", 3),  # raw HTML's own id is kept
        ("content-a-quoi-sert-ce-document-2", 2),  # never twice the same id
    ]
    # The typography of the heading stays (no-break spaces), its lines are joined.
    assert toc[0]["text"] == "À quoi sert ce document"
    assert toc[1]["text"] == "La règle des trois\u00a0«\u00a0non\u00a0»"
    assert '<h2 id="content-a-quoi-sert-ce-document">' in html
    assert html.count('id="content-mine"') == 1
    # A short text needs no table: its headings still take ids (links may point at them).
    short, none = outline("<h2>Un</h2><h2>Deux</h2>")
    assert none == [] and 'id="content-deux"' in short


def _page(page, base: str, path: str, width: int, scheme: str = "light") -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    page.goto(base + path)
    if path.startswith("search/"):
        page.wait_for_selector(".search-result", timeout=20_000)


def test_on_a_desktop_the_document_has_a_side_column_and_its_contents(demo_output: Path) -> None:
    with site_base(demo_output, "http") as base, browser_page() as page:
        _page(page, base, LONG_DOCUMENT, 1280)
        prose, side = page.evaluate(BOX, ".prose"), page.evaluate(BOX, ".document-side")
        meta = page.evaluate(BOX, ".document-side .meta")
        # Beside the text, not under it: to its right, level with its start.
        assert side[0] >= prose[2] and meta[1] < prose[1] + 100 and meta[3] > prose[1]
        assert prose[2] - prose[0] > 500  # the text keeps a readable width
        toc = page.locator("nav.toc")
        assert toc.is_visible() and page.locator(".toc__list").is_visible()  # open on a desktop
        targets = page.eval_on_selector_all(".toc a", "(as) => as.map(a => a.hash.slice(1))")
        headings = page.eval_on_selector_all(
            ".prose h2, .prose h3", "(hs) => hs.map(h => h.id)"
        )
        assert len(targets) >= 3 and targets == headings
        # The contents stay in view while the text scrolls by.
        page.mouse.wheel(0, 1500)
        page.wait_for_function("window.scrollY > 1000")
        top = page.evaluate(BOX, ".toc")[1]
        assert 0 <= top < 100
        page.click(f".toc a[href='#{targets[-1]}']")
        page.wait_for_function(
            "(id) => { const t = document.getElementById(id).getBoundingClientRect().top; "
            "return t >= 0 && t < 200; }",
            arg=targets[-1],
        )


def test_on_a_phone_the_contents_are_a_closed_panel(demo_output: Path) -> None:
    with site_base(demo_output, "http") as base, browser_page() as page:
        _page(page, base, LONG_DOCUMENT, 390)
        assert page.locator("nav.toc summary").is_visible()
        assert not page.locator(".toc__list").is_visible()
        page.click("nav.toc summary")
        assert page.locator(".toc__list").is_visible()


def test_on_a_phone_the_header_is_compact_and_stays_on_top(demo_output: Path) -> None:
    with site_base(demo_output, "http") as base, browser_page() as page:
        # Compact from the first paint, before any script: nothing moves when it runs.
        page.route("**/treillis.js", lambda route: route.abort())
        _page(page, base, LONG_DOCUMENT, 390)
        first = page.evaluate(BOX, ".site-header")
        assert not page.locator(".site-nav").is_visible()
        page.unroute("**/treillis.js")
        _page(page, base, LONG_DOCUMENT, 390)
        assert page.evaluate(BOX, ".site-header") == first
        header = page.evaluate(BOX, ".site-header")
        assert header[3] - header[1] <= 120  # the name and menu, then the search box
        assert page.locator("#site-search").is_visible()
        assert not page.locator(".site-nav").is_visible()
        page.mouse.wheel(0, 2000)
        page.wait_for_function("window.scrollY > 1500")
        assert page.evaluate(BOX, ".site-header")[1] == 0
        # An anchor is not hidden under the header.
        target = page.eval_on_selector(".toc a", "(a) => a.hash.slice(1)")
        page.evaluate("(id) => { location.hash = id; }", target)
        page.wait_for_function(
            "(id) => Math.abs(document.getElementById(id).getBoundingClientRect().top - "
            "document.querySelector('.site-header').getBoundingClientRect().bottom) < 40",
            arg=target,
        )
        heading_top = page.evaluate(BOX, f"[id='{target}']")[1]
        assert heading_top >= page.evaluate(BOX, ".site-header")[3]
        # The menu opens under the header's first row.
        page.click(".menu-toggle")
        assert page.locator(".site-nav").is_visible()
        assert page.get_attribute(".menu-toggle", "aria-expanded") == "true"


def test_the_dark_theme_follows_the_system(demo_output: Path) -> None:
    background = "getComputedStyle(document.body).backgroundColor"
    with site_base(demo_output, "http") as base, browser_page() as page:
        _page(page, base, "index.html", 1280, "light")
        light = page.evaluate(background)
        _page(page, base, "index.html", 1280, "dark")
        dark = page.evaluate(background)
    assert light != dark
    channels = [int(c) for c in dark[dark.index("(") + 1 : -1].split(",")[:3]]
    assert max(channels) < 60  # a dark page, not a tinted light one


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_the_dark_theme_passes_axe(demo_output: Path, name: str, width: int) -> None:
    with site_base(demo_output, "http") as base, browser_page() as page:
        _page(page, base, PAGES[name], width, "dark")
        violations, _passed = axe_check(page)
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_link_focused_by_keyboard_shows_a_quiet_ring(demo_output: Path, scheme: str) -> None:
    ring = """(el) => { const s = getComputedStyle(el);
      return [s.outlineStyle, parseFloat(s.outlineWidth), parseFloat(s.outlineOffset),
              s.outlineColor, getComputedStyle(document.querySelector('.basket-toggle')).color]; }"""
    with site_base(demo_output, "http") as base, browser_page() as page:
        _page(page, base, LONG_DOCUMENT, 1280, scheme)
        page.focus(".breadcrumbs a")  # then moved by keyboard: :focus-visible
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        assert page.evaluate("(el) => el.tagName", focused) == "A"
        style, width, offset, colour, accent = page.evaluate(ring, focused)
    # In the accent colour readable on this scheme, as the buttons' text is.
    assert style == "solid" and 1 <= width <= 3 and offset >= 1
    assert colour == accent


def test_print_shows_the_content_only(demo_output: Path) -> None:
    shown = "(s) => [...document.querySelectorAll(s)].some(e => e.getClientRects().length > 0)"
    with site_base(demo_output, "http") as base, browser_page() as page:
        page.emulate_media(media="print", color_scheme="dark")
        page.goto(base + LONG_DOCUMENT)
        assert not page.evaluate(shown, ".site-header .search-box")
        assert not page.evaluate(shown, "nav.toc")
        assert not page.evaluate(shown, "button")
        assert page.evaluate(shown, ".prose") and page.evaluate(shown, ".document-side .meta")
        # Paper is light whatever the screen's scheme.
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") in (
            "rgb(255, 255, 255)",
            "rgba(0, 0, 0, 0)",
        )
        assert page.evaluate("getComputedStyle(document.querySelector('.lead')).color") == (
            "rgb(0, 0, 0)"
        )
        page.goto(base + PAGES["search"])
        page.wait_for_selector(".search-result", state="attached", timeout=20_000)
        assert not page.evaluate(shown, ".search-form")
        assert not page.evaluate(shown, ".search-filters")
        assert page.evaluate(shown, ".search-result")


@pytest.fixture(scope="module")
def light_mirror(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A partner's mirror in a light colour (the hardest accent to keep readable)."""
    from tests.conftest import igl_mirror

    return igl_mirror(tmp_path_factory.mktemp("finish-mirror"), "#e8a33d", "https://example.org/")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_mirrors_accent_stays_readable_in_the_dark(light_mirror: Path, width: int) -> None:
    document = next(light_mirror.glob("dossiers/*/*/index.html")).relative_to(light_mirror)
    with site_base(light_mirror, "http") as base, browser_page() as page:
        for path in ("index.html", document.as_posix()):
            _page(page, base, path, width, "dark")
            violations, _passed = axe_check(page, label=f"{path}: ")
            assert violations == [], "\n".join(violations)
