"""The one way Treillis writes YAML: every value the importers and `treillis new` write
goes through `dump`, so that no value, whatever it holds (newlines, quotes, `: `, `#`,
`[`), can add a field, an item or a line: it reads back as exactly the text written.

It is `yaml.safe_dump` (no Python tags, nothing that runs), with the layout of
hand-written files: unicode as is, keys in the order given, one value per line,
lists of texts in flow style (`broader: [a, b]`), dates and years unquoted.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, ClassVar

import yaml

from treillis.errors import OutputError
from treillis.sources import _FORBIDDEN

# Treillis reads every scalar as text; the safe dumper quotes any text a YAML 1.1 reader
# would take for something else. Dates and years stay as editors write them
# (`date: 2024-03-15`): quoting them would only make the files harder to read.
_UNQUOTED = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int")


_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")


class _Dumper(yaml.SafeDumper):
    yaml_implicit_resolvers: ClassVar = {
        first: [(tag, rule) for tag, rule in resolvers if tag not in _UNQUOTED]
        for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
    }


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Characters the content reader refuses (C0 controls, lone surrogates) are left out:
    # written, they would make the whole file unreadable.
    value = _FORBIDDEN.sub("", value)
    if _BREAKS.search(value):  # escaped in double quotes: one value, one line
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


def _list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    flow = all(isinstance(item, str | int | float) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _mapping(dumper: yaml.SafeDumper, value: dict) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=False)


def _nothing(dumper: yaml.SafeDumper, _value: None) -> yaml.ScalarNode:
    # `decision:` left empty for an editor to fill in, rather than `decision: null`.
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")


_Dumper.add_representer(str, _text)
_Dumper.add_representer(type(None), _nothing)
_Dumper.add_representer(list, _list)
_Dumper.add_representer(tuple, _list)
_Dumper.add_representer(dict, _mapping)


def dump(data: Any) -> str:
    """`data` (texts, lists, mappings) as YAML text, ending with a newline."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,  # never fold a long text over several lines
    )


def front_matter(fields: dict[str, Any]) -> str:
    """A Markdown front matter block, `---` lines included."""
    return "---\n" + dump(fields) + "---\n"


def write_file(path: Path, text: str) -> None:
    """Write a content file (an import, `treillis new`) whole or not at all, and never
    through a link: a link planted at its name (to ~/.bashrc, or to nothing yet) would
    have the file written, or created, wherever it points."""
    if path.is_symlink():
        raise OutputError(
            f"{path} is a link: Treillis writes no file through a link (it would write "
            "where the link points). Replace the link by a file, or remove it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        with os.fdopen(os.open(temporary, flags, 0o666), "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)  # a link put there meanwhile is replaced, not followed
    finally:
        temporary.unlink(missing_ok=True)
