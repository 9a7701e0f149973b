"""Views: what each page shows, computed from the site and its atlas (no I/O, no HTML)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial

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
    "Page",
    "PageGroup",
    "Views",
    "all_pages",
    "item_groups",
    "page_groups",
    "site_pages",
    "text_pages",
]

PageGroup = Callable[[], Iterable[Page]]


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


def page_groups(views: Views, size: int = 400) -> list[PageGroup]:
    """Every page of the site (as `all_pages`), in groups that can be planned apart,
    by worker processes: the documents and descriptors `size` at a time."""
    return item_groups(views, None, None, size)


def site_pages(views: Views) -> Iterator[Page]:
    """The pages of no document or descriptor: home, atlas index, dossiers, partners…"""
    for pages in (home_pages, atlas_pages, legend_pages, dossier_pages, partner_pages):
        yield from pages(views)
    yield from reader_pages(views)


def item_groups(
    views: Views, keys: set[str] | None, ids: set[str] | None, size: int = 400
) -> list[PageGroup]:
    """The site-wide pages (`site_pages`), and the pages of the documents of `keys` and
    of the descriptors of `ids` (None: all of them), in groups as `page_groups`."""
    documents = [d for d in views.documents() if keys is None or d.key in keys]
    descriptors = [d for d in views.descriptors() if ids is None or d.id in ids]
    per_descriptor = max(1, size // max(1, len(views.languages)))
    return [
        partial(site_pages, views),
        *(
            partial(document_pages, views, documents[start : start + size])
            for start in range(0, len(documents), size)
        ),
        *(
            partial(descriptor_pages, views, descriptors[start : start + per_descriptor])
            for start in range(0, len(descriptors), per_descriptor)
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
