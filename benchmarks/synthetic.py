"""A synthetic site at a chosen scale: a lattice of descriptors, dossiers, documents.

Deterministic (seeded), written into a folder given by the caller. The words
are French words of the domain, so labels wrap and sort like real ones.
"""

from __future__ import annotations

import random
from pathlib import Path

WORDS = [
    "gouvernance",
    "participation",
    "habitants",
    "territoire",
    "coopération",
    "commune",
    "intercommunalité",
    "mutualisation",
    "service",
    "public",
    "proximité",
    "démocratie",
    "locale",
    "conseil",
    "citoyen",
    "charte",
    "budget",
    "développement",
    "durable",
    "transition",
    "écologique",
    "alimentation",
    "eau",
    "énergie",
    "mobilité",
    "logement",
    "emploi",
    "économie",
    "sociale",
    "solidaire",
    "association",
    "réseau",
    "partenariat",
    "contractualisation",
    "évaluation",
    "politique",
    "publique",
    "management",
    "agent",
    "cadre",
    "élu",
    "décision",
    "concertation",
    "débat",
    "quartier",
    "ruralité",
    "métropole",
    "agriculture",
    "circuit",
    "court",
    "foncier",
    "aménagement",
    "urbanisme",
    "culture",
    "éducation",
    "populaire",
    "jeunesse",
    "santé",
    "accès",
    "droits",
    "inclusion",
    "numérique",
    "finances",
    "fiscalité",
    "dotation",
    "commande",
    "innovation",
    "expérimentation",
    "pouvoir",
    "agir",
    "initiative",
    "commun",
]
LINKS = ("des", "de la", "du", "et", "pour les", "dans les", "entre")
TYPES = (
    "experience",
    "experience",
    "experience",
    "analysis",
    "proposal",
    "resource",
    "territory",
    "concept",
)


def _label(rng: random.Random, used: set[str]) -> str:
    while True:
        words = rng.sample(WORDS, rng.choice((2, 3, 3, 4)))
        label = f"{words[0].capitalize()} {rng.choice(LINKS)} {' '.join(words[1:])}"
        if label not in used:
            used.add(label)
            return label


def _paragraph(rng: random.Random, words: int) -> str:
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 18)))
        sentences.append(sentence.capitalize() + ".")
    return " ".join(sentences)


def write_site(
    root: Path,
    descriptors: int = 1800,
    documents: int = 1600,
    dossiers: int = 40,
    families: int = 20,
    seed: int = 7,
    bodies: list[str] | None = None,
) -> Path:
    """Write a synthetic content folder into `root`; returns `root`.

    `bodies`: real texts to use as the documents' bodies (in turn), instead of
    generated paragraphs."""
    rng = random.Random(seed)
    (root / "atlas" / "descriptors").mkdir(parents=True, exist_ok=True)
    (root / "dossiers").mkdir(exist_ok=True)
    (root / "site.yaml").write_text(
        "title: {fr: Site synthétique, en: Synthetic site, es: Sitio sintético}\n"
        "languages: [fr, en, es]\n",
        encoding="utf-8",
    )
    family_lines = []
    for index in range(families):
        colour = f"#{rng.randrange(0x30, 0xC0):02x}{rng.randrange(0x30, 0xC0):02x}{rng.randrange(0x30, 0xC0):02x}"
        family_lines.append(
            f"- id: famille-{index}\n  label: {{fr: Famille {index}, en: Family {index}, "
            f"es: Familia {index}}}\n  colour: '{colour}'\n"
        )
    (root / "atlas" / "families.yaml").write_text("".join(family_lines), encoding="utf-8")

    used: set[str] = set()
    tops = max(1, descriptors // 60)
    lines = []
    for index in range(descriptors):
        label = _label(rng, used)
        entry = (
            f"- id: d{index}\n  family: famille-{index % families}\n"
            f'  label: {{fr: "{label}", en: "{label} (en)", es: "{label} (es)"}}\n'
        )
        if index >= tops:
            # Broader ones come from earlier descriptors: a lattice with no cycle.
            count = rng.choices((1, 2, 3), weights=(70, 25, 5))[0]
            parents = sorted({rng.randrange(max(0, index - 400), index) for _ in range(count)})
            entry += f"  broader: [{', '.join(f'd{p}' for p in parents)}]\n"
        if rng.random() < 0.3 and index > 10:
            entry += f"  related: [d{rng.randrange(index)}]\n"
        lines.append(entry)
    (root / "atlas" / "descriptors" / "all.yaml").write_text("".join(lines), encoding="utf-8")

    for dossier in range(dossiers):
        folder = root / "dossiers" / f"dossier-{dossier}"
        folder.mkdir(exist_ok=True)
        members = [n for n in range(documents) if n % dossiers == dossier]
        principles = (
            "".join(
                f"  - title: Principe {p} du dossier {dossier}\n    text: {_paragraph(rng, 30)}\n"
                f"    documents: [{', '.join(f'doc-{n}' for n in rng.sample(members, min(3, len(members))))}]\n"
                for p in range(1, 5)
            )
            if members
            else ""
        )
        (folder / "index.md").write_text(
            f"---\ntitle: Dossier synthétique {dossier}\ndate: 2024-01-{dossier % 28 + 1:02d}\n"
            f"summary: {_paragraph(rng, 40)}\n"
            + (f"principles:\n{principles}" if principles else "")
            + f"---\n{_paragraph(rng, 300)}\n\n<!-- synthesis -->\n\n{_paragraph(rng, 300)}\n",
            encoding="utf-8",
        )
        for n in members:
            indexing = sorted({rng.randrange(descriptors) for _ in range(rng.randint(3, 7))})
            body = "\n\n".join(f"## Partie {part}\n\n{_paragraph(rng, 75)}" for part in range(1, 4))
            if bodies:
                body = bodies[n % len(bodies)]
            (folder / f"doc-{n}.md").write_text(
                f"---\ntitle: {_label(rng, used)}\ntype: {rng.choice(TYPES)}\n"
                f"date: {rng.randint(2010, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
                f"descriptors: [{', '.join(f'd{d}' for d in indexing)}]\n"
                f"summary: {_paragraph(rng, 40)}\n---\n{body}\n",
                encoding="utf-8",
            )
    return root
