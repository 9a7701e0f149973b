"""Untrusted content: refused links, content ids, stray files, YAML that reads otherwise
than written, and an atlas that keeps being checked when one of its files is broken."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup

from tests.test_validation import DESCRIPTORS, DOCUMENT, DOSSIER, edit, problems
from treillis.build import build, load
from treillis.markdown import render
from treillis.validate import warnings

BODY = "Le corps du document, qui renvoie à [[essai/cas-deux]]."
REFUSED = (
    "is refused: links go to web addresses (https://…), mail addresses (mailto:…) "
    "or [[...]] pages of the site"
)


def allow_html(content: Path) -> None:
    config = content / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "allow_html: true\n", encoding="utf-8")


# --- Links: one rule, after decoding, one problem per link on its own line ---------------


def test_every_refused_link_is_reported_once_on_its_own_line(small_site: Path) -> None:
    # The body starts on line 11 of the document.
    edit(
        small_site,
        DOCUMENT,
        BODY,
        "Voir [m](&#x6A;avascript&colon;alert(1)) et [n](javascript&#58;alert(2)).\n"
        "Puis [b](blob:https://example.org/x),\n"
        "[w](ws://example.org) et [f](feed:https://example.org/rss).\n"
        "![i](java&#x09;script:alert(3)) <javascript:alert(4)> [r][ref]\n"
        "\n"
        "[ref]: data:text/html,x\n"
        "\n"
        "Mais [ceci](https://example.org), [cela](#synthesis), [là](../cas-deux/index.html),\n"
        "[mail](mailto:a@example.org), <https://example.org> et [[essai/cas-deux]] vont.\n",
    )
    assert problems(small_site) == sorted(
        f"{DOCUMENT}:{line}: the link to '{url}' {REFUSED}"
        for line, url in [
            (11, "javascript:alert(1)"),
            (11, "javascript:alert(2)"),
            (12, "blob:https://example.org/x"),
            (13, "ws://example.org"),
            (13, "feed:https://example.org/rss"),
            (14, "javascript:alert(3)"),
            (14, "javascript:alert(4)"),
            (16, "data:text/html,x"),
        ]
    )


def test_raw_html_links_follow_the_same_rule_when_html_is_allowed(small_site: Path) -> None:
    allow_html(small_site)
    edit(
        small_site,
        DOCUMENT,
        BODY,
        'Un <a href="java&#x0A;script:alert(1)">lien</a>, un <a href="https://example.org">bon</a>,\n'
        '<img src="feed:x" alt="x"> et <a href="#synthesis">une ancre</a>.\n'
        "\n"
        "<div>\n"
        '<p><a href="blob:https://example.org/y">z</a></p>\n'
        "</div>\n",
    )
    assert problems(small_site) == [
        f"{DOCUMENT}:11: the link to 'javascript:alert(1)' {REFUSED}",
        f"{DOCUMENT}:12: the link to 'feed:x' {REFUSED}",
        f"{DOCUMENT}:15: the link to 'blob:https://example.org/y' {REFUSED}",
    ]


def test_refused_links_are_never_rendered_as_links() -> None:
    for allowed_html in (False, True):
        html = render(
            "[a](&#x6A;avascript&colon;alert(1)) [b](blob:x) [c](ws://x) ![d](feed:x) "
            "<javascript:alert(1)> [e](java&#x09;script:x) [ok](https://example.org) "
            "[rel](page.html#a) [mail](mailto:a@example.org)",
            allow_html=allowed_html,
        )
        assert html.count("<a ") == 3 and "<img" not in html, html
        assert 'href="https://example.org"' in html and 'href="page.html#a"' in html
    html = render(
        '<a href="java&#x0A;script:x">a</a> <a href="blob:x">b</a> <img src="ws://x">',
        allow_html=True,
    )
    assert "href" not in html and "src" not in html


def test_the_link_rule_reads_targets_as_browsers_do() -> None:
    from treillis.markdown import is_allowed_link

    for url in ("https://example.org/a%3Ab", "mailto:a@example.org", "#x", "a/b.html", "//x.org"):
        assert is_allowed_link(url), url
    for url in (
        "javascript:x",
        "&#x6A;avascript&colon;x",
        "java\tscript:x",
        " \x01javascript:x",
        "java%0ascript:x",
        "&amp;#x6A;avascript:x",
        "%25%32%35%32%35%36%41avascript:x",  # still encoded after several rounds
        "BLOB:x",
        "feed:x",
        "ws://x",
        "data:image/png;base64,xx",
    ):
        assert not is_allowed_link(url), url


# --- Content ids never take the page's own ------------------------------------------------


def test_content_ids_never_collide_with_the_themes(small_site: Path, tmp_path: Path) -> None:
    allow_html(small_site)
    edit(
        small_site,
        DOCUMENT,
        BODY,
        '<p id="atlas-search">Texte.</p>\n\n<p id="main"><a name="search-page">x</a>'
        '<img name="site-search" src="x.png" alt="x"></p>\n\n'
        "[vers le texte](#atlas-search) et [vers le site](#document-descriptors).\n",
    )
    output = tmp_path / "output"
    build(small_site, output)
    soup = BeautifulSoup(
        (output / "dossiers/essai/cas-un/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    ids = Counter(element["id"] for element in soup.find_all(id=True))
    assert [name for name, count in ids.items() if count > 1] == []
    assert soup.find(id="main").name == "main"  # the theme's, not the content's
    assert soup.find(id="atlas-search") is None
    assert soup.find(id="content-atlas-search").get_text() == "Texte."
    main = soup.find("main")
    assert main.find(attrs={"name": True}) is None  # `name` clobbers `document.x` too
    links = {a.get_text(): a.get("href") for a in main.find_all("a")}
    assert links["vers le texte"] == "#content-atlas-search"  # follows the prefixed id
    assert links["vers le site"] == "#document-descriptors"  # the page's own anchor


# --- A Markdown file directly in dossiers/ is not read: said so ------------------------


def test_a_markdown_file_directly_in_dossiers_is_a_warning(small_site: Path) -> None:
    (small_site / "dossiers/note.md").write_text("---\ntitle: Note\n---\nTexte.\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "treillis", "check", str(small_site)],
        capture_output=True,
        text=True,
        cwd=small_site.parent,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "content/dossiers/note.md:1: this file is not read: a document goes in its dossier's "
        "folder (dossiers/<dossier>/note.md), a dossier's own text in dossiers/<dossier>/index.md"
        "  (warning)"
    ) in result.stderr.splitlines()


# --- The atlas keeps being checked when one of its files is broken ----------------------


def test_a_broken_atlas_file_silences_only_references_into_it(small_site: Path) -> None:
    descriptors = small_site / "atlas/descriptors"
    (descriptors / "other.yaml").write_text(
        "- id: quartier\n  family: acteurs\n  label: Quartier\n  broader: [territoire\n",
        encoding="utf-8",
    )
    edit(small_site, DESCRIPTORS, "related: [budget]", "related: [bugdet]")
    edit(
        small_site,
        DESCRIPTORS,
        "label: {fr: Gouvernance, en: Governance}",
        "label: {fr: Gouvernance, en: Governance}\n  broader: budget",
    )
    # `quartier` may well be defined by the broken file: not reported; `quartiers` is not.
    edit(small_site, DOCUMENT, "descriptors: [participation, budget]", "descriptors: [quartier]")
    edit(small_site, DOSSIER, "descriptors: [participation]", "descriptors: [quartiers]")
    assert problems(small_site) == [
        f"{DESCRIPTORS}:4: cycle in broader descriptors: "
        "budget → participation → gouvernance → budget",
        f"{DESCRIPTORS}:14: unknown descriptor 'bugdet' (did you mean 'budget'?)",
        "atlas/descriptors/other.yaml:4: YAML syntax: expected ',' or ']', but got "
        "'<stream end>' (while parsing a flow sequence opened here)",
        f"{DOSSIER}:8: unknown descriptor 'quartiers'",
    ]


def test_an_unreadable_document_silences_only_references_to_it(small_site: Path) -> None:
    edit(small_site, "dossiers/essai/cas-deux.md", "type: analysis", "type: [analysis")
    # cas-un links to the broken cas-deux (not reported) and to a document that is nowhere.
    edit(small_site, DOSSIER, "documents: [cas-un]", "documents: [cas-un, cas-trois]")
    found = problems(small_site)
    assert [p.split(": ", 1)[0] for p in found] == ["dossiers/essai/cas-deux.md:4", f"{DOSSIER}:12"]
    assert found[1] == f"{DOSSIER}:12: unknown document 'cas-trois'"


# --- YAML read otherwise than it looks: said in the editor's words -----------------------


def reader_warnings(content: Path) -> list[str]:
    """The warnings of a content folder but "this document has no descriptors"."""
    root = str(content.resolve()) + "/"
    found = [str(w).replace(root, "") for w in warnings(load(content))]
    return sorted(w for w in found if "has no descriptors" not in w)


def test_a_list_item_indented_too_deep_is_a_warning(small_site: Path) -> None:
    edit(
        small_site,
        DOCUMENT,
        "authors: [Ana Pérez]",
        "authors:\n  - Claire Martin\n    - Paul Mercier",
    )
    assert reader_warnings(small_site) == [
        f"{DOCUMENT}:7: 'Claire Martin - Paul Mercier' is read as one item of 'authors': this "
        "'- ' is indented deeper than the item above; indent it like the other items to make "
        "it an item of its own"
    ]
    result = subprocess.run(
        [sys.executable, "-m", "treillis", "check", str(small_site)],
        capture_output=True,
        text=True,
        cwd=small_site.parent,
    )
    assert result.returncode == 0 and f"content/{DOCUMENT}:7: 'Claire Martin" in result.stderr


def test_a_text_over_several_lines_where_a_list_is_expected_is_a_warning(
    small_site: Path,
) -> None:
    edit(
        small_site,
        DOSSIER,
        "coordinators: [Claire Martin]",
        "coordinators:\n  Claire Martin\n  Paul Mercier",
    )
    edit(
        small_site,
        DESCRIPTORS,
        "synonyms: {fr: [démocratie participative]}",
        "synonyms:\n    fr:\n      démocratie participative\n      démocratie locale",
    )
    assert reader_warnings(small_site) == [
        f"{DESCRIPTORS}:12: 'synonyms: fr' is read as one text written over 2 lines "
        "('démocratie participative démocratie locale'): to list several, start each one "
        "on its own line with '- '",
        f"{DOSSIER}:7: 'coordinators' is read as one text written over 2 lines "
        "('Claire Martin Paul Mercier'): to list several, start each one on its own line "
        "with '- '",
    ]
    assert load(small_site).dossiers["essai"].coordinators == ["Claire Martin Paul Mercier"]


def test_a_value_carried_on_without_indentation_points_at_its_line(small_site: Path) -> None:
    edit(
        small_site,
        DOCUMENT,
        "summary: Un cas pour les tests.",
        "summary: Un cas pour les tests,\nqui continue sans retrait.",
    )
    assert problems(small_site) == [
        f"{DOCUMENT}:9: YAML syntax: the line 'qui continue sans retrait.' has no ':' — if it "
        "continues the value above, indent it with spaces; if it is a field, write "
        "'name: value'"
    ]


def test_a_tab_in_yaml_says_so_on_its_line(small_site: Path) -> None:
    edit(
        small_site,
        DESCRIPTORS,
        "  family: acteurs\n  label: {fr: Territoire",
        "  family: acteurs\n\tlabel: {fr: Territoire",
    )
    edit(small_site, DOCUMENT, "summary: Un cas", "summary:\tUn cas")
    assert problems(small_site) == [
        f"{DESCRIPTORS}:6: YAML syntax: tabs are not allowed in YAML, use spaces",
        f"{DOCUMENT}:8: YAML syntax: tabs are not allowed in YAML, use spaces",
    ]
