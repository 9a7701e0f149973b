"""Readers for the atlas: `atlas/families.yaml` and `atlas/descriptors/*.yaml`."""

from __future__ import annotations

import re
from pathlib import Path

from treillis.errors import Problems, did_you_mean
from treillis.languages import CODES
from treillis.model import Descriptor, Family, Origin, Ref
from treillis.readers.fields import Fields
from treillis.readers.reuse import Reuse
from treillis.sources import LineDict, LineList, ParseCache, load_yaml_file, read_bytes


class LabelFields(Fields):
    """Fields whose texts may be in any language Treillis knows (families, descriptors,
    site.yaml): a shared atlas or site.yaml carries labels in languages a site may not
    publish (fr, en, es for a French-only partner site). They are kept (exported in SKOS),
    not an error; a code Treillis does not know still is."""

    def __init__(
        self,
        data: LineDict,
        path: Path,
        problems: Problems,
        kind: str,
        languages: list[str],
        what: str = "",
    ) -> None:
        # The site's languages first (the first is the default), then every other one.
        accepted = list(dict.fromkeys([*languages, *CODES]))
        super().__init__(data, path, problems, kind, accepted, what)

    def _unknown_language(self, lang: str, key: str) -> str:
        return (
            f"unknown language '{lang}' in '{key}': Treillis knows "
            f"{', '.join(CODES)}{did_you_mean(lang, CODES)}"
        )


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
    items: dict, item: Family | Descriptor, kind: str, data: LineDict | None, problems: Problems
) -> None:
    """Add an item under its id, unless the id is missing or wrong (the item is left
    out) or taken (a problem). `data`: what it was read from (None: an item the previous
    build read, whose id is right: see `treillis.readers.reuse`)."""
    line = data.line_of("id") if data is not None else item.origin.line_of("id")
    if not item.id and data is not None:
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
            fields = LabelFields(item, path, problems, "family", languages)
            family = Family(
                **fields.values(), origin=Origin(str(path), item.line, fields.origin_fields())
            )
            _keep(families, family, "family", item, problems)
    return families


def read_descriptors(
    root: Path,
    problems: Problems,
    languages: list[str],
    cache: ParseCache | None = None,
    reuse: Reuse | None = None,
) -> dict[str, Descriptor]:
    """The descriptors; with `reuse`, those of files whose bytes are the same as the
    previous build's are that build's (see `treillis.readers.reuse`)."""
    reuse = reuse or Reuse(None, root, languages)
    folder = root / "atlas" / "descriptors"
    descriptors: dict[str, Descriptor] = {}
    if not folder.is_dir():
        problems.add(folder, 1, "the folder atlas/descriptors is missing")
        return descriptors
    for path in sorted(folder.glob("*.y*ml")):
        taken = reuse.take(path, problems)
        if taken is not None:
            for descriptor in taken:  # its ids may now be taken by another file's
                _keep(descriptors, descriptor, "descriptor", None, problems)
            continue
        counts = len(problems.items), len(problems.warnings)
        for item in _items(path, problems, "descriptors", "descriptor", cache):
            fields = LabelFields(item, path, problems, "descriptor", languages)
            values = fields.values()
            values["family"] = values["family"] or Ref("", item.line)
            descriptor = Descriptor(
                **values, origin=Origin(str(path), item.line, fields.origin_fields())
            )
            _keep(descriptors, descriptor, "descriptor", item, problems)
        reuse.record(path, problems, *counts)
    return descriptors
