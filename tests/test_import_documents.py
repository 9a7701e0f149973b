"""`treillis import documents` and `treillis suggest`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.corpora import MAPPING
from generator.build import build, load
from generator.importers.documents import DocumentImportError, import_documents
from generator.importers.skos import import_skos
from tests.test_import_skos import DATA, NEEDS_DATA, W, assert_links_resolve, empty_site

SERVICE_PUBLIC = DATA / "service-public"


def treillis(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd
    )


@NEEDS_DATA
def test_service_public_imports_with_a_mapping_and_builds_with_thesaurus_w(tmp_path: Path) -> None:
    content = empty_site(tmp_path, "fr")
    import_skos(content, W)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    total = 0
    for audience in ("associations", "particuliers", "professionnels"):
        (content / "dossiers" / audience).mkdir()
        (content / "dossiers" / audience / "index.md").write_text(
            f"---\ntitle: {audience}\n---\nx\n", encoding="utf-8"
        )
        count, notes = import_documents(content, SERVICE_PUBLIC / audience, audience, mapping)
        assert notes == []
        total += count
    sources = sorted(SERVICE_PUBLIC.glob("*/*.md"))
    assert total == len(sources) == 2192
    site = load(content)
    assert len(site.documents) == 2192
    sheet = site.documents["associations/f1119"]
    assert sheet.title == "Déclaration initiale d'une association"
    assert sheet.type == "resource" and sheet.date == "2020-01-01"
    assert sheet.source.url == "https://www.service-public.fr/associations/vosdroits/F1119"
    assert not sheet.body.lstrip().startswith("# ")
    indexed = [d for d in site.documents.values() if d.descriptors]
    assert len(indexed) > 0.9 * len(site.documents)
    build(content, tmp_path / "output", cache=tmp_path / "cache")
    assert assert_links_resolve(tmp_path / "output") > 50_000


def test_mapping_values_constants_patterns_and_labels(small_site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    (folder / "one.md").write_text(
        "---\nref: A-12\nname: Un budget voté par les habitants\nkind: cas\n"
        "when: 'publié le 2021-03-04'\ntopics: [Budget participatif, Inconnu]\n---\n"
        "# Un budget voté par les habitants\n\nLa participation des habitants au budget.\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "id: ref\ntitle: name\ntype: {field: kind, values: {cas: experience}}\n"
        "date: {field: when, pattern: '\\d{4}-\\d{2}-\\d{2}'}\nlang: {value: fr}\n"
        "partner: {value: reseau}\ndescriptors: {fields: [topics], suggest: 3}\ndrop_title_heading: true\n",
        encoding="utf-8",
    )
    count, notes = import_documents(small_site, folder, "essai", mapping)
    assert count == 1 and notes == []
    document = load(small_site).documents["essai/a-12"]
    assert (document.title, document.type, document.date, document.partner.target) == (
        "Un budget voté par les habitants",
        "experience",
        "2021-03-04",
        "reseau",
    )
    assert document.descriptor_ids[0] == "budget"  # from the topics, by label
    assert "participation" in document.descriptor_ids  # found in the text
    assert document.body.strip() == "La participation des habitants au budget."
    with pytest.raises(DocumentImportError, match="unknown dossier 'nope'"):
        import_documents(small_site, folder, "nope", mapping)
    mapping.write_text("titel: name\n", encoding="utf-8")
    with pytest.raises(DocumentImportError, match="unknown fields titel"):
        import_documents(small_site, folder, "essai", mapping)


def test_suggest_proposes_descriptors_found_in_the_text(small_site: Path, tmp_path: Path) -> None:
    text = tmp_path / "draft.md"
    text.write_text(
        "---\ntitle: Un budget participatif\ndescriptors: [budget]\n---\n"
        "Les budgets participatifs et la participation des habitants.\n",
        encoding="utf-8",
    )
    result = treillis("suggest", str(text), "--content", str(small_site), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.match(r"budget\s+Budget participatif\s+×\d+\s+\(already indexed\)", lines[0])
    assert any(line.startswith("participation ") for line in lines)


def test_documents_without_descriptors_get_a_warning(small_site: Path) -> None:
    document = small_site / "dossiers/essai/cas-deux.md"
    document.write_text(
        document.read_text(encoding="utf-8").replace("descriptors: [budget]\n", ""),
        encoding="utf-8",
    )
    result = treillis("check", str(small_site), cwd=small_site.parent)
    assert result.returncode == 0
    assert "content/dossiers/essai/cas-deux.md:1: this document has no descriptors" in result.stderr
