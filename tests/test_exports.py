"""Feeds, sitemap, the atlas as SKOS and JSON, OpenGraph and hreflang."""

from __future__ import annotations

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
