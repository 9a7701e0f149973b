"""Real corpora turned into content folders for benchmarks (never copied into the repository).

`service_public_site` makes a site of the service-public.fr sheets in
../shared/data/service-public (Licence Ouverte 2.0, DILA): one dossier per
audience, descriptors from the sheets' subjects under their top categories.
`service_public_thesaurus_site` indexes every sheet with Thésaurus W instead,
as an editor would: `import skos`, then `import documents` matching labels.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from treillis.readers.fields import slugify
from treillis.sources import split_front_matter

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SERVICE_PUBLIC = DATA / "service-public"
COLOURS = ("#2b6f8f", "#7a2e3a", "#3f7d3a", "#b5651d", "#6a4c93")


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def service_public_site(
    root: Path, limit: int = 1600, folder: str = "*", descriptors: bool = True
) -> Path:
    """Write a content folder of the first `limit` sheets (by audience, then id).

    `folder` picks one audience's sheets; without `descriptors` the documents are
    not indexed (each is its title, summary and text alone), as a site's may be.
    """
    sheets = sorted(SERVICE_PUBLIC.glob(f"{folder}/*.md"))[:limit]
    audiences: dict[str, list[tuple[Path, dict, str]]] = {}
    categories: dict[str, str] = {}  # descriptor id -> label
    broader: dict[str, str] = {}
    families: dict[str, str] = {}
    for path in sheets:
        source = split_front_matter(path.read_text(encoding="utf-8"))
        meta = source.meta
        audience = str(meta["audience"])
        audiences.setdefault(audience, []).append((path, meta, source.body))
        crumbs = [str(c) for c in meta.get("breadcrumb") or []][1:-1] if descriptors else []
        for level, label in enumerate(crumbs):
            descriptor = slugify(label)[:60].strip("-")
            categories[descriptor] = label
            families.setdefault(descriptor, audience)
            if level:
                broader.setdefault(descriptor, slugify(crumbs[level - 1])[:60].strip("-"))
    (root / "atlas" / "descriptors").mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(
        "title: Service public (corpus de test)\nlanguages: [fr]\n", encoding="utf-8"
    )
    (root / "atlas" / "families.yaml").write_text(
        "".join(
            f"- id: {slugify(a)}\n  label: {_quote(a.capitalize())}\n  colour: '{COLOURS[i % 5]}'\n"
            for i, a in enumerate(sorted(audiences))
        ),
        encoding="utf-8",
    )
    (root / "atlas" / "descriptors" / "categories.yaml").write_text(
        "".join(
            f"- id: {d}\n  family: {slugify(families[d])}\n  label: {_quote(label)}\n"
            + (f"  broader: [{broader[d]}]\n" if d in broader and broader[d] != d else "")
            for d, label in sorted(categories.items())
        ),
        encoding="utf-8",
    )
    for audience, items in audiences.items():
        folder = root / "dossiers" / slugify(audience)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(
            f"---\ntitle: {_quote('Vos droits et démarches : ' + audience)}\n---\n"
            "Fiches de service-public.fr (DILA, Licence Ouverte 2.0).\n",
            encoding="utf-8",
        )
        for path, meta, body in items:
            crumbs = [str(c) for c in meta.get("breadcrumb") or []][1:-1]
            indexed = sorted({slugify(c)[:60].strip("-") for c in crumbs}) if descriptors else []
            date = re.search(r"\d{4}-\d{2}-\d{2}", str(meta.get("date", ""))) or None
            body = re.sub(r"^# .*\n", "", body.lstrip(), count=1)
            (folder / f"{path.stem.lower()}.md").write_text(
                f"---\ntitle: {_quote(str(meta['title']))}\ntype: resource\n"
                f"date: {date.group() if date else '2020'}\n"
                f"summary: {_quote(str(meta.get('description') or ''))}\n"
                f"descriptors: [{', '.join(indexed)}]\n"
                + (
                    f"source: {{title: service-public.fr, url: {_quote(str(meta['url']))}}}\n"
                    if meta.get("url")
                    else ""
                )
                + f"---\n{body}",
                encoding="utf-8",
            )
    return root


def service_public_bodies(limit: int) -> list[str] | None:
    """The Markdown bodies of the first `limit` sheets (without their title heading),
    or None when ../shared/data is not here."""
    sheets = sorted(SERVICE_PUBLIC.glob("*/*.md"))[:limit]
    if not sheets:
        return None
    return [
        re.sub(r"^# .*\n", "", split_front_matter(p.read_text(encoding="utf-8")).body.lstrip(), count=1)
        for p in sheets
    ]


# How `treillis import documents` reads a service-public.fr sheet.
MAPPING = """\
id: id
title: title
summary: description
date: {field: date, pattern: '\\d{4}-\\d{2}-\\d{2}'}
type: {field: type, values: {"Fiche d'information": resource, "Question-réponse": concept}, default: resource}
source: {url: url, title: {value: "service-public.fr (DILA)"}}
descriptors: {fields: [subject, breadcrumb], suggest: 5}
drop_title_heading: true
"""


def service_public_thesaurus_site(root: Path) -> Path:
    """Thésaurus W as the atlas, every sheet imported with descriptors matched by label."""
    from treillis.importers.documents import import_documents
    from treillis.importers.skos import import_skos

    (root / "dossiers").mkdir(parents=True)
    (root / "site.yaml").write_text(
        "title: Service public (corpus de test)\nlanguages: [fr]\n", encoding="utf-8"
    )
    import_skos(root, DATA / "thesaurus-w" / "thesaurus_matiere.rdf")
    mapping = root.parent / "mapping.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    for audience in sorted(p.name for p in (DATA / "service-public").iterdir() if p.is_dir()):
        (root / "dossiers" / audience).mkdir()
        (root / "dossiers" / audience / "index.md").write_text(
            f"---\ntitle: 'Vos droits et démarches : {audience}'\n---\n"
            "Fiches de service-public.fr (DILA, Licence Ouverte 2.0).\n",
            encoding="utf-8",
        )
        import_documents(root, DATA / "service-public" / audience, audience, mapping)
    return root
