"""The content model: plain dataclasses, read from files, checked, then rendered.

The classes of which a site has one or more per document (`Document`, its `Ref`s and
its `Origin`) have slots: at 50,000 documents, 60 MB less, and an edit build decodes
them from the previous build's state faster."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from treillis.errors import Problem
from treillis.languages import CODES
from treillis.network.records import NetworkRecord

# The languages Treillis knows (treillis/languages.py), the first one the default.
LANGUAGES = CODES

DOCUMENT_TYPES = ("experience", "analysis", "proposal", "resource", "territory", "concept")


@dataclass(frozen=True)
class Text:
    """A text in several languages, with a fallback to the default language."""

    values: dict[str, str] = field(default_factory=dict)
    default: str = LANGUAGES[0]

    def get(self, lang: str) -> str:
        if lang in self.values:
            return self.values[lang]
        if self.default in self.values:
            return self.values[self.default]
        return next(iter(self.values.values()), "")

    def lang_of(self, lang: str) -> str:
        """The language the text for `lang` is really written in (after fallback)."""
        if lang in self.values:
            return lang
        if self.default in self.values:
            return self.default
        return next(iter(self.values), lang)

    def __bool__(self) -> bool:
        return any(self.values.values())


@dataclass(slots=True)
class Origin:
    """Where an item was written: its file, its first line and each field's line."""

    # The file's path as the readers found it, as text: what problems quote and what the
    # previous build's items are found by (a `Path` for each of 50,000 documents would
    # be made again by every edit build that reads the model back).
    path: str
    line: int = 1
    fields: dict[str, int] = field(default_factory=dict)

    def line_of(self, name: str) -> int:
        return self.fields.get(name, self.line)


@dataclass(slots=True)
class Ref:
    """A reference to another item, as written, with the line it was written on."""

    target: str
    line: int


@dataclass
class Partner:
    id: str
    name: str
    url: str = ""
    logo: str = ""
    colours: dict[str, str] = field(default_factory=dict)
    description: Text = field(default_factory=Text)
    origin: Origin | None = None


@dataclass
class NetworkBase:
    """A base of the network, as site.yaml lists it: where `treillis harvest` fetches it."""

    id: str
    name: Text
    url: str  # an http(s) address, or a path relative to the content folder
    format: str = ""  # scrutari, atom, rss or treillis; "" = detected from the document
    timeout: float = 20.0  # seconds, per request


@dataclass
class SiteConfig:
    title: Text
    description: Text
    languages: list[str]
    base_url: str = ""
    theme: str = ""
    allow_html: bool = False  # raw HTML in Markdown, sanitised (off by default)
    partners: list[Partner] = field(default_factory=list)
    network: list[NetworkBase] = field(default_factory=list)
    origin: Origin | None = None
    # A partner's mirror: its branding, and the main site it belongs to.
    brand: Partner | None = None
    main_url: str = ""
    main_title: Text | None = None

    @property
    def default_language(self) -> str:
        return self.languages[0]


FAMILY_AXES = ("component", "angle")
# The formats of a network base: ScrutariData, feeds, another Treillis site's export.
BASE_FORMATS = ("scrutari", "atom", "rss", "treillis")


@dataclass
class Family:
    """A family of descriptors: their colour on every map.

    Families may form the two axes of the legend (components of the territory,
    each with a number, and angles of approach, each with a letter); a family
    that `crosses` one of each sits at their crossing.
    """

    id: str
    label: Text
    colour: str
    parent: Ref | None = None
    description: Text = field(default_factory=Text)
    axis: str = ""
    code: str = ""
    crossing: list[Ref] = field(default_factory=list)
    origin: Origin | None = None


@dataclass
class Descriptor:
    id: str
    family: Ref
    label: Text
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    note: Text = field(default_factory=Text)
    broader: list[Ref] = field(default_factory=list)
    related: list[Ref] = field(default_factory=list)
    uri: str = ""  # the concept's URI when imported from a thesaurus (kept for round trips)
    origin: Origin | None = None

    @property
    def broader_ids(self) -> list[str]:
        return [ref.target for ref in self.broader]


@dataclass
class SourceLink:
    title: str
    url: str


@dataclass
class Principle:
    number: int
    title: str
    text: str
    documents: list[Ref] = field(default_factory=list)
    line: int = 1
    text_line: int = 1


@dataclass
class Dossier:
    slug: str
    title: str
    lang: str
    date: str = ""
    summary: str = ""
    coordinators: list[str] = field(default_factory=list)
    committee: list[str] = field(default_factory=list)
    partners: list[Ref] = field(default_factory=list)
    descriptors: list[Ref] = field(default_factory=list)
    principles: list[Principle] = field(default_factory=list)
    introduction: str = ""
    synthesis: str = ""
    introduction_line: int = 1
    synthesis_line: int = 1
    documents: list[str] = field(default_factory=list)  # keys, in reading order
    origin: Origin | None = None


@dataclass(slots=True)
class Document:
    dossier: str
    slug: str
    title: str
    type: str
    date: str
    lang: str
    authors: list[str] = field(default_factory=list)
    partner: Ref | None = None
    descriptors: list[Ref] = field(default_factory=list)
    summary: str = ""
    source: SourceLink | None = None
    translations: list[Ref] = field(default_factory=list)
    body: str = ""
    body_line: int = 1
    origin: Origin | None = None

    @property
    def key(self) -> str:
        """The document's key across the site: `dossier/document`."""
        return f"{self.dossier}/{self.slug}"

    @property
    def descriptor_ids(self) -> list[str]:
        return [ref.target for ref in self.descriptors]


@dataclass
class NetworkEntry:
    """A record of the network's bases as the site shows it: one per URL, naming every
    base that holds it (in site.yaml's order)."""

    record: NetworkRecord
    bases: list[str]  # ids of the `NetworkBase`s holding it
    lang: str  # the record's language, else the site's first
    keywords: list[str] = field(default_factory=list)  # labels of its bases' keywords
    # Ids of the atlas's descriptors its keywords are aligned with (the editor's decisions).
    descriptors: list[str] = field(default_factory=list)


@dataclass
class Site:
    """Everything read from a content folder."""

    root: Path
    config: SiteConfig
    families: dict[str, Family] = field(default_factory=dict)
    descriptors: dict[str, Descriptor] = field(default_factory=dict)
    dossiers: dict[str, Dossier] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    network: list[NetworkEntry] = field(default_factory=list)  # read from content/network/
    # Warnings found while reading: problems that stop nothing.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def partners(self) -> dict[str, Partner]:
        return {partner.id: partner for partner in self.config.partners}
