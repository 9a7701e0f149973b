"""Diagrams as a reader sees them in chromium: text readable at every width, and a
full-size view that pans and zooms (over file://, no library)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import browser_page, site_base

PAGES = {
    "document": "dossiers/comite-de-direction-partage/a-shared-senior-management/index.html",
    "large descriptor": "atlas/gouvernance-territoriale/index.html",
    "crowded descriptor": "atlas/participation-decisions/index.html",
    "small descriptor": "atlas/agriculteurs/index.html",
    "dossier": "dossiers/comite-de-direction-partage/index.html",
}
WIDTHS = [320, 390, 768, 1280]

# The smallest text of the diagrams shown, as rendered: its font size times the
# picture's scale on the page (a picture scaled down into its column shrinks its text).
SMALLEST_TEXT = """() => {
  let smallest = Infinity, texts = 0;
  for (const svg of document.querySelectorAll('main svg.diagram')) {
    if (!svg.getClientRects().length) continue;  // the variant for other widths
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);
      texts++;
    }
  }
  return {smallest, texts};
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_diagram_text_is_at_least_12_px_and_pages_never_overflow(
    demo_output: Path, width: int
) -> None:
    with site_base(demo_output, "file") as base, browser_page() as page:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in PAGES.items():
            page.goto(base + path)
            found = page.evaluate(SMALLEST_TEXT)
            assert found["texts"] > 3, (name, width)
            assert found["smallest"] >= 12, (name, width, found)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                name,
                width,
            )
        assert page.console_errors == [] and page.failed_requests == []


def test_the_full_size_view_zooms_pans_and_closes_with_escape(demo_output: Path) -> None:
    with site_base(demo_output, "file") as base, browser_page() as page:
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(base + PAGES["large descriptor"])
        opener = page.locator(".diagram-full")
        assert opener.is_visible() and opener.inner_text() == "Voir en grand"
        opener.focus()
        page.keyboard.press("Enter")
        dialog = page.locator("dialog.diagram-viewer[open]")
        assert dialog.is_visible()
        picture = dialog.locator("svg.diagram")
        # The wide picture, at 1:1, with ids of its own.
        assert "diagram--neighbourhood" in (picture.get_attribute("class") or "")
        assert page.evaluate("document.querySelectorAll('#dg_neighbourhood_title').length") == 1

        def box() -> dict:
            return picture.bounding_box()

        before = box()
        dialog.get_by_role("button", name="Agrandir").click()
        zoomed = box()
        assert zoomed["width"] == pytest.approx(before["width"] * 1.25, rel=0.01)
        # Dragging moves the picture by as much as the pointer moved.
        stage = dialog.locator(".diagram-viewer__stage").bounding_box()
        x, y = stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x - 60, y - 30, steps=5)
        page.mouse.up()
        dragged = box()
        assert dragged["x"] == pytest.approx(zoomed["x"] - 60, abs=1)
        assert dragged["y"] == pytest.approx(zoomed["y"] - 30, abs=1)
        # Keys: an arrow pans, minus zooms out, 0 resets to 1:1.
        page.keyboard.press("ArrowLeft")
        assert box()["x"] == pytest.approx(dragged["x"] + 40, abs=1)
        page.keyboard.press("-")
        assert box()["width"] == pytest.approx(before["width"], rel=0.01)
        # The wheel zooms too.
        page.mouse.move(x, y)
        page.mouse.wheel(0, -300)
        assert box()["width"] > before["width"] * 2
        page.keyboard.press("0")
        assert box()["width"] == pytest.approx(before["width"], rel=0.01)
        page.keyboard.press("Escape")
        # The dialog's close event comes in a task of its own, after the key.
        page.wait_for_selector("dialog.diagram-viewer", state="detached", timeout=10_000)
        assert page.locator("dialog.diagram-viewer").count() == 0
        assert page.evaluate("document.activeElement.classList.contains('diagram-full')")
        assert page.console_errors == [] and page.failed_requests == []


CONTRASTS = """() => {
  const channels = (colour) => colour.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = (colour) => {
    const [r, g, b] = channels(colour).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  const found = [];
  for (const node of document.querySelectorAll('main svg.diagram .diagram-node')) {
    const box = node.querySelector('.diagram-box');
    if (!box || !box.getClientRects().length) continue;
    for (const text of node.querySelectorAll('text')) {
      found.push({
        ratio: ratio(getComputedStyle(text).fill, getComputedStyle(box).fill),
        fill: getComputedStyle(box).fill,
      });
    }
  }
  return found;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_diagram_text_contrasts_with_its_box_in_light_and_dark_themes(
    demo_output: Path, scheme: str
) -> None:
    with site_base(demo_output, "file") as base, browser_page() as page:
        page.emulate_media(color_scheme=scheme)
        fills = set()
        for path in PAGES.values():
            page.goto(base + path)
            found = page.evaluate(CONTRASTS)
            assert found
            assert min(item["ratio"] for item in found) >= 4.5, (path, scheme)
            fills |= {item["fill"] for item in found}
        # Dark: boxes turn dark (but a descriptor's own, in its family's colour); light:
        # the tinted boxes as drawn.
        dark_box = "rgb(31, 37, 44)"
        assert (dark_box in fills) == (scheme == "dark")
