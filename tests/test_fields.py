"""Content fields: identifiers made from titles (slugs), and the one definition of each
kind's fields that drives validation, docs/content-format.md and `treillis new`."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import DEMO_CONTENT
from treillis import model, scaffold, schema
from treillis.build import load
from treillis.errors import BuildError, Problems
from treillis.readers import read_site
from treillis.readers.fields import slugify

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _slug_before(text: str) -> str:
    """slugify as it was before transliteration: every letter without an ASCII form lost."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _demo_texts() -> list[str]:
    """Every title, label, name and synonym of the demo, in every language."""
    site = read_site(DEMO_CONTENT, Problems())
    texts: list[str] = [*site.config.title.values.values()]
    texts += [partner.name for partner in site.config.partners]
    for family in site.families.values():
        texts += family.label.values.values()
    for descriptor in site.descriptors.values():
        texts += descriptor.label.values.values()
        texts += [synonym for items in descriptor.synonyms.values() for synonym in items]
    for dossier in site.dossiers.values():
        texts += [dossier.title, *(principle.title for principle in dossier.principles)]
    texts += [document.title for document in site.documents.values()]
    return texts


def test_slugs_keep_the_letters_of_the_words() -> None:
    assert slugify("Cœur de ville") == "coeur-de-ville"
    assert slugify("Straße") == "strasse"
    assert slugify("Mise en ŒUVRE, Ærø") == "mise-en-oeuvre-aero"
    assert slugify("Łódź") == "lodz"
    assert slugify("Москва") == "moskva"
    # Accents, apostrophes and symbols as before.
    assert slugify("L’élu·e & « la » régie") == "lelue-la-regie"


def test_the_demos_slugs_are_unchanged() -> None:
    site = read_site(DEMO_CONTENT, Problems())
    ids = [*site.families, *site.descriptors, *site.dossiers]
    ids += [partner.id for partner in site.config.partners]
    ids += [document.slug for document in site.documents.values()]
    assert ids and all(slugify(written) == written for written in ids)
    texts = _demo_texts()
    assert len(texts) > 100
    changed = 0
    for text in texts:
        decomposed = unicodedata.normalize("NFKD", text)
        if all(c.isascii() or unicodedata.category(c)[0] not in "LN" for c in decomposed):
            assert slugify(text) == _slug_before(text), text
        else:  # a letter the old slugs lost: only it is added
            changed += 1
            assert len(slugify(text)) > len(_slug_before(text)), text
    # Identifiers that were made from a title or label still are what it makes.
    made = {_slug_before(text) for text in texts} & set(ids)
    assert made and all(any(slugify(t) == i for t in texts) for i in made)


def test_the_docs_field_tables_are_the_definitions() -> None:
    text = (DOCS / "content-format.md").read_text("utf-8")
    documented = {match.group(2) for match in schema.DOC_TABLE.finditer(text)}
    assert documented == set(schema.KINDS), "each kind of content has its table"
    assert schema.with_tables(text) == text, (
        "docs/content-format.md and treillis/schema.py disagree: run "
        "python -m treillis.schema docs/content-format.md"
    )


MODELS = {
    "site": model.SiteConfig,
    "partner": model.Partner,
    "colours": None,  # a dict of the partner's
    "network": None,  # its bases are the site's `network`
    "base": model.NetworkBase,
    "family": model.Family,
    "descriptor": model.Descriptor,
    "dossier": model.Dossier,
    "principle": model.Principle,
    "document": model.Document,
    "source": model.SourceLink,
}


def test_each_field_defined_is_held_by_its_model() -> None:
    assert set(MODELS) == set(schema.KINDS)
    for name, kind in schema.KINDS.items():
        if held := MODELS[name]:
            attributes = {item.name for item in dataclasses.fields(held)}
            assert set(kind.names) - {"id"} <= attributes | {"slug"}, name


def _problems(content: Path) -> list[str]:
    with pytest.raises(BuildError) as error:
        load(content)
    root = str(content.resolve()) + "/"
    return [str(problem).replace(root, "") for problem in error.value.problems]


def test_a_field_added_to_its_definition_is_read_checked_documented_and_new(
    small_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adding a field: its definition, and the model's attribute that holds its value."""
    document = schema.KINDS["document"]
    added = (
        schema.Field("keywords", "strings", "Words of the author's.", new=[]),
        schema.Field("revised", "date", "When it was last revised."),
    )
    monkeypatch.setitem(
        schema.KINDS, "document", dataclasses.replace(document, fields=document.fields + added)
    )

    @dataclasses.dataclass
    class Document(model.Document):
        keywords: list[str] = dataclasses.field(default_factory=list)
        revised: str = ""

    monkeypatch.setattr("treillis.readers.dossiers.Document", Document)
    path = scaffold.new_document(small_site, "essai/nouveau")
    text = path.read_text("utf-8")
    assert "\nkeywords: []\n" in text and "revised" not in text
    assert "| `revised` | date |  | When it was last revised. |" in schema.fields_table(
        schema.KINDS["document"]
    )
    path.write_text(
        text.replace("keywords: []", "keywords: [budget, quartier]\nrevised: 2024-02"), "utf-8"
    )
    read = load(small_site).documents["essai/nouveau"]
    assert (read.keywords, read.revised) == (["budget", "quartier"], "2024-02")
    path.write_text(text.replace("keywords: []", "keywrds: [a]\nrevised: 2024-02-30"), "utf-8")
    found = _problems(small_site)
    lines = text.splitlines()
    line = lines.index("keywords: []") + 1
    assert found == [
        f"dossiers/essai/nouveau.md:{line}: unknown field 'keywrds' in a document "
        "(did you mean 'keywords'?)",
        f"dossiers/essai/nouveau.md:{line + 1}: '2024-02-30' is not a valid date: write it "
        "YYYY-MM-DD (for instance 2024-03-15)",
    ]


def test_what_is_required_is_what_the_definition_says(
    small_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    family = schema.KINDS["family"]
    fields = tuple(
        dataclasses.replace(item, required=True) if item.name == "description" else item
        for item in family.fields
    )
    monkeypatch.setitem(schema.KINDS, "family", dataclasses.replace(family, fields=fields))
    found = _problems(small_site)
    assert found and all(
        problem.startswith("atlas/families.yaml:")
        and problem.endswith("a family: the field 'description' is required")
        for problem in found
    ), found
    # A family at a crossing needs no colour of its own.
    assert schema.fields_table(family).count("| yes, unless `crossing` |") == 1


def _documented_variables() -> dict[str, set[str]]:
    """docs/theming.md's variables, by template ('*': those of every page): the names
    in backquotes before the dash of each item under a heading."""
    sections: dict[str, set[str]] = {}
    text = (DOCS / "theming.md").read_text("utf-8").split("\n## Templates\n")[1]
    for section in text.split("\n### ")[1:]:
        heading = section.splitlines()[0]
        named = re.search(r"`(\w+\.html)`", heading)
        items = re.findall(r"^- (.*?) — ", section, re.M | re.S)
        names = {name for item in items for name in re.findall(r"`(\w+)", item)}
        sections[named.group(1) if named else "*" if "every page" in heading else ""] = names
    sections.pop("", None)
    return sections


def test_every_template_and_variable_is_documented() -> None:
    """docs/theming.md lists each template of the default theme with exactly what
    Treillis gives it, and every variable a template uses is listed."""
    from jinja2 import meta

    from treillis.atlas import Atlas
    from treillis.render import DEFAULT_THEME, Renderer
    from treillis.views import Views, all_pages

    documented = _documented_variables()
    site = read_site(DEMO_CONTENT, Problems())
    renderer = Renderer([DEFAULT_THEME], site.config)
    given: dict[str, set[str]] = {"base.html": set()}
    common: set[str] = set()
    for page in all_pages(Views(site, Atlas(site))):
        given.setdefault(page.template, set()).update(page.context)
        if not page.diagrams:
            common |= set(renderer._context(page)) - set(page.context)
    common.add("diagrams")
    assert documented.pop("*") == common, "the variables of every page"
    templates = DEFAULT_THEME / "templates"
    macros = re.findall(r"{% macro (\w+)", (templates / "macros.html").read_text("utf-8"))
    assert documented.pop("macros.html") == set(macros)
    assert set(documented) == {path.name for path in templates.glob("*.html")} - {"macros.html"}
    for name, names in given.items():
        assert documented[name] == names, (
            f"docs/theming.md, {name}: documented but not given {documented[name] - names}, "
            f"given but not documented {names - documented[name]}"
        )
    for path in templates.glob("*.html"):
        source = path.read_text("utf-8")
        used = meta.find_undeclared_variables(renderer.env.parse(source))
        imported = re.findall(
            r"{% from \"macros.html\" import ([\w, ]+?)(?: with context)? %}", source
        )
        names = {name.strip() for group in imported for name in group.split(",")}
        undocumented = used - names - set(macros) - set(renderer.env.globals) - common
        assert undocumented <= documented.get(path.name, set()), (path.name, undocumented)


def test_templates_get_view_objects_not_the_model() -> None:
    """What a page's context holds is made for templates (documented in docs/theming.md):
    no object of the model, whose fields may change, reaches a theme."""
    from treillis.atlas import Atlas
    from treillis.views import Views, all_pages

    models = tuple(
        value
        for value in vars(model).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    )
    site = read_site(DEMO_CONTENT, Problems())
    seen: set[str] = set()

    def walk(value: object, where: str) -> None:
        assert not isinstance(value, models), f"{where} is a {type(value).__name__} of the model"
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item, f"{where}[]")
        elif dataclasses.is_dataclass(value):
            seen.add(type(value).__name__)
            for item in dataclasses.fields(value):
                walk(getattr(value, item.name), f"{where}.{item.name}")

    for page in all_pages(Views(site, Atlas(site))):
        walk(page.context, page.template)
    assert {"DossierHeader", "DocumentHeader", "DocumentCard", "DescriptorLink"} <= seen
