"""What the build publishes besides pages: Atom feeds, a sitemap, the atlas as SKOS and JSON.

All pure functions of the site: each returns (output path, text) pairs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from treillis.model import Document, Site
from treillis.urls import Paths, relative

FEED_ENTRIES = 20
TREILLIS = "https://treillis.invalid/ns#"  # our own terms (family colours) in SKOS exports
# What an IRI cannot hold as it is (RFC 3987), and Turtle refuses: percent-encoded.
NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f\u202a-\u202e\u2066-\u2069]')


def iri(address: str) -> str:
    """`address` as a valid IRI. The readers refuse addresses that need this; it keeps
    the exports whole for a site made otherwise (or a rule missed)."""
    return NOT_IN_IRI.sub(
        lambda match: "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8")), address
    )


def _iso(date: str) -> str:
    parts = [*date.split("-"), "01", "01"][:3] if date else ["1970", "01", "01"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def _address(base_url: str, feed_path: str, target: str) -> str:
    """Absolute when the site's address is known, else relative to the feed."""
    return base_url + target if base_url else relative(feed_path, target)


def _entry_id(base_url: str, target: str, key: str) -> str:
    return base_url + target if base_url else f"urn:treillis:document:{key}"


def atom_feed(
    site: Site, paths: Paths, feed_path: str, title: str, documents: list[Document]
) -> str:
    """An Atom feed of `documents`, newest first."""
    base = site.config.base_url
    newest = sorted(documents, key=lambda d: (d.date, d.key), reverse=True)[:FEED_ENTRIES]
    updated = _iso(newest[0].date) if newest else _iso("")
    page = feed_path.rsplit("/", 1)[0] + "/index.html" if "/" in feed_path else "index.html"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(title)}</title>",
        f"  <id>{escape(base + feed_path if base else 'urn:treillis:feed:' + feed_path)}</id>",
        f"  <updated>{updated}</updated>",
        f'  <link rel="alternate" type="text/html" href={quoteattr(_address(base, feed_path, page))}/>',
    ]
    if base:
        lines.append(f'  <link rel="self" href={quoteattr(base + feed_path)}/>')
    for document in newest:
        target = paths.document(document.key)
        lines += [
            f'  <entry xml:lang="{document.lang}">',
            f"    <title>{escape(document.title)}</title>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(_address(base, feed_path, target))}/>',
            f"    <id>{escape(_entry_id(base, target, document.key))}</id>",
            f"    <updated>{_iso(document.date)}</updated>",
        ]
        lines += [f"    <author><name>{escape(a)}</name></author>" for a in document.authors]
        if not document.authors:
            lines.append(
                f"    <author><name>{escape(site.config.title.get(document.lang))}</name></author>"
            )
        if document.summary:
            lines.append(f"    <summary>{escape(document.summary)}</summary>")
        for descriptor_id in document.descriptor_ids:
            if descriptor_id in site.descriptors:
                label = site.descriptors[descriptor_id].label.get(document.lang)
                lines.append(
                    f"    <category term={quoteattr(descriptor_id)} label={quoteattr(label)}/>"
                )
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def feeds(site: Site, paths: Paths) -> list[tuple[str, str]]:
    """The site's feed (`feed.xml`) and one per dossier (`dossiers/<dossier>/feed.xml`)."""
    title = site.config.title.get(site.config.default_language)
    result = [
        ("feed.xml", atom_feed(site, paths, "feed.xml", title, list(site.documents.values())))
    ]
    for dossier in site.dossiers.values():
        documents = [site.documents[k] for k in dossier.documents if k in site.documents]
        path = f"dossiers/{dossier.slug}/feed.xml"
        result.append((path, atom_feed(site, paths, path, f"{dossier.title} — {title}", documents)))
    return result


def sitemap(base_url: str, page_paths: list[str]) -> str:
    """A sitemap of every page (absolute addresses: only when the site's address is known)."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{escape(base_url + path)}</loc></url>" for path in sorted(page_paths)]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def concept_uri(site: Site, descriptor_id: str) -> str:
    """A descriptor's URI: the one it was imported with, else its page's address."""
    descriptor = site.descriptors[descriptor_id]
    if descriptor.uri:
        return iri(descriptor.uri)
    if site.config.base_url:
        return iri(f"{site.config.base_url}atlas/{descriptor_id}/")
    return f"urn:treillis:atlas:{iri(descriptor_id)}"


def atlas_json(site: Site) -> str:
    """The atlas as JSON: families and descriptors with their links both ways."""
    narrower: dict[str, list[str]] = {d: [] for d in site.descriptors}
    for descriptor in site.descriptors.values():
        for parent in descriptor.broader_ids:
            if parent in narrower:
                narrower[parent].append(descriptor.id)
    data = {
        "families": [
            {
                "id": f.id,
                "label": f.label.values,
                "colour": f.colour,
                "parent": f.parent.target if f.parent else None,
                "axis": f.axis or None,
                "code": f.code or None,
                "crossing": [r.target for r in f.crossing],
            }
            for f in site.families.values()
        ],
        "descriptors": [
            {
                "id": d.id,
                "uri": concept_uri(site, d.id),
                "family": d.family.target,
                "label": d.label.values,
                "synonyms": d.synonyms,
                "note": d.note.values,
                "broader": d.broader_ids,
                "narrower": narrower[d.id],
                "related": [r.target for r in d.related],
            }
            for d in site.descriptors.values()
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


SKOS = "http://www.w3.org/2004/02/skos/core#"
# Turtle's escapes in a quoted string: what it cannot hold as it is.
_TURTLE_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _literal(text: str, lang: str = "") -> str:
    """A Turtle string literal, with its language tag when it has one."""
    quoted = '"' + text.translate(_TURTLE_ESCAPES) + '"'
    return f"{quoted}@{lang}" if lang else quoted


def atlas_turtle(site: Site, matches: Iterable[tuple[str, str, str]] | None = None) -> str:
    """The atlas as a SKOS concept scheme in Turtle (families as collections). `matches`,
    (descriptor id, kind, keyword URI), are the network's reviewed alignments: read from
    the content folder's alignment files when not given (`treillis.network.align`).

    Written directly (an RDF library's graph and serialiser cost a second a thousand
    descriptors): one block a subject, subjects, properties and values sorted, so the
    file depends on the atlas only, not on the order it was read in."""
    if matches is None and site.config.network:
        from treillis.network.align import skos_matches

        matches = list(skos_matches(site.root, site))

    # subject → property → values, each already written as Turtle (IRIs checked by `iri`).
    graph: dict[str, dict[str, dict[str, None]]] = {}

    def add(subject: str, prop: str, value: str) -> None:
        graph.setdefault(subject, {}).setdefault(prop, {})[value] = None

    base = iri(site.config.base_url) or "urn:treillis:"
    scheme = f"<{base}atlas/>" if site.config.base_url else "<urn:treillis:atlas>"
    add(scheme, "a", "skos:ConceptScheme")
    for lang, title in site.config.title.values.items():
        add(scheme, "skos:prefLabel", _literal(title, lang))
    concepts = {d: f"<{concept_uri(site, d)}>" for d in site.descriptors}
    families = {
        f: f"<{base}atlas/families/{iri(f)}>"
        if site.config.base_url
        else f"<urn:treillis:family:{iri(f)}>"
        for f in site.families
    }
    for family in site.families.values():
        node = families[family.id]
        add(node, "a", "skos:Collection")
        add(node, "treillis:id", _literal(family.id))
        add(node, "treillis:colour", _literal(family.colour))
        for lang, label in family.label.values.items():
            add(node, "skos:prefLabel", _literal(label, lang))
        if family.parent and family.parent.target in families:
            add(families[family.parent.target], "skos:member", node)
        if family.axis:
            add(node, "treillis:axis", _literal(family.axis))
            add(node, "treillis:code", _literal(family.code))
        for ref in family.crossing:
            if ref.target in families:
                add(node, "treillis:crossing", families[ref.target])
    for descriptor in site.descriptors.values():
        node = concepts[descriptor.id]
        add(node, "a", "skos:Concept")
        add(node, "skos:inScheme", scheme)
        add(node, "treillis:id", _literal(descriptor.id))
        for lang, label in descriptor.label.values.items():
            add(node, "skos:prefLabel", _literal(label, lang))
        for lang, synonyms in descriptor.synonyms.items():
            for synonym in synonyms:
                add(node, "skos:altLabel", _literal(synonym, lang))
        for lang, note in descriptor.note.values.items():
            add(node, "skos:scopeNote", _literal(note, lang))
        parents = [p for p in descriptor.broader_ids if p in concepts]
        for parent in parents:
            add(node, "skos:broader", concepts[parent])
            add(concepts[parent], "skos:narrower", node)
        if not parents:
            add(node, "skos:topConceptOf", scheme)
            add(scheme, "skos:hasTopConcept", node)
        for ref in descriptor.related:
            if ref.target in concepts:
                add(node, "skos:related", concepts[ref.target])
                add(concepts[ref.target], "skos:related", node)
        if descriptor.family.target in families:
            add(families[descriptor.family.target], "skos:member", node)
    # `broader`: the descriptor is broader than the keyword, so the keyword is its narrowMatch
    # (`keyword skos:broadMatch descriptor`, said from the descriptor's side).
    properties = {
        "exact": "skos:exactMatch",
        "close": "skos:closeMatch",
        "broader": "skos:narrowMatch",
    }
    for descriptor_id, kind, keyword in matches or ():
        if descriptor_id in concepts and kind in properties:
            add(concepts[descriptor_id], properties[kind], f"<{iri(keyword)}>")
    lines = [f"@prefix skos: <{SKOS}> .", f"@prefix treillis: <{TREILLIS}> .", ""]
    for subject in sorted(graph):
        props = graph[subject]
        lines.append(subject)
        said = sorted(props, key=lambda prop: (prop != "a", prop))  # `a` (the type) first
        for number, prop in enumerate(said):
            values = ", ".join(sorted(props[prop]))
            lines.append(f"    {prop} {values} {'.' if number == len(said) - 1 else ';'}")
        lines.append("")
    return "\n".join(lines)
