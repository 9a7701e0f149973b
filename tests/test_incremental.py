"""Builds that reuse the previous one: no-op, text-only and other edits give exactly
the site a build from nothing gives, and never damage the output on failure."""

from __future__ import annotations

import filecmp
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DEMO_CONTENT
from treillis.build import _options, build, load
from treillis.cachedir import read_sealed
from treillis.errors import BuildError
from treillis.incremental import (
    _context,
    _document_parts,
    _heavy_file,
    _parsed_file,
    load_state,
    search_state_file,
    state_file,
)
from treillis.live import LiveSite
from treillis.output import output_manifest
from treillis.render import DEFAULT_THEME

DOCUMENT = "dossiers/comite-de-direction-partage/pays-de-brevanne.md"
DOSSIER = "dossiers/comite-de-direction-partage/index.md"


def _differences(left: Path, right: Path) -> list[str]:
    """Every file that is not byte-for-byte the same in both folders (or only in one)."""
    found: list[str] = []

    def walk(comparison: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + name for name in comparison.left_only + comparison.right_only)
        _, mismatch, errors = filecmp.cmpfiles(
            comparison.left, comparison.right, comparison.common_files, shallow=False
        )
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return sorted(found)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, folder)
    assert (folder / DOCUMENT).is_file() and (folder / DOSSIER).is_file()
    return folder


def _static_swap(content: Path) -> None:
    (content / "static").mkdir(exist_ok=True)
    target = content / "static" / "notes"
    if target.is_file():
        target.unlink()
        target.mkdir()
        (target / "a.txt").write_text("dans un dossier", encoding="utf-8")
    else:
        target.write_text("un fichier", encoding="utf-8")


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("a static file", lambda c: _static_swap(c)),
    ("document text", lambda c: _append(c / DOCUMENT, "\nUn paragraphe de plus.\n")),
    ("dossier text", lambda c: _append(c / DOSSIER, "\nUne conclusion de plus.\n")),
    ("document title", lambda c: _edit(c / DOCUMENT, "title: ", "title: Nouveau · ")),
    (
        "document descriptors",
        lambda c: _edit(c / DOCUMENT, "descriptors: [", "descriptors: [democratie-locale, "),
    ),
    (
        "descriptor label",
        lambda c: _edit(c / "atlas/descriptors/participation.yaml", "fr: ", "fr: Nouveau "),
    ),
    (
        "family colour",
        lambda c: _edit(c / "atlas/families.yaml", 'colour: "#2b6f8f"', 'colour: "#8b2f6f"'),
    ),
    (
        "new document",
        lambda c: (c / "dossiers/comite-de-direction-partage/nouveau.md").write_text(
            "---\ntitle: Un nouveau document\ntype: analysis\ndate: 2026-11-01\n"
            "descriptors: [democratie-locale]\n---\nTexte.\n",
            encoding="utf-8",
        ),
    ),
    (
        "removed document",
        lambda c: (c / "dossiers/comite-de-direction-partage/nouveau.md").unlink(),
    ),
    ("site title", lambda c: _edit(c / "site.yaml", "fr: Territoires", "fr: Nouveaux territoires")),
]


def test_every_incremental_build_equals_a_build_from_nothing(content: Path, tmp_path: Path) -> None:
    output, cache = tmp_path / "output", tmp_path / "cache"
    first = build(content, output, cache=cache)
    assert first.rendered == first.pages and not first.up_to_date
    for number, (name, edit) in enumerate(EDITS):
        edit(content)
        report = build(content, output, cache=cache)
        fresh = tmp_path / f"fresh-{number}"
        build(content, fresh, cache=False)
        assert _differences(output, fresh) == [], name
        if "static" not in name:
            assert 0 < report.rendered < report.pages or name in (
                "site title",
                "raw HTML allowed",
            ), (
                name,
                report.rendered,
            )
        if name in ("document text", "dossier text"):
            assert report.rendered == 1, name  # only the page showing that text
        again = build(content, output, cache=cache)
        assert again.up_to_date and again.rendered == 0, name
        assert _differences(output, fresh) == [], name


def test_a_no_op_build_notices_a_damaged_output(content: Path, tmp_path: Path) -> None:
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    page = output / "index.html"
    original = page.read_bytes()
    page.write_text("damaged", encoding="utf-8")
    (output / "atlas/index.html").unlink()
    (output / "stray.html").write_text("not ours", encoding="utf-8")
    report = build(content, output, cache=cache)
    assert not report.up_to_date and report.rendered == 2
    assert page.read_bytes() == original and (output / "atlas/index.html").is_file()
    # A file Treillis did not write is none of its business: left as it is.
    assert (output / "stray.html").read_text(encoding="utf-8") == "not ours"
    assert build(content, output, cache=cache).up_to_date


def test_an_edit_build_keeps_the_files_treillis_did_not_write(
    content: Path, tmp_path: Path
) -> None:
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    page = next(output.glob("dossiers/*/*/index.html")).parent
    theirs = {
        output / "notes.txt": "à moi",
        page / "brouillon.html": "pas de Treillis",
        output / "mes-fichiers/a/b.txt": "rangé",
    }
    for path, text in theirs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    new = content / "dossiers/comite-de-direction-partage/nouveau.md"
    for edit in (
        lambda: _append(content / DOCUMENT, "\nUn paragraphe de plus.\n"),
        lambda: _edit(content / DOCUMENT, "title: ", "title: Nouveau · "),
        lambda: new.write_text(
            "---\ntitle: Un nouveau\ntype: analysis\ndate: 2026-11-01\n---\nTexte.\n",
            encoding="utf-8",
        ),
        lambda: new.unlink(),  # its pages, which Treillis wrote, go
    ):
        edit()
        report = build(content, output, cache=cache)
        assert not report.up_to_date and 0 < report.rendered < report.pages
        assert {p: p.read_text(encoding="utf-8") for p in theirs} == theirs
        build(content, tmp_path / "fresh", cache=False)
        found = _differences(output, tmp_path / "fresh")
        assert found == sorted(
            ["notes.txt", "mes-fichiers", f"{page.relative_to(output)}/brouillon.html"]
        )
        shutil.rmtree(tmp_path / "fresh")
    assert not any(output.rglob("nouveau*"))


def test_the_saved_output_list_is_the_output_treillis_wrote(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamps of the output a build saves are made from what it wrote (in worker
    processes too), without walking the output: they must be what a walk finds (a page
    damaged since is then seen, and rewritten, by the next build)."""
    from treillis import pipeline

    monkeypatch.setenv("TREILLIS_WORKERS", "2")
    monkeypatch.setattr(pipeline, "PARALLEL_PAGES", 10)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    path = state_file(cache, output, _options(None, None, False))
    assert load_state(path, _options(None, None, False)).output == output_manifest(output)
    for name, edit in EDITS:
        edit(content)
        build(content, output, cache=cache)
        state = load_state(path, _options(None, None, False))
        assert state.output == output_manifest(output), name
    damaged = output / "index.html"
    damaged.write_text("abîmé", encoding="utf-8")
    _append(content / DOCUMENT, "\nEncore un paragraphe.\n")
    report = build(content, output, cache=cache)
    assert report.rendered == 2  # the edited page and the damaged one
    build(content, tmp_path / "fresh", cache=False)
    assert _differences(output, tmp_path / "fresh") == []


def test_a_failed_incremental_build_keeps_the_output_and_the_next_one_catches_up(
    content: Path, tmp_path: Path
) -> None:
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    _append(content / DOCUMENT, "\nUn texte qui restera.\n")
    _edit(content / "atlas/families.yaml", 'colour: "#', 'colour: "#zz')
    with pytest.raises(BuildError):
        build(content, output, cache=cache)
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    _edit(content / "atlas/families.yaml", 'colour: "#zz', 'colour: "#')
    build(content, output, cache=cache)
    build(content, tmp_path / "fresh", cache=False)
    assert _differences(output, tmp_path / "fresh") == []


def test_an_edit_build_checks_the_unchanged_documents_against_the_edited_files(
    content: Path, tmp_path: Path
) -> None:
    """A document taken from the previous build is checked again when what it refers to
    changed: a translation now in its own language, a descriptor renamed."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    unchanged = "une-direction-generale-commune.md"  # lists the English one as translation
    english = content / "dossiers/comite-de-direction-partage/a-shared-senior-management.md"
    _edit(english, "lang: en", "lang: fr")
    with pytest.raises(BuildError) as failed:
        build(content, output, cache=cache)
    assert any(
        p.path.endswith(unchanged) and "same language" in p.message for p in failed.value.problems
    )
    _edit(english, "lang: fr", "lang: en")
    build(content, output, cache=cache)
    _edit(content / "atlas/descriptors/espace.yaml", "- id: plui\n", "- id: plui-2\n")
    with pytest.raises(BuildError) as failed:
        build(content, output, cache=cache)
    assert any(
        p.path.endswith("pays-de-brevanne.md") and "unknown descriptor 'plui'" in p.message
        for p in failed.value.problems
    )


def test_a_build_leaves_the_cycle_collector_as_it_found_it(content: Path, tmp_path: Path) -> None:
    """The collector is off while a build reads, and what it read is frozen until the
    build ends: after any build (full, edit, failed, no-op) it runs as before."""
    import gc

    output, cache = tmp_path / "output", tmp_path / "cache"

    def as_before() -> bool:
        return gc.isenabled() and gc.get_freeze_count() == 0

    build(content, output, cache=cache)
    assert as_before()
    _append(content / DOCUMENT, "\nUn paragraphe de plus.\n")
    build(content, output, cache=cache)
    assert as_before()
    assert build(content, output, cache=cache).up_to_date and as_before()
    _edit(content / "atlas/families.yaml", 'colour: "#', 'colour: "#zz')
    with pytest.raises(BuildError):
        build(content, output, cache=cache)
    assert as_before()


def test_the_preview_replans_only_the_page_of_an_edited_text(content: Path, tmp_path: Path) -> None:
    site = LiveSite(content)
    try:
        site.rebuild(search_in_background=False)
        _append(content / DOCUMENT, "\nUne phrase vue en direct.\n")
        update = site.rebuild(search_in_background=False)
        assert update.changed == [
            "dossiers/comite-de-direction-partage/pays-de-brevanne/index.html"
        ]
        _edit(content / DOCUMENT, "title: ", "title: Titre changé · ")
        update = site.rebuild(search_in_background=False)
        assert len(update.changed) > 3  # the lists that show the title too
        build(content, tmp_path / "fresh", cache=False)
        for path, html in site.pages.items():
            assert html == (tmp_path / "fresh" / path).read_bytes(), path
    finally:
        site.close()


def test_a_descriptor_with_hundreds_of_documents_lists_them_on_numbered_pages(
    tmp_path: Path,
) -> None:
    from bs4 import BeautifulSoup

    from benchmarks.synthetic import write_site
    from treillis.build import load
    from treillis.views.atlas import DOCUMENTS_PER_PAGE

    content = write_site(tmp_path / "content", descriptors=4, documents=260, dossiers=2, families=2)
    atlas = content / "atlas/descriptors/all.yaml"  # a scope note with a link, on every page
    text = atlas.read_text(encoding="utf-8")
    atlas.write_text(
        "".join(
            line
            + (
                f"  note: {{fr: 'Voir [[d{(n + 1) % 4}]].'}}\n"
                if line.startswith("- id: d")
                else ""
            )
            for n, line in enumerate(text.splitlines(keepends=True))
        ).replace("[[d", "[[d", 1),
        encoding="utf-8",
    )
    site = load(content)
    output = tmp_path / "output"
    build(content, output, cache=False)
    descriptor = max(
        site.descriptors, key=lambda d: sum(d in x.descriptor_ids for x in site.documents.values())
    )
    expected = {k for k, x in site.documents.items() if descriptor in x.descriptor_ids}
    assert len(expected) > 2 * DOCUMENTS_PER_PAGE
    seen: list[str] = []
    page = output / f"atlas/{descriptor}/index.html"
    numbers = []
    while True:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        cards = soup.select(".indexed-documents .document-card h4 a[href]")
        assert 0 < len(cards) <= DOCUMENTS_PER_PAGE
        seen += [
            (page.parent / a["href"]).resolve().parent.name
            for a in cards
            if "dossiers/" in a["href"]
        ]
        numbers.append(soup.select_one('.pager [aria-current="page"]').get_text())
        assert bool(soup.select("svg.diagram")) == (len(numbers) == 1)  # the picture once
        following = soup.select_one('.pager a[rel="next"]')
        if following is None:
            break
        page = (page.parent / following["href"]).resolve()
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) == 3
    from tests.test_import_skos import assert_links_resolve

    assert assert_links_resolve(output) > 1000  # the note's links too, from pages 2 and 3
    assert sorted(seen) == sorted(k.split("/")[1] for k in expected)


def test_the_groups_planned_by_workers_are_exactly_the_sites_pages() -> None:
    from treillis.atlas import Atlas
    from treillis.build import load
    from treillis.views import Views, all_pages, page_groups

    site = load(DEMO_CONTENT)
    views = Views(site, Atlas(site))
    grouped = [page for group in page_groups(views, size=7) for page in group()]
    every = list(all_pages(views))
    assert len(grouped) == len(every) > 400
    assert sorted(grouped, key=lambda p: p.path) == sorted(every, key=lambda p: p.path)


def test_a_theme_or_code_change_renders_every_page_again(content: Path, tmp_path: Path) -> None:
    from treillis import build as build_module

    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, theme=theme, cache=cache)
    base = (DEFAULT_THEME / "templates/base.html").read_text(encoding="utf-8")
    (theme / "templates/base.html").write_text(
        base.replace("<body", "<body data-x='1'", 1), encoding="utf-8"
    )
    report = build(content, output, theme=theme, cache=cache)
    assert report.rendered == report.pages > 400
    build(content, tmp_path / "fresh", theme=theme, cache=False)
    assert _differences(output, tmp_path / "fresh") == []
    with pytest.MonkeyPatch.context() as patch:  # another version of Treillis
        patch.setattr(build_module, "code_version", lambda: "another version")
        report = build(content, output, theme=theme, cache=cache)
    assert not report.up_to_date and report.rendered == report.pages


def test_folders_linked_into_the_content_are_watched_too(content: Path, tmp_path: Path) -> None:
    outside = tmp_path / "shared-atlas"
    shutil.move(content / "atlas", outside)
    (content / "atlas").symlink_to(outside)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    _edit(outside / "descriptors/participation.yaml", "fr: ", "fr: Nouveau ")
    report = build(content, output, cache=cache)
    assert not report.up_to_date and report.rendered > 0
    build(content, tmp_path / "fresh", cache=False)
    assert _differences(output, tmp_path / "fresh") == []


def test_a_build_process_that_dies_is_reported_and_keeps_the_output(
    content: Path, tmp_path: Path
) -> None:
    import os

    from treillis import workers
    from treillis.errors import SetupError

    output = tmp_path / "output"
    build(content, output, cache=False)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    render_group = workers._render_group

    def dying(job, number):
        if number == 1 and os.getpid() != parent:
            os._exit(9)  # as the kernel's out-of-memory killer would
        return render_group(job, number)

    parent = os.getpid()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "_render_group", dying)
        with pytest.raises(SetupError, match="stopped unexpectedly"):
            build(content, output, cache=False)
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def _search_data(output: Path) -> dict[str, bytes]:
    folder = output / "assets" / "search"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.js")}


NEW_DOCUMENT = "dossiers/comite-de-direction-partage/nouveau.md"
ESPACE = "atlas/descriptors/espace.yaml"
# Edits that change what the search index holds (its terms, or the records' numbers).
SEARCH_EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("body", lambda c: _append(c / DOCUMENT, "\nLes coopératives ferroviaires arrivent.\n")),
    ("title", lambda c: _edit(c / DOCUMENT, "title: ", "title: Vallée ferroviaire · ")),
    (
        "descriptor added",
        lambda c: _edit(c / DOCUMENT, "descriptors: [", "descriptors: [democratie-locale, "),
    ),
    (
        "new document",
        lambda c: (c / NEW_DOCUMENT).write_text(
            "---\ntitle: Un aiguillage nouveau\ntype: analysis\ndate: 2026-11-01\n"
            "descriptors: [democratie-locale]\n---\nLes locomotives du territoire.\n",
            encoding="utf-8",
        ),
    ),
    ("removed document", lambda c: (c / NEW_DOCUMENT).unlink()),
    ("language", lambda c: _edit(c / DOCUMENT, "lang: fr", "lang: es")),
    # What a document's row shows (its date) and its excerpt (its lead).
    ("date", lambda c: _edit(c / DOCUMENT, "date: 2020-02", "date: 2019-11")),
    ("lead", lambda c: _edit(c / DOCUMENT, "réunit seize communes", "réunit dix-sept communes")),
    # A descriptor's label or synonyms: the record of every document indexed with it.
    (
        "descriptor label",
        lambda c: _edit(c / ESPACE, "fr: Territoires ruraux", "fr: Territoires ruraux et bourgs"),
    ),
    (
        "descriptor synonyms",
        lambda c: _edit(c / ESPACE, "campagnes, espace rural]", "campagnes, bocage]"),
    ),
    # A descriptor added: the numbers of those after it in every row change.
    (
        "new descriptor",
        lambda c: _edit(
            c / ESPACE,
            "- id: villes\n",
            "- id: bocages\n  family: espace\n  label:\n    fr: Bocages\n    en: Hedgerows\n"
            "    es: Bocajes\n  broader: [amenagement-territoire]\n\n- id: villes\n",
        ),
    ),
]


def test_the_search_index_of_an_incremental_build_equals_a_full_ones(
    content: Path, tmp_path: Path
) -> None:
    """The records analysed by a build are kept in the cache (build/*.search.state) for
    the next; each edit's index is, file for file, that of a build from nothing."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    state = search_state_file(cache, output)
    assert state.is_file()
    for number, (name, edit) in enumerate(SEARCH_EDITS):
        before = state.read_bytes()
        edit(content)
        build(content, output, cache=cache)
        fresh = tmp_path / f"fresh-{number}"
        build(content, fresh, cache=False)
        assert _search_data(fresh) and _search_data(output) == _search_data(fresh), name
        assert state.read_bytes() != before, name  # the edited records kept for the next


@pytest.fixture
def sharded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds make the search data of a large site, in small shards (as `sharded_output`)."""
    from treillis.search import index as search_index
    from treillis.search import shards

    monkeypatch.setattr(search_index, "SHARD_ABOVE_BYTES", 0)
    monkeypatch.setattr(search_index, "QUICK_SHARD_BYTES", 3_000)
    monkeypatch.setattr(search_index, "DOCUMENTS_PER_BLOCK", 8)
    monkeypatch.setattr(shards, "SHARD_BYTES", 6_000)


def _inodes(output: Path) -> dict[str, int]:
    folder = output / "assets" / "search" / "data"
    return {p.name: p.stat().st_ino for p in folder.iterdir()}


def _search_file(output: Path, name: str):
    script = (output / "assets" / "search" / "data" / name).read_text(encoding="utf-8")
    return json.loads(json.loads(script.split(",", 1)[1].removesuffix(");\n")))


def _shards_holding(output: Path, number: int) -> dict[str, bool]:
    """Each shard file of the site's indexes, and whether its postings name document
    `number` (document numbers are gaps from the previous one in each field's postings)."""
    holding = {}
    for index_name in ("fr-quick", "fr-full"):
        for file in _search_file(output, f"{index_name}.js")["files"]:
            name = f"{index_name}-{file}.js"
            found = False
            for lists in _search_file(output, name)["postings"]:
                for flat in lists:
                    document = 0
                    for gap in flat[0::3]:
                        document += gap
                        found = found or document == number
            holding[name] = found
    return holding


def _document_number(output: Path, slug: str) -> int:
    store = _search_file(output, "store.js")
    rows = [
        row
        for block in range(-(-store["count"] // store["block"]))
        for row in _search_file(output, f"docs-{block}.js")
    ]
    return [row[0] for row in rows].index(slug)


@pytest.mark.usefixtures("sharded")
def test_a_sharded_index_edited_keeps_its_unchanged_files(content: Path, tmp_path: Path) -> None:
    """A large site's search data is cut into shards and blocks: an edit writes again only
    those whose data changed, the others are kept as they are (as unchanged pages), and
    the whole is, file for file, that of a build from nothing."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    holding: dict[str, bool] = {}  # (the first edit needs none)
    # Two words of a text swapped: the terms' statistics are the same.
    swap = (
        "words swapped",
        lambda c: _edit(
            c / DOCUMENT,
            "des plateaux céréaliers,\ndes coteaux",
            "des coteaux céréaliers,\ndes plateaux",
        ),
    )
    for number, (name, edit) in enumerate([swap, *SEARCH_EDITS]):
        before = _inodes(output)
        edit(content)
        build(content, output, cache=cache)
        fresh = tmp_path / f"fresh-{number}"
        build(content, fresh, cache=False)
        assert _search_data(output) == _search_data(fresh), name
        after = _inodes(output)
        kept = {n for n in after if before.get(n) == after[n]}
        assert kept, name  # the atlas' labels at least
        if edit is swap[1]:
            # The same terms, as often, in a text of the same length: the same counts.
            shards = {n for n in after if n.startswith("fr-full-")}
            assert len(shards) > 5 and shards <= kept, name
            assert len(kept) > len(after) * 0.9, name
        if name in ("body", "title"):
            # Only the shards holding the document's terms, before or after, are written
            # again (and the indexes' heads, and its display block): the others are kept.
            number = _document_number(output, Path(DOCUMENT).stem)
            now = _shards_holding(output, number)
            assert len(now) > 10 and not all(now.values()), name
            rewritten = {n for n in now if n not in kept}
            assert rewritten, name
            assert all(now[n] or holding.get(n) for n in rewritten), (name, rewritten)
        holding = _shards_holding(output, _document_number(output, Path(DOCUMENT).stem))
    # A search file changed in the output since the build wrote it is never kept.
    shard = sorted((output / "assets" / "search" / "data").glob("fr-full-?*.js"))[0]
    shard.write_text("damaged", encoding="utf-8")
    _append(content / DOCUMENT, "\nUne autre phrase.\n")
    build(content, output, cache=cache)
    fresh = tmp_path / "fresh-last"
    build(content, fresh, cache=False)
    assert _search_data(output) == _search_data(fresh)


# Edits of the harvested network (tests/test_network_build.py's bases): a record's title,
# a base's language, a base gone.
NETWORK_EDITS: list[tuple[str, Callable[[Path], None]]] = [
    (
        "record title",
        lambda c: _edit(c / "network/ritimo.xml", "jardins zanzibarites", "vergers zanzibarites"),
    ),
    ("base language", lambda c: _edit(c / "network/ritimo.xml", 'xml:lang="fr"', 'xml:lang="es"')),
    ("base gone", lambda c: (c / "network/coredem.xml").unlink()),
]


def test_network_edits_leave_the_site_indexes_and_equal_a_full_build(
    small_site: Path, tmp_path: Path
) -> None:
    """The network's records are indexed apart: editing the harvested bases rewrites the
    network's indexes (as a build from nothing would), never the site's own."""
    from tests.test_network_build import network_site

    content = network_site(small_site)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)

    def own(data: dict[str, bytes]) -> dict[str, bytes]:
        """The site's own indexes (shards included): not the network's (`network-fr-…`)."""
        index = re.compile(r"data/[a-z]+-(quick|full|phrases)(-[0-9]+)?\.js")
        return {name: text for name, text in data.items() if index.fullmatch(name)}

    site_indexes = own(_search_data(output))
    assert site_indexes
    for number, (name, edit) in enumerate(NETWORK_EDITS):
        edit(content)
        build(content, output, cache=cache)
        fresh = tmp_path / f"fresh-{number}"
        build(content, fresh, cache=False)
        assert _search_data(output) == _search_data(fresh), name
        assert own(_search_data(output)) == site_indexes, name


@pytest.mark.parametrize("damage", ["garbage", "flipped", "empty", "folder"])
def test_a_damaged_search_state_gives_a_full_index(
    content: Path, tmp_path: Path, damage: str
) -> None:
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    state = search_state_file(cache, output)
    data = state.read_bytes()
    state.unlink()
    if damage == "garbage":
        state.write_bytes(b"\x00" * 40 + b"not a state")
    elif damage == "flipped":
        state.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    elif damage == "empty":
        state.write_bytes(b"")
    else:
        state.mkdir()
    _append(content / DOCUMENT, "\nLes coopératives ferroviaires arrivent.\n")
    build(content, output, cache=cache)  # no traceback
    fresh = tmp_path / "fresh"
    build(content, fresh, cache=False)
    assert _search_data(output) == _search_data(fresh)


def test_a_page_digest_follows_every_value_of_its_shared_view_objects() -> None:
    """Frozen view objects (a document card, on many lists) are digested once each, by
    identity: equal values still give equal digests, and any field changed another."""
    from dataclasses import fields, replace

    from treillis.incremental import view_digest
    from treillis.views.common import DocumentCard, Page

    values = {f.name: f"{f.name} value" for f in fields(DocumentCard)}
    card = DocumentCard(**values)

    def page(*cards: DocumentCard) -> Page:
        return Page("atlas/d/all/index.html", "descriptor.html", "fr", "T", context={"c": cards})

    digest = view_digest(page(card, card))
    assert view_digest(page(DocumentCard(**values), DocumentCard(**values))) == digest
    for name in values:
        changed = replace(card, **{name: values[name] + "!"})
        assert view_digest(page(card, changed)) != digest, name
        assert view_digest(page(changed, card)) != view_digest(page(card, changed)), name



def test_a_page_digest_follows_every_value_of_its_diagrams_by_their_keys(monkeypatch) -> None:
    """A diagram stands in a page's digest by its key (a hash of all it shows): its nodes
    are not pickled again, and any value of a node changed changes the digest."""
    from dataclasses import fields, replace

    from treillis.diagrams.spec import Diagram, Node
    from treillis.incremental import view_digest
    from treillis.views.common import Page

    node = Node("c", "Habitat", "centre", "#123456", "../d/index.html", 3, False, "3", "docs")

    def page(*nodes: Node) -> Page:
        diagram = Diagram("neighbourhood", "T", "D", "fr", nodes=nodes)
        return Page("atlas/d/index.html", "descriptor.html", "fr", "T", diagrams=[diagram])

    digest = view_digest(page(node))

    def unpicklable(self: Node, protocol: int) -> tuple:
        raise AssertionError("a node pickled for a digest")

    monkeypatch.setattr(Node, "__reduce_ex__", unpicklable)
    assert view_digest(page(replace(node))) == digest
    for field in fields(Node):
        value = getattr(node, field.name)
        other = not value if isinstance(value, bool) else value + (1 if isinstance(value, int) else "!")
        assert view_digest(page(replace(node, **{field.name: other}))) != digest, field.name


# A document its dossier's principles cite: from there, to another dossier.
MOVED = (
    "conseils-citoyens-et-chartes",
    "cooperation-rural-urbain",
    "un-conseil-de-developpement-tire-au-sort",
)


def _move(content: Path, key: str, dossier: str) -> None:
    """Move a document to another dossier, and what cites it along."""
    old_dossier, slug = key.split("/")
    (content / "dossiers" / f"{key}.md").rename(content / "dossiers" / dossier / f"{slug}.md")
    index = content / "dossiers" / old_dossier / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace(slug, f"{dossier}/{slug}"), encoding="utf-8")


DOCUMENT_PAGE = "dossiers/comite-de-direction-partage/pays-de-brevanne/index.html"
DOSSIER_PAGE = "dossiers/comite-de-direction-partage/index.html"

# One edit each, in turn, with pages that must be rendered again (their view changed),
# and whether it is a one-document edit, for which only the pages that may show the
# document are planned again (and few rendered).
ONE_EDITS: list[tuple[str, Callable[[Path], None], set[str], bool]] = [
    (
        "document title",
        lambda c: _edit(c / DOCUMENT, "title: ", "title: Nouveau · "),
        {DOCUMENT_PAGE, DOSSIER_PAGE, "atlas/communautes-de-communes/index.html"},
        True,
    ),
    (
        "document descriptors",
        lambda c: _edit(c / DOCUMENT, "descriptors: [", "descriptors: [democratie-locale, "),
        {DOCUMENT_PAGE, "atlas/democratie-locale/index.html"},
        True,
    ),
    (
        "document date",
        lambda c: _edit(c / DOCUMENT, "date: 2020-02", "date: 2026-03"),
        {DOCUMENT_PAGE, DOSSIER_PAGE, "index.html", "atlas/territoires-ruraux/index.html"},
        True,
    ),
    (
        "dossier title",
        lambda c: _edit(c / DOSSIER, "title: ", "title: Nouveau · "),
        {DOCUMENT_PAGE, DOSSIER_PAGE, "index.html"},
        False,
    ),
    (
        "document moved to another dossier",
        lambda c: _move(c, f"{MOVED[0]}/{MOVED[2]}", MOVED[1]),
        {f"dossiers/{MOVED[1]}/{MOVED[2]}/index.html", f"dossiers/{MOVED[1]}/index.html"},
        False,
    ),
    (
        "descriptor label",
        lambda c: _edit(c / "atlas/descriptors/participation.yaml", "fr: ", "fr: Nouveau "),
        {"atlas/democratie-locale/index.html", "atlas/index.html"},
        False,
    ),
]


# The site-wide pages (home, atlas index, dossiers, partners…) planned again after each
# one-document edit, and rendered again: those that show what it changed, no other.
PARTNER_PAGES = {f"{lang}partners/igl/index.html" for lang in ("", "en/", "es/")}
SITE_WIDE_PLANNED = {
    # Its dossier's page lists its card; its partner's page too.
    "document title": {DOSSIER_PAGE} | PARTNER_PAGES,
    # Its descriptors' numbers of documents: on the home (top descriptors), the atlas
    # index, the permuted index and the legend.
    "document descriptors": {
        f"{lang}{page}"
        for lang in ("", "en/", "es/")
        for page in (
            "index.html",
            "atlas/index.html",
            "atlas/permuted/index.html",
            "atlas/legend/index.html",
        )
    },
    # Its card, now among the newest on the home.
    "document date": {DOSSIER_PAGE, "index.html", "en/index.html", "es/index.html"} | PARTNER_PAGES,
}


def _site_wide(content: Path) -> set[str]:
    """The paths of the site-wide pages of a content folder."""
    from treillis.atlas import Atlas
    from treillis.views import Views, site_pages

    site = load(content)
    return {page.path for page in site_pages(Views(site, Atlas(site)))}


def _pages(output: Path) -> dict[str, int]:
    """Every page of an output with its file's inode: a page rendered again is a new file
    (a page kept is the previous build's file, linked)."""
    return {p.relative_to(output).as_posix(): p.stat().st_ino for p in output.rglob("*.html")}


def _planned_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages each build plans from now on (their view digested), in this process."""
    from treillis import workers

    monkeypatch.setenv("TREILLIS_WORKERS", "1")  # planned here, where they are counted
    planned: list[str] = []
    digest = workers.view_digest
    monkeypatch.setattr(
        workers, "view_digest", lambda page: planned.append(page.path) or digest(page)
    )
    return planned


def test_one_edit_plans_and_renders_only_the_pages_that_show_it(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned = _planned_pages(monkeypatch)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    for number, (name, edit, expected, targeted) in enumerate(ONE_EDITS):
        before = _pages(output)
        edit(content)
        planned.clear()
        report = build(content, output, cache=cache)
        fresh = tmp_path / f"fresh-{number}"
        build(content, fresh, cache=False)
        assert _differences(output, fresh) == [], name
        after = _pages(output)
        rendered = {path for path, inode in after.items() if before.get(path) != inode}
        assert len(rendered) == report.rendered < report.pages, name
        assert expected <= rendered, (name, expected - rendered)
        if targeted:
            assert len(rendered) < report.pages / 4, name
            assert set(planned) >= rendered, name
            assert len(planned) < report.pages / 2, (name, len(planned))  # not every page
            site_wide = _site_wide(content)
            assert set(planned) & site_wide == SITE_WIDE_PLANNED[name], name
            # And each of them shows it: none is planned for nothing.
            assert rendered & site_wide == SITE_WIDE_PLANNED[name], name
    assert f"dossiers/{MOVED[0]}/{MOVED[2]}/index.html" not in _pages(output)  # moved away


def test_a_no_op_build_reads_no_input_whose_stamp_is_unchanged(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from treillis import incremental

    # Files written just before a build are hashed anyway (their change time's clock is
    # coarse): here, as if they had been written long before.
    monkeypatch.setattr(incremental, "_SETTLED_NS", 0)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    read: list[Path] = []
    read_bytes = incremental.read_bytes
    monkeypatch.setattr(incremental, "read_bytes", lambda p: read.append(p) or read_bytes(p))
    assert build(content, output, cache=cache).up_to_date
    assert [p for p in read if content in p.parents] == []
    # An edit that keeps the size and the modification time is seen all the same.
    document = content / DOCUMENT
    text, stat = document.read_text(encoding="utf-8"), document.stat()
    document.write_text(text.replace("title: Le Pays", "title: La Pays"), encoding="utf-8")
    os.utime(document, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert document.stat().st_size == stat.st_size
    report = build(content, output, cache=cache)
    assert not report.up_to_date and report.rendered > 0
    assert "La Pays" in (output / DOCUMENT_PAGE).read_text(encoding="utf-8")


def test_a_no_op_build_after_a_touch_keeps_the_new_stamp(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose times changed but not its bytes is read once, by the first no-op
    build after: the next ones know its new stamp."""
    import os

    from treillis import incremental

    monkeypatch.setattr(incremental, "_SETTLED_NS", 0)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    document = content / DOCUMENT
    stat = document.stat()
    os.utime(document, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # `touch`
    read: list[Path] = []
    read_bytes = incremental.read_bytes
    monkeypatch.setattr(incremental, "read_bytes", lambda p: read.append(p) or read_bytes(p))
    assert build(content, output, cache=cache).up_to_date
    assert [p for p in read if content in p.parents] == [document]
    read.clear()
    assert build(content, output, cache=cache).up_to_date
    assert [p for p in read if content in p.parents] == []


def test_two_outputs_sharing_a_cache_keep_their_search_records_apart(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each output's search index keeps the records it analysed: another site built with
    the same cache folder does not replace them (its next edit analyses one record)."""
    from benchmarks.synthetic import write_site
    from treillis.search import index

    monkeypatch.setenv("TREILLIS_WORKERS", "1")  # analysed here, where they are counted
    cache = tmp_path / "cache"
    other = write_site(tmp_path / "other", descriptors=4, documents=20, dossiers=2, families=2)
    build(content, tmp_path / "output", cache=cache)
    build(other, tmp_path / "other-output", cache=cache)
    analysed: list[tuple[str, ...]] = []
    analyse = index.analyse
    monkeypatch.setattr(
        index,
        "analyse",
        lambda analyser, texts: analysed.append(tuple(texts)) or analyse(analyser, texts),
    )
    _append(content / DOCUMENT, "\nLes coopératives ferroviaires arrivent.\n")
    build(content, tmp_path / "output", cache=cache)
    assert len(analysed) == 1 and "ferroviaires" in analysed[0][-1]


def test_a_parse_cache_saved_again_converts_only_the_files_that_changed(content: Path) -> None:
    """The parsed files read back from the previous build are saved again as they were
    read (the same data), not converted again: only the edited file's data is new."""
    from treillis.incremental import fingerprints
    from treillis.sources import ParseCache

    first = ParseCache()
    load(content, first)
    saved = first.to_data()
    again = ParseCache.from_data(saved)
    _edit(content / DOCUMENT, "title: ", "title: Nouveau · ")
    again.known = fingerprints([content])
    load(content, again)
    resaved = again.to_data()
    assert resaved.keys() == saved.keys()
    edited = str(content / DOCUMENT)
    assert resaved[edited] != saved[edited]
    assert [path for path in saved if resaved[path] is not saved[path]] == [edited]


def test_the_saved_model_holds_each_body_once(content: Path, tmp_path: Path) -> None:
    """A document's body is in its parsed file and in the site: saved once, and the
    site read back gives the next build the same pages as a full build."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    sentence = "Une phrase que l'on ne trouve qu'ici, une fois."
    _append(content / DOCUMENT, f"\n{sentence}\n")
    build(content, output, cache=cache)
    state = state_file(cache, output, _options(None, None, False))
    saved = b""
    parts = [_heavy_file(state), _parsed_file(state)]
    parts += sorted(state.parent.glob(f"{state.stem}.documents.*.state"))
    for part in parts:
        data = read_sealed(part, _context(part))
        assert data is not None
        saved += data
    assert saved.count(sentence.encode()) == 1
    _edit(content / DOCUMENT, "title: ", "title: Nouveau · ")
    report = build(content, output, cache=cache)
    assert 0 < report.rendered < report.pages
    _append(content / DOCUMENT, "\nEt une autre.\n")
    assert build(content, output, cache=cache).rendered == 1
    build(content, tmp_path / "fresh", cache=False)
    assert _differences(output, tmp_path / "fresh") == []


def _checked_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose fields the readers check (documents, dossiers, descriptors)."""
    from treillis.readers import atlas, dossiers

    checked: list[str] = []
    for module, name in ((dossiers, "Fields"), (atlas, "LabelFields")):
        original = getattr(module, name)

        class Counted(original):  # type: ignore[misc, valid-type]
            def __init__(self, data, path, problems, kind, *args, **kwargs) -> None:
                if kind in ("document", "dossier", "descriptor"):
                    checked.append(Path(path).name)
                super().__init__(data, path, problems, kind, *args, **kwargs)

        monkeypatch.setattr(module, name, Counted)
    return checked


def test_an_edit_build_reads_and_checks_only_the_edited_file(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The items of the files whose bytes did not change are the previous build's: an
    edit checks the fields of the edited file alone, and decodes none of the parsed files
    kept (they serve when an unchanged file must be read again); the site is the same."""
    from treillis import incremental

    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    checked = _checked_files(monkeypatch)
    decoded: list[Path] = []
    load_parsed = incremental._load_parsed
    monkeypatch.setattr(
        incremental,
        "_load_parsed",
        lambda path, *args: decoded.append(path) or load_parsed(path, *args),
    )
    _edit(content / DOCUMENT, "title: ", "title: Révisé · ")
    build(content, output, cache=cache)
    assert checked == [Path(DOCUMENT).name] and decoded == []
    _append(content / DOCUMENT, "\nUne phrase de plus.\n")
    assert build(content, output, cache=cache).rendered == 1
    assert checked == [Path(DOCUMENT).name] * 2 and decoded == []
    build(content, tmp_path / "fresh", cache=False)
    assert _differences(output, tmp_path / "fresh") == []


def test_the_warnings_of_a_file_not_read_again_are_said_again(
    content: Path, tmp_path: Path
) -> None:
    """A file taken from the previous build gives the warnings its reading gave."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    _edit(content / DOCUMENT, "authors: [Mireille Fabre]", "authors:\n  Mireille Fabre\n  Paul Roy")
    first = build(content, output, cache=cache)
    folded = [w for w in first.warnings if "'authors' is read as one text" in w.message]
    assert len(folded) == 1 and folded[0].path.endswith(DOCUMENT)
    other = content / "dossiers/comite-de-direction-partage/mutualiser-sans-centraliser.md"
    for run in range(2):
        _append(other, f"\nUne phrase ({run}).\n")
        report = build(content, output, cache=cache)
        assert report.rendered == 1
        assert [w for w in report.warnings if w in folded] == folded


def _problems(content: Path, output: Path, cache: Path | bool) -> list[str]:
    with pytest.raises(BuildError) as raised:
        build(content, output, cache=cache)
    return sorted(str(problem) for problem in raised.value.problems)


def test_an_edit_elsewhere_is_checked_against_the_files_not_read_again(
    content: Path, tmp_path: Path
) -> None:
    """What depends on other files is checked again whatever was taken from the previous
    build: a descriptor removed that an unchanged document names, an id taken again by a
    new file; and a document without a language of its own takes its dossier's new one.
    The same problems, the same site as a build without a cache."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    _edit(content / DOCUMENT, "lang: fr\n", "")
    build(content, output, cache=cache)
    atlas = content / "atlas/descriptors/espace.yaml"
    original = atlas.read_text(encoding="utf-8")
    _edit(atlas, "- id: plui\n", "- id: plui-2\n")
    found = _problems(content, output, cache)
    assert any(DOCUMENT in p and "unknown descriptor 'plui'" in p for p in found)
    assert found == _problems(content, tmp_path / "fresh", False)
    atlas.write_text(original, encoding="utf-8")
    build(content, output, cache=cache)
    (content / "atlas/descriptors/aa.yaml").write_text(
        "- id: plui\n  family: espace\n  label: {fr: Encore}\n", encoding="utf-8"
    )
    found = _problems(content, output, cache)
    assert any("duplicate descriptor id 'plui'" in p for p in found)
    assert found == _problems(content, tmp_path / "fresh", False)
    (content / "atlas/descriptors/aa.yaml").unlink()
    build(content, output, cache=cache)
    _edit(content / DOSSIER, "lang: fr", "lang: es")
    build(content, output, cache=cache)
    shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
    build(content, tmp_path / "fresh", cache=False)
    assert _differences(output, tmp_path / "fresh") == []
    assert (output / "dossiers/comite-de-direction-partage/pays-de-brevanne/index.html").read_text(
        encoding="utf-8"
    ).count('lang="es"') >= 1


def test_a_damaged_part_of_the_state_costs_at_most_a_full_build(
    content: Path, tmp_path: Path
) -> None:
    """A part of the model or the parsed files damaged: the next build is right (every
    page rendered again for the model; the parsed files only parsed again)."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    first = build(content, output, cache=cache)
    state = state_file(cache, output, _options(None, None, False))
    documents = sorted(state.parent.glob(f"{state.stem}.documents.*.state"))[0]
    damaged = [(_parsed_file(state), False), (documents, True), (_heavy_file(state), True)]
    for part, everything in damaged:
        data = bytearray(part.read_bytes())
        data[len(data) // 2] ^= 0xFF
        part.write_bytes(bytes(data))
        _append(content / DOCUMENT, "\nUne phrase.\n")
        report = build(content, output, cache=cache)
        assert report.rendered == (first.pages if everything else 1)
    build(content, tmp_path / "fresh", cache=False)
    assert _differences(output, tmp_path / "fresh") == []


def test_links_not_looked_for_again_only_under_the_same_settings(
    content: Path, tmp_path: Path
) -> None:
    """The links of a text the previous build checked are not looked for again, unless
    the settings that decide which are refused changed: raw HTML allowed makes an
    unchanged document's raw link a link, refused as a full build refuses it."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    _append(content / DOCUMENT, '\nUn <a href="ftp://exemple.org/x">lien brut</a>.\n')
    build(content, output, cache=cache)
    _append(content / "site.yaml", "allow_html: true\n")
    found = _problems(content, output, cache)
    assert any(DOCUMENT in p and "ftp://exemple.org/x" in p for p in found)
    assert found == _problems(content, tmp_path / "fresh", False)


def test_an_edit_writes_again_only_the_part_of_the_model_it_changed(
    content: Path, tmp_path: Path
) -> None:
    """The model keeps each dossier's documents in a part of its own: an edit writes
    again the edited document's part alone; a dossier gone, its part goes too."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    state = state_file(cache, output, _options(None, None, False))

    def parts() -> dict[str, int]:
        found = state.parent.glob(f"{state.stem}.documents.*.state")
        return {path.name: path.stat().st_ino for path in found}

    before = parts()
    assert len(before) == len(list((content / "dossiers").glob("*/index.md")))
    _append(content / DOCUMENT, "\nUne phrase de plus.\n")
    assert build(content, output, cache=cache).rendered == 1
    after = parts()
    assert after.keys() == before.keys()
    assert len([name for name in after if after[name] != before[name]]) == 1
    extra = content / "dossiers" / "un-dossier-de-passage"
    extra.mkdir()
    (extra / "index.md").write_text(
        "---\ntitle: De passage\ndate: 2024-01-01\nsummary: Un essai.\n---\n\nTexte.\n",
        encoding="utf-8",
    )
    shutil.copy(content / DOCUMENT, extra / "un-document.md")
    build(content, output, cache=cache)
    assert len(parts()) == len(before) + 1
    shutil.rmtree(extra)
    build(content, output, cache=cache)
    assert parts().keys() == before.keys()
    build(content, tmp_path / "fresh", cache=False)
    assert _differences(output, tmp_path / "fresh") == []


def test_files_read_again_after_a_change_of_languages_come_parsed_from_the_state(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another language: every file is checked again, none parsed again (the parsed
    files kept are decoded, once), and the site is a full build's."""
    from treillis import incremental, sources

    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    decoded: list[Path] = []
    load_parsed = incremental._load_parsed
    monkeypatch.setattr(
        incremental,
        "_load_parsed",
        lambda path, *args: decoded.append(path) or load_parsed(path, *args),
    )
    parsed: list[str] = []
    split = sources.split_front_matter
    monkeypatch.setattr(
        sources, "split_front_matter", lambda text: parsed.append(text) or split(text)
    )
    checked = _checked_files(monkeypatch)
    _edit(content / "site.yaml", "languages: [fr, en, es]", "languages: [fr, en, es, pt]")
    build(content, output, cache=cache)
    assert len(decoded) == 1 and parsed == []
    assert Path(DOCUMENT).name in checked and "index.md" in checked
    build(content, tmp_path / "fresh", cache=False)
    assert _differences(output, tmp_path / "fresh") == []


def test_an_edit_build_told_by_the_output_walk_still_mends_a_damaged_page(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output walked apart while the content is read (a large output) tells the
    edit build whether every page is as written: a page changed by hand is written
    again, and the other pages are not looked at one by one when none was."""
    from treillis import build as build_module
    from treillis.output import Staging

    monkeypatch.setattr(build_module, "_WALKED_APART", 1)  # the demo's output walked apart
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    looked: list[str] = []
    intact = Staging.intact
    monkeypatch.setattr(
        Staging, "intact", lambda self, path: looked.append(path) or intact(self, path)
    )
    _append(content / DOCUMENT, "\nUne phrase.\n")
    assert build(content, output, cache=cache).rendered == 1
    assert not [path for path in looked if path.endswith(".html")]
    damaged = output / "atlas/index.html"
    damaged.write_text("abîmée", encoding="utf-8")
    _append(content / DOCUMENT, "\nUne autre.\n")
    build(content, output, cache=cache)
    assert [path for path in looked if path.endswith(".html")]
    build(content, tmp_path / "fresh", cache=False)
    assert _differences(output, tmp_path / "fresh") == []


def test_the_documents_are_saved_one_part_per_dossier_unless_out_of_order(tmp_path: Path) -> None:
    from treillis.model import Document, Site, SiteConfig, Text

    def site(*keys: str) -> Site:
        documents = {}
        for key in keys:
            dossier, slug = key.split("/")
            documents[key] = Document(dossier, slug, slug, "analysis", "2020", "fr")
        return Site(tmp_path, SiteConfig(Text(), Text(), ["fr"]), documents=documents)

    state = tmp_path / "x.state"
    in_order = site("a/un", "a/deux", "b/un")
    parts = _document_parts(state, in_order, {})
    assert {d: [x.key for x in p[1]] for d, p in parts.items()} == {
        "a": ["a/un", "a/deux"],
        "b": ["b/un"],
    }
    # A part whose documents are the same objects is kept as it was (its token too).
    assert _document_parts(state, in_order, parts) == parts
    mixed = _document_parts(state, site("a/un", "b/un", "a/deux"), parts)
    assert {d: [x.key for x in p[1]] for d, p in mixed.items()} == {"": ["a/un", "b/un", "a/deux"]}
