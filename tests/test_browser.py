"""The demo site opened from disk (file://) in a real browser, the way a reader on a USB key does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import browser_page, follow, site_base


def test_demo_site_works_over_file_url(demo_output: Path) -> None:
    with browser_page() as page:
        page.goto((demo_output / "index.html").as_uri())
        assert page.title()
        # The stylesheet loaded from disk: the header has the theme's colour.
        header_colour = page.eval_on_selector(
            ".site-header", "e => getComputedStyle(e).backgroundColor"
        )
        assert header_colour == "rgb(122, 46, 58)"
        # Home → dossier → document → descriptor → its broader descriptor, by clicking.
        follow(page, ".dossier-card h3 a")
        assert page.url.startswith("file://") and page.url.endswith("/index.html")
        assert "/dossiers/" in page.url and page.locator("#principles").count() == 1
        follow(page, ".supporting-documents a >> nth=0")
        assert page.locator(".document-page").count() == 1
        follow(page, "section[aria-labelledby=document-descriptors] a >> nth=0")
        assert "/atlas/" in page.url and page.locator(".descriptor-page").count() == 1
        title = page.inner_text("h1")
        follow(page, ".neighbourhood__broader a >> nth=0") if page.locator(
            ".neighbourhood__broader a"
        ).count() else follow(page, ".neighbourhood__narrower a >> nth=0")
        assert page.inner_text("h1") != title
        # Switch language on an atlas page, then back to the atlas index.
        follow(page, ".language-switch a[hreflang=en]")
        assert "/en/atlas/" in page.url and page.evaluate("document.documentElement.lang") == "en"
        follow(page, ".site-nav a >> text=Atlas")
        assert page.url.endswith("/en/atlas/index.html")
        assert page.failed_requests == [] and page.console_errors == []


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_a_missing_file_is_noticed(small_site: Path, tmp_path: Path, scheme: str) -> None:
    # The browser checks above would catch a broken page: prove it on a damaged copy.
    from treillis.build import build

    output = tmp_path / "output"
    build(small_site, output)
    (output / "assets" / "treillis.css").unlink()
    with site_base(output, scheme) as base, browser_page() as page:
        page.goto(base + "index.html")
        assert any(url.endswith("assets/treillis.css") for url in page.failed_requests)
