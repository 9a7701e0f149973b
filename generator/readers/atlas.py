"""Readers for the atlas: `atlas/families.yaml` and `atlas/descriptors/*.yaml`."""

from __future__ import annotations

import re
from pathlib import Path

from generator.errors import Problems
from generator.model import FAMILY_AXES, Descriptor, Family, Origin, Ref
from generator.readers.fields import Fields
from generator.sources import LineDict, LineList, ParseCache, load_yaml_file, read_bytes

FAMILY_FIELDS = ("id", "label", "colour", "parent", "description", "axis", "code", "crossing")
DESCRIPTOR_FIELDS = ("id", "family", "label", "synonyms", "note", "broader", "related", "uri")


def _items(
    path: Path, problems: Problems, what: str, kind: str, cache: ParseCache | None
) -> list[LineDict]:
    """The mappings of a YAML file that must be a list of items."""
    data = load_yaml_file(path, problems, "", cache)
    if data is None:
        _unread(path, kind, problems)
        return []
    if not isinstance(data, LineList):
        problems.add(path, 1, f"this file must be a list of {what}, each starting with '- id:'")
        _unread(path, kind, problems)
        return []
    items = []
    for index, item in enumerate(data):
        if isinstance(item, LineDict):
            items.append(item)
        else:
            problems.add(path, data.line_of(index), f"each of the {what} must start with '- id:'")
            _unread(path, kind, problems)
    return items


# An `id:` written anywhere in a file, in block or flow style, quoted or not.
_WRITTEN_ID = re.compile(r"""(?<![\w-])id[ \t]*:[ \t]*["']?([^\s"',{}\[\]#]+)""")


def _unread(path: Path, kind: str, problems: Problems) -> None:
    """Note the ids a file that could not be read (or not wholly) seems to define.

    References to them are then not reported as unknown (the file's own problem says
    what to fix), while references to ids written nowhere still are. A file whose
    text cannot be read at all could define anything: all references of its kind
    are left alone then.
    """
    try:
        text = read_bytes(path).decode("utf-8", "replace")
    except OSError:
        problems.unreadable.add(kind)
        return
    problems.unread_ids.setdefault(kind, set()).update(_WRITTEN_ID.findall(text))


def _keep(
    items: dict, item: Family | Descriptor, kind: str, data: LineDict, problems: Problems
) -> None:
    """Add an item under its id, unless the id is missing or wrong (the item is left
    out) or taken (a problem)."""
    line = data.line_of("id")
    if not item.id:
        written = data.get("id")
        if isinstance(written, str) and written.strip():
            problems.unread_ids.setdefault(kind, set()).add(written.strip())
        else:
            problems.unreadable.add(kind)  # without an id, anything may have meant it
    elif item.id in items:
        first = items[item.id].origin
        where = f"{problems.display(first.path)}:{first.line}" if first else "elsewhere"
        problems.add(
            item.origin.path, line, f"duplicate {kind} id '{item.id}' (first defined at {where})"
        )
    else:
        items[item.id] = item


def read_families(
    root: Path, problems: Problems, languages: list[str], cache: ParseCache | None = None
) -> dict[str, Family]:
    """Families from atlas/families.yaml and any atlas/families/*.yaml (imported thesauri)."""
    main = root / "atlas" / "families.yaml"
    paths = [main] if main.is_file() else []
    paths += sorted((root / "atlas" / "families").glob("*.y*ml"))
    if not paths:
        problems.add(main, 1, "atlas/families.yaml is missing: descriptors need families")
        return {}
    families: dict[str, Family] = {}
    for path in paths:
        for item in _items(path, problems, "families", "family", cache):
            fields = Fields(item, path, problems, FAMILY_FIELDS, languages, "a family")
            family_id = fields.ident("id")
            crossing = fields.refs("crossing")
            family = Family(
                id=family_id,
                label=fields.text("label", required=True),
                # A crossing family may take the colour of its component.
                colour=fields.colour("colour", required=not crossing),
                parent=fields.ref("parent"),
                description=fields.text("description"),
                axis=fields.choice("axis", FAMILY_AXES),
                code=fields.string("code"),
                crossing=crossing,
                origin=Origin(path, item.line, fields.origin_fields()),
            )
            _keep(families, family, "family", item, problems)
    return families


def read_descriptors(
    root: Path, problems: Problems, languages: list[str], cache: ParseCache | None = None
) -> dict[str, Descriptor]:
    folder = root / "atlas" / "descriptors"
    descriptors: dict[str, Descriptor] = {}
    if not folder.is_dir():
        problems.add(folder, 1, "the folder atlas/descriptors is missing")
        return descriptors
    for path in sorted(folder.glob("*.y*ml")):
        for item in _items(path, problems, "descriptors", "descriptor", cache):
            fields = Fields(item, path, problems, DESCRIPTOR_FIELDS, languages, "a descriptor")
            descriptor_id = fields.ident("id")
            descriptor = Descriptor(
                id=descriptor_id,
                family=fields.ref("family", required=True) or Ref("", item.line),
                label=fields.text("label", required=True),
                synonyms=fields.synonyms("synonyms"),
                note=fields.text("note"),
                broader=fields.refs("broader"),
                related=fields.refs("related"),
                uri=fields.uri("uri"),
                origin=Origin(path, item.line, fields.origin_fields()),
            )
            _keep(descriptors, descriptor, "descriptor", item, problems)
    return descriptors
