"""Reading a generated site the way a reader meets it: pages, their links and anchors."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"))


@dataclass
class Link:
    page: Path
    url: str

    @property
    def is_external(self) -> bool:
        return bool(urlsplit(self.url).scheme) or self.url.startswith("//")

    def target(self) -> tuple[Path, str]:
        """The file this relative link points to, and its fragment."""
        parts = urlsplit(self.url)
        path = (self.page.parent / unquote(parts.path)).resolve() if parts.path else self.page
        return path, unquote(parts.fragment)


class Site:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._soups: dict[Path, BeautifulSoup] = {}

    @cached_property
    def pages(self) -> list[Path]:
        return sorted(self.root.rglob("*.html"))

    def soup(self, page: Path) -> BeautifulSoup:
        page = page.resolve()
        if page not in self._soups:
            self._soups[page] = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        return self._soups[page]

    def page(self, relative: str) -> BeautifulSoup:
        return self.soup(self.root / relative)

    def links(self, page: Path) -> list[Link]:
        soup = self.soup(page)
        return [
            Link(page, element[attribute])
            for tag, attribute in LINK_ATTRIBUTES
            for element in soup.find_all(tag)
            if element.get(attribute) is not None
        ]

    def anchors(self, page: Path) -> set[str]:
        soup = self.soup(page)
        return {element["id"] for element in soup.find_all(id=True)} | {
            element["name"] for element in soup.find_all("a", attrs={"name": True})
        }

    def link_texts(self, soup: BeautifulSoup, selector: str) -> list[str]:
        return [a.get_text(" ", strip=True) for a in soup.select(selector)]

    def relative(self, page: Path) -> str:
        return page.resolve().relative_to(self.root).as_posix()

    def hrefs_to(self, soup: BeautifulSoup, page_relative: str, selector: str) -> list[str]:
        """Targets (output-relative) of the links matched by `selector` on a page."""
        base = (self.root / page_relative).parent
        result = []
        for a in soup.select(selector):
            target = (base / urlsplit(a["href"]).path).resolve()
            result.append(target.relative_to(self.root).as_posix())
        return result
