"""ScrutariData both ways: the site written as a base Coredem's Scrutari can harvest, and
a ScrutariData file read back into a `Base` (safely: nothing expanded, values as text)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from tests.conftest import DEMO_CONTENT
from treillis.build import build
from treillis.errors import BuildError
from treillis.model import DOCUMENT_TYPES
from treillis.network.scrutari import fiche_id, read_scrutari

BASE_URL = "https://example.org/atlas/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DOCUMENT = "dossiers/comite-de-direction-partage/pays-de-brevanne.md"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scrutari")
    shutil.copytree(DEMO_CONTENT, root / "content")
    build(root / "content", root / "output", base_url=BASE_URL, cache=False)
    return root / "output"


@pytest.fixture(scope="module")
def demo(content):
    """The demo content, as the model."""
    return content


def test_the_export_has_the_base_metadata(published: Path, demo) -> None:
    root = ElementTree.parse(published / "scrutari.xml").getroot()
    assert root.tag == "base"
    assert root[0].tag == "base-metadata"  # first, as the format asks
    metadata = root.find("base-metadata")
    assert metadata.findtext("authority") == "example.org"
    assert metadata.findtext("base-name") == "atlas"
    titles = {lib.get(XML_LANG): lib.text for lib in metadata.findall("intitule-short/lib")}
    assert titles == {lang: demo.config.title.get(lang) for lang in demo.config.languages}
    assert metadata.find("intitule-long/lib") is not None
    assert [lang.text for lang in metadata.findall("langs-ui/lang")] == demo.config.languages


def test_one_corpus_per_type_and_a_fiche_per_document(published: Path, demo) -> None:
    root = ElementTree.parse(published / "scrutari.xml").getroot()
    used = [kind for kind in DOCUMENT_TYPES if any(d.type == kind for d in demo.documents.values())]
    corpora = root.findall("corpus")
    assert [c.get("corpus-name") for c in corpora] == used
    for corpus in corpora:
        kind = corpus.get("corpus-name")
        names = corpus.findall("corpus-metadata/intitule-corpus/lib")
        assert {lib.get(XML_LANG) for lib in names} == set(demo.config.languages)
        expected = {fiche_id(d.key): d for d in demo.documents.values() if d.type == kind}
        fiches = {f.get("fiche-id"): f for f in corpus.findall("fiche")}
        assert fiches.keys() == expected.keys()
        for identifier, fiche in fiches.items():
            document = expected[identifier]
            assert fiche.findtext("titre") == document.title
            assert fiche.findtext("soustitre", "") == document.summary
            assert fiche.findtext("date") == document.date
            assert fiche.findtext("lang") == document.lang
            href = fiche.findtext("href")
            assert href.startswith(BASE_URL)
            assert (published / href.removeprefix(BASE_URL)).is_file()
            authors = fiche.findall("attr[@ns='sct'][@key='authors']/val")
            assert [a.text for a in authors] == document.authors


def test_the_atlas_is_a_thesaurus_indexing_the_fiches(published: Path, demo) -> None:
    root = ElementTree.parse(published / "scrutari.xml").getroot()
    (thesaurus,) = root.findall("thesaurus")
    motcles = {m.get("motcle-id"): m for m in thesaurus.findall("motcle")}
    assert motcles.keys() == demo.descriptors.keys()
    for descriptor_id, motcle in motcles.items():
        labels = {lib.get(XML_LANG): lib.text for lib in motcle.findall("lib")}
        assert labels == {
            k: v for k, v in demo.descriptors[descriptor_id].label.values.items() if v
        }
    indexed = {
        (group.get("corpus-path"), i.get("fiche-id"), i.get("motcle-id"))
        for group in root.findall("indexation-group")
        if group.get("thesaurus-path") == thesaurus.get("thesaurus-name")
        for i in group.findall("indexation")
    }
    expected = {
        (d.type, fiche_id(d.key), descriptor_id)
        for d in demo.documents.values()
        for descriptor_id in d.descriptor_ids
        if descriptor_id in demo.descriptors
    }
    assert expected and indexed == expected


def test_the_export_reads_back_to_the_same_records(published: Path, demo) -> None:
    base = read_scrutari((published / "scrutari.xml").read_bytes(), "demo")
    assert base.problems == []
    assert base.authority == "example.org"
    assert base.name == {lang: demo.config.title.get(lang) for lang in demo.config.languages}
    records = {record.url: record for record in base.records}
    assert len(records) == len(demo.documents)
    for document in demo.documents.values():
        url = f"{BASE_URL}dossiers/{document.dossier}/{document.slug}/index.html"
        record = records[url]
        assert (record.title, record.lead, record.date, record.lang, record.kind) == (
            document.title,
            document.summary,
            document.date,
            document.lang,
            document.type,
        )
        assert record.authors == tuple(document.authors)
        assert record.keywords == tuple(f"atlas/{d}" for d in document.descriptor_ids)
    for descriptor_id, descriptor in demo.descriptors.items():
        keyword = base.keywords[f"atlas/{descriptor_id}"]
        assert keyword.labels == {k: v for k, v in descriptor.label.values.items() if v}


def test_no_scrutari_file_without_a_base_url(demo_output: Path) -> None:
    assert (demo_output / "feed.xml").is_file()
    assert not (demo_output / "scrutari.xml").exists()


def test_incremental_builds_rewrite_or_keep_the_export(tmp_path: Path) -> None:
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(DEMO_CONTENT, content)
    build(content, output, base_url=BASE_URL)
    export = output / "scrutari.xml"
    first = export.read_bytes()
    # Only a document's text: the export shows none, it is kept as it is.
    with (content / DOCUMENT).open("a", encoding="utf-8") as file:
        file.write("\nUn paragraphe de plus.\n")
    build(content, output, base_url=BASE_URL)
    assert export.read_bytes() == first
    # Its title: the export is written again, as a build from nothing writes it.
    text = (content / DOCUMENT).read_text(encoding="utf-8")
    (content / DOCUMENT).write_text(text.replace("title: ", "title: Nouveau · ", 1), "utf-8")
    build(content, output, base_url=BASE_URL)
    assert b"Nouveau \xc2\xb7 " in export.read_bytes()
    build(content, tmp_path / "full", base_url=BASE_URL, cache=False)
    assert export.read_bytes() == (tmp_path / "full" / "scrutari.xml").read_bytes()


# Reading: a small base written by hand, as a partner's site would publish it.

SAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<base>
 <base-metadata>
  <authority>reseau.example</authority>
  <base-name>ressources</base-name>
  <intitule-short><lib xml:lang="fr">Ressources du réseau</lib></intitule-short>
  <langs-ui><lang>fr</lang></langs-ui>
 </base-metadata>
 <corpus corpus-name="article">
  <corpus-metadata>
   <intitule-corpus><lib xml:lang="fr">Articles</lib></intitule-corpus>
   <href-parent>https://reseau.example/articles/</href-parent>
  </corpus-metadata>
  <fiche fiche-id="12">
   <titre>Les <b>jardins</b> partagés &amp; la ville</titre>
   <soustitre>Un   chapeau
     sur deux lignes</soustitre>
   <date>2019-04</date>
   <lang>fr</lang>
   <href>jardins.html</href>
   <attr ns="sct" key="authors"><val>Anne Dupont</val></attr>
  </fiche>
  <fiche fiche-id="13">
   <titre>&lt;b&gt;html&lt;/b&gt; dans un titre</titre>
   <date>2020-T2</date>
   <href>https://reseau.example/articles/13</href>
  </fiche>
  <fiche fiche-id="14">
   <titre>Sans adresse</titre>
  </fiche>
  <fiche fiche-id="15">
   <titre>   </titre>
   <href>https://reseau.example/articles/15</href>
  </fiche>
  <fiche fiche-id="16">
   <titre>Une adresse qui n'en est pas une</titre>
   <href>javascript:alert(1)</href>
  </fiche>
  <fiche fiche-id="12">
   <titre>Le même identifiant</titre>
   <href>https://reseau.example/articles/12-bis</href>
  </fiche>
 </corpus>
 <thesaurus thesaurus-name="themes">
  <thesaurus-metadata><intitule-thesaurus><lib xml:lang="fr">Thèmes</lib></intitule-thesaurus></thesaurus-metadata>
  <motcle motcle-id="1"><lib xml:lang="fr">Agriculture urbaine</lib><lib xml:lang="en">Urban farming</lib></motcle>
  <motcle motcle-id="2"><lib xml:lang="fr">Voisinage</lib></motcle>
 </thesaurus>
 <indexation-group corpus-path="article" thesaurus-path="themes">
  <indexation fiche-id="12" motcle-id="1"/>
  <indexation fiche-id="12" motcle-id="2" poids="2"/>
  <indexation fiche-id="13" motcle-id="99"/>
 </indexation-group>
</base>
"""


def test_a_hand_written_base_reads_as_plain_text_records() -> None:
    base = read_scrutari(SAMPLE.encode("utf-8"), "reseau")
    assert (base.id, base.authority, base.name) == (
        "reseau",
        "reseau.example",
        {"fr": "Ressources du réseau"},
    )
    assert base.keywords["themes/1"].labels == {"fr": "Agriculture urbaine", "en": "Urban farming"}
    first, second = base.records
    assert first.id == "article/12" and first.kind == "article"
    assert first.title == "Les jardins partagés & la ville"  # markup inside: its text only
    assert first.lead == "Un chapeau sur deux lignes"
    assert (first.date, first.lang, first.authors) == ("2019-04", "fr", ("Anne Dupont",))
    assert first.url == "https://reseau.example/articles/jardins.html"  # after href-parent
    assert first.keywords == ("themes/1", "themes/2")
    # Escaped markup is text, never HTML; an unknown keyword indexes nothing.
    assert second.title == "<b>html</b> dans un titre"
    assert second.keywords == ()
    assert second.date == "2020"  # a quarter keeps its year: records' dates are ISO 8601


def test_fiches_without_an_address_or_a_title_are_reported_and_skipped() -> None:
    base = read_scrutari(SAMPLE.encode("utf-8"), "reseau")
    assert [record.id for record in base.records] == ["article/12", "article/13"]
    assert len(base.problems) == 4
    assert "fiche article/14" in base.problems[0] and "<href>" in base.problems[0]
    assert "fiche article/15" in base.problems[1] and "<titre>" in base.problems[1]
    assert "fiche article/16" in base.problems[2] and "javascript:" in base.problems[2]
    assert "fiche article/12" in base.problems[3] and "second fiche" in base.problems[3]


BOMB = """<?xml version="1.0"?>
<!DOCTYPE base [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<base><base-metadata><authority>x</authority></base-metadata>
<corpus corpus-name="c"><fiche fiche-id="1"><titre>&d;</titre>
<href>https://x.example/1</href></fiche></corpus></base>
"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE base [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<base><base-metadata><authority>x</authority></base-metadata>
<corpus corpus-name="c"><fiche fiche-id="1"><titre>&secret;</titre>
<href>https://x.example/1</href></fiche></corpus></base>
"""


@pytest.mark.parametrize("text", [BOMB, EXTERNAL], ids=["entity bomb", "external entity"])
def test_entities_are_refused_never_expanded(text: str) -> None:
    with pytest.raises(BuildError) as raised:
        read_scrutari(text.encode("utf-8"), "x", "network/x.xml")
    (problem,) = raised.value.problems
    assert problem.path == "network/x.xml" and problem.line in (2, 3)
    assert "ENTITY declarations" in problem.message
    assert "root:" not in str(raised.value) and "aaaa" not in str(raised.value)


def test_malformed_xml_is_a_clear_error() -> None:
    with pytest.raises(BuildError) as raised:
        read_scrutari(b"<base>\n<corpus>\n</base>\n", "x", "network/x.xml")
    (problem,) = raised.value.problems
    assert (problem.path, problem.line) == ("network/x.xml", 3)
    assert "not well-formed XML" in problem.message
    with pytest.raises(BuildError, match="no ScrutariData <base>"):
        read_scrutari(b"<feed/>", "x", "network/x.xml")
