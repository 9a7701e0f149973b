"""The demo site as readers meet it: every page kind, every link, every language."""

from __future__ import annotations

from pathlib import Path

from tests.htmlsite import Site
from treillis.atlas import Atlas
from treillis.build import load
from treillis.model import Site as ContentSite


def test_every_page_has_lang_title_and_description(site: Site, content: ContentSite) -> None:
    assert len(site.pages) > 100
    for page in site.pages:
        soup = site.soup(page)
        assert soup.html.get("lang") in content.config.languages, page
        assert soup.title and soup.title.get_text(strip=True), page
        description = soup.find("meta", attrs={"name": "description"})
        assert description is not None and description.get("content", "").strip(), page
        assert soup.find("main") is not None, page
        assert len(soup.find_all("h1")) == 1, page


def test_no_id_is_used_twice_in_a_page(site: Site) -> None:
    for page in site.pages:
        ids = [element["id"] for element in site.soup(page).find_all(id=True)]
        assert len(ids) == len(set(ids)), (
            site.relative(page),
            sorted(i for i in ids if ids.count(i) > 1),
        )


def test_every_internal_link_resolves_to_a_file_and_anchor(site: Site) -> None:
    checked = 0
    for page in site.pages:
        for link in site.links(page):
            if link.is_external:
                continue
            assert not link.url.startswith("/"), f"{site.relative(page)}: root-absolute {link.url}"
            target, fragment = link.target()
            assert target.is_file(), f"{site.relative(page)}: broken link {link.url}"
            assert target.is_relative_to(site.root), (
                f"{site.relative(page)}: leaves the site {link.url}"
            )
            if link.url.split("#")[0] and target.suffix == ".html":
                # Pages are linked explicitly as …/index.html (the 404 page aside).
                assert target.name == "index.html", f"{site.relative(page)}: {link.url}"
            if fragment:
                assert fragment in site.anchors(target), (
                    f"{site.relative(page)}: no anchor {link.url}"
                )
            checked += 1
    assert checked > 1000


def test_no_link_ends_in_a_bare_folder(site: Site) -> None:
    # Opened from disk, a link to "folder/" shows a listing, not the page.
    for page in site.pages:
        for link in site.links(page):
            if not link.is_external and link.url.split("#")[0]:
                assert not link.url.split("#")[0].endswith("/"), (
                    f"{site.relative(page)}: {link.url}"
                )


def test_home_lists_dossiers_atlas_entries_and_newest_documents(
    site: Site, content: ContentSite, atlas: Atlas
) -> None:
    home = site.page("index.html")
    assert home.html["lang"] == content.config.default_language
    dossier_links = site.hrefs_to(home, "index.html", ".dossier-card h3 a")
    assert sorted(dossier_links) == sorted(
        f"dossiers/{slug}/index.html" for slug in content.dossiers
    )
    top = site.hrefs_to(
        home,
        "index.html",
        "#home-atlas ~ .descriptor-list a, section[aria-labelledby=home-atlas] .descriptor-list a",
    )
    assert sorted(set(top)) == sorted(f"atlas/{d}/index.html" for d in atlas.top)
    newest = [
        d for d in sorted(content.documents.values(), key=lambda d: (d.date, d.title), reverse=True)
    ][:8]
    shown = site.hrefs_to(
        home, "index.html", "section[aria-labelledby=home-newest] .document-card__title a"
    )
    assert shown == [f"dossiers/{d.key}/index.html" for d in newest]


def test_home_exists_in_every_language(site: Site, content: ContentSite) -> None:
    for lang in content.config.languages[1:]:
        page = site.page(f"{lang}/index.html")
        assert page.html["lang"] == lang
        assert page.title.get_text().strip() == content.config.title.get(lang)


def test_dossier_page(site: Site, content: ContentSite) -> None:
    for dossier in content.dossiers.values():
        relative = f"dossiers/{dossier.slug}/index.html"
        page = site.page(relative)
        assert page.html["lang"] == dossier.lang
        assert page.h1.get_text(strip=True) == dossier.title
        assert page.find(id="introduction") is not None
        if dossier.synthesis.strip():
            assert page.find(id="synthesis") is not None
        # Principles, numbered, each with links to the documents that support it.
        for principle in dossier.principles:
            item = page.find(id=f"principle-{principle.number}")
            assert item is not None and item.h3.get_text(strip=True) == principle.title
            targets = site.hrefs_to(item, relative, ".supporting-documents a")
            expected = [
                f"dossiers/{r.target if '/' in r.target else dossier.slug + '/' + r.target}/index.html"
                for r in principle.documents
            ]
            assert sorted(targets) == sorted(expected)
        # Every document of the dossier, grouped by type.
        listed = site.hrefs_to(
            page, relative, "section[aria-labelledby=dossier-documents] .document-card__title a"
        )
        assert sorted(listed) == sorted(f"dossiers/{k}/index.html" for k in dossier.documents)
        groups = [
            h.get("id")
            for h in page.select("section[aria-labelledby=dossier-documents] .type-group h3")
        ]
        types = {content.documents[k].type for k in dossier.documents}
        assert sorted(groups) == sorted(f"type-{t}" for t in types)


def test_document_page(site: Site, content: ContentSite) -> None:
    supported_somewhere = 0
    for document in content.documents.values():
        relative = f"dossiers/{document.key}/index.html"
        page = site.page(relative)
        assert page.html["lang"] == document.lang
        assert page.h1.get_text(strip=True) == document.title
        if document.summary:
            assert page.select_one(".lead").get_text(strip=True) == " ".join(
                document.summary.split()
            )
        descriptors = site.hrefs_to(
            page, relative, "section[aria-labelledby=document-descriptors] .descriptor-list a"
        )
        assert sorted(descriptors) == sorted(
            f"{'' if document.lang == content.config.default_language else document.lang + '/'}atlas/{d}/index.html"
            for d in set(document.descriptor_ids)
        )
        assert f"dossiers/{document.dossier}/index.html" in site.hrefs_to(page, relative, ".meta a")
        if document.source and document.source.url:
            assert page.select_one(".source a")["href"] == document.source.url
        principles = page.select("section[aria-labelledby=document-principles] a")
        supported_somewhere += bool(principles)
        for link in principles:
            assert "#principle-" in link["href"]
    assert supported_somewhere >= 5


def test_translations_link_both_ways(site: Site, content: ContentSite) -> None:
    pairs = 0
    for document in content.documents.values():
        for ref in document.translations:
            other = ref.target if "/" in ref.target else f"{document.dossier}/{ref.target}"
            here = f"dossiers/{document.key}/index.html"
            there = f"dossiers/{other}/index.html"
            assert there in site.hrefs_to(site.page(here), here, "a[hreflang]")
            assert here in site.hrefs_to(site.page(there), there, "a[hreflang]")
            pairs += 1
    assert pairs >= 3


def test_descriptor_page_shows_its_neighbourhood_and_documents(
    site: Site, content: ContentSite, atlas: Atlas
) -> None:
    for lang in content.config.languages:
        prefix = "" if lang == content.config.default_language else f"{lang}/"
        for descriptor in content.descriptors.values():
            relative = f"{prefix}atlas/{descriptor.id}/index.html"
            page = site.page(relative)
            assert page.html["lang"] == lang
            assert page.h1.get_text(strip=True) == descriptor.label.get(lang)
            for kind in ("broader", "narrower", "related"):
                links = site.hrefs_to(page, relative, f".neighbourhood__{kind} a")
                expected = getattr(atlas, kind)[descriptor.id]
                assert sorted(links) == sorted(f"{prefix}atlas/{d}/index.html" for d in expected), (
                    relative,
                    kind,
                )
            documents = site.hrefs_to(page, relative, ".indexed-documents .document-card__title a")
            assert sorted(documents) == sorted(
                f"dossiers/{k}/index.html" for k in atlas.documents[descriptor.id]
            )
            counts = page.select_one(".counts").get_text()
            assert str(len(atlas.documents[descriptor.id])) in counts
            assert str(len(atlas.documents_including_narrower(descriptor.id))) in counts


def test_a_descriptor_with_several_broader_ones_shows_every_path(site: Site, atlas: Atlas) -> None:
    several = [d for d, parents in atlas.broader.items() if len(parents) >= 2]
    assert len(several) >= 5
    for descriptor_id in several:
        page = site.page(f"atlas/{descriptor_id}/index.html")
        trails = page.select(".breadcrumbs ol")
        assert len(trails) == len(atlas.paths_to_top(descriptor_id)) >= 2


def test_atlas_index_has_legend_top_alphabetical_and_permuted(
    site: Site, content: ContentSite, atlas: Atlas
) -> None:
    page = site.page("atlas/index.html")
    legend = page.select("section[aria-labelledby=atlas-families] .family-legend li")
    assert len(legend) == len(content.families)
    colours = {li["style"].split(":")[1].strip() for li in legend}
    assert colours == {f.colour for f in content.families.values()}
    top = site.hrefs_to(page, "atlas/index.html", "section[aria-labelledby=atlas-top] a")
    assert sorted(top) == sorted(f"atlas/{d}/index.html" for d in atlas.top)
    alphabetical = page.select(".alphabetical li:not(.synonym) a")
    labels = [a.get_text(" ", strip=True).rsplit(" (", 1)[0] for a in alphabetical]
    assert len(labels) == len(content.descriptors)
    from treillis.views.common import sort_key

    assert labels == sorted(labels, key=sort_key)
    permuted = site.page("atlas/permuted/index.html")
    rows = permuted.select("table.permuted tr")
    assert len(rows) > len(content.descriptors)
    keywords = [row.select_one(".permuted__keyword").get_text() for row in rows]
    assert keywords == sorted(keywords, key=sort_key)


def test_partner_page_lists_its_dossiers_and_documents(site: Site, content: ContentSite) -> None:
    for partner in content.config.partners:
        relative = f"partners/{partner.id}/index.html"
        page = site.page(relative)
        assert page.h1.get_text(strip=True) == partner.name
        documents = site.hrefs_to(page, relative, ".document-card__title a")
        expected = [
            d.key
            for d in content.documents.values()
            if d.partner and d.partner.target == partner.id
        ]
        assert sorted(documents) == sorted(f"dossiers/{k}/index.html" for k in expected)
        if partner.logo:
            assert (site.root / partner.logo).is_file()


def test_content_text_is_escaped(small_site: Path, tmp_path: Path) -> None:
    from treillis.build import build

    document = small_site / "dossiers/essai/cas-deux.md"
    document.write_text(
        "---\ntitle: '<script>alert(1)</script> & co'\ntype: analysis\ndate: 2022\n"
        "summary: '\"><img src=x onerror=alert(1)>'\n---\n<b>gras</b>\n",
        encoding="utf-8",
    )
    output = tmp_path / "out"
    build(small_site, output)
    html = (output / "dossiers/essai/cas-deux/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "<img src=x" not in html
    assert "<b>gras</b>" not in html and "&lt;b&gt;gras&lt;/b&gt;" in html


def test_legend_crosses_components_and_angles(site: Site, content: ContentSite) -> None:
    page = site.page("atlas/legend/index.html")
    families = content.families
    components = sorted(
        (f for f in families.values() if f.axis == "component"), key=lambda f: f.code
    )
    angles = sorted((f for f in families.values() if f.axis == "angle"), key=lambda f: f.code)
    assert len(components) >= 2 and len(angles) >= 2
    table = page.select_one("table.legend-matrix")
    columns = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    assert columns[: len(angles)] == [f"{a.code} {a.label.get('fr')}" for a in angles]
    rows = table.select("tbody tr")
    crossings = [f for f in families.values() if f.crossing]
    assert crossings
    for family in crossings:
        component, angle = (families[r.target] for r in family.crossing)
        if component.axis != "component":
            component, angle = angle, component
        row = rows[components.index(component)]
        assert row.th.get_text(" ", strip=True).endswith(
            f"{component.code} {component.label.get('fr')}"
        )
        cell = row.select("td")[angles.index(angle)]
        shown = {a["href"].split("/")[-2] for a in cell.select("a")}
        members = {d.id for d in content.descriptors.values() if d.family.target == family.id}
        assert members and members <= shown


def test_legend_orders_numbered_components_as_numbers(small_site: Path) -> None:
    from treillis.views import Views
    from treillis.views.atlas import legend_matrix

    families = small_site / "atlas/families.yaml"
    text = (
        "".join(
            f"- id: c{code}\n  label: C{code}\n  colour: '#336699'\n  axis: component\n  code: '{code}'\n"
            for code in ("10", "2", "1")
        )
        + "- id: a\n  label: A\n  colour: '#993366'\n  axis: angle\n  code: A\n"
    )
    families.write_text(families.read_text(encoding="utf-8") + text, encoding="utf-8")
    site = load(small_site)
    matrix = legend_matrix(Views(site, Atlas(site)), "fr")
    assert [row["header"]["code"] for row in matrix["rows"] if row["header"]] == ["1", "2", "10"]


def test_permuted_keywords_skip_the_stop_words_of_the_labels_language(small_site: Path) -> None:
    from treillis.views import Views
    from treillis.views.atlas import permuted_index

    descriptors = small_site / "atlas/descriptors/main.yaml"
    descriptors.write_text(
        descriptors.read_text(encoding="utf-8")
        + "- id: communs\n  family: acteurs\n  label: {fr: Gestion des communs pour les habitants}\n",
        encoding="utf-8",
    )
    site = load(small_site)
    keywords = {line["keyword"] for line in permuted_index(Views(site, Atlas(site)), "en")}
    # The label has no English version: the French one is shown, with French stop words.
    assert {"Gestion", "communs", "habitants"} <= keywords
    assert not {"des", "pour", "les"} & keywords
