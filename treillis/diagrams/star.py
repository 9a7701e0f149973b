"""Neighbourhood pictures drawn directly: three rows, no general graph layout needed.

A neighbourhood is always the same shape — broader descriptors in a row
above, the descriptor in the middle with its related ones beside it,
narrower ones in a row below — so placing the boxes is arithmetic. Graphviz
took about 1.4 ms a picture for this (7,040 pictures: 6 s of a 17 s build at
CITEGO's scale); this takes a few hundredths of that. Graphviz still lays out
the indexing and principles diagrams, whose shapes vary.

Text widths are estimated from Helvetica's metrics, as Graphviz does when it
writes SVG without a font library.
"""

from __future__ import annotations

import html
import unicodedata

from treillis.diagrams.layout import _prefix, text_colour_on, tint
from treillis.diagrams.spec import Diagram, Node, wrap

FONT = "Helvetica,Arial,sans-serif"
LABEL_SIZE = 11.0
COUNT_SIZE = 9.0
LINE = 11.0  # label line height
COUNT_LINE = 9.6
MARGIN_X, MARGIN_Y = 8.6, 4.3  # inside a box
MIN_WIDTH, MIN_HEIGHT = 54.0, 36.0
GAP_X = 18.0  # between boxes of a row
GAP_Y = 36.0  # between rows (arrows and arcs live here)
PAD = 7.2
EDGE_COLOUR = "#6b7480"

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
    width = sum(_char_width(c) for c in text) * size / 1000
    return width * 1.08 if bold else width


class _Box:
    """A node placed on the page: its lines, size and position (top-left corner)."""

    def __init__(self, index: int, node: Node) -> None:
        self.index, self.node = index, node
        self.lines = wrap(node.label)
        bold = node.role == "centre"
        widest = max(text_width(line, LABEL_SIZE, bold) for line in self.lines)
        if node.count is not None:
            widest = max(widest, text_width(f"({node.count})", COUNT_SIZE))
        self.width = max(MIN_WIDTH, widest + 2 * MARGIN_X)
        text_height = len(self.lines) * LINE + (COUNT_LINE if node.count is not None else 0)
        self.height = max(MIN_HEIGHT, text_height + 2 * MARGIN_Y)
        self.x = self.y = 0.0

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2


def _row_width(boxes: list[_Box]) -> float:
    return sum(b.width for b in boxes) + GAP_X * max(0, len(boxes) - 1)


def _place_row(boxes: list[_Box], left: float, top: float, height: float) -> None:
    x = left
    for box in boxes:
        box.x, box.y = x, top + (height - box.height) / 2
        x += box.width + GAP_X


def layout_neighbourhood(diagram: Diagram) -> str:
    """The picture of a neighbourhood diagram, as inline SVG (see `layout`)."""
    boxes = [_Box(index, node) for index, node in enumerate(diagram.nodes)]
    by_id = {box.node.id: box for box in boxes}
    centre = by_id["c"]
    above = [b for b in boxes if b.node.id.startswith("b")]
    below = [b for b in boxes if b.node.id.startswith("n")]
    beside = [b for b in boxes if b.node.id.startswith("r")]
    # Related ones alternate right and left, so the descriptor stays in the middle.
    right, left = beside[0::2], beside[1::2]
    middle = [*reversed(left), centre, *right]
    rows = [row for row in (above, middle, below) if row]
    width = max(_row_width(row) for row in rows)
    top = PAD
    for row in rows:
        height = max(b.height for b in row)
        row_left = PAD + (width - _row_width(row)) / 2
        if row is middle:
            # The descriptor in the middle, whatever the widths of the boxes beside it.
            offset = _row_width([*reversed(left), centre]) - centre.width / 2
            row_left = PAD + width / 2 - offset
        _place_row(row, row_left, top, height)
        top += height + GAP_Y
    # Rows were centred in `width`; the middle row may stick out on one side.
    lowest = min(b.x for b in boxes)
    shift = PAD - lowest if lowest < PAD else 0.0
    for box in boxes:
        box.x += shift
    full_width = max(b.x + b.width for b in boxes) + PAD
    full_height = top - GAP_Y + PAD
    prefix = _prefix(diagram)
    parts = [
        f'<svg class="diagram diagram--{diagram.name}" aria-labelledby="{prefix}_title" '
        f'aria-describedby="{prefix}_desc" width="{full_width:.0f}pt" '
        f'height="{full_height:.0f}pt" viewBox="0 0 {full_width:.2f} {full_height:.2f}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{prefix}_title">{html.escape(diagram.title, quote=False)}</title>'
        f'<desc id="{prefix}_desc">{html.escape(diagram.description, quote=False)}</desc>'
        f'<g id="{prefix}" class="graph">'
    ]
    parts += [_node_svg(prefix, box) for box in boxes]
    for index, edge in enumerate(diagram.edges):
        parts.append(
            _edge_svg(f"{prefix}_e{index}", by_id[edge.tail], by_id[edge.head], edge.style)
        )
    parts.append("</g></svg>\n")
    return "\n".join(parts)


def _node_svg(prefix: str, box: _Box) -> str:
    node = box.node
    is_centre = node.role == "centre"
    fill = node.colour if is_centre else tint(node.colour)
    ink = text_colour_on(fill)
    classes = f"node diagram-node diagram-node--{node.role}"
    if node.external:
        classes += " diagram-node--external"
    dashed = ' stroke-dasharray="5,2"' if node.role == "more" or node.external else ""
    x, y, w, h, r = box.x, box.y, box.width, box.height, 6.0
    outline = (
        f'<path fill="{fill}" stroke="{node.colour}" stroke-width="{3 if is_centre else 1.5}"'
        f'{dashed} d="M{x + r:.2f},{y:.2f}H{x + w - r:.2f}Q{x + w:.2f},{y:.2f} {x + w:.2f},'
        f"{y + r:.2f}V{y + h - r:.2f}Q{x + w:.2f},{y + h:.2f} {x + w - r:.2f},{y + h:.2f}"
        f"H{x + r:.2f}Q{x:.2f},{y + h:.2f} {x:.2f},{y + h - r:.2f}V{y + r:.2f}"
        f'Q{x:.2f},{y:.2f} {x + r:.2f},{y:.2f}Z"/>'
    )
    text_height = len(box.lines) * LINE + (COUNT_LINE if node.count is not None else 0)
    baseline = y + (h - text_height) / 2 + LINE - 2.4
    weight = ' font-weight="bold"' if is_centre else ""
    texts = []
    for line in box.lines:
        texts.append(
            f'<text text-anchor="middle" x="{box.centre_x:.2f}" y="{baseline:.2f}" '
            f'font-family="{FONT}"{weight} font-size="{LABEL_SIZE:.0f}" fill="{ink}">'
            f"{html.escape(line, quote=False)}</text>"
        )
        baseline += LINE
    if node.count is not None:
        texts.append(
            f'<text text-anchor="middle" x="{box.centre_x:.2f}" y="{baseline - 1:.2f}" '
            f'font-family="{FONT}" font-size="{COUNT_SIZE:.0f}" fill="{ink}">({node.count})</text>'
        )
    inner = outline + "".join(texts)
    if node.href:
        inner = f'<a href="{html.escape(node.href)}">{inner}</a>'
    return f'<g id="{prefix}_n{box.index}" class="{classes}">{inner}</g>'


def _edge_svg(edge_id: str, tail: _Box, head: _Box, style: str) -> str:
    if style == "dashed":
        return _related_svg(edge_id, tail, head)
    # Broader → narrower: from the bottom of the upper box to the top of the lower one.
    x1, y1 = tail.centre_x, tail.y + tail.height
    x2, y2 = head.centre_x, head.y
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    tip_x, tip_y = x2, y2
    base_x, base_y = tip_x - 7 * ux, tip_y - 7 * uy
    wing_x, wing_y = -uy * 2.5, ux * 2.5
    arrow = (
        f"{tip_x:.2f},{tip_y:.2f} {base_x + wing_x:.2f},{base_y + wing_y:.2f} "
        f"{base_x - wing_x:.2f},{base_y - wing_y:.2f}"
    )
    return (
        f'<g id="{edge_id}" class="edge"><path fill="none" stroke="{EDGE_COLOUR}" '
        f'd="M{x1:.2f},{y1:.2f}L{base_x:.2f},{base_y:.2f}"/>'
        f'<polygon fill="{EDGE_COLOUR}" stroke="{EDGE_COLOUR}" points="{arrow}"/></g>'
    )


def _related_svg(edge_id: str, centre: _Box, other: _Box) -> str:
    """A dashed link in the middle row: straight to a neighbouring box, else an arc
    over the boxes between them, leaving the descriptor near its corner."""
    on_right = other.x > centre.x
    mid_y = centre.y + centre.height / 2
    start_x = centre.x + centre.width if on_right else centre.x
    end_x = other.x if on_right else other.x + other.width
    if abs(end_x - start_x) <= GAP_X + 0.5:
        d = f"M{start_x:.2f},{mid_y:.2f}L{end_x:.2f},{other.y + other.height / 2:.2f}"
    else:
        x1 = centre.x + centre.width - 10 if on_right else centre.x + 10
        y1, x2, y2 = centre.y, other.centre_x, other.y
        lift = min(GAP_Y - 6, 12 + abs(x2 - x1) / 14)
        top = min(y1, y2) - lift
        d = f"M{x1:.2f},{y1:.2f}C{x1:.2f},{top:.2f} {x2:.2f},{top:.2f} {x2:.2f},{y2:.2f}"
    return (
        f'<g id="{edge_id}" class="edge"><path fill="none" stroke="{EDGE_COLOUR}" '
        f'stroke-dasharray="5,2" d="{d}"/></g>'
    )
