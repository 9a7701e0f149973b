"""`treillis import skos` on the two real thesauri, and the SKOS round trip."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_CONTENT
from tests.test_hostile import time_limit
from treillis.build import build, load
from treillis.errors import BuildError
from treillis.importers.skos import ImportError_, import_skos

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# The real thesauri and documents sit beside the repository (../shared/data); CI has them.
NEEDS_DATA = pytest.mark.skipif(
    not DATA.is_dir() and not os.environ.get("CI"), reason="../shared/data is not there"
)
W = DATA / "thesaurus-w" / "thesaurus_matiere.rdf"
UNESCO = DATA / "unesco" / "unesco-thesaurus.ttl"
LINK = re.compile(r'(?:href|src)="([^"#?]*)(?:[?#][^"]*)?"')


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


def treillis(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treillis", *args], capture_output=True, text=True, cwd=cwd
    )


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
    from treillis.atlas import Atlas

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


TURTLE_PREFIXES = (
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix t: <https://treillis.invalid/ns#> .\n"
)


def test_imported_ids_and_values_are_checked_like_written_ones(
    small_site: Path, tmp_path: Path
) -> None:
    thesaurus = tmp_path / "t.ttl"
    thesaurus.write_text(
        TURTLE_PREFIXES + '<http://x.org/a> a skos:Concept ; skos:prefLabel "A"@fr ;\n'
        '  t:id "a\\n- id: ghost\\n  family: acteurs\\n  label: Ghost" .\n'
        '<http://x.org/b> a skos:Concept ; skos:prefLabel "B: « b »\\nbroader: [a]"@fr ;\n'
        "  skos:broader <http://x.org/a> .\n"
        '<http://x.org/c> a skos:Concept ; skos:prefLabel "C"@fr ; t:id "../../../etc" .\n'
        '<http://x.org/col> a skos:Collection ; skos:prefLabel "Col"@fr ; skos:member\n'
        '  <http://x.org/b> ; t:axis "component\\ncolour: x" ; t:code "1" ; t:colour "red" .\n',
        encoding="utf-8",
    )
    report = import_skos(small_site, thesaurus)
    site = load(small_site)  # what was written is valid
    assert "ghost" not in site.descriptors and "etc" not in site.descriptors
    assert site.descriptors["b"].label.values == {"fr": "B: « b » broader: [a]"}
    assert site.descriptors["b"].broader_ids == []  # its broader concept was left out
    family = site.families[site.descriptors["b"].family.target]
    assert (family.axis, family.label.get("fr")) == ("", "Col")
    messages = [str(p) for p in report.problems]
    assert messages[0].startswith(
        f"{thesaurus}:3: the concept http://x.org/a: 'a - id: ghost family: acteurs label: "
        "Ghost' is not a valid identifier"
    )
    assert messages[1].startswith(
        f"{thesaurus}:7: the concept http://x.org/c: '../../../etc' is not a valid identifier"
    )
    assert messages[2] == (
        f"{thesaurus}:8: the collection http://x.org/col: 'red' is not a colour: write it "
        "#rrggbb (for instance #2b6f8f); it is left out"
    )
    assert messages[3] == (
        f"{thesaurus}:8: the collection http://x.org/col: unknown axis 'component colour: x': "
        "choose one of component, angle (did you mean 'component'?); it is left out"
    )
    assert len(messages) == 4


def test_collections_containing_themselves_are_reported_not_followed_forever(
    small_site: Path, tmp_path: Path
) -> None:
    thesaurus = tmp_path / "loops.ttl"
    thesaurus.write_text(
        TURTLE_PREFIXES + '<http://x.org/a> a skos:Concept ; skos:prefLabel "A"@fr .\n'
        '<http://x.org/b> a skos:Concept ; skos:prefLabel "B"@fr .\n'
        "<http://x.org/col1> a skos:Collection ; skos:member <http://x.org/col1>,\n"
        "  <http://x.org/a> .\n"
        "<http://x.org/col2> a skos:Collection ; skos:member <http://x.org/col3> .\n"
        "<http://x.org/col3> a skos:Collection ; skos:member <http://x.org/col2>,\n"
        "  <http://x.org/b> .\n",
        encoding="utf-8",
    )
    with time_limit(20):
        report = import_skos(small_site, thesaurus)
    assert [str(p) for p in report.problems] == [
        f"{thesaurus}:5: collections cannot contain themselves (skos:member): "
        "http://x.org/col1 → http://x.org/col1; http://x.org/col1 is not imported as a "
        "member of http://x.org/col1",
        f"{thesaurus}:7: collections cannot contain themselves (skos:member): "
        "http://x.org/col2 → http://x.org/col3 → http://x.org/col2; http://x.org/col2 is "
        "not imported as a member of http://x.org/col3",
    ]
    site = load(small_site)
    assert set(site.descriptors) >= {"a", "b"}
    assert site.families["loops-col3"].parent.target == "loops-col2"
    assert site.families["loops-col2"].parent is None


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <skos:Concept rdf:about="http://x.org/a"><skos:prefLabel xml:lang="fr">&e;</skos:prefLabel>
  </skos:Concept>
</rdf:RDF>
"""


@pytest.mark.parametrize(
    "doctype",
    [
        BILLION_LAUGHS.split("<rdf:RDF ")[0],
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY e SYSTEM "file:///etc/passwd">\n]>\n',
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/evil.dtd">\n',
    ],
    ids=["billion-laughs", "external-entity", "external-dtd"],
)
def test_rdf_xml_entities_are_refused_before_any_expansion(
    small_site: Path, tmp_path: Path, doctype: str
) -> None:
    thesaurus = tmp_path / "t.rdf"
    thesaurus.write_text(doctype + "<rdf:RDF " + BILLION_LAUGHS.split("<rdf:RDF ")[1])
    atlas = sorted(p.name for p in (small_site / "atlas").rglob("*"))
    with time_limit(20), pytest.raises(BuildError) as error:
        import_skos(small_site, thesaurus, family="acteurs")
    [problem] = error.value.problems
    assert str(problem).startswith(
        f"{thesaurus}:2: DOCTYPE and ENTITY declarations are refused in a thesaurus"
    )
    assert sorted(p.name for p in (small_site / "atlas").rglob("*")) == atlas


def test_the_commands_report_thesaurus_problems_without_traceback(
    small_site: Path, tmp_path: Path
) -> None:
    thesaurus = tmp_path / "t.rdf"
    thesaurus.write_text(BILLION_LAUGHS)
    result = treillis("import", "skos", str(thesaurus), "--content", str(small_site), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("t.rdf:2: DOCTYPE and ENTITY declarations are refused")
    thesaurus.write_text('<?xml version="1.0"?>\n<RDF>\n<a></b>\n')
    result = treillis("import", "skos", str(thesaurus), "--content", str(small_site), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(
        "t.rdf:3: this RDF/XML is not well-formed XML: mismatched tag\n"
    )
    thesaurus = tmp_path / "t.ttl"
    thesaurus.write_text(
        TURTLE_PREFIXES + '<http://x.org/a> a skos:Concept ;\n skos:prefLabel "A" \n'
    )
    result = treillis("import", "skos", str(thesaurus), "--content", str(small_site), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(
        "t.ttl:5: cannot read this thesaurus: bad syntax (EOF found after object)\n"
    )
    thesaurus.write_text(
        TURTLE_PREFIXES + '<http://x.org/a> a skos:Concept ; skos:prefLabel "A"@fr ; t:id "A A" .\n'
        '<http://x.org/b> a skos:Concept ; skos:prefLabel "B"@fr .\n'
    )
    command = ["import", "skos", str(thesaurus), "--family", "acteurs"]
    result = treillis(*command, "--content", str(small_site), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Imported 1 concepts" in result.stdout
    assert result.stderr.startswith("t.ttl:3: the concept http://x.org/a: 'A A' is not a valid")
    assert "1 problem found: what they name was not imported, the rest was." in result.stderr
