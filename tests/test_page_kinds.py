"""Every page kind in Debian's chromium at phone, tablet and desktop widths: nothing runs off
the screen (header suggestions open too), diagram text is readable, the search page shows
results first on a phone, and axe-core finds nothing at WCAG 2.2 AA.

One browser for the module and one page per width, reused: each check only navigates."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser import axe_check, chromium, served
from tests.conftest import DEMO_CONTENT
from treillis.mirror import mirror

WIDTHS = [320, 390, 768, 1280]
HEIGHT = 844
DOCUMENT = "dossiers/comite-de-direction-partage/charte-du-comite-de-direction/index.html"
SECOND_DOCUMENT = "dossiers/conseils-citoyens-et-chartes/charte-participation-villebrune/index.html"
# Page kind -> (site, path). "mirror" is igl's partner mirror, every other page the demo.
PAGE_KINDS: dict[str, tuple[str, str]] = {
    "home": ("demo", "index.html"),
    "dossier": ("demo", "dossiers/comite-de-direction-partage/index.html"),
    "document": ("demo", DOCUMENT),
    "descriptor-small": ("demo", "atlas/budget-participatif/index.html"),
    # A top descriptor: many narrower descriptors in its diagram, a long list.
    "descriptor-large": ("demo", "atlas/gouvernance-territoriale/index.html"),
    "descriptor-large-all": ("demo", "atlas/gouvernance-territoriale/all/index.html"),
    "atlas-index": ("demo", "atlas/index.html"),
    "legend": ("demo", "atlas/legend/index.html"),
    "permuted": ("demo", "atlas/permuted/index.html"),
    "partner": ("demo", "partners/igl/index.html"),
    "mirror-home": ("mirror", "index.html"),
    "search": ("demo", "search/index.html?q=habitants"),
    "search-filters-open": ("demo", "search/index.html?q=habitants"),
    "basket": ("demo", "basket/index.html"),
    "reading-path": ("demo", "history/index.html"),
}
# The pages that carry inline diagrams.
DIAGRAM_KINDS = ["dossier", "document", "descriptor-small", "descriptor-large"]
MIN_DIAGRAM_TEXT_PX = 12

# The page's width, and the elements reaching past the window's right edge (outside any box
# that scrolls sideways on its own), to name the culprit.
OVERFLOW = """() => {
    const past = [];
    for (const e of document.body.querySelectorAll('*')) {
        const right = e.getBoundingClientRect().right;
        if (right <= innerWidth + 1) continue;
        // Inside a box that scrolls, unless positioned out of it (its static place still counts).
        const position = getComputedStyle(e).position;
        let inside = e.parentElement;
        while (inside && getComputedStyle(inside).overflowX === 'visible') {
            inside = inside.parentElement;
        }
        const scrolled = inside && inside !== document.body && inside !== document.documentElement;
        if (scrolled && position !== 'absolute' && position !== 'fixed') continue;
        past.push(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
            ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(right));
    }
    return {scroll: document.documentElement.scrollWidth, inner: innerWidth, past: past};
}"""

# The size a diagram's text is drawn at, in CSS px on screen: its computed font size (in the
# SVG's user units) times the vertical scale from user units to the screen, taken from
# getScreenCTM (|b|, |d| of the matrix: what a unit y-vector becomes). This is the font's
# em size as rendered, like a CSS font size; the glyph box (getBoundingClientRect) depends on
# the letters drawn (x-height, descenders, a word in capitals) and would judge two labels set
# in the same size differently. Text not rendered (a diagram in a closed panel) has no CTM.
DIAGRAM_TEXT = """() => {
    const sizes = [];
    for (const text of document.querySelectorAll('main svg.diagram :is(text, tspan)')) {
        // The element whose own words these are (a <tspan> may set its own size).
        const words = [...text.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
            .map(n => n.textContent).join('').trim();
        if (!words || !text.getClientRects().length) continue;
        const ctm = text.getScreenCTM();
        if (!ctm) continue;
        const scale = Math.hypot(ctm.b, ctm.d);
        const size = parseFloat(getComputedStyle(text).fontSize) * scale;
        sizes.push({text: words.slice(0, 40), size: size});
    }
    return sizes;
}"""


@pytest.fixture(scope="module")
def bases(demo_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The demo and igl's mirror, each served over http on 127.0.0.1."""
    root = tmp_path_factory.mktemp("page-kinds")
    shutil.copytree(DEMO_CONTENT, root / "content")
    mirror(root / "content", "igl", root / "igl", main_url="https://example.org/treillis/")
    with served(demo_output) as demo, served(root / "igl") as partner:
        yield {"demo": demo, "mirror": partner}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def pages(browser, bases: dict) -> Iterator[Callable[[int], object]]:
    """One page per width, made on first use; its basket and reading path hold entries."""
    made: dict[int, object] = {}

    def page_at(width: int):
        if width not in made:
            page = browser.new_page(viewport={"width": width, "height": HEIGHT})
            page.console_errors = []
            page.on("pageerror", lambda e, page=page: page.console_errors.append(str(e)))
            page.on(
                "console",
                lambda m, page=page: m.type == "error" and page.console_errors.append(m.text),
            )
            _fill_basket_and_reading_path(page, bases["demo"])
            made[width] = page
        return made[width]

    yield page_at
    for page in made.values():
        page.close()


def _fill_basket_and_reading_path(page, base: str) -> None:
    """Put two documents in the basket, and leave a descriptor in the reading path, by hand."""
    for path in (DOCUMENT, SECOND_DOCUMENT):
        page.goto(base + path)
        page.locator(".basket-toggle").click()
        page.wait_for_function(
            "() => (JSON.parse(localStorage.getItem('treillis.basket')) || []).some("
            f"e => e.url.endsWith({path!r}))"
        )
    page.goto(base + "atlas/gouvernance-territoriale/index.html")


def _open(page, bases: dict, kind: str) -> None:
    """Navigate to a page kind and wait until it shows what the reader came for."""
    site, path = PAGE_KINDS[kind]
    page.goto(bases[site] + path)
    if kind.startswith("search"):
        page.wait_for_selector(".search-result")
    if kind == "search-filters-open":
        filters = page.locator("#search-filters")
        if filters.get_attribute("open") is None:
            page.locator("#search-filters > summary").click()
        page.wait_for_selector(".facet input[type=checkbox]")
    if kind in ("basket", "reading-path"):
        listed = "#basket-list li" if kind == "basket" else "#history-list li"
        page.wait_for_selector(listed)


def _overflow(page) -> str | None:
    """How wide the page is and what reaches past the window, or None if it fits."""
    sizes = page.evaluate(OVERFLOW)
    if sizes["scroll"] <= sizes["inner"]:
        return None
    return f"{sizes['scroll']} px ({', '.join(sizes['past'][:4])})"


def _axe(page) -> list[str]:
    violations, passed = axe_check(page)
    assert passed > 10
    return violations


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_kind_fits_the_screen_and_passes_axe(pages, bases: dict, width: int) -> None:
    """No horizontal overflow, with the header's suggestions closed and open; no axe finding."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = pages(width)
    problems: list[str] = []
    for kind in PAGE_KINDS:
        page.console_errors.clear()
        _open(page, bases, kind)
        if wide := _overflow(page):
            problems.append(f"{kind}: page {wide} px wide in a {width} px window")
        problems += [f"{kind}: axe {finding}" for finding in _axe(page)]
        box = page.locator("#site-search")
        box.click()
        box.fill("gouvernance")
        try:
            page.wait_for_selector("#site-search-options [role=option]", timeout=10_000)
        except PlaywrightTimeout:
            problems.append(f"{kind}: no suggestion shown for 'gouvernance'")
            continue
        if wide := _overflow(page):
            problems.append(f"{kind}: page {wide} px wide with the suggestions open")
        problems += [f"{kind}: {error}" for error in page.console_errors]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", DIAGRAM_KINDS)
def test_diagram_text_is_readable(pages, bases: dict, kind: str, width: int) -> None:
    page = pages(width)
    _open(page, bases, kind)
    sizes = page.evaluate(DIAGRAM_TEXT)
    assert sizes, f"{kind}: no diagram text shown"
    # A hair under 12 px is 12 px drawn through a scale of 0.99999 (pt to px, rounding).
    small = sorted(
        (s for s in sizes if s["size"] < MIN_DIAGRAM_TEXT_PX - 0.01), key=lambda s: s["size"]
    )
    assert small == [], (
        f"{kind} at {width} px: {len(small)} of {len(sizes)} labels under "
        f"{MIN_DIAGRAM_TEXT_PX} px, from {small[0]['size']:.1f} px "
        f"({small[0]['text']!r}) to {small[-1]['size']:.1f} px"
    )


def test_search_page_on_a_phone_shows_the_first_result_within_one_and_a_half_screens(
    pages, bases: dict
) -> None:
    page = pages(390)
    _open(page, bases, "search")
    inner = page.evaluate("window.innerHeight")
    top = page.locator(".search-result").first.bounding_box()["y"]
    assert top < 1.5 * inner, f"first result at y = {top}, the screen is {inner} px high"


def test_the_atlas_index_does_not_move_when_its_script_runs(pages, bases: dict) -> None:
    """The descriptor search the script wires up takes its place from the first paint:
    revealed later, it pushed the whole atlas down (a layout shift Lighthouse counted)."""
    page = pages(390)
    url = bases["demo"] + PAGE_KINDS["atlas-index"][1]
    where = "() => document.querySelector('.two-columns').getBoundingClientRect().y"
    page.route("**/search-ui.js", lambda route: route.abort())
    try:
        page.goto(url)
        before = page.evaluate(where)
    finally:
        page.unroute("**/search-ui.js")
    page.goto(url)
    page.wait_for_function("() => !document.getElementById('atlas-search').hidden")
    assert page.evaluate(where) == before
    assert page.locator("#atlas-query").is_visible()
