"""The build's side of the network: the harvested copies read back as network records.

Each base of site.yaml's `network` is read from `content/network/<id>.xml` with
harvest's own parser (its format from `<id>.meta.json`, else detected). A base
never harvested is simply absent; a copy that cannot be read is a content error;
records a base had to skip are warnings. Records with the same URL in several
bases become one entry naming them all. The editor's alignment decisions
(`<id>.align.yaml`, see `treillis.network.align`) give each entry the descriptors its
keywords are aligned with: it is then indexed with them like the site's own documents.
"""

from __future__ import annotations

import json
from pathlib import Path

from treillis.errors import BuildError, Problems
from treillis.model import Descriptor, NetworkEntry, Site, SiteConfig
from treillis.network.align import Alignment, alignments, record_descriptors
from treillis.network.harvest import FOLDER, HarvestError, _web_url, parse
from treillis.network.records import Base


def read_alignments(
    root: Path, config: SiteConfig, descriptors: dict[str, Descriptor], problems: Problems
) -> dict[str, Alignment]:
    """The decided alignments of the bases (`{base: {keyword: [(descriptor, kind)]}}`);
    their problems (`path:line: unknown descriptor…`) go with the content's others."""
    if not config.network:
        return {}
    try:
        return alignments(root, Site(root=root, config=config, descriptors=descriptors))
    except BuildError as error:
        for problem in error.problems:
            problems.add(problem.path, problem.line, problem.message)
        return {}


def read_network(
    root: Path,
    config: SiteConfig,
    problems: Problems,
    aligned: dict[str, Alignment] | None = None,
) -> list[NetworkEntry]:
    """The network records of the bases in `config.network`, in site.yaml's order, each
    with the descriptors `aligned` gives its keywords."""
    folder = root / FOLDER
    first = config.languages[0] if config.languages else ""
    entries: dict[str, NetworkEntry] = {}
    for configured in config.network:
        path = folder / f"{configured.id}.xml"
        if not path.is_file():
            continue  # not harvested yet: the site builds without it
        # Relative links are read from the base's address, as the harvest read them.
        base = _read_base(path, configured.id, configured.format, problems, _web_url(configured))
        if base is None:
            continue
        for problem in base.problems:
            problems.warn(path, 1, problem)  # says which record, and that it was skipped
        indexed = record_descriptors(base, (aligned or {}).get(configured.id, {}))
        for record in base.records:
            found = indexed.get(record.id, [])
            entry = entries.get(record.url)
            if entry is not None:  # the same record in another base: its descriptors too
                if configured.id not in entry.bases:
                    entry.bases.append(configured.id)
                entry.descriptors += [d for d in found if d not in entry.descriptors]
                continue
            labels = [
                label
                for keyword in record.keywords
                if keyword in base.keywords
                for label in base.keywords[keyword].labels.values()
            ]
            entries[record.url] = NetworkEntry(
                record=record,
                bases=[configured.id],
                lang=record.lang if record.lang in config.languages else first,
                keywords=list(dict.fromkeys(labels)),
                descriptors=list(found),
            )
    return list(entries.values())


def _read_base(
    path: Path, base_id: str, fmt: str, problems: Problems, url: str = ""
) -> Base | None:
    """The base in a harvested copy, or None (the problem said)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.add(path, 1, f"cannot be read: {error.strerror or error}")
        return None
    try:
        base, _found = parse(data, base_id, fmt or _recorded_format(path), url)
    except HarvestError as error:
        problems.add(path, error.line, str(error))
        return None
    return base


def _recorded_format(path: Path) -> str:
    """The format the harvest found for this copy (its `.meta.json`), or "" to detect it."""
    try:
        meta = json.loads(path.with_suffix(".meta.json").read_text("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return ""
    found = meta.get("format", "") if isinstance(meta, dict) else ""
    return found if found in ("scrutari", "atom", "rss", "treillis") else ""
