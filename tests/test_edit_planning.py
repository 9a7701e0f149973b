"""What an edit of one document plans again: only the pages that may show it, found
without planning the others (the lists of the descriptors above its own, the related
documents of its neighbours), and the same site a build from nothing gives."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.synthetic import write_site
from tests.test_incremental import _differences, _pages, _planned_pages
from treillis.atlas import Atlas
from treillis.build import build, load
from treillis.incremental import _lists_showing, _previous_atlas, affected_items
from treillis.model import Site
from treillis.views import Views
from treillis.views.atlas import ALL_DOCUMENTS_SHOWN


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with one top descriptor above all, whose list including narrower ones
    shows only part of its documents (more than `ALL_DOCUMENTS_SHOWN`)."""
    folder = write_site(
        tmp_path_factory.mktemp("synthetic") / "content",
        descriptors=30,
        documents=600,
        dossiers=4,
        families=3,
    )
    return folder


@pytest.fixture(scope="module")
def loaded(synthetic: Path) -> Site:
    return load(synthetic)


def _documents(content: Path) -> list[Path]:
    return sorted(p for p in (content / "dossiers").glob("*/*.md") if p.name != "index.md")


def _replace_field(path: Path, name: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(rf"\n{name}: [^\n]*", lambda _: f"\n{name}: {value}", text, count=1),
        encoding="utf-8",
    )


def _field(path: Path, name: str) -> str:
    found = re.search(rf"\n{name}: ([^\n]*)", path.read_text(encoding="utf-8"))
    assert found
    return found.group(1)


def test_the_lists_showing_a_document_are_found_by_walking_up(loaded: Site) -> None:
    site = loaded
    views = Views(site, Atlas(site))
    atlas = views.atlas
    walked = shown = 0
    for key, document in site.documents.items():
        indexing = {d for d in document.descriptor_ids if d in atlas.broader}
        above = set().union(*(atlas.ancestors(d) for d in indexing))
        expected = {
            descriptor
            for descriptor in above
            if key in views.newest(atlas.documents_including_narrower(descriptor), 250)
        }
        assert _lists_showing(views, key, indexing) == expected, key
        walked += len(above)
        shown += len(expected)
    assert 0 < shown < walked  # some lists show a document, some do not (too old)
    assert ALL_DOCUMENTS_SHOWN == 250


def test_newest_documents_are_ordered_alike_with_or_without_the_site_wide_tables(
    loaded: Site,
) -> None:
    site = loaded
    # Ties: documents of one date and title are ordered by key (or as given).
    tied = list(site.documents)[::7]
    documents = dict(site.documents)
    for key in tied:
        documents[key] = replace(documents[key], date="2019-05-05", title="Même titre")
    site = replace(site, documents=documents)
    keys = sorted(documents, reverse=True)
    atlas = Atlas(site)
    tables = Views(site, atlas)
    assert tables.newest_rank and "_newest_first" in tables.__dict__
    for some in (keys[:50], tied, list(reversed(tied)), keys):
        small = Views(site, atlas)
        assert small.document_cards(some, "fr") == tables.document_cards(some, "fr")
        assert small.newest(some, 40) == tables.newest(some, 40)
        # Few documents: sorted by their dates and titles, no tables made.
        assert ("_newest_first" in small.__dict__) == (some is keys)
    assert Views(site, atlas).newest_documents("fr") == tables.document_cards(keys, "fr")[:8]


def test_the_previous_atlas_is_made_from_the_new_one(loaded: Site) -> None:
    old = loaded
    documents = dict(old.documents)
    first, second = list(documents)[10], list(documents)[20]
    descriptors = documents[second].descriptors
    documents[first] = replace(documents[first], descriptors=descriptors[:1])
    documents[second] = replace(documents[second], descriptors=descriptors[1:])
    new = replace(old, documents=documents)
    made = _previous_atlas(Atlas(new), old, new, {first, second})
    assert made.documents == Atlas(old).documents
    assert _previous_atlas(Atlas(new), new, new, set()).documents == Atlas(new).documents


def _edit_and_compare(content: Path, output: Path, cache: Path, fresh: Path) -> tuple[set, int]:
    """Build `content` again into `output` (after an edit) and from nothing into `fresh`:
    the pages rendered again, and how many there are."""
    before = _pages(output)
    report = build(content, output, cache=cache)
    build(content, fresh, cache=False)
    assert _differences(output, fresh) == []
    after = _pages(output)
    return {path for path, inode in after.items() if before.get(path) != inode}, report.pages


def test_an_edited_card_plans_only_the_lists_that_show_it(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned = _planned_pages(monkeypatch)
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache=cache)
    site = load(content)
    # The oldest document the top descriptor does not index: its list (of 600
    # documents) does not show it.
    oldest = min(
        (d for d in site.documents.values() if "d0" not in d.descriptor_ids),
        key=lambda d: (d.date, d.title),
    )
    path = next(
        p for p in _documents(content) if p.stem == oldest.slug and oldest.dossier in str(p)
    )
    edits = [
        ("title", lambda: _replace_field(path, "title", "Révisé — " + oldest.title)),
        ("newest", lambda: _replace_field(path, "date", "2030-01-01")),
        ("title again", lambda: _replace_field(path, "title", "Encore révisé")),
        ("oldest", lambda: _replace_field(path, "date", "1990-01-01")),
        ("descriptors", lambda: _replace_field(path, "descriptors", "[d29]")),
    ]
    for number, (name, edit) in enumerate(edits):
        edit()
        planned.clear()
        rendered, pages = _edit_and_compare(content, output, cache, tmp_path / f"fresh-{number}")
        lists = {p for p in planned if p.endswith("/all/index.html")}
        assert set(planned) >= rendered, name
        if name != "descriptors":
            assert lists <= rendered, name  # none planned for nothing
        if name == "title":
            # Shown on some lists, not on the top descriptor's: too old.
            assert lists and not any(p.startswith(("atlas/d0/", "en/atlas/d0/")) for p in lists)
            assert len(planned) < pages / 10, (name, len(planned))
        if name == "oldest":  # shown on every list before (the newest), on fewer after
            assert "atlas/d0/all/index.html" in lists
    assert _field(path, "descriptors") == "[d29]"


def test_a_neighbour_shows_an_edited_card_among_its_related_documents(loaded: Site) -> None:
    old = loaded
    views = Views(old, Atlas(old))
    from treillis.views.content import _related_documents

    # A document some other one lists among its related ones.
    related = {
        key: [entry["card"].key for entry in _related_documents(views, d, d.lang)]
        for key, d in old.documents.items()
    }
    shown = next(k for k in old.documents if any(k in keys for keys in related.values()))
    documents = dict(old.documents)
    documents[shown] = replace(documents[shown], title="Un autre titre")
    new = Site(**{**old.__dict__, "documents": documents})
    affected = affected_items(old, new)
    assert affected is not None
    showing = {key for key, keys in related.items() if shown in keys}
    assert showing <= affected.documents
    # Those alone (and its own page): neighbours whose related ones are others are not.
    assert affected.documents == showing | {shown} | set(views.translations(shown))


def test_whether_a_list_shows_a_document_is_told_without_ranking_it_all(loaded: Site) -> None:
    from treillis.incremental import _among_newest
    from treillis.views.content import NEWEST_SHOWN, _related_documents, relates_any

    site = loaded
    # Ties: two documents of one date and title, among the newest.
    documents = dict(site.documents)
    newest = max(documents.values(), key=lambda d: (d.date, d.title))
    for key in list(documents)[5:7]:
        documents[key] = replace(documents[key], date=newest.date, title=newest.title)
    site = replace(site, documents=documents)
    views = Views(site, Atlas(site))
    home = {card.key for card in views.newest_documents("fr", NEWEST_SHOWN)}
    assert {key for key in documents if _among_newest(site, key)} == home
    listed = 0
    for number, document in enumerate(documents.values()):
        related = {e["card"].key for e in _related_documents(views, document, document.lang)}
        others = set(list(documents)[number % 50 :: 50])
        for key in [*related, *others]:
            assert relates_any(views, document, {key}) == (key in related), (document.key, key)
        assert relates_any(views, document, others) == bool(related & others)
        listed += len(related)
    assert listed > len(documents)


@pytest.mark.parametrize("edit", ["date", "descriptors", "both"])
def test_every_document_whose_related_ones_change_is_planned(loaded: Site, edit: str) -> None:
    from treillis.views.content import _related_documents
    from treillis.views.diagrams import indexing_diagram

    old = loaded
    documents = dict(old.documents)
    # A document many others list among their related ones, made older or newer, or
    # indexed otherwise.
    before = Views(old, Atlas(old))
    counts: dict[str, int] = {}
    for d in documents.values():
        for entry in _related_documents(before, d, d.lang):
            counts[entry["card"].key] = counts.get(entry["card"].key, 0) + 1
    key = max(counts, key=counts.__getitem__)
    document = documents[key]
    if edit in ("date", "both"):
        document = replace(document, date="2031-01-01")
    if edit in ("descriptors", "both"):
        document = replace(document, descriptors=document.descriptors[1:])
    documents[key] = document
    new = replace(old, documents=documents)
    after = Views(new, Atlas(new))
    affected = affected_items(old, new)
    assert affected is not None
    differ = {
        k
        for k, d in new.documents.items()
        if _related_documents(before, old.documents[k], d.lang)
        != _related_documents(after, d, d.lang)
    }
    assert len(differ) > 5 and differ <= affected.documents
    # And every one whose links or picture show another number of documents.
    pictured = {
        k
        for k, d in new.documents.items()
        if indexing_diagram(before, old.documents[k]) != indexing_diagram(after, d)
        or before.descriptor_links(old.documents[k].descriptor_ids, d.lang)
        != after.descriptor_links(d.descriptor_ids, d.lang)
    }
    assert pictured <= affected.documents
    if edit != "date":
        assert len(pictured) > 5
