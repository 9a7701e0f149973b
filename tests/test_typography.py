"""A page right for its reader's language: hreflang alternates, French typography, dates."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from treillis.build import build


def _alternates(page: Path) -> dict[str, str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return {
        link["hreflang"]: link["href"]
        for link in soup.find_all("link", attrs={"rel": "alternate", "hreflang": True})
    }


def test_hreflang_alternates_are_absolute_with_base_url(small_site: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(small_site, output, base_url="https://example.org/site/")
    alternates = _alternates(output / "dossiers/essai/cas-un/index.html")
    assert alternates == {
        "fr": "https://example.org/site/dossiers/essai/cas-un/index.html",
        "en": "https://example.org/site/dossiers/essai/case-one/index.html",
    }
    for page in output.rglob("*.html"):
        for href in _alternates(page).values():
            assert href.startswith("https://example.org/site/"), (page, href)


def test_hreflang_alternates_are_left_out_without_base_url(
    small_site: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    build(small_site, output)
    assert (output / "dossiers/essai/cas-un/index.html").is_file()
    for page in output.rglob("*.html"):
        assert _alternates(page) == {}, page


FRENCH_PROSE = "Il a dit : « oui » ; vraiment ? 50 %"
NBSP, NNBSP = "\u00a0", "\u202f"
TYPESET = f"Il a dit{NBSP}: «{NBSP}oui{NBSP}»{NNBSP}; vraiment{NNBSP}? 50{NBSP}%"


def _body(page: Path) -> str:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return str(soup.find(class_="prose"))


def test_french_pages_get_french_spaces_code_and_links_untouched(
    small_site: Path, tmp_path: Path
) -> None:
    french = small_site / "dossiers/essai/cas-deux.md"
    french.write_text(
        french.read_text(encoding="utf-8").replace(
            "Une analyse.",
            f"{FRENCH_PROSE}\n\nVoir `a : b ?` et [la page : ici](https://example.org/?q=a:b)"
            " et <https://example.org/x?y=1>.\n\n    bloc : code ?\n",
        ),
        encoding="utf-8",
    )
    english = small_site / "dossiers/essai/case-one.md"
    english.write_text(
        english.read_text(encoding="utf-8").replace("The body in English.", FRENCH_PROSE),
        encoding="utf-8",
    )
    output = tmp_path / "output"
    build(small_site, output)
    body = _body(output / "dossiers/essai/cas-deux/index.html")
    assert TYPESET in body
    assert "<code>a : b ?</code>" in body
    assert f'href="https://example.org/?q=a:b">la page{NBSP}: ici</a>' in body
    assert '<a href="https://example.org/x?y=1">https://example.org/x?y=1</a>' in body
    assert "bloc : code ?" in body
    assert FRENCH_PROSE in _body(output / "dossiers/essai/case-one/index.html")


def test_french_spacing_is_idempotent_and_keeps_the_authors_spaces() -> None:
    from treillis.languages import french_spacing

    assert french_spacing(FRENCH_PROSE) == TYPESET
    assert french_spacing(TYPESET) == TYPESET
    assert french_spacing(f"«oui» et non{NNBSP}: 10:30 http://a.org/?b") == (
        f"«{NBSP}oui{NBSP}» et non{NNBSP}: 10:30 http://a.org/?b"
    )


def test_french_interface_words_use_no_break_spaces() -> None:
    from treillis.i18n import default_translations
    from treillis.languages import french_spacing

    entries = default_translations(("fr",)).entries["fr"]
    texts = [
        t for entry in entries.values() for t in ([entry] if isinstance(entry, str) else entry)
    ]
    assert [t for t in texts if french_spacing(t) != t] == []
    assert entries["colon"] == f"{NBSP}:"
    assert f"Astuces{NBSP}:" in entries["search_help"]


def test_search_results_show_dates_in_the_pages_language(demo_output: Path) -> None:
    from tests.browser import browser_page, site_base

    with site_base(demo_output, "file") as base, browser_page() as page:
        for path, expected in (
            ("search/index.html", "20 mai 2019"),
            ("en/search/index.html", "May 20, 2019"),
        ):
            page.goto(f"{base}{path}?q=mutualiser%20centraliser")
            result = page.locator(".search-result", has_text="Mutualiser sans centraliser")
            result.first.wait_for()
            meta = result.first.locator(".search-result__meta").inner_text()
            assert expected in meta, (path, meta)
            assert "2019-05-20" not in meta
            assert page.console_errors == []


def test_interface_counts_have_the_languages_thousands_separator() -> None:
    from treillis.i18n import translator

    assert translator("fr")("documents_count", n=24000) == f"24{NNBSP}000 documents"
    assert translator("fr")("documents_count", n=1) == "1 document"
    assert translator("en")("documents_count", n=24000) == "24,000 documents"
    assert translator("es")("documents_count", n=1234567) == "1.234.567 documentos"
