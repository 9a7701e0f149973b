"""Diagrams: neighbourhoods, indexings and principles, drawn directly into inline SVG.

`render_diagrams` draws the diagrams of some pages, each picture once. Nothing is
kept between builds: a picture is drawn in a fraction of a millisecond, faster than
a cached copy could be read back and checked.
"""

from __future__ import annotations

from collections.abc import Iterable

from treillis.diagrams.layout import layout
from treillis.diagrams.spec import Diagram, Edge, Node
from treillis.diagrams.star import layout_neighbourhood

__all__ = ["Diagram", "Edge", "Node", "render_diagrams"]


def render_diagrams(diagrams: Iterable[Diagram]) -> dict[str, str]:
    """The SVG of every diagram, by key, each drawn once."""
    svgs: dict[str, str] = {}
    for diagram in diagrams:
        key = diagram.key
        if key not in svgs:
            draw = layout_neighbourhood if diagram.name == "neighbourhood" else layout
            svgs[key] = draw(diagram)
    return svgs
