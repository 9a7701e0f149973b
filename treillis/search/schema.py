"""The shape of the search data, defined once: Python writes it, the browser reads it.

A document's display data is a row (an array: names repeated 50,000 times would
weigh more than the rest), in the order of `DOC_FIELDS`. The build writes the
schema itself as the data file `schema` (`assets/search/data/schema.js`): the
position of each field, the search page's facets, and for each language of
the site the browser scripts and pipeline steps its queries need.
`search-ui.js` and `search-core.js` read all of this from there and hard-code
no position, facet or language (a test checks it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from treillis.search import query
from treillis.search.pipelines import pipeline_of

if TYPE_CHECKING:
    from treillis.model import Site

# What each document's row holds: its slug (the last part of its address), title, type
# (a position in the store's `types`), dossier (a position in `dossiers`), date, language,
# partner (a position in `partners`, -1 for none), descriptors (positions in the
# atlas labels' `descriptors`), bases (positions in the store's `bases`: 0 is the site
# itself) and url ("" for the site's own documents). A network record has no slug, type,
# dossier (-1) nor descriptors: its url is its address on the partner's site.
DOC_FIELDS = (
    "slug",
    "title",
    "type",
    "dossier",
    "date",
    "lang",
    "partner",
    "descriptors",
    "bases",
    "url",
)
# The filters of the search page, in their order on the page.
FACETS = ("base", "type", "dossier", "family", "descriptor", "partner", "lang", "year")
# What the filters of a large site need of every document (its facets file): the same rows,
# with these fields left empty and the date cut to its year.
FACET_ROW_BLANKS = ("slug", "title", "url")


def doc_row(**values: object) -> list:
    """A document's display data in schema order (every field named, none unknown)."""
    if set(values) != set(DOC_FIELDS):
        raise ValueError(f"a search row needs exactly {DOC_FIELDS}, not {tuple(values)}")
    return [values[name] for name in DOC_FIELDS]


def descriptor_numbers(site: Site) -> dict[str, int]:
    """Each descriptor's number in the search data (rows' `descriptors`, the labels file,
    the search page's `descriptor` and `within` filters): its place among the sorted ids."""
    return {d: number for number, d in enumerate(sorted(site.descriptors))}


def facet_row(row: list) -> list:
    """A display row reduced to what the filters need (see `FACET_ROW_BLANKS`)."""
    reduced = list(row)
    for name in FACET_ROW_BLANKS:
        reduced[DOC_FIELDS.index(name)] = ""
    date = DOC_FIELDS.index("date")
    reduced[date] = reduced[date][:4]
    return reduced


def _label(function: Any) -> str:
    return function.label  # set by lunr's Pipeline.register_function, the name lunr.js knows


def search_languages(site: Site, found: set[str] | None = None) -> list[str]:
    """The languages the search data is written for: its documents', then the site's.
    `found`: the languages of the documents and of the network's records, when known."""
    if found is None:
        found = {d.lang for d in site.documents.values()} | {e.lang for e in site.network}
    return [*sorted(found), *site.config.languages]


def first_result_scripts(site: Site) -> list[str]:
    """The scripts the search page runs before its first results, in order, from the
    search folder: the page names them, so that they download at once rather than one
    after another (the quick indexes are left out: on a large site they come in shards)."""
    scripts = schema(search_languages(site))["scripts"]
    return ["lunr.js", "search-core.js", "data/schema.js", *scripts, "data/store.js"]


def schema(languages: Iterable[str]) -> dict:
    """The schema handed to the browser, for a site searching in `languages`."""
    codes = list(dict.fromkeys(languages))
    scripts: list[str] = []
    described = {}
    for code in codes:
        language = pipeline_of(code)
        scripts += [name for name in language.scripts if name not in scripts]
        described[code] = {
            "clean": [_label(step) for step in language.clean],
            "stop": next(_label(step) for step in language.index if step not in language.search),
        }
    return {
        "doc": {name: position for position, name in enumerate(DOC_FIELDS)},
        "facets": list(FACETS),
        "scripts": scripts,
        "languages": described,
        "query": {
            "fields": query.FIELD_ALIASES,
            "and": sorted(query.AND_WORDS),
            "or": sorted(query.OR_WORDS),
            "maxEditDistance": query.MAX_EDIT_DISTANCE,
            "maxFuzzyLength": query.MAX_FUZZY_LENGTH,
            "typoMinLength": query.TYPO_MIN_LENGTH,
            "typoLongLength": query.TYPO_LONG_LENGTH,
            "quotes": query.QUOTES,
            "quickFields": list(query.QUICK_FIELDS),
        },
    }
