"""`treillis import documents` and `treillis suggest`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.corpora import MAPPING
from tests.test_hostile import time_limit
from tests.test_import_skos import DATA, NEEDS_DATA, W, assert_links_resolve, empty_site
from treillis.build import build, load
from treillis.errors import BuildError
from treillis.importers.documents import DocumentImportError, import_documents
from treillis.importers.skos import import_skos

SERVICE_PUBLIC = DATA / "service-public"


def treillis(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treillis", *args], capture_output=True, text=True, cwd=cwd
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
        report = import_documents(content, SERVICE_PUBLIC / audience, audience, mapping)
        assert report.notes == [] and report.problems == []
        total += report.count
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
    report = import_documents(small_site, folder, "essai", mapping)
    assert report.count == 1 and report.notes == [] and report.problems == []
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
    with pytest.raises(
        BuildError, match=r"map.yaml:1: unknown field 'titel' \(did you mean 'title'"
    ):
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


def foreign(root: Path, files: dict[str, str]) -> Path:
    """A folder of their Markdown files."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_foreign_value_cannot_add_fields_to_the_front_matter(
    small_site: Path, tmp_path: Path
) -> None:
    folder = foreign(
        tmp_path / "theirs",
        {
            "one.md": '---\nname: "Un\\ntitre: x"\nlanguage: "fr\\ndescriptors: [x]\\nsummary: '
            'INJECTED"\nwho: ["A\\ntype: proposal", "B: c"]\n---\nTexte.\n'
        },
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("title: name\nlang: language\nauthors: who\n", encoding="utf-8")
    report = import_documents(small_site, folder, "essai", mapping)
    assert report.count == 1 and report.problems == []
    assert report.notes[1:] == [
        f"{folder / 'one.md'}: language 'fr descriptors: [x] summary: INJECTED' is not one of "
        "the site's (fr, en): fr written instead"
    ]
    document = load(small_site).documents["essai/one"]  # it reads back: no duplicate key
    assert document.title == "Un titre: x"
    assert (document.lang, document.summary, document.descriptor_ids) == ("fr", "", [])
    assert document.authors == ["A type: proposal", "B: c"] and document.type == "resource"


def test_a_pattern_with_nested_repetitions_does_not_hang(small_site: Path, tmp_path: Path) -> None:
    folder = foreign(tmp_path / "theirs", {"one.md": f"---\nref: {'a' * 86}!\n---\nTexte.\n"})
    mapping = tmp_path / "map.yaml"
    mapping.write_text("title: {field: ref, pattern: '(a+)+$', default: Sans titre}\n")
    with time_limit(20):
        report = import_documents(small_site, folder, "essai", mapping)
    assert report.count == 1 and load(small_site).documents["essai/one"].title == "Sans titre"
    # A pattern that no engine runs to its end is stopped and reported at its line.
    mapping.write_text("lang: {value: fr}\ntitle: {field: ref, pattern: '(a|aa)*$'}\n")
    (small_site / "dossiers/essai/one.md").unlink()
    with time_limit(20), pytest.raises(BuildError) as error:
        import_documents(small_site, folder, "essai", mapping)
    assert [str(p) for p in error.value.problems] == [
        f"{mapping}:2: this pattern takes more than 1 s on the 'ref' of {folder / 'one.md'}: "
        "simplify it (nested repetitions such as (a|aa)* can take forever)"
    ]
    assert not (small_site / "dossiers/essai/one.md").exists()


def test_the_dossier_page_and_other_documents_are_never_overwritten(
    small_site: Path, tmp_path: Path
) -> None:
    page = small_site / "dossiers/essai/index.md"
    before = page.read_text(encoding="utf-8")
    folder = foreign(
        tmp_path / "theirs",
        {
            "index.md": "---\ntitle: Their index\n---\nTheirs.\n",
            "a/fiche.md": "---\ntitle: A\n---\nFirst.\n",
            "b/fiche.md": "---\ntitle: B\n---\nSecond.\n",
            "!!!.md": "---\ntitle: Bang\n---\nBang.\n",
            "other.md": "---\ntitle: Other\nref: cas-un\n---\nOther.\n",
            "kept.md": "---\ntitle: Kept\n---\nKept.\n",
        },
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("lang: {value: fr}\n", encoding="utf-8")
    report = import_documents(small_site, folder, "essai", mapping, force=True)
    assert page.read_text(encoding="utf-8") == before
    assert report.count == 3  # a/fiche, kept, other
    assert (small_site / "dossiers/essai/fiche.md").read_text(encoding="utf-8").endswith("First.\n")
    assert not (small_site / "dossiers/essai/.md").exists()
    messages = sorted(str(p) for p in report.problems)
    assert len(messages) == 3
    assert messages[0].startswith(f"{folder / '!!!.md'}:1: the id '!!!' has no letter or digit")
    assert messages[1] == (
        f"{folder / 'b/fiche.md'}:1: the id 'fiche' is also the id of {folder / 'a/fiche.md'}: "
        "this document is not imported (give one of them another id)"
    )
    assert messages[2].startswith(f"{folder / 'index.md'}:1: the id 'index' names the dossier's")
    load(small_site)  # what was written is valid


def test_mapping_problems_are_reported_with_their_lines(small_site: Path, tmp_path: Path) -> None:
    folder = foreign(tmp_path / "theirs", {"one.md": "---\ntitle: A\n---\nTexte.\n"})
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "title: title\n"
        'date: {field: date, pattern: "(["}\n'
        "type: {field: kind, values: [a, b]}\n"
        "descriptors: {fields: [topics], suggest: abc}\n"
        "drop_title_heading: maybe\n"
        "authors: [a, b]\n",
        encoding="utf-8",
    )
    command = ["import", "documents", str(folder), "--map", str(mapping)]
    result = treillis(*command, "--dossier", "essai", "--content", str(small_site), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = [line.split(": ", 1)[0] for line in result.stderr.splitlines()[:-1]]
    assert lines == ["map.yaml:2", "map.yaml:3", "map.yaml:4", "map.yaml:5", "map.yaml:6"]
    assert "map.yaml:2: the pattern of 'date' is not a valid regular expression" in result.stderr
    assert "map.yaml:3: 'values' of 'type' must be a table" in result.stderr
    assert "map.yaml:4: 'suggest' must be a whole number" in result.stderr
    assert list((small_site / "dossiers/essai").glob("one.md")) == []
    result = treillis(
        *command, "--dossier", "../dossiers/essai", "--content", str(small_site), cwd=tmp_path
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Invalid value for '--dossier'" in result.stderr
    assert "name the dossier by its folder's name" in result.stderr


def test_suggest_reads_any_front_matter_without_traceback(small_site: Path, tmp_path: Path) -> None:
    text = tmp_path / "draft.md"
    text.write_text(
        "---\ntitle: [Un, budget]\ndescriptors: [{budget: x}, budget]\nlang: {fr: x}\n---\n"
        "Les budgets participatifs.\n",
        encoding="utf-8",
    )
    result = treillis("suggest", str(text), "--content", str(small_site), cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert re.match(r"budget\s+Budget participatif\s+×\d+\s+\(already indexed\)", result.stdout)
    text.write_text("---\ntitle: [\n---\nTexte.\n", encoding="utf-8")
    result = treillis("suggest", str(text), "--content", str(small_site), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{text}:2: YAML syntax")
