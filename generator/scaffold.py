"""`treillis new`: files that are valid from the start, for editors to fill in."""

from __future__ import annotations

import datetime
from pathlib import Path

from generator.errors import Problems, did_you_mean
from generator.model import DOCUMENT_TYPES
from generator.readers.atlas import read_descriptors, read_families
from generator.readers.config import read_config
from generator.readers.fields import id_problem
from generator.sources import SourceError, parse_yaml
from generator.yamlwrite import dump, front_matter, write_file

__all__ = ["DOCUMENT_TYPES", "ScaffoldError", "new_descriptor", "new_document", "new_dossier"]


class ScaffoldError(Exception):
    """The file cannot be created (bad identifier, already there, unknown dossier...)."""


def _check_id(value: str, what: str) -> None:
    if problem := id_problem(value):
        raise ScaffoldError(f"{what}: {problem}")


def _write_new(path: Path, text: str) -> Path:
    if path.exists() or path.is_symlink():
        raise ScaffoldError(f"{path} already exists")
    write_file(path, text)
    return path


def new_dossier(content: Path, slug: str, title: str | None = None) -> Path:
    _check_id(slug, "dossier")
    lang = read_config(content, Problems()).default_language
    today = datetime.date.today().isoformat()
    fields = {
        "title": title or slug.replace("-", " ").capitalize(),
        "lang": lang,
        "date": today,
        "summary": "Two or three sentences that say what this dossier is about.",
        "coordinators": [],
        "committee": [],
        "partners": [],
        "descriptors": [],
        "principles": [],
    }
    return _write_new(
        content / "dossiers" / slug / "index.md",
        front_matter(fields)
        + "The introduction of the dossier.\n\n<!-- synthesis -->\n\nThe synthesis note.\n",
    )


def new_document(
    content: Path, key: str, title: str | None = None, doc_type: str = "experience"
) -> Path:
    dossier, _, slug = key.partition("/")
    if not slug:
        raise ScaffoldError(
            "write the document as DOSSIER/DOCUMENT, for instance mon-dossier/une-experience"
        )
    _check_id(dossier, "dossier")
    _check_id(slug, "document")
    folder = content / "dossiers" / dossier
    if not (folder / "index.md").is_file():
        existing = [p.name for p in (content / "dossiers").glob("*") if p.is_dir()]
        raise ScaffoldError(
            f"unknown dossier '{dossier}'{did_you_mean(dossier, existing)}: "
            f"create it first with 'treillis new dossier {dossier}'"
        )
    if doc_type not in DOCUMENT_TYPES:
        raise ScaffoldError(f"unknown type '{doc_type}': choose one of {', '.join(DOCUMENT_TYPES)}")
    today = datetime.date.today().isoformat()
    fields = {
        "title": title or slug.replace("-", " ").capitalize(),
        "type": doc_type,
        "date": today,
        "authors": [],
        "descriptors": [],
        "summary": "The lead: two or three sentences that stand on their own.",
    }
    return _write_new(folder / f"{slug}.md", front_matter(fields) + "The text of the document.\n")


def new_descriptor(
    content: Path,
    descriptor_id: str,
    family: str,
    label: str | None = None,
    broader: list[str] | None = None,
    file_name: str | None = None,
) -> Path:
    _check_id(descriptor_id, "descriptor")
    problems = Problems()
    languages = read_config(content, problems).languages
    families = read_families(content, problems, languages)
    if family not in families:
        raise ScaffoldError(f"unknown family '{family}'{did_you_mean(family, families)}")
    descriptors = read_descriptors(content, problems, languages)
    if descriptor_id in descriptors:
        raise ScaffoldError(f"the descriptor '{descriptor_id}' already exists")
    for parent in broader or []:
        if parent not in descriptors:
            raise ScaffoldError(
                f"unknown broader descriptor '{parent}'{did_you_mean(parent, descriptors)}"
            )
    name = Path(file_name or f"{family}.yaml").name
    if Path(name).suffix not in (".yaml", ".yml"):
        name += ".yaml"
    _check_id(Path(name).stem, "file name")
    path = content / "atlas" / "descriptors" / name
    entry = dump(
        [
            {
                "id": descriptor_id,
                "family": family,
                "label": {languages[0]: label or descriptor_id.replace("-", " ").capitalize()},
                "broader": list(broader or []),
                "related": [],
            }
        ]
    )
    if path.is_symlink():  # read, its target would be copied into the content
        raise ScaffoldError(f"{path} is a link: add the descriptor to the file it points to")
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if existing.strip() in ("", "[]"):
        existing = ""  # an empty list: the new entry starts it
    elif not existing.endswith("\n"):
        existing += "\n"
    # The entry is added as text, to keep the file as its editors wrote it: first make sure
    # the result still reads as the same list and one more item (a file written `[{...}]`
    # in flow style would not).
    before = _items_in(existing)
    after = _items_in(existing + entry)
    if before is None or after is None or len(after) != len(before) + 1:
        raise ScaffoldError(
            f"{path} is not a list of '- id:' items that a descriptor can be added to: "
            "add it by hand, or give another --file"
        )
    write_file(path, existing + entry)
    return path


def _items_in(text: str) -> list | None:
    try:
        data = parse_yaml(text)
    except SourceError:
        return None
    if data is None:  # nothing but comments
        return []
    return data if isinstance(data, list) else None
