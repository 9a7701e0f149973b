"""What a large site needs of a no-op build: the output walked by another process
while the inputs are checked, with the same answers as a walk in the build's own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import DEMO_CONTENT
from treillis import build as build_module
from treillis.build import build

DOCUMENT = "dossiers/comite-de-direction-partage/pays-de-brevanne.md"


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The output of any size walked apart; the children forked for it, counted."""
    forked: list[int] = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(build_module, "_WALKED_APART", 0)
    monkeypatch.setattr(build_module.os, "fork", counted)
    # The pages and the search index made here: the only process forked is the walk's.
    monkeypatch.setenv("TREILLIS_WORKERS", "1")
    return forked


def _no_child_left(pids: list[int]) -> bool:
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue  # reaped already, as it must be
        return False
    return True


def test_a_no_op_build_walks_the_output_apart_and_notices_damage(
    tmp_path: Path, forks: list[int]
) -> None:
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(DEMO_CONTENT, content)
    build(content, output, cache=cache)
    forks.clear()  # the first build has no previous output to check

    assert build(content, output, cache=cache).up_to_date
    assert len(forks) == 1 and _no_child_left(forks)

    page = output / "index.html"
    original = page.read_bytes()
    page.write_text("damaged", encoding="utf-8")
    report = build(content, output, cache=cache)
    assert not report.up_to_date and report.rendered == 1
    assert page.read_bytes() == original
    # A file Treillis did not write is not its business: left alone, nothing to redo.
    (output / "stray.html").write_text("not ours", encoding="utf-8")
    assert build(content, output, cache=cache).up_to_date
    assert (output / "stray.html").read_text(encoding="utf-8") == "not ours"

    # An edited input: the walk's answer is not waited for, its process not left behind.
    forks.clear()
    with (content / DOCUMENT).open("a", encoding="utf-8") as text:
        text.write("\nUne phrase ajoutée.\n")
    report = build(content, output, cache=cache)
    assert not report.up_to_date and report.rendered >= 1
    assert len(forks) == 1 and _no_child_left(forks)
    assert build(content, output, cache=cache).up_to_date


def test_shortened_lists_including_narrower_edited_equal_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lists cut to their newest documents (with the search page's descriptor number in
    their link): after edits that change which are newest, or the numbers, an
    incremental build gives exactly the pages of a full one."""
    from tests.test_incremental import _differences
    from treillis.views import atlas as atlas_views

    monkeypatch.setattr(atlas_views, "ALL_DOCUMENTS_SHOWN", 2)
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(DEMO_CONTENT, content)
    build(content, output, cache=cache)
    document = content / DOCUMENT
    descriptors = content / "atlas/descriptors/participation.yaml"
    edits = [
        ("newest", lambda: _replace(document, "date: 2020-02", "date: 2031-02")),
        ("title", lambda: _replace(document, "title: Le Pays", "title: Un Pays")),
        (
            "a descriptor first in the numbers",
            lambda: descriptors.write_text(
                descriptors.read_text(encoding="utf-8")
                + "\n- id: aaa-premier\n  family: participation\n  broader: [democratie-locale]\n"
                "  label:\n    fr: Premier\n",
                encoding="utf-8",
            ),
        ),
    ]
    for number, (name, edit) in enumerate(edits):
        edit()
        build(content, output, cache=cache)
        fresh = tmp_path / f"fresh-{number}"
        build(content, fresh, cache=False)
        assert _differences(output, fresh) == [], name
    assert list(output.glob("atlas/*/all/index.html"))
    assert "within=" in "".join(
        p.read_text(encoding="utf-8") for p in output.glob("atlas/*/all/index.html")
    )


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
