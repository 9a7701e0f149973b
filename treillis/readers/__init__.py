"""Content loading: one reader per kind of file, assembled into a `Site`."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from treillis.errors import Problems
from treillis.model import LANGUAGES, Descriptor, Family, Origin, Site
from treillis.readers.atlas import read_descriptors, read_families
from treillis.readers.config import read_config
from treillis.readers.dossiers import read_dossiers
from treillis.readers.reuse import Reuse
from treillis.sources import ParseCache, parse_yaml, split_front_matter


def read_site(
    root: Path, problems: Problems, cache: ParseCache | None = None, *, aligned: bool = True
) -> Site:
    """Read a whole content folder; problems are collected, never raised. `aligned`:
    the network's records get the descriptors of the editor's alignment decisions."""
    # site.yaml and the families are read again rather than have every file the previous
    # build parsed decoded for them (see `ParseCache.lazy`): a few small files.
    small = cache if cache is None or cache.loaded else None
    config = read_config(root, problems, small)
    languages = config.languages
    if "languages" in problems.unreadable:
        # site.yaml's languages are wrong: accept every supported one rather than
        # reporting each text of each file as written in an unknown language.
        languages = list(dict.fromkeys([*languages, *LANGUAGES]))
    # The items of files unchanged since the previous build are that build's.
    reuse = Reuse(cache, root, languages, config.allow_html)
    if cache is None:
        cache = ParseCache()  # for this reading only: its files parsed ahead
    cache.parse_ahead(_to_parse(root, cache, reuse))
    dossiers, documents = read_dossiers(root, problems, languages, cache, reuse)
    families = read_families(root, problems, languages, small)
    descriptors = read_descriptors(root, problems, languages, cache, reuse)
    _unpublished_labels([*families.values(), *descriptors.values()], languages, problems)
    network = []
    if config.network:
        # Imported here, and only for a network (the harvest's HTTP and TLS modules take
        # longer to import than an edit build reads): they use the readers' helpers.
        from treillis.network.portal import read_alignments, read_network

        alignments = read_alignments(root, config, descriptors, problems) if aligned else {}
        network = read_network(root, config, problems, alignments)
    cache.drop_ahead()
    return Site(
        root=root,
        config=config,
        families=families,
        descriptors=descriptors,
        dossiers=dossiers,
        documents=documents,
        network=network,
        warnings=problems.warnings,
    )


# Where the readers find the files of items, with their parsers: the descriptors' (YAML,
# often large: first), then the dossiers' (Markdown).
_ITEM_FILES = (
    (Path("atlas", "descriptors"), "*.y*ml", parse_yaml),
    (Path("dossiers"), "*/*.md", split_front_matter),
)


def _to_parse(
    root: Path, cache: ParseCache, reuse: Reuse
) -> list[tuple[str, Callable[[str], Any]]]:
    """The files of the descriptors and of the dossiers the readers will parse (not taken
    from the previous build, nor parsed already), with their parsers. Found among the
    files the build just hashed (`known`) when it did: an edit lists no folder again."""
    files: list[tuple[str, Callable[[str], Any]]] = []
    for folder, pattern, parse in _ITEM_FILES:
        if not cache.known:  # as the readers find them (a name they refuse is refused then)
            if (root / folder).is_dir():
                files += ((str(path), parse) for path in sorted((root / folder).glob(pattern)))
            continue
        prefix = f"{root / folder}{os.sep}"
        files += sorted(
            (path, parse)
            for path in cache.known
            if path.startswith(prefix)
            and path.count(os.sep, len(prefix)) == pattern.count("/")
            and fnmatch.fnmatch(path[len(prefix) :], pattern)
        )
    return [
        (path, parse)
        for path, parse in files
        if not reuse.takes(path) and cache.needs_parsing(path)
    ]


def _unpublished_labels(
    items: list[Family | Descriptor], languages: list[str], problems: Problems
) -> None:
    """One warning for all the atlas texts in languages the site does not publish: they
    are kept (and exported in SKOS), not shown."""
    first: dict[str, Origin] = {}
    count = 0
    for item in items:
        texts = [
            item.label.values,
            item.description.values if isinstance(item, Family) else item.note.values,
        ]
        if isinstance(item, Descriptor):
            texts.append(item.synonyms)
        for values in texts:
            for lang in values:
                if lang not in languages:
                    count += 1
                    if lang not in first and item.origin is not None:
                        first[lang] = item.origin
    if not first:
        return
    origin = next(iter(first.values()))
    problems.warn(
        origin.path,
        origin.line_of("label"),
        f"{count} atlas text(s) in {', '.join(sorted(first))}, which the site does not "
        f"publish (its languages: {', '.join(languages)}): kept and exported in SKOS, "
        "not shown on its pages",
    )
