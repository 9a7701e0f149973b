"""Checking a generated site as a reader's browser would meet it.

Every internal link and anchor resolves (pages, links inside diagrams, feeds,
sitemap), no link starts with `/` (it would break in a sub-folder or from
disk), no link ends at a bare folder, and every page has a title, a `lang`
and a description. External links are listed, not fetched.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.errors import Problem

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.ids: set[str] = set()
        self.lang = ""
        self.title = ""
        self.description = ""
        self._in_title = False
        self._svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "svg":
            self._svg_depth += 1
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "html":
            self.lang = values.get("lang", "")
        elif tag == "title" and not self._svg_depth:
            self._in_title = True
        elif tag == "meta" and values.get("name") == "description":
            self.description = values.get("content", "")
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and attribute in values:
            self.links.append((values[attribute], self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._svg_depth = max(0, self._svg_depth - 1)
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@dataclass
class SiteCheck:
    """What the check found."""

    pages: int = 0
    links: int = 0
    feeds: int = 0
    problems: list[Problem] = field(default_factory=list)
    external: dict[str, int] = field(default_factory=dict)  # address → times linked


def check_site(root: Path, base_url: str = "") -> SiteCheck:
    """Check every page, feed and sitemap of the generated site in `root`."""
    root = root.resolve()
    report = SiteCheck()
    parsed: dict[Path, _Page] = {}

    def page(path: Path) -> _Page:
        if path not in parsed:
            reader = _Page()
            reader.feed(path.read_text(encoding="utf-8", errors="replace"))
            parsed[path] = reader
        return parsed[path]

    def problem(path: Path, line: int, message: str) -> None:
        report.problems.append(Problem(path.relative_to(root).as_posix(), line, message))

    def follow(source: Path, url: str, line: int) -> None:
        report.links += 1
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            if base_url and url.startswith(base_url):
                url = url[len(base_url) :]
                parts = urlsplit(url)
            else:
                if parts.scheme in ("http", "https"):
                    report.external[url] = report.external.get(url, 0) + 1
                elif parts.scheme not in ("mailto", "tel"):
                    problem(source, line, f"link to '{url}': not a web, mail or phone address")
                return
        elif url.startswith("/"):
            problem(
                source,
                line,
                f"link '{url}' starts with '/': it breaks in a sub-folder and from disk",
            )
            return
        target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
        if not target.is_relative_to(root):
            problem(source, line, f"link '{url}' leaves the site")
        elif target.is_dir():
            problem(
                source,
                line,
                f"link '{url}' ends at a folder: write …/index.html (needed from disk)",
            )
        elif not target.is_file():
            problem(source, line, f"broken link '{url}': no such file")
        elif (
            parts.fragment
            and target.suffix == ".html"
            and unquote(parts.fragment) not in page(target).ids
        ):
            problem(source, line, f"broken link '{url}': no '#{parts.fragment}' in that page")

    for path in sorted(root.rglob("*.html")):
        report.pages += 1
        reader = page(path)
        if not reader.lang:
            problem(path, 1, "the page has no lang attribute")
        if not reader.title.strip():
            problem(path, 1, "the page has no title")
        if not reader.description.strip():
            problem(path, 1, "the page has no description")
        for url, line in reader.links:
            if url:
                follow(path, url, line)
    atom = "{http://www.w3.org/2005/Atom}"
    for feed in sorted(root.rglob("*.xml")):
        try:
            tree = ElementTree.parse(feed)
        except ElementTree.ParseError as error:
            problem(feed, error.position[0], f"invalid XML: {error}")
            continue
        report.feeds += 1
        for link in tree.getroot().iter(f"{atom}link"):
            if link.get("rel", "alternate") == "alternate":
                follow(feed, link.get("href", ""), 1)
        for loc in tree.getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
            follow(feed, (loc.text or "").strip(), 1)
    report.problems.sort()
    return report
