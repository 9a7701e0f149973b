"""Content loading: one reader per kind of file, assembled into a `Site`."""

from __future__ import annotations

from pathlib import Path

from treillis.errors import Problems
from treillis.model import LANGUAGES, Site
from treillis.readers.atlas import read_descriptors, read_families
from treillis.readers.config import read_config
from treillis.readers.dossiers import read_dossiers
from treillis.sources import ParseCache


def read_site(root: Path, problems: Problems, cache: ParseCache | None = None) -> Site:
    """Read a whole content folder; problems are collected, never raised."""
    config = read_config(root, problems, cache)
    languages = config.languages
    if "languages" in problems.unreadable:
        # site.yaml's languages are wrong: accept every supported one rather than
        # reporting each text of each file as written in an unknown language.
        languages = list(dict.fromkeys([*languages, *LANGUAGES]))
    dossiers, documents = read_dossiers(root, problems, languages, cache)
    return Site(
        root=root,
        config=config,
        families=read_families(root, problems, languages, cache),
        descriptors=read_descriptors(root, problems, languages, cache),
        dossiers=dossiers,
        documents=documents,
        warnings=problems.warnings,
    )
