"""The language switch on a page without a translation, the language badge of document
cards, and the preview's error overlay in the site's language (issue 15)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from treillis import serve
from treillis.live import LiveSite

UNTRANSLATED = "dossiers/comite-de-direction-partage/charte-du-comite-de-direction/index.html"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def switch_links(page: BeautifulSoup) -> dict[str, object]:
    return {a["hreflang"]: a for a in page.select("nav.language-switch a[hreflang]")}


def test_the_switch_says_when_it_leads_to_a_home_page(demo_output: Path) -> None:
    page = soup(demo_output / UNTRANSLATED)
    links = switch_links(page)
    assert set(links) == {"en", "es"}
    english = links["en"]
    assert english["href"] == "../../../en/index.html"
    # Its accessible name (its text) says where it leads, in the page's language; the
    # language's name keeps its own `lang`.
    assert english.get_text(" ", strip=True) == "English (pas traduite\u00a0: page d'accueil)"
    assert english.select_one("span[lang=en]").get_text() == "English"
    assert links["es"].select_one(".language-switch__hint") is not None
    # A page translated into every language: plain links.
    atlas = soup(demo_output / "en/atlas/index.html")
    for link in switch_links(atlas).values():
        assert link.select_one(".language-switch__hint") is None
        assert "language-switch__home" not in link.get("class", [])
    assert switch_links(atlas)["fr"]["href"] == "../../atlas/index.html"


def test_cards_in_another_language_show_a_badge(demo_output: Path) -> None:
    for home, lang in (("en/index.html", "en"), ("index.html", "fr")):
        cards = soup(demo_output / home).select("article.document-card")
        assert cards, home
        badged = 0
        for card in cards:
            title = card.select_one(".document-card__title")
            badge = card.select_one(".lang-badge")
            document_lang = title.get("lang", lang)
            if document_lang == lang:
                assert badge is None and not title.has_attr("lang"), card
            else:
                badged += 1
                assert badge is not None and badge.get_text() == document_lang, card
                summary = card.select_one(".document-card__summary")
                assert summary is None or summary["lang"] == document_lang
                # The interface's words of the card (type, date) stay in the page's language.
                assert not card.has_attr("lang")
                meta = card.select_one(".document-card__meta")
                assert meta.find_parent(lang=True)["lang"] == lang
        assert badged, home
    english = soup(demo_output / "en/index.html")
    assert "fr" in [badge.get_text() for badge in english.select(".lang-badge")]


def test_the_overlay_words_follow_the_sites_first_language(small_site: Path) -> None:
    site = LiveSite(small_site)
    try:
        site.rebuild(search_in_background=False)
        assert site.overlay_words["lang"] == "fr"
        assert site.overlay_words["problems"].startswith("Problèmes dans le contenu ({n})")
        config = small_site / "site.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("languages: [fr, en]", "languages: [en, fr]"), "utf-8")
        atlas = small_site / "atlas/descriptors/main.yaml"
        text = atlas.read_text(encoding="utf-8")
        atlas.write_text(text.replace("{fr: Budget participatif}", "{fr: Budget, en: Budget}"))
        assert site.rebuild(search_in_background=False).problems == []
        assert site.overlay_words == {
            "lang": "en",
            "problems": "Problems in the content ({n}): the last good pages are shown. "
            "Fix the file and save.",
        }
    finally:
        site.close()


def test_the_preview_overlay_is_french_opaque_and_above_the_header(
    preview: serve.Preview,
) -> None:
    from tests.browser import browser_page
    from tests.test_serve import wait_for_listener, write

    with browser_page() as page:
        page.goto(preview.url + UNTRANSLATED)
        wait_for_listener(preview)
        header = page.locator(".site-header").bounding_box()
        assert header is not None
        families = preview.site.content / "atlas/families.yaml"
        write(families, families.read_text(encoding="utf-8").rstrip("\n") + "\n- id: [broken\n")
        overlay = page.locator("#treillis-problems")
        overlay.wait_for(timeout=20_000)
        assert overlay.get_attribute("lang") == "fr"
        title = overlay.locator("h2").inner_text()
        assert title.startswith("Problèmes dans le contenu (1)"), title
        assert "families.yaml:" in overlay.inner_text()
        found = page.evaluate(
            """() => {
                const overlay = document.getElementById('treillis-problems');
                const rgba = getComputedStyle(overlay).backgroundColor.match(/[\\d.]+/g);
                const header = document.querySelector('.site-header').getBoundingClientRect();
                const points = [[header.left + 5, header.top + 5],
                                [header.left + header.width / 2, header.top + header.height / 2],
                                [header.right - 5, header.bottom - 5]];
                return {
                    alpha: rgba.length > 3 ? Number(rgba[3]) : 1,
                    covered: points.every(([x, y]) => overlay.contains(
                        document.elementFromPoint(x, y))),
                };
            }"""
        )
        assert found == {"alpha": 1, "covered": True}
