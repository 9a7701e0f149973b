"""Diagrams as readers meet them: inline, accessible, linked, never cut, drawn once each."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import DEMO_CONTENT, write_site
from tests.htmlsite import Site
from treillis.atlas import Atlas
from treillis.build import build, load
from treillis.diagrams import Diagram, Node, star
from treillis.diagrams.layout import layout
from treillis.diagrams.star import layout_neighbourhood
from treillis.diagrams.svgsafe import UnsafeDiagram, sanitise
from treillis.model import Site as ContentSite
from treillis.views import Views
from treillis.views.diagrams import (
    MAX_SHOWN,
    indexing_diagram,
    neighbourhood_diagram,
    principles_diagram,
)


def node_texts(svg) -> list[str]:
    """The text of each linked node, lines joined, without its count."""
    return [
        " ".join(t.get_text() for t in link.select("text.diagram-label"))
        for link in svg.find_all("a")
    ]


def prefix(content: ContentSite, lang: str) -> str:
    return "" if lang == content.config.default_language else f"{lang}/"


def test_every_descriptor_page_has_an_accessible_inline_diagram(
    site: Site, content: ContentSite
) -> None:
    for lang in content.config.languages:
        for descriptor in content.descriptors.values():
            page = site.page(f"{prefix(content, lang)}atlas/{descriptor.id}/index.html")
            svgs = page.select("figure.diagram-figure svg.diagram:not(.diagram--narrow)")
            assert len(svgs) == 1
            svg = svgs[0]
            assert "role" not in svg.attrs  # not "img": its links stay reachable by screen readers
            title_id, desc_id = svg["aria-labelledby"], svg["aria-describedby"]
            title = svg.find(id=title_id).get_text()
            assert descriptor.label.get(lang) in title
            assert svg.find(id=desc_id).get_text().strip()
            # Internal ids never reach the reader: no <title> but the diagram's own.
            titles = svg.find_all("title")
            assert [t.get("id") for t in titles if t.get("id")] == [title_id]
            # Other titles say what a count means, as a tooltip on the count.
            assert all(t.parent.get("class") == ["diagram-count"] for t in titles[1:])
            assert f">{descriptor.id}<" not in str(svg) or descriptor.id in descriptor.label.get(
                lang
            )


def words(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace(":", " ").split())


def test_the_accessible_text_and_the_lists_name_the_same_neighbours(
    site: Site, content: ContentSite
) -> None:
    for lang in content.config.languages:
        for descriptor in content.descriptors.values():
            page = site.page(f"{prefix(content, lang)}atlas/{descriptor.id}/index.html")
            svg = page.select_one("svg.diagram")
            description = svg.find(id=svg["aria-describedby"]).get_text()
            sentences = []
            for role in ("broader", "narrower", "related"):
                block = page.select_one(f".neighbourhood__{role}")
                links = block.select(".descriptor-list a") if block else []
                if links:
                    labels = [a.get_text(" ", strip=True).rsplit(" (", 1)[0] for a in links]
                    sentences.append(f"{block.h3.get_text()} {', '.join(labels)}.")
            if sentences:
                assert words(description) == words(" ".join(sentences)), page.h1.get_text()


def test_diagram_nodes_link_to_the_neighbours_of_the_lists(
    site: Site, content: ContentSite
) -> None:
    for descriptor in content.descriptors.values():
        relative = f"atlas/{descriptor.id}/index.html"
        page = site.page(relative)
        svg_targets = site.hrefs_to(
            page, relative, "svg.diagram:not(.diagram--narrow) a[href]:not([href^='#'])"
        )
        list_targets = site.hrefs_to(page, relative, ".neighbourhood__lists a")
        assert (svg_targets and set(svg_targets) <= set(list_targets)) or not list_targets
        if len(list_targets) <= min(MAX_SHOWN.values()):
            assert sorted(svg_targets) == sorted(list_targets)


def test_node_labels_are_wrapped_at_word_boundaries_never_cut(
    site: Site, content: ContentSite
) -> None:
    labels = {d.label.get("fr") for d in content.descriptors.values()}
    checked = 0
    for descriptor in content.descriptors.values():
        svg = site.page(f"atlas/{descriptor.id}/index.html").select_one("svg.diagram")
        for text in node_texts(svg):
            assert text in labels, text
            checked += 1
    assert checked > 200


def test_a_descriptor_with_several_broader_ones_shows_all_of_them(site: Site, atlas: Atlas) -> None:
    several = [d for d, parents in atlas.broader.items() if len(parents) >= 2]
    assert several
    for descriptor_id in several:
        relative = f"atlas/{descriptor_id}/index.html"
        targets = site.hrefs_to(site.page(relative), relative, "svg.diagram a[href]")
        for parent in atlas.broader[descriptor_id]:
            assert f"atlas/{parent}/index.html" in targets


def test_document_pages_show_their_indexing_with_broader_descriptors(
    site: Site, content: ContentSite, atlas: Atlas
) -> None:
    for document in content.documents.values():
        relative = f"dossiers/{document.key}/index.html"
        page = site.page(relative)
        svg = page.select_one("section[aria-labelledby=document-descriptors] svg.diagram")
        assert svg is not None and svg["aria-labelledby"] and svg["aria-describedby"]
        targets = {t.split("/")[-2] for t in site.hrefs_to(page, relative, "svg.diagram a[href]")}
        expected = set(document.descriptor_ids)
        for descriptor_id in document.descriptor_ids:
            expected |= atlas.ancestors(descriptor_id)
        assert targets == expected


def test_dossier_pages_trace_cases_to_principles(site: Site, content: ContentSite) -> None:
    for dossier in content.dossiers.values():
        relative = f"dossiers/{dossier.slug}/index.html"
        page = site.page(relative)
        svg = page.select_one("#principles ~ figure svg.diagram")
        assert svg is not None
        hrefs = [a["href"] for a in svg.find_all("a")]
        assert sorted(h for h in hrefs if h.startswith("#")) == sorted(
            f"#principle-{p.number}" for p in dossier.principles
        )
        documents = {
            (r.target if "/" in r.target else f"{dossier.slug}/{r.target}")
            for p in dossier.principles
            for r in p.documents
        }
        targets = site.hrefs_to(
            page, relative, "svg.diagram:not(.diagram--narrow) a[href]:not([href^='#'])"
        )
        assert sorted(targets) == sorted(f"dossiers/{k}/index.html" for k in documents)


def crowded_site(root: Path) -> Path:
    descriptors = "- id: centre\n  family: f\n  label: Centre\n"
    for index in range(60):
        descriptors += f"- id: n{index}\n  family: f\n  label: Descripteur précis numéro {index}\n  broader: centre\n"
    documents = {
        f"dossiers/d/doc{index}.md": f"---\ntitle: Doc {index}\ntype: concept\ndate: 2020\n"
        f"descriptors: [{', '.join(f'n{j}' for j in range(index, 60, 7))}]\n---\nTexte.\n"
        for index in range(7)
    }
    return write_site(
        root,
        {
            "site.yaml": "title: Encombré\n",
            "atlas/families.yaml": "- id: f\n  label: F\n  colour: '#336699'\n",
            "atlas/descriptors/all.yaml": descriptors,
            "dossiers/d/index.md": "---\ntitle: D\n---\nIntro.\n",
            **documents,
        },
    )


def test_a_crowded_neighbourhood_shows_the_most_used_and_a_more_node(tmp_path: Path) -> None:
    content = crowded_site(tmp_path / "content")
    build(content, tmp_path / "output")
    page = BeautifulSoup(
        (tmp_path / "output/atlas/centre/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    svg = page.select_one("svg.diagram")
    shown = [a for a in svg.find_all("a") if not a["href"].startswith("#")]
    assert len(shown) == MAX_SHOWN["narrower"]
    more = svg.find("a", href="#narrower")
    assert more is not None and "+ 48 autres" in more.get_text()
    assert page.find(id="narrower") is not None
    assert len(page.select("#narrower .descriptor-list a")) == 60
    # The most used are the ones shown: n0..n6 index the most documents.
    site = load(content)
    atlas = Atlas(site)
    counts = sorted((len(atlas.documents[f"n{i}"]) for i in range(60)), reverse=True)
    shown_counts = sorted(
        (len(atlas.documents[a["href"].split("/")[-2]]) for a in shown), reverse=True
    )
    assert shown_counts == counts[: MAX_SHOWN["narrower"]]


def test_labels_are_escaped_inside_diagrams(small_site: Path, tmp_path: Path) -> None:
    descriptors = small_site / "atlas/descriptors/main.yaml"
    text = descriptors.read_text(encoding="utf-8")
    descriptors.write_text(
        text.replace(
            "label: {fr: Budget participatif}", "label: {fr: '<script>alert(1)</script> & \"co\"'}"
        ),
        encoding="utf-8",
    )
    build(small_site, tmp_path / "output")
    html = (tmp_path / "output/atlas/participation/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    svg = BeautifulSoup(html, "html.parser").select_one("svg.diagram")
    assert '<script>alert(1)</script> & "co"' in " ".join(node_texts(svg))


def test_a_label_change_redraws_every_picture_that_shows_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    output = tmp_path / "output"
    first = build(content, output)
    # Each picture of each page rendered, drawn once per group of pages.
    assert first.diagrams > 300
    second = build(content, output)
    assert second.up_to_date and second.rendered == 0 and second.diagrams == 0

    # Pick a well-connected descriptor; find, in the built pages, every diagram that shows it.
    site = Site(output)
    target = "initiatives-citoyennes"
    target_page = (output / f"atlas/{target}/index.html").resolve()
    expected = set()
    for page in site.pages:  # the indexings and principles that show it
        for svg in site.soup(page).select("svg.diagram:not(.diagram--neighbourhood)"):
            for link in svg.find_all("a"):
                if (page.parent / link["href"]).resolve() == target_page:
                    expected.add(page)
    assert len(expected) >= 3

    path = next(
        p
        for p in (content / "atlas/descriptors").glob("*.yaml")
        if f"id: {target}\n" in p.read_text(encoding="utf-8")
    )
    text = path.read_text(encoding="utf-8")
    old_label = "fr: Initiatives citoyennes"
    assert old_label in text
    path.write_text(text.replace(old_label, "fr: Initiatives des citoyens", 1), encoding="utf-8")
    third = build(content, output)
    assert 0 < third.rendered < third.pages
    for page in expected:
        shown = [
            " ".join(node_texts(svg))
            for svg in Site(output).soup(page).select("svg.diagram:not(.diagram--neighbourhood)")
        ]
        assert any("Initiatives des citoyens" in words for words in shown), page
        assert not any("Initiatives citoyennes" in words for words in shown), page


def test_counts_never_show_zero_and_a_count_including_narrower_says_so(
    site: Site, content: ContentSite, atlas: Atlas
) -> None:
    # Descriptors indexing no document or record themselves, whose narrower ones index some.
    broad = [
        d
        for d in content.descriptors
        if not atlas.documents[d] and not atlas.records[d] and atlas.documents_including_narrower(d)
    ]
    assert broad
    for page in site.pages:
        for svg in site.soup(page).select("svg.diagram"):
            counts = [t.get_text() for t in svg.select("text.diagram-count")]
            assert not any(re.search(r"\(0\b", text) for text in counts), page
    for descriptor_id in broad:
        svg = site.page(f"atlas/{descriptor_id}/index.html").select_one("svg.diagram")
        centre = svg.select_one(".diagram-node--centre text.diagram-count")
        documents = len(atlas.documents_including_narrower(descriptor_id))
        records = len(atlas.records_including_narrower(descriptor_id))  # the demo's network
        assert centre.contents[-1] == f"({documents + records} avec les plus précis)"
        title = f"{documents} en comptant les descripteurs plus précis"
        if records:
            title += f" · {records} dans le réseau"
        assert centre.title.get_text() == title


def test_the_principles_diagram_lists_principles_in_order_with_a_key(
    site: Site, content: ContentSite
) -> None:
    checked = 0
    for dossier in content.dossiers.values():
        page = site.page(f"dossiers/{dossier.slug}/index.html")
        cases = {
            r.target if "/" in r.target else f"{dossier.slug}/{r.target}"
            for p in dossier.principles
            for r in p.documents
        }
        types = {content.documents[key].type for key in cases}
        svgs = page.select("#principles ~ figure svg.diagram")
        for svg in svgs:  # the wide picture and the narrow one
            shown = [
                int(a["href"].rsplit("-", 1)[1])
                for a in svg.find_all("a")
                if a["href"].startswith("#principle-")
            ]
            assert shown == sorted(p.number for p in dossier.principles), dossier.slug
            # The key: what each colour means, the principles' and each type's shown.
            words = [t.get_text() for t in svg.select(".diagram-key text")]
            assert words[:2] == ["Légende", "Principe directeur"]
            assert len(words) == 2 + len(types) == len(set(words))
            swatches = svg.select(".diagram-key .diagram-box")
            assert len(swatches) == 1 + len(types)
            checked += 1
        assert len(svgs) == 2
    assert checked == 2 * len(content.dossiers)


def test_every_shape_and_text_carries_a_class_the_stylesheet_can_restyle(site: Site) -> None:
    for page in [
        "atlas/gouvernance-territoriale/index.html",
        "dossiers/comite-de-direction-partage/index.html",
    ]:
        for svg in site.page(page).select("svg.diagram"):
            for element in svg.find_all(["path", "polygon", "rect", "text"]):
                assert element.get("class"), element


def test_a_deep_lattice_gives_an_indexing_outline_a_phone_can_show(tmp_path: Path) -> None:
    """Twenty levels of broader descriptors above a document's descriptor: the build draws
    its outline (it crashed: a label wrapped at zero characters), with every label whole
    and the narrow picture not much wider than a phone's column."""
    levels = 20
    descriptors = "- id: l0\n  family: f\n  label: Niveau zéro de la hiérarchie\n"
    for level in range(1, levels + 1):
        descriptors += (
            f"- id: l{level}\n  family: f\n  label: Niveau {level} de la hiérarchie\n"
            f"  broader: l{level - 1}\n"
        )
    content = write_site(
        tmp_path / "content",
        {
            "site.yaml": "title: Profond\n",
            "atlas/families.yaml": "- id: f\n  label: F\n  colour: '#336699'\n",
            "atlas/descriptors/all.yaml": descriptors,
            "dossiers/d/index.md": "---\ntitle: D\n---\nIntro.\n",
            "dossiers/d/doc.md": f"---\ntitle: Doc\ntype: concept\ndate: 2020\n"
            f"descriptors: [l{levels}]\n---\nTexte.\n",
        },
    )
    build(content, tmp_path / "output")
    page = BeautifulSoup(
        (tmp_path / "output/dossiers/d/doc/index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    svgs = page.select("svg.diagram")
    assert svgs
    narrow = svgs[-1]
    text = " ".join(narrow.get_text(" ").split())
    assert "Niveau zéro" in text
    for level in range(1, levels + 1):
        assert f"Niveau {level} de la" in text, level
    assert float(narrow["width"]) <= 480


def test_a_neighbourhood_picture_is_already_what_the_sanitiser_writes() -> None:
    """Neighbourhoods are drawn on every build and never cached: they are not parsed
    again by `svgsafe.sanitise`, so each must be exactly what it would write (every value
    of the content escaped, every link checked), whatever the labels hold."""
    site = load(DEMO_CONTENT)
    views = Views(site, Atlas(site))
    diagrams = [
        neighbourhood_diagram(views, d, lang)
        for d in site.descriptors
        for lang in site.config.languages
    ]
    hostile = Node("c", "<b>Budget</b> & \"co\" 'l'\x01\x1f", "centre", "#336699", count=3)
    neighbours = [
        Node(
            f"n{i}",
            f'Sous-thème n° {i} <i>&amp;</i> "q"',
            "narrower",
            "#993366",
            f"../a'b&c{i}/index.html",
            count=i,
            count_title="<docs> & 'more'",
        )
        for i in range(12)
    ]
    diagrams.append(
        Diagram("neighbourhood", "<t> & 'x'", 'd "&" <d>', "fr", nodes=(hostile, *neighbours))
    )
    for diagram in diagrams:
        svg = layout_neighbourhood(diagram)
        assert _sanitised(svg) == svg
    unsafe = Node("n0", "x", "narrower", "#993366", "javascript:alert(1)")
    with pytest.raises(UnsafeDiagram):
        layout_neighbourhood(Diagram("neighbourhood", "t", "d", "fr", nodes=(hostile, unsafe)))


def _pictures(markup: str) -> list[str]:
    """The pictures of a wide and narrow pair, each as it was drawn (with its newline)."""
    first = markup.index("</svg>\n") + len("</svg>\n")
    return [markup[:first], markup[first:]]


def _sanitised(markup: str) -> str:
    """A picture, or a wide and narrow pair of them, each rebuilt by `sanitise`."""
    return "".join(map(sanitise, _pictures(markup) if "diagram--wide" in markup else [markup]))


def _hostile_indexing(views: Views, document) -> Diagram:
    """A document's indexing diagram whose labels, counts and links hold what must be
    escaped (and a character XML forbids)."""
    diagram = indexing_diagram(views, document)
    nodes = tuple(
        replace(
            node,
            label=f'<b>{node.label}</b> & "co" \'l\'\x01',
            href=node.href and f"{node.href}?a'b&c",
            count_title=node.count_title and "<docs> & 'more'",
        )
        for node in diagram.nodes
    )
    return replace(diagram, title="<t> & 'x'", description='d "&" <d>', nodes=nodes)


def test_an_outline_or_principles_picture_is_already_what_the_sanitiser_writes() -> None:
    """Indexing and principles pictures drawn in this build are not parsed again: like
    neighbourhoods, each must be exactly what `svgsafe` would write, and a link it would
    refuse refuses the picture."""
    site = load(DEMO_CONTENT)
    views = Views(site, Atlas(site))
    documents = list(site.documents.values())
    diagrams = [indexing_diagram(views, d) for d in documents]
    diagrams += [_hostile_indexing(views, d) for d in documents[:5]]
    diagrams += [p for d in site.dossiers.values() if (p := principles_diagram(views, d))]
    for diagram in diagrams:
        svg = layout(diagram)
        assert _sanitised(svg) == svg
    assert {d.name for d in diagrams} == {"indexing", "principles"}
    hostile = _hostile_indexing(views, documents[0])
    unsafe = replace(hostile.nodes[0], href="javascript:alert(1)")
    with pytest.raises(UnsafeDiagram):
        layout(replace(hostile, nodes=(unsafe, *hostile.nodes[1:])))


def test_line_breaks_and_tabs_in_a_pictures_texts_are_written_as_the_sanitiser_does() -> None:
    """A YAML escape ("\\r", "\\t") puts a carriage return or a tab in a title or a label.
    XML parsing turns a carriage return into a line feed, and any of them in an attribute
    into a space: a picture drawn must already be written so (what a parse gives)."""
    site = load(DEMO_CONTENT)
    views = Views(site, Atlas(site))
    breaks = "a\rb\r\nc\nd\te"
    for document in list(site.documents.values())[:3]:
        diagram = indexing_diagram(views, document)
        nodes = tuple(
            replace(node, href=node.href and f"{node.href}?{breaks}", count_title=breaks)
            for node in diagram.nodes
        )
        legend = tuple((role, colour, f"{label}{breaks}") for role, colour, label in diagram.legend)
        hostile = replace(
            diagram,
            title=breaks,
            description=breaks,
            legend_title=breaks,
            legend=legend,
            nodes=nodes,
        )
        svg = layout(hostile)
        assert "\r" not in svg
        assert _sanitised(svg) == svg
    centre = Node("c", "centre", "centre", "#336699", count=3, count_title=breaks)
    narrower = Node("n0", "n", "narrower", "#993366", f"../x/index.html?{breaks}", count=1)
    svg = layout_neighbourhood(
        Diagram("neighbourhood", breaks, breaks, "fr", nodes=(centre, narrower))
    )
    assert "\r" not in svg
    assert _sanitised(svg) == svg


def test_a_box_is_measured_and_written_once_and_never_stale(monkeypatch) -> None:
    """A descriptor shown in many pictures is measured and written once per process; a
    box whose node differs in anything it shows (here its count) is drawn again."""
    site = load(DEMO_CONTENT)
    views = Views(site, Atlas(site))
    star._SHAPES.clear()
    written = []
    markup = star._node_markup
    monkeypatch.setattr(
        star,
        "_node_markup",
        lambda node, lines, *args: written.append((star._SHOWN(node), lines))
        or markup(node, lines, *args),
    )
    diagrams = [indexing_diagram(views, d) for d in site.documents.values()]
    for diagram in diagrams:
        layout(diagram)
    shown = [node for diagram in diagrams for node in diagram.nodes]
    # A descriptor shown in several outlines (its id there differs), or in both variants
    # of one, is written once for each way it is shown (role, link, count, lines).
    assert len(written) == len(set(written)) < len(shown) / 1.5
    document = next(d for d in diagrams if any(n.count for n in d.nodes))
    node = next(n for n in document.nodes if n.count)
    changed = replace(node, count=node.count + 1000)
    before, after = layout(document), layout(
        replace(document, nodes=tuple(changed if n is node else n for n in document.nodes))
    )
    assert f"({node.count + 1000})" in after and f"({node.count + 1000})" not in before


def test_what_every_box_shares_is_written_once_per_picture() -> None:
    """Font size, text colour, border width and line colour are inherited from the
    picture's group, not repeated on each box; the lines are one path per kind; a box
    has no internal id."""
    site = load(DEMO_CONTENT)
    views = Views(site, Atlas(site))
    svgs = [layout(indexing_diagram(views, d)) for d in site.documents.values()]
    svgs += [layout_neighbourhood(neighbourhood_diagram(views, d, "fr")) for d in site.descriptors]
    for svg in svgs:
        for picture in BeautifulSoup(svg, "html.parser").select("svg"):
            graph = picture.select_one("g.graph")
            assert graph["font-size"] == "13" and graph["fill"] == "#1d232a"
            for text in picture.select("text.diagram-label"):
                assert "font-size" not in text.attrs and text.get("fill") != "#1d232a"
            for box in picture.select(".diagram-node"):
                assert "id" not in box.attrs
            assert len(picture.select("path.diagram-line")) <= 2
            assert len(picture.select(".diagram-edge")) <= 1
            assert not re.search(r'="-?\d+\.0"|\d\.0[, ]', str(picture))
