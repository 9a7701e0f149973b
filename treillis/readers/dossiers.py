"""Reader for `dossiers/<dossier>/index.md` and the documents beside it."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import replace
from pathlib import Path

from treillis.errors import Problems
from treillis.languages import REGISTRY
from treillis.model import Document, Dossier, Origin, Principle, SourceLink
from treillis.readers.fields import Fields, id_problem, slugify
from treillis.readers.reuse import Reuse
from treillis.sources import LineDict, LineList, ParseCache, load_markdown_file

# `<!-- synthesis -->`, in English or any language Treillis knows.
SYNTHESIS_WORDS = dict.fromkeys(
    ["synthesis", *(word for language in REGISTRY.values() for word in language.synthesis)]
)
SYNTHESIS_MARKER = re.compile(
    rf"^\s*<!--\s*({'|'.join(map(re.escape, SYNTHESIS_WORDS))})\s*-->\s*$", re.M
)


def read_dossiers(
    root: Path,
    problems: Problems,
    languages: list[str],
    cache: ParseCache | None = None,
    reuse: Reuse | None = None,
) -> tuple[dict[str, Dossier], dict[str, Document]]:
    """The dossiers and their documents; with `reuse`, those of files whose bytes are
    the same as the previous build's are that build's (see `treillis.readers.reuse`)."""
    reuse = reuse or Reuse(None, root, languages)
    folder = root / "dossiers"
    dossiers: dict[str, Dossier] = {}
    documents: dict[str, Document] = {}
    if not folder.is_dir():
        problems.add(folder, 1, "the folder dossiers is missing")
        return dossiers, documents
    for dossier_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        if dossier_dir.name.startswith("."):
            continue
        if problem := id_problem(dossier_dir.name):
            problems.add(dossier_dir, 1, f"dossier folder name: {problem}")
            _unread_dossier(dossier_dir, problems)
            continue
        index = dossier_dir / "index.md"
        if not index.is_file():
            problems.add(index, 1, "this dossier has no index.md (title, summary, principles)")
            _unread_dossier(dossier_dir, problems)
            continue
        taken = reuse.take(index, problems)
        if taken is not None:
            dossier = replace(taken[0], documents=[])  # its reader fills a new list
        else:
            counts = len(problems.items), len(problems.warnings)
            dossier = _read_dossier(index, dossier_dir.name, problems, languages, cache)
            reuse.record(index, problems, *counts)
        if dossier is None:
            _unread_dossier(dossier_dir, problems)
            continue
        dossiers[dossier.slug] = dossier
        directory = str(dossier_dir)
        for name in _markdown_names(dossier_dir):
            if name == "index.md":
                continue
            # Known by its path as text until it must be read: a `Path` per document
            # would take longer than taking most of them from the previous build.
            taken = reuse.take(f"{directory}{os.sep}{name}", problems, dossier.lang)
            if taken is not None:
                document = taken[0]  # its name is an id: the previous build read it
            else:
                path = dossier_dir / name
                if problem := id_problem(path.stem):
                    problems.add(path, 1, f"document file name: {problem}")
                    _unread(problems, "document", dossier.slug, path.stem)
                    continue
                counts = len(problems.items), len(problems.warnings)
                document = _read_document(path, dossier, problems, languages, cache)
                reuse.record(path, problems, *counts)
            if document is None:
                _unread(problems, "document", dossier.slug, path.stem)
            else:
                key = document.key
                documents[key] = document
                dossier.documents.append(key)
    return dossiers, documents


def _markdown_names(folder: Path) -> list[str]:
    """The names `folder.glob("*.md")` finds, in the order of their paths."""
    try:
        names = fnmatch.filter(os.listdir(folder), "*.md")
    except (PermissionError, NotADirectoryError, FileNotFoundError):
        return []
    return sorted(names, key=os.path.normcase) if os.name == "nt" else sorted(names)


def _unread(problems: Problems, kind: str, *parts: str) -> None:
    """Note an item that could not be read, under its id as written and as an id would be
    (references to it are then not reported as unknown: its own problem is)."""
    written = "/".join(parts)
    slugged = "/".join(slugify(part) for part in parts)
    problems.unread_ids.setdefault(kind, set()).update((written, slugged))


def _unread_dossier(folder: Path, problems: Problems) -> None:
    """A dossier that could not be read, and the documents beside its index."""
    _unread(problems, "dossier", folder.name)
    for path in folder.glob("*.md"):
        if path.name != "index.md":
            _unread(problems, "document", folder.name, path.stem)


def _read_dossier(
    path: Path, slug: str, problems: Problems, languages: list[str], cache: ParseCache | None
) -> Dossier | None:
    source = load_markdown_file(path, problems, cache=cache)
    if source is None:
        return None
    fields = Fields(source.meta, path, problems, "dossier", languages)
    introduction, synthesis, synthesis_line = _split_synthesis(source.body, source.body_line)
    values = fields.values()
    values["lang"] = values["lang"] or languages[0]
    return Dossier(
        slug=slug,
        **values,
        principles=_principles(source.meta, path, problems, languages),
        introduction=introduction,
        synthesis=synthesis,
        introduction_line=source.body_line,
        synthesis_line=synthesis_line,
        origin=Origin(str(path), 1, fields.origin_fields()),
    )


def _split_synthesis(body: str, body_line: int) -> tuple[str, str, int]:
    """Split the dossier body at the `<!-- synthesis -->` line."""
    match = SYNTHESIS_MARKER.search(body)
    if not match:
        return body, "", body_line
    line = body_line + body[: match.end()].count("\n") + 1
    return body[: match.start()], body[match.end() :].lstrip("\n"), line


def _principles(
    meta: LineDict, path: Path, problems: Problems, languages: list[str]
) -> list[Principle]:
    value = meta.get("principles")
    if value is None:
        return []
    if not isinstance(value, LineList):
        problems.add(
            path, meta.line_of("principles"), "'principles' must be a list of '- title:' items"
        )
        return []
    principles = []
    for index, item in enumerate(value):
        if not isinstance(item, LineDict):
            problems.add(
                path,
                value.line_of(index),
                "each principle needs 'title:', 'text:' and 'documents:'",
            )
            continue
        fields = Fields(item, path, problems, "principle", languages)
        principles.append(
            Principle(
                number=len(principles) + 1,
                **fields.values(),
                line=item.line,
                text_line=item.line_of("text"),
            )
        )
    return principles


def _read_document(
    path: Path, dossier: Dossier, problems: Problems, languages: list[str], cache: ParseCache | None
) -> Document | None:
    source = load_markdown_file(path, problems, cache=cache)
    if source is None:
        return None
    fields = Fields(source.meta, path, problems, "document", languages)
    values = fields.values()
    values["lang"] = values["lang"] or dossier.lang
    return Document(
        dossier=dossier.slug,
        slug=path.stem,
        **values,
        source=_source(fields, path, problems, languages),
        body=source.body,
        body_line=source.body_line,
        origin=Origin(str(path), 1, fields.origin_fields()),
    )


def _source(
    fields: Fields, path: Path, problems: Problems, languages: list[str]
) -> SourceLink | None:
    value = fields.mapping("source")
    if value is None:
        return None
    source_fields = Fields(value, path, problems, "source", languages)
    title, url = source_fields.get("title"), source_fields.get("url")
    return SourceLink(title or url, url) if title or url else None
