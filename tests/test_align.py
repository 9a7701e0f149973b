"""`treillis align`: a harvested base's keywords proposed as descriptors, decisions kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import write_site
from tests.network_bases import decide as decide
from treillis.build import load
from treillis.cli import main
from treillis.errors import BuildError
from treillis.exports import atlas_turtle
from treillis.network.align import alignments, read_harvested, record_descriptors

SITE = {
    "site.yaml": """\
        title: {fr: Portail, en: Portal}
        languages: [fr, en]
        base_url: https://atlas.example.org/
        network:
          bases:
            - id: reseau
              name: Le Réseau
              url: https://reseau.example.org/scrutari.xml
            - id: autre
              name: Un autre
              url: https://autre.example.org/feed.xml
        """,
    "atlas/families.yaml": """\
        - id: themes
          label: {fr: Thèmes, en: Themes}
          colour: "#336699"
        """,
    "atlas/descriptors/main.yaml": """\
        - id: budget-participatif
          family: themes
          label: {fr: Budget participatif, en: Participatory budgeting}
        - id: participation-citoyenne
          family: themes
          label: {fr: Participation citoyenne, en: Citizen participation}
          synonyms: {fr: [Participation des habitants]}
        - id: democratie
          family: themes
          label: {fr: Démocratie, en: Democracy}
        - id: democratie-locale-participative
          family: themes
          label: {fr: Démocratie locale participative}
        """,
}

FICHE = """\
    <fiche fiche-id="{id}"><titre>{title}</titre><href>https://reseau.example.org/{id}</href>
    </fiche>"""

BASE = """\
<?xml version="1.0" encoding="UTF-8"?>
<base>
  <base-metadata><authority>reseau.example.org</authority><base-name>reseau</base-name>
  </base-metadata>
  <corpus corpus-name="doc">
{fiches}
  </corpus>
  <thesaurus thesaurus-name="mc">
{keywords}
  </thesaurus>
  <indexation-group corpus-path="doc" thesaurus-path="mc">
{indexation}
  </indexation-group>
</base>
"""

KEYWORDS = {
    "1": "Budgets participatifs",  # a plural: exact
    "2": "democratie locale",  # no accent: close (in a label), broader (Démocratie)
    "3": "Participation des habitants",  # a synonym: close
    "4": "Zzz",  # nothing
}


def write_base(content: Path, keywords: dict[str, str], indexed: dict[str, list[str]]) -> None:
    """A harvested ScrutariData base `reseau`: its fiches indexed with the keywords."""
    network = content / "network"
    network.mkdir(exist_ok=True)
    (network / "reseau.xml").write_text(
        BASE.format(
            fiches="\n".join(FICHE.format(id=f, title=f"Fiche {f}") for f in indexed),
            keywords="\n".join(
                f'<motcle motcle-id="{k}"><lib xml:lang="fr">{label}</lib></motcle>'
                for k, label in keywords.items()
            ),
            indexation="\n".join(
                f'<indexation fiche-id="{f}" motcle-id="{k}"/>'
                for f, ks in indexed.items()
                for k in ks
            ),
        ),
        "utf-8",
    )


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "content", SITE)
    (root / "dossiers").mkdir()
    write_base(root, KEYWORDS, {"a": ["1", "3"], "b": ["2"], "c": ["4"]})
    return root


def align(content: Path, base: str = "reseau"):
    return CliRunner().invoke(main, ["align", base, str(content)])


def entries(content: Path) -> dict[str, dict]:
    data = yaml.safe_load((content / "network" / "reseau.align.yaml").read_text("utf-8"))
    assert data["base"] == "reseau"
    return {entry["id"]: entry for entry in data["keywords"]}


def test_proposals_fold_plurals_and_accents(content: Path) -> None:
    result = align(content)
    assert result.exit_code == 0, result.output
    assert "keywords 4: exact 1, close 2, broader 0, none 1; decided 0" in result.output
    found = {
        k: [(p["descriptor"], p["kind"]) for p in e["proposals"]]
        for k, e in entries(content).items()
    }
    assert found == {
        "mc/1": [("budget-participatif", "exact")],
        "mc/2": [("democratie-locale-participative", "close"), ("democratie", "broader")],
        "mc/3": [("participation-citoyenne", "close")],
        "mc/4": [],
    }
    assert entries(content)["mc/1"]["labels"] == {"fr": "Budgets participatifs"}
    text = (content / "network" / "reseau.align.yaml").read_text("utf-8")
    assert "  decision:\n" in text  # left empty for the editor
    # Proposals are no decisions: nothing applies before the editor decides.
    assert alignments(content, load(content)) == {"reseau": {}}


def test_rerun_keeps_decisions_adds_and_marks_vanished(content: Path) -> None:
    assert align(content).exit_code == 0
    decide(
        content,
        {
            "mc/1": "{descriptor: budget-participatif, kind: exact}",
            "mc/2": "[{descriptor: democratie, kind: broader}]",
            "mc/4": "none",
        },
    )
    # The base changes: keyword 2 gets a new label, 4 is gone, 5 is new.
    write_base(
        content,
        {"1": "Budgets participatifs", "2": "Démocratie", "3": "x", "5": "Gouvernance"},
        {"a": ["1"]},
    )
    result = align(content)
    assert result.exit_code == 0, result.output
    assert "decided 3, vanished 1" in result.output
    found = entries(content)
    assert found["mc/1"]["decision"] == {"descriptor": "budget-participatif", "kind": "exact"}
    assert found["mc/2"]["decision"] == [{"descriptor": "democratie", "kind": "broader"}]
    assert found["mc/2"]["proposals"] == [  # refreshed from its new label
        {"descriptor": "democratie", "kind": "exact"},
        {"descriptor": "democratie-locale-participative", "kind": "close"},
    ]
    assert found["mc/3"]["proposals"] == [] and found["mc/3"]["decision"] is None
    assert found["mc/4"]["decision"] == "none" and found["mc/4"]["vanished"] is True
    assert found["mc/5"]["decision"] is None and "vanished" not in found["mc/5"]


def test_decisions_map_records_and_reach_the_skos_export(content: Path) -> None:
    assert align(content).exit_code == 0
    decide(
        content,
        {
            "mc/1": "{descriptor: budget-participatif, kind: exact}",
            "mc/2": "[{descriptor: democratie-locale-participative, kind: close}, "
            "{descriptor: democratie, kind: broader}]",
            "mc/3": "{descriptor: participation-citoyenne, kind: close}",
            "mc/4": "none",
        },
    )
    site = load(content)
    found = alignments(content, site)
    assert found["reseau"]["mc/4"] == [] and "autre" not in found
    base = read_harvested(content, site.config.network[0])
    assert record_descriptors(base, found["reseau"]) == {
        "doc/a": ["budget-participatif", "participation-citoyenne"],
        "doc/b": ["democratie-locale-participative", "democratie"],
    }
    from rdflib import SKOS, Graph

    graph = Graph().parse(data=atlas_turtle(site), format="turtle")
    keyword = "https://reseau.example.org/scrutari.xml#mc/{}".format
    matches = {
        (str(s), p, str(o))
        for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch)
        for s, o in graph.subject_objects(p)
    }
    assert {(s.rsplit("/", 2)[-2], p, o) for s, p, o in matches} == {
        ("budget-participatif", SKOS.exactMatch, keyword(1)),
        ("democratie-locale-participative", SKOS.closeMatch, keyword(2)),
        ("democratie", SKOS.narrowMatch, keyword(2)),  # the descriptor is broader
        ("participation-citoyenne", SKOS.closeMatch, keyword(3)),
    }


def test_unknown_descriptor_in_a_decision_is_said_with_its_line(content: Path) -> None:
    output = content.parent / "output"
    build = ["build", str(content), "--output", str(output)]
    assert CliRunner().invoke(main, build).exit_code == 0
    before = (output / "atlas" / "atlas.ttl").read_bytes()
    assert align(content).exit_code == 0
    decide(
        content,
        {
            "mc/1": "{descriptor: budget-participatf, kind: exact}",
            "mc/3": "{descriptor: x, kind: c}",
        },
    )
    path = content / "network" / "reseau.align.yaml"
    lines = path.read_text("utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "budget-participatf" in text)
    with pytest.raises(BuildError) as raised:
        alignments(content, load(content))
    messages = [str(problem) for problem in raised.value.problems]
    assert (
        f"{path}:{line}: unknown descriptor 'budget-participatf' — did you mean "
        "'budget-participatif'?" in messages
    )
    assert any("unknown descriptor 'x'" in m for m in messages)  # every problem at once
    result = align(content)  # align says it too, and keeps the decisions as written
    assert result.exit_code == 0
    assert "unknown descriptor 'budget-participatf' — did you mean" in result.output
    assert "budget-participatf" in path.read_text("utf-8")
    # The build says it the same way, without a traceback, and keeps its previous output.
    result = CliRunner().invoke(main, build)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "unknown descriptor 'budget-participatf'" in result.output
    assert (output / "atlas" / "atlas.ttl").read_bytes() == before


def test_cli_bad_input_is_said_without_traceback(content: Path) -> None:
    result = align(content, "reseu")
    assert result.exit_code == 1
    assert "unknown base 'reseu' (did you mean 'reseau'?)" in result.output
    assert "autre, reseau" in result.output and "Traceback" not in result.output

    result = align(content, "autre")  # configured, never harvested
    assert result.exit_code == 1 and "treillis harvest" in result.output

    (content / "network" / "reseau.xml").write_text("<base><oops></base>", "utf-8")
    result = align(content)
    assert result.exit_code == 1 and "reseau.xml:1: not well-formed XML" in result.output

    # A file of that name Treillis did not write is never overwritten.
    write_base(content, KEYWORDS, {"a": ["1"]})
    mine = content / "network" / "reseau.align.yaml"
    mine.write_text("my notes: keep them\n", "utf-8")
    result = align(content)
    assert result.exit_code == 1 and "not an alignment of base 'reseau'" in result.output
    assert mine.read_text("utf-8") == "my notes: keep them\n"
