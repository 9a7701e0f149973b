"""Views of the atlas: its index, the permuted list, and one page per descriptor."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any

from treillis.i18n import format_date
from treillis.languages import REGISTRY
from treillis.model import Descriptor, Family
from treillis.search.schema import descriptor_numbers
from treillis.views.common import DocumentCard, Page, Views, sort_key
from treillis.views.content import family_legend
from treillis.views.diagrams import neighbourhood_diagram

WORD = re.compile(r"[^\W\d_][\w’'-]*", re.UNICODE)
ELISION = re.compile(r"^(?:[ldjmnst]|qu)['’]", re.IGNORECASE)


def atlas_pages(views: Views) -> Iterator[Page]:
    alternates = {lang: views.paths.atlas(lang) for lang in views.languages}
    permuted_alternates = {lang: views.paths.permuted(lang) for lang in views.languages}
    for lang in views.languages:
        t = views.messages(lang)
        entries = _alphabetical_entries(views, lang)
        yield Page(
            path=views.paths.atlas(lang),
            template="atlas.html",
            lang=lang,
            title=t("atlas"),
            description=t("descriptors_count", n=len(views.site.descriptors)),
            alternates=alternates,
            context={
                "families": family_legend(views, lang),
                "top_descriptors": views.descriptor_links(views.top_descriptors(), lang),
                "letters": [
                    {"letter": letter, "entries": list(items)}
                    for letter, items in groupby(entries, key=lambda e: e["letter"])
                ],
                "permuted_path": views.paths.permuted(lang),
                "legend_path": views.paths.legend(lang),
            },
        )
        yield Page(
            path=views.paths.permuted(lang),
            template="permuted.html",
            lang=lang,
            title=t("permuted"),
            description=t("permuted_intro"),
            alternates=permuted_alternates,
            context={
                "entries": (permuted := permuted_index(views, lang)),
                "letters": [
                    {"letter": letter, "entries": list(lines)}
                    for letter, lines in groupby(permuted, key=lambda line: line["letter"])
                ],
                "atlas_path": views.paths.atlas(lang),
            },
        )


def legend_pages(views: Views) -> Iterator[Page]:
    alternates = {lang: views.paths.legend(lang) for lang in views.languages}
    for lang in views.languages:
        t = views.messages(lang)
        yield Page(
            path=views.paths.legend(lang),
            template="legend.html",
            lang=lang,
            title=t("legend"),
            description=t("legend_intro"),
            alternates=alternates,
            context={"families": family_legend(views, lang), "matrix": legend_matrix(views, lang)},
        )


def family_position(views: Views, family_id: str) -> tuple[str | None, str | None]:
    """The (component, angle) families a family belongs to, through its crossing or parents."""
    component = angle = None
    seen: set[str] = set()
    current = views.site.families.get(family_id)
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if current.crossing:
            for ref in current.crossing:
                other = views.site.families.get(ref.target)
                if other is not None and other.axis == "component":
                    component = component or other.id
                elif other is not None and other.axis == "angle":
                    angle = angle or other.id
        elif current.axis == "component":
            component = component or current.id
        elif current.axis == "angle":
            angle = angle or current.id
        current = views.site.families.get(current.parent.target) if current.parent else None
    return component, angle


def _code_order(family: Family) -> tuple[bool, int, str]:
    # Components are numbered: 2 comes before 10.
    return (
        not family.code.isdigit(),
        int(family.code) if family.code.isdigit() else 0,
        family.code,
    )


def legend_matrix(views: Views, lang: str) -> dict[str, Any] | None:
    """Descriptors at the crossings of components (rows) and angles (columns), if declared."""
    families = views.site.families.values()
    components = sorted((f for f in families if f.axis == "component"), key=_code_order)
    angles = sorted((f for f in families if f.axis == "angle"), key=_code_order)
    if not components or not angles:
        return None
    cells: dict[tuple[str | None, str | None], list[str]] = {}
    for descriptor in views.descriptors():
        position = family_position(views, descriptor.family.target)
        if position != (None, None):
            cells.setdefault(position, []).append(descriptor.id)

    def header(family: Family) -> dict[str, str]:
        return {"code": family.code, "label": family.label.get(lang), "colour": family.colour}

    columns = [*angles, None]
    return {
        "columns": [header(a) if a else None for a in columns],
        "rows": [
            {
                "header": header(component) if component else None,
                "cells": [
                    views.descriptor_links(
                        cells.get((component.id if component else None, a.id if a else None), []),
                        lang,
                    )
                    for a in columns
                ],
            }
            for component in [*components, None]
        ],
    }


def _initial(key: str) -> str:
    """The letter a sort key is filed under, "#" for a digit or a sign."""
    first = key[:1].upper()
    return first if first.isalpha() else "#"


def _alphabetical_entries(views: Views, lang: str) -> list[dict[str, Any]]:
    """Every descriptor by label, with its synonyms as 'see' entries, A to Z."""
    entries = []
    for descriptor in views.descriptors():
        link = views.descriptor_link(descriptor.id, lang)
        entries.append({"text": link.label, "lang": link.lang, "link": link, "synonym": False})
        for synonym in descriptor.synonyms.get(lang, []):
            entries.append({"text": synonym, "lang": lang, "link": link, "synonym": True})
    for entry in entries:
        entry["key"] = sort_key(entry["text"])
        entry["letter"] = _initial(entry["key"])
    return sorted(entries, key=lambda e: (e["letter"] == "#", e["key"]))


def permuted_index(views: Views, lang: str) -> list[dict[str, Any]]:
    """The keyword-in-context list: one line per significant word of each label."""
    lines = []
    for descriptor in views.descriptors():
        link = views.descriptor_link(descriptor.id, lang)
        label = link.label
        # The label's language (it may fall back), whose minor words are not keywords.
        language = REGISTRY.get(link.lang)
        stop_words = language.minor_words if language else frozenset()
        for match in WORD.finditer(label):
            word = match.group().strip("-'’")
            start = match.start()
            if elision := ELISION.match(word):
                start += elision.end()
                word = word[elision.end() :]
            if len(word) < 3 or word.casefold() in stop_words:
                continue
            end = start + len(word)
            lines.append(
                {
                    "before": label[:start],
                    "keyword": label[start:end],
                    "after": label[end:],
                    "link": link,
                    "key": (sort_key(label[start:]), sort_key(label[:start])),
                    "letter": _initial(sort_key(label[start:])),
                }
            )
    # Signs and digits last, as in the alphabetical list, so each letter is one run.
    return sorted(lines, key=lambda line: (line["letter"] == "#", line["key"]))


# A descriptor's documents are listed this many to a page: a descriptor indexing
# thousands of documents gets numbered pages, not one page of ever-growing size.
DOCUMENTS_PER_PAGE = 100
# The list of a descriptor's documents and its narrower ones' is one line per document
# (no summary), the newest this many, on one page: no reader pages through thousands of
# titles (a broad descriptor of a large site lists most of it, in every language). All of
# them are reached through the search page filtered on the descriptor and its narrower
# ones, and, without a script, through the narrower descriptors' own pages.
ALL_DOCUMENTS_SHOWN = 250


def descriptor_pages(
    views: Views,
    descriptors: list[Descriptor] | None = None,
    only_all: bool = False,
    languages: list[str] | None = None,
) -> Iterator[Page]:
    """The pages of the site's descriptors (or of some of them), in every language (or in
    `languages`). `only_all`: only their lists of the documents including narrower ones
    (an edit of a document's card shows there alone, on the descriptors above its own)."""
    atlas = views.atlas
    numbers = descriptor_numbers(views.site)
    for descriptor in views.descriptors() if descriptors is None else descriptors:
        alternates = {lang: views.paths.descriptor(descriptor.id, lang) for lang in views.languages}
        direct = atlas.documents[descriptor.id]
        including, listed, newest = _including_narrower(views, descriptor.id)
        for lang in views.languages if languages is None else languages:
            # Newest first, made and sorted once for the descriptor's page and its next ones.
            cards = views.document_cards(direct, lang)
            first = descriptor_page(
                views, descriptor, lang, alternates, cards, bool(newest), including
            )
            if not only_all:
                yield first
                yield from list_pages(views, descriptor, lang, first, cards)
                yield from network_pages(views, descriptor, lang, first)
            if newest:
                all_cards = [views.document_card(key, lang) for key in newest]
                yield from including_narrower_pages(
                    views, descriptor, lang, first, all_cards, listed, numbers
                )


def _including_narrower(views: Views, descriptor_id: str) -> tuple[int, int, list[str]]:
    """How many documents a descriptor and its narrower ones index, how many of them the
    site has, and the newest of those (none when it has no more than its own): found
    once for all its languages' pages, whichever group each is in."""
    found = views.including_narrower.get(descriptor_id)
    if found is None:
        including = views.atlas.documents_including_narrower(descriptor_id)
        documents = views.site.documents
        listed = [key for key in including if key in documents]
        # In the order of `Views.document_cards` (the cards of all of them are not made: a
        # broad descriptor of a large site has most of the site).
        shown = len(including) > len(views.atlas.documents[descriptor_id])
        newest = views.newest(listed, ALL_DOCUMENTS_SHOWN) if shown else []
        found = views.including_narrower[descriptor_id] = (len(including), len(listed), newest)
    return found


def _pager(
    views: Views,
    lang: str,
    number: int,
    total: int,
    path: Callable[[int], str],
    per_page: int | None = None,
) -> tuple[slice, dict[str, Any] | None]:
    """The items of a list of `total` shown on its page `number`, and the pager (`path(n)`
    is page n; None when the list fits on one page; `per_page`: DOCUMENTS_PER_PAGE)."""
    t = views.messages(lang)
    per_page = per_page or DOCUMENTS_PER_PAGE
    count = max(1, -(-total // per_page))
    start = (number - 1) * per_page
    shown = slice(start, min(start + per_page, total))
    if count == 1:
        return shown, None
    return shown, {
        "label": t("pages_of_list"),
        "part": t("list_part", first=start + 1, last=shown.stop, total=total),
        "pages": [
            {
                "number": n,
                "label": t("page_number", n=n),
                "path": path(n),
                "current": n == number,
            }
            for n in range(1, count + 1)
        ],
        "previous": {"label": t("previous_page"), "path": path(number - 1)} if number > 1 else None,
        "next": {"label": t("next_page"), "path": path(number + 1)} if number < count else None,
    }


def _list_part(
    views: Views, lang: str, number: int, cards: list[DocumentCard], path: Callable[[int], str]
) -> dict[str, Any]:
    """The documents shown on page `number` of a list, and the pager (`path(n)` is page n)."""
    shown, pager = _pager(views, lang, number, len(cards), path)
    return {"documents_by_type": views.group_by_type(cards[shown], lang), "pager": pager}


def _network_part(views: Views, descriptor: Descriptor, lang: str, number: int) -> dict[str, Any]:
    """The network's records indexed with the descriptor on page `number` of their list."""
    entries = views.network_index.get(descriptor.id, [])

    def path(n: int) -> str:
        return (
            views.paths.descriptor(descriptor.id, lang)
            if n == 1
            else views.paths.descriptor_network(descriptor.id, lang, n)
        )

    shown, pager = _pager(views, lang, number, len(entries), path)
    names = {base.id: base.name.get(lang) or base.id for base in views.site.config.network}
    return {
        "network_records": [
            {
                "title": entry.record.title,
                "url": entry.record.url,
                "lang": entry.lang,
                "bases": [names.get(b, b) for b in entry.bases],
                "date": entry.record.date,
                "date_label": format_date(entry.record.date, lang),
                "lead": entry.record.lead,
            }
            for entry in entries[shown]
        ],
        "network_count": views.messages(lang)("network_count", n=len(entries)),
        "network_pager": pager,
    }


def network_pages(views: Views, descriptor: Descriptor, lang: str, first: Page) -> Iterator[Page]:
    """Pages 2, 3… of a long list of the network's records indexed with a descriptor."""
    pager = first.context["network_pager"]
    if pager is None:
        return
    t = views.messages(lang)
    for entry in pager["pages"][1:]:
        number = entry["number"]
        yield Page(
            path=entry["path"],
            template="descriptor.html",
            lang=lang,
            title=f"{first.title} · {t('in_the_network')} · {t('page_number', n=number)}",
            description=first.description,
            alternates={
                other: views.paths.descriptor_network(descriptor.id, other, number)
                for other in first.alternates
            },
            context={
                **first.context,
                "note": _render_note(views, descriptor, lang, entry["path"]),
                **_network_part(views, descriptor, lang, number),
                "list_page": number,
                "network_page": True,
                **_NO_PATHS_TO_TOP,
            },
        )


def _direct_path(views: Views, descriptor: Descriptor, lang: str) -> Callable[[int], str]:
    """Page n of the descriptor's own documents: its page, then numbered pages."""

    def path(n: int) -> str:
        return (
            views.paths.descriptor(descriptor.id, lang)
            if n == 1
            else views.paths.descriptor_list_page(descriptor.id, lang, n)
        )

    return path


def _render_note(views: Views, descriptor: Descriptor, lang: str, path: str) -> str:
    note = descriptor.note.get(lang)
    # The note's [[links]] are relative to the page it is on, which may be folders deeper.
    return views.render_markdown(note, path, lang) if note else ""


# A descriptor's paths to the top are on its own page: its lists' next pages (and the list
# including narrower descriptors) lead back to it, not up the atlas again (a descriptor
# with many broader ones has many paths: kilobytes on each of those pages).
_NO_PATHS_TO_TOP = {"paths_to_top": []}


def list_pages(
    views: Views, descriptor: Descriptor, lang: str, first: Page, cards: list[DocumentCard]
) -> Iterator[Page]:
    """Pages 2, 3… of a long list: the descriptor's header and the next documents."""
    pager = first.context["pager"]
    if pager is None:
        return
    t = views.messages(lang)
    for entry in pager["pages"][1:]:
        number = entry["number"]
        alternates = {
            other: views.paths.descriptor_list_page(descriptor.id, other, number)
            for other in first.alternates
        }
        yield Page(
            path=entry["path"],
            template="descriptor.html",
            lang=lang,
            title=f"{first.title} · {t('page_number', n=number)}",
            description=first.description,
            alternates=alternates,
            context={
                **first.context,
                "note": _render_note(views, descriptor, lang, entry["path"]),
                **_list_part(views, lang, number, cards, _direct_path(views, descriptor, lang)),
                "list_page": number,
                **_NO_PATHS_TO_TOP,
            },
        )


def including_narrower_pages(
    views: Views,
    descriptor: Descriptor,
    lang: str,
    first: Page,
    cards: list[DocumentCard],
    total: int,
    numbers: dict[str, int] | None = None,
) -> Iterator[Page]:
    """The newest documents of a descriptor and of all its narrower ones (`cards`, of
    `total`), on one page; the rest through the search page (filtered on them) or the
    narrower descriptors' pages."""
    t = views.messages(lang)
    path = views.paths.descriptor_all(descriptor.id, lang)
    shown = cards[:ALL_DOCUMENTS_SHOWN]
    more = None
    if total > len(shown):
        number = (numbers or descriptor_numbers(views.site))[descriptor.id]
        more = {
            "part": t("all_documents_newest", shown=len(shown), total=total),
            "search_path": views.paths.search(lang),
            "search_query": f"within={number}",
            "search_link": t("all_documents_search"),
            "narrower_path": first.path,
            "narrower_link": t("all_documents_narrower"),
        }
    yield Page(
        path=path,
        template="descriptor.html",
        lang=lang,
        title=f"{first.title} · {t('documents_including_narrower')}",
        description=f"{first.title} · {first.context['total_count']}",
        alternates={
            other: views.paths.descriptor_all(descriptor.id, other) for other in first.alternates
        },
        context={
            **first.context,
            "note": _render_note(views, descriptor, lang, path),
            # One list, newest first (no groups by type): each line says its type.
            "documents": shown,
            "documents_by_type": [],
            "pager": None,
            "all_more": more,
            "list_page": 1,
            "including_narrower": True,
            "has_documents": True,
            **_NO_PATHS_TO_TOP,
        },
    )


def descriptor_page(
    views: Views,
    descriptor: Descriptor,
    lang: str,
    alternates: dict[str, str],
    cards: list[DocumentCard],
    has_all_list: bool = False,
    including: int | None = None,
) -> Page:
    """A descriptor's own page (`including`: how many documents it and its narrower
    ones index, when known)."""
    atlas, site = views.atlas, views.site
    path = views.paths.descriptor(descriptor.id, lang)
    t = views.messages(lang)
    neighbourhood = atlas.neighbourhood(descriptor.id)
    link = views.descriptor_link(descriptor.id, lang)
    family = site.families.get(descriptor.family.target)
    direct = atlas.documents[descriptor.id]
    total = (
        len(atlas.documents_including_narrower(descriptor.id)) if including is None else including
    )
    # The network's records aligned with the descriptor are counted apart in words.
    records = views.records_indexed(descriptor.id)
    in_network = f" · {t('network_count_apart', n=records)}" if records else ""
    return Page(
        path=path,
        template="descriptor.html",
        lang=lang,
        kind="descriptor",
        diagrams=[neighbourhood_diagram(views, descriptor.id, lang)],
        title=link.label,
        description=(
            f"{t('descriptor')} · {link.family} · {t('direct_count', n=len(direct))}{in_network}"
        ),
        alternates=alternates,
        context={
            "descriptor": link,
            "family": {
                "label": link.family,
                "colour": link.colour,
                "description": family.description.get(lang) if family else "",
            },
            "note": _render_note(views, descriptor, lang, path),
            "note_lang": descriptor.note.lang_of(lang),
            "synonyms": descriptor.synonyms.get(lang, []),
            "other_languages": [
                {
                    "lang": other,
                    "name": REGISTRY[other].name,
                    "label": descriptor.label.values[other],
                    "path": views.paths.descriptor(descriptor.id, other),
                }
                for other in views.languages
                if other != lang and other in descriptor.label.values
            ],
            "paths_to_top": [
                views.descriptor_links_in_order(trail, lang)
                for trail in atlas.paths_to_top(descriptor.id)
            ],
            "broader": views.descriptor_links(neighbourhood.broader, lang),
            "narrower": views.descriptor_links(neighbourhood.narrower, lang),
            "related": views.descriptor_links(neighbourhood.related, lang),
            **_list_part(views, lang, 1, cards, _direct_path(views, descriptor, lang)),
            "list_page": 1,
            "including_narrower": False,
            "descriptor_path": path,
            "all_path": views.paths.descriptor_all(descriptor.id, lang) if has_all_list else None,
            "all_link": t("all_documents_link", n=total),
            "all_more": None,
            "direct_count": t("direct_count", n=len(direct)),
            "total_count": t("total_count", n=total),
            "has_documents": bool(direct),
            **_network_part(views, descriptor, lang, 1),
            "network_page": False,
        },
    )
