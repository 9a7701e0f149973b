"""Views of the home page, dossiers, documents and partners."""

from __future__ import annotations

import heapq
import html as html_entities
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import partial
from typing import Any

from treillis.i18n import format_date, language_names
from treillis.languages import REGISTRY, date_format
from treillis.markdown import CONTENT_ID_PREFIX
from treillis.model import DOCUMENT_TYPES, Document, Dossier, Partner
from treillis.search.schema import FACETS, first_result_scripts  # written once
from treillis.views.common import (
    DocumentHeader,
    DossierHeader,
    Page,
    Views,
    principle_anchor,
    sort_key,
)
from treillis.views.diagrams import indexing_diagram, principles_diagram

RELATED_DOCUMENTS = 6
NEWEST_SHOWN = 8  # the newest documents on the home
# A document gets a table of contents from this many section headings (h2, h3) on.
TOC_MIN_HEADINGS = 3

_HEADING = re.compile(r"<(h[23])((?:\s[^>]*)?)>(.*?)</\1>", re.DOTALL)
_ID = re.compile(r'\sid="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")


def _slug(text: str) -> str:
    """An id's words: lower case, accents dropped, anything else a hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def outline(body: str) -> tuple[str, list[dict[str, Any]]]:
    """The rendered body with an id on each h2 and h3, and its table of contents.

    Ids carry the content prefix, as raw HTML's do: never an id of the page around it.
    A heading that has one (raw HTML) keeps it. No table for fewer than
    `TOC_MIN_HEADINGS` headings: a short text needs none.
    """
    used = set(_ID.findall(body))
    entries: list[dict[str, Any]] = []

    def name(match: re.Match) -> str:
        tag, attributes, inner = match.groups()
        # Only ASCII white space folds: a no-break space (French typography) stays.
        text = re.sub(r"[ \t\r\n]+", " ", html_entities.unescape(_TAG.sub("", inner))).strip()
        found = _ID.search(attributes)
        if found:
            anchor = found.group(1)
        else:
            base = anchor = CONTENT_ID_PREFIX + _slug(text)
            number = 1
            while anchor in used:
                number += 1
                anchor = f"{base}-{number}"
            used.add(anchor)
            attributes += f' id="{anchor}"'
        entries.append({"id": anchor, "text": text, "level": int(tag[1])})
        return f"<{tag}{attributes}>{inner}</{tag}>"

    body = _HEADING.sub(name, body)
    return body, entries if len(entries) >= TOC_MIN_HEADINGS else []


def home_pages(views: Views) -> Iterator[Page]:
    site = views.site
    alternates = {lang: views.paths.home(lang) for lang in views.languages}
    for lang in views.languages:
        path = views.paths.home(lang)
        yield Page(
            path=path,
            template="home.html",
            lang=lang,
            title=site.config.title.get(lang),
            description=site.config.description.get(lang),
            alternates=alternates,
            context={
                "intro": views.render_markdown(site.config.description.get(lang), path, lang),
                "dossiers": [dossier_card(views, d, lang) for d in _dossiers_newest_first(views)],
                "families": family_legend(views, lang),
                "top_descriptors": views.descriptor_links(views.top_descriptors(), lang),
                "newest": views.newest_documents(lang, NEWEST_SHOWN),
                "partners": [partner_card(views, p, lang) for p in views.partners()],
                # What this site publishes: a mirror counts its own part, not the main site's.
                "counts": {
                    "documents": len(views.documents()),
                    "descriptors": len(views.descriptors()),
                    # The records of the network's bases it searches (a mirror has none).
                    "network": len(views.site.network) if views.scope is None else 0,
                },
            },
        )


def _dossiers_newest_first(views: Views) -> list[Dossier]:
    return sorted(views.dossiers(), key=lambda d: (d.date, d.title), reverse=True)


def dossier_card(views: Views, dossier: Dossier, lang: str) -> dict[str, Any]:
    return {
        "title": dossier.title,
        "lang": dossier.lang,
        "path": views.paths.dossier(dossier.slug),
        "summary": dossier.summary,
        "count": sum(1 for key in dossier.documents if views.publishes("document", key)),
        "date_label": format_date(dossier.date, lang),
    }


def family_legend(views: Views, lang: str) -> list[dict[str, Any]]:
    """Families with their colour, nested under their parent, with descriptor counts."""
    site = views.site
    counts = Counter(d.family.target for d in views.descriptors())
    children: dict[str | None, list[str]] = {}
    for family in site.families.values():
        parent = family.parent.target if family.parent else None
        children.setdefault(parent if parent in site.families else None, []).append(family.id)

    def entries(parent: str | None) -> list[dict[str, Any]]:
        return [
            {
                "id": fid,
                "code": site.families[fid].code,
                "label": site.families[fid].label.get(lang),
                "colour": site.families[fid].colour,
                "description": site.families[fid].description.get(lang),
                "count": counts[fid],
                "children": entries(fid),
            }
            for fid in children.get(parent, [])
        ]

    return entries(None)


def partner_card(views: Views, partner: Partner, lang: str) -> dict[str, Any]:
    return {
        "id": partner.id,
        "name": partner.name,
        "path": views.paths.partner(partner.id, lang),
        "url": partner.url,
        "logo": partner.logo,
        "colours": {"primary": "", "secondary": "", **partner.colours},
    }


def dossier_pages(views: Views) -> Iterator[Page]:
    for dossier in views.dossiers():
        yield dossier_page(views, dossier)


def dossier_page(views: Views, dossier: Dossier) -> Page:
    site, lang = views.site, dossier.lang
    path = views.paths.dossier(dossier.slug)
    md = partial(views.render_markdown, page_path=path, lang=lang)
    principles = []
    for principle in dossier.principles:
        keys = [views.document_key(ref.target, dossier.slug) for ref in principle.documents]
        principles.append(
            {
                "number": principle.number,
                "anchor": principle_anchor(principle.number),
                "title": principle.title,
                "text": md(principle.text, top_heading=4),
                "documents": views.document_cards([k for k in keys if k], lang),
            }
        )
    principles_picture = principles_diagram(views, dossier)
    return Page(
        path=path,
        template="dossier.html",
        lang=lang,
        diagrams=[principles_picture] if principles_picture else [],
        title=dossier.title,
        description=dossier.summary,
        context={
            "dossier": DossierHeader.of(dossier),
            "date_label": format_date(dossier.date, lang),
            "introduction": md(dossier.introduction, top_heading=3),
            "synthesis": md(dossier.synthesis, top_heading=3),
            "principles": principles,
            "documents_by_type": views.cards_by_type(dossier.documents, lang),
            "descriptors": views.descriptor_links((r.target for r in dossier.descriptors), lang),
            "partners": [
                partner_card(views, site.partners[r.target], lang)
                for r in dossier.partners
                if r.target in site.partners
            ],
        },
    )


def document_pages(views: Views, documents: list[Document] | None = None) -> Iterator[Page]:
    """The pages of the site's documents (or of some of them)."""
    supported = principles_by_document(views)
    for document in views.documents() if documents is None else documents:
        yield document_page(views, document, supported.get(document.key, []))


def principles_by_document(views: Views) -> dict[str, list[dict[str, Any]]]:
    """For each document, the guiding principles it supports (and their dossier)."""
    result: dict[str, list[dict[str, Any]]] = {}
    for dossier in views.site.dossiers.values():
        for principle in dossier.principles:
            for ref in principle.documents:
                key = views.document_key(ref.target, dossier.slug)
                if key:
                    result.setdefault(key, []).append(
                        {
                            "title": principle.title,
                            "number": principle.number,
                            "lang": dossier.lang,
                            "path": f"{views.paths.dossier(dossier.slug)}#{principle_anchor(principle.number)}",
                            "dossier_title": dossier.title,
                        }
                    )
    return result


def document_page(views: Views, document: Document, principles: list[dict[str, Any]]) -> Page:
    site, lang = views.site, document.lang
    path = views.paths.document(document.key)
    dossier = site.dossiers[document.dossier]
    t = views.messages(lang)
    partner = site.partners.get(document.partner.target) if document.partner else None
    translations = [
        {
            "title": site.documents[k].title,
            "lang": site.documents[k].lang,
            "path": views.paths.document(k),
        }
        for k in views.translations(document.key)
    ]
    body, toc = outline(views.render_markdown(document.body, path, lang, body=True))
    return Page(
        path=path,
        template="document.html",
        lang=lang,
        kind="document",
        diagrams=[indexing_diagram(views, document)],
        title=document.title,
        description=document.summary,
        alternates={
            lang: path,
            **{tr["lang"]: tr["path"] for tr in translations},
        },
        context={
            "document": DocumentHeader.of(document),
            "type_label": t(f"type.{document.type}"),
            "date_label": format_date(document.date, lang),
            "body": body,
            "toc": toc,
            "dossier": dossier_card(views, dossier, lang),
            "descriptors": views.descriptor_links(document.descriptor_ids, lang),
            "principles": principles,
            "translations": translations,
            "partner": partner_card(views, partner, lang) if partner else None,
            "related_documents": _related_documents(views, document, lang),
        },
    )


def _related_documents(views: Views, document: Document, lang: str) -> list[dict[str, Any]]:
    """Documents that share the most descriptors with this one (ties: newest first)."""
    shared = _shared_descriptors(views, document)
    t = views.messages(lang)
    documents = views.site.documents
    # Most shared descriptors first, then newest first, as document cards are ordered
    # (`nlargest` orders as `sorted(reverse=True)`, ties by key).
    ranked = heapq.nlargest(
        RELATED_DOCUMENTS,
        sorted(shared.items()),
        key=lambda item: (item[1], documents[item[0]].date),
    )
    return [
        {"card": views.document_card(key, lang), "shared": t("shared_count", n=count)}
        for key, count in ranked
    ]


def _shared_descriptors(views: Views, document: Document) -> Counter[str]:
    """The documents that may be related to `document`: how many descriptors each
    shares with it (neither itself nor its translations)."""
    shared: Counter[str] = Counter()
    indexed = views.atlas.documents
    for descriptor_id in dict.fromkeys(document.descriptor_ids):
        shared.update(indexed.get(descriptor_id, ()))
    own = document.key
    shared.pop(own, None)
    for key in views.translations(own):
        shared.pop(key, None)
    return shared


def relates_any(views: Views, document: Document, keys: set[str]) -> bool:
    """Whether the related documents of `document` (`_related_documents`) list one of
    `keys`, without ranking all: one is listed unless as many others as are listed
    rank before it (more shared descriptors; as many, and newer; or the same date, and
    a smaller key)."""
    shared = _shared_descriptors(views, document)
    documents = views.site.documents
    for key in keys & shared.keys():
        mine = (shared[key], documents[key].date)
        before = 0
        for other, count in shared.items():
            rank = (count, documents[other].date)
            if rank > mine or (rank == mine and other < key):
                before += 1
                if before >= RELATED_DOCUMENTS:
                    break
        else:
            return True
    return False


def partner_pages(views: Views, ids: set[str] | None = None) -> Iterator[Page]:
    """The partners' pages (those of `ids`, when given)."""
    site = views.site
    for partner in views.partners():
        if ids is not None and partner.id not in ids:
            continue
        alternates = {lang: views.paths.partner(partner.id, lang) for lang in views.languages}
        dossiers = [
            d for d in site.dossiers.values() if any(r.target == partner.id for r in d.partners)
        ]
        documents = [
            d.key
            for d in site.documents.values()
            if d.partner is not None and d.partner.target == partner.id
        ]
        for lang in views.languages:
            path = views.paths.partner(partner.id, lang)
            yield Page(
                path=path,
                template="partner.html",
                lang=lang,
                title=partner.name,
                description=partner.description.get(lang),
                alternates=alternates,
                context={
                    "partner": partner_card(views, partner, lang),
                    "description": views.render_markdown(partner.description.get(lang), path, lang),
                    "dossiers": [
                        dossier_card(views, d, lang)
                        for d in sorted(dossiers, key=lambda d: sort_key(d.title))
                    ],
                    "documents_by_type": views.cards_by_type(documents, lang),
                },
            )


def reader_pages(views: Views) -> Iterator[Page]:
    """The reader's basket and reading path: filled in the browser from what it kept."""
    for name, template in (
        ("basket", "basket.html"),
        ("history", "history.html"),
        ("search", "search.html"),
    ):
        path_of = getattr(views.paths, name)
        alternates = {lang: path_of(lang) for lang in views.languages}
        for lang in views.languages:
            t = views.messages(lang)
            yield Page(
                path=path_of(lang),
                template=template,
                lang=lang,
                title=t(name),
                context={
                    "search_strings": search_strings(views, lang),
                    "search_scripts": [
                        views.paths.asset(f"search/{script}")
                        for script in first_result_scripts(views.site)
                    ],
                }
                if name == "search"
                else {},
                description=t(
                    {
                        "history": "history_intro",
                        "basket": "basket_empty",
                        "search": "search_label",
                    }[name]
                ),
                alternates=alternates,
            )


def search_strings(views: Views, lang: str) -> dict[str, Any]:
    """What the search page's script says, in the page's language."""
    t = views.messages(lang)
    count = views.interface.browser_strings(lang, ["search_count"])["search_count"]
    return {
        "loading": t("search_loading"),
        "failed": t("search_failed"),
        # The plural forms of the count, and which one each number takes.
        "count": [count] if isinstance(count, str) else count,
        "plural": REGISTRY[lang].plural_table(),
        # The results' dates are written as the pages write them.
        "dates": date_format(lang),
        "partial": t("search_partial"),
        "more_results": t("search_more_results"),
        "bare_wildcard": t("search_bare_wildcard"),
        "suggestions": t("search_suggestions"),
        "atlas": t("search_atlas"),
        "types": [t(f"type.{name}") for name in DOCUMENT_TYPES],
        "type_groups": [t(f"types.{name}") for name in DOCUMENT_TYPES],
        "network_group": t("search_network_group"),
        "facets": {facet: t(f"facet.{facet}") for facet in FACETS},
        "within": t("facet.within"),
        "languages": language_names(),
    }
