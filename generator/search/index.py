"""The search data of a site: lunr indexes per language, a display store, as scripts.

Size is what readers pay for: a *quick* index (titles, descriptors, leads)
gives the first results; the *full* index adds the body text and is loaded in
the background. Display data (title, type, lead excerpt, address, dossier,
date, facets) lives in a compact store per interface language. Every file is
a script calling `TreillisSearch.add(name, json)`, so it loads from disk
(file://) where `fetch()` is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from lunr.builder import Builder

from generator import markdown
from generator.model import DOCUMENT_TYPES, Site
from generator.search.pipelines import LANGUAGES, Language, normalise, tokens
from generator.urls import Paths

QUICK_FIELDS = (("t", 10), ("d", 4), ("l", 2))
FULL_FIELDS = (*QUICK_FIELDS, ("b", 1))
ATLAS_FIELDS = (("t", 3), ("s", 1))
EXCERPT = 180  # characters of the lead kept for display


@dataclass(frozen=True)
class SearchFile:
    """One data file of the search: its name (the script is `name.js`) and its JSON."""

    name: str
    data: str

    def script(self) -> str:
        # JSON inside a JS string: JSON.parse is much faster than a JS object literal.
        return f"TreillisSearch.add({json.dumps(self.name)},{json.dumps(self.data)});\n"


def ref(number: int) -> str:
    """Short references keep the index small: base 36."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def build_index(
    language: Language, fields: tuple[tuple[str, int], ...], records: Iterable[dict[str, str]]
) -> dict:
    """A lunr index of `records` (each: `id` and one text per field), serialised."""
    builder = Builder()
    builder.pipeline.add(*language.index)
    builder.search_pipeline.add(*language.search)
    builder.ref("id")
    for name, boost in fields:
        builder.field(name, boost=boost)
    for record in records:
        # Tokenised here, as lunr.js would: lunr.py's own separators differ.
        builder.add({"id": record["id"], **{n: tokens(record.get(n, "")) for n, _ in fields}})
    return builder.build().serialize()


def _compact(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def search_files(site: Site, paths: Paths) -> list[SearchFile]:
    """Every data file of the site's search."""
    documents = sorted(site.documents.values(), key=lambda d: d.key)
    descriptors = sorted(site.descriptors)
    descriptor_number = {d: i for i, d in enumerate(descriptors)}
    families = sorted(site.families)
    dossiers = sorted(site.dossiers)
    partners = [p.id for p in site.config.partners]
    files: list[SearchFile] = []

    # Documents: one quick and one full index per language of the documents.
    by_language: dict[str, list[dict[str, str]]] = {}
    for number, document in enumerate(documents):
        labels = []
        for descriptor_id in document.descriptor_ids:
            descriptor = site.descriptors.get(descriptor_id)
            if descriptor is not None:
                labels.append(descriptor.label.get(document.lang))
                labels.extend(descriptor.synonyms.get(document.lang, []))
        by_language.setdefault(document.lang, []).append(
            {
                "id": ref(number),
                "t": document.title,
                "d": " ; ".join(labels),
                "l": document.summary,
                "b": markdown.plain_text(document.body),
            }
        )
    for lang, records in sorted(by_language.items()):
        language = LANGUAGES[lang]
        files.append(
            SearchFile(f"{lang}-quick", _compact(build_index(language, QUICK_FIELDS, records)))
        )
        files.append(
            SearchFile(f"{lang}-full", _compact(build_index(language, FULL_FIELDS, records)))
        )

    # The atlas: descriptors by label and synonyms, in each language of the site.
    for lang in site.config.languages:
        records = [
            {
                "id": ref(number),
                "t": site.descriptors[d].label.get(lang),
                "s": " ; ".join(site.descriptors[d].synonyms.get(lang, [])),
            }
            for number, d in enumerate(descriptors)
        ]
        files.append(
            SearchFile(
                f"{lang}-atlas", _compact(build_index(LANGUAGES[lang], ATLAS_FIELDS, records))
            )
        )

    # Display data, one store per interface language (labels differ).
    for lang in site.config.languages:
        store = {
            "languages": sorted(by_language),
            "types": list(DOCUMENT_TYPES),
            "dossiers": [[site.dossiers[s].title, paths.dossier(s)] for s in dossiers],
            "partners": [site.partners[p].name for p in partners],
            "families": [
                [site.families[f].label.get(lang), site.families[f].colour] for f in families
            ],
            "descriptors": [
                [
                    site.descriptors[d].label.get(lang),
                    families.index(site.descriptors[d].family.target)
                    if site.descriptors[d].family.target in site.families
                    else -1,
                    paths.descriptor(d, lang),
                ]
                for d in descriptors
            ],
            "docs": [
                [
                    paths.document(document.key),
                    document.title,
                    DOCUMENT_TYPES.index(document.type),
                    _excerpt(document.summary),
                    dossiers.index(document.dossier),
                    document.date,
                    document.lang,
                    partners.index(document.partner.target)
                    if document.partner and document.partner.target in partners
                    else -1,
                    [
                        descriptor_number[d]
                        for d in document.descriptor_ids
                        if d in descriptor_number
                    ],
                ]
                for document in documents
            ],
        }
        files.append(SearchFile(f"store-{lang}", _compact(store)))
    return files


def _excerpt(text: str) -> str:
    text = " ".join(normalise(text).split())
    if len(text) <= EXCERPT:
        return text
    cut = text.rfind(" ", 0, EXCERPT)
    return text[: cut if cut > 0 else EXCERPT] + "…"
