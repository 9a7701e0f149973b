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

Every problem of the mapping is reported at once, with its line, before anything
is written. A document that cannot be imported (no usable id, the same id as
another one, the id `index` of the dossier's own page) is reported and skipped:
the others are imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from treillis.build import load
from treillis.errors import BuildError, Problem, Problems, did_you_mean
from treillis.importers import as_read
from treillis.model import DOCUMENT_TYPES
from treillis.readers.fields import date_problem, id_problem, is_web_address, slugify
from treillis.sources import LineDict, SourceError, load_yaml_file, read_text, split_front_matter
from treillis.suggest import Suggester
from treillis.views.common import sort_key
from treillis.yamlwrite import front_matter, write_file

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
VALUE_FIELDS = ("id", "title", "summary", "date", "type", "lang", "authors", "partner")
SPEC_KEYS = ("field", "value", "pattern", "values", "default")
# A pattern gets this long on one value; any sensible pattern needs microseconds.
PATTERN_SECONDS = 1.0
TRUE, FALSE = ("true", "yes", "on"), ("false", "no", "off")
# Compiling writes a counted repetition out `n` times (`a{10000000}` takes gigabytes,
# before any timeout applies): the product of every `{n…}` of a pattern is bounded.
MAX_REPETITIONS = 100_000
_COUNT = re.compile(r"(?<!\\)\{(\d+)(?:,\d*)?\}")


def _repetitions(pattern: str) -> int:
    """The product of the least counts of `pattern`'s `{n}`, `{n,}` and `{n,m}`: an upper
    bound of how many times compiling may write one part out (as if all were nested)."""
    product = 1
    for count in _COUNT.findall(pattern):
        product *= max(int(count), 1) if len(count) <= 9 else MAX_REPETITIONS + 1
        if product > MAX_REPETITIONS:
            break
    return product


class DocumentImportError(Exception):
    """The documents cannot be imported (unknown dossier, content with problems…)."""


@dataclass
class Spec:
    """Where one of our fields comes from: one of their fields, or a constant."""

    field: str = ""
    constant: Any = None  # a text, or a list of texts
    pattern: regex.Pattern | None = None
    pattern_line: int = 1
    values: dict[str, str] | None = None
    default: str | None = None


@dataclass
class Mapping:
    specs: dict[str, Spec]
    source: dict[str, Spec]  # url, title
    descriptor_fields: list[str]
    suggest: int
    drop_title_heading: bool


@dataclass
class DocumentsReport:
    """What an import did: documents written, notes (values replaced), problems (skipped)."""

    count: int = 0
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _SlowPattern(Exception):
    def __init__(self, spec: Spec, path: Path) -> None:
        super().__init__()
        self.spec, self.path = spec, path


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _read_spec(value: Any, line: int, key: str, path: Path, problems: Problems) -> Spec | None:
    """One field's spec: their field's name, or {field, pattern, values, default} or {value}."""
    if _is_text(value):
        return Spec(field=value)
    if not isinstance(value, LineDict):
        problems.add(
            path,
            line,
            f"'{key}' must be the name of one of their fields, or a group such as "
            "{field: their-field, pattern: '...', values: {theirs: ours}, default: ...} "
            "or {value: a constant}",
        )
        return None
    spec, ok = Spec(), True
    for name, item in value.items():
        where = value.line_of(name)
        if name not in SPEC_KEYS:
            problems.add(
                path,
                where,
                f"unknown key '{name}' in '{key}'{did_you_mean(name, SPEC_KEYS)} "
                f"(known: {', '.join(SPEC_KEYS)})",
            )
            ok = False
        elif name == "values":
            if not isinstance(item, LineDict) or not all(map(_is_text, item.values())):
                problems.add(
                    path,
                    where,
                    f"'values' of '{key}' must be a table of 'their value: our value' lines, "
                    "for instance {cas: experience, étude: analysis}",
                )
                ok = False
            else:
                spec.values = dict(item)
        elif name == "value":
            if not (_is_text(item) or (isinstance(item, list) and all(map(_is_text, item)))):
                problems.add(path, where, f"the 'value' of '{key}' must be a text (or texts)")
                ok = False
            spec.constant = item
        elif not _is_text(item):
            problems.add(path, where, f"the '{name}' of '{key}' must be a single text")
            ok = False
        elif name == "field":
            spec.field = item
        elif name == "default":
            spec.default = item
        elif _repetitions(item) > MAX_REPETITIONS:
            problems.add(
                path,
                where,
                f"the pattern of '{key}' repeats too much: its counted repetitions ({{n}}) "
                f"multiply to more than {MAX_REPETITIONS}, which would fill the memory; "
                "use + or * instead",
            )
            ok = False
        else:  # pattern
            try:
                spec.pattern = regex.compile(item)
            except (regex.error, ValueError, RecursionError) as error:
                problems.add(
                    path,
                    where,
                    f"the pattern of '{key}' is not a valid regular expression: {error}",
                )
                ok = False
            spec.pattern_line = where
    if ok and not spec.field and spec.constant is None:
        problems.add(path, value.line, f"'{key}' needs 'field: their-field' or 'value: a constant'")
        ok = False
    return spec if ok else None


def read_mapping(path: Path) -> Mapping:
    """The mapping file, checked whole: every problem reported at once with its line."""
    problems = Problems()
    data = load_yaml_file(path, problems)
    if not problems and not isinstance(data, LineDict):
        problems.add(path, 1, "the mapping must be 'our-field: their-field' lines")
    if problems:
        raise BuildError(problems.items)
    mapping = Mapping({}, {}, [], 0, False)
    for key, value in data.items():
        line = data.line_of(key)
        if key not in MAPPING_FIELDS:
            problems.add(
                path,
                line,
                f"unknown field '{key}'{did_you_mean(key, MAPPING_FIELDS)} "
                f"(known: {', '.join(MAPPING_FIELDS)})",
            )
        elif key in VALUE_FIELDS:
            if (spec := _read_spec(value, line, key, path, problems)) is not None:
                mapping.specs[key] = spec
        elif key == "source":
            if not isinstance(value, LineDict) or not set(value) <= {"url", "title"}:
                problems.add(path, line, "'source' must be a group {url: ..., title: ...}")
                continue
            for name, item in value.items():
                spec = _read_spec(item, value.line_of(name), f"source {name}", path, problems)
                if spec is not None:
                    mapping.source[name] = spec
        elif key == "descriptors":
            _read_descriptors_spec(value, line, path, problems, mapping)
        else:  # drop_title_heading
            if not _is_text(value) or value.lower() not in TRUE + FALSE:
                problems.add(path, line, "'drop_title_heading' must be true or false")
            else:
                mapping.drop_title_heading = value.lower() in TRUE
    problems.raise_if_any()
    return mapping


def _read_descriptors_spec(
    value: Any, line: int, path: Path, problems: Problems, mapping: Mapping
) -> None:
    if not isinstance(value, LineDict) or not set(value) <= {"fields", "suggest"}:
        problems.add(
            path, line, "'descriptors' must be a group {fields: [their fields], suggest: 5}"
        )
        return
    fields = value.get("fields", [])
    fields = [fields] if _is_text(fields) else fields
    if not isinstance(fields, list) or not all(map(_is_text, fields)):
        problems.add(path, value.line_of("fields"), "'fields' must be a list of their fields")
    else:
        mapping.descriptor_fields = fields
    wanted = value.get("suggest", "0")
    if not _is_text(wanted) or not wanted.isdigit() or not wanted.isascii():
        problems.add(
            path,
            value.line_of("suggest"),
            f"'suggest' must be a whole number of descriptors, for instance 5 (not '{wanted}')",
        )
    else:
        mapping.suggest = int(wanted)


def _value(spec: Spec | None, meta: dict, path: Path) -> Any:
    """A value of their front matter, as the mapping says to take it."""
    if spec is None:
        return None
    if spec.constant is not None:
        return spec.constant
    value = meta.get(spec.field)
    if value is not None and spec.pattern is not None:
        try:
            match = spec.pattern.search(str(value), timeout=PATTERN_SECONDS)
        except TimeoutError:
            raise _SlowPattern(spec, path) from None
        value = match.group() if match else None
    if spec.values is not None:
        value = spec.values.get(str(value), spec.default) if value is not None else None
    return value if value not in (None, "") else spec.default


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [" ".join(str(item).split()) for item in items if str(item).strip()]


def import_documents(
    content: Path, folder: Path, dossier: str, mapping_path: Path, force: bool = False
) -> DocumentsReport:
    """Import every Markdown file of `folder` into `dossier`.

    A bad mapping raises BuildError (its problems, with their lines) before anything
    is written."""
    if problem := id_problem(dossier):
        raise DocumentImportError(f"--dossier: {problem}")
    mapping = read_mapping(mapping_path)
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
    try:
        planned, report = _plan(site, folder, target, mapping, force)
    except _SlowPattern as slow:
        problems = Problems()
        problems.add(
            mapping_path,
            slow.spec.pattern_line,
            f"this pattern takes more than {PATTERN_SECONDS:g} s on the '{slow.spec.field}' of "
            f"{slow.path}: simplify it (nested repetitions such as (a|aa)* can take forever)",
        )
        raise BuildError(problems.items) from None
    if linked := [str(output) for output, _text in planned if output.is_symlink()]:
        raise DocumentImportError(
            f"{', '.join(linked)}: a link, and Treillis writes no file through a link (it "
            "would write where the link points); nothing was imported. Remove the link."
        )
    for output, text in planned:
        write_file(output, text)
    report.count = len(planned)
    return report


def _plan(
    site, folder: Path, target: Path, mapping: Mapping, force: bool
) -> tuple[list[tuple[Path, str]], DocumentsReport]:
    """The files to write (path, text), and what is reported; nothing written yet."""
    report = DocumentsReport()
    problems = Problems()
    languages = site.config.languages
    lang_default = site.dossiers[target.name].lang
    by_label: dict[str, str] = {}
    for descriptor in site.descriptors.values():
        for lang, label in descriptor.label.values.items():
            by_label.setdefault(sort_key(label), descriptor.id)
            for synonym in descriptor.synonyms.get(lang, []):
                by_label.setdefault(sort_key(synonym), descriptor.id)
    suggesters: dict[str, Suggester] = {}
    planned: list[tuple[Path, str]] = []
    taken: dict[str, Path] = {}  # id → the file it came from, in this run
    specs = mapping.specs
    for path in sorted(folder.rglob("*.md")):
        try:
            source = split_front_matter(read_text(path))
        except SourceError as error:
            report.notes.append(f"{path}:{error.line}: skipped: {error.message}")
            continue
        except OSError as error:  # a folder named *.md, a FIFO, an unreadable file
            report.notes.append(f"{path}:1: skipped: cannot read this file: {error.strerror}")
            continue
        meta = dict(source.meta)
        id_spec = specs.get("id")
        id_line = source.meta.line_of(id_spec.field) if id_spec and id_spec.field else 1
        written_id = str(_value(id_spec, meta, path) or path.stem)
        slug = slugify(written_id)
        if not slug:
            problems.add(
                path,
                id_line,
                f"the id '{written_id}' has no letter or digit to name a file: "
                "this document is not imported (give it an id such as 'my-document')",
            )
            continue
        if problem := id_problem(slug):
            problems.add(path, id_line, f"{problem}: this document is not imported")
            continue
        if slug == "index":
            problems.add(
                path,
                id_line,
                "the id 'index' names the dossier's own page (index.md): this document "
                "is not imported (give it another id)",
            )
            continue
        if slug in taken:
            problems.add(
                path,
                id_line,
                f"the id '{slug}' is also the id of {taken[slug]}: this document is not "
                "imported (give one of them another id)",
            )
            continue
        taken[slug] = path
        where = (path, 1)
        title = " ".join(_texts(_value(specs.get("title", Spec("title")), meta, path)))
        # A title the reader would take for no title ('~', 'null') gives way to the file name.
        title = as_read("string", "title", title, where, Problems(), "a document", languages)
        title = title or path.name
        body = source.body
        if mapping.drop_title_heading:
            body = re.sub(r"^\s*#\s+.*\n", "", body, count=1)
        doc_type = str(_value(specs.get("type"), meta, path) or "resource")
        if doc_type not in DOCUMENT_TYPES:
            report.notes.append(
                f"{path}: type '{' '.join(doc_type.split())}' is not one of {', '.join(DOCUMENT_TYPES)}: resource"
            )
            doc_type = "resource"
        date = str(_value(specs.get("date"), meta, path) or "")
        if not date or date_problem(date):
            report.notes.append(
                f"{path}: no usable date ({' '.join(date.split()) or 'none'}): 2000 written instead"
            )
            date = "2000"
        lang = str(_value(specs.get("lang"), meta, path) or lang_default)
        if lang not in languages:
            report.notes.append(
                f"{path}: language '{' '.join(lang.split())}' is not one of the site's ({', '.join(languages)}): "
                f"{lang_default} written instead"
            )
            lang = lang_default
        descriptors: list[str] = []
        for field_name in mapping.descriptor_fields:
            for text in _texts(meta.get(field_name)):
                found = by_label.get(sort_key(text))
                if found and found not in descriptors:
                    descriptors.append(found)
        if mapping.suggest:
            if lang not in suggesters:
                suggesters[lang] = Suggester(site, lang)
            for suggestion in suggesters[lang].suggest(body, limit=mapping.suggest, title=title):
                if suggestion.descriptor not in descriptors:
                    descriptors.append(suggestion.descriptor)
        fields: dict[str, Any] = {"title": title, "type": doc_type, "date": date, "lang": lang}
        authors = _texts(_value(specs.get("authors"), meta, path))
        if authors:
            fields["authors"] = authors
        partner = _value(specs.get("partner"), meta, path)
        if isinstance(partner, str) and partner in site.partners:
            fields["partner"] = partner
        if descriptors:
            fields["descriptors"] = descriptors
        summary = " ".join(_texts(_value(specs.get("summary"), meta, path)))
        if summary:
            fields["summary"] = summary
        if mapping.source:
            url = " ".join(_texts(_value(mapping.source.get("url"), meta, path)))
            source_title = " ".join(_texts(_value(mapping.source.get("title"), meta, path)))
            if is_web_address(url):
                fields["source"] = {"title": source_title or url, "url": url}
        output = target / f"{slug}.md"
        if output.exists() and not force:
            report.notes.append(f"{output}: exists, kept (use --force to replace)")
            continue
        planned.append((output, front_matter(fields) + body.lstrip("\n")))
    report.problems = problems.items
    return planned, report
