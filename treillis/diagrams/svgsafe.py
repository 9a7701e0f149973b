"""Diagram markup rebuilt from a parse: only the elements and attributes a diagram uses.

A diagram goes into pages as inline markup. One laid out by Graphviz (for the
benchmark's comparison) is parsed with expat (no document type, so no entity can
be declared or expanded) and written again element by element: an element or
attribute a diagram never has, or a link to anything but a page or a web address,
rejects the whole picture. What comes out is markup this module wrote, escaped by
it, whatever the input was. The pictures Treillis draws itself are written in that
form from the start (`star`, `outline`): sanitising them changes nothing.
"""

from __future__ import annotations

import re
from xml.parsers import expat

# What Graphviz's SVG (after `layout.finish_svg`) and the neighbourhood drawings use.
_ELEMENTS: dict[str, frozenset[str]] = {
    name: frozenset(attributes.split())
    for name, attributes in {
        "svg": "class aria-labelledby aria-describedby width height viewBox xmlns",
        "title": "id",
        "desc": "id",
        "g": "id class transform font-family font-size text-anchor fill stroke stroke-width",
        "a": "href class",
        # Classes let the stylesheet restyle colours (a dark theme).
        "path": "class fill stroke stroke-width stroke-dasharray d",
        "polygon": "class fill stroke stroke-width stroke-dasharray points",
        "polyline": "class fill stroke stroke-width stroke-dasharray points",
        "ellipse": "class fill stroke stroke-width stroke-dasharray cx cy rx ry",
        "rect": "class fill stroke stroke-width x y width height rx",
        "text": "class xml:space text-anchor x y font-family font-size font-weight font-style fill",
    }.items()
}
_SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# A scheme, as browsers find it once they have dropped whitespace and control characters.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")
_NEEDS_ESCAPE = re.compile('[&<>"]')
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


class UnsafeDiagram(ValueError):
    """Markup that is not a diagram as Treillis draws it."""


def safe_link(url: str) -> bool:
    """A link a diagram may hold: a relative address, or http(s)."""
    scheme = _SCHEME.match(_IGNORED_IN_URLS.sub("", url))
    return scheme is None or scheme.group(1).lower() in ("http", "https")


# Start tags already checked and written, by element and attributes: the same tags come
# back in picture after picture (boxes are drawn at their origin and moved).
_START_TAGS: dict[tuple[str, ...], str] = {}
MAX_START_TAGS = 1 << 16


def _start_tag(name: str, attributes: list[str]) -> str:
    """An element's start tag, without its closing ">" (it may end as "/>"), rebuilt from
    its parsed name and attributes; raises `UnsafeDiagram` for any a diagram never has."""
    allowed = _ELEMENTS.get(name)
    if allowed is None:
        raise UnsafeDiagram(f"element <{name}>")
    parts = [f"<{name}"]
    for attribute, value in zip(attributes[::2], attributes[1::2], strict=True):
        if attribute not in allowed:
            raise UnsafeDiagram(f"attribute {attribute} on <{name}>")
        if attribute == "href" and not safe_link(value):
            raise UnsafeDiagram(f"link {value!r}")
        if attribute == "xmlns" and value != _SVG_NAMESPACE:
            raise UnsafeDiagram(f"namespace {value!r}")
        if attribute == "class" and name == "svg" and not value.startswith("diagram"):
            raise UnsafeDiagram("not a diagram")
        if _NEEDS_ESCAPE.search(value):
            value = value.translate(_ATTRIBUTE_ESCAPES)
        parts.append(f' {attribute}="{value}"')
    return "".join(parts)


def sanitise(markup: str) -> str:
    """The diagram rebuilt from its parse; raises `UnsafeDiagram` for anything else."""
    parts: list[str] = []
    open_tag = False  # a start tag written without its closing ">" (it may end as "/>")
    depth = 0

    def refuse(*_args: object) -> None:
        raise UnsafeDiagram("document types, entities and processing instructions")

    def start(name: str, attributes: list[str]) -> None:
        nonlocal open_tag, depth
        if (depth == 0) != (name == "svg"):
            raise UnsafeDiagram(f"element <{name}>")
        key = (name, *attributes)
        tag = _START_TAGS.get(key)
        if tag is None:
            tag = _start_tag(name, attributes)
            if len(_START_TAGS) >= MAX_START_TAGS:
                _START_TAGS.clear()
            _START_TAGS[key] = tag
        parts.append(">" + tag if open_tag else tag)
        open_tag = True
        depth += 1

    def end(name: str) -> None:
        nonlocal open_tag, depth
        parts.append("/>" if open_tag else f"</{name}>")
        open_tag = False
        depth -= 1

    def text(data: str) -> None:
        nonlocal open_tag
        if depth == 0:
            return
        if open_tag:
            parts.append(">")
            open_tag = False
        parts.append(data.translate(_TEXT_ESCAPES) if _NEEDS_ESCAPE.search(data) else data)

    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ProcessingInstructionHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(markup, True)
    except expat.ExpatError as error:
        raise UnsafeDiagram(f"not well-formed: {error}") from None
    if not parts:
        raise UnsafeDiagram("empty")
    return "".join(parts) + "\n"
