"""What a base of the network holds, whatever its format: records and keywords.

Every reader (ScrutariData, Atom, RSS) turns a base's file into a `Base`; the
ScrutariData writer turns a site into one. Values are plain text: markup in a
record is text, never HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Keyword:
    """A term of a base's own classification (a ScrutariData `motcle`, an Atom category)."""

    id: str
    labels: dict[str, str] = field(default_factory=dict)  # language → label


@dataclass(frozen=True)
class NetworkRecord:
    """A document of another collection: shown and searched, linked to where it lives."""

    id: str  # unique within its base
    title: str
    url: str  # absolute http(s) address on the partner's site
    lead: str = ""
    date: str = ""  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD, or ""
    lang: str = ""  # a language code, or "" when the base does not say
    authors: tuple[str, ...] = ()
    kind: str = ""  # the base's corpus (document type), or ""
    keywords: tuple[str, ...] = ()  # ids of the base's `Keyword`s indexing it


@dataclass
class Base:
    """One base of the network as read from its file."""

    id: str
    name: dict[str, str] = field(default_factory=dict)  # language → name
    authority: str = ""  # who publishes it (ScrutariData: the authority, e.g. a domain)
    records: list[NetworkRecord] = field(default_factory=list)
    keywords: dict[str, Keyword] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # records skipped, and why
