"""Markdown: CommonMark with tables, `[[...]]` links, no raw HTML, no dangerous URLs."""

from __future__ import annotations

from treillis.markdown import Link, find_wikilinks, render


def resolve(target: str) -> Link | None:
    known = {
        "participation": Link("../participation/index.html", "Participation des habitants", "fr")
    }
    return known.get(target)


def test_wikilinks_render_with_the_targets_label_or_their_own_text() -> None:
    html = render("Voir [[participation]] et [[participation|les habitants\nimpliqués]].", resolve)
    assert '<a href="../participation/index.html" lang="fr">Participation des habitants</a>' in html
    assert '<a href="../participation/index.html">les habitants impliqués</a>' in html


def test_wikilinks_are_found_with_their_file_line_but_not_in_code() -> None:
    text = "Intro.\n\nUn lien [[a]] puis,\nplus bas, [[b/c|texte]].\n\n```\n[[pas-un-lien]]\n```\n\n`[[non]]`\n"
    assert find_wikilinks(text, first_line=10) == [("a", 12), ("b/c", 13)]


def test_unknown_wikilink_is_not_a_link() -> None:
    assert render("[[inconnu]]", resolve) == '<p><span class="broken-link">inconnu</span></p>\n'


def test_raw_html_is_shown_as_text() -> None:
    html = render('<script>alert("x")</script>\n\nText <img src=x onerror=alert(1)>')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_dangerous_link_targets_are_not_links() -> None:
    html = render("[a](javascript:alert(1)) [b](data:text/html;base64,xx) [c](https://example.org)")
    assert "<a" not in html.split("[b]")[0]  # [a](javascript:…) stays text
    assert 'href="javascript' not in html
    assert 'href="data:' not in html
    assert '<a href="https://example.org">c</a>' in html


def test_headings_are_shifted_under_the_pages_sections() -> None:
    assert "<h3>Titre</h3>" in render("## Titre\n\n### Sous-titre", top_heading=3)
    assert "<h4>Sous-titre</h4>" in render("## Titre\n\n### Sous-titre", top_heading=3)
    assert "<h2>Titre</h2>" in render("# Titre", top_heading=2)
    assert "<h3>Déjà bas</h3>" in render("### Déjà bas", top_heading=2)


def test_tables_are_rendered() -> None:
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table>" in html and "<td>1</td>" in html


def test_raw_html_when_allowed_is_sanitised() -> None:
    html = render(
        '<b>gras</b> <script>alert(1)</script> <a href="javascript:alert(1)">a</a> '
        '<img src="x.png" onerror="alert(1)" alt="x"> <a href="https://example.org" onclick="x()">b</a>',
        allow_html=True,
    )
    assert "<b>gras</b>" in html
    assert "<script" not in html and "alert(1)</script>" not in html
    assert "javascript:" not in html and "onerror" not in html and "onclick" not in html
    assert '<img src="x.png" alt="x">' in html
    assert '<a href="https://example.org">b</a>' in html
    assert "&lt;b&gt;" in render("<b>gras</b>")  # off by default: shown as text


# Texts whose paragraphs end lines with spaces and tabs, start them with some, mix plain
# lines with inline syntax, in every kind of block that holds inline text.
_LINE_ENDS = [
    "a  \nb",
    "a \nb",
    "a\n   b",
    "a\t\nb",
    "a \t \nb",
    "a   \n  b  \n c",
    "x\\\ny",
    "é  \n\tà",
    "# Titre  \n",
    "| a | b |\n|---|---|\n| c  d | e |",
    "> q  \n> r",
    "- a  \n  b\n- c",
    "un *mot* \nune ligne  \n[[plui]] et &amp; <b>",
    "line one \nline two  \nline three",
]


def test_texts_without_inline_syntax_are_cut_into_lines_as_the_inline_rules_cut_them(
    monkeypatch,
) -> None:
    """The shortcut for paragraphs with no inline syntax (`markdown._inline`) makes the very
    tokens and markup of markdown-it's own rule, raw HTML allowed or not, on constructed
    line ends and on the real French documents of ../shared/data when they are there."""
    from markdown_it.rules_core.inline import inline as markdown_its_own

    from tests.conftest import SHARED_DATA
    from treillis import markdown

    cut = []

    def counted(content: str, children: list) -> None:
        cut.append(content)
        lines_of(content, children)

    lines_of = markdown._lines_of
    monkeypatch.setattr(markdown, "_lines_of", counted)
    texts = list(_LINE_ENDS)
    texts += [p.read_text(encoding="utf-8") for p in (SHARED_DATA / "service-public").rglob("*.md")]
    for html in (False, True):
        parser, reference = markdown._Parser(html=html), markdown._Parser(html=html)
        reference.core.ruler.at("inline", markdown_its_own)
        for text in texts:
            tokens, expected = parser.parse(text, {}), reference.parse(text, {})
            assert tokens == expected, text[:200]
            assert parser.renderer.render(tokens, parser.options, {}) == reference.renderer.render(
                expected, reference.options, {}
            )
    assert "line one \nline two  \nline three" in cut  # the shortcut was taken
    assert not any("*" in content for content in cut)  # and only where it may be


# Lines that start, or almost start, each kind of block, in and after paragraphs and lists.
_BLOCK_LINES = [
    "# titre", "#titre", "####### sept", "> cité", ">", "- point", "-point", "* étoile",
    "+ plus", "1. un", "1) un", "12345678901. trop", "***", "---", "___", "- - -", "```",
    "~~~ py", "``", "[ref]: /lien", "[ref] :", "<div>", "<b>x</b>", "    code", "\t\tcode",
    "| a | b |", "|---|---|", "a | b", "--- | ---", "===", "Titre", "texte", "", "  - sous",
    "   > cité", "1.", "-", "#", "`code`", "[[lien]]", "é", " ",
]


def test_block_rules_tried_only_where_they_may_start_give_the_same_tokens() -> None:
    """Block rules not tried at a line whose first character none of them takes
    (`markdown._BLOCK_STARTS`): the very tokens of markdown-it tried with every rule,
    raw HTML allowed or not, on every pair and triple of the lines above (in a list item
    too) and on the real French documents of ../shared/data."""
    import itertools

    from tests.conftest import DEMO_CONTENT, SHARED_DATA
    from treillis import markdown

    texts = ["\n".join(lines) for lines in itertools.product(_BLOCK_LINES, repeat=2)]
    texts += [
        f"- {a}\n  {b}\n{c}" for a, b, c in itertools.product(_BLOCK_LINES[::3], repeat=3)
    ]
    texts += [p.read_text(encoding="utf-8") for p in (SHARED_DATA / "service-public").rglob("*.md")]
    texts += [p.read_text(encoding="utf-8") for p in DEMO_CONTENT.rglob("*.md")]
    for html in (False, True):
        parser = markdown._Parser(html=html)
        reference = markdown._Parser(html=html, quick_blocks=False)
        for text in texts:
            assert parser.parse(text, {}) == reference.parse(text, {}), text[:200]
