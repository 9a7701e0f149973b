"""Shared pieces of every page's view: links to descriptors and documents, sorting, Markdown."""

from __future__ import annotations

import heapq
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from typing import TYPE_CHECKING, Any

from treillis import markdown
from treillis.atlas import Atlas
from treillis.diagrams import Diagram
from treillis.i18n import Messages, Translations, default_translations, format_date
from treillis.model import DOCUMENT_TYPES, Document, Dossier, NetworkEntry, Site
from treillis.urls import MirrorPaths, Paths, relative
from treillis.validate import resolve_document

if TYPE_CHECKING:
    from treillis.search.bodies import PlainBodies


@dataclass
class Page:
    """One page to write: where, with which template, in which language, showing what."""

    path: str
    template: str
    lang: str
    title: str
    description: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    alternates: dict[str, str] = field(default_factory=dict)  # lang -> path of the same page
    diagrams: list[Diagram] = field(default_factory=list)
    kind: str = ""  # "descriptor" or "document": pages the reader's path records


def principle_anchor(number: int) -> str:
    return f"principle-{number}"


@lru_cache(maxsize=65536)
def sort_key(text: str) -> str:
    """Alphabetical order that ignores case and accents (é sorts with e, œ with oe)."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae")
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two `#rrggbb` colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_accent(colour: str, background: str = "#f2efe8", ratio: float = 4.5) -> str:
    """`colour`, darkened just enough to be read as text on `background` (WCAG AA).

    The theme writes its accent as text on white and on its panels (buttons, the search
    box) and white text on it, so a partner's light colour cannot be used as it is: its
    darker shade keeps the partner's hue. The default background is the theme's panel,
    its darkest one, so the accent also reads on white.
    """
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    shade = colour.lower()
    for step in range(101):
        shade = "#" + "".join(f"{round(c * (1 - step / 100)):02x}" for c in channels)
        if contrast(shade, background) >= ratio:
            break
    return shade


@dataclass
class Scope:
    """The part of a site that a partner mirrors; everything else is on the main site."""

    partner: str
    main_url: str
    documents: set[str]
    dossiers: set[str]
    descriptors: set[str]

    def has(self, kind: str, item: str) -> bool:
        return (
            item
            in {
                "document": self.documents,
                "dossier": self.dossiers,
                "descriptor": self.descriptors,
                "partner": {self.partner},
            }[kind]
        )


@dataclass(frozen=True)
class DescriptorLink:
    id: str
    label: str
    lang: str
    path: str
    colour: str
    family: str
    count: int

    @property
    def external(self) -> bool:
        return "://" in self.path


@dataclass(frozen=True)
class DocumentCard:
    key: str
    title: str
    lang: str
    path: str
    type: str
    type_label: str
    date: str
    date_label: str
    summary: str
    dossier_title: str
    dossier_path: str

    @property
    def external(self) -> bool:
        return "://" in self.path


# Templates get view objects, never the model's: what they may use is what these hold
# (listed in docs/theming.md), and the model can change without breaking a theme.


@dataclass(frozen=True)
class DossierHeader:
    """A dossier as its page shows it (its texts, principles and documents come apart)."""

    slug: str
    title: str
    lang: str
    date: str
    summary: str
    coordinators: list[str]
    committee: list[str]

    @classmethod
    def of(cls, dossier: Dossier) -> DossierHeader:
        return cls(
            dossier.slug,
            dossier.title,
            dossier.lang,
            dossier.date,
            dossier.summary,
            list(dossier.coordinators),
            list(dossier.committee),
        )


@dataclass(frozen=True)
class DocumentHeader:
    """A document as its page shows it (its text, dossier and links come apart)."""

    key: str
    title: str
    type: str
    date: str
    lang: str
    authors: list[str]
    summary: str
    source: dict[str, str] | None  # title and url

    @classmethod
    def of(cls, document: Document) -> DocumentHeader:
        source = document.source
        return cls(
            document.key,
            document.title,
            document.type,
            document.date,
            document.lang,
            list(document.authors),
            document.summary,
            {"title": source.title, "url": source.url} if source else None,
        )


def _date_and_title(document: Document) -> tuple[str, str]:
    return document.date, document.title


class Views:
    """What every view needs: the site, its atlas, its paths, and small helpers."""

    def __init__(
        self,
        site: Site,
        atlas: Atlas,
        markdown_cache: dict[tuple, str] | None = None,
        scope: Scope | None = None,
        interface: Translations | None = None,
    ) -> None:
        self.site = site
        # The interface's words, from the catalogues of the site's themes.
        self.interface = interface or default_translations(tuple(site.config.languages))
        self._messages: dict[str, Messages] = {}
        self.atlas = atlas
        # Rendered Markdown kept between rebuilds by the preview server (None: no cache).
        self.markdown_cache = markdown_cache
        # Documents' bodies as plain text, by Markdown text, kept as their pages are made
        # for a search index made meanwhile (`treillis.search.bodies`; None: not kept).
        self.plain_bodies: PlainBodies | None = None
        self.scope = scope
        self.paths = (
            MirrorPaths(site.config.languages, scope.main_url, scope.has)
            if scope is not None
            else Paths(site.config.languages)
        )
        self.languages = site.config.languages
        # Each descriptor's documents including its narrower ones' (`descriptor_pages`):
        # how many, how many of the site, the newest (at most 250) of those.
        self.including_narrower: dict[str, tuple[int, int, list[str]]] = {}
        self._links: dict[tuple[str, str], DescriptorLink] = {}
        self._cards: dict[tuple[str, str], DocumentCard] = {}
        self._sorted = 0  # documents sorted without the site-wide tables (see `_by_tables`)

    def messages(self, lang: str) -> Messages:
        """The interface's words in `lang`: `t(key, **values)`."""
        found = self._messages.get(lang)
        if found is None:
            found = self._messages[lang] = self.interface.messages(lang)
        return found

    # What this site publishes: everything, or a partner's part of it.

    def documents(self) -> list[Document]:
        if self.scope is None:  # every one (50,000 keys not made to be looked up)
            return list(self.site.documents.values())
        return [d for d in self.site.documents.values() if self._has("document", d.key)]

    def dossiers(self) -> list:
        return [d for d in self.site.dossiers.values() if self._has("dossier", d.slug)]

    def descriptors(self) -> list:
        return [d for d in self.site.descriptors.values() if self._has("descriptor", d.id)]

    def partners(self) -> list:
        return [p for p in self.site.config.partners if self._has("partner", p.id)]

    def top_descriptors(self) -> list[str]:
        return [d for d in self.atlas.top if self._has("descriptor", d)]

    def publishes(self, kind: str, item: str) -> bool:
        """Whether this site has a page for `item` (a mirror links to the rest)."""
        return self.scope is None or self.scope.has(kind, item)

    _has = publishes

    def descriptor_link(self, descriptor_id: str, lang: str) -> DescriptorLink:
        # Made once per descriptor and language: every page linking to it shares it
        # (templates only read it), which makes planning and page digests cheaper.
        link = self._links.get((descriptor_id, lang))
        if link is None:
            link = self._links[descriptor_id, lang] = self._descriptor_link(descriptor_id, lang)
        return link

    def _descriptor_link(self, descriptor_id: str, lang: str) -> DescriptorLink:
        descriptor = self.site.descriptors[descriptor_id]
        family = self.site.families.get(descriptor.family.target)
        return DescriptorLink(
            id=descriptor_id,
            label=descriptor.label.get(lang),
            lang=descriptor.label.lang_of(lang),
            path=self.paths.descriptor(descriptor_id, lang),
            colour=family.colour if family else "#777777",
            family=family.label.get(lang) if family else "",
            count=self.documents_indexed(descriptor_id) + self.records_indexed(descriptor_id),
        )

    def documents_indexed(self, descriptor_id: str) -> int:
        """How many of the documents this site publishes the descriptor indexes."""
        keys = self.atlas.documents[descriptor_id]
        if self.scope is None:
            return len(keys)
        return sum(1 for key in keys if key in self.scope.documents)

    def records_indexed(self, descriptor_id: str) -> int:
        """How many of the network's records are aligned with the descriptor (a mirror
        publishes none): a descriptor link's count includes them."""
        return len(self.atlas.records[descriptor_id]) if self.scope is None else 0

    def descriptor_links(self, ids, lang: str) -> list[DescriptorLink]:
        links = [
            self.descriptor_link(i, lang) for i in dict.fromkeys(ids) if i in self.atlas.broader
        ]
        return sorted(links, key=lambda link: sort_key(link.label))

    def descriptor_links_in_order(self, ids, lang: str) -> list[DescriptorLink]:
        return [self.descriptor_link(i, lang) for i in ids]

    def document_card(self, key: str, lang: str) -> DocumentCard:
        card = self._cards.get((key, lang))
        if card is None:
            card = self._cards[key, lang] = self._document_card(key, lang)
        return card

    def _document_card(self, key: str, lang: str) -> DocumentCard:
        document = self.site.documents[key]
        dossier = self.site.dossiers[document.dossier]
        return DocumentCard(
            key=key,
            title=document.title,
            lang=document.lang,
            path=self.paths.document(key),
            type=document.type,
            type_label=self.messages(lang)(f"type.{document.type}"),
            date=document.date,
            date_label=format_date(document.date, lang),
            summary=document.summary,
            dossier_title=dossier.title,
            dossier_path=self.paths.dossier(dossier.slug),
        )

    def document_cards(self, keys, lang: str) -> list[DocumentCard]:
        """Cards for documents, newest first (then by title, reversed; otherwise in the
        order of `keys`)."""
        documents = self.site.documents
        unique = [k for k in dict.fromkeys(keys) if k in documents]
        if self._by_tables(len(unique)):
            ordered = sorted(unique, key=self._newest_first.__getitem__, reverse=True)
        else:  # the same order (`_newest_first` is that of dates and titles)
            ordered = sorted(unique, key=lambda k: _date_and_title(documents[k]), reverse=True)
        card = self.document_card
        return [card(k, lang) for k in ordered]

    def newest(self, keys: list[str], limit: int) -> list[str]:
        """The first `limit` of `keys` (documents, each once) in the order of
        `newest_rank`."""
        if self._by_tables(len(keys)):
            return heapq.nsmallest(limit, keys, key=self.newest_rank.__getitem__)
        documents = self.site.documents
        # `nlargest` orders as `sorted(reverse=True)`: ties as they come, by key.
        return heapq.nlargest(limit, sorted(keys), key=lambda k: _date_and_title(documents[k]))

    def _by_tables(self, count: int) -> bool:
        """Whether to sort documents by the site-wide tables (`_newest_first`,
        `newest_rank`: one sort of every document, then numbers) rather than by their
        dates and titles, for `count` more of them: once the lists sorted hold as many
        as the site has (a build of every page), not for an edit's few lists."""
        if "_newest_first" in self.__dict__:
            return True
        self._sorted += count
        return self._sorted > len(self.site.documents)

    @cached_property
    def _newest_first(self) -> dict[str, int]:
        """Each document's place among the site's by date and title (shared by documents of
        one date and title): lists of thousands sorted by a number, not by two strings."""
        documents = self.site.documents
        pairs = sorted({(d.date, d.title) for d in documents.values()})
        place = {pair: number for number, pair in enumerate(pairs)}
        return {key: place[d.date, d.title] for key, d in documents.items()}

    @cached_property
    def newest_rank(self) -> dict[str, int]:
        """Each document's rank among all, in the order `document_cards` gives sorted keys:
        newest first, then by title (both descending), then by key."""
        place = self._newest_first
        ordered = sorted(sorted(place), key=place.__getitem__, reverse=True)
        return {key: number for number, key in enumerate(ordered)}

    def cards_by_type(self, keys, lang: str) -> list[dict[str, Any]]:
        """Documents grouped by type, in the order of the types."""
        return self.group_by_type(self.document_cards(keys, lang), lang)

    def group_by_type(self, cards: list[DocumentCard], lang: str) -> list[dict[str, Any]]:
        """Cards grouped by type, in the order of the types (each group keeps their order)."""
        t = self.messages(lang)
        return [
            {
                "type": doc_type,
                "label": t(f"types.{doc_type}"),
                "documents": [c for c in cards if c.type == doc_type],
            }
            for doc_type in DOCUMENT_TYPES
            if any(c.type == doc_type for c in cards)
        ]

    def newest_documents(self, lang: str, limit: int = 8) -> list[DocumentCard]:
        """The first `limit` of `document_cards` of every document published, without
        making (and sorting) the cards of all of them: `nlargest` orders as
        `sorted(reverse=True)` (ties as they come), and by date and title as
        `_newest_first`."""
        newest = heapq.nlargest(limit, self.documents(), key=_date_and_title)
        return [self.document_card(d.key, lang) for d in newest]

    def render_markdown(
        self, text: str, page_path: str, lang: str, top_heading: int = 2, body: bool = False
    ) -> str:
        """Markdown to HTML for a page: `[[...]]` become relative links labelled in `lang`.
        A document's `body` is kept as plain text too, when asked (`plain_bodies`)."""
        resolve = partial(self._resolve_wikilink, page_path, lang)
        allow_html = self.site.config.allow_html
        if self.markdown_cache is None:
            kept = self.plain_bodies
            plain = kept.keeper(text) if body and kept is not None else None
            return markdown.render(text, resolve, top_heading, allow_html, lang, plain)
        # The HTML depends on the text, where it is shown, and what its [[links]] resolve to.
        links = tuple(resolve(target) for target in markdown.link_targets(text))
        key = (text, page_path, lang, top_heading, allow_html, links)
        html = self.markdown_cache.get(key)
        if html is None:
            html = self.markdown_cache[key] = markdown.render(
                text, resolve, top_heading, allow_html, lang
            )
        return html

    def _resolve_wikilink(self, page_path: str, lang: str, target: str) -> markdown.Link | None:
        site = self.site
        if "/" in target:
            document: Document | None = site.documents.get(target)
            if document is None:
                return None
            return markdown.Link(
                relative(page_path, self.paths.document(target)), document.title, document.lang
            )
        if target in site.descriptors:
            label = site.descriptors[target].label
            return markdown.Link(
                relative(page_path, self.paths.descriptor(target, lang)),
                label.get(lang),
                label.lang_of(lang),
            )
        if target in site.dossiers:
            dossier = site.dossiers[target]
            return markdown.Link(
                relative(page_path, self.paths.dossier(target)), dossier.title, dossier.lang
            )
        return None

    def document_key(self, target: str, dossier: str) -> str | None:
        """The key of a document referenced from `dossier`, or None when it does not exist."""
        key = resolve_document(target, dossier)
        return key if key in self.site.documents else None

    def translations(self, key: str) -> list[str]:
        """Every translation of a document, whichever side declared it."""
        return self.translation_index.get(key, [])

    @cached_property
    def network_index(self) -> dict[str, list[NetworkEntry]]:
        """The network's records by the descriptors they are aligned with, newest first
        (a mirror publishes no network)."""
        index: dict[str, list[NetworkEntry]] = {}
        if self.scope is not None:
            return index
        for entry in self.site.network:
            for descriptor in entry.descriptors:
                index.setdefault(descriptor, []).append(entry)
        for entries in index.values():
            # Sorted twice: by title, then newest first (stable), one order from build to build.
            entries.sort(key=lambda e: (sort_key(e.record.title), e.record.url))
            entries.sort(key=lambda e: e.record.date, reverse=True)
        return index

    @cached_property
    def translation_index(self) -> dict[str, list[str]]:
        """Groups of documents that translate each other (fr ↔ en ↔ es is one group)."""
        groups: dict[str, set[str]] = {}
        for document in self.site.documents.values():
            for ref in document.translations:
                other = resolve_document(ref.target, document.dossier)
                if other not in self.site.documents or other == document.key:
                    continue
                merged = groups.get(document.key, {document.key}) | groups.get(other, {other})
                for key in merged:
                    groups[key] = merged
        return {
            key: sorted(group - {key}, key=lambda o: self.site.documents[o].lang)
            for key, group in groups.items()
        }
