"""`treillis import skos` on the two real thesauri, and the SKOS round trip."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from generator.build import build, load
from generator.importers.skos import ImportError_, import_skos
from tests.conftest import DEMO_CONTENT

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# The real thesauri and documents sit beside the repository (../shared/data); CI has them.
NEEDS_DATA = pytest.mark.skipif(
    not DATA.is_dir() and not os.environ.get("CI"), reason="../shared/data is not there"
)
W = DATA / "thesaurus-w" / "thesaurus_matiere.rdf"
UNESCO = DATA / "unesco" / "unesco-thesaurus.ttl"
LINK = re.compile(r'(?:href|src)="([^"#]*)(?:#[^"]*)?"')


def empty_site(root: Path, languages: str) -> Path:
    content = root / "content"
    (content / "dossiers" / "d").mkdir(parents=True)
    (content / "site.yaml").write_text(
        f"title: Import\nlanguages: [{languages}]\n", encoding="utf-8"
    )
    (content / "dossiers/d/index.md").write_text("---\ntitle: D\n---\nTexte.\n", encoding="utf-8")
    return content


def assert_links_resolve(output: Path) -> int:
    """Every internal link and image of every page points to a file (a fast regex check)."""
    checked = 0
    for page in output.rglob("*.html"):
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if not target or re.match(r"[a-z]+:", target):
                continue
            assert not target.startswith("/"), (page, target)
            assert (page.parent / target).resolve().is_file(), (page, target)
            checked += 1
    return checked


def concepts_in(path: Path, kind: str = "Concept") -> int:
    from rdflib import RDF, SKOS, Graph

    graph = Graph().parse(path, format="turtle" if path.suffix == ".ttl" else "xml")
    return len(set(graph.subjects(RDF.type, getattr(SKOS, kind))))


@NEEDS_DATA
def test_thesaurus_w_imports_every_concept_and_builds(tmp_path: Path) -> None:
    content = empty_site(tmp_path, "fr")
    report = import_skos(content, W)
    site = load(content)  # validates: no cycle, every reference known
    assert len(site.descriptors) == report.concepts == concepts_in(W) == 1502
    assert len(site.families) == 11  # one per top concept
    assert sum(len(d.broader) for d in site.descriptors.values()) == report.broader > 1400
    synonyms = sum(len(items) for d in site.descriptors.values() for items in d.synonyms.values())
    assert synonyms >= 1000  # the 1,005 alternative labels (SKOS-XL)
    assert all(d.uri.startswith("http://data.culture.fr/") for d in site.descriptors.values())
    build(content, tmp_path / "output", cache=tmp_path / "cache")
    assert assert_links_resolve(tmp_path / "output") > 10_000


@NEEDS_DATA
def test_unesco_thesaurus_imports_every_concept_in_three_languages_and_builds(
    tmp_path: Path,
) -> None:
    content = empty_site(tmp_path, "fr, en, es")
    report = import_skos(content, UNESCO)
    site = load(content)
    assert len(site.descriptors) == report.concepts == concepts_in(UNESCO) == 4482
    assert len(site.families) == concepts_in(UNESCO, "Collection")  # domains and micro-thesauri
    assert all(
        {"fr", "en", "es"} <= set(d.label.values) for d in list(site.descriptors.values())[:200]
    )
    assert report.skipped["labels in languages the site does not use (ru)"] > 1000
    # Built in French only, to keep the test short; every link still has to resolve.
    config = content / "site.yaml"
    config.write_text("title: Import\nlanguages: [fr]\n", encoding="utf-8")
    import_skos(content, UNESCO, force=True)
    build(content, tmp_path / "output", cache=tmp_path / "cache")
    assert assert_links_resolve(tmp_path / "output") > 40_000


def test_the_exported_atlas_imports_back_to_the_same_atlas(
    demo_output: Path, tmp_path: Path
) -> None:
    original = load(DEMO_CONTENT)
    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    shutil.rmtree(content / "atlas")  # the atlas comes back from its SKOS export alone
    (content / "atlas/descriptors").mkdir(parents=True)
    import_skos(content, demo_output / "atlas/atlas.ttl", name="demo")
    imported = load(content)
    assert set(imported.descriptors) == set(original.descriptors)
    for descriptor_id, descriptor in original.descriptors.items():
        again = imported.descriptors[descriptor_id]
        assert again.label.values == descriptor.label.values
        # RDF has no order: synonyms come back as a set.
        assert {k: sorted(v) for k, v in again.synonyms.items()} == {
            k: sorted(v) for k, v in descriptor.synonyms.items() if v
        }
        assert again.note.values == descriptor.note.values
        assert sorted(again.broader_ids) == sorted(descriptor.broader_ids)
        assert again.family.target == descriptor.family.target
    from generator.atlas import Atlas

    # Related links are symmetric: compare them both ways.
    assert {d: set(r) for d, r in Atlas(imported).related.items()} == {
        d: set(r) for d, r in Atlas(original).related.items()
    }
    assert {f: (x.label.values, x.colour) for f, x in imported.families.items()} == {
        f: (x.label.values, x.colour) for f, x in original.families.items()
    }

    def family_shape(family) -> tuple:
        return (
            family.parent.target if family.parent else None,
            family.axis,
            family.code,
            sorted(r.target for r in family.crossing),
        )

    assert {f: family_shape(x) for f, x in imported.families.items()} == {
        f: family_shape(x) for f, x in original.families.items()
    }


def test_a_concept_matching_an_atlas_descriptor_is_merged(small_site: Path, tmp_path: Path) -> None:
    descriptors = small_site / "atlas/descriptors/main.yaml"
    descriptors.write_text(
        descriptors.read_text(encoding="utf-8").replace(
            "- id: territoire\n", "- id: territoire\n  uri: http://example.org/rameau/territoire\n"
        ),
        encoding="utf-8",
    )
    thesaurus = tmp_path / "t.ttl"
    thesaurus.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<http://x.org/c1> a skos:Concept ; skos:prefLabel "Territoires"@fr ;\n'
        "  skos:exactMatch <http://example.org/rameau/territoire> .\n"
        '<http://x.org/c2> a skos:Concept ; skos:prefLabel "Bassin de vie"@fr ; skos:broader <http://x.org/c1> .\n',
        encoding="utf-8",
    )
    report = import_skos(small_site, thesaurus, family="acteurs")
    site = load(small_site)
    assert report.merged == 1 and "c1" not in site.descriptors
    assert site.descriptors["c2"].broader_ids == ["territoire"]


def test_files_edited_by_hand_are_not_replaced_without_force(
    small_site: Path, tmp_path: Path
) -> None:
    thesaurus = tmp_path / "t.ttl"
    thesaurus.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<http://x.org/a> a skos:Concept ; skos:prefLabel "A"@fr .\n',
        encoding="utf-8",
    )
    import_skos(small_site, thesaurus, family="acteurs")
    import_skos(small_site, thesaurus, family="acteurs")  # untouched: replaced quietly
    written = small_site / "atlas/descriptors/t.yaml"
    written.write_text(
        written.read_text(encoding="utf-8") + "  note: {fr: Ma note}\n", encoding="utf-8"
    )
    with pytest.raises(ImportError_, match="edited since it was imported: use --force"):
        import_skos(small_site, thesaurus, family="acteurs")
    assert "Ma note" in written.read_text(encoding="utf-8")
    import_skos(small_site, thesaurus, family="acteurs", force=True)
    assert "Ma note" not in written.read_text(encoding="utf-8")
