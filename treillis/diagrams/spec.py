"""What a diagram shows, as plain data: nodes, edges, ranks, and its accessible text.

A `Diagram` is everything its picture depends on, so its hash (`key`) names the
picture: drawn once per group of pages, and standing for it in a page's digest.
"""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import dataclass, field
from functools import cached_property

import msgspec

WRAP_WIDTH = 22


@dataclass(frozen=True)
class Node:
    """One box of a diagram."""

    id: str  # unique in the diagram, letters, digits and underscores
    label: str
    role: str  # centre, broader, narrower, related, more, document, principle
    colour: str  # the family's colour (or the role's)
    href: str = ""  # relative link; empty for the current page
    count: int | None = None  # documents indexed, shown under the label
    external: bool = False  # on the main site, from a partner's mirror
    count_text: str = ""  # how the count is shown, when not "(count)"
    count_title: str = ""  # what the count means, in words (a tooltip)


@dataclass(frozen=True)
class Edge:
    tail: str
    head: str
    style: str = "solid"  # solid (broader → narrower) or dashed (related)


@dataclass(frozen=True)
class Diagram:
    """A picture to lay out, and the text that names it for assistive technologies."""

    name: str  # prefix of every id in the picture, unique in its page
    title: str
    description: str
    lang: str
    direction: str = "TB"  # TB: top to bottom; LR: left to right
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    same_rank: tuple[tuple[str, ...], ...] = field(default_factory=tuple)
    # What the colours mean: (role, colour, words), drawn as a key under the picture.
    legend: tuple[tuple[str, str, str], ...] = ()
    legend_title: str = ""

    @cached_property
    def key(self) -> str:
        """A hash of exactly what the picture shows."""
        # msgpack: every value's type and length written, so two diagrams that differ in
        # anything hash apart (and a tenth of the time of JSON, for thousands a build).
        data = msgspec.msgpack.encode(
            [
                self.name,
                self.title,
                self.description,
                self.lang,
                self.direction,
                [
                    [
                        n.id,
                        n.label,
                        n.role,
                        n.colour,
                        n.href,
                        n.count,
                        n.external,
                        n.count_text,
                        n.count_title,
                    ]
                    for n in self.nodes
                ],
                [[e.tail, e.head, e.style] for e in self.edges],
                self.same_rank,
                self.legend,
                self.legend_title,
            ]
        )
        return hashlib.sha256(data).hexdigest()

    @property
    def digest_key(self) -> str:
        """What stands for the diagram in the digest of a page's view (see
        `treillis.incremental.view_digest`): its `key`, made for its picture anyway."""
        return self.key


def wrap(label: str, width: int = WRAP_WIDTH) -> list[str]:
    """Lines of a label, cut at word boundaries only (a long word stays whole)."""
    words = label.split(" ")
    if "" in words or not label.isprintable():
        # Runs of spaces, tabs, line breaks: as `textwrap` reads them.
        wrapped = textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)
        return wrapped or [label]
    # Words between single spaces (nearly every label): the same lines, a tenth of the time.
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
