"""Views: what each page shows, computed from the site and its atlas (no I/O, no HTML)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from operator import attrgetter

from treillis.views.atlas import atlas_pages, descriptor_pages, legend_pages
from treillis.views.common import Page, Views
from treillis.views.content import (
    document_page,
    document_pages,
    dossier_page,
    dossier_pages,
    home_pages,
    partner_pages,
    principles_by_document,
    reader_pages,
)

__all__ = [
    "SITE_KINDS",
    "Page",
    "PageGroup",
    "Views",
    "all_pages",
    "item_groups",
    "page_groups",
    "site_pages",
    "text_pages",
]


@dataclass(frozen=True)
class PageGroup:
    """Pages planned together (a worker's task), and their `lane`: the language whose
    fragments and pictures they share with the other groups of that lane (None: any),
    which the workers then make once (`treillis.workers`)."""

    pages: Callable[[], Iterable[Page]]
    lane: str | None = None

    def __call__(self) -> Iterable[Page]:
        return self.pages()


def all_pages(views: Views) -> Iterator[Page]:
    """Every page of the site, in a stable order."""
    yield from home_pages(views)
    yield from atlas_pages(views)
    yield from legend_pages(views)
    yield from dossier_pages(views)
    yield from document_pages(views)
    yield from descriptor_pages(views)
    yield from partner_pages(views)
    yield from reader_pages(views)


# Documents, or descriptors' pages in one language, planned together (a worker's task).
GROUP_SIZE = 400


def page_groups(views: Views, size: int = GROUP_SIZE) -> list[PageGroup]:
    """Every page of the site (as `all_pages`), in groups that can be planned apart,
    by worker processes: the documents `size` at a time, the descriptors half as many."""
    return item_groups(views, None, None, size)


def document_groups_end(views: Views, size: int = GROUP_SIZE) -> int:
    """How many of the first groups of `page_groups(views, size)` make every document page
    (the site-wide pages' group, then the documents')."""
    return 1 + -(-len(views.documents()) // size)


# The kinds of site-wide pages (see `site_pages`), besides the dossiers' and partners'.
SITE_KINDS = {
    "home": home_pages,
    "atlas": atlas_pages,  # the atlas index and the permuted index
    "legend": legend_pages,
    "readers": reader_pages,  # basket, history, search
}


def site_pages(
    views: Views,
    kinds: set[str] | None = None,
    dossiers: set[str] | None = None,
    partners: set[str] | None = None,
) -> Iterator[Page]:
    """The pages of no document or descriptor: home, atlas index, dossiers, partners…
    Only those of `kinds` (of `SITE_KINDS`), of `dossiers` and of `partners`, when given."""
    for name in ("home", "atlas", "legend"):
        if kinds is None or name in kinds:
            yield from SITE_KINDS[name](views)
    for dossier in views.dossiers():
        if dossiers is None or dossier.slug in dossiers:
            yield dossier_page(views, dossier)
    if partners is None or partners:
        yield from partner_pages(views, partners)
    if kinds is None or "readers" in kinds:
        yield from reader_pages(views)


def item_groups(
    views: Views,
    keys: set[str] | None,
    ids: set[str] | None,
    size: int = GROUP_SIZE,
    kinds: set[str] | None = None,
    dossiers: set[str] | None = None,
    partners: set[str] | None = None,
    all_lists: set[str] | None = None,
) -> list[PageGroup]:
    """The site-wide pages (`site_pages`, of `kinds`, `dossiers` and `partners`), the pages of
    the documents of `keys` and of the descriptors of `ids` (None: all of them), and the
    lists including narrower descriptors of those of `all_lists` (not in `ids`), in
    groups as `page_groups`."""
    # In the order of their keys, as the search index takes their bodies (see
    # `treillis.search.bodies`: a group's texts are then used soon after they are read).
    documents = sorted(
        (d for d in views.documents() if keys is None or d.key in keys), key=attrgetter("key")
    )
    descriptors = [d for d in views.descriptors() if ids is None or d.id in ids]
    only_all = (all_lists or set()) - (ids if ids is not None else set(views.site.descriptors))
    lists = [d for d in views.descriptors() if d.id in only_all] if only_all else []
    # The documents' pages in the site's first language's lane (nearly all of them are in
    # it, and they show its descriptors' links); the descriptors' in their language's.
    first = views.languages[0]
    # The descriptors' groups half as large: they come last, and a worker with nothing
    # left waits for the last group another one took (by half as long: 0.2 s rather than
    # 0.5 s at the end of a CITEGO-scale build).
    half = (size + 1) // 2
    return [
        PageGroup(partial(site_pages, views, kinds, dossiers, partners)),
        *(
            PageGroup(partial(document_pages, views, documents[start : start + size]), first)
            for start in range(0, len(documents), size)
        ),
        *(
            PageGroup(partial(descriptor_pages, views, part, only, [lang]), lang)
            for lang in views.languages
            for items, only in ((descriptors, False), (lists, True))
            for part in (items[start : start + half] for start in range(0, len(items), half))
        ),
    ]


def text_pages(views: Views, documents: set[str], dossiers: set[str]) -> list[Page]:
    """The pages showing the text of these documents and dossiers: their own pages."""
    supported = principles_by_document(views) if documents else {}
    return [
        *(dossier_page(views, views.site.dossiers[slug]) for slug in sorted(dossiers)),
        *(
            document_page(views, views.site.documents[key], supported.get(key, []))
            for key in sorted(documents)
        ),
    ]
