"""ScrutariData, both ways: the site written as a base Scrutari harvests, and a base read back.

The format (scrutari.net, "Description du format ScrutariData") is a `<base>` holding
its `<base-metadata>`, one `<corpus>` of `<fiche>`s per kind of document, `<thesaurus>`
of `<motcle>`s and `<indexation-group>`s linking fiches to keywords. docs/network.md
says what of the site goes where.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit

from treillis.errors import BuildError, Problem
from treillis.i18n import Translations
from treillis.model import DOCUMENT_TYPES, Site
from treillis.network.records import Base, Keyword, NetworkRecord
from treillis.urls import Paths

SCRUTARI_FILE = "scrutari.xml"
THESAURUS = "atlas"  # the thesaurus of the atlas's descriptors
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Names and identifiers: the format recommends lowercase letters, digits, `-` and `_`.
_NOT_A_NAME = re.compile(r"[^a-z0-9_-]+")
# The part of a ScrutariData date a record keeps: YYYY, YYYY-MM or YYYY-MM-DD (a
# quarter or a half-year, `2019-T2`, `2019-S1`, keeps its year).
_DATE = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?(?![\d])")


def fiche_id(key: str) -> str:
    """A document's fiche id: its key with `_` for `/` (slugs never hold a `_`)."""
    return key.replace("/", "_")


def authority_and_name(base_url: str) -> tuple[str, str]:
    """The base's authority (the site's host, as Scrutari's URIs suggest) and its name
    (the site's path, else `treillis`): `https://example.org/atlas/` → (example.org, atlas)."""
    parts = urlsplit(base_url)
    name = _NOT_A_NAME.sub("-", parts.path.strip("/").lower().replace("/", "-")).strip("-")
    return (parts.hostname or "").lower(), name or "treillis"


def _sub(parent: ElementTree.Element, tag: str, text: str = "", **attributes: str):
    element = ElementTree.SubElement(parent, tag, attributes)
    if text:
        element.text = text
    return element


def _libs(parent: ElementTree.Element, tag: str, values: dict[str, str]) -> None:
    """`<tag><lib xml:lang="…">…</lib>…</tag>`, one `lib` per language that has a value."""
    present = {lang: value for lang, value in values.items() if value}
    if present:
        holder = _sub(parent, tag)
        for lang, value in present.items():
            _sub(holder, "lib", value, **{XML_LANG: lang})


def scrutari_xml(site: Site, paths: Paths, interface: Translations) -> str:
    """The site as a ScrutariData file (needs `base_url`: every fiche's address is absolute)."""
    base_url = site.config.base_url
    languages = site.config.languages
    authority, name = authority_and_name(base_url)
    root = ElementTree.Element("base")
    metadata = _sub(root, "base-metadata")
    _sub(metadata, "authority", authority)
    _sub(metadata, "base-name", name)
    _libs(metadata, "intitule-short", {lang: site.config.title.get(lang) for lang in languages})
    _libs(metadata, "intitule-long", site.config.description.values)
    langs = _sub(metadata, "langs-ui")
    for lang in languages:
        _sub(langs, "lang", lang)

    documents = sorted(site.documents.values(), key=lambda d: d.key)
    kinds = [kind for kind in DOCUMENT_TYPES if any(d.type == kind for d in documents)]
    for kind in kinds:
        corpus = _sub(root, "corpus", **{"corpus-name": kind})
        corpus_metadata = _sub(corpus, "corpus-metadata")
        _libs(
            corpus_metadata,
            "intitule-corpus",
            {lang: interface.text(f"types.{kind}", lang) for lang in languages},
        )
        _libs(
            corpus_metadata,
            "intitule-fiche",
            {lang: interface.text(f"type.{kind}", lang) for lang in languages},
        )
        for document in (d for d in documents if d.type == kind):
            fiche = _sub(corpus, "fiche", **{"fiche-id": fiche_id(document.key)})
            _sub(fiche, "titre", document.title)
            if document.summary:
                _sub(fiche, "soustitre", document.summary)
            if document.date:
                _sub(fiche, "date", document.date)
            _sub(fiche, "lang", document.lang)
            _sub(fiche, "href", base_url + paths.document(document.key))
            if document.authors:
                # Scrutari's predefined attribute for a document's authors.
                authors = _sub(fiche, "attr", ns="sct", key="authors")
                for author in document.authors:
                    _sub(authors, "val", author)

    if site.descriptors:
        thesaurus = _sub(root, "thesaurus", **{"thesaurus-name": THESAURUS})
        thesaurus_metadata = _sub(thesaurus, "thesaurus-metadata")
        _libs(
            thesaurus_metadata,
            "intitule-thesaurus",
            {lang: interface.text("atlas", lang) for lang in languages},
        )
        for descriptor_id in sorted(site.descriptors):
            motcle = _sub(thesaurus, "motcle", **{"motcle-id": descriptor_id})
            labels = site.descriptors[descriptor_id].label.values
            for lang in sorted(labels):
                if labels[lang]:
                    _sub(motcle, "lib", labels[lang], **{XML_LANG: lang})
        for kind in kinds:
            group = ElementTree.Element(
                "indexation-group", {"corpus-path": kind, "thesaurus-path": THESAURUS}
            )
            for document in (d for d in documents if d.type == kind):
                for descriptor_id in dict.fromkeys(document.descriptor_ids):
                    if descriptor_id in site.descriptors:
                        _sub(
                            group,
                            "indexation",
                            **{"fiche-id": fiche_id(document.key), "motcle-id": descriptor_id},
                        )
            if len(group):
                root.append(group)

    ElementTree.indent(root, space=" ")
    text = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"


def scrutari_files(site: Site, paths: Paths, interface: Translations) -> list[tuple[str, str]]:
    """`scrutari.xml` when the site's address is known (Scrutari needs absolute links)."""
    if not site.config.base_url:
        return []
    return [(SCRUTARI_FILE, scrutari_xml(site, paths, interface))]


# Reading


def _text(element: ElementTree.Element | None) -> str:
    """An element's value as plain text, whitespace folded (markup inside stays text)."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _labels(element: ElementTree.Element | None) -> dict[str, str]:
    """The `lib`s under `element` by language (`""`: a `lib` that names none)."""
    if element is None:
        return {}
    labels: dict[str, str] = {}
    for lib in element.findall("lib"):
        value = _text(lib)
        if value:
            labels.setdefault(lib.get(XML_LANG, ""), value)
    return labels


def _parse(data: bytes, source: str) -> ElementTree.Element:
    """The document's root; entity declarations and external references are refused
    (nothing is expanded or fetched), malformed XML is a `path:line:` error."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    parser = DefusedXMLParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        return parser.close()
    except DefusedXmlException:
        line = parser.parser.CurrentLineNumber
        message = (
            "ENTITY declarations and external references are refused in a ScrutariData "
            "file: entities can expand without bound or read other files"
        )
    except ParseError as error:
        line = error.position[0]
        reason = re.sub(r": line \d+, column \d+$", "", str(error.msg))
        message = f"this ScrutariData file is not well-formed XML: {reason}"
    raise BuildError([Problem(source, line, message)])


def _date(value: str) -> str:
    """The ISO 8601 part of a ScrutariData date, or "" when it has none."""
    found = _DATE.match(value)
    return found.group() if found else ""


def read_scrutari(data: bytes, base_id: str, source: str = SCRUTARI_FILE) -> Base:
    """A ScrutariData file as a `Base`. Fiches without an absolute http(s) address or a
    title are skipped and said in `Base.problems`; keywords are `<thesaurus>/<motcle>`."""
    return scrutari_base(_parse(data, source), base_id, source)


def scrutari_base(root: ElementTree.Element, base_id: str, source: str = SCRUTARI_FILE) -> Base:
    """The base of a ScrutariData document already parsed (as `read_scrutari` parses it:
    no entity expansion), for a reader that parsed it to find its format."""
    if root.tag != "base":
        raise BuildError([Problem(source, 1, f"<{root.tag}> is no ScrutariData <base>")])
    metadata = root.find("base-metadata")
    base = Base(
        base_id,
        name=_labels(metadata.find("intitule-short")) if metadata is not None else {},
        authority=_text(metadata.find("authority")) if metadata is not None else "",
    )
    for thesaurus in root.findall("thesaurus"):
        thesaurus_name = thesaurus.get("thesaurus-name", "")
        for motcle in thesaurus.findall("motcle"):
            keyword_id = f"{thesaurus_name}/{motcle.get('motcle-id', '')}"
            base.keywords[keyword_id] = Keyword(keyword_id, _labels(motcle))
    indexed: dict[tuple[str, str], list[str]] = {}
    for group in root.findall("indexation-group"):
        corpus_name, thesaurus_name = group.get("corpus-path", ""), group.get("thesaurus-path", "")
        for indexation in group.findall("indexation"):
            keyword_id = f"{thesaurus_name}/{indexation.get('motcle-id', '')}"
            if keyword_id in base.keywords:
                fiche = (corpus_name, indexation.get("fiche-id", ""))
                indexed.setdefault(fiche, []).append(keyword_id)
    for corpus in root.findall("corpus"):
        corpus_name = corpus.get("corpus-name", "")
        # A corpus may give its fiches' addresses relative to `href-parent`.
        parent = _text(corpus.find("corpus-metadata/href-parent"))
        seen: set[str] = set()
        for fiche in corpus.findall("fiche"):
            fiche_name = fiche.get("fiche-id", "")
            title, url = _text(fiche.find("titre")), _text(fiche.find("href"))
            if url and parent and not urlsplit(url).scheme:
                url = parent + url
            where = f"fiche {corpus_name}/{fiche_name}"
            if fiche_name in seen:
                base.problems.append(f"{where}: a second fiche with this id, skipped")
                continue
            seen.add(fiche_name)
            if not title:
                base.problems.append(f"{where}: no title (<titre>), skipped")
                continue
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                said = f" ({url})" if url else ""
                base.problems.append(
                    f"{where}: no absolute http(s) address (<href>){said}, skipped"
                )
                continue
            authors = [
                _text(value)
                for attr in fiche.findall("attr")
                if (attr.get("ns"), attr.get("key")) == ("sct", "authors")
                for value in attr.findall("val")
            ]
            base.records.append(
                NetworkRecord(
                    id=f"{corpus_name}/{fiche_name}",
                    title=title,
                    url=url,
                    lead=_text(fiche.find("soustitre")),
                    date=_date(_text(fiche.find("date"))),
                    lang=_text(fiche.find("lang")),
                    authors=tuple(a for a in authors if a),
                    kind=corpus_name,
                    keywords=tuple(dict.fromkeys(indexed.get((corpus_name, fiche_name), []))),
                )
            )
    return base
