"""Atom and RSS 2.0 feeds read as a network `Base`: each entry a record.

An entry gives its title, link (the record's address), summary (its lead), date
(published, else updated), authors, categories (the base's keywords) and language
(`xml:lang`, RSS's `language`). Values are plain text: HTML in a feed is read as
text, its tags dropped. The document is parsed by the caller (with defusedxml).
"""

from __future__ import annotations

import datetime
import email.utils
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

from treillis.network.records import Base, Keyword, NetworkRecord
from treillis.readers.fields import is_web_address

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
DC = "{http://purl.org/dc/elements/1.1/}"
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_LANG = re.compile(r"[a-zA-Z]{2,3}(?=$|[-_])")


def feed_format(root: Element) -> str | None:
    """ "atom" or "rss" when the root element is a feed's, else None."""
    if root.tag == f"{ATOM}feed":
        return "atom"
    if root.tag == "rss":
        return "rss"
    return None


class _TextOnly(HTMLParser):
    """The text of an HTML fragment: tags dropped, entities read, blocks kept apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")


def plain(text: str | None, html: bool = False) -> str:
    """`text` on one line, its whitespace collapsed; with `html`, its tags dropped."""
    if not text:
        return ""
    if html:
        parser = _TextOnly()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    words = text.split()
    if not "".join(words).isprintable():  # control characters: spaces (rare: looked for once)
        words = "".join(c if c.isprintable() or c.isspace() else " " for c in text).split()
    return " ".join(words)


def _lang(code: str | None) -> str:
    """The language of `fr-FR`, `fr_CA`, `FR`: `fr`; "" when none is said."""
    match = _LANG.match((code or "").strip())
    return match.group(0).lower() if match else ""


def _iso_date(value: str | None) -> str:
    """YYYY-MM-DD from an ISO 8601 (Atom) date, or ""."""
    match = _ISO_DATE.match((value or "").strip())
    if not match:
        return ""
    year, month, day = match.groups()
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return ""
    return "-".join(part for part in (year, month, day) if part)


def _rfc822_date(value: str | None) -> str:
    """YYYY-MM-DD from an RSS (RFC 822) date, or an ISO one, or ""."""
    if not value or not value.strip():
        return ""
    try:
        return email.utils.parsedate_to_datetime(value.strip()).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return _iso_date(value)


def _atom_text(element: Element | None) -> str:
    """An Atom text construct as plain text (type text, html or xhtml)."""
    if element is None:
        return ""
    kind = element.get("type", "text")
    if kind == "xhtml":
        return plain(" ".join(element.itertext()))
    return plain(element.text, html=kind == "html")


def _web(url: str) -> str:
    return url if url and is_web_address(url) else ""


def _name(base: Base, lang: str, title: str) -> None:
    if title:
        base.name[lang] = title


def read_atom(root: Element, base_id: str, url: str = "") -> Base:
    """An Atom feed as a base; `url` is where it was fetched (relative links resolve there)."""
    feed_lang = _lang(root.get(XML_LANG))
    feed_base = urljoin(url, root.get(XML_BASE, ""))
    base = Base(base_id)
    _name(base, feed_lang, _atom_text(root.find(f"{ATOM}title")))
    home = _atom_link(root, feed_base)
    base.authority = urlsplit(home or feed_base).hostname or ""
    feed_authors = _atom_authors(root)
    seen: set[str] = set()
    for number, entry in enumerate(root.iter(f"{ATOM}entry"), 1):
        entry_base = urljoin(feed_base, entry.get(XML_BASE, ""))
        lang = _lang(entry.get(XML_LANG)) or feed_lang
        keywords = []
        for category in entry.findall(f"{ATOM}category"):
            term = plain(category.get("term"))
            if term:
                keywords.append(term)
                _keyword(base, term, lang, plain(category.get("label")) or term)
        summary = entry.find(f"{ATOM}summary")
        published = entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")
        _add(
            base,
            seen,
            number,
            ident=plain(entry.findtext(f"{ATOM}id")),
            title=_atom_text(entry.find(f"{ATOM}title")),
            url=_atom_link(entry, entry_base),
            lead=_atom_text(summary if summary is not None else entry.find(f"{ATOM}content")),
            date=_iso_date(published),
            lang=lang,
            authors=_atom_authors(entry) or feed_authors,
            keywords=tuple(dict.fromkeys(keywords)),
        )
    return base


def _atom_link(element: Element, base_url: str) -> str:
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return _web(urljoin(base_url, link.get("href", "").strip()))
    return ""


def _atom_authors(element: Element) -> tuple[str, ...]:
    names = (plain(author.findtext(f"{ATOM}name")) for author in element.findall(f"{ATOM}author"))
    return tuple(name for name in names if name)


def read_rss(root: Element, base_id: str, url: str = "") -> Base:
    """An RSS 2.0 feed as a base; `url` is where it was fetched (relative links resolve there)."""
    channel = root.find("channel")
    base = Base(base_id)
    if channel is None:
        base.problems.append("the feed has no <channel>: no record read")
        return base
    lang = _lang(channel.findtext("language"))
    _name(base, lang, plain(channel.findtext("title")))
    home = _web(urljoin(url, (channel.findtext("link") or "").strip()))
    base.authority = urlsplit(home or url).hostname or ""
    seen: set[str] = set()
    for number, item in enumerate(channel.iter("item"), 1):
        keywords = []
        for category in item.findall("category"):
            term = plain(category.text)
            if term:
                keywords.append(term)
                _keyword(base, term, lang, term)
        link = _web(urljoin(url, (item.findtext("link") or "").strip()))
        guid = item.find("guid")
        if not link and guid is not None and guid.get("isPermaLink", "true") == "true":
            link = _web(plain(guid.text))
        authors = [plain(item.findtext(f"{DC}creator")), _rss_author(item.findtext("author"))]
        _add(
            base,
            seen,
            number,
            ident=plain(guid.text) if guid is not None else "",
            title=plain(item.findtext("title"), html=True),
            url=link,
            lead=plain(item.findtext("description"), html=True),
            date=_rfc822_date(item.findtext("pubDate") or item.findtext(f"{DC}date")),
            lang=lang,
            authors=tuple(dict.fromkeys(a for a in authors if a)),
            keywords=tuple(dict.fromkeys(keywords)),
        )
    return base


def _rss_author(value: str | None) -> str:
    """RSS's `author` is an e-mail address, often with the name: `x@y.org (Name)`."""
    text = plain(value)
    match = re.fullmatch(r"\S+@\S+\s*\((.+)\)", text)
    return match.group(1).strip() if match else "" if "@" in text else text


def _keyword(base: Base, term: str, lang: str, label: str) -> None:
    known = base.keywords.get(term)
    labels = dict(known.labels) if known else {}
    labels.setdefault(lang, label)
    base.keywords[term] = Keyword(term, labels)


def _add(
    base: Base, seen: set[str], number: int, *, ident: str, title: str, url: str, **fields: object
) -> None:
    """Add a record, or say why the entry is skipped (no title or no web address)."""
    missing = [what for what, value in (("title", title), ("http(s) link", url)) if not value]
    if missing:
        shown = f" '{title[:60]}'" if title else ""
        base.problems.append(f"entry {number}{shown}: no {' nor '.join(missing)}, skipped")
        return
    record_id = ident or url
    if record_id in seen:
        base.problems.append(f"entry {number} '{title[:60]}': its id '{record_id}' is repeated")
        return
    seen.add(record_id)
    base.records.append(NetworkRecord(record_id, title, url, **fields))  # type: ignore[arg-type]
