"""Laying out a diagram into inline SVG: drawn directly, or by Graphviz (through pygraphviz)."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from treillis.diagrams.colours import text_colour_on, tint
from treillis.diagrams.spec import Diagram, Node, wrap
from treillis.diagrams.svgsafe import sanitise

FONT = "Helvetica,Arial,sans-serif"
__all__ = ["finish_svg", "layout", "text_colour_on", "tint"]


def _prefix(diagram: Diagram) -> str:
    # Every id in the picture starts with this, apart from the page's own ids.
    return f"dg_{diagram.name}"


def _html_label(node: Node) -> str:
    lines = "<BR/>".join(html.escape(line, quote=False) for line in wrap(node.label))
    if node.role == "centre":
        lines = f"<B>{lines}</B>"
    if node.count_text or node.count is not None:
        count = node.count_text or f"({node.count})"
        lines += f'<BR/><FONT POINT-SIZE="9">{html.escape(count, quote=False)}</FONT>'
    return f"<{lines}>"


def _node_attributes(diagram: Diagram, index: int, node: Node) -> dict[str, str]:
    centre = node.role == "centre"
    fill = node.colour if centre else tint(node.colour)
    attributes = {
        "id": f"{_prefix(diagram)}_n{index}",
        "label": _html_label(node),
        "fillcolor": fill,
        "color": node.colour,
        "fontcolor": text_colour_on(fill),
        "penwidth": "3" if centre else "1.5",
        "class": f"diagram-node diagram-node--{node.role}"
        + (" diagram-node--external" if node.external else ""),
        "style": "filled,dashed,rounded"
        if node.role == "more" or node.external
        else "filled,rounded",
    }
    if node.href:
        attributes["URL"] = node.href
    return attributes


def layout(diagram: Diagram, engine: str | None = None) -> str:
    """The diagram as inline SVG, ready to put in a page.

    Indexing and principles diagrams are drawn directly (see `outline`), so that
    they read at 1:1 on a phone; with an `engine`, Graphviz lays any diagram out
    (`dot` draws the lattice in ranks), for comparison in the benchmark.
    """
    if engine is None:
        from treillis.diagrams.outline import layout_indexing, layout_principles

        if diagram.name == "indexing":
            return layout_indexing(diagram)
        if diagram.name == "principles":
            return layout_principles(diagram)
        engine = "dot"
    import pygraphviz  # only for the benchmark's comparison: `pip install -e '.[bench]'`

    graph = pygraphviz.AGraph(directed=True, strict=False)
    graph.graph_attr.update(
        id=_prefix(diagram),
        rankdir=diagram.direction,
        bgcolor="transparent",
        nodesep="0.25",
        ranksep="0.45",
        pad="0.1",
        fontname=FONT,
    )
    graph.node_attr.update(shape="box", fontname=FONT, fontsize="11", margin="0.12,0.06")
    graph.edge_attr.update(color="#6b7480", arrowsize="0.7")
    for index, node in enumerate(diagram.nodes):
        graph.add_node(node.id, **_node_attributes(diagram, index, node))
    for index, edge in enumerate(diagram.edges):
        attributes = {"id": f"{_prefix(diagram)}_e{index}"}
        if edge.style == "dashed":
            attributes.update(style="dashed", dir="none", constraint="false")
        graph.add_edge(edge.tail, edge.head, **attributes)
    for group in diagram.same_rank:
        graph.add_subgraph(list(group), rank="same")
    with _quiet_native_stderr():
        # One pass: draw() lays out and renders (layout() would lay out a second time).
        svg = graph.draw(format="svg", prog=engine).decode("utf-8")
    return finish_svg(svg, diagram)


@contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """Silence what C libraries print straight to the terminal while Graphviz runs.

    The fontconfig bundled with Graphviz warns about the system's newer
    configuration files; pygraphviz reports Graphviz's own errors as exceptions.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_INNER_TITLE = re.compile(r"<title>.*?</title>\s*", re.S)
_BACKGROUND = re.compile(r'<polygon fill="(?:white|transparent|none)" stroke="none"[^>]*/>\s*')


def finish_svg(svg: str, diagram: Diagram) -> str:
    """Graphviz's SVG made fit for inline HTML: accessible, scalable, no internal names."""
    svg = _PROLOG.sub("", svg, count=1)
    svg = _COMMENT.sub("", svg)
    svg = _INNER_TITLE.sub("", svg)  # node titles are internal ids, not for readers
    svg = _BACKGROUND.sub("", svg, count=1)
    svg = svg.replace("&#45;", "-")  # Graphviz escapes every hyphen; none needs it
    svg = svg.replace(' xlink:href="', ' href="')
    svg = re.sub(r' xlink:title="[^"]*"', "", svg)
    svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    title_id, desc_id = f"{_prefix(diagram)}_title", f"{_prefix(diagram)}_desc"
    svg = svg.replace(
        "<svg ",
        # No role="img": an img's content is presentational, and its links would be
        # hidden from assistive technologies (axe: nested-interactive). Inline SVG is a
        # graphics document already; its title and description name it.
        f'<svg class="diagram diagram--{diagram.name}" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}" ',
        1,
    )
    head_end = svg.index(">") + 1
    accessible = (
        f'<title id="{title_id}">{html.escape(diagram.title, quote=False)}</title>'
        f'<desc id="{desc_id}">{html.escape(diagram.description, quote=False)}</desc>'
    )
    # Whatever Graphviz wrote (labels come from the content), the page gets markup
    # rebuilt from a parse: only what a diagram uses (see svgsafe).
    return sanitise(svg[:head_end] + accessible + svg[head_end:].strip())
