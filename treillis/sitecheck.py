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
from xml.parsers.expat import ErrorString, ExpatError, ParserCreate

from treillis.errors import Problem

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
        self.unreadable = False

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


class _Doctype(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _read_xml(data: bytes) -> ElementTree.ElementTree:
    """A feed or sitemap, refused when it has a DOCTYPE: entities it could declare are
    never expanded (nor fetched)."""
    checker = ParserCreate()

    def refuse(*_args: object) -> None:
        raise _Doctype(checker.CurrentLineNumber)

    checker.StartDoctypeDeclHandler = refuse
    checker.Parse(data, True)  # stops at the DOCTYPE, before any entity is declared
    return ElementTree.ElementTree(ElementTree.fromstring(data))


def check_site(root: Path, base_url: str = "") -> SiteCheck:
    """Check every page, feed and sitemap of the generated site in `root`."""
    root = root.resolve()
    report = SiteCheck()
    parsed: dict[Path, _Page] = {}

    def page(path: Path) -> _Page:
        if path not in parsed:
            reader = _Page()
            try:
                reader.feed(path.read_text(encoding="utf-8", errors="replace"))
            except OSError as error:
                problem(path, 1, f"the page cannot be read: {error.strerror or error}")
                reader.unreadable = True
            parsed[path] = reader
        return parsed[path]

    def problem(path: Path, line: int, message: str) -> None:
        report.problems.append(Problem(path.relative_to(root).as_posix(), line, message))

    def follow(source: Path, url: str, line: int) -> None:
        report.links += 1
        try:
            parts = urlsplit(url)
            if base_url and url.startswith(base_url):
                parts = urlsplit(url[len(base_url) :])
        except ValueError:  # brackets not around an IPv6 host, a port that is no number
            problem(source, line, f"link '{url}' is not a valid address")
            return
        if parts.scheme or url.startswith("//"):
            if base_url and url.startswith(base_url):
                url = url[len(base_url) :]
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
        try:
            target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
            is_dir, is_file = target.is_dir(), target.is_file()
        except (OSError, ValueError):  # a NUL character (%00), a name too long…
            problem(source, line, f"broken link '{url}': no file can have this name")
            return
        if not target.is_relative_to(root):
            problem(source, line, f"link '{url}' leaves the site")
        elif is_dir:
            problem(
                source,
                line,
                f"link '{url}' ends at a folder: write …/index.html (needed from disk)",
            )
        elif not is_file:
            problem(source, line, f"broken link '{url}': no such file")
        elif (
            parts.fragment
            and target.suffix == ".html"
            and unquote(parts.fragment) not in page(target).ids
        ):
            problem(source, line, f"broken link '{url}': no '#{parts.fragment}' in that page")

    for path in sorted(root.rglob("*.html")):
        if not path.is_file():  # a folder named like a page: links to it are reported
            continue
        report.pages += 1
        reader = page(path)
        if reader.unreadable:
            continue
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
        if not feed.is_file():
            continue
        try:
            data = feed.read_bytes()
        except OSError as error:
            problem(feed, 1, f"the file cannot be read: {error.strerror or error}")
            continue
        try:
            tree = _read_xml(data)
        except ExpatError as error:
            problem(feed, error.lineno, f"invalid XML: {ErrorString(error.code)}")
            continue
        except _Doctype as error:
            problem(feed, error.line, "a DOCTYPE: not read (feeds and sitemaps have none)")
            continue
        report.feeds += 1
        for link in tree.getroot().iter(f"{atom}link"):
            if link.get("rel", "alternate") == "alternate":
                follow(feed, link.get("href", ""), 1)
        for loc in tree.getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
            follow(feed, (loc.text or "").strip(), 1)
    report.problems.sort()
    return report
