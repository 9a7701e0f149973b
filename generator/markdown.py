"""Markdown rendering: CommonMark plus tables, with `[[id]]` links into the site.

Raw HTML is not rendered (shown as text), and markdown-it refuses
`javascript:`, `vbscript:`, `file:` and `data:` link targets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

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


def _make_parser(html: bool = False) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html, "typographer": False}).enable(
        ["table", "strikethrough"]
    )
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    return md


def _render_wikilink(self, tokens: list[Token], idx: int, options, env) -> str:
    meta = tokens[idx].meta
    link: Link | None = meta.get("link")
    text = meta["text"] or (link.text if link else meta["target"])
    if link is None:
        return f'<span class="broken-link">{escapeHtml(text)}</span>'
    lang = f' lang="{escapeHtml(link.lang)}"' if link.lang and not meta["text"] else ""
    return f'<a href="{escapeHtml(link.href)}"{lang}>{escapeHtml(text)}</a>'


def _escapeHtml(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


_PARSER = _make_parser()
_HTML_PARSER = _make_parser(html=True)

# With `allow_html: true` in site.yaml, raw HTML is kept, then cleaned by nh3 (ammonia):
# no script, no event handler, links to web and mail addresses only.
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
    text: str, resolve: Resolver | None = None, top_heading: int = 2, allow_html: bool = False
) -> str:
    """Render Markdown to HTML, resolving `[[...]]` links with `resolve`.

    Headings are shifted so that the highest one in the text is at least
    `top_heading`: a text placed under a page's `<h2>` section starts at `<h3>`.
    Raw HTML is shown as text unless `allow_html`, and then sanitised.
    """
    if not text.strip():
        return ""
    parser = _HTML_PARSER if allow_html else _PARSER
    env: dict = {}
    tokens = parser.parse(text, env)
    if resolve is not None and WIKILINK_OPEN in text:
        for token, _line in _wikilinks(tokens, 1):
            token.meta["link"] = resolve(token.meta["target"])
    _shift_headings(tokens, top_heading)
    html = parser.renderer.render(tokens, parser.options, env)
    if allow_html:
        import nh3

        html = nh3.clean(
            html,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel=None,
        )
    return html


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
    words: list[str] = []
    for block in _PARSER.parse(text, {}):
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


class _Watchful(MarkdownIt):
    """A parser that records the link targets it refuses (javascript:, data:, file:…)."""

    def __init__(self) -> None:
        super().__init__("commonmark", {"html": False})
        self.enable(["table", "strikethrough"])
        self.inline.ruler.before("link", "wikilink", _wikilink_rule)
        self.refused: list[str] = []

    def validateLink(self, url: str) -> bool:
        allowed = super().validateLink(url)
        if not allowed:
            self.refused.append(url)
        return allowed


_WATCHFUL = _Watchful()


@lru_cache(maxsize=4096)
def _refused(text: str) -> tuple[tuple[str, int], ...]:
    found = []
    for block in _WATCHFUL.parse(text, {}):
        if block.type != "inline":
            continue
        _WATCHFUL.refused.clear()
        _WATCHFUL.parseInline(block.content, {})
        for url in _WATCHFUL.refused:
            offset = block.content.find(url.split(":", 1)[0])
            line = (block.map[0] if block.map else 0) + block.content[: max(offset, 0)].count("\n")
            found.append((url, line))
    return tuple(found)


def refused_links(text: str, first_line: int = 1) -> list[tuple[str, int]]:
    """Link targets that are not shown as links (javascript:, data:…), with their file lines."""
    if ":" not in text:
        return []
    return [(url, line + first_line) for url, line in _refused(text)]
