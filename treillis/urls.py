"""Where each page lives in the output, and relative links between pages.

Every path here is relative to the output root and ends in `index.html`, so
the site works in any sub-folder and opened from disk (file://).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

# Pages of the atlas that live beside the descriptors' pages (atlas/<id>/index.html):
# no descriptor may take their names.
ATLAS_PAGES = ("legend", "permuted")


class Paths:
    """Output paths of every kind of page; languages other than the default get a prefix."""

    def __init__(self, languages: list[str]) -> None:
        self.default = languages[0]

    def prefix(self, lang: str) -> str:
        return "" if lang == self.default else f"{lang}/"

    def home(self, lang: str) -> str:
        return f"{self.prefix(lang)}index.html"

    def atlas(self, lang: str) -> str:
        return f"{self.prefix(lang)}atlas/index.html"

    def permuted(self, lang: str) -> str:
        return f"{self.prefix(lang)}atlas/{ATLAS_PAGES[1]}/index.html"

    def legend(self, lang: str) -> str:
        return f"{self.prefix(lang)}atlas/{ATLAS_PAGES[0]}/index.html"

    def search(self, lang: str) -> str:
        return f"{self.prefix(lang)}search/index.html"

    def basket(self, lang: str) -> str:
        return f"{self.prefix(lang)}basket/index.html"

    def history(self, lang: str) -> str:
        return f"{self.prefix(lang)}history/index.html"

    def descriptor(self, descriptor_id: str, lang: str) -> str:
        return f"{self.prefix(lang)}atlas/{descriptor_id}/index.html"

    def descriptor_list_page(self, descriptor_id: str, lang: str, number: int) -> str:
        """Page `number` (from 2) of a long list of a descriptor's documents."""
        return f"{self.prefix(lang)}atlas/{descriptor_id}/{number}/index.html"

    def descriptor_all(self, descriptor_id: str, lang: str, number: int = 1) -> str:
        """Page `number` of a descriptor's documents including its narrower descriptors'."""
        page = "" if number == 1 else f"{number}/"
        return f"{self.prefix(lang)}atlas/{descriptor_id}/all/{page}index.html"

    def descriptor_network(self, descriptor_id: str, lang: str, number: int) -> str:
        """Page `number` (from 2) of the network's records indexed with a descriptor."""
        return f"{self.prefix(lang)}atlas/{descriptor_id}/network/{number}/index.html"

    def partner(self, partner_id: str, lang: str) -> str:
        return f"{self.prefix(lang)}partners/{partner_id}/index.html"

    def dossier(self, slug: str) -> str:
        return f"dossiers/{slug}/index.html"

    def document(self, key: str) -> str:
        return f"dossiers/{key}/index.html"

    @staticmethod
    def feed(dossier: str = "") -> str:
        return f"dossiers/{dossier}/feed.xml" if dossier else "feed.xml"

    @staticmethod
    def asset(name: str) -> str:
        return f"assets/{name}"

    @staticmethod
    def static(name: str) -> str:
        return f"static/{name}"


@lru_cache(maxsize=65536)
def relative(from_page: str, target: str) -> str:
    """The link from the page at `from_page` to `target` (both output-relative)."""
    if "://" in target:
        return target  # a page of the main site, from a partner's mirror
    target, hash_, fragment = target.partition("#")
    if not target:
        return f"#{fragment}"
    # Both are clean paths inside the output (no "." or ".."): count the folders to climb.
    here = from_page.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    link = "../" * (len(here) - common) + "/".join(there[common:])
    return f"{link}{hash_}{fragment}"


def links_from(from_page: str) -> Callable[[str], str]:
    """`relative` from one page, made for the hundreds of links of a page: a target is
    reached by climbing from the page to the deepest of its folders the target is in
    (`folders_of`), then down the rest of the target's path. From a descriptor's page,
    `en/atlas/a/`, another's, `en/atlas/b/`, is `../b/`; a dossier's, `../../../dossiers/`."""
    folders = folders_of(from_page)

    def link(target: str) -> str:
        if not target or target.startswith("#") or "://" in target:
            return relative(from_page, target)
        for folder, climb in folders:  # noqa: B007 (the last, the top folder "", takes any path)
            if target.startswith(folder):
                break
        return climb + target[len(folder) :]

    return link


# Asked for a page by its renderer and its links, one after the other.
@lru_cache(maxsize=256)
def folders_of(page: str) -> tuple[tuple[str, str], ...]:
    """The folders a page is in, the deepest first, each with the climb from the page to
    it: `en/atlas/a/index.html` is in `en/atlas/a/` (""), `en/atlas/` ("../"), `en/`
    ("../../") and the top folder, "" ("../../../")."""
    parts = page.split("/")[:-1]
    depth = len(parts)
    return tuple(
        ("".join(f"{part}/" for part in parts[:kept]), "../" * (depth - kept))
        for kept in range(depth, -1, -1)
    )


class MirrorPaths(Paths):
    """Paths of a partner's mirror: what is not mirrored is on the main site."""

    def __init__(
        self, languages: list[str], main_url: str, local: Callable[[str, str], bool]
    ) -> None:
        super().__init__(languages)
        self.main_url = main_url
        self.local = local  # (kind, id) → whether the mirror has that page

    def _where(self, kind: str, item: str, path: str) -> str:
        return path if self.local(kind, item) else self.main_url + path

    def descriptor(self, descriptor_id: str, lang: str) -> str:
        return self._where("descriptor", descriptor_id, super().descriptor(descriptor_id, lang))

    def document(self, key: str) -> str:
        return self._where("document", key, super().document(key))

    def dossier(self, slug: str) -> str:
        return self._where("dossier", slug, super().dossier(slug))

    def partner(self, partner_id: str, lang: str) -> str:
        return self._where("partner", partner_id, super().partner(partner_id, lang))
