"""Cross-checks of a whole site: every reference resolves, no cycle, files exist.

The readers already checked each file on its own (syntax, fields, ids);
this module checks what needs the whole site.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from treillis.atlas import find_cycles
from treillis.errors import Problem, Problems, did_you_mean
from treillis.i18n import Translations
from treillis.markdown import find_wikilinks, refused_links, shown_link
from treillis.model import Document, Dossier, Ref, Site
from treillis.urls import ATLAS_PAGES


def validate(
    site: Site,
    problems: Problems,
    texts_checked: Collection[str] = (),
    previous: Site | None = None,
) -> None:
    """Record every cross-reference problem of `site` in `problems`. `texts_checked`:
    the files (paths) whose texts a previous build found no refused link in, with the same
    settings (see `treillis.readers.reuse`): their [[links]] are checked, as they depend
    on other files, but their other links are not looked for again.

    `previous`: the site of that build (which had no problem). When it names the same
    items as `site` (the documents in the same languages), a document it had (the same
    object) and among `texts_checked` has no problem now either: not checked again."""
    _check_families(site, problems)
    _check_family_axes(site, problems)
    _check_descriptors(site, problems)
    for dossier in site.dossiers.values():
        _check_dossier(site, dossier, problems, _checked(dossier, texts_checked))
    before = previous.documents if previous is not None and _same_names(previous, site) else {}
    for key, document in site.documents.items():
        if before.get(key) is document and document.origin.path in texts_checked:
            continue
        _check_document(site, document, problems, _checked(document, texts_checked))
    _check_partners(site, problems)


def _same_names(old: Site, new: Site) -> bool:
    """Whether what a document may refer to is the same in both sites: the descriptors,
    the partners, the dossiers, the documents and their languages."""
    return (
        old.descriptors.keys() == new.descriptors.keys()
        and old.partners.keys() == new.partners.keys()
        and old.dossiers.keys() == new.dossiers.keys()
        and old.documents.keys() == new.documents.keys()
        and all(d.lang == old.documents[k].lang for k, d in new.documents.items())
    )


def _checked(item: Document | Dossier, texts_checked: Collection[str]) -> bool:
    return bool(texts_checked) and item.origin.path in texts_checked


def warnings(site: Site, interface: Translations | None = None) -> list[Problem]:
    """What is allowed but probably unwanted: YAML read otherwise than it looks (found by
    the readers), Markdown files that are not read, documents that no descriptor indexes,
    and (given the themes' `interface`) words of the interface missing in a language."""
    found = [*site.warnings, *_stray_markdown(site.root)]
    if interface is not None:
        found += interface.missing()
    found += [
        Problem(
            Problems.display(d.origin.path),
            d.origin.line_of("descriptors"),
            "this document has no descriptors: readers of the atlas will not find it "
            "(treillis suggest FILE proposes some)",
        )
        for d in site.documents.values()
        if not d.descriptors and d.origin is not None
    ]
    return found


def _stray_markdown(root: Path) -> list[Problem]:
    """Markdown files directly in dossiers/: nothing reads them."""
    folder = root / "dossiers"
    if not folder.is_dir():
        return []
    return [
        Problem(
            Problems.display(path),
            1,
            f"this file is not read: a document goes in its dossier's folder "
            f"(dossiers/<dossier>/{path.name}), a dossier's own text in "
            "dossiers/<dossier>/index.md",
        )
        for path in sorted(folder.glob("*.md"))
        if not path.name.startswith(".") and path.is_file()
    ]


def resolve_document(target: str, dossier: str) -> str:
    """The key of a document written `doc` (same dossier) or `dossier/doc`."""
    return target if "/" in target else f"{dossier}/{target}"


def _unknown(kind: str, ref: Ref, known) -> str:
    return f"unknown {kind} '{ref.target}'{did_you_mean(ref.target, known)}"


def _may_exist(problems: Problems, kind: str, target: str) -> bool:
    """Whether `target` may be defined in a file of its kind that could not be read."""
    return kind in problems.unreadable or target in problems.unread_ids.get(kind, ())


def _report_unknown(
    problems: Problems, kind: str, target: str, path: Path, line: int, message: str
) -> None:
    """Report an unknown reference, unless it may point into a file that could not be
    read (that file's problem is reported; a cascade of unknown references would hide it)."""
    if not _may_exist(problems, kind, target):
        problems.add(path, line, message)


# Families are a legend for readers: deeper nesting would not read as one.
MAX_FAMILY_DEPTH = 6


def _check_families(site: Site, problems: Problems) -> None:
    parents = {}
    for family in site.families.values():
        if family.parent is None or family.origin is None:
            continue
        if family.parent.target not in site.families:
            _report_unknown(
                problems,
                "family",
                family.parent.target,
                family.origin.path,
                family.parent.line,
                _unknown("parent family", family.parent, site.families),
            )
        else:
            parents[family.id] = [family.parent.target]
    cycles = find_cycles({f: parents.get(f, []) for f in site.families})
    for cycle in cycles:
        origin = site.families[cycle[0]].origin
        problems.add(
            origin.path,
            origin.line_of("parent"),
            "families cannot be their own parent: " + " → ".join(cycle),
        )
    if cycles:
        return
    for family_id, family in site.families.items():
        depth, current = 0, family_id
        while current in parents:
            current, depth = parents[current][0], depth + 1
        if depth > MAX_FAMILY_DEPTH:
            problems.add(
                family.origin.path,
                family.origin.line_of("parent"),
                f"the family '{family_id}' is nested {depth} levels deep: families nest "
                f"{MAX_FAMILY_DEPTH} levels at most",
            )


def _check_family_axes(site: Site, problems: Problems) -> None:
    """Axis families have a unique code; a crossing names one component and one angle."""
    codes: dict[tuple[str, str], str] = {}
    for family in site.families.values():
        path, origin = family.origin.path, family.origin
        if family.axis:
            if not family.code:
                problems.add(
                    path,
                    origin.line_of("axis"),
                    f"the {family.axis} family '{family.id}' needs a 'code' "
                    f"(a number for a component, a letter for an angle)",
                )
            elif (family.axis, family.code) in codes:
                problems.add(
                    path,
                    origin.line_of("code"),
                    f"the code '{family.code}' is already used by the {family.axis} "
                    f"family '{codes[family.axis, family.code]}'",
                )
            else:
                codes[family.axis, family.code] = family.id
            if family.crossing:
                problems.add(
                    path,
                    origin.line_of("crossing"),
                    "a family is either on an axis or at a crossing, not both",
                )
        if not family.crossing:
            continue
        axes = []
        for ref in family.crossing:
            other = site.families.get(ref.target)
            if other is None:
                _report_unknown(
                    problems,
                    "family",
                    ref.target,
                    path,
                    ref.line,
                    _unknown("family", ref, site.families),
                )
            else:
                axes.append(other.axis)
        if len(family.crossing) != 2 or (len(axes) == 2 and sorted(axes) != ["angle", "component"]):
            problems.add(
                path,
                origin.line_of("crossing"),
                "'crossing' names two families: one with 'axis: component' and one "
                "with 'axis: angle'",
            )


def complete_families(site: Site) -> None:
    """Give each crossing family without a colour the colour of its component."""
    for family in site.families.values():
        if family.colour:
            continue
        for ref in family.crossing:
            other = site.families.get(ref.target)
            if other is not None and other.axis == "component" and other.colour:
                family.colour = other.colour


def _check_descriptors(site: Site, problems: Problems) -> None:
    descriptors = site.descriptors
    for descriptor in descriptors.values():
        path = descriptor.origin.path
        if descriptor.id in ATLAS_PAGES:
            problems.add(
                path,
                descriptor.origin.line_of("id"),
                f"the id '{descriptor.id}' is reserved for a page of the atlas: "
                f"choose another one (for instance '{descriptor.id}-1')",
            )
        if descriptor.family.target and descriptor.family.target not in site.families:
            _report_unknown(
                problems,
                "family",
                descriptor.family.target,
                path,
                descriptor.family.line,
                _unknown("family", descriptor.family, site.families),
            )
        for field_name, refs in (("broader", descriptor.broader), ("related", descriptor.related)):
            for ref in refs:
                if ref.target == descriptor.id:
                    problems.add(
                        path, ref.line, f"'{descriptor.id}' cannot be {field_name} to itself"
                    )
                elif ref.target not in descriptors:
                    _report_unknown(
                        problems,
                        "descriptor",
                        ref.target,
                        path,
                        ref.line,
                        _unknown("descriptor", ref, descriptors),
                    )
        for note in descriptor.note.values.values():
            _check_wikilinks(
                site, note, descriptor.origin.line_of("note"), path, problems, exact_line=False
            )
    broader = {
        d.id: [b for b in d.broader_ids if b in descriptors and b != d.id]
        for d in descriptors.values()
    }
    for cycle in find_cycles(broader):
        # Reported on the line that closes the cycle: the last link written.
        last, first = cycle[-2], cycle[-1]
        line = next(r.line for r in descriptors[last].broader if r.target == first)
        problems.add(
            descriptors[last].origin.path,
            line,
            "cycle in broader descriptors: " + " → ".join(cycle),
        )


def _check_dossier(site: Site, dossier: Dossier, problems: Problems, checked: bool) -> None:
    path = dossier.origin.path
    _check_refs(dossier.partners, site.partners, "partner", path, problems)
    _check_refs(dossier.descriptors, site.descriptors, "descriptor", path, problems)
    for principle in dossier.principles:
        for ref in principle.documents:
            _check_document_ref(site, ref, dossier.slug, path, problems)
        _check_wikilinks(site, principle.text, principle.text_line, path, problems, False, checked)
    _check_wikilinks(
        site, dossier.introduction, dossier.introduction_line, path, problems, True, checked
    )
    _check_wikilinks(site, dossier.synthesis, dossier.synthesis_line, path, problems, True, checked)


def _check_document(site: Site, document: Document, problems: Problems, checked: bool) -> None:
    path = document.origin.path
    if document.partner is not None:
        _check_refs([document.partner], site.partners, "partner", path, problems)
    _check_refs(document.descriptors, site.descriptors, "descriptor", path, problems)
    for ref in document.translations:
        key = _check_document_ref(site, ref, document.dossier, path, problems)
        if key == document.key:
            problems.add(path, ref.line, "a document cannot be its own translation")
        elif key and site.documents[key].lang == document.lang:
            problems.add(
                path,
                ref.line,
                f"'{ref.target}' is in the same language ({document.lang}): "
                "a translation must be in another language",
            )
    _check_wikilinks(site, document.body, document.body_line, path, problems, True, checked)


IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")


def _check_partners(site: Site, problems: Problems) -> None:
    root = site.root.resolve()
    for partner in site.config.partners:
        if not partner.logo:
            continue
        line = partner.origin.line_of("logo")
        logo = (root / partner.logo).resolve()
        if Path(partner.logo).is_absolute() or not logo.is_relative_to(root):
            problems.add(
                partner.origin.path,
                line,
                f"the logo '{partner.logo}' must be a file inside the content folder, "
                "written from it (for instance static/logos/name.svg)",
            )
        elif not logo.is_file():
            problems.add(
                partner.origin.path,
                line,
                f"the logo '{partner.logo}' is not a file of the content folder",
            )
        elif logo.suffix.lower() not in IMAGE_SUFFIXES:
            problems.add(
                partner.origin.path,
                line,
                f"the logo '{partner.logo}' is not an image ({', '.join(IMAGE_SUFFIXES)})",
            )


def _check_refs(refs: list[Ref], known, kind: str, path: Path, problems: Problems) -> None:
    for ref in refs:
        if ref.target not in known:
            _report_unknown(problems, kind, ref.target, path, ref.line, _unknown(kind, ref, known))


def _check_document_ref(
    site: Site, ref: Ref, dossier: str, path: Path, problems: Problems
) -> str | None:
    key = resolve_document(ref.target, dossier)
    if key in site.documents:
        return key
    same_dossier = [k.split("/", 1)[1] for k in site.documents if k.startswith(dossier + "/")]
    hint = did_you_mean(ref.target, same_dossier) or did_you_mean(ref.target, site.documents)
    message = f"unknown document '{ref.target}'{hint}"
    _report_unknown(problems, "document", key, path, ref.line, message)
    return None


def _check_wikilinks(
    site: Site,
    text: str,
    first_line: int,
    path: Path,
    problems: Problems,
    exact_line: bool = True,
    refusals_checked: bool = False,
) -> None:
    """Check every link: `[[...]]` must exist, and every other target must be allowed
    (`is_allowed_link`): one problem per refused link, on its own line (not looked for
    when `refusals_checked`: a previous build found none in the same text).

    Texts inside YAML fields report the field's line.
    """
    refused = [] if refusals_checked else refused_links(text, first_line, site.config.allow_html)
    for url, line in refused:
        problems.add(
            path,
            line if exact_line else first_line,
            f"the link to '{shown_link(url)}' is refused: links go to web addresses "
            "(https://…), mail addresses (mailto:…) or [[...]] pages of the site",
        )
    for target, line in find_wikilinks(text, first_line):
        if not exact_line:
            line = first_line
        if "/" in target:
            if target not in site.documents:
                _report_unknown(
                    problems,
                    "document",
                    target,
                    path,
                    line,
                    f"unknown document '{target}' in [[...]]{did_you_mean(target, site.documents)}",
                )
        elif target not in site.descriptors and target not in site.dossiers:
            short = [key for key in site.documents if key.split("/", 1)[1] == target]
            if short:
                hint = f" (a document is written dossier/document: did you mean '{short[0]}'?)"
            else:
                hint = did_you_mean(target, [*site.descriptors, *site.dossiers])
            if not _may_exist(problems, "descriptor", target):
                message = f"unknown descriptor or dossier '{target}' in [[...]]{hint}"
                _report_unknown(problems, "dossier", target, path, line, message)
