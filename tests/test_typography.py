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
