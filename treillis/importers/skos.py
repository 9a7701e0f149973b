"""`treillis import skos`: a SKOS thesaurus (RDF/XML or Turtle, SKOS or SKOS-XL labels)
turned into atlas files.

- prefLabel / altLabel per language → label / synonyms (labels in languages the
  site does not use are left out and counted); untagged labels are taken as
  the site's default language;
- broader / narrower / related → the links (both directions merged);
- scopeNote (or definition) → the note;
- collections → families (nested collections → nested families); without
  collections, each top concept and everything under it make a family;
- ids are derived from the URIs (their last segment), the URI is kept;
- a concept whose URI, or exactMatch, is already an atlas descriptor's URI is
  merged into that descriptor instead of duplicated.
Files are written as `atlas/descriptors/<name>.yaml` and `atlas/families/<name>.yaml`
with a fingerprint: a file edited by hand since is not overwritten without --force.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from treillis.atlas import find_cycles
from treillis.errors import BuildError, Problem, Problems
from treillis.importers import as_read
from treillis.model import FAMILY_AXES
from treillis.readers.atlas import read_descriptors, read_families
from treillis.readers.config import read_config
from treillis.readers.fields import id_problem, slugify
from treillis.sources import _FORBIDDEN
from treillis.yamlwrite import dump, write_file

PALETTE = (
    "#2b6f8f",
    "#7a2e3a",
    "#3f7d3a",
    "#b5651d",
    "#6a4c93",
    "#1f7a7a",
    "#9a3b6b",
    "#5b6e1f",
    "#8a5a2b",
    "#3b4f9a",
    "#a23b3b",
    "#2f6b4f",
)
FINGERPRINT = "# treillis-import sha256="
OURS = "https://treillis.invalid/ns#"


class ImportError_(Exception):
    """The thesaurus cannot be imported (unreadable file, files edited by hand…)."""


@dataclass
class Concept:
    uri: str
    id: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    broader: list[str] = field(default_factory=list)  # URIs
    related: list[str] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)
    family: str = ""


@dataclass
class ImportReport:
    concepts: int = 0
    merged: int = 0
    families: int = 0
    broader: int = 0
    related: int = 0
    files: list[Path] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # What was left out because the thesaurus is wrong there (`path:line: message`).
    problems: list[Problem] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"Imported {self.concepts} concepts ({self.merged} merged into existing descriptors), "
            f"{self.families} families, {self.broader} broader and {self.related} related links.",
            *(f"Wrote {path}" for path in self.files),
        ]
        lines += [f"Not imported: {count} {what}" for what, count in sorted(self.skipped.items())]
        return lines


def _literal_text(value) -> str:
    """A literal's text on one line, without the characters content files cannot hold."""
    return " ".join(_FORBIDDEN.sub("", str(value)).split())


def read_thesaurus(path: Path, languages: list[str], report: ImportReport):
    """The concepts and collections of a SKOS file."""
    from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef

    skosxl = Namespace("http://www.w3.org/2008/05/skos-xl#")
    ours = Namespace(OURS)
    graph = Graph()
    suffix = path.suffix.lower()
    fmt = {"ttl": "turtle", ".ttl": "turtle", ".n3": "n3", ".nt": "nt", ".jsonld": "json-ld"}.get(
        suffix, "xml"
    )
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except OSError as error:
        _refuse(path, 1, f"cannot read this thesaurus: {error.strerror}")
    if not regular:  # a FIFO would be waited on forever, /dev/zero read without end
        _refuse(path, 1, "cannot read this thesaurus: not a regular file (a pipe or a device)")
    if fmt == "xml":
        _check_xml(path)
    elif fmt == "json-ld":
        _check_json_ld(path)
    try:
        graph.parse(path, format=fmt)
    except Exception as error:  # rdflib raises many kinds of parse errors
        line = getattr(error, "lines", None)  # Turtle's BadSyntax: 0-based
        if isinstance(line, int) and isinstance(getattr(error, "_why", None), str):
            # Its text repeats the line and quotes bytes: its reason alone reads better.
            _refuse(path, line + 1, f"cannot read this thesaurus: bad syntax ({error._why})")
        message = " ".join(str(error).split())
        _refuse(
            path,
            _error_line(error),
            f"cannot read this thesaurus ({type(error).__name__}: {message})",
        )
    default = languages[0]
    concepts: dict[str, Concept] = {}
    for node in sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str):
        if isinstance(node, URIRef):
            concepts[str(node)] = Concept(str(node))

    def add_label(concept: Concept, literal, preferred: bool) -> None:
        if not isinstance(literal, Literal):
            return
        lang = (literal.language or default).split("-")[0].lower()
        if lang not in languages:
            report.skipped[f"labels in languages the site does not use ({lang})"] += 1
            return
        text = _literal_text(literal)
        if not text:
            return
        if preferred and lang not in concept.labels:
            concept.labels[lang] = text
        elif text != concept.labels.get(lang) and text not in concept.synonyms.get(lang, []):
            concept.synonyms.setdefault(lang, []).append(text)

    for uri, concept in concepts.items():
        node = URIRef(uri)
        for literal in sorted(graph.objects(node, SKOS.prefLabel), key=str):
            add_label(concept, literal, True)
        for label in sorted(graph.objects(node, skosxl.prefLabel), key=str):
            for literal in graph.objects(label, skosxl.literalForm):
                add_label(concept, literal, True)
        for literal in sorted(graph.objects(node, SKOS.altLabel), key=str):
            add_label(concept, literal, False)
        for label in sorted(graph.objects(node, skosxl.altLabel), key=str):
            for literal in graph.objects(label, skosxl.literalForm):
                add_label(concept, literal, False)
        for predicate in (SKOS.scopeNote, SKOS.definition):
            for literal in sorted(graph.objects(node, predicate), key=str):
                lang = (getattr(literal, "language", None) or default).split("-")[0]
                if lang in languages and lang not in concept.notes:
                    concept.notes[lang] = _literal_text(literal)
        concept.broader = sorted({str(o) for o in graph.objects(node, SKOS.broader)})
        concept.related = sorted({str(o) for o in graph.objects(node, SKOS.related)})
        concept.matches = sorted({str(o) for o in graph.objects(node, SKOS.exactMatch)})
        own_id = next((str(o) for o in graph.objects(node, ours.id)), "")
        concept.id = own_id
    # narrower is the other direction of broader: merge both.
    for uri in concepts:
        for child in graph.objects(URIRef(uri), SKOS.narrower):
            if str(child) in concepts and uri not in concepts[str(child)].broader:
                concepts[str(child)].broader.append(uri)
    for uri, concept in concepts.items():
        for other in concept.related:
            if other in concepts and uri not in concepts[other].related:
                concepts[other].related.append(uri)
    collections = []
    for node in sorted(set(graph.subjects(RDF.type, SKOS.Collection)), key=str):
        labels = {}
        for literal in sorted(graph.objects(node, SKOS.prefLabel), key=str):
            if not isinstance(literal, Literal) or not _literal_text(literal):
                continue
            lang = (literal.language or default).split("-")[0].lower()
            if lang in languages:
                labels.setdefault(lang, _literal_text(literal))
        collections.append(
            {
                "uri": str(node),
                "id": next((str(o) for o in graph.objects(node, ours.id)), ""),
                "colour": next((str(o) for o in graph.objects(node, ours.colour)), ""),
                "axis": next((str(o) for o in graph.objects(node, ours.axis)), ""),
                "code": next((str(o) for o in graph.objects(node, ours.code)), ""),
                "crossing": sorted(str(o) for o in graph.objects(node, ours.crossing)),
                "labels": labels,
                "members": sorted(str(m) for m in graph.objects(node, SKOS.member)),
            }
        )
    tops = sorted(
        {str(c) for c in graph.objects(None, SKOS.hasTopConcept)}
        | {str(s) for s in graph.subjects(SKOS.topConceptOf, None)}
    )
    return concepts, collections, tops


def _refuse(path: Path, line: int, message: str) -> None:
    problems = Problems()
    problems.add(path, line, message)
    raise BuildError(problems.items)


def _error_line(error: Exception) -> int:
    """The line an XML parser stopped at, when it says."""
    try:
        return int(error.getLineNumber())  # type: ignore[attr-defined]  # SAXParseException
    except (AttributeError, TypeError, ValueError):
        return 1


class _Discard:
    """An XML parser target that builds nothing: the file is only checked."""

    def close(self) -> None:
        return None


def _check_xml(path: Path) -> None:
    """Refuse RDF/XML with a DOCTYPE before rdflib reads it.

    Entities can expand without bound (a kilobyte of "billion laughs" becomes
    gigabytes) and external ones read files or fetch addresses; a thesaurus needs
    neither. Nothing is expanded or fetched here (defusedxml)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    parser = DefusedXMLParser(
        target=_Discard(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                parser.feed(chunk)
        parser.close()
    except DefusedXmlException:
        _refuse(
            path,
            parser.parser.CurrentLineNumber,
            "DOCTYPE and ENTITY declarations are refused in a thesaurus: entities can "
            "expand without bound or read other files; write the values out and remove "
            "the <!DOCTYPE ...> block",
        )
    except ParseError as error:
        reason = re.sub(r": line \d+, column \d+$", "", str(error.msg))  # the line is said first
        _refuse(path, error.position[0], f"this RDF/XML is not well-formed XML: {reason}")


def _check_json_ld(path: Path) -> None:
    """Refuse JSON-LD naming a context by address (`"@context": "https://…"`, or an
    `@import`): rdflib would fetch it, from any server or any file, while importing."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text)
    except (OSError, ValueError, RecursionError):
        return  # unreadable or not JSON: rdflib's parse says so, and fetches nothing
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value.values())
            context = value.get("@context")
            contexts = context if isinstance(context, list) else [context]
            for address in (*contexts, value.get("@import")):
                if isinstance(address, str):
                    quoted = text.find(json.dumps(address)[1:-1])
                    _refuse(
                        path,
                        text.count("\n", 0, max(quoted, 0)) + 1,
                        f"a JSON-LD context read from elsewhere ({address}) is refused: "
                        "importing fetches nothing; write the context out in the file",
                    )


def _last_segment(uri: str) -> str:
    for separator in ("#", "/", ":"):
        uri = uri.rstrip(separator)
        if separator in uri:
            tail = uri.rsplit(separator, 1)[1]
            if tail:
                return tail
    return uri


_OPAQUE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", re.I)


def _readable_id(uri: str, concept: Concept, lang: str) -> str:
    """The URI's last segment, or the label when that segment is an opaque UUID."""
    segment = _last_segment(uri)
    if _OPAQUE.match(segment) and concept.labels:
        return slugify(concept.labels.get(lang) or next(iter(concept.labels.values())))[:50].strip(
            "-"
        )
    return slugify(segment)[:60].strip("-")


def _unique(candidate: str, taken: set[str]) -> str:
    candidate = candidate or "concept"
    result, number = candidate, 2
    while result in taken or result in ("legend", "permuted"):
        result, number = f"{candidate}-{number}", number + 1
    taken.add(result)
    return result


def import_skos(
    content: Path,
    thesaurus: Path,
    family: str | None = None,
    name: str | None = None,
    force: bool = False,
) -> ImportReport:
    """Import `thesaurus` into the atlas of `content`; returns what was done."""
    problems = Problems()
    config = read_config(content, problems)
    languages = config.languages
    existing_families = read_families(content, problems, languages)
    existing = read_descriptors(content, problems, languages)
    if family is not None and family not in existing_families:
        raise ImportError_(f"unknown family '{family}': create it in atlas/families.yaml first")
    name = slugify(name or thesaurus.stem) or "thesaurus"
    descriptors_file = content / "atlas" / "descriptors" / f"{name}.yaml"
    families_file = content / "atlas" / "families" / f"{name}.yaml"
    for path in (descriptors_file, families_file):
        if path.is_symlink():
            raise ImportError_(
                f"{path} is a link: Treillis writes no file through a link (it would write "
                "where the link points). Replace the link by a file, or remove it."
            )
        if path.exists() and not force and not _untouched(path):
            raise ImportError_(
                f"{path} was edited since it was imported: use --force to replace it"
            )
    report = ImportReport()
    concepts, collections, tops = read_thesaurus(thesaurus, languages, report)
    found = Problems()
    where = _Locator(thesaurus)
    concepts, collections = _checked(concepts, collections, languages, where, found)

    # Merge what the atlas already has (same URI, or an exactMatch to one of its URIs).
    by_uri = {d.uri: d.id for d in existing.values() if d.uri}
    own_file = {
        d.id for d in existing.values() if d.origin and d.origin.path == str(descriptors_file)
    }
    merged: dict[str, str] = {}
    for uri, concept in concepts.items():
        for candidate in (uri, *concept.matches):
            if candidate in by_uri and by_uri[candidate] not in own_file:
                merged[uri] = by_uri[candidate]
                break
    report.merged = len(merged)

    taken = {d for d in existing if d not in own_file}
    ids: dict[str, str] = dict(merged)
    for uri, concept in concepts.items():
        if uri not in ids:
            ids[uri] = _unique(concept.id or _readable_id(uri, concept, languages[0]), taken)

    # Families: collections, else one per top concept.
    family_rows, member_family = _families(
        concepts, collections, tops, ids, languages, name, set(existing_families), where, found
    )
    if family is not None:
        family_rows, member_family = [], defaultdict(lambda: family)

    # Broader links: known concepts only, no loop.
    broader = {
        uri: [b for b in c.broader if b in concepts and b != uri] for uri, c in concepts.items()
    }
    dropped = sum(len(c.broader) - len(broader[u]) for u, c in concepts.items())
    if dropped:
        report.skipped["broader links to concepts outside the thesaurus"] += dropped
    for cycle in find_cycles(broader):
        broader[cycle[-2]].remove(cycle[-1])
        report.skipped["broader links closing a cycle"] += 1

    entries = []
    for uri, concept in concepts.items():
        if uri in merged:
            continue
        if not concept.labels:
            report.skipped["concepts without a label in the site's languages"] += 1
            continue
        label = dict(concept.labels)
        if languages[0] not in label:
            label[languages[0]] = next(iter(concept.labels.values()))
        related = [ids[r] for r in concept.related if r in concepts and r in ids and r != uri]
        entries.append(
            {
                "id": ids[uri],
                "uri": uri,
                "family": member_family[uri],
                "label": label,
                "synonyms": concept.synonyms,
                "note": concept.notes,
                "broader": [ids[b] for b in broader[uri]],
                "related": sorted(set(related)),
            }
        )
        report.broader += len(broader[uri])
        report.related += len(related)
    labelled = {e["id"] for e in entries} | set(merged.values()) | set(existing)
    for entry in entries:
        entry["broader"] = [b for b in entry["broader"] if b in labelled]
        entry["related"] = [r for r in entry["related"] if r in labelled]
    report.concepts = len(entries) + len(merged)
    report.families = len(family_rows)

    _write(descriptors_file, _descriptors_yaml(entries), thesaurus)
    report.files.append(descriptors_file)
    if family_rows:
        _write(families_file, _families_yaml(family_rows), thesaurus)
        report.files.append(families_file)
    report.problems = sorted(set(found.items))
    return report


class _Locator:
    """The line of a thesaurus where a URI (or an id) is first written, for problems."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._text: str | None = None

    def __call__(self, *candidates: str) -> tuple[Path, int]:
        if self._text is None:
            self._text = self.path.read_text(encoding="utf-8", errors="replace")
        for candidate in candidates:
            position = self._text.find(candidate) if candidate else -1
            if position >= 0:
                return self.path, self._text.count("\n", 0, position) + 1
        return self.path, 1


def _checked(
    concepts: dict[str, Concept],
    collections: list[dict],
    languages: list[str],
    where: _Locator,
    problems: Problems,
) -> tuple[dict[str, Concept], list[dict]]:
    """Concepts and collections whose ids and URIs the atlas readers accept; the others are
    reported and left out. Values are checked by the readers' own rules."""
    kept: dict[str, Concept] = {}
    for uri, concept in concepts.items():
        place = where(uri, concept.id)
        if concept.id and (problem := id_problem(concept.id)):
            problems.add(*place, f"the concept {uri}: {problem}; it is not imported")
        elif _refused("uri", uri, place, problems, languages, f"the concept {uri}", "uri"):
            continue
        else:
            kept[uri] = concept
    kept_collections = []
    for collection in collections:
        uri = collection["uri"]
        place = where(uri, collection["id"])
        if collection["id"] and (problem := id_problem(collection["id"])):
            problems.add(*place, f"the collection {uri}: {problem}; it is not imported")
            continue
        what = f"the collection {uri}"
        if collection["colour"] and _refused(
            "colour", collection["colour"], place, problems, languages, what, "colour"
        ):
            collection["colour"] = ""
        if collection["axis"] and (
            _refused(
                "choice", collection["axis"], place, problems, languages, what, "axis", FAMILY_AXES
            )
        ):
            collection["axis"] = ""
        if collection["axis"] and not collection["code"].strip():
            problems.add(*place, f"{what}: 'axis' without a 'code': the axis is left out")
            collection["axis"] = ""
        kept_collections.append(collection)
    # A collection inside itself, or collections inside each other, cannot be nested
    # families: each loop is reported and its last membership left out.
    uris = {c["uri"] for c in kept_collections}
    inside = {c["uri"]: [m for m in c["members"] if m in uris] for c in kept_collections}
    while cycles := find_cycles(inside):
        for cycle in cycles:
            if cycle[-1] in inside[cycle[-2]]:
                inside[cycle[-2]].remove(cycle[-1])
                problems.add(
                    *where(cycle[-2]),
                    "collections cannot contain themselves (skos:member): "
                    + " → ".join(cycle)
                    + f"; {cycle[-1]} is not imported as a member of {cycle[-2]}",
                )
    for collection in kept_collections:
        collection["members"] = [
            m for m in collection["members"] if m not in uris or m in inside[collection["uri"]]
        ]
    return kept, kept_collections


def _refused(
    method: str,
    value: str,
    place: tuple[Path, int],
    problems: Problems,
    languages: list[str],
    what: str,
    key: str,
    *args: object,
) -> bool:
    """Whether the atlas reader refuses `value` as the field `key` (then reported)."""
    found = Problems()
    if as_read(method, key, value, place, found, what, languages, *args):
        return False
    for problem in found.items:
        problems.add(*place, f"{what}: {problem.message}; it is left out")
    return True


def _families(concepts, collections, tops, ids, languages, name, existing, where, problems):
    rows = []
    member_family: dict[str, str] = {}
    taken = set(existing)
    if collections:
        collection_ids = {}
        for collection in collections:
            family_id = _unique(
                collection["id"]
                or f"{name}-{slugify(_last_segment(collection['uri']))}"[:60].strip("-"),
                taken,
            )
            collection_ids[collection["uri"]] = family_id
        parents = {}
        for collection in collections:
            for member in collection["members"]:
                if member in collection_ids:
                    parents.setdefault(member, collection["uri"])
        for index, collection in enumerate(collections):
            labels = collection["labels"] or {languages[0]: _last_segment(collection["uri"])}
            if languages[0] not in labels:
                labels[languages[0]] = next(iter(labels.values()))
            rows.append(
                {
                    "id": collection_ids[collection["uri"]],
                    "label": labels,
                    "colour": collection["colour"] or PALETTE[index % len(PALETTE)],
                    "parent": collection_ids.get(parents.get(collection["uri"], ""), ""),
                    "axis": collection["axis"],
                    "code": collection["code"],
                    "crossing": [
                        collection_ids[c] for c in collection["crossing"] if c in collection_ids
                    ],
                }
            )
            for member in collection["members"]:
                if member in concepts:
                    member_family.setdefault(member, collection_ids[collection["uri"]])
        _check_axes(rows, collections, where, problems)
        # Deep nesting would not read as a legend: keep two levels.
        by_id = {row["id"]: row for row in rows}
        for row in rows:
            depth, parent = 0, row["parent"]
            while parent and depth <= len(rows):  # bounded, whatever the links
                depth, parent = depth + 1, by_id[parent]["parent"]
            if depth > 2:
                row["parent"] = ""
    # Concepts in no collection: the family of their top concept.
    top_family: dict[str, str] = {}
    for uri in concepts:
        if uri in member_family:
            continue
        top = _top_of(uri, concepts, tops)
        if top not in top_family:
            if collections and top in member_family:
                top_family[top] = member_family[top]
            else:
                concept = concepts.get(top)
                labels = (
                    dict(concept.labels) if concept and concept.labels else {languages[0]: name}
                )
                if languages[0] not in labels:
                    labels[languages[0]] = next(iter(labels.values()))
                family_id = _unique(f"{name}-{ids.get(top, 'general')}"[:60].strip("-"), taken)
                rows.append(
                    {
                        "id": family_id,
                        "label": labels,
                        "colour": PALETTE[len(rows) % len(PALETTE)],
                        "parent": "",
                    }
                )
                top_family[top] = family_id
        member_family[uri] = top_family[top]
    return rows, member_family


def _check_axes(rows: list[dict], collections: list[dict], where, problems: Problems) -> None:
    """Axes and crossings as the atlas validator wants them; the others reported, left out."""
    codes: dict[tuple[str, str], str] = {}
    for row, collection in zip(rows, collections, strict=True):
        if row["axis"]:
            if (row["axis"], row["code"]) in codes:
                problems.add(
                    *where(collection["uri"]),
                    f"the collection {collection['uri']}: the {row['axis']} code "
                    f"'{row['code']}' is already the code of '{codes[row['axis'], row['code']]}'; "
                    "its axis is left out",
                )
                row["axis"] = ""
            else:
                codes[row["axis"], row["code"]] = row["id"]
    axes = {row["id"]: row["axis"] for row in rows}
    for row, collection in zip(rows, collections, strict=True):
        crossing = row["crossing"]
        if crossing and (
            row["axis"] or sorted(axes.get(c, "") for c in crossing) != ["angle", "component"]
        ):
            problems.add(
                *where(collection["uri"]),
                f"the collection {collection['uri']}: a crossing names two collections, one "
                "with the axis component and one with the axis angle; it is left out",
            )
            row["crossing"] = []


def _top_of(uri: str, concepts: dict[str, Concept], tops: list[str]) -> str:
    seen = set()
    current = uri
    while current not in seen:
        seen.add(current)
        parents = (
            [b for b in concepts[current].broader if b in concepts] if current in concepts else []
        )
        if not parents or current in tops:
            return current
        current = parents[0]
    return current


def _descriptors_yaml(entries: list[dict]) -> str:
    items = []
    for e in entries:
        item = {"id": e["id"], "uri": e["uri"], "family": e["family"], "label": e["label"]}
        for key in ("synonyms", "note", "broader", "related"):
            if e[key]:
                item[key] = e[key]
        items.append(item)
    return dump(items) if items else ""


def _families_yaml(rows: list[dict]) -> str:
    items = []
    for row in rows:
        item = {"id": row["id"], "label": row["label"], "colour": row["colour"]}
        if row["parent"]:
            item["parent"] = row["parent"]
        if row.get("axis"):
            item["axis"], item["code"] = row["axis"], row["code"]
        if row.get("crossing"):
            item["crossing"] = row["crossing"]
        items.append(item)
    return dump(items)


def _write(path: Path, body: str, source: Path) -> None:
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    # The file's name goes into a comment: one line, whatever it holds.
    shown = " ".join(_FORBIDDEN.sub("", source.name).split())
    header = (
        f"# Imported by `treillis import skos {shown}`. Edit freely: a new import\n"
        f"# will then need --force to replace your changes.\n{FINGERPRINT}{digest}\n"
    )
    write_file(path, header + body)


def _untouched(path: Path) -> bool:
    """Whether a file is exactly as the last import wrote it."""
    lines = path.read_text(encoding="utf-8").split("\n", 3)
    if len(lines) < 4 or not lines[2].startswith(FINGERPRINT):
        return False
    return hashlib.sha256(lines[3].encode("utf-8")).hexdigest() == lines[2][len(FINGERPRINT) :]
