"""`treillis new`: files that are valid from the start, for editors to fill in.

A new dossier, document or descriptor holds the fields given and those that
`treillis.schema` gives a `new` value, in the order defined there."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import yaml

from treillis import __version__
from treillis.errors import Problems, did_you_mean
from treillis.model import DOCUMENT_TYPES, LANGUAGES
from treillis.readers.atlas import read_descriptors, read_families
from treillis.readers.config import read_config
from treillis.readers.fields import id_problem
from treillis.schema import KINDS
from treillis.sources import SourceError, parse_yaml
from treillis.yamlwrite import dump, front_matter, write_file

__all__ = [
    "DOCUMENT_TYPES",
    "ScaffoldError",
    "new_descriptor",
    "new_document",
    "new_dossier",
    "new_site",
    "new_theme",
]


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
    fields = KINDS["dossier"].starter(
        title=title or slug.replace("-", " ").capitalize(),
        lang=lang,
        date=datetime.date.today().isoformat(),
    )
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
    fields = KINDS["document"].starter(
        title=title or slug.replace("-", " ").capitalize(),
        type=doc_type,
        date=datetime.date.today().isoformat(),
    )
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
            KINDS["descriptor"].starter(
                id=descriptor_id,
                family=family,
                label={languages[0]: label or descriptor_id.replace("-", " ").capitalize()},
                broader=list(broader or []),
            )
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


STARTER = Path(__file__).resolve().parent / "starter"


def new_site(folder: Path, title: str | None = None, languages: list[str] | None = None) -> Path:
    """A new site repository in `folder`: content that builds and passes `check` at once
    (a family, descriptors in a small lattice, a dossier and a document), a README for
    its editors in the site's first language, a .gitignore, and publishing workflows
    for GitHub Pages and GitLab Pages. Refuses a folder that is not empty."""
    languages = languages or ["fr"]
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown or len(set(languages)) != len(languages):
        raise ScaffoldError(
            f"languages: {', '.join(languages)} — each once, among {', '.join(LANGUAGES)}"
        )
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(f"{folder} is not empty: choose a new or empty folder")
    texts = {
        lang: yaml.safe_load((STARTER / f"{lang}.yaml").read_text("utf-8")) for lang in languages
    }
    first = texts[languages[0]]
    title = title or first["name"]
    today = datetime.date.today().isoformat()
    dossier, document = first["dossier"], first["document"]
    content = folder / "content"

    def each(key: str) -> dict[str, str]:
        return {lang: texts[lang][key] for lang in languages}

    def label(descriptor: str) -> dict[str, str]:
        return {lang: texts[lang]["descriptors"][descriptor] for lang in languages}

    files = {
        "content/site.yaml": dump(
            {
                "title": {lang: title for lang in languages},
                "description": each("description"),
                "languages": languages,
            }
        ),
        "content/atlas/families.yaml": dump(
            [{"id": "themes", "label": each("family"), "colour": "#2b6f8f"}]
        ),
        "content/atlas/descriptors/themes.yaml": dump(
            [
                {"id": "gouvernance", "family": "themes", "label": label("gouvernance")},
                {"id": "territoire", "family": "themes", "label": label("territoire")},
                {
                    "id": "participation",
                    "family": "themes",
                    "label": label("participation"),
                    "broader": ["gouvernance", "territoire"],
                },
                {
                    "id": "budget-participatif",
                    "family": "themes",
                    "label": label("budget-participatif"),
                    "broader": ["participation"],
                },
                {
                    "id": "jardins-partages",
                    "family": "themes",
                    "label": label("jardins-partages"),
                    "broader": ["territoire"],
                    "related": ["participation"],
                },
            ]
        ),
        f"content/dossiers/{dossier['slug']}/index.md": front_matter(
            {
                "title": dossier["title"],
                "lang": languages[0],
                "date": today,
                "summary": dossier["summary"],
                "coordinators": [],
                "descriptors": ["participation"],
                "principles": [
                    {
                        "title": dossier["principle"],
                        "text": dossier["principle_text"],
                        "documents": [document["slug"]],
                    }
                ],
            }
        )
        + f"{dossier['introduction']}\n<!-- synthesis -->\n\n{dossier['synthesis']}",
        f"content/dossiers/{dossier['slug']}/{document['slug']}.md": front_matter(
            {
                "title": document["title"],
                "type": "experience",
                "date": today,
                "lang": languages[0],
                "authors": [],
                "descriptors": ["jardins-partages", "budget-participatif"],
                "summary": document["summary"],
            }
        )
        + document["body"],
        "README.md": first["readme"].replace("@TITLE@", title),
        ".gitignore": (STARTER / "gitignore").read_text("utf-8"),
        ".github/workflows/publish.yml": _workflow("github-pages.yml"),
        ".gitlab-ci.yml": _workflow("gitlab-ci.yml"),
    }
    for name, text in files.items():
        write_file(folder / name, text)
    return content


def _workflow(name: str) -> str:
    """A publishing workflow that installs this very version of Treillis."""
    return (STARTER / name).read_text("utf-8").replace("@VERSION@", __version__)


def new_theme(folder: Path, whole: bool = False) -> Path:
    """A theme folder to edit: the default theme's stylesheet (or, with `whole`, all of
    its files), which then replace the default ones (see docs/theming.md)."""
    from treillis.render import DEFAULT_THEME

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(f"{folder} is not empty: choose a new or empty folder")
    if whole:
        shutil.copytree(DEFAULT_THEME, folder, dirs_exist_ok=True)
    else:
        (folder / "templates").mkdir(parents=True)
        (folder / "static").mkdir()
        shutil.copyfile(DEFAULT_THEME / "static/treillis.css", folder / "static/treillis.css")
    return folder
