"""What each diagram shows: a descriptor's neighbourhood, a document's indexing, a dossier's principles."""

from __future__ import annotations

from treillis.diagrams import Diagram, Edge, Node
from treillis.i18n import Messages
from treillis.model import Document, Dossier
from treillis.urls import relative
from treillis.views.common import Views, principle_anchor

# A crowded neighbourhood stays readable: the most used neighbours, then "+ N more".
MAX_SHOWN = {"broader": 8, "narrower": 12, "related": 8}
# Beyond this, a document's indexing shows its descriptors and their direct broader ones only.
MAX_INDEXING_NODES = 40
ACCENT = "#7a2e3a"
NEUTRAL = "#5b6470"  # the key's swatches for borders: what a thick or a thin border means
TYPE_COLOURS = {
    "experience": "#3d8b3d",
    "analysis": "#3b6ea8",
    "proposal": "#c77a1e",
    "resource": "#8a4fa3",
    "territory": "#6f8f2a",
    "concept": "#b04a4a",
}


def _labels(labels: list[str]) -> str:
    return ", ".join(labels)


def _count(views: Views, descriptor_id: str, direct: int, lang: str) -> dict:
    """How a box counts what a descriptor indexes: the site's documents and the network's
    records aligned with it (`direct`, both; said apart in words); when there are none,
    those of its narrower ones too (said so in words); nothing when both are 0."""
    t = views.messages(lang)
    records = views.records_indexed(descriptor_id)
    if direct:
        title = t("direct_count", n=direct - records)
        return {"count": direct, "count_title": _with_records(t, title, records)}
    keys = views.atlas.documents_including_narrower(descriptor_id)
    total = sum(1 for key in keys if views.scope is None or key in views.scope.documents)
    if views.scope is None:  # a mirror publishes no network
        records = len(views.atlas.records_including_narrower(descriptor_id))
    if not total + records:
        return {"count": None}
    return {
        "count": total + records,
        "count_text": t("diagram_count_total", n=total + records),
        "count_title": _with_records(t, t("total_count", n=total), records),
    }


def _with_records(t: Messages, documents: str, records: int) -> str:
    """A count of documents in words, and the network's records apart when there are some:
    "12 documents indexed here · 40 in the network"."""
    return f"{documents} · {t('network_count_apart', n=records)}" if records else documents


def neighbourhood_diagram(views: Views, descriptor_id: str, lang: str) -> Diagram:
    """The descriptor in the centre, broader above, narrower below, related beside."""
    t = views.messages(lang)
    page = views.paths.descriptor(descriptor_id, lang)
    centre = views.descriptor_link(descriptor_id, lang)
    neighbourhood = views.atlas.neighbourhood(descriptor_id)
    nodes = [
        Node(
            "c",
            centre.label,
            "centre",
            centre.colour,
            **_count(views, descriptor_id, centre.count, lang),
        )
    ]
    edges: list[Edge] = []
    same_rank = ["c"]
    sentences = []
    for role in ("broader", "narrower", "related"):
        links = views.descriptor_links(getattr(neighbourhood, role), lang)
        if not links:
            continue
        sentences.append(f"{t(role)}{t('colon')} {_labels([link.label for link in links])}.")
        shown = sorted(links, key=lambda link: -link.count)[: MAX_SHOWN[role]]
        shown_ids = {link.id for link in shown}
        for index, link in enumerate(link for link in links if link.id in shown_ids):
            node_id = f"{role[0]}{index}"
            href = relative(page, link.path)
            nodes.append(
                Node(
                    node_id,
                    link.label,
                    role,
                    link.colour,
                    href,
                    external=link.external,
                    **_count(views, link.id, link.count, lang),
                )
            )
            edges.append(_edge(role, node_id))
            if role == "related":
                same_rank.append(node_id)
        hidden = len(links) - len(shown)
        if hidden:
            node_id = f"{role[0]}more"
            label = t("more_count", n=hidden)
            nodes.append(Node(node_id, label, "more", centre.colour, f"#{role}"))
            edges.append(_edge(role, node_id))
            if role == "related":
                same_rank.append(node_id)
    return Diagram(
        name="neighbourhood",
        title=t("diagram_neighbourhood", label=centre.label),
        description=" ".join(sentences) or t("no_broader"),
        lang=lang,
        nodes=tuple(nodes),
        edges=tuple(edges),
        same_rank=(tuple(same_rank),) if len(same_rank) > 1 else (),
    )


def _edge(role: str, node_id: str) -> Edge:
    if role == "broader":
        return Edge(node_id, "c")
    if role == "narrower":
        return Edge("c", node_id)
    return Edge("c", node_id, "dashed")


def indexing_diagram(views: Views, document: Document) -> Diagram:
    """The document's descriptors and, above them, the broader descriptors up to the top."""
    lang = document.lang
    t = views.messages(lang)
    page = views.paths.document(document.key)
    own = [d for d in dict.fromkeys(document.descriptor_ids) if d in views.site.descriptors]
    above: set[str] = set()
    for descriptor_id in own:
        above |= views.atlas.ancestors(descriptor_id)
    if len(above) + len(own) > MAX_INDEXING_NODES:
        above = {b for d in own for b in views.atlas.broader[d]}
    above -= set(own)
    shown = [*own, *sorted(above)]
    ids = {descriptor_id: f"d{index}" for index, descriptor_id in enumerate(shown)}
    nodes = []
    for descriptor_id in shown:
        link = views.descriptor_link(descriptor_id, lang)
        role = "indexing" if descriptor_id in own else "broader"
        nodes.append(
            Node(
                ids[descriptor_id],
                link.label,
                role,
                link.colour,
                relative(page, link.path),
                external=link.external,
                **_count(views, descriptor_id, link.count, lang),
            )
        )
    nodes.append(Node("doc", document.title, "document", TYPE_COLOURS[document.type]))
    edges = [
        Edge(ids[parent], ids[child])
        for child in shown
        for parent in views.atlas.broader[child]
        if parent in ids
    ]
    edges += [Edge(ids[descriptor_id], "doc") for descriptor_id in own]
    own_labels = [views.descriptor_link(d, lang).label for d in own]
    above_labels = [views.descriptor_link(d, lang).label for d in sorted(above)]
    description = f"{t('descriptors')}{t('colon')} {_labels(own_labels)}."
    if above_labels:
        description += f" {t('broader')}{t('colon')} {_labels(above_labels)}."
    return Diagram(
        name="indexing",
        title=t("diagram_indexing", title=document.title),
        description=description,
        lang=lang,
        nodes=tuple(nodes),
        edges=tuple(edges),
        legend=(
            ("document", TYPE_COLOURS[document.type], t(f"type.{document.type}")),
            ("indexing", NEUTRAL, t("diagram_key_indexing")),
            ("broader", NEUTRAL, t("diagram_key_broader")),
        ),
        legend_title=t("legend"),
    )


def principles_diagram(views: Views, dossier: Dossier) -> Diagram | None:
    """Traceability: each case on the left, linked to the guiding principles it supports."""
    if not any(p.documents for p in dossier.principles):
        return None
    lang = dossier.lang
    t = views.messages(lang)
    page = views.paths.dossier(dossier.slug)
    nodes: list[Node] = []
    edges: list[Edge] = []
    document_ids: dict[str, str] = {}
    supports: dict[str, list[str]] = {}
    for principle in dossier.principles:
        principle_id = f"p{principle.number}"
        nodes.append(
            Node(
                principle_id,
                f"{principle.number}. {principle.title}",
                "principle",
                ACCENT,
                f"#{principle_anchor(principle.number)}",
            )
        )
        for ref in principle.documents:
            key = views.document_key(ref.target, dossier.slug)
            if key is None:
                continue
            if key not in document_ids:
                document_ids[key] = f"d{len(document_ids)}"
                document = views.site.documents[key]
                nodes.append(
                    Node(
                        document_ids[key],
                        document.title,
                        "document",
                        TYPE_COLOURS[document.type],
                        relative(page, views.paths.document(key)),
                    )
                )
            edges.append(Edge(document_ids[key], principle_id))
            supports.setdefault(key, []).append(str(principle.number))
    types = dict.fromkeys(views.site.documents[key].type for key in document_ids)
    legend = [("principle", ACCENT, t("diagram_key_principle"))]
    legend += [("document", TYPE_COLOURS[kind], t(f"type.{kind}")) for kind in types]
    description = " ".join(
        t(
            "diagram_supports",
            document=views.site.documents[key].title,
            principles=", ".join(numbers),
        )
        for key, numbers in supports.items()
    )
    return Diagram(
        name="principles",
        title=t("diagram_principles"),
        description=description,
        lang=lang,
        direction="LR",
        nodes=tuple(nodes),
        edges=tuple(edges),
        same_rank=(tuple(document_ids.values()),),
        legend=tuple(legend),
        legend_title=t("legend"),
    )
