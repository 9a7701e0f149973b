"""Page layout in a real browser at phone, tablet and desktop widths: nothing overflows the
viewport (header search suggestions included), and the search page shows results first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import browser_page, site_base

WIDTHS = [320, 390, 768, 1280]
HEIGHT = 800
PAGES = {
    "home": "index.html",
    "document": "dossiers/comite-de-direction-partage/charte-du-comite-de-direction/index.html",
    "descriptor": "atlas/budget-participatif/index.html",
    "search": "search/index.html?q=budget",
}

OVERFLOW = """() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
})"""


def assert_no_overflow(page, where: str) -> None:
    sizes = page.evaluate(OVERFLOW)
    assert sizes["scroll"] <= sizes["inner"], f"{where}: page {sizes['scroll']} px wide"


def assert_inside(page, selector: str, where: str) -> None:
    box = page.locator(selector).bounding_box()
    width = page.evaluate("window.innerWidth")
    assert box is not None, f"{where}: {selector} not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{where}: {selector} at {box}"


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_and_no_suggestion_list_runs_off_the_screen(demo_output: Path, width: int) -> None:
    with site_base(demo_output, "file") as base, browser_page() as page:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for name, path in PAGES.items():
            where = f"{name} at {width} px"
            page.goto(base + path)
            if name == "search":
                page.wait_for_selector(".search-result")
            assert_no_overflow(page, where)
            box = page.locator("#site-search")
            box.click()
            box.fill("budget")
            page.wait_for_selector("#site-search-options [role=option]")
            assert_no_overflow(page, where + ", suggestions open")
            assert_inside(page, "#site-search-options", where)
            # One list: every option starts at the same left edge, one under the other.
            boxes = [
                option.bounding_box() for option in page.locator("#site-search-options > li").all()
            ]
            assert len({round(b["x"]) for b in boxes}) == 1, f"{where}: options side by side"
            tops = [b["y"] for b in boxes]
            assert tops == sorted(tops) and len(set(tops)) == len(tops), where
            for option in page.locator("#site-search-options [role=option]").all():
                assert_inside(page, f"#{option.get_attribute('id')}", where)
        assert page.console_errors == []


def test_search_page_on_a_phone_shows_results_first(demo_output: Path) -> None:
    with site_base(demo_output, "file") as base, browser_page() as page:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "search/index.html?q=habitants")
        page.wait_for_selector(".search-result")
        page.wait_for_selector(".facet input[type=checkbox]", state="attached")
        inner = page.evaluate("window.innerHeight")
        top = page.locator(".search-result").first.bounding_box()["y"]
        assert top < 1.5 * inner, f"first result at y = {top}"
        # The filters are a panel the reader opens; then a facet can be checked.
        toggle = page.locator(".search-filters > summary")
        assert not page.locator(".facet input[type=checkbox]").first.is_visible()
        toggle.click()
        checkbox = page.locator(".facet input[name=type]").first
        assert checkbox.is_visible()
        checkbox.check()
        page.wait_for_function("() => location.search.includes('type=')")
        assert page.locator(".search-result").count() > 0
        # Closed again, the panel still says a filter is checked.
        toggle.click()
        assert toggle.inner_text().endswith("(1)")
        toggle.click()
        # Touch targets: each checkbox with its label, and the panel's toggle, are >= 24 px.
        targets = [*page.locator(".facet__option").all(), toggle]
        assert len(targets) > 5
        for target in targets:
            size = target.bounding_box()
            assert size["width"] >= 24 and size["height"] >= 24, (target.inner_text(), size)
        for button in page.locator("#search-page button").all():
            size = button.bounding_box()
            assert size["width"] >= 24 and size["height"] >= 24, (button.inner_text(), size)
        assert_no_overflow(page, "search page with filters open")
        assert page.console_errors == []


def test_search_page_reserves_the_space_results_arrive_in(demo_output: Path) -> None:
    """Results, counts and the permalink arriving move nothing above them (no layout shift):
    neither the first results (the quick index, with the note that more are coming, held
    on screen here by holding back the full indexes) nor the full ones, on the narrowest
    phone, in French and in Spanish (the longest note)."""
    held = []  # the requests of the full indexes, held back

    def hold(route) -> None:
        held.append(route)

    with site_base(demo_output, "http") as base, browser_page() as page:
        for width in (320, 390):
            for address in ("search/index.html?q=habitants", "es/search/index.html?q=habitantes"):
                page.set_viewport_size({"width": width, "height": 844})
                # Before the script runs: the page as first painted.
                page.route("**/search-ui.js", lambda route: route.abort())
                page.goto(base + address)
                before = page.locator("#search-results").bounding_box()
                inner = page.evaluate("window.innerHeight")
                assert before["height"] >= inner / 2
                page.unroute("**/search-ui.js")
                page.console_errors.clear()  # the script held back
                held.clear()
                page.route("**/*-full.js", hold)
                page.goto(base + address)
                page.wait_for_selector(".search-status__note")
                first = page.locator("#search-results").bounding_box()
                assert page.locator(".search-result").count() > 0
                assert first["y"] == before["y"], (width, address, "first results")
                for route in held:
                    route.continue_()
                page.unroute("**/*-full.js")
                page.wait_for_function("!document.querySelector('.search-status__note')")
                after = page.locator("#search-results").bounding_box()
                assert after["y"] == before["y"], (width, address, "full results")
                assert page.console_errors == []


def test_suggestions_scroll_to_the_option_chosen_with_the_keyboard(demo_output: Path) -> None:
    """On a short screen the list scrolls within its own height and follows the arrow keys."""
    with site_base(demo_output, "file") as base, browser_page() as page:
        page.set_viewport_size({"width": 390, "height": 400})
        page.goto(base + "index.html")
        box = page.locator("#site-search")
        box.click()
        box.fill("habitants")
        page.wait_for_selector("#search-option-7")
        listbox = page.locator("#site-search-options")
        assert page.evaluate(
            "() => { const l = document.getElementById('site-search-options');"
            " return l.scrollHeight > l.clientHeight; }"
        )
        for _ in range(8):
            box.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == "search-option-7"
        shown, option = listbox.bounding_box(), page.locator("#search-option-7").bounding_box()
        assert (
            shown["y"] <= option["y"]
            and option["y"] + option["height"] <= shown["y"] + (shown["height"])
        )
