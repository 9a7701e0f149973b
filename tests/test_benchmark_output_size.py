"""The output size report of `make bench` (benchmarks/output_size.py), on pages made here."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.output_size import measure


def _page(lang: str, template: str, main: str, depth: int) -> str:
    up = "../" * depth
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<title>t</title>\n'
        f'<link rel="stylesheet" href="{up}assets/treillis.css">\n</head>\n'
        f'<body class="page-{template}">\n<nav><a href="{up}index.html">Home</a></nav>\n'
        f"<main>\n{main}\n</main>\n</body>\n</html>\n"
    )


def test_pages_are_counted_by_kind_with_their_svg_and_repeated_markup(tmp_path: Path) -> None:
    svg = '<svg viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'
    pages = {
        "index.html": _page("fr", "home", "<p>Bienvenue</p>", 0),
        "atlas/d1/index.html": _page("fr", "descriptor", f"<h1>Un</h1>\n{svg}", 2),
        "atlas/d2/index.html": _page("fr", "descriptor", "<h1>Deux</h1>", 2),
        "atlas/d1/all/index.html": _page("fr", "descriptor", "<ol><li>a</li></ol>", 3),
        "atlas/d1/all/2/index.html": _page("fr", "descriptor", "<ol><li>b</li></ol>", 4),
        "assets/x.svg": svg,  # not a page
    }
    for path, text in pages.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")

    report = measure(tmp_path)

    assert set(report) == {"home", "descriptor", "descriptor-all"}
    descriptor = report["descriptor"]
    assert descriptor["pages"] == 2
    sizes = [len(pages[p].encode()) for p in ("atlas/d1/index.html", "atlas/d2/index.html")]
    assert descriptor["mean_kb"] == round(sum(sizes) / 2 / 1024, 1)
    assert descriptor["svg_share"] == pytest.approx(len(svg) / sum(sizes), abs=0.001)
    # Every line but the page's own heading (and the drawing) is on both pages, links
    # included although their targets differ with the page's folder.
    own = [f"<h1>Un</h1>\n{svg}\n", "<h1>Deux</h1>\n"]
    repeated = sum(sizes) - sum(len(text) for text in own)
    assert descriptor["repeated_share"] == pytest.approx(repeated / sum(sizes), abs=0.001)
    assert report["descriptor-all"]["pages"] == 2
    assert report["descriptor-all"]["svg_share"] == 0
    # The only home page: what it shares with every other page in its language.
    home = pages["index.html"]
    own_lines = len('<body class="page-home">\n') + len("<p>Bienvenue</p>\n")
    assert report["home"]["repeated_share"] == pytest.approx(
        (len(home) - own_lines) / len(home), abs=0.001
    )
