"""Every kind of bad input gets a clear `path:line: message`, all at once, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from treillis.build import load
from treillis.errors import BuildError


def problems(content: Path) -> list[str]:
    """The problems reported for a content folder, as `file:line: message` from the folder."""
    with pytest.raises(BuildError) as error:
        load(content)
    root = str(content.resolve()) + "/"
    return [str(p).replace(root, "") for p in error.value.problems]


def edit(content: Path, name: str, old: str, new: str) -> None:
    path = content / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


DESCRIPTORS = "atlas/descriptors/main.yaml"
DOSSIER = "dossiers/essai/index.md"
DOCUMENT = "dossiers/essai/cas-un.md"

CASES = [
    # (file, old text, new text, expected "file:line: message")
    pytest.param(
        DESCRIPTORS,
        "family: methodes\n  label: {fr: Budget",
        "family: methode\n  label: {fr: Budget",
        f"{DESCRIPTORS}:15: unknown family 'methode' (did you mean 'methodes'?)",
        id="unknown-family",
    ),
    pytest.param(
        DESCRIPTORS,
        "broader: participation",
        "broader: participations",
        f"{DESCRIPTORS}:17: unknown descriptor 'participations' (did you mean 'participation'?)",
        id="unknown-broader",
    ),
    pytest.param(
        DESCRIPTORS,
        "related: [budget]",
        "related: [bugdet]",
        f"{DESCRIPTORS}:13: unknown descriptor 'bugdet' (did you mean 'budget'?)",
        id="unknown-related",
    ),
    pytest.param(
        DESCRIPTORS,
        "- id: budget",
        "- id: territoire",
        f"{DESCRIPTORS}:14: duplicate descriptor id 'territoire' (first defined at ",
        id="duplicate-descriptor",
    ),
    pytest.param(
        "atlas/families.yaml",
        "- id: methodes",
        "- id: acteurs",
        "atlas/families.yaml:4: duplicate family id 'acteurs' (first defined at ",
        id="duplicate-family",
    ),
    pytest.param(
        DESCRIPTORS,
        "label: {fr: Gouvernance, en: Governance}",
        "label: {fr: Gouvernance, en: Governance}\n  broader: budget",
        f"{DESCRIPTORS}:4: cycle in broader descriptors: budget → participation → gouvernance → budget",
        id="broader-cycle",
    ),
    pytest.param(
        DESCRIPTORS,
        "- id: gouvernance",
        "- id: Gouvernance Locale",
        f"{DESCRIPTORS}:1: 'Gouvernance Locale' is not a valid identifier: use lower-case "
        "letters a-z, digits and hyphens only (for instance 'gouvernance-locale')",
        id="invalid-id",
    ),
    pytest.param(
        DESCRIPTORS,
        "- id: gouvernance",
        "- id: ../../etc",
        f"{DESCRIPTORS}:1: '../../etc' is not a valid identifier",
        id="id-escaping-output",
    ),
    pytest.param(
        DESCRIPTORS,
        "  broader: [gouvernance, territoire]",
        "  broder: [gouvernance, territoire]",
        f"{DESCRIPTORS}:12: unknown field 'broder' in a descriptor (did you mean 'broader'?)",
        id="unknown-field",
    ),
    pytest.param(
        DESCRIPTORS,
        "  label: {fr: Territoire, en: Territory}\n",
        "",
        f"{DESCRIPTORS}:4: a descriptor: the field 'label' is required",
        id="missing-label",
    ),
    pytest.param(
        DESCRIPTORS,
        "label: {fr: Territoire, en: Territory}",
        "label: {fr: Territoire, de: Gebiet}",
        f"{DESCRIPTORS}:6: unknown language 'de' in 'label'",
        id="unknown-language",
    ),
    pytest.param(
        DESCRIPTORS,
        "related: [budget]",
        "related: [budget",
        f"{DESCRIPTORS}:14: YAML syntax:",
        id="yaml-syntax",
    ),
    pytest.param(
        DOCUMENT,
        "type: experience",
        "type: experiance",
        f"{DOCUMENT}:3: unknown type 'experiance': choose one of experience, analysis, "
        "proposal, resource, territory, concept (did you mean 'experience'?)",
        id="unknown-type",
    ),
    pytest.param(
        DOCUMENT,
        "title: Premier cas\n",
        "",
        f"{DOCUMENT}:2: a document: the field 'title' is required",
        id="missing-title",
    ),
    pytest.param(
        DOCUMENT,
        "date: 2023-05-02",
        "date: 2023-02-30",
        f"{DOCUMENT}:4: '2023-02-30' is not a valid date: write it YYYY-MM-DD",
        id="impossible-date",
    ),
    pytest.param(
        DOCUMENT,
        "date: 2023-05-02",
        "date: 12/05/2023",
        f"{DOCUMENT}:4: '12/05/2023' is not a valid date",
        id="badly-written-date",
    ),
    pytest.param(
        DOCUMENT,
        "descriptors: [participation, budget]",
        "descriptors: [participation, budjet]",
        f"{DOCUMENT}:7: unknown descriptor 'budjet' (did you mean 'budget'?)",
        id="unknown-descriptor-in-document",
    ),
    pytest.param(
        DOCUMENT,
        "partner: reseau",
        "partner: reseaux",
        f"{DOCUMENT}:6: unknown partner 'reseaux' (did you mean 'reseau'?)",
        id="unknown-partner",
    ),
    pytest.param(
        DOCUMENT,
        "translations: [case-one]",
        "translations: [case-on]",
        f"{DOCUMENT}:9: unknown document 'case-on' (did you mean 'case-one'?)",
        id="unknown-translation",
    ),
    pytest.param(
        DOCUMENT,
        "[[essai/cas-deux]]",
        "[[essai/cas-deu]]",
        f"{DOCUMENT}:11: unknown document 'essai/cas-deu' in [[...]] (did you mean 'essai/cas-deux'?)",
        id="unknown-wikilink-document",
    ),
    pytest.param(
        DOSSIER,
        "documents: [cas-un]",
        "documents: [cas-uno]",
        f"{DOSSIER}:12: unknown document 'cas-uno' (did you mean 'cas-un'?)",
        id="unknown-principle-document",
    ),
    pytest.param(
        DOSSIER,
        "[[participation]]",
        "[[particpation]]",
        f"{DOSSIER}:14: unknown descriptor or dossier 'particpation' in [[...]] (did you mean 'participation'?)",
        id="unknown-wikilink-descriptor",
    ),
    pytest.param(
        DOSSIER,
        "lang: fr",
        "lang: fr\nlang: en",
        f"{DOSSIER}:4: YAML syntax: the key 'lang' is written twice",
        id="duplicate-key",
    ),
    pytest.param(
        DOSSIER,
        "title: Un dossier d'essai\n",
        "title: [Un dossier\n",
        f"{DOSSIER}:3: YAML syntax:",
        id="front-matter-syntax",
    ),
    pytest.param(
        "site.yaml",
        "languages: [fr, en]",
        "languages: [fr, eng]",
        "site.yaml:4: unsupported language 'eng': Treillis speaks fr, en, es, pt (did you mean 'en'?)",
        id="unsupported-site-language",
    ),
    pytest.param(
        "atlas/families.yaml",
        'colour: "#993366"',
        "colour: rouge",
        "atlas/families.yaml:6: 'rouge' is not a colour: write it #rrggbb",
        id="bad-colour",
    ),
    pytest.param(
        "atlas/families.yaml",
        "parent: acteurs",
        "parent: acteur",
        "atlas/families.yaml:7: unknown parent family 'acteur' (did you mean 'acteurs'?)",
        id="unknown-parent-family",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), CASES)
def test_each_problem_is_reported_with_file_line_and_hint(
    small_site: Path, name: str, old: str, new: str, expected: str
) -> None:
    edit(small_site, name, old, new)
    found = problems(small_site)
    assert any(p.startswith(expected) for p in found), "\n".join(found)


def test_all_problems_are_reported_at_once(small_site: Path) -> None:
    edit(small_site, DOCUMENT, "type: experience", "type: experiance")
    edit(small_site, DESCRIPTORS, "broader: participation", "broader: participations")
    edit(small_site, DOSSIER, "documents: [cas-un]", "documents: [cas-uno]")
    found = problems(small_site)
    assert len(found) == 3
    assert [p.split(":")[0] for p in found] == sorted([DESCRIPTORS, DOCUMENT, DOSSIER])


def test_an_unreadable_file_does_not_cascade_into_unknown_references(small_site: Path) -> None:
    # The descriptors file is broken: documents using its descriptors are not blamed.
    edit(small_site, DESCRIPTORS, "related: [budget]", "related: [budget")
    edit(small_site, DOCUMENT, "type: experience", "type: experiance")
    found = problems(small_site)
    assert len(found) == 2, found


def test_invalid_utf8_is_reported_with_its_line(small_site: Path) -> None:
    path = small_site / DOCUMENT
    path.write_bytes(
        path.read_bytes().replace("Ana Pérez".encode(), "Ana P\xe9rez".encode("latin-1"))
    )
    assert problems(small_site) == [
        f"{DOCUMENT}:5: this file is not valid UTF-8 text (byte 0xe9); save it as UTF-8"
    ]


def test_a_file_or_folder_name_that_is_not_an_identifier(small_site: Path) -> None:
    (small_site / "dossiers/essai/Mon Document.md").write_text(
        "---\ntitle: x\n---\n", encoding="utf-8"
    )
    (small_site / "dossiers/Mon Dossier").mkdir()
    found = problems(small_site)
    assert any(
        p.startswith(
            "dossiers/essai/Mon Document.md:1: document file name: 'Mon Document' "
            "is not a valid identifier"
        )
        for p in found
    ), found
    assert any(p.startswith("dossiers/Mon Dossier:1: dossier folder name:") for p in found), found


def test_a_translation_in_the_same_language_is_refused(small_site: Path) -> None:
    edit(small_site, DOCUMENT, "translations: [case-one]", "translations: [cas-deux]")
    assert (
        f"{DOCUMENT}:9: 'cas-deux' is in the same language (fr): a translation must be in another language"
        in problems(small_site)
    )


def test_a_logo_outside_the_content_folder_is_refused(small_site: Path) -> None:
    edit(
        small_site,
        "site.yaml",
        "url: https://example.org/reseau",
        "url: https://example.org/reseau\n    logo: ../../etc/passwd",
    )
    found = problems(small_site)
    assert len(found) == 1
    assert found[0].startswith(
        "site.yaml:9: the logo '../../etc/passwd' must be a file inside the content folder"
    )


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("/etc/hostname", "must be a file inside the content folder"),
        ("site.yaml", "is not an image"),
        ("atlas", "is not a file of the content folder"),
    ],
)
def test_a_logo_must_be_an_image_file_of_the_content(
    small_site: Path, logo: str, message: str
) -> None:
    edit(
        small_site,
        "site.yaml",
        "url: https://example.org/reseau",
        f"url: https://example.org/reseau\n    logo: {logo}",
    )
    found = problems(small_site)
    assert len(found) == 1 and found[0].startswith("site.yaml:9: ") and message in found[0]


def test_the_command_reports_problems_without_a_traceback(small_site: Path) -> None:
    edit(small_site, DOCUMENT, "type: experience", "type: experiance")
    edit(small_site, DESCRIPTORS, "related: [budget]", "related: [budget")
    for command in ("check", "build"):
        result = subprocess.run(
            [sys.executable, "-m", "treillis", command, str(small_site)],
            capture_output=True,
            text=True,
            cwd=small_site.parent,
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert any(
            line.startswith(f"content/{DOCUMENT}:3: unknown type 'experiance'") for line in lines
        )
        assert any(line.startswith(f"content/{DESCRIPTORS}:14: YAML syntax:") for line in lines)
        assert "2 problems found" in result.stderr
    assert not (small_site.parent / "output").exists()


def test_the_small_site_is_valid(small_site: Path) -> None:
    site = load(small_site)
    assert sorted(site.documents) == ["essai/cas-deux", "essai/cas-un", "essai/case-one"]
    assert site.documents["essai/case-one"].lang == "en"
    assert site.documents["essai/cas-un"].lang == "fr"  # the dossier's language
    assert site.dossiers["essai"].synthesis.strip() == "La synthèse."


def test_families_nest_six_levels_at_most(small_site: Path) -> None:
    families = small_site / "atlas/families.yaml"
    text = families.read_text(encoding="utf-8")
    parent = "methodes"
    for index in range(6):
        text += f"- id: f{index}\n  label: F{index}\n  colour: '#123456'\n  parent: {parent}\n"
        parent = f"f{index}"
    families.write_text(text, encoding="utf-8")
    found = problems(small_site)
    assert found == [
        "atlas/families.yaml:31: the family 'f5' is nested 7 levels deep: families nest 6 levels at most"
    ]


def test_a_broken_site_yaml_is_one_problem_not_a_cascade(small_site: Path) -> None:
    edit(small_site, "site.yaml", "languages: [fr, en]", "languages: [fr, en")
    found = problems(small_site)
    assert len(found) == 1 and found[0].startswith("site.yaml:")


def test_an_unsupported_language_is_one_problem_not_a_cascade(small_site: Path) -> None:
    edit(small_site, "site.yaml", "languages: [fr, en]", "languages: [fr, eng]")
    assert problems(small_site) == [
        "site.yaml:4: unsupported language 'eng': Treillis speaks fr, en, es, pt (did you mean 'en'?)"
    ]


def test_a_document_link_without_its_dossier_gets_the_right_hint(small_site: Path) -> None:
    edit(small_site, DOCUMENT, "[[essai/cas-deux]]", "[[cas-deux]]")
    assert problems(small_site) == [
        f"{DOCUMENT}:11: unknown descriptor or dossier 'cas-deux' in [[...]] "
        "(a document is written dossier/document: did you mean 'essai/cas-deux'?)"
    ]


def test_a_link_in_a_principle_is_reported_on_its_text_line(small_site: Path) -> None:
    edit(
        small_site,
        DOSSIER,
        "text: Les cas montrent qu'il faut écouter.",
        "text: Les cas montrent qu'il faut [[ecouter]].",
    )
    found = problems(small_site)
    assert len(found) == 1 and found[0].startswith(
        f"{DOSSIER}:11: unknown descriptor or dossier 'ecouter'"
    )


def test_check_reports_a_missing_theme(small_site: Path) -> None:
    config = small_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "theme: absent\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "treillis", "check", str(small_site)],
        capture_output=True,
        text=True,
        cwd=small_site.parent,
    )
    assert (
        result.returncode == 1 and "content/site.yaml:9: theme 'absent' not found" in result.stderr
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:x",
        "file:///etc/passwd",
    ],
)
def test_dangerous_link_addresses_are_refused_with_their_line(small_site: Path, url: str) -> None:
    edit(small_site, DOCUMENT, "Le corps du document", f"Le [corps]({url}) du document")
    found = problems(small_site)
    assert len(found) == 1 and found[0].startswith(f"{DOCUMENT}:11: the link to '")
    assert "is refused" in found[0]
