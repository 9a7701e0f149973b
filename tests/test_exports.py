"""Feeds, sitemap, the atlas as SKOS and JSON, OpenGraph and hreflang."""

from __future__ import annotations

import copy
import dataclasses
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from tests.htmlsite import Site
from treillis.build import build

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import DEMO_CONTENT

    root = tmp_path_factory.mktemp("published")
    shutil.copytree(DEMO_CONTENT, root / "content")
    build(root / "content", root / "output", base_url="https://example.org/atlas/")
    return root / "output"


def test_site_feed_lists_the_newest_documents(demo_output: Path, content) -> None:
    feed = ElementTree.parse(demo_output / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == min(20, len(content.documents))
    newest = sorted(content.documents.values(), key=lambda d: (d.date, d.key), reverse=True)[:20]
    assert [e.find(f"{ATOM}title").text for e in entries] == [d.title for d in newest]
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert (demo_output / href).is_file()  # relative to feed.xml, at the root
        assert entry.find(f"{ATOM}updated").text.endswith("T00:00:00Z")


def test_each_dossier_has_its_feed(demo_output: Path, content) -> None:
    for dossier in content.dossiers.values():
        path = demo_output / f"dossiers/{dossier.slug}/feed.xml"
        entries = ElementTree.parse(path).getroot().findall(f"{ATOM}entry")
        titles = {e.find(f"{ATOM}title").text for e in entries}
        assert titles == {content.documents[k].title for k in dossier.documents}
        for entry in entries:
            assert (path.parent / entry.find(f"{ATOM}link").get("href")).is_file()


def test_sitemap_and_absolute_feed_with_a_base_url(published: Path) -> None:
    sitemap = ElementTree.parse(published / "sitemap.xml").getroot()
    locations = [u.find("{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text for u in sitemap]
    pages = sorted(p.relative_to(published).as_posix() for p in published.rglob("index.html"))
    assert sorted(locations) == ["https://example.org/atlas/" + p for p in pages]
    feed = ElementTree.parse(published / "feed.xml").getroot()
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.org/atlas/feed.xml"
    assert all(
        e.find(f"{ATOM}id").text.startswith("https://example.org/atlas/dossiers/")
        for e in feed.findall(f"{ATOM}entry")
    )


def test_no_sitemap_without_a_base_url(demo_output: Path) -> None:
    assert not (demo_output / "sitemap.xml").exists()


def test_atlas_as_json(demo_output: Path, content, atlas) -> None:
    data = json.loads((demo_output / "atlas/atlas.json").read_text(encoding="utf-8"))
    descriptors = {d["id"]: d for d in data["descriptors"]}
    assert set(descriptors) == set(content.descriptors)
    for descriptor_id, descriptor in descriptors.items():
        assert sorted(descriptor["narrower"]) == sorted(atlas.narrower[descriptor_id])
        assert descriptor["label"] == content.descriptors[descriptor_id].label.values
    assert {f["id"] for f in data["families"]} == set(content.families)


def test_atlas_as_skos(demo_output: Path, content) -> None:
    from rdflib import RDF, SKOS, Graph

    graph = Graph().parse(demo_output / "atlas/atlas.ttl", format="turtle")
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == len(content.descriptors)
    broader = sum(1 for _ in graph.triples((None, SKOS.broader, None)))
    assert broader == sum(len(d.broader_ids) for d in content.descriptors.values())
    labels = {str(o) for o in graph.objects(None, SKOS.prefLabel) if o.language == "es"}
    assert {d.label.values["es"] for d in content.descriptors.values()} <= labels
    assert len(set(graph.subjects(RDF.type, SKOS.Collection))) == len(content.families)


def _skos_graph_as_rdflib_made_it(site, matches):
    """The atlas's SKOS graph made with rdflib, as `atlas_turtle` made it until it wrote
    Turtle directly: what the file written now must be isomorphic to."""
    from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef

    from treillis.exports import TREILLIS, concept_uri, iri

    ours = Namespace(TREILLIS)
    graph = Graph()
    base = iri(site.config.base_url) or "urn:treillis:"
    scheme = URIRef(f"{base}atlas/" if site.config.base_url else "urn:treillis:atlas")
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    for lang, title in site.config.title.values.items():
        graph.add((scheme, SKOS.prefLabel, Literal(title, lang=lang)))
    concepts = {d: URIRef(concept_uri(site, d)) for d in site.descriptors}
    families = {
        f: URIRef(
            f"{base}atlas/families/{iri(f)}"
            if site.config.base_url
            else f"urn:treillis:family:{iri(f)}"
        )
        for f in site.families
    }
    for family in site.families.values():
        node = families[family.id]
        graph.add((node, RDF.type, SKOS.Collection))
        graph.add((node, ours.id, Literal(family.id)))
        graph.add((node, ours.colour, Literal(family.colour)))
        for lang, label in family.label.values.items():
            graph.add((node, SKOS.prefLabel, Literal(label, lang=lang)))
        if family.parent and family.parent.target in families:
            graph.add((families[family.parent.target], SKOS.member, node))
        if family.axis:
            graph.add((node, ours.axis, Literal(family.axis)))
            graph.add((node, ours.code, Literal(family.code)))
        for ref in family.crossing:
            if ref.target in families:
                graph.add((node, ours.crossing, families[ref.target]))
    for descriptor in site.descriptors.values():
        node = concepts[descriptor.id]
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, ours.id, Literal(descriptor.id)))
        for lang, label in descriptor.label.values.items():
            graph.add((node, SKOS.prefLabel, Literal(label, lang=lang)))
        for lang, synonyms in descriptor.synonyms.items():
            for synonym in synonyms:
                graph.add((node, SKOS.altLabel, Literal(synonym, lang=lang)))
        for lang, note in descriptor.note.values.items():
            graph.add((node, SKOS.scopeNote, Literal(note, lang=lang)))
        parents = [p for p in descriptor.broader_ids if p in concepts]
        for parent in parents:
            graph.add((node, SKOS.broader, concepts[parent]))
            graph.add((concepts[parent], SKOS.narrower, node))
        if not parents:
            graph.add((node, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, node))
        for ref in descriptor.related:
            if ref.target in concepts:
                graph.add((node, SKOS.related, concepts[ref.target]))
                graph.add((concepts[ref.target], SKOS.related, node))
        if descriptor.family.target in families:
            graph.add((families[descriptor.family.target], SKOS.member, node))
    properties = {"exact": SKOS.exactMatch, "close": SKOS.closeMatch, "broader": SKOS.narrowMatch}
    for descriptor_id, kind, keyword in matches:
        if descriptor_id in concepts and kind in properties:
            graph.add((concepts[descriptor_id], properties[kind], URIRef(keyword)))
    return graph


@pytest.mark.parametrize("base_url", ["", "https://example.org/atlas/"])
def test_the_atlas_in_turtle_holds_the_graph_rdflib_made(
    small_site: Path, content, base_url: str
) -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from treillis.build import load
    from treillis.exports import atlas_turtle

    # Labels, synonyms and notes with what a Turtle string must escape, and alignments.
    path = small_site / "atlas" / "descriptors" / "main.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "label: {fr: Gouvernance, en: Governance}",
        r'label: {fr: "Gouver\\nance \"dite\" \\ ok", en: "Two\nlines\r\tand a tab"}',
    ).replace(
        "synonyms: {fr: [démocratie participative]}", r"""synonyms: {fr: ['l''élu', "a\\\"b"]}"""
    )
    path.write_text(text, encoding="utf-8")
    matches = [
        ("gouvernance", "exact", "https://reseau.example.org/scrutari.xml#mc/1"),
        ("participation", "close", "https://reseau.example.org/scrutari.xml#mc/2"),
        ("territoire", "broader", "https://reseau.example.org/scrutari.xml#mc/3"),
        ("participation", "exact", "https://reseau.example.org/scrutari.xml#mc/1"),
        ("unknown", "exact", "https://reseau.example.org/scrutari.xml#mc/4"),
    ]
    loaded = load(small_site)
    labels = loaded.descriptors["gouvernance"].label.values
    assert labels == {"fr": 'Gouver\\nance "dite" \\ ok', "en": "Two\nlines\r\tand a tab"}
    assert loaded.descriptors["participation"].synonyms["fr"] == ["l'élu", 'a\\"b']
    for site in (loaded, content):
        site = copy.copy(site)  # the demo's model is shared with other tests
        site.config = dataclasses.replace(site.config, base_url=base_url)
        written = Graph().parse(data=atlas_turtle(site, matches), format="turtle")
        made = _skos_graph_as_rdflib_made_it(site, matches)
        assert len(written) == len(made) > 20
        assert isomorphic(written, made)


def test_every_page_has_opengraph_and_translations_have_hreflang(
    site, content, published: Path
) -> None:
    for page in site.pages:
        soup = site.soup(page)
        for name in ("og:title", "og:description", "og:type", "og:locale", "og:site_name"):
            tag = soup.find("meta", attrs={"property": name})
            assert tag is not None and tag.get("content"), (site.relative(page), name)
    # hreflang alternates need full addresses: only a site with a base_url has them.
    site = Site(published)
    translated = next(d for d in content.documents.values() if d.translations)
    soup = site.page(f"dossiers/{translated.key}/index.html")
    hreflangs = {
        link["hreflang"]
        for link in soup.find_all("link", attrs={"rel": "alternate", "hreflang": True})
    }
    assert translated.lang in hreflangs and len(hreflangs) >= 2
    descriptor = site.page("atlas/habitants/index.html")
    assert {link["hreflang"] for link in descriptor.find_all("link", hreflang=True)} == set(
        content.config.languages
    )


def test_a_build_does_not_import_rdflib(small_site: Path, tmp_path: Path) -> None:
    """The atlas is written as Turtle without an RDF library (imported for SKOS imports only)."""
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path; from treillis.build import build; "
        f"build(Path({str(small_site)!r}), Path({str(tmp_path / 'output')!r}), cache=False); "
        "assert (Path({out!r}) / 'atlas/atlas.ttl').is_file(); "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'rdflib'))"
    ).replace("{out!r}", repr(str(tmp_path / "output")))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"
