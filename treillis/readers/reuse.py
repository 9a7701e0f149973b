"""The items of the previous build taken again for the files whose bytes are the same.

A document, a dossier's index or a file of descriptors is read and checked on its own
(its fields, their types, their languages): what the readers made of it depends only on
its bytes, its path, the site's languages and, for a document, its dossier's language.
When all of these are as the previous build had them, its items are the previous
build's, and its warnings are said again; nothing of it is parsed or checked again.
What depends on other files (references, links, duplicate ids, the families' colours)
is checked by `treillis.validate` and the readers over the whole site, every build.

The previous build succeeded (a failed build leaves no state), so none of its files had
a problem. The items taken again are the previous site's own objects: nothing changes
an item once read (a dossier's list of documents, filled by the reader, is a new list).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from treillis.errors import Problems
from treillis.sources import FileRead, ParseCache


class Reuse:
    """What the previous build read, by file, with the digests of the files now."""

    def __init__(
        self, cache: ParseCache | None, root: Path, languages: list[str], allow_html: bool = False
    ) -> None:
        self.cache = cache
        previous = cache.previous if cache is not None else None
        site = previous[0] if previous is not None else None
        self.reads: dict[str, FileRead] = previous[1] if previous is not None else {}
        # Only for the same content folder read in the same languages.
        self.active = bool(
            site is not None and site.root == root and site.config.languages == languages
        )
        # The files taken whose texts' links need no check again (see `texts_checked`).
        self.links_checked = self.active and site.config.allow_html == allow_html
        self.items: dict[str, list[Any]] = {}
        self.dossier_langs: dict[str, str] = {}
        if self.active:
            items = self.items
            for kind in (site.dossiers, site.documents, site.descriptors):
                for item in kind.values():
                    if item.origin is not None:
                        listed = items.get(item.origin.path)
                        if listed is None:
                            items[item.origin.path] = [item]
                        else:
                            listed.append(item)
            self.dossier_langs = {slug: d.lang for slug, d in site.dossiers.items()}

    def take(
        self, path: Path | str, problems: Problems, dossier_lang: str = ""
    ) -> list[Any] | None:
        """The previous build's items of the file `path` when its bytes are the same (its
        warnings said again, and noted for the next build), else None: read it.
        `dossier_lang`: the language of a document's dossier now, which it takes when it
        has none of its own: the same as the previous build's, or it is read again."""
        if not self.active or self.cache is None:
            return None
        key = str(path)
        found = self.reads.get(key)
        items = self.items.get(key)
        if found is None or items is None or found[0] != self.cache.known.get(key):
            return None
        if dossier_lang:
            for document in items:
                if self.dossier_langs.get(document.dossier) != dossier_lang:
                    return None
        for line, message in found[1]:
            problems.warn(path, line, message)
        self.cache.read[key] = found
        if self.links_checked:
            self.cache.texts_checked.add(key)
        return items

    def takes(self, path: str) -> bool:
        """Whether `take` would most likely give the previous build's items of `path`
        (its bytes are the same), so that it needs no parsing."""
        found = self.reads.get(path)
        return (
            self.active
            and self.cache is not None
            and found is not None
            and path in self.items
            and found[0] == self.cache.known.get(path)
        )

    def record(self, path: Path, problems: Problems, errors: int, warnings: int) -> None:
        """Note what reading `path` gave (the digest of the bytes read, the warnings said
        since there were `warnings`), for the next build; nothing when it had a problem
        (the count of problems was `errors`): it is read again next time."""
        cache = self.cache
        key = str(path)
        if cache is None or len(problems.items) != errors or key not in cache.digests:
            return
        said = [(w.line, w.message) for w in problems.warnings[warnings:]]
        cache.read[key] = (cache.digests[key], said)
