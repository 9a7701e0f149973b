"""The atlas in a real browser: diagram nodes, basket, reading path, visited marks (http and file://)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import browser_page, follow, site_base

SCHEMES = ["file", "http"]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_clicking_a_diagram_node_opens_that_descriptors_page(
    demo_output: Path, scheme: str
) -> None:
    with site_base(demo_output, scheme) as base, browser_page() as page:
        page.goto(base + "atlas/initiatives-citoyennes/index.html")
        node = page.locator(
            "svg.diagram a.diagram-node--broader, svg.diagram g.diagram-node--broader a"
        ).first
        follow(page, node)
        assert page.url.startswith(base + "atlas/") and page.url.endswith("/index.html")
        assert "initiatives-citoyennes" not in page.url
        # The page opened is the one of the clicked neighbour: it lists the first page as narrower.
        assert (
            page.locator(
                ".neighbourhood__narrower a[href='../initiatives-citoyennes/index.html']"
            ).count()
            == 1
        )
        # Keyboard: a diagram link can be reached with Tab and followed with Enter.
        page.goto(base + "atlas/initiatives-citoyennes/index.html")
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('svg.diagram') !== null"):
                break
        else:
            pytest.fail("no diagram link reachable by keyboard")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "initiatives-citoyennes" not in page.url
        assert page.console_errors == [] and page.failed_requests == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_basket_survives_a_reload_and_prints(demo_output: Path, scheme: str) -> None:
    document = "dossiers/conseils-citoyens-et-chartes/charte-participation-villebrune/index.html"
    with site_base(demo_output, scheme) as base, browser_page() as page:
        page.goto(base + document)
        title = page.inner_text("h1")
        button = page.locator(".basket-toggle")
        assert button.is_visible() and button.inner_text() == "Mettre dans le panier"
        button.click()
        assert button.inner_text() == "Retirer du panier"
        page.reload()
        assert page.locator(".basket-toggle").inner_text() == "Retirer du panier"
        follow(page, ".site-nav a >> text=Panier")
        assert page.url == base + "basket/index.html"
        items = page.locator("#basket-list a")
        assert items.count() == 1 and items.first.inner_text() == title
        page.reload()
        assert page.locator("#basket-list a").count() == 1
        # Print: the print button prints, and the printed page shows the list, not the menu.
        page.evaluate(
            "() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }"
        )
        page.click("[data-reader-list=basket] [data-action=print]")
        assert page.evaluate("window.__printed") == 1
        page.emulate_media(media="print")
        assert page.locator("#basket-list a").is_visible()
        assert not page.locator(".site-header").is_visible()
        page.emulate_media(media="screen")
        # The link in the basket leads back to the document.
        follow(page, items.first)
        assert page.url == base + document
        assert page.console_errors == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_reading_path_is_kept_printed_cleared_and_marks_visited_links(
    demo_output: Path, scheme: str
) -> None:
    with site_base(demo_output, scheme) as base, browser_page() as page:
        page.goto(base + "atlas/initiatives-citoyennes/index.html")
        follow(page, ".indexed-documents .document-card__title a >> nth=0")
        document_title = page.inner_text("h1")
        page.goto(base + "atlas/communs/index.html")
        # Visited pages are marked, in lists and in diagrams.
        back = page.locator(
            "svg.diagram:not(.diagram--narrow) a[href='../initiatives-citoyennes/index.html']"
        )
        assert back.count() == 1 and "visited" in back.get_attribute("class")
        listed = page.locator(
            ".neighbourhood__lists a[href='../initiatives-citoyennes/index.html']"
        )
        assert "visited" in listed.get_attribute("class")
        page.goto(base + "history/index.html")
        entries = page.locator("#history-list li")
        assert entries.count() == 3
        texts = [entries.nth(i).inner_text() for i in range(3)]
        assert texts[0].lower().startswith("descripteur") and "Initiatives citoyennes" in texts[0]
        assert texts[1].lower().startswith("document ") and document_title in texts[1]
        assert "Communs" in texts[2]
        page.reload()
        assert page.locator("#history-list li").count() == 3
        page.emulate_media(media="print")
        assert page.locator("#history-list").is_visible()
        page.emulate_media(media="screen")
        page.click("[data-reader-list=history] [data-action=clear]")
        assert page.locator("#history-list a").count() == 0
        assert page.inner_text("#history-list") == "Vous n'avez encore rien consulté."
        page.reload()
        assert page.locator("#history-list a").count() == 0
        assert page.console_errors == [] and page.failed_requests == []


def test_pages_work_without_javascript(demo_output: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_FLAGS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.goto((demo_output / "atlas/initiatives-citoyennes/index.html").as_uri())
            assert page.locator("svg.diagram a").count() >= 3
            follow(page, "svg.diagram a >> nth=0")
            assert page.locator("h1").count() == 1
            assert not page.locator(".basket-toggle").is_visible()  # no dead button
            page.goto((demo_output / "basket/index.html").as_uri())
            assert "JavaScript" in page.inner_text("main")
        finally:
            browser.close()


def test_stored_entries_that_this_site_did_not_write_are_ignored(demo_output: Path) -> None:
    with site_base(demo_output, "http") as base, browser_page() as page:
        page.goto(base + "basket/index.html")
        page.evaluate("""() => localStorage.setItem('treillis.basket', JSON.stringify([
            {url: 'javascript:alert(document.domain)', title: 'Cliquez-moi'},
            {url: 'https://elsewhere.example/page', title: 'Ailleurs'},
            null, {url: location.origin + '/dossiers/x/index.html', title: 'Bon', time: 'x'},
            {url: location.origin + '/basket/index.html', title: 'Bon'},
        ]))""")
        page.reload()
        links = page.locator("#basket-list a")
        assert links.count() == 1 and links.first.inner_text() == "Bon"
        assert page.console_errors == []
