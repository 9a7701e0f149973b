"""Markdown rendering: CommonMark plus tables, with `[[id]]` links into the site.

Raw HTML is not rendered (shown as text) unless the site allows it. Every link
target (links, images, autolinks, reference definitions, raw HTML `href`/`src`)
goes through one rule, `is_allowed_link`: read as a browser reads it, it must be
relative or use http:, https: or mailto:.
"""

from __future__ import annotations

import html as html_entities
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock, html_block, reference
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline, autolink, html_inline, image, link
from markdown_it.token import Token

from treillis.languages import REGISTRY

WIKILINK_OPEN = "[["
WIKILINK_CLOSE = "]]"


@dataclass(frozen=True)
class Link:
    """Where a `[[target]]` points: a relative URL, its text and the text's language."""

    href: str
    text: str
    lang: str = ""


Resolver = Callable[[str], Link | None]


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith(WIKILINK_OPEN, state.pos):
        return False
    end = state.src.find(WIKILINK_CLOSE, state.pos + 2)
    if end < 0:
        return False
    inner = state.src[state.pos + 2 : end]
    target, _, text = inner.partition("|")
    # The target is one identifier; only the shown text may wrap onto the next line.
    if not target.strip() or "\n" in target or "[" in inner:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"target": target.strip(), "text": " ".join(text.split()), "pos": state.pos}
    state.pos = end + 2
    return True


# Schemes a link may use; a link without one is relative (a page, a file, an #anchor).
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop tabs and newlines anywhere in a URL, and controls and spaces around it;
# everything of the kind goes, so that no spelling of a scheme slips through.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
# `&amp;#106;` or `%256A` need several rounds; a URL still encoded after them is refused.
_DECODING_ROUNDS = 4


def link_as_read(url: str) -> str | None:
    """A link target as a browser would follow it: character references (`&#x6A;`,
    `&colon;`) and percent-encoding decoded, invisible characters dropped; None when
    it is still encoded after a few rounds (nothing legitimate is)."""
    for _round in range(_DECODING_ROUNDS):
        decoded = unquote(html_entities.unescape(url))
        if decoded == url:
            return _INVISIBLE.sub("", url)
        url = decoded
    return None


def is_allowed_link(url: str) -> bool:
    """The one rule for every link target: relative, or http:, https:, mailto:."""
    read = link_as_read(url)
    if read is None:
        return False
    scheme = _SCHEME.match(read)
    return scheme is None or scheme.group(1).lower() in ALLOWED_SCHEMES


def shown_link(url: str) -> str:
    """A refused link target as a message shows it: as read, at most 60 characters."""
    read = link_as_read(url) or url
    return read if len(read) <= 60 else read[:57] + "..."


class _Parser(MarkdownIt):
    """CommonMark with tables, strikethrough and `[[...]]`, refusing links by `is_allowed_link`."""

    def __init__(self, html: bool = False, quick_blocks: bool = True) -> None:
        super().__init__("commonmark", {"html": html, "typographer": False})
        self.enable(["table", "strikethrough"])
        self.inline.ruler.before("link", "wikilink", _wikilink_rule)
        self.add_render_rule("wikilink", _render_wikilink)
        self.core.ruler.at("inline", _inline)
        if quick_blocks:
            ruler = self.block.ruler
            for name, starts in _BLOCK_STARTS.items():
                rule = ruler.__rules__[ruler.__find__(name)]
                ruler.at(name, _only_at(starts, rule.fn), {"alt": rule.alt})

    def validateLink(self, url: str) -> bool:
        # markdown-it's own rule only knows javascript:, vbscript:, file: and data:.
        return is_allowed_link(url)


# The block rules that only start a block at a line whose first character (after its
# indent) is one of these: each rule's own first test, in markdown-it-py 4. A line of prose
# (most lines of real texts) is then tried by 4 rules instead of 11: parsing the 3,832
# real documents 30 % faster, into the same tokens (tests/test_markdown.py).
_BLOCK_STARTS = {
    "fence": "~`",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}


def _only_at(starts: str, rule: Callable) -> Callable:
    """`rule`, not called at a line whose first character is not one of `starts`."""

    def rule_at(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        if pos < state.eMarks[start] and state.src[pos] not in starts:
            return False
        return rule(state, start, end, silent)

    return rule_at


# A character that starts an inline rule but the text's and line ends' (escape, code,
# strikethrough, emphasis, links, wikilinks and images, autolinks and raw HTML, entities).
_INLINE_SYNTAX = re.compile(r"[\\`~*_\[<&]")


def _inline(state: StateCore) -> None:
    """markdown-it's core `inline` rule, a text with no inline syntax (most paragraphs,
    headings and cells of real texts: 103,324 of the 104,579 of the CITEGO-scale
    benchmark's) cut into its lines directly, as the inline rules cut it a character at
    a time (the plain text of those documents: 1.8 → 1.25 s)."""
    md = state.md
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if _INLINE_SYNTAX.search(token.content) is None:
                _lines_of(token.content, token.children)
            else:
                md.inline.parse(token.content, md, state.env, token.children)


def _lines_of(content: str, children: list[Token]) -> None:
    """The tokens of markdown-it's `text` and `newline` rules for a text of no other
    syntax: each line's text, then a hard break if it ends with two spaces or more, else
    a soft one (one trailing space dropped); a next line's leading spaces skipped."""
    lines = content.split("\n")
    last = len(lines) - 1
    for number, line in enumerate(lines):
        if number:
            line = line.lstrip(" \t")
        kind = None
        if number < last:
            if line.endswith("  "):
                line, kind = line.rstrip(" "), "hardbreak"
            else:
                line, kind = line.removesuffix(" "), "softbreak"
        if line:
            children.append(Token("text", "", 0, content=line))
        if kind is not None:
            children.append(Token(kind, "br", 0))


def _render_wikilink(self, tokens: list[Token], idx: int, options, env) -> str:
    meta = tokens[idx].meta
    link: Link | None = meta.get("link")
    text = meta["text"] or (link.text if link else meta["target"])
    if link is None:
        return f'<span class="broken-link">{escapeHtml(text)}</span>'
    lang = f' lang="{escapeHtml(link.lang)}"' if link.lang and not meta["text"] else ""
    return f'<a href="{escapeHtml(link.href)}"{lang}>{escapeHtml(text)}</a>'


_PARSER = _Parser()
_HTML_PARSER = _Parser(html=True)

# With `allow_html: true` in site.yaml, raw HTML is kept, then cleaned by nh3 (ammonia):
# no script, no event handler, links by `is_allowed_link` only, no `name`, and every
# id prefixed, so that content never takes an id of the page around it (the theme's
# scripts find their elements by id).
CONTENT_ID_PREFIX = "content-"
URL_ATTRIBUTES = frozenset({"href", "src"})
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "title", "class", "id"},
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}


def _wikilinks(tokens: list[Token], first_line: int):
    """Yield (token, line) for every `[[...]]` in parsed tokens."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        block_line = first_line + (block.map[0] if block.map else 0)
        for child in block.children:
            if child.type == "wikilink":
                yield child, block_line + block.content[: child.meta["pos"]].count("\n")


@lru_cache(maxsize=4096)
def _wikilink_positions(text: str) -> tuple[tuple[str, int], ...]:
    return tuple(
        (token.meta["target"], line) for token, line in _wikilinks(_PARSER.parse(text, {}), 0)
    )


def find_wikilinks(text: str, first_line: int = 1) -> list[tuple[str, int]]:
    """The targets of every `[[...]]` in a Markdown text, with their file lines."""
    if WIKILINK_OPEN not in text:
        return []
    return [(target, line + first_line) for target, line in _wikilink_positions(text)]


_TARGET = re.compile(r"\[\[([^\]|\n\[]+)")


def link_targets(text: str) -> list[str]:
    """Every `[[target` written in a text (a quick superset of its real links, for cache keys)."""
    return [match.strip() for match in _TARGET.findall(text)] if WIKILINK_OPEN in text else []


def render(
    text: str,
    resolve: Resolver | None = None,
    top_heading: int = 2,
    allow_html: bool = False,
    lang: str = "",
    plain: Callable[[str], None] | None = None,
) -> str:
    """Render Markdown to HTML, resolving `[[...]]` links with `resolve`.

    Headings are shifted so that the highest one in the text is at least
    `top_heading`: a text placed under a page's `<h2>` section starts at `<h3>`.
    Raw HTML is shown as text unless `allow_html`, and then sanitised. The text is
    typeset the way `lang` writes it (French spaces before `:` and the like).
    `plain`, without raw HTML, is given the text's `plain_text`, from the same parse.
    """
    if not text.strip():
        return ""
    parser = _HTML_PARSER if allow_html else _PARSER
    env: dict = {}
    tokens = parser.parse(text, env)
    if plain is not None and not allow_html:
        plain(plain_text_of(tokens))  # (before the tokens are typeset and their links resolved)
    if resolve is not None and WIKILINK_OPEN in text:
        for token, _line in _wikilinks(tokens, 1):
            token.meta["link"] = resolve(token.meta["target"])
    _shift_headings(tokens, top_heading)
    if lang in REGISTRY and REGISTRY[lang].french_spacing:
        _typeset(tokens, REGISTRY[lang].typeset)
    html = parser.renderer.render(tokens, parser.options, env)
    return _sanitise(html) if allow_html else html


_SAME_PAGE_LINK = re.compile(r'(<a\b[^>]*?\shref=")#([^"]*)"')


def _sanitise(html: str) -> str:
    """Clean raw HTML; links to the text's own ids follow them to their prefixed names."""
    import nh3

    ids: set[str] = set()

    def keep(_tag: str, attribute: str, value: str) -> str | None:
        if attribute in URL_ATTRIBUTES and not is_allowed_link(value):
            return None
        if attribute == "id":  # nh3 hands it over already prefixed
            ids.add(value.removeprefix(CONTENT_ID_PREFIX))
        return value

    html = nh3.clean(
        html,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=None,
        attribute_filter=keep,
        id_prefix=CONTENT_ID_PREFIX,
    )
    if not ids:
        return html

    def follow(match: re.Match) -> str:
        anchor = match.group(2)
        if unquote(html_entities.unescape(anchor)) in ids:
            anchor = CONTENT_ID_PREFIX + anchor
        return f'{match.group(1)}#{anchor}"'

    return _SAME_PAGE_LINK.sub(follow, html)


def _typeset(tokens: list[Token], typeset: Callable[[str], str]) -> None:
    """Typeset the prose of parsed Markdown: its text tokens only, so that code, raw
    HTML, link targets and attributes (an image's alt text) are never touched.

    Adjacent text and soft line breaks are joined first: the space before `?` may be
    the line end before it.
    """
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_autolink = False  # an autolink's text is its URL
        for child in block.children:
            if child.type == "link_open":
                in_autolink = child.markup in ("autolink", "linkify")
            elif child.type == "link_close":
                in_autolink = False
            prose = child.type in ("text", "softbreak") and not in_autolink
            previous = children[-1] if children else None
            if prose and previous is not None and previous.meta.get("prose"):
                previous.content += child.content if child.type == "text" else "\n"
                continue
            if prose:
                child = Token(
                    "text", "", 0, content=child.content if child.type == "text" else "\n"
                )
                child.meta = {"prose": True}
            children.append(child)
        for child in children:
            if child.meta.get("prose"):
                child.content = typeset(child.content)
        block.children = children


def _shift_headings(tokens: list[Token], top_heading: int) -> None:
    headings = [t for t in tokens if t.type in ("heading_open", "heading_close")]
    if not headings:
        return
    shift = top_heading - min(int(t.tag[1]) for t in headings)
    if shift > 0:
        for token in headings:
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"


def plain_text(text: str) -> str:
    """The words of a Markdown text without its markup (for the search index).

    `[[target|text]]` keeps its text; `[[target]]` keeps nothing (the target's
    label is indexed with the descriptors already).
    """
    if not text.strip():
        return ""
    return plain_text_of(_PARSER.parse(text, {}))


def plain_text_of(tokens: list[Token]) -> str:
    """`plain_text` of a text parsed by `_PARSER` (its tokens as the parser made them)."""
    words: list[str] = []
    for block in tokens:
        if block.type == "inline" and block.children:
            for child in block.children:
                if child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type == "wikilink" and child.meta["text"]:
                    words.append(child.meta["text"])
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
            words.append("\n")
        elif block.type in ("fence", "code_block"):
            words.append(block.content)
    return "".join(words)


class _Watchful(_Parser):
    """A parser that records every link target it refuses, with the line where it is written.

    The rules that read a target (links, images, autolinks, reference definitions,
    raw HTML) are wrapped to note where they start; `validateLink` records refusals there.
    """

    def __init__(self, html: bool) -> None:
        super().__init__(html)
        self.refused: list[tuple[str, int]] = []
        self._block_line = 0  # line of the inline text being parsed (0-based, in the text)
        self._line = 0  # line where the rule being run started
        self._newlines_of: str | None = None
        self._newlines: list[int] = []
        self.core.ruler.at("inline", self._inline)
        for name, rule in (("link", link), ("image", image), ("autolink", autolink)):
            self.inline.ruler.at(name, self._watch_inline(rule))
        self.block.ruler.at("reference", self._watch_block(reference))
        if html:
            self.inline.ruler.at("html_inline", self._watch_inline(html_inline, raw=True))
            self.block.ruler.at(
                "html_block",
                self._watch_block(html_block, raw=True),
                {"alt": ["paragraph", "reference", "blockquote"]},
            )

    def validateLink(self, url: str) -> bool:
        allowed = super().validateLink(url)
        if not allowed:
            self.refused.append((url, self._line))
        return allowed

    def _inline(self, state: StateCore) -> None:
        for token in state.tokens:
            if token.type == "inline":
                self._block_line = token.map[0] if token.map else 0
                token.children = []
                self.inline.parse(token.content, self, state.env, token.children)

    def _watch_inline(self, rule: Callable, raw: bool = False) -> Callable:
        def watched(state: StateInline, silent: bool) -> bool:
            if self._newlines_of is not state.src:  # counted once per text, not once per link
                self._newlines_of, self._newlines = state.src, _newlines(state.src)
            self._line = self._block_line + bisect_right(self._newlines, state.pos)
            found = rule(state, silent)
            if found and raw and not silent:
                self._check_html(state.tokens[-1].content, self._line)
            return found

        return watched

    def _watch_block(self, rule: Callable, raw: bool = False) -> Callable:
        def watched(state: StateBlock, start: int, end: int, silent: bool) -> bool:
            self._line = start
            found = rule(state, start, end, silent)
            if found and raw and not silent:
                self._check_html(state.tokens[-1].content, start)
            return found

        return watched

    def _check_html(self, html: str, line: int) -> None:
        for url, offset in _html_links(html):
            if not is_allowed_link(url):
                self.refused.append((url, line + offset))


# An `href=` or `src=` attribute and its value, quoted or not. An unclosed quote runs to
# the end (as in browsers), which keeps the search linear; Python's HTMLParser is not.
_URL_ATTRIBUTE = re.compile(
    r"""(?<![\w:.-])(?:href|src)\s*=\s*(?:"([^"]*)(?:"|\Z)|'([^']*)(?:'|\Z)|([^\s"'=<>`]+))""",
    re.IGNORECASE,
)


def _html_links(html: str) -> list[tuple[str, int]]:
    """The `href` and `src` values in raw HTML (character references decoded), each with
    its line in `html`; comments left out. Text that merely looks like an attribute
    counts too: better a question to the editor than a link let through."""
    newlines = _newlines(html)
    found = []
    for match in _URL_ATTRIBUTE.finditer(_without_comments(html)):
        value = next(group for group in match.groups() if group is not None)
        found.append((html_entities.unescape(value), bisect_right(newlines, match.start())))
    return found


def _newlines(text: str) -> list[int]:
    """Where the line breaks of `text` are: the line of any offset is then a bisection."""
    return [match.start() for match in re.finditer("\n", text)]


def _without_comments(html: str) -> str:
    """`html` with its `<!-- … -->` comments blanked, lines kept (in one linear pass)."""
    kept, position = [], 0
    while (start := html.find("<!--", position)) >= 0:
        end = html.find("-->", start + 4)
        end = len(html) if end < 0 else end + 3
        kept += [html[position:start], "\n" * html.count("\n", start, end)]
        position = end
    kept.append(html[position:])
    return "".join(kept)


_WATCHFUL = _Watchful(html=False)
_WATCHFUL_HTML = _Watchful(html=True)


@lru_cache(maxsize=4096)
def _refused(text: str, allow_html: bool) -> tuple[tuple[str, int], ...]:
    parser = _WATCHFUL_HTML if allow_html else _WATCHFUL
    parser.refused.clear()
    parser.parse(text, {})
    # A target read twice (`![a](x)` is tried as an image, then as a link) is one problem.
    return tuple(dict.fromkeys(parser.refused))


_LINK_SYNTAX = ("](", "]:", "<")


def refused_links(
    text: str, first_line: int = 1, allow_html: bool = False
) -> list[tuple[str, int]]:
    """Link targets refused by `is_allowed_link` (so not shown as links), each with the
    file line where it is written; raw HTML's too when it is allowed."""
    if not any(syntax in text for syntax in _LINK_SYNTAX):
        return []
    return [(url, line + first_line) for url, line in _refused(text, allow_html)]
