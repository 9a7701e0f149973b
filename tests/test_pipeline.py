"""One pipeline: the preview (in memory) serves exactly the files a build writes, and
both, with the mirror, run the same steps (`treillis.pipeline.run`)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DEMO_CONTENT
from tests.test_incremental import DOCUMENT, _append, _edit
from treillis import pipeline
from treillis.build import build
from treillis.live import LiveSite, read_mapped
from treillis.mirror import mirror
from treillis.output import MARKER, Memory

NEW_DOCUMENT = "dossiers/comite-de-direction-partage/une-page-neuve.md"


def _new_document(content: Path) -> None:
    (content / NEW_DOCUMENT).write_text(
        "---\ntitle: Une page neuve\ntype: concept\ndate: 2024\n"
        "descriptors: [democratie-locale]\n---\nUn texte tout neuf.\n",
        encoding="utf-8",
    )


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("nothing", lambda c: None),
    ("document text", lambda c: _append(c / DOCUMENT, "\nUn paragraphe vu en direct.\n")),
    ("document title", lambda c: _edit(c / DOCUMENT, "title: ", "title: Nouveau · ")),
    (
        "descriptor label",
        lambda c: _edit(
            c / "atlas/descriptors/participation.yaml", "fr: Démocratie locale", "fr: Démocratie"
        ),
    ),
    ("a new document", _new_document),
    ("a removed document", lambda c: (c / NEW_DOCUMENT).unlink()),
    ("site title", lambda c: _edit(c / "site.yaml", "fr: Territoires", "fr: Des territoires")),
]


def _served(site: LiveSite) -> dict[str, bytes]:
    """Every file the preview serves, by path, with its bytes."""
    site.wait_for_search(timeout=60)  # a hang guard
    files = {**site.pages, **site.search}
    for path, real in site.static.items():
        data = read_mapped(real)
        assert data is not None, path
        files[path] = data
    return files


def _written(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in output.rglob("*")
        if p.is_file() and p.name != MARKER
    }


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, folder)
    # A site address: the sitemap and the absolute links are compared too.
    _edit(folder / "site.yaml", "languages:", "base_url: https://example.org/\nlanguages:")
    return folder


def test_the_preview_serves_exactly_what_a_fresh_build_writes_after_each_edit(
    content: Path, tmp_path: Path
) -> None:
    site = LiveSite(content)
    try:
        for number, (name, edit) in enumerate(EDITS):
            edit(content)
            update = site.rebuild(search_in_background=False)
            assert update.problems == [], name
            fresh = tmp_path / f"fresh-{number}"
            build(content, fresh, cache=False)
            served, written = _served(site), _written(fresh)
            assert sorted(served) == sorted(written), name
            different = [path for path in written if served[path] != written[path]]
            assert different == [], name
            if name == "document text":  # the shortcut is kept: one page rendered
                assert update.changed == [DOCUMENT.removesuffix(".md") + "/index.html"]
            if name == "a removed document":
                assert NEW_DOCUMENT.removesuffix(".md") + "/index.html" in update.removed
    finally:
        site.close()


def test_build_preview_and_mirror_run_the_same_pipeline(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs: list[type] = []
    run = pipeline.run

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        outputs.append(type(args[2]))
        return run(*args, **kwargs)

    monkeypatch.setattr(pipeline, "run", spy)
    build(content, tmp_path / "output", cache=False)
    mirror(content, "igl", tmp_path / "igl", main_url="https://example.org/", cache=False)
    site = LiveSite(content)
    try:
        assert site.rebuild(search_in_background=False).problems == []
    finally:
        site.close()
    assert [kind.__name__ for kind in outputs] == ["Staging", "Staging", "Memory"]
    assert outputs[2] is Memory


def test_a_failing_template_is_the_same_problem_for_the_build_and_the_preview(
    small_site: Path, tmp_path: Path
) -> None:
    from treillis.errors import BuildError

    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates/partner.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ 1 // 0 }}{% endblock %}', encoding="utf-8"
    )
    output = tmp_path / "output"
    build(small_site, output, cache=False)
    before = _written(output)
    with pytest.raises(BuildError) as error:  # not a traceback
        build(small_site, output, theme=theme, cache=False)
    assert _written(output) == before
    site = LiveSite(small_site, theme=theme)
    try:
        update = site.rebuild(search_in_background=False)
    finally:
        site.close()
    assert update.problems == error.value.problems
    assert "partner.html" in str(update.problems[0])
    assert "ZeroDivisionError" in str(update.problems[0])


def test_the_atlas_files_are_made_again_only_when_the_atlas_changed(
    content: Path, tmp_path: Path
) -> None:
    # A site with a network makes its atlas files every time (they carry the alignments,
    # which the cache does not follow): this is the rule for a site without one.
    config = content / "site.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text[: text.index("\nnetwork:")] + "\n", encoding="utf-8")
    shutil.rmtree(content / "network")
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    turtle = output / "atlas/atlas.ttl"
    made = turtle.stat().st_mtime_ns, turtle.stat().st_ino
    _edit(content / DOCUMENT, "title: ", "title: Nouveau · ")  # every list shows it
    report = build(content, output, cache=cache)
    assert report.rendered > 3 and (turtle.stat().st_mtime_ns, turtle.stat().st_ino) == made
    _edit(content / "atlas/descriptors/participation.yaml", "fr: Démocratie locale", "fr: Démo")
    build(content, output, cache=cache)
    assert "Démo" in turtle.read_text(encoding="utf-8")
    build(content, tmp_path / "fresh", cache=False)
    assert _written(output) == _written(tmp_path / "fresh")


@pytest.mark.parametrize(("parallel", "workers"), [(False, "1"), (False, "2"), (True, "2")])
def test_side_results_are_named_and_the_renderer_is_left_as_it_was(
    small_site: Path, tmp_path: Path, parallel: bool, workers: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two cores, the side tasks run in a process of their own even when the pages
    are rendered here (an edit's few pages): both at once."""
    from treillis.atlas import Atlas
    from treillis.build import load
    from treillis.output import Staging
    from treillis.render import DEFAULT_THEME, Renderer
    from treillis.views import Views, page_groups
    from treillis.workers import render_pages

    monkeypatch.setenv("TREILLIS_WORKERS", workers)
    site = load(small_site)
    views = Views(site, Atlas(site))
    renderer = Renderer([DEFAULT_THEME], site.config)
    staging = Staging(tmp_path / "output")
    try:
        rendered = render_pages(
            page_groups(views, size=1),
            renderer,
            staging,
            parallel=parallel,
            side_tasks={"first": lambda: 1, "second": lambda: "two", "process": os.getpid},
        )
    finally:
        staging.abort()
    assert rendered.problems == [] and rendered.rendered == len(rendered.paths) > 3
    process = rendered.side_results.pop("process")
    assert rendered.side_results == {"first": 1, "second": "two"}  # with workers or not
    assert (process != os.getpid()) == (workers == "2")
    assert renderer.svgs == {}  # each group drew with its own pictures
