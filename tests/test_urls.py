"""Relative links between output paths."""

from __future__ import annotations

import itertools
import posixpath

from treillis.urls import links_from, relative

PATHS = [
    "index.html",
    "en/index.html",
    "atlas/index.html",
    "atlas/x/index.html",
    "en/atlas/x/index.html",
    "atlas/y/index.html",
    "dossiers/a/index.html",
    "dossiers/a/b/index.html",
    "dossiers/ab/c/index.html",
    "static/logos/x.svg",
    "assets/treillis.css",
    "es/partners/p/index.html",
]


def test_relative_links_agree_with_posixpath_everywhere() -> None:
    for page, target in itertools.product(PATHS, PATHS):
        expected = posixpath.relpath(target, posixpath.dirname(page) or ".")
        assert relative(page, target) == expected, (page, target)
        assert relative(page, target + "#frag") == expected + "#frag"
    assert relative("atlas/x/index.html", "#narrower") == "#narrower"


def test_the_links_of_one_page_are_those_relative_gives() -> None:
    targets = [
        *PATHS,
        *(p + "#frag" for p in PATHS),
        "#narrower",
        "https://example.org/atlas/x/index.html",
        "atlas",
        "atlasx/index.html",
        "atlas/x",
        "atlas/xy/index.html",
        "atlas/y#a/b",
        "atlas/x#a/b",
        "en/atlas/y/index.html",
        "en/atlas/x/all/index.html",
        "en/atlasx/index.html",
        "",
        "en/atlas/",
        "atlas/x/",
        "atlas/",
    ]
    for page in [*PATHS, "atlas/x/all/2/index.html", "en/atlas/x/2/index.html", "atlas/x.html"]:
        url = links_from(page)
        for target in targets:
            assert url(target) == relative(page, target), (page, target)
