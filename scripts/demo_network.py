"""The demo's network: two partner bases written from ../shared/data, for `make site`.

A portal harvests other networks' collections (docs/network.md). The demo stands for
two of them with real data, written here at build or test time, never copied into the
repository:

- `service-public.xml`, a ScrutariData base of the service-public.fr sheets for
  associations (DILA, Licence Ouverte 2.0): a fiche per sheet (title, description as
  the lead, date, address on service-public.fr), the sheets' breadcrumb as a thesaurus;
- `unesco.xml`, an Atom feed of UNESCO Thesaurus concepts near the demo's subject
  (UNESCO, CC BY-SA 3.0 IGO): an entry per concept (its scope note, if any, as the
  lead), linking to the concept's page, its broader concepts as categories.

    python scripts/demo_network.py [--data ../shared/data] [--output build/demo-network]

Without the data, nothing is written and the script says so (exit 0): `treillis harvest`
then reports the two bases as missing and the demo builds without its network.
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
OUTPUT = ROOT / "build" / "demo-network"
AUDIENCE = "associations"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_NS = "http://www.w3.org/2005/Atom"
# UNESCO concepts kept for the demo: those whose French label, or a broader concept's,
# speaks of the demo's subject (the governance of territories).
UNESCO_STEMS = (
    "gouvernance",
    "participation",
    "démocratie",
    "collectivité",
    "décentralisation",
    "administration publique",
    "administration locale",
    "coopération",
    "développement local",
    "développement rural",
    "développement urbain",
    "citoyen",
    "association",
    "société civile",
    "politique publique",
    "aménagement du territoire",
)
UNESCO_LIMIT = 60
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NOT_AN_ID = re.compile(r"[^a-z0-9]+")


def _sub(parent: ElementTree.Element, tag: str, text: str = "", **attributes: str):
    element = ElementTree.SubElement(parent, tag, attributes)
    if text:
        element.text = text
    return element


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_AN_ID.sub("-", plain).strip("-")


def _xml(root: ElementTree.Element) -> bytes:
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def sheets(data: Path, audience: str = AUDIENCE, limit: int | None = None) -> list[dict]:
    """The front matter of the service-public.fr sheets of an audience, by id."""
    found = []
    for path in sorted((data / "service-public" / audience).glob("*.md")):
        match = _FRONT_MATTER.match(path.read_text("utf-8"))
        meta = yaml.safe_load(match.group(1)) if match else None
        if isinstance(meta, dict) and meta.get("title") and meta.get("url"):
            found.append(meta)
    return found[:limit]


def service_public_scrutari(
    data: Path, audience: str = AUDIENCE, limit: int | None = None
) -> bytes:
    """A ScrutariData base of the service-public.fr sheets for `audience`: one corpus per
    kind of sheet, the breadcrumb's sections as the keywords indexing them."""
    chosen = sheets(data, audience, limit)
    root = ElementTree.Element("base")
    metadata = _sub(root, "base-metadata")
    _sub(metadata, "authority", "service-public.fr")
    _sub(metadata, "base-name", audience)
    short = _sub(metadata, "intitule-short")
    _sub(short, "lib", f"Service-public.fr — {audience}", **{XML_LANG: "fr"})
    long = _sub(metadata, "intitule-long")
    _sub(
        long,
        "lib",
        "Fiches « Vos droits et démarches » de service-public.fr (DILA, Licence Ouverte 2.0)",
        **{XML_LANG: "fr"},
    )
    langs = _sub(metadata, "langs-ui")
    _sub(langs, "lang", "fr")
    keywords: dict[str, str] = {}  # id → label
    indexed: dict[str, list[tuple[str, str]]] = {}  # corpus → (fiche, keyword)
    kinds = sorted({str(sheet.get("type", "")) for sheet in chosen})
    for kind in kinds:
        name = _slug(kind) or "fiche"
        corpus = _sub(root, "corpus", **{"corpus-name": name})
        corpus_metadata = _sub(corpus, "corpus-metadata")
        title = _sub(corpus_metadata, "intitule-corpus")
        _sub(title, "lib", kind or "Fiches", **{XML_LANG: "fr"})
        for sheet in (s for s in chosen if str(s.get("type", "")) == kind):
            fiche = _sub(corpus, "fiche", **{"fiche-id": str(sheet["id"])})
            _sub(fiche, "titre", str(sheet["title"]))
            if sheet.get("description"):
                _sub(fiche, "soustitre", str(sheet["description"]))
            if date := _DATE.search(str(sheet.get("date", ""))):
                _sub(fiche, "date", date.group())
            _sub(fiche, "lang", "fr")
            _sub(fiche, "href", str(sheet["url"]))
            authors = _sub(fiche, "attr", ns="sct", key="authors")
            _sub(authors, "val", "DILA")
            # The breadcrumb's sections, without the home page and the sheet itself.
            for section in [str(s) for s in sheet.get("breadcrumb", [])][1:-1]:
                keyword = _slug(section)
                if keyword:
                    keywords.setdefault(keyword, section)
                    indexed.setdefault(name, []).append((str(sheet["id"]), keyword))
    if keywords:
        thesaurus = _sub(root, "thesaurus", **{"thesaurus-name": "rubriques"})
        thesaurus_metadata = _sub(thesaurus, "thesaurus-metadata")
        title = _sub(thesaurus_metadata, "intitule-thesaurus")
        _sub(title, "lib", "Rubriques", **{XML_LANG: "fr"})
        for keyword, label in sorted(keywords.items()):
            motcle = _sub(thesaurus, "motcle", **{"motcle-id": keyword})
            _sub(motcle, "lib", label, **{XML_LANG: "fr"})
        for name, pairs in indexed.items():
            group = _sub(
                root, "indexation-group", **{"corpus-path": name, "thesaurus-path": "rubriques"}
            )
            for fiche_id, keyword in dict.fromkeys(pairs):
                _sub(group, "indexation", **{"fiche-id": fiche_id, "motcle-id": keyword})
    return _xml(root)


def unesco_atom(data: Path, limit: int = UNESCO_LIMIT) -> bytes:
    """An Atom feed of the UNESCO Thesaurus's concepts near the demo's subject: each one
    with its French label, scope note and date, its broader concepts as categories."""
    import rdflib
    from rdflib.namespace import DCTERMS, SKOS

    graph = rdflib.Graph()
    graph.parse(data / "unesco" / "unesco-thesaurus.ttl", format="turtle")

    def french(subject: rdflib.term.Node, predicate: rdflib.URIRef) -> str:
        values = sorted(str(o) for o in graph.objects(subject, predicate) if _lang(o) == "fr")
        return values[0] if values else ""

    def near(label: str) -> bool:
        lowered = label.lower()
        return any(stem in lowered for stem in UNESCO_STEMS)

    chosen = []
    for concept in set(graph.subjects(SKOS.prefLabel, None)):
        label, note = french(concept, SKOS.prefLabel), french(concept, SKOS.scopeNote)
        broader = sorted(
            filter(None, (french(b, SKOS.prefLabel) for b in graph.objects(concept, SKOS.broader)))
        )
        if (
            label
            and str(concept).startswith("http")
            and (near(label) or any(near(b) for b in broader))
        ):
            modified = str(next(iter(graph.objects(concept, DCTERMS.modified)), ""))
            chosen.append((label.casefold(), label, note, str(concept), modified, broader))
    chosen.sort()
    # The namespace as an attribute, tags without it: no prefix registered process-wide.
    feed = ElementTree.Element("feed", {"xmlns": ATOM_NS, XML_LANG: "fr"})
    _sub(feed, "title", "Thésaurus de l'UNESCO : gouvernance et territoires")
    _sub(feed, "link", rel="alternate", href="http://vocabularies.unesco.org/")
    _sub(feed, "id", "http://vocabularies.unesco.org/thesaurus")
    dates = sorted(entry[4] for entry in chosen[:limit] if entry[4])
    _sub(feed, "updated", dates[-1] if dates else "2024-03-25T00:00:00Z")
    author = _sub(feed, "author")
    _sub(author, "name", "UNESCO")
    _sub(feed, "rights", "CC BY-SA 3.0 IGO, UNESCO")
    for _key, label, note, uri, modified, broader in chosen[:limit]:
        entry = _sub(feed, "entry")
        _sub(entry, "title", label)
        _sub(entry, "link", rel="alternate", href=uri)
        _sub(entry, "id", uri)
        _sub(entry, "updated", modified or "2024-03-25T00:00:00Z")
        for term in broader:
            _sub(entry, "category", term=_slug(term), label=term)
        if note:
            _sub(entry, "summary", note)
    return _xml(feed)


def _lang(node: object) -> str:
    return getattr(node, "language", None) or ""


def write_bases(data: Path, output: Path) -> list[Path]:
    """Write the demo's two bases into `output` (made if needed); [] without the data."""
    if not (data / "service-public" / AUDIENCE).is_dir() or not (data / "unesco").is_dir():
        return []
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in (
        ("service-public.xml", lambda: service_public_scrutari(data)),
        ("unesco.xml", lambda: unesco_atom(data)),
    ):
        path = output / name
        content = make()
        if not path.is_file() or path.read_bytes() != content:  # same bytes: left as is
            path.write_bytes(content)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the bases")
    options = parser.parse_args(argv)
    written = write_bases(options.data, options.output)
    if not written:
        print(
            f"{options.data} is not there: the demo's network bases are not written "
            "(the demo builds without its network)."
        )
    for path in written:
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
