"""The fields of each kind of content, defined once.

Each definition gives a field's name, type, whether it is required, and what it is for,
in words for editors. The readers check what they read against it (unknown fields,
required ones, each value by its type: see `treillis.readers.fields.Fields`), the field
tables of docs/content-format.md are made from it (`python -m treillis.schema
docs/content-format.md` rewrites them; a test fails when they differ), and `treillis
new` writes the fields it lists with a `new` value. Adding a field is one entry here,
and the attribute of the same name in `treillis.model` that holds its value.
"""

from __future__ import annotations

import copy
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from treillis.model import BASE_FORMATS, DOCUMENT_TYPES, FAMILY_AXES

# What each type is called in the docs. `choice` lists its choices, `ref` and `refs` name
# the kind they refer to, `group` and `groups` the kind of their fields.
TYPES = {
    "id": "identifier",
    "text": "text in several languages",
    "string": "text",
    "strings": "list of texts",
    "synonyms": "list of texts per language",
    "ref": "identifier of a {target}",
    "refs": "list of {target} identifiers",
    "date": "date",
    "url": "web address",
    "uri": "URI",
    "colour": "colour `#rrggbb`",
    "choice": "one of {choices}",
    "language": "language code",
    "languages": "list of language codes",
    "boolean": "`true` or `false`",
    "file": "file under `content/`",
    "group": "group of fields ({group}, below)",
    "groups": "list of groups of fields ({group}, below)",
    "seconds": "number of seconds",
}
# Types the readers read themselves (nested or special), not by `Fields.get`.
READ_APART = frozenset({"group", "groups", "languages", "seconds"})


@dataclass(frozen=True)
class Field:
    """One field of a kind of content."""

    name: str
    type: str
    description: str
    required: bool = False
    unless: str = ""  # required unless this other field is given
    choices: tuple[str, ...] = ()  # type choice
    target: str = ""  # types ref and refs: the kind referred to
    group: str = ""  # types group and groups: the kind of the nested fields
    new: Any = None  # what `treillis new` writes when not told (None: the field is left out)

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"field '{self.name}': unknown type '{self.type}'")

    @property
    def type_name(self) -> str:
        choices = ", ".join(f"`{choice}`" for choice in self.choices)
        return TYPES[self.type].format(choices=choices, target=self.target, group=self.group)


@dataclass(frozen=True)
class Kind:
    """A kind of content (a dossier, a descriptor…) and its fields, in the order written."""

    name: str
    what: str  # how messages name one item: "a dossier"
    fields: tuple[Field, ...] = field(default_factory=tuple)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.fields)

    def get(self, name: str) -> Field | None:
        return next((item for item in self.fields if item.name == name), None)

    def starter(self, **given: Any) -> dict[str, Any]:
        """The fields `treillis new` writes, in order: those given, then those with a
        `new` value."""
        unknown = set(given) - set(self.names)
        if unknown:
            raise ValueError(f"{self.what} has no field {', '.join(sorted(unknown))}")
        return {
            item.name: given.get(item.name, copy.copy(item.new))
            for item in self.fields
            if item.name in given or item.new is not None
        }


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "site",
            "site.yaml",
            (
                Field("title", "text", "The site's name, at the top of every page.", True),
                Field("description", "text", "What the site is about, on the home page."),
                Field(
                    "base_url",
                    "url",
                    "The address where the site is published (used for feeds and sitemaps).",
                ),
                Field(
                    "languages",
                    "languages",
                    "The languages of the site; the first one is its default language.",
                ),
                Field("theme", "string", "A folder of your own that overrides the default theme."),
                Field(
                    "allow_html",
                    "boolean",
                    "`true` keeps raw HTML in Markdown, cleaned of anything unsafe.",
                ),
                Field("partners", "groups", "The partners who publish the site.", group="partner"),
                Field(
                    "network",
                    "group",
                    "The partner networks' bases that `treillis harvest` fetches.",
                    group="network",
                ),
            ),
        ),
        Kind(
            "network",
            "the network",
            (Field("bases", "groups", "The bases of the network.", True, group="base"),),
        ),
        Kind(
            "base",
            "a base",
            (
                Field("id", "id", "The base's identifier: its file is `network/<id>.xml`.", True),
                Field("name", "text", "The base's name, shown with its records.", True),
                Field(
                    "url",
                    "string",
                    "Where its file is: an http(s) address, or a path relative to `content/`.",
                    True,
                ),
                Field(
                    "format",
                    "choice",
                    "Its format (found from the document when not given).",
                    choices=BASE_FORMATS,
                ),
                Field("timeout", "seconds", "How long to wait for its server (20 by default)."),
            ),
        ),
        Kind(
            "partner",
            "a partner",
            (
                Field("id", "id", "The partner's identifier.", True),
                Field("name", "string", "The partner's name.", True),
                Field("url", "url", "The partner's website."),
                Field("logo", "file", "The partner's logo, for instance `static/logos/x.svg`."),
                Field(
                    "colours",
                    "group",
                    "The partner's colours, used on its page.",
                    group="colours",
                ),
                Field("description", "text", "Who the partner is (Markdown)."),
            ),
        ),
        Kind(
            "colours",
            "colours",
            (
                Field("primary", "colour", "Its main colour."),
                Field("secondary", "colour", "Its second colour."),
            ),
        ),
        Kind(
            "family",
            "a family",
            (
                Field("id", "id", "The family's identifier.", True),
                Field("label", "text", "The family's name.", True),
                Field(
                    "colour",
                    "colour",
                    "The colour of its descriptors on every map.",
                    True,
                    unless="crossing",
                ),
                Field("parent", "ref", "The family this one sits inside.", target="family"),
                Field("description", "text", "What the family gathers."),
                Field(
                    "axis",
                    "choice",
                    "The axis of the legend this family is on, with its `code`.",
                    choices=FAMILY_AXES,
                ),
                Field("code", "string", "Its number or letter on its axis, unique on the axis."),
                Field(
                    "crossing",
                    "refs",
                    "The component and the angle this family crosses (it takes the "
                    "component's colour).",
                    target="family",
                ),
            ),
        ),
        Kind(
            "descriptor",
            "a descriptor",
            (
                Field("id", "id", "The descriptor's identifier, unique in the atlas.", True),
                Field("family", "ref", "Its family.", True, target="family"),
                Field("label", "text", "The idea, in a short phrase.", True),
                Field("synonyms", "synonyms", "Other words for it, found by the search."),
                Field("note", "text", "A scope note: what it covers and what it does not."),
                Field(
                    "broader",
                    "refs",
                    "The wider descriptors it belongs to (the narrower links are deduced).",
                    target="descriptor",
                    new=[],
                ),
                Field(
                    "related",
                    "refs",
                    '"See also" links, shown on both sides.',
                    target="descriptor",
                    new=[],
                ),
                Field(
                    "uri",
                    "uri",
                    "The concept's address in the thesaurus it was imported from.",
                ),
            ),
        ),
        Kind(
            "dossier",
            "a dossier",
            (
                Field("title", "string", "The dossier's title.", True),
                Field(
                    "lang",
                    "language",
                    "Its language (by default the site's default language).",
                ),
                Field("date", "date", "When it was published."),
                Field(
                    "summary",
                    "string",
                    "The dossier's lead, a few sentences.",
                    new="Two or three sentences that say what this dossier is about.",
                ),
                Field("coordinators", "strings", "The people who coordinated it.", new=[]),
                Field("committee", "strings", "The people of its mirror committee.", new=[]),
                Field("partners", "refs", "The partners behind it.", target="partner", new=[]),
                Field("descriptors", "refs", "What it is about.", target="descriptor", new=[]),
                Field(
                    "principles",
                    "groups",
                    "The guiding principles drawn from its cases, numbered in the order written.",
                    group="principle",
                    new=[],
                ),
            ),
        ),
        Kind(
            "principle",
            "a principle",
            (
                Field("title", "string", "The principle, in one sentence.", True),
                Field("text", "string", "What it means (Markdown)."),
                Field(
                    "documents",
                    "refs",
                    "The documents that support it (`document`, or `dossier/document` in "
                    "another dossier).",
                    target="document",
                ),
            ),
        ),
        Kind(
            "document",
            "a document",
            (
                Field("title", "string", "The document's title.", True),
                Field("type", "choice", "What kind of text it is.", True, choices=DOCUMENT_TYPES),
                Field("date", "date", "When it was written or published.", True),
                Field("lang", "language", "Its language (by default the dossier's language)."),
                Field("authors", "strings", "Who wrote it.", new=[]),
                Field("partner", "ref", "The partner it comes from.", target="partner"),
                Field(
                    "descriptors",
                    "refs",
                    "The descriptors that index it.",
                    target="descriptor",
                    new=[],
                ),
                Field(
                    "summary",
                    "string",
                    "The lead: two or three sentences that stand on their own.",
                    new="The lead: two or three sentences that stand on their own.",
                ),
                Field("source", "group", "Where the text comes from.", group="source"),
                Field(
                    "translations",
                    "refs",
                    "The same text in other languages (symmetric: one side is enough).",
                    target="document",
                ),
            ),
        ),
        Kind(
            "source",
            "a source",
            (
                Field("title", "string", "The source's title."),
                Field("url", "url", "Its address."),
            ),
        ),
    )
}


def fields_table(kind: Kind) -> str:
    """The Markdown table of a kind's fields, as docs/content-format.md shows it."""
    rows = ["| field | type | required | what it is |", "|---|---|---|---|"]
    for item in kind.fields:
        required = f"yes, unless `{item.unless}`" if item.unless else "yes" if item.required else ""
        rows.append(f"| `{item.name}` | {item.type_name} | {required} | {item.description} |")
    return "\n".join(rows) + "\n"


# A table in the docs: `<!-- fields: KIND -->`, the table, `<!-- end of fields -->`.
DOC_TABLE = re.compile(r"(<!-- fields: (\w+) -->\n)(.*?)(<!-- end of fields -->)", re.S)


def with_tables(text: str) -> str:
    """`text` (a Markdown document) with each marked table made from the definitions."""

    def table(match: re.Match[str]) -> str:
        kind = KINDS[match.group(2)]
        return f"{match.group(1)}\n{fields_table(kind)}\n{match.group(4)}"

    return DOC_TABLE.sub(table, text)


def main(argv: list[str]) -> int:
    """Rewrite the field tables of the Markdown files given (docs/content-format.md)."""
    for name in argv or ["docs/content-format.md"]:
        path = Path(name)
        text = path.read_text("utf-8")
        if (new := with_tables(text)) != text:
            path.write_text(new, "utf-8")
            print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
