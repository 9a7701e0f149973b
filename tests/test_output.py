"""The output folder: built whole or not at all, never outside, never someone else's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from treillis.build import build
from treillis.errors import BuildError, OutputError
from treillis.output import MARKER, Staging


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_failed_build_leaves_the_previous_output_untouched(
    small_site: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    build(small_site, output)
    before = snapshot(output)
    assert "index.html" in before and MARKER in before
    broken = small_site / "dossiers/essai/cas-un.md"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("type: experience", "type: nope"),
        encoding="utf-8",
    )
    with pytest.raises(BuildError):
        build(small_site, output)
    assert snapshot(output) == before
    assert not [p.name for p in tmp_path.iterdir() if "staging" in p.name]  # none left behind


def test_a_template_error_leaves_the_previous_output_untouched(
    small_site: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    build(small_site, output)
    before = snapshot(output)
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "document.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{{ document.title }\n{% endblock %}\n',
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as error:
        build(small_site, output, theme=theme)
    problem = error.value.problems[0]
    assert problem.path.endswith("theme/templates/document.html") and problem.line == 3
    assert snapshot(output) == before


def test_a_rebuild_replaces_the_output_and_removes_stale_pages(
    small_site: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    build(small_site, output)
    assert (output / "dossiers/essai/cas-deux/index.html").is_file()
    (small_site / "dossiers/essai/cas-deux.md").unlink()
    linking = small_site / "dossiers/essai/cas-un.md"
    linking.write_text(
        linking.read_text(encoding="utf-8").replace("[[essai/cas-deux]]", "x"), encoding="utf-8"
    )
    build(small_site, output)
    assert not (output / "dossiers/essai/cas-deux").exists()
    assert (output / "dossiers/essai/cas-un/index.html").is_file()


def test_refuses_to_wipe_a_folder_it_did_not_create(small_site: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "my-documents"
    foreign.mkdir()
    (foreign / "thesis.odt").write_bytes(b"precious")
    with pytest.raises(OutputError, match="not created by Treillis"):
        build(small_site, foreign)
    assert (foreign / "thesis.odt").read_bytes() == b"precious"
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.odt"]
    result = subprocess.run(
        [sys.executable, "-m", "treillis", "build", str(small_site), "--output", str(foreign)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "refusing to replace" in result.stderr and "Traceback" not in result.stderr
    assert (foreign / "thesis.odt").read_bytes() == b"precious"


def test_refuses_an_output_folder_that_contains_the_content(small_site: Path) -> None:
    with pytest.raises(OutputError, match="overlaps"):
        build(small_site, small_site.parent)
    with pytest.raises(OutputError, match="overlaps"):
        build(small_site, small_site / "output")


def test_an_empty_folder_is_accepted(small_site: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    build(small_site, empty)
    assert (empty / "index.html").is_file()


def test_nothing_is_written_outside_the_output_folder(tmp_path: Path) -> None:
    staging = Staging(tmp_path / "out")
    for escape in ("../evil.html", "a/../../evil.html", "/etc/evil.html", ""):
        with pytest.raises(OutputError):
            staging.write_text(escape, "x")
    staging.abort()
    assert list(tmp_path.iterdir()) == []


def test_a_symbolic_link_out_of_the_content_is_not_published(
    small_site: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    (small_site / "static").mkdir()
    (small_site / "static" / "public.txt").write_text("public", encoding="utf-8")
    (small_site / "static" / "leak.txt").symlink_to(secret)
    build(small_site, tmp_path / "output")
    assert (tmp_path / "output/static/public.txt").is_file()
    assert not (tmp_path / "output/static/leak.txt").exists()


def test_a_static_folder_linked_out_of_the_content_is_not_published(
    small_site: Path, tmp_path: Path
) -> None:
    """A link committed as `static` (git keeps links) must not publish the disk."""
    outside = tmp_path / "home"
    (outside / "notes").mkdir(parents=True)
    (outside / "notes" / "secret.txt").write_text("private", encoding="utf-8")
    (small_site / "static").symlink_to(outside)
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "static").symlink_to(outside)
    build(small_site, tmp_path / "output", theme=theme)
    published = [p.name for p in (tmp_path / "output").rglob("*") if p.is_file()]
    assert "secret.txt" not in published
    assert (tmp_path / "output/index.html").is_file()
