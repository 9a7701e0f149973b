"""Importers: thesauri (SKOS) and documents with another front matter, into content files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from treillis.errors import Problems
from treillis.readers.fields import Fields
from treillis.sources import LineDict


def as_read(
    method: str,
    key: str,
    value: Any,
    where: tuple[Path, int],
    problems: Problems,
    what: str,
    languages: list[str],
    *args: Any,
) -> Any:
    """`value` as the content readers read the field `key` with `Fields.<method>`.

    An imported value is checked by the very rule that will read it back (same
    message, in `problems`, at `where`): what the importers write, `treillis check`
    accepts. A refused value reads as '' (or None)."""
    path, line = where
    data = LineDict({key: value})
    data.line, data.key_lines = line, {key: line}
    fields = Fields(data, path, problems, (key,), languages, what)
    return getattr(fields, method)(key, *args)
