"""`treillis align BASE`: a base's own keywords matched with the atlas's descriptors.

For each keyword of a harvested base (`content/network/<base>.xml`: ScrutariData
`motcle`s, Atom or RSS categories), `propose` finds the descriptors whose labels or
synonyms match it once both go through the search pipeline of a site language
(elisions, accents and plurals folded, stop words left out: "Budgets participatifs"
is "Budget participatif"). A match is one of `KINDS`:

- `exact`: the keyword has the same terms as a descriptor's label;
- `close`: the same terms as a synonym, or all its terms are in a label (the
  descriptor is a little narrower);
- `broader`: a label's terms are all in the keyword's (the descriptor is broader).

`write_alignment` writes them to `content/network/<base>.align.yaml`, one entry per
keyword (`id`, `labels`, `proposals`, and `decision`, left empty for the editor).
Re-running keeps every decision, refreshes the proposals, adds new keywords and
marks those the base no longer has with `vanished: true`.

What the build uses (and only that): the editor's **decisions**, never the
proposals, even `exact` ones. A decision is `none`, or a descriptor and a kind,
`{descriptor: budget-participatif, kind: exact}`, or a list of these.

- `alignments(content, site)` → `{base id: {keyword id: [(descriptor id, kind), …]}}`
  for every base of `site.yaml` that has an alignment file; a keyword decided `none`
  maps to `[]`, an undecided one is absent. Raises `BuildError` with every problem
  (`path:line: unknown descriptor 'x' — did you mean 'y'?`).
- `record_descriptors(base, alignment)` → `{record id: [descriptor id, …]}`: each
  record of the base with the descriptors its keywords are aligned with (in order,
  once each); records with none are absent.
- `skos_matches(content, site)` → `(descriptor id, kind, keyword URI)` for the SKOS
  export: a keyword's URI is the base's address + `#` + the keyword's id (ScrutariData
  keywords have no URI of their own: `https://x.org/scrutari.xml#themes/12`), or
  `urn:treillis:network:<base>#<id>` for a base read from a path.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from treillis.errors import BuildError, Problem, Problems, did_you_mean
from treillis.model import NetworkBase, Site
from treillis.network.harvest import FOLDER, HarvestError, parse
from treillis.network.records import Base
from treillis.search.pipelines import clean_word, pipeline_of, run_search_pipeline, tokens
from treillis.sources import LineDict, LineList, SourceError, parse_yaml, read_text
from treillis.yamlwrite import dump, write_file

KINDS = ("exact", "close", "broader")
NONE = "none"
SUFFIX = ".align.yaml"
_HEADER = (
    "# Written by `treillis align`: proposals are refreshed at each run; only the\n"
    "# decisions apply. A decision is `none`, `{descriptor: <id>, kind: exact|close|broader}`\n"
    "# or a list of these. See docs/network.md.\n"
)

Alignment = dict[str, list[tuple[str, str]]]  # keyword id → [(descriptor id, kind)]


def alignment_path(content: Path, base_id: str) -> Path:
    return content / FOLDER / f"{base_id}{SUFFIX}"


def configured_base(site: Site, base_id: str) -> NetworkBase:
    """The base `base_id` of site.yaml; a `BuildError` naming the configured ones if none."""
    bases = {base.id: base for base in site.config.network}
    if base_id in bases:
        return bases[base_id]
    origin = site.config.origin
    where = str(origin.path) if origin else str(site.root / "site.yaml")
    line = origin.line_of("network") if origin else 1
    known = ", ".join(sorted(bases)) or "none ('network: bases:' is empty)"
    raise BuildError(
        [
            Problem(
                where,
                line,
                f"unknown base '{base_id}'{did_you_mean(base_id, bases)}; "
                f"the bases of site.yaml are: {known}",
            )
        ]
    )


def read_harvested(content: Path, base: NetworkBase) -> Base:
    """The harvested copy of a base, read as the harvest read it."""
    copy = content / FOLDER / f"{base.id}.xml"
    if not copy.is_file():
        raise BuildError(
            [Problem(str(copy), 1, f"base '{base.id}' is not harvested yet: run treillis harvest")]
        )
    fmt = base.format
    try:
        meta = json.loads((content / FOLDER / f"{base.id}.meta.json").read_text("utf-8"))
        fmt = str(meta.get("format", "")) or fmt
    except (OSError, ValueError, AttributeError):
        pass  # no record of the harvest: the format is detected
    try:
        found, _ = parse(copy.read_bytes(), base.id, fmt)
    except HarvestError as error:
        raise BuildError([Problem(str(copy), 1, str(error))]) from None
    except OSError as error:
        raise BuildError([Problem(str(copy), 1, f"cannot read: {error.strerror}")]) from None
    return found


@dataclass
class _Phrase:
    descriptor: str
    terms: frozenset[str]
    label: bool  # a label (else a synonym)


@dataclass
class Matcher:
    """The atlas's labels and synonyms, analysed in each site language."""

    site: Site
    phrases: dict[str, list[_Phrase]] = field(default_factory=dict)  # language → phrases

    def __post_init__(self) -> None:
        for lang in self.site.config.languages:
            found = self.phrases.setdefault(lang, [])
            for descriptor in self.site.descriptors.values():
                label = descriptor.label.values.get(lang, "")
                texts = [(label, True)] + [(s, False) for s in descriptor.synonyms.get(lang, [])]
                for text, is_label in texts:
                    if terms := self.terms(text, lang):
                        found.append(_Phrase(descriptor.id, terms, is_label))

    @staticmethod
    def terms(text: str, lang: str) -> frozenset[str]:
        """A text's terms as the search sees them: stop words out, the rest stemmed."""
        language = pipeline_of(lang)
        result: set[str] = set()
        for word in tokens(text):
            if clean_word(language, word) in language.stop_words:
                continue
            result.update(stem for stem in run_search_pipeline(language, word) if stem)
        return frozenset(result)

    def propose(self, labels: dict[str, str]) -> list[tuple[str, str]]:
        """(descriptor id, kind) for a keyword's labels, the closest kind per descriptor,
        exact first. A label in a site language is compared in that language only."""
        best: dict[str, int] = {}
        languages = self.site.config.languages
        for label_lang, label in labels.items():
            for lang in [label_lang] if label_lang in languages else languages:
                terms = self.terms(label, lang)
                if not terms:
                    continue
                for phrase in self.phrases.get(lang, []):
                    kind = _kind(terms, phrase)
                    if kind is not None:
                        rank = KINDS.index(kind)
                        best[phrase.descriptor] = min(rank, best.get(phrase.descriptor, rank))
        ordered = sorted(best.items(), key=lambda item: (item[1], item[0]))
        return [(descriptor, KINDS[rank]) for descriptor, rank in ordered]


def _kind(terms: frozenset[str], phrase: _Phrase) -> str | None:
    if terms == phrase.terms:
        return "exact" if phrase.label else "close"
    if phrase.label and terms < phrase.terms:
        return "close"
    if phrase.label and phrase.terms < terms:
        return "broader"
    return None


@dataclass
class Summary:
    keywords: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*KINDS, NONE), 0))
    decided: int = 0
    vanished: int = 0
    problems: list[Problem] = field(default_factory=list)  # decisions the build will refuse

    def line(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in self.counts.items())
        vanished = f", vanished {self.vanished}" if self.vanished else ""
        return f"keywords {self.keywords}: {kinds}; decided {self.decided}{vanished}"


def _plain(value: Any) -> Any:
    """What the YAML reader gave (LineDict, LineList) as plain dicts and lists."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _previous(path: Path, base_id: str) -> list[LineDict]:
    """The entries of an existing alignment file; a `BuildError` when it is not one (it is
    then left as it is: Treillis never overwrites a file it did not write)."""
    if not path.exists():
        return []
    try:
        data = parse_yaml(read_text(path))
    except SourceError as error:
        raise BuildError([Problem(str(path), error.line, error.message)]) from None
    except OSError as error:
        raise BuildError([Problem(str(path), 1, f"cannot read: {error.strerror}")]) from None
    entries = data.get("keywords") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("base") != base_id or not isinstance(entries, list):
        raise BuildError(
            [
                Problem(
                    str(path),
                    1,
                    f"not an alignment of base '{base_id}' ('base: {base_id}' and 'keywords:' "
                    "expected): left as it is; move it away to align again",
                )
            ]
        )
    return [entry for entry in entries if isinstance(entry, dict) and "id" in entry]


def write_alignment(content: Path, site: Site, base_id: str) -> Summary:
    """Propose descriptors for every keyword of the base and write its alignment file,
    keeping the editor's decisions. Raises `BuildError` (nothing written) on a problem."""
    base = read_harvested(content, configured_base(site, base_id))
    path = alignment_path(content, base_id)
    if path.parent.is_symlink():
        raise BuildError([Problem(str(path.parent), 1, "must be a folder, not a link")])
    previous = {str(entry["id"]): entry for entry in _previous(path, base_id)}
    matcher = Matcher(site)
    summary = Summary()
    entries: list[dict[str, Any]] = []
    for keyword in sorted(base.keywords.values(), key=lambda k: k.id):
        proposals = matcher.propose(keyword.labels)
        decision = _plain(previous.pop(keyword.id, {}).get("decision")) or None
        entries.append(
            {
                "id": keyword.id,
                "labels": dict(keyword.labels),
                "proposals": [{"descriptor": d, "kind": kind} for d, kind in proposals],
                "decision": decision,
            }
        )
        summary.keywords += 1
        summary.counts[proposals[0][1] if proposals else NONE] += 1
        summary.decided += decision is not None
    for entry in previous.values():  # no longer in the base: kept, marked
        kept = _plain(entry)
        kept["decision"] = kept.get("decision") or None
        kept["vanished"] = True
        entries.append(kept)
        summary.vanished += 1
        summary.decided += kept.get("decision") is not None
    write_file(path, _HEADER + dump({"base": base_id, "keywords": entries}))
    problems = Problems()
    written = parse_yaml(read_text(path))
    _decisions(path, written["keywords"], site, problems)
    summary.problems = problems.items
    return summary


def alignments(content: Path, site: Site) -> dict[str, Alignment]:
    """The editor's decisions of every configured base that has an alignment file, checked
    against the atlas (see the module docstring). Raises `BuildError` with every problem."""
    problems = Problems()
    result: dict[str, Alignment] = {}
    for base in site.config.network:
        path = alignment_path(content, base.id)
        if not path.is_file():
            continue
        try:
            data = parse_yaml(read_text(path))
        except SourceError as error:
            problems.add(path, error.line, error.message)
            continue
        except OSError as error:
            problems.add(path, 1, f"cannot read: {error.strerror}")
            continue
        entries = data.get("keywords") if isinstance(data, LineDict) else None
        if not isinstance(entries, LineList):
            problems.add(path, 1, "an alignment file needs 'keywords:', a list of '- id:' items")
            continue
        result[base.id] = _decisions(path, entries, site, problems)
    problems.raise_if_any()
    return result


def _decisions(path: Path, entries: LineList, site: Site, problems: Problems) -> Alignment:
    decided: Alignment = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, LineDict) or not isinstance(entry.get("id"), str | int):
            problems.add(path, entries.line_of(index), "each keyword needs an 'id:'")
            continue
        value = entry.get("decision")
        if value is None or value == "":  # not decided yet (the content reader reads "")
            continue
        line = entry.line_of("decision")
        if value == NONE:
            decided[str(entry["id"])] = []
            continue
        items = value if isinstance(value, list) else [value]
        matches: list[tuple[str, str]] = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("descriptor"), str):
                problems.add(
                    path,
                    line,
                    "a decision is 'none', or '{descriptor: <id>, kind: exact|close|broader}', "
                    "or a list of these",
                )
                continue
            descriptor, kind = item["descriptor"], item.get("kind", "exact")
            if descriptor not in site.descriptors:
                close = difflib.get_close_matches(descriptor, list(site.descriptors), n=1)
                suggestion = f" — did you mean '{close[0]}'?" if close else ""
                problems.add(
                    path,
                    _line(item, "descriptor", line),
                    f"unknown descriptor '{descriptor}'{suggestion}",
                )
                continue
            if kind not in KINDS:
                problems.add(
                    path,
                    _line(item, "kind", line),
                    f"unknown kind '{kind}'{did_you_mean(str(kind), KINDS)}: "
                    f"one of {', '.join(KINDS)}",
                )
                continue
            if (descriptor, kind) not in matches:
                matches.append((descriptor, kind))
        decided[str(entry["id"])] = matches
    return decided


def _line(item: dict, key: str, default: int) -> int:
    return item.line_of(key) if isinstance(item, LineDict) else default


def record_descriptors(base: Base, alignment: Alignment) -> dict[str, list[str]]:
    """Each record of `base` with the descriptors its keywords are aligned with."""
    result: dict[str, list[str]] = {}
    for record in base.records:
        found = [d for keyword in record.keywords for d, _ in alignment.get(keyword, [])]
        if found:
            result[record.id] = list(dict.fromkeys(found))
    return result


def keyword_uri(base: NetworkBase, keyword_id: str) -> str:
    """A base's keyword as a URI (see the module docstring)."""
    fragment = quote(keyword_id, safe="/-_.~")
    if urlsplit(base.url).scheme.lower() in ("http", "https"):
        return f"{base.url.split('#')[0]}#{fragment}"
    return f"urn:treillis:network:{quote(base.id, safe='-_.~')}#{fragment}"


def skos_matches(content: Path, site: Site) -> Iterable[tuple[str, str, str]]:
    """(descriptor id, kind, keyword URI) of every decided alignment, for the SKOS export."""
    bases = {base.id: base for base in site.config.network}
    for base_id, alignment in alignments(content, site).items():
        for keyword_id, matches in alignment.items():
            for descriptor, kind in matches:
                yield descriptor, kind, keyword_uri(bases[base_id], keyword_id)
