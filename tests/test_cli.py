"""The `treillis` command as an editor uses it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from treillis.build import load


def treillis(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treillis", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["new"], ["new", "document"]])
def test_help_everywhere(command: list[str], tmp_path: Path) -> None:
    result = treillis(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "Usage:" in result.stdout


def test_build_with_defaults_and_summary(small_site: Path) -> None:
    result = treillis("build", cwd=small_site.parent)
    assert result.returncode == 0, result.stderr
    assert "Built 34 pages (1 dossiers, 3 documents, 4 descriptors)" in result.stdout
    assert (small_site.parent / "output" / "index.html").is_file()


def test_base_url_option_sets_canonical_links(small_site: Path) -> None:
    result = treillis("build", "--base-url", "https://example.org/site", cwd=small_site.parent)
    assert result.returncode == 0, result.stderr
    html = (small_site.parent / "output/dossiers/essai/index.html").read_text(encoding="utf-8")
    assert (
        '<link rel="canonical" href="https://example.org/site/dossiers/essai/index.html">' in html
    )


def test_check_writes_nothing(small_site: Path) -> None:
    result = treillis("check", cwd=small_site.parent)
    assert result.returncode == 0
    assert "No problem found: 1 dossiers, 3 documents, 4 descriptors" in result.stdout
    assert not (small_site.parent / "output").exists()


def test_new_files_are_valid_and_show_up(small_site: Path) -> None:
    cwd = small_site.parent
    assert (
        treillis(
            "new", "dossier", "budgets-locaux", "--title", "Budgets: « locaux »", cwd=cwd
        ).returncode
        == 0
    )
    assert (
        treillis(
            "new", "document", "budgets-locaux/un-cas", "--type", "proposal", cwd=cwd
        ).returncode
        == 0
    )
    result = treillis(
        "new",
        "descriptor",
        "budget-annexe",
        "--family",
        "methodes",
        "--label",
        "Budget annexe: « test »",
        "--broader",
        "budget",
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    assert treillis("check", cwd=cwd).returncode == 0
    site = load(small_site)
    assert site.dossiers["budgets-locaux"].title == "Budgets: « locaux »"
    assert site.documents["budgets-locaux/un-cas"].type == "proposal"
    assert site.descriptors["budget-annexe"].label.get("fr") == "Budget annexe: « test »"
    assert site.descriptors["budget-annexe"].broader_ids == ["budget"]


def test_new_refuses_bad_input_with_a_hint(small_site: Path) -> None:
    cwd = small_site.parent
    result = treillis("new", "document", "esai/un-cas", cwd=cwd)
    assert (
        result.returncode == 1 and "unknown dossier 'esai' (did you mean 'essai'?)" in result.stderr
    )
    result = treillis("new", "dossier", "Mon Dossier", cwd=cwd)
    assert result.returncode == 1 and "for instance 'mon-dossier'" in result.stderr
    result = treillis("new", "descriptor", "x", "--family", "methode", cwd=cwd)
    assert result.returncode == 1 and "did you mean 'methodes'" in result.stderr
    result = treillis("new", "dossier", "essai", cwd=cwd)
    assert result.returncode == 1 and "already exists" in result.stderr
    assert "Traceback" not in result.stderr


def test_base_url_must_be_a_web_address(small_site: Path) -> None:
    result = treillis("build", "--base-url", "javascript:alert(1)//", cwd=small_site.parent)
    assert result.returncode == 2 and "https://" in result.stderr
    assert not (small_site.parent / "output").exists()


def test_new_descriptor_in_a_named_file(small_site: Path) -> None:
    cwd = small_site.parent
    (small_site / "atlas/descriptors/extra.yml").write_text("[]\n", encoding="utf-8")
    result = treillis(
        "new", "descriptor", "budget-vert", "--family", "methodes", "--file", "extra.yml", cwd=cwd
    )
    assert result.returncode == 0 and "Added the descriptor 'budget-vert'" in result.stdout
    assert not (small_site / "atlas/descriptors/extra.yaml").exists()
    assert treillis("check", cwd=cwd).returncode == 0
    assert "budget-vert" in load(small_site).descriptors
