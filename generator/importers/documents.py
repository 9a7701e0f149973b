"""`treillis import documents`: Markdown files with another front matter, as documents.

A mapping file (YAML) says where each field comes from:

    id: id                      # their field naming the file (default: the file name)
    title: title                # our field: their field
    summary: description
    date: {field: date, pattern: '\\d{4}-\\d{2}-\\d{2}'}
    type: {field: type, values: {"Fiche d'information": resource}, default: resource}
    lang: {value: fr}           # a constant
    authors: author
    partner: {value: my-network}
    source: {url: url, title: {value: service-public.fr}}
    descriptors: {fields: [subject, breadcrumb], suggest: 5}
    drop_title_heading: true    # remove a first "# Title" line repeating the title

`descriptors` keeps the values of those fields that are descriptor labels or
synonyms, and adds up to `suggest` descriptors found in the text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from generator.build import load
from generator.errors import BuildError, Problems
from generator.model import DOCUMENT_TYPES
from generator.readers.fields import date_problem, is_web_address, slugify
from generator.sources import LineDict, SourceError, load_yaml_file, read_text, split_front_matter
from generator.suggest import Suggester
from generator.views.common import sort_key

MAPPING_FIELDS = (
    "id",
    "title",
    "summary",
    "date",
    "type",
    "lang",
    "authors",
    "partner",
    "source",
    "descriptors",
    "drop_title_heading",
)


class DocumentImportError(Exception):
    """The documents cannot be imported (bad mapping, unknown dossier…)."""


def _value(spec: Any, meta: dict) -> Any:
    """A value of their front matter, as the mapping says to take it."""
    if spec is None:
        return None
    if isinstance(spec, str):
        return meta.get(spec)
    if isinstance(spec, dict):
        if "value" in spec:
            return spec["value"]
        value = meta.get(spec.get("field", ""))
        if value is not None and "pattern" in spec:
            match = re.search(spec["pattern"], str(value))
            value = match.group() if match else None
        if "values" in spec:
            value = (
                spec["values"].get(str(value), spec.get("default")) if value is not None else None
            )
        return value if value not in (None, "") else spec.get("default")
    return None


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [" ".join(str(item).split()) for item in items if str(item).strip()]


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def import_documents(
    content: Path, folder: Path, dossier: str, mapping_path: Path, force: bool = False
) -> tuple[int, list[str]]:
    """Import every Markdown file of `folder` into `dossier`; returns (count, notes)."""
    problems = Problems()
    mapping = load_yaml_file(mapping_path, problems)
    if problems or not isinstance(mapping, LineDict):
        raise DocumentImportError(
            "\n".join(str(p) for p in problems.items)
            or f"{mapping_path}: the mapping must be 'field: value' lines"
        )
    unknown = [key for key in mapping if key not in MAPPING_FIELDS]
    if unknown:
        raise DocumentImportError(
            f"{mapping_path}: unknown fields {', '.join(unknown)} "
            f"(known: {', '.join(MAPPING_FIELDS)})"
        )
    target = content / "dossiers" / dossier
    if not (target / "index.md").is_file():
        raise DocumentImportError(
            f"unknown dossier '{dossier}': create it first with 'treillis new dossier {dossier}'"
        )
    try:
        site = load(content)
    except BuildError as error:
        raise DocumentImportError(
            "the content has problems; run treillis check first:\n"
            + "\n".join(str(p) for p in error.problems[:10])
        ) from None
    lang_default = site.dossiers[dossier].lang
    by_label: dict[str, str] = {}
    for descriptor in site.descriptors.values():
        for lang, label in descriptor.label.values.items():
            by_label.setdefault(sort_key(label), descriptor.id)
            for synonym in descriptor.synonyms.get(lang, []):
                by_label.setdefault(sort_key(synonym), descriptor.id)
    suggesters: dict[str, Suggester] = {}
    notes: list[str] = []
    count = 0
    for path in sorted(folder.rglob("*.md")):
        try:
            source = split_front_matter(read_text(path))
        except SourceError as error:
            notes.append(f"{path}:{error.line}: skipped: {error.message}")
            continue
        meta = {k: v for k, v in source.meta.items()}
        slug = slugify(str(_value(mapping.get("id"), meta) or path.stem))
        title = " ".join(_texts(_value(mapping.get("title", "title"), meta))) or path.stem
        body = source.body
        if mapping.get("drop_title_heading"):
            body = re.sub(r"^\s*#\s+.*\n", "", body, count=1)
        doc_type = str(_value(mapping.get("type"), meta) or "resource")
        if doc_type not in DOCUMENT_TYPES:
            notes.append(
                f"{path}: type '{doc_type}' is not one of {', '.join(DOCUMENT_TYPES)}: resource"
            )
            doc_type = "resource"
        date = str(_value(mapping.get("date"), meta) or "")
        if not date or date_problem(date):
            notes.append(f"{path}: no usable date ({date or 'none'}): 2000 written instead")
            date = "2000"
        lang = str(_value(mapping.get("lang"), meta) or lang_default)
        descriptors: list[str] = []
        spec = mapping.get("descriptors") or {}
        for field_name in spec.get("fields", []) if isinstance(spec, dict) else []:
            for text in _texts(meta.get(field_name)):
                found = by_label.get(sort_key(text))
                if found and found not in descriptors:
                    descriptors.append(found)
        wanted = int(spec.get("suggest", 0)) if isinstance(spec, dict) else 0
        if wanted:
            if lang not in suggesters:
                suggesters[lang] = Suggester(site, lang)
            for suggestion in suggesters[lang].suggest(body, limit=wanted, title=title):
                if suggestion.descriptor not in descriptors:
                    descriptors.append(suggestion.descriptor)
        lines = [
            "---",
            f"title: {_q(title)}",
            f"type: {doc_type}",
            f"date: {date}",
            f"lang: {lang}",
        ]
        authors = _texts(_value(mapping.get("authors"), meta))
        if authors:
            lines.append(f"authors: [{', '.join(_q(a) for a in authors)}]")
        partner = _value(mapping.get("partner"), meta)
        if partner and str(partner) in site.partners:
            lines.append(f"partner: {partner}")
        if descriptors:
            lines.append(f"descriptors: [{', '.join(descriptors)}]")
        summary = " ".join(_texts(_value(mapping.get("summary"), meta)))
        if summary:
            lines.append(f"summary: {_q(summary)}")
        source_spec = mapping.get("source")
        if isinstance(source_spec, dict):
            url = str(_value(source_spec.get("url"), meta) or "")
            source_title = str(_value(source_spec.get("title"), meta) or url)
            if is_web_address(url):
                lines.append(f"source: {{title: {_q(source_title)}, url: {_q(url)}}}")
        lines.append("---")
        output = target / f"{slug}.md"
        if output.exists() and not force:
            notes.append(f"{output}: exists, kept (use --force to replace)")
            continue
        output.write_text("\n".join(lines) + "\n" + body.lstrip("\n"), encoding="utf-8")
        count += 1
    return count, notes
