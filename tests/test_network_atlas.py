"""Reviewed alignments in the build: network records indexed with the atlas's descriptors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_align import KEYWORDS, align, decide, write_base
from tests.test_align import content as content
from tests.test_network_build import search_store
from tests.test_output import snapshot
from treillis.build import build, load
from treillis.cli import main
from treillis.errors import BuildError
from treillis.search.schema import DOC_FIELDS
from treillis.views import atlas as atlas_views

URL, DESCRIPTORS = DOC_FIELDS.index("url"), DOC_FIELDS.index("descriptors")
RECORD_A = 'href="https://reseau.example.org/a" rel="noopener external"'


def page(output: Path, descriptor: str, lang: str = "fr") -> str:
    prefix = "" if lang == "fr" else f"{lang}/"
    return (output / f"{prefix}atlas/{descriptor}/index.html").read_text("utf-8")


def test_a_decided_keyword_indexes_its_records_with_the_descriptor(
    content: Path,
) -> None:
    assert align(content).exit_code == 0
    # mc/2 (record b) stays undecided; mc/3 decided `none`.
    decide(content, {"mc/1": "{descriptor: budget-participatif, kind: exact}", "mc/3": "none"})
    site = load(content)
    indexed = {entry.record.url.rsplit("/", 1)[-1]: entry.descriptors for entry in site.network}
    assert indexed == {"a": ["budget-participatif"], "b": [], "c": []}

    output = content.parent / "output"
    build(content, output)
    html = page(output, "budget-participatif")
    assert "Dans le réseau" in html and "1 document dans le réseau" in html
    assert RECORD_A in html and ">Fiche a</a>" in html and "Le Réseau" in html
    assert "In the network" in page(output, "budget-participatif", "en")
    # An undecided keyword indexes nothing: no proposal ever applies.
    for descriptor in ("democratie", "democratie-locale-participative", "participation-citoyenne"):
        assert "Dans le réseau" not in page(output, descriptor)
    # The search's descriptor facet counts the record (and only the decided one).
    rows = {row[URL]: row[DESCRIPTORS] for row in search_store(output)["docs"] if row[URL]}
    assert len(rows["https://reseau.example.org/a"]) == 1
    assert rows["https://reseau.example.org/b"] == []


def test_a_long_network_list_is_paginated(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atlas_views, "DOCUMENTS_PER_PAGE", 2)
    write_base(content, KEYWORDS, {name: ["1"] for name in "abcde"})
    assert align(content).exit_code == 0
    decide(content, {"mc/1": "{descriptor: budget-participatif, kind: exact}"})
    output = content.parent / "output"
    build(content, output)
    first = page(output, "budget-participatif")
    assert "5 documents dans le réseau" in first and first.count('rel="noopener external"') == 2
    last = (output / "atlas/budget-participatif/network/3/index.html").read_text("utf-8")
    assert last.count('rel="noopener external"') == 1 and 'aria-current="page">3<' in last
    assert (output / "en/atlas/budget-participatif/network/2/index.html").is_file()


def test_a_decision_to_an_unknown_descriptor_fails_the_build_keeping_the_output(
    content: Path,
) -> None:
    output = content.parent / "output"
    build(content, output)
    before = snapshot(output)
    assert align(content).exit_code == 0
    decide(content, {"mc/1": "{descriptor: budget-participatf, kind: exact}"})
    # Another content problem: both are said at once, the alignment's with the others.
    (content / "atlas/descriptors/extra.yaml").write_text(
        "- id: extra\n  family: nowhere\n  label: {fr: Extra}\n", "utf-8"
    )
    path = content / "network" / "reseau.align.yaml"
    lines = path.read_text("utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "budget-participatf" in text)
    with pytest.raises(BuildError) as raised:
        build(content, output)
    assert (
        f"{path}:{line}: unknown descriptor 'budget-participatf' — did you mean "
        "'budget-participatif'?"
    ) in (messages := [str(problem) for problem in raised.value.problems])
    assert any("extra.yaml" in message and "nowhere" in message for message in messages)
    assert snapshot(output) == before
    result = CliRunner().invoke(main, ["build", str(content), "--output", str(output)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{line}: unknown descriptor 'budget-participatf'" in result.output


def test_an_incremental_build_after_an_alignment_edit_equals_a_full_build(
    content: Path,
) -> None:
    assert align(content).exit_code == 0
    decide(content, {"mc/1": "{descriptor: budget-participatif, kind: exact}"})
    output, full = content.parent / "output", content.parent / "full"
    build(content, output)
    path = content / "network" / "reseau.align.yaml"
    path.write_text(
        path.read_text("utf-8").replace(
            "descriptor: budget-participatif", "descriptor: democratie"
        ),
        "utf-8",
    )
    build(content, output)  # with the cache of the first build
    build(content, full, cache=False)
    assert "Dans le réseau" in page(output, "democratie")
    assert "Dans le réseau" not in page(output, "budget-participatif")
    # The counts moved with the record: the atlas index's and the diagrams'.
    assert atlas_count(output, "democratie") == "1"
    assert atlas_count(output, "budget-participatif") == ""
    assert snapshot(output) == snapshot(full)


def with_a_document_and_a_broader_one(content: Path) -> None:
    """A document indexed with budget-participatif; democratie broader than
    democratie-locale-participative (a box whose count includes its narrower one's)."""
    descriptors = content / "atlas/descriptors/main.yaml"
    descriptors.write_text(
        descriptors.read_text("utf-8").replace(
            "- id: democratie-locale-participative\n  family: themes\n",
            "- id: democratie-locale-participative\n  family: themes\n  broader: [democratie]\n",
        ),
        "utf-8",
    )
    folder = content / "dossiers/essai"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(
        "---\ntitle: Un dossier\ndate: 2024-01-15\n---\nIntroduction.\n", "utf-8"
    )
    (folder / "cas.md").write_text(
        "---\ntitle: Un cas\ntype: experience\ndate: 2024-02-01\n"
        "descriptors: [budget-participatif]\n---\nTexte.\n",
        "utf-8",
    )


def atlas_count(output: Path, descriptor: str, lang: str = "fr") -> str:
    """The count the atlas index shows beside a descriptor ("" when none)."""
    prefix = "" if lang == "fr" else f"{lang}/"
    html = (output / f"{prefix}atlas/index.html").read_text("utf-8")
    found = re.search(rf'href="{descriptor}/index.html"[^>]*>.*?</a>', html)
    assert found, descriptor
    count = re.search(r'<span class="count">\((\d+)\)</span>', found.group())
    return count.group(1) if count else ""


def diagram_counts(html: str) -> list[tuple[str, str]]:
    """The (tooltip, shown count) of every box of the page's neighbourhood diagram (its
    wide drawing; the narrow one shows the same boxes)."""
    wide = html.split('class="diagram diagram--narrow', 1)[0]
    return re.findall(
        r'<text class="diagram-count"[^>]*><title>([^<]*)</title>([^<]*)</text>', wide
    )


def test_aligned_records_are_counted_in_the_atlas_and_said_apart(content: Path) -> None:
    with_a_document_and_a_broader_one(content)
    assert align(content).exit_code == 0
    decide(
        content,
        {
            "mc/1": "{descriptor: budget-participatif, kind: exact}",
            "mc/2": "{descriptor: democratie-locale-participative, kind: close}",
        },
    )
    output = content.parent / "output"
    build(content, output)
    # The atlas index counts the document and the record alike.
    assert atlas_count(output, "budget-participatif") == "2"
    assert atlas_count(output, "democratie-locale-participative", "en") == "1"
    assert atlas_count(output, "democratie") == ""
    # The diagram's box shows both in its count, and says them apart in words.
    html = page(output, "budget-participatif")
    assert diagram_counts(html) == [("1 document indexé ici · 1 dans le réseau", "(2)")]
    assert "1 document indexé ici · 1 dans le réseau" in re.search(
        r'<meta name="description" content="([^"]*)"', html
    ).group(1)
    english = page(output, "budget-participatif", "en")
    assert diagram_counts(english) == [("1 document indexed here · 1 in the network", "(2)")]
    # A broader descriptor with nothing of its own counts its narrower one's record.
    broader = dict(
        (shown, title)
        for title, shown in diagram_counts(page(output, "democratie-locale-participative"))
    )
    assert broader["(1 avec les plus précis)"] == (
        "0 en comptant les descripteurs plus précis · 1 dans le réseau"
    )


def test_without_alignments_the_counts_are_the_documents_alone(content: Path) -> None:
    with_a_document_and_a_broader_one(content)
    assert align(content).exit_code == 0  # proposals only: nothing decided
    output = content.parent / "output"
    build(content, output)
    assert atlas_count(output, "budget-participatif") == "1"
    assert atlas_count(output, "democratie-locale-participative") == ""
    html = page(output, "budget-participatif")
    assert diagram_counts(html) == [("1 document indexé ici", "(1)")]
    assert "dans le réseau" not in html
