"""Neighbourhood pictures drawn directly: rows of boxes, no general graph layout needed.

A neighbourhood is always the same shape — broader descriptors in rows
above, the descriptor in the middle with its related ones beside it,
narrower ones in rows below — so placing the boxes is arithmetic. Rows wrap
at a maximum width, so a crowded neighbourhood is never scaled down to
fit its column: text is drawn at a readable size (13 px, counts 12 px) and
shown at 1:1. A narrow variant (at most 300 px wide) is added for phones
when it differs from the wide one; the stylesheet shows one of them. Graphviz
took about 1.4 ms a picture for this (7,040 pictures: 6 s of a 17 s build at
CITEGO's scale); this takes a few hundredths of that.

Colours are written as presentation attributes (the light look); every box,
label and edge also carries a class, so the stylesheet can restyle them (a
dark theme: CSS rules override presentation attributes).

Text widths are estimated from Helvetica's metrics, as Graphviz does when it
writes SVG without a font library.

The markup is written here, every value from the content escaped as `svgsafe`
escapes it and every link checked as it checks them, in the form it writes: a
picture is what `svgsafe.sanitise` would make of it, without the parse (6 % of a
cold build). It is drawn on every build and never leaves the process;
`tests/test_diagrams.py` checks that sanitising changes none of them.

A box's measures and markup depend only on what its node shows (every field but
its id) and its label's lines: a box is drawn where it stands by a `translate`, so
the same box is measured and written once per process and reused by every picture
that shows it (a broad descriptor appears in hundreds of outlines). What every box shares (font size, text colour,
border width) is written once on the picture's group and inherited; the lines are
one path per kind. Numbers have one decimal, none when it is 0.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, fields
from functools import lru_cache
from operator import attrgetter

from treillis.diagrams.colours import DARK_TEXT, text_colour_on, tint
from treillis.diagrams.spec import WRAP_WIDTH, Diagram, Node, wrap
from treillis.diagrams.svgsafe import UnsafeDiagram, safe_link

# Sizes in CSS pixels: pictures are shown at 1:1, never scaled down.
FONT = "Helvetica,Arial,sans-serif"
LABEL_SIZE = 13.0
COUNT_SIZE = 12.0
LINE = 16.0  # label line height
COUNT_LINE = 15.0
MARGIN_X, MARGIN_Y = 9.0, 6.0  # inside a box
MIN_WIDTH, MIN_HEIGHT = 60.0, 36.0
GAP_X = 14.0  # between boxes of a row
GAP_Y = 30.0  # between rows (arrows, arcs and buses live here)
GUTTER = 12.0  # beside the rows: where a bus runs down to rows after the first
PAD = 8.0
EDGE_COLOUR = "#6b7480"
WIDE_WIDTH = 680.0  # the widest picture: fits the column from 768 px screens up
NARROW_WIDTH = 300.0  # the phone variant: fits a 320 px screen

# Helvetica advance widths, in thousandths of the font size (Adobe's AFM).
_WIDTHS = {
    **dict.fromkeys("ijl", 222),
    **dict.fromkeys("ft", 278),
    **dict.fromkeys("r", 333),
    **dict.fromkeys("sczkvxy", 500),
    **dict.fromkeys("abdeghnopqu", 556),
    "m": 833,
    "w": 722,
    **dict.fromkeys("I", 278),
    **dict.fromkeys("J", 500),
    **dict.fromkeys("FTZL", 611),
    **dict.fromkeys("ABEKPSVXY", 667),
    **dict.fromkeys("CDHNRU", 722),
    **dict.fromkeys("GOQ", 778),
    "M": 833,
    "W": 944,
    **dict.fromkeys("0123456789", 556),
    **dict.fromkeys(" ", 278),
    **dict.fromkeys(".,:;!'’", 278),
    **dict.fromkeys("-()«»", 333),
    "+": 584,
    "&": 667,
    "/": 278,
}
_DEFAULT_WIDTH = 556


def _char_width(char: str) -> int:
    width = _WIDTHS.get(char)
    if width is None:
        base = unicodedata.normalize("NFD", char)[:1]
        width = _WIDTHS.get(base, _DEFAULT_WIDTH)
        _WIDTHS[char] = width
    return width


def text_width(text: str, size: float, bold: bool = False) -> float:
    try:
        advance = sum([_WIDTHS[c] for c in text])
    except KeyError:  # a character met for the first time: its width is found, then kept
        advance = sum(_char_width(c) for c in text)
    width = advance * size / 1000
    return width * 1.08 if bold else width


@dataclass(frozen=True, slots=True)
class _Shape:
    """A box as it is wherever it stands: its lines, size and markup (at the origin)."""

    lines: tuple[str, ...]
    count: str
    width: float
    height: float
    head: str  # the box's group, up to its position
    body: str  # after its position: the box, its texts, the group's end


class _Box:
    """A node placed on the page: its lines, size and position (top-left corner)."""

    __slots__ = ("count", "height", "index", "lines", "node", "shape", "width", "x", "y")

    def __init__(self, index: int, node: Node, wrap_width: int = WRAP_WIDTH) -> None:
        self.index, self.node = index, node
        shape = self.shape = _shape(node, _lines(node.label, wrap_width))
        self.lines, self.count = shape.lines, shape.count
        self.width, self.height = shape.width, shape.height
        self.x = self.y = 0.0

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


def number(value: float) -> str:
    """A coordinate to one decimal, without the decimal when it is 0."""
    return f"{value:.1f}".removesuffix(".0")


# In numbers written to one decimal (path data): a decimal that is 0, left out.
_ZERO_DECIMAL = re.compile(r"\.0(?![0-9])")


@lru_cache(maxsize=1 << 16)
def _lines(label: str, wrap_width: int) -> tuple[str, ...]:
    return tuple(wrap(label, wrap_width))


# What a box shows of its node: every field but its id (which only names it in its picture).
_SHOWN = attrgetter(*(f.name for f in fields(Node) if f.name != "id"))
_SHAPES: dict[tuple, _Shape] = {}
# Then the oldest forgotten first, so that a worker's memory stays bounded (a box takes
# about 1 KB; a box is mostly reused by the pictures of nearby pages).
MAX_SHAPES = 1 << 15


def _shape(node: Node, lines: tuple[str, ...]) -> _Shape:
    """A node's box: measured, and its markup written, once per process, then reused by
    every picture that shows the node. The key is everything the box shows (all the
    node's fields but its id, and its label's lines), so a reused box is never stale;
    a label wrapped alike at two widths is one box."""
    key = (_SHOWN(node), lines)
    shape = _SHAPES.get(key)
    if shape is None:
        if len(_SHAPES) >= MAX_SHAPES:
            del _SHAPES[next(iter(_SHAPES))]  # the oldest (a dict keeps insertion order)
        shape = _SHAPES[key] = _new_shape(node, lines)
    return shape


def _new_shape(node: Node, lines: tuple[str, ...]) -> _Shape:
    bold = node.role == "centre"
    widest = max(text_width(line, LABEL_SIZE, bold) for line in lines)
    count = count_text(node)
    if count:
        widest = max(widest, text_width(count, COUNT_SIZE))
    width = max(MIN_WIDTH, widest + 2 * MARGIN_X)
    text_height = len(lines) * LINE + (COUNT_LINE if count else 0)
    height = max(MIN_HEIGHT, text_height + 2 * MARGIN_Y)
    # Measured, then written with the widths as they will be drawn.
    width, height = float(number(width)), float(number(height))
    head, body = _node_markup(node, lines, count, width, height)
    return _Shape(lines, count, width, height, head, body)


def count_text(node: Node) -> str:
    """What a box shows under its label: the count as the spec words it, or nothing."""
    if node.count_text:
        return node.count_text
    return f"({node.count})" if node.count is not None else ""


def prefix(diagram: Diagram) -> str:
    # Every id in the picture starts with this, apart from the page's own ids.
    return f"dg_{diagram.name}"


def _row_width(boxes: list[_Box]) -> float:
    return sum(b.width for b in boxes) + GAP_X * max(0, len(boxes) - 1)


def _place_row(boxes: list[_Box], left: float, top: float, height: float) -> None:
    x = left
    for box in boxes:
        box.x, box.y = x, top + (height - box.height) / 2
        x += box.width + GAP_X


def wrap_rows(boxes: list[_Box], width: float) -> list[list[_Box]]:
    """`boxes` in rows no wider than `width` (a box wider than that gets a row of its own)."""
    rows: list[list[_Box]] = []
    for box in boxes:
        if rows and _row_width([*rows[-1], box]) <= width:
            rows[-1].append(box)
        else:
            rows.append([box])
    return rows


def layout_neighbourhood(diagram: Diagram) -> str:
    """The picture of a neighbourhood diagram, as inline SVG: a wide picture and, when
    its rows would not fit a phone, a narrow one after it (the stylesheet shows one)."""
    wide = _neighbourhood(diagram, WIDE_WIDTH)
    narrow = _neighbourhood(diagram, NARROW_WIDTH)
    if narrow == wide:
        return picture(diagram, diagram.name, *wide)
    return pair(
        picture(diagram, diagram.name, *wide), picture(diagram, f"{diagram.name}_narrow", *narrow)
    )


def pair(wide: str, narrow: str) -> str:
    """A wide picture and its narrow variant, marked for the stylesheet to pick one."""
    wide = wide.replace('<svg class="diagram ', '<svg class="diagram diagram--wide ', 1)
    narrow = narrow.replace('<svg class="diagram ', '<svg class="diagram diagram--narrow ', 1)
    return wide + narrow


def picture(diagram: Diagram, name: str, width: float, height: float, body: str) -> str:
    """A whole picture: its head (size, accessible name and description), `body`, its end."""
    return f"{_svg_head(diagram, name, width, height)}{body}</g></svg>\n"


def _neighbourhood(diagram: Diagram, max_width: float) -> tuple[float, float, str]:
    """The picture's size and body, its rows no wider than `max_width`."""
    wrap_width = WRAP_WIDTH if max_width >= WIDE_WIDTH else WRAP_WIDTH - 4
    boxes = [_Box(index, node, wrap_width) for index, node in enumerate(diagram.nodes)]
    by_id = {box.node.id: box for box in boxes}
    centre = by_id["c"]
    above = [b for b in boxes if b.node.id.startswith("b")]
    below = [b for b in boxes if b.node.id.startswith("n")]
    beside = [b for b in boxes if b.node.id.startswith("r")]
    available = max_width - 2 * PAD - 2 * GUTTER
    # Related ones alternate right and left, so the descriptor stays in the middle;
    # when they do not fit beside it, they get rows of their own, under the narrower ones.
    right, left = beside[0::2], beside[1::2]
    middle = [*reversed(left), centre, *right]
    related_rows: list[list[_Box]] = []
    if _row_width(middle) > available:
        middle, related_rows = [centre], wrap_rows(beside, available)
    above_rows = wrap_rows(above, available)
    below_rows = wrap_rows(below, available)
    rows = [*above_rows, middle, *below_rows, *related_rows]
    width = max(_row_width(row) for row in rows)
    left_gutter = GUTTER if len(above_rows) > 1 or len(below_rows) > 1 else 0.0
    right_gutter = GUTTER if related_rows else 0.0
    inner_left = PAD + left_gutter
    top = PAD
    for row in rows:
        height = max(b.height for b in row)
        row_left = inner_left + (width - _row_width(row)) / 2
        if row is middle and len(middle) > 1:
            # The descriptor in the middle, whatever the widths of the boxes beside it.
            offset = _row_width([*reversed(left), centre]) - centre.width / 2
            row_left = inner_left + width / 2 - offset
        _place_row(row, row_left, top, height)
        top += height + GAP_Y
    # Rows were centred in `width`; the middle row may stick out on one side.
    lowest = min(b.x for b in boxes) - left_gutter
    shift = PAD - lowest if lowest < PAD else 0.0
    for box in boxes:
        box.x += shift
    gutter_left = PAD + shift + left_gutter / 2
    full_width = max(b.x + b.width for b in boxes) + right_gutter + PAD
    gutter_right = full_width - PAD - right_gutter / 2
    full_height = top - GAP_Y + PAD
    lines = Lines()
    if above_rows:
        _bus_up(lines, above_rows, centre, gutter_left)
    if below_rows:
        _bus_down(lines, below_rows, centre, gutter_left, "solid")
    if related_rows:
        _bus_down(lines, related_rows, centre, gutter_right, "dashed")
    else:
        for box in beside:
            _related(lines, centre, box)
    body = "".join(node_svg(box) for box in boxes) + lines.svg()
    return full_width, full_height, body


# Characters XML does not allow (a label may hold one through a YAML escape): left out.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPECIAL = re.compile('[\x00-\x08\x0b-\x1f&<>"]')
_BREAKS = str.maketrans("\t\n", "  ")


def _text(value: str) -> str:
    """Text from the content, escaped as `svgsafe` writes it (& < >), its line breaks as
    XML parsing reads them (a carriage return, alone or before a line feed, is one)."""
    if _SPECIAL.search(value) is None:
        return value
    value = _NOT_XML.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    """An attribute's value from the content, escaped as `svgsafe` writes it (& < > "),
    each tab or line break a space, as XML parsing reads an attribute."""
    return _text(value).translate(_BREAKS).replace('"', "&quot;")


def _svg_head(diagram: Diagram, name: str, width: float, height: float) -> str:
    ids = f"dg_{name}"
    # Whole pixels, the same in the size and the view box: shown at exactly 1:1.
    width, height = math.ceil(width), math.ceil(height)
    return (
        f'<svg class="diagram diagram--{_attribute(diagram.name)}" '
        f'aria-labelledby="{_attribute(ids)}_title" aria-describedby="{_attribute(ids)}_desc" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{_attribute(ids)}_title">{_text(diagram.title)}</title>'
        f'<desc id="{_attribute(ids)}_desc">{_text(diagram.description)}</desc>'
        # Inherited by every box and text: written once.
        f'<g class="graph" font-family="{FONT}" text-anchor="middle" '
        f'font-size="{LABEL_SIZE:.0f}" fill="{DARK_TEXT}" stroke-width="1.5">\n'
    )


class Lines:
    """The lines between boxes, and their arrow heads: one path per kind (solid, dashed,
    heads), in a group that gives them their colour."""

    def __init__(self) -> None:
        self.solid: list[str] = []
        self.dashed: list[str] = []
        self.heads: list[str] = []

    def add(self, d: str, dashed: bool = False) -> None:
        """A path's data, starting with an absolute move (the paths are joined), its
        numbers written to one decimal."""
        (self.dashed if dashed else self.solid).append(d)

    def line(self, points: list[tuple[float, float]], dashed: bool = False) -> None:
        self.add("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points), dashed)

    def head_down(self, x: float, y: float) -> None:
        """An arrow head pointing down at (x, y)."""
        self.heads.append(f"M{x:.1f},{y:.1f}l-3.5-8h7z")

    def head_right(self, x: float, y: float) -> None:
        """An arrow head pointing right at (x, y)."""
        self.heads.append(f"M{x:.1f},{y:.1f}l-8-3.5v7z")

    def svg(self) -> str:
        if not (self.solid or self.dashed or self.heads):
            return ""
        parts = [
            f'<g class="edge diagram-edge" fill="none" stroke="{EDGE_COLOUR}" stroke-width="1">'
        ]
        if self.solid:
            parts.append(f'<path class="diagram-line" d="{_path(self.solid)}"/>')
        if self.dashed:
            parts.append(
                f'<path class="diagram-line" stroke-dasharray="5,2" d="{_path(self.dashed)}"/>'
            )
        if self.heads:
            parts.append(
                f'<path class="diagram-arrow" fill="{EDGE_COLOUR}" d="{_path(self.heads)}"/>'
            )
        parts.append("</g>\n")
        return "".join(parts)


def _path(parts: list[str]) -> str:
    return _ZERO_DECIMAL.sub("", "".join(parts))


def _bus_up(lines: Lines, rows: list[list[_Box]], centre: _Box, gutter: float) -> None:
    """Broader rows to the descriptor: each box drops to a bus under its row; the
    buses meet in the gutter and the last one leads down to the descriptor."""
    last_bus = centre.y - GAP_Y / 2
    for index, row in enumerate(rows):
        bus = max(b.bottom for b in row) + GAP_Y / 2
        xs = [b.centre_x for b in row]
        if index == len(rows) - 1:
            xs.append(centre.centre_x)
        else:
            xs.append(gutter)
        for box in row:
            lines.line([(box.centre_x, box.bottom), (box.centre_x, bus)])
        if len(set(xs)) > 1:
            lines.line([(min(xs), bus), (max(xs), bus)])
    if len(rows) > 1:
        first_bus = max(b.bottom for b in rows[0]) + GAP_Y / 2
        lines.line([(gutter, first_bus), (gutter, last_bus)])
    lines.line([(centre.centre_x, last_bus), (centre.centre_x, centre.y - 7)])
    lines.head_down(centre.centre_x, centre.y)


def _bus_down(
    lines: Lines, rows: list[list[_Box]], centre: _Box, gutter: float, style: str
) -> None:
    """The descriptor to rows below it: a line down (or, in the gutter, aside) to a bus
    over each row, and from the bus to each box."""
    dashed = style == "dashed"
    buses = [min(b.y for b in row) - GAP_Y / 2 for row in rows]
    if dashed:
        # Related rows come after other rows: leave the descriptor by its side.
        mid_y = centre.y + centre.height / 2
        lines.line([(centre.x + centre.width, mid_y), (gutter, mid_y)], True)
        lines.line([(gutter, mid_y), (gutter, buses[-1])], True)
    else:
        lines.line([(centre.centre_x, centre.bottom), (centre.centre_x, buses[0])])
        if len(rows) > 1:
            lines.line([(gutter, buses[0]), (gutter, buses[-1])])
    for index, (row, bus) in enumerate(zip(rows, buses, strict=True)):
        xs = [b.centre_x for b in row]
        xs.append(centre.centre_x if index == 0 and not dashed else gutter)
        if len(set(xs)) > 1:
            lines.line([(min(xs), bus), (max(xs), bus)], dashed)
        for box in row:
            if dashed:
                lines.line([(box.centre_x, bus), (box.centre_x, box.y)], True)
            else:
                lines.line([(box.centre_x, bus), (box.centre_x, box.y - 7)])
                lines.head_down(box.centre_x, box.y)


def node_svg(box: _Box) -> str:
    """A box with its label lines and count, linked when the node has a page, where it
    stands (its origin is the middle of its top edge)."""
    shape = box.shape
    position = f"{box.centre_x:.1f},{box.y:.1f}".replace(".0,", ",").removesuffix(".0")
    return f"{shape.head}{position}{shape.body}"


def _node_markup(
    node: Node, lines: tuple[str, ...], count: str, width: float, height: float
) -> tuple[str, str]:
    """A box's markup, its origin the middle of its top edge (where its text is centred),
    cut where its position goes."""
    is_centre = node.role == "centre"
    fill = node.colour if is_centre else tint(node.colour)
    ink = text_colour_on(fill)
    ink_attribute = "" if ink == DARK_TEXT else f' fill="{_attribute(ink)}"'
    classes = f"diagram-node diagram-node--{_attribute(node.role)}"
    if node.external:
        classes += " diagram-node--external"
    dashed = ' stroke-dasharray="5,2"' if node.role == "more" or node.external else ""
    thick = ' stroke-width="3"' if is_centre or node.role == "indexing" else ""
    outline = (
        f'<rect class="diagram-box" x="{number(-width / 2)}" width="{number(width)}" '
        f'height="{number(height)}" rx="6" '
        f'fill="{_attribute(fill)}" stroke="{_attribute(node.colour)}"{thick}{dashed}/>'
    )
    text_height = len(lines) * LINE + (COUNT_LINE if count else 0)
    baseline = (height - text_height) / 2 + LINE - 3.5
    weight = ' font-weight="bold"' if is_centre else ""
    texts = []
    for line in lines:
        texts.append(
            f'<text class="diagram-label" y="{number(baseline)}"{weight}{ink_attribute}>'
            f"{_text(line)}</text>"
        )
        baseline += LINE
    if count:
        # The count's meaning as a tooltip (the diagram's description says it too).
        meaning = f"<title>{_text(node.count_title)}</title>" if node.count_title else ""
        texts.append(
            f'<text class="diagram-count" y="{number(baseline - 1)}" '
            f'font-size="{COUNT_SIZE:.0f}"{ink_attribute}>{meaning}{_text(count)}</text>'
        )
    inner = outline + "".join(texts)
    if node.href:
        if not safe_link(node.href):
            raise UnsafeDiagram(f"link {node.href!r}")
        inner = f'<a href="{_attribute(node.href)}">{inner}</a>'
    return f'<g class="{classes}" transform="translate(', f')">{inner}</g>\n'


def _related(lines: Lines, centre: _Box, other: _Box) -> None:
    """A dashed link in the middle row: straight to a neighbouring box, else an arc
    over the boxes between them, leaving the descriptor near its corner."""
    on_right = other.x > centre.x
    mid_y = centre.y + centre.height / 2
    start_x = centre.x + centre.width if on_right else centre.x
    end_x = other.x if on_right else other.x + other.width
    if abs(end_x - start_x) <= GAP_X + 0.5:
        lines.line([(start_x, mid_y), (end_x, other.y + other.height / 2)], True)
    else:
        x1 = centre.x + centre.width - 10 if on_right else centre.x + 10
        y1, x2, y2 = centre.y, other.centre_x, other.y
        lift = min(GAP_Y - 6, 12 + abs(x2 - x1) / 14)
        top = min(y1, y2) - lift
        lines.add(
            f"M{x1:.1f},{y1:.1f}C{x1:.1f},{top:.1f} {x2:.1f},{top:.1f} {x2:.1f},{y2:.1f}", True
        )
