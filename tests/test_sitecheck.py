"""`treillis check --site` and `treillis build --strict`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from treillis.build import build
from treillis.errors import BuildError
from treillis.sitecheck import check_site


def test_the_demo_site_passes(demo_output: Path) -> None:
    report = check_site(demo_output)
    assert report.problems == []
    assert report.pages > 400 and report.links > 15_000 and report.feeds == 5
    assert report.external  # listed, not fetched


def test_each_kind_of_problem_is_found_with_its_line(demo_output: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(demo_output, site)
    page = site / "atlas/index.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace(
        "</main>",
        '<a href="nowhere/index.html">x</a>\n<a href="/atlas/index.html">y</a>\n'
        '<a href="habitants/">z</a>\n<a href="habitants/index.html#nope">w</a>\n'
        '<a href="javascript:alert(1)">v</a>\n</main>',
    )
    page.write_text(html, encoding="utf-8")
    line = html[: html.index('href="nowhere')].count("\n") + 1
    bare = site / "basket/index.html"
    bare.write_text(
        bare.read_text(encoding="utf-8")
        .replace('<html lang="fr">', "<html>")
        .replace('<meta name="description"', '<meta name="x"'),
        encoding="utf-8",
    )
    problems = [str(p) for p in check_site(site).problems]
    assert problems == [
        f"atlas/index.html:{line}: broken link 'nowhere/index.html': no such file",
        f"atlas/index.html:{line + 1}: link '/atlas/index.html' starts with '/': it breaks in a sub-folder and from disk",
        f"atlas/index.html:{line + 2}: link 'habitants/' ends at a folder: write …/index.html (needed from disk)",
        f"atlas/index.html:{line + 3}: broken link 'habitants/index.html#nope': no '#nope' in that page",
        f"atlas/index.html:{line + 4}: link to 'javascript:alert(1)': not a web, mail or phone address",
        "basket/index.html:1: the page has no description",
        "basket/index.html:1: the page has no lang attribute",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "treillis", "check", "--site", str(site)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "7 problem(s)" in result.stderr


def test_strict_build_fails_on_a_broken_link_and_keeps_the_old_site(
    small_site: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    build(small_site, output, strict=True)
    before = (output / "index.html").read_text(encoding="utf-8")
    theme = tmp_path / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "partner.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>P</h1><a href="../missing/index.html">x</a>{% endblock %}',
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as error:
        build(small_site, output, theme=tmp_path / "theme", strict=True)
    assert any(
        "partners/reseau/index.html" in p.path and "broken link" in p.message
        for p in error.value.problems
    )
    assert (output / "index.html").read_text(encoding="utf-8") == before
