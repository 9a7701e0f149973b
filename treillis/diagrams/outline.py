"""Indexing and principles pictures drawn directly: outlines and two columns of boxes.

A document's indexing is a small forest — its descriptors and their broader
ones up to the top — drawn as an outline: each descriptor under its broader
one, indented, in a single column at most about 300 px wide, so it reads at
1:1 on a phone and in a side column. A dossier's principles diagram puts the
cases in a column on the left and the principles, in order, on the right; on
phones, a narrow variant lists each principle with the cases supporting it.
Both carry a key: what their colours and borders mean.

Like neighbourhoods (see `star`), they are written in the form `svgsafe` writes,
every value escaped and every link checked, and not parsed again when drawn.
"""

from __future__ import annotations

from treillis.diagrams.colours import tint
from treillis.diagrams.spec import Diagram, Node
from treillis.diagrams.star import (
    COUNT_SIZE,
    GAP_Y,
    NARROW_WIDTH,
    PAD,
    WIDE_WIDTH,
    Lines,
    _attribute,
    _Box,
    _text,
    node_svg,
    number,
    pair,
    picture,
    text_width,
)

INDENT = 22.0  # per level of the outline
GAP = 8.0  # between boxes of the outline
OUTLINE_WRAP = 24  # characters of a label line in an outline
# Beyond this depth a level is indented by a quarter step and its labels wrap no narrower:
# a deep lattice (twenty levels) keeps an outline a phone can show.
FULL_INDENT_LEVELS = 5
MIN_WRAP = 14
COLUMN_WRAP = 22
COLUMN_GAP = 70.0  # between the two columns of the principles diagram (edges live here)
OUTLINE_COLUMN_GAP = 28.0  # between columns of a long outline, in its wide variant
SWATCH = 14.0
Item = tuple[int, Node, int]  # depth in the outline, node, index in the diagram


def layout_indexing(diagram: Diagram) -> str:
    """The document's descriptors, each under its broader ones (an outline)."""
    nodes = {node.id: node for node in diagram.nodes}
    children: dict[str, list[str]] = {}
    has_parent: set[str] = set()
    for edge in diagram.edges:
        if edge.head in nodes and nodes[edge.head].role != "document":
            children.setdefault(edge.tail, []).append(edge.head)
            has_parent.add(edge.head)
    order = {node.id: index for index, node in enumerate(diagram.nodes)}
    blocks: list[list[Item]] = []

    def visit(node_id: str, depth: int, path: frozenset[str]) -> None:
        blocks[-1].append((depth, nodes[node_id], order[node_id]))
        for child in sorted(children.get(node_id, []), key=lambda c: nodes[c].label.lower()):
            if child not in path:  # a cycle in the atlas is never followed twice
                visit(child, depth + 1, path | {child})

    roots = [n.id for n in diagram.nodes if n.role != "document" and n.id not in has_parent]
    for root in sorted(roots, key=lambda r: nodes[r].label.lower()):
        blocks.append([])
        visit(root, 0, frozenset({root}))
    document = next((n for n in diagram.nodes if n.role == "document"), None)
    head = [(0, document, order[document.id])] if document is not None else []
    narrow = _outline(diagram, head, [[item for b in blocks for item in b]])
    columns = _in_columns(blocks)
    if len(columns) == 1:
        return picture(diagram, diagram.name, *narrow)
    # A long outline, on a wide screen: its top descriptors side by side.
    wide = _outline(diagram, head, columns)
    return pair(
        picture(diagram, diagram.name, *wide), picture(diagram, f"{diagram.name}_narrow", *narrow)
    )


def layout_principles(diagram: Diagram) -> str:
    """Cases on the left, principles in order on the right; a narrow variant for phones."""
    wide = _columns(diagram)
    principles = [n for n in diagram.nodes if n.role == "principle"]
    nodes = {node.id: node for node in diagram.nodes}
    order = {node.id: index for index, node in enumerate(diagram.nodes)}
    items: list[Item] = []
    for principle in sorted(principles, key=_number):
        items.append((0, principle, order[principle.id]))
        items += [
            (1, nodes[e.tail], order[e.tail]) for e in diagram.edges if e.head == principle.id
        ]
    narrow = _outline(diagram, [], [items])
    return pair(
        picture(diagram, diagram.name, *wide), picture(diagram, f"{diagram.name}_narrow", *narrow)
    )


def _number(node: Node) -> tuple[int, str]:
    """A principle's number, from its id (p1, p2, … p10)."""
    digits = node.id.lstrip("p")
    return (int(digits), "") if digits.isdigit() else (10**6, node.id)


def _indent(depth: int) -> float:
    """How far a box of the outline at `depth` stands from its column's left edge."""
    return INDENT * min(depth, FULL_INDENT_LEVELS) + INDENT / 4 * max(
        0, depth - FULL_INDENT_LEVELS
    )


def _wrap_at(depth: int) -> int:
    """Characters of a label line at `depth`: deeper boxes are narrower, down to MIN_WRAP."""
    return max(MIN_WRAP, OUTLINE_WRAP - 2 * depth)


def _outline(
    diagram: Diagram, head: list[Item], columns: list[list[Item]]
) -> tuple[float, float, str]:
    """Boxes in columns, each indented by its depth, joined to its parent on the left;
    the head (a document) above them all. The picture's size and body."""
    boxes: list[_Box] = []
    lines = Lines()
    y = PAD
    for _depth, node, index in head:
        box = _Box(index, node, OUTLINE_WRAP)
        box.x, box.y = PAD, y
        y += box.height + GAP
        boxes.append(box)
    # The document stands apart; its own descriptors are marked by thick borders (the key).
    top = y + GAP_Y / 2 - GAP if head else y
    left, bottom = PAD, top
    for column in columns:
        y, right = top, left
        # Each box hangs from the nearest box above it one level up.
        parents: dict[int, _Box] = {}
        for depth, node, index in column:
            box = _Box(index, node, _wrap_at(depth))
            box.x, box.y = left + _indent(depth), y
            y += box.height + GAP
            boxes.append(box)
            parents[depth] = box
            parent = parents.get(depth - 1)
            if parent is not None:
                x = parent.x + min(INDENT, box.x - parent.x) / 2
                mid = box.y + box.height / 2
                lines.add(f"M{x:.1f},{parent.bottom:.1f}V{mid:.1f}H{box.x:.1f}")
            right = max(right, box.x + box.width)
        bottom = max(bottom, y)
        left = right + OUTLINE_COLUMN_GAP
    key_height, key_svg = _key(diagram, bottom)
    width = max(
        NARROW_WIDTH - 40,
        max(b.x + b.width for b in boxes) + PAD,
        _key_width(diagram) + 2 * PAD,
    )
    height = bottom + (key_height + GAP if key_height else 0) + PAD - GAP
    body = lines.svg() + "".join(node_svg(box) for box in boxes) + key_svg
    return width, height, body


def _in_columns(blocks: list[list[Item]]) -> list[list[Item]]:
    """Blocks (a top descriptor and all under it) in as many columns of balanced height
    as fit the wide picture, in order; one column when only one fits."""
    sizes = []
    for block in blocks:
        boxes = [
            (depth, _Box(index, node, _wrap_at(depth))) for depth, node, index in block
        ]
        sizes.append(
            (
                max(_indent(depth) + box.width for depth, box in boxes),
                sum(box.height + GAP for _, box in boxes),
            )
        )
    widest = max((w for w, _ in sizes), default=0.0)
    fits = int((WIDE_WIDTH - 2 * PAD + OUTLINE_COLUMN_GAP) // (widest + OUTLINE_COLUMN_GAP))
    count = max(1, min(fits, len(blocks)))
    target = sum(h for _, h in sizes) / count
    columns: list[list[Item]] = [[]]
    height = 0.0
    for block, (_, block_height) in zip(blocks, sizes, strict=True):
        if columns[-1] and height + block_height / 2 > target and len(columns) < count:
            columns.append([])
            height = 0.0
        columns[-1].extend(block)
        height += block_height
    return columns


def _columns(diagram: Diagram) -> tuple[float, float, str]:
    """Cases on the left, principles in order on the right, an arrow for each support:
    the picture's size and body."""
    principles = sorted((n for n in diagram.nodes if n.role == "principle"), key=_number)
    cases = [n for n in diagram.nodes if n.role != "principle"]
    order = {node.id: index for index, node in enumerate(diagram.nodes)}
    left = [_Box(order[n.id], n, COLUMN_WRAP) for n in cases]
    right = [_Box(order[n.id], n, COLUMN_WRAP) for n in principles]
    left_width = max((b.width for b in left), default=0.0)
    right_x = PAD + left_width + COLUMN_GAP
    heights = []
    for column, x in ((left, PAD), (right, right_x)):
        y = PAD
        for box in column:
            box.x, box.y = x, y
            y += box.height + GAP
        heights.append(y)
    # The shorter column is centred against the taller one.
    tallest = max(heights)
    for column, bottom in zip((left, right), heights, strict=True):
        for box in column:
            box.y += (tallest - bottom) / 2
    by_id = {b.node.id: b for b in [*left, *right]}
    lines = Lines()
    for edge in diagram.edges:
        tail, head = by_id.get(edge.tail), by_id.get(edge.head)
        if tail is None or head is None:
            continue
        x1, y1 = tail.x + tail.width, tail.y + tail.height / 2
        x2, y2 = head.x - 8, head.y + head.height / 2
        middle = (x1 + x2) / 2
        lines.add(
            f"M{x1:.1f},{y1:.1f}C{middle:.1f},{y1:.1f} {middle:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        )
        lines.head_right(head.x, head.y + head.height / 2)
    width = max(
        right_x + max((b.width for b in right), default=0.0) + PAD,
        _key_width(diagram) + 2 * PAD,
    )
    y = tallest - GAP
    key_height, key_svg = _key(diagram, y + GAP_Y / 2)
    height = y + (GAP_Y / 2 + key_height if key_height else 0) + PAD
    body = lines.svg() + "".join(node_svg(b) for b in [*left, *right]) + key_svg
    return width, height, body


def _key_width(diagram: Diagram) -> float:
    if not diagram.legend:
        return 0.0
    words = [text_width(diagram.legend_title, COUNT_SIZE, bold=True)]
    words += [text_width(label, COUNT_SIZE) for _, _, label in diagram.legend]
    return SWATCH + 8 + max(words)


def _key(diagram: Diagram, top: float) -> tuple[float, str]:
    """What the colours mean: a swatch drawn as the boxes are, and its words."""
    if not diagram.legend:
        return 0.0, ""
    line = 18.0
    size = f"{COUNT_SIZE:.0f}"
    parts = [f'<g class="diagram-key" text-anchor="start" font-size="{size}">']
    y = top + line - 5
    parts.append(
        f'<text class="diagram-key-title" x="{number(PAD)}" y="{number(y)}" '
        f'font-weight="bold">{_text(diagram.legend_title)}</text>'
    )
    for role, colour, label in diagram.legend:
        y += line
        fill = colour if role == "centre" else tint(colour)
        width = 3 if role in ("centre", "indexing") else 1.5
        parts.append(
            f'<g class="diagram-node diagram-node--{_attribute(role)}"><rect class="diagram-box" '
            f'x="{number(PAD + 1)}" y="{number(y - SWATCH + 2)}" width="{SWATCH:.0f}" '
            f'height="{SWATCH:.0f}" rx="3" fill="{_attribute(fill)}" '
            f'stroke="{_attribute(colour)}" stroke-width="{width}"/></g>'
            f'<text class="diagram-key-label" x="{number(PAD + SWATCH + 8)}" '
            f'y="{number(y)}">{_text(label)}</text>'
        )
    parts.append("</g>\n")
    return y - top + 6, "".join(parts)
