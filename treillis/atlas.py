"""The atlas as a lattice: broader, narrower, related, neighbourhoods, paths to the top.

Built once from a validated site (no cycle in `broader`); every query is pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from treillis.model import Site

MAX_PATHS = 12  # a lattice can have many paths to the top; readers need a few


def find_cycles(broader: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Every elementary cycle found by a depth-first walk, each as `[a, b, ..., a]`.

    Each cycle is reported once, starting from its smallest id, so the same
    problem never shows twice.
    """
    cycles: dict[tuple[str, ...], list[str]] = {}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(broader):
        if start in state:
            continue
        # An explicit stack rather than recursion: a long chain must not overflow.
        path: list[str] = [start]
        iterators = [iter(broader.get(start, ()))]
        state[start] = 1
        while iterators:
            parent = next(iterators[-1], None)
            if parent is None:
                state[path.pop()] = 2
                iterators.pop()
                continue
            if parent not in broader:
                continue
            if state.get(parent) == 1:
                cycle = path[path.index(parent) :]
                first = cycle.index(min(cycle))
                canonical = tuple(cycle[first:] + cycle[:first])
                cycles.setdefault(canonical, [*canonical, canonical[0]])
            elif parent not in state:
                state[parent] = 1
                path.append(parent)
                iterators.append(iter(broader.get(parent, ())))
    return list(cycles.values())


@dataclass
class Neighbourhood:
    """What a reader sees around one descriptor."""

    descriptor: str
    broader: list[str]
    narrower: list[str]
    related: list[str]


class Atlas:
    """Lattice queries over the descriptors of a validated site."""

    def __init__(self, site: Site) -> None:
        self.site = site
        known = site.descriptors
        self.broader: dict[str, list[str]] = {
            d.id: _unique(b for b in d.broader_ids if b in known and b != d.id)
            for d in known.values()
        }
        self.narrower: dict[str, list[str]] = {d: [] for d in known}
        for child, parents in self.broader.items():
            for parent in parents:
                self.narrower[parent].append(child)
        related: dict[str, list[str]] = {d: [] for d in known}
        for descriptor in known.values():
            for ref in descriptor.related:
                other = ref.target
                if other in known and other != descriptor.id:
                    related[descriptor.id].append(other)
                    related[other].append(descriptor.id)
        self.related = {d: _unique(items) for d, items in related.items()}
        self.documents: dict[str, list[str]] = {d: [] for d in known}
        for document in site.documents.values():
            key = document.key
            for ref in document.descriptors:
                listed = self.documents.get(ref.target)
                # Once per document: a descriptor written twice finds it last on its list.
                if listed is not None and (not listed or listed[-1] is not key):
                    listed.append(key)
        # The network's records aligned with each descriptor (positions in `site.network`):
        # counted in the atlas like documents, said apart in words.
        self.records: dict[str, list[int]] = {d: [] for d in known}
        for position, entry in enumerate(site.network):
            for descriptor_id in _unique(entry.descriptors):
                if descriptor_id in self.records:
                    self.records[descriptor_id].append(position)

    @cached_property
    def top(self) -> list[str]:
        """Descriptors with no broader descriptor: the entry points of the atlas."""
        return [d for d, parents in self.broader.items() if not parents]

    def neighbourhood(self, descriptor_id: str) -> Neighbourhood:
        return Neighbourhood(
            descriptor_id,
            list(self.broader[descriptor_id]),
            list(self.narrower[descriptor_id]),
            list(self.related[descriptor_id]),
        )

    def ancestors(self, descriptor_id: str) -> set[str]:
        """Every descriptor above this one, through any path."""
        return _closure(descriptor_id, self.broader)

    def descendants(self, descriptor_id: str) -> set[str]:
        """Every descriptor below this one, through any path."""
        return _closure(descriptor_id, self.narrower)

    def paths_to_top(self, descriptor_id: str, limit: int = MAX_PATHS) -> list[list[str]]:
        """Paths from a top descriptor down to this one (excluded), at most `limit`."""
        paths: list[list[str]] = []
        # An explicit stack rather than recursion: a long chain must not overflow.
        pending: list[tuple[str, list[str]]] = [(descriptor_id, [])]
        while pending and len(paths) < limit:
            node, above = pending.pop()
            parents = self.broader[node]
            if not parents:
                if above:
                    paths.append(list(reversed(above)))
                continue
            pending.extend((parent, [*above, parent]) for parent in reversed(parents))
        return paths

    def documents_including_narrower(self, descriptor_id: str) -> set[str]:
        """Documents indexed by this descriptor or by any descriptor below it."""
        keys = set(self.documents[descriptor_id])
        for below in self.descendants(descriptor_id):
            keys.update(self.documents[below])
        return keys

    def records_including_narrower(self, descriptor_id: str) -> set[int]:
        """The network's records aligned with this descriptor or any descriptor below it."""
        found = set(self.records[descriptor_id])
        for below in self.descendants(descriptor_id):
            found.update(self.records[below])
        return found


def _closure(start: str, edges: Mapping[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    pending = list(edges.get(start, ()))
    while pending:
        node = pending.pop()
        if node not in seen:
            seen.add(node)
            pending.extend(edges.get(node, ()))
    return seen


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
