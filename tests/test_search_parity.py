"""The same French queries in lunr.py and in lunr.js (node) give the same references, in order."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import NODE_MODULES
from treillis.search.engine import load_index, search
from treillis.search.pipelines import FRENCH_STOP_WORDS, SPANISH_STOP_WORDS, WORD_CHARACTERS

FRENCH_QUERIES = [
    # accents or not, plurals
    "collectivité",
    "collectivite",
    "collectivités",
    "COLLECTIVITÉS",
    "territoire",
    "territoires",
    "élus",
    "elus",
    "élu",
    "équipe",
    "equipes",
    "œuvre",
    "oeuvre",
    "mise en œuvre",
    "françaises",
    "francais",
    "intercommunalité",
    "intercommunalites",
    "démocratie participative",
    # elisions with ’ and '
    "l'habitant",
    "l’habitant",
    "d'habitants",
    "d’habitants",
    "l’intercommunalité",
    "qu'il",
    "jusqu'à",
    "s’engager",
    "l'état",
    "L’ÉTAT",
    # wildcards
    "habitant*",
    "particip*",
    "collectiv*",
    "*tion",
    "mutualis*",
    "con*",
    "*",
    "**",
    "a*",
    # field prefixes
    "titre:charte",
    "title:conseil",
    "chapo:habitants",
    "texte:budget",
    "descripteur:participation",
    "titre:charte conseil",
    "inconnu:charte",
    # presence
    "+conseil -quartier",
    "+budget +participatif",
    "-commune habitants",
    "+la",
    "charte -ville",
    # and/or, boosts, fuzzy
    "participation ET budget",
    "mutualisation OU coopération",
    "budget^5 charte",
    "budjet~1",
    "cooperation~1 rurale",
    "10 000 habitants",
    "10\u202f000",
    "2019",
    # stop words and punctuation
    "la",
    "le conseil des habitants",
    "« participation »",
    "(budget)",
    "participation,",
    "été",
    # bounded: fuzzy distances, elided wildcards, fields the quick index lacks
    "participation~10",
    "budget~99",
    "d'*",
    "l’*",
    "chapo:charte",
    "-texte:budget budget",
    "budget~３",
    "a" * 30 + "~2",
    # typos corrected without syntax (one word, two words, short words left alone)
    "budjet participatf",
    "particpation",
    "cooperaton rurale",
    "chrte",
    "bud",
    "-budjet habitants",
    # all words first; phrases in double quotes (their words required)
    "budget participatif habitants",
    '"budget participatif"',
    "“conseil citoyen” charte",
    '"charte',
    '""',
    '"mise en œuvre"',
    '"œuvre mise"',
    '"titre:budget participatif"',
    '"participation des habitants" charte',
    '"budjet participatf"',
    '"habitant*  conseil"',
    '"constructor toString"',
    # words inside addresses and dotted names
    "example.org",
    "scrutari.coredem.info",
]


def node_results(index_name: str, lang: str, queries: list[str], output: Path) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    result = subprocess.run(
        [
            node,
            str(Path(__file__).parent / "js" / "search.js"),
            str(NODE_MODULES),
            str(output / "assets" / "search"),
            index_name,
            lang,
        ],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)["results"]


def python_data(output: Path, name: str):
    script = (output / "assets" / "search" / "data" / f"{name}.js").read_text(encoding="utf-8")
    match = re.fullmatch(r'TreillisSearch\.add\("([^"]+)",(.*)\);\n', script, re.S)
    assert match and match.group(1) == name
    return json.loads(json.loads(match.group(2)))


def python_index(output: Path, name: str):
    return load_index(python_data(output, name))


def python_positions(output: Path, name: str):
    """The words' positions of a full index (for phrases), as the search page loads them."""
    return python_data(output, name.replace("-full", "-phrases")) if "-full" in name else None


@pytest.mark.parametrize("name", ["fr-quick", "fr-full", "fr-atlas"])
def test_french_queries_give_the_same_results_in_python_and_javascript(
    demo_output: Path, name: str
) -> None:
    index = python_index(demo_output, name)
    positions = python_positions(demo_output, name)
    expected = [search(index, "fr", query, positions) for query in FRENCH_QUERIES]
    found = node_results(name, "fr", FRENCH_QUERIES, demo_output)
    assert len(FRENCH_QUERIES) >= 50
    for query, (prepared, refs), javascript in zip(FRENCH_QUERIES, expected, found, strict=True):
        assert javascript["prepared"] == prepared, query
        assert javascript["refs"] == refs, query
    # The queries find things: this is not a comparison of empty lists.
    assert sum(bool(refs) for _, refs in expected) >= 35


@pytest.mark.parametrize(
    ("name", "lang", "queries"),
    [
        (
            "en-full",
            "en",
            [
                "café",
                "£48,000",
                "8,500",
                "(library)",
                "naïve",
                "co-operative",
                "council",
                "councils",
                "citizens'",
                "library*",
                "title:council",
                "+asset -library",
                "the",
            ],
        ),
        (
            "es-full",
            "es",
            [
                "presupuesto",
                "presupuestos participativos",
                "vecinos",
                "iniciativ*",
                "la",
                "título:servicio",
            ],
        ),
    ],
)
def test_english_and_spanish_queries_agree_too(
    demo_output: Path, name: str, lang: str, queries: list[str]
) -> None:
    index = python_index(demo_output, name)
    positions = python_positions(demo_output, name)
    for query, javascript in zip(
        queries, node_results(name, lang, queries, demo_output), strict=True
    ):
        prepared, refs = search(index, lang, query, positions)
        assert (javascript["prepared"], javascript["refs"]) == (prepared, refs), query


def test_the_python_pipelines_copy_the_pinned_javascript_exactly() -> None:
    french = (NODE_MODULES / "lunr-languages" / "lunr.fr.js").read_text(encoding="utf-8")
    spanish = (NODE_MODULES / "lunr-languages" / "lunr.es.js").read_text(encoding="utf-8")

    def stop_words(source: str, lang: str) -> set[str]:
        match = re.search(
            rf"lunr\.{lang}\.stopWordFilter = lunr\.generateStopWordFilter\('([^']*)'", source
        )
        return set(match.group(1).split(" "))

    assert stop_words(french, "fr") == FRENCH_STOP_WORDS and len(FRENCH_STOP_WORDS) == 163
    assert stop_words(spanish, "es") == SPANISH_STOP_WORDS
    characters = re.search(r'lunr\.fr\.wordCharacters = "([^"]*)"', french).group(1)
    decoded = characters.encode("ascii").decode("unicode_escape")
    assert decoded + "0-9" == WORD_CHARACTERS
    assert "lunr.fr.accentFold," in french  # the pipeline we reproduce includes the fold


PREPARE_IN_SLICES = r"""
"use strict";
const fs = require("fs"), path = require("path"), vm = require("vm");
const [nodeModules, searchAssets] = process.argv.slice(1);
// The clock moves 10 ms at each reading: slices end by the count of readings, not by
// how fast this machine is.
let ticks = 0;
performance.now = () => (ticks += 10);
const timers = [];
global.setTimeout = (callback) => { timers.push(callback); };
const lunr = require(path.join(nodeModules, "lunr"));
const TreillisSearch = require(path.join(searchAssets, "search-core.js"))(lunr);
const load = (file) => vm.runInNewContext(
  fs.readFileSync(path.join(searchAssets, "data", file), "utf8"), { TreillisSearch });
load("schema.js");
for (const script of TreillisSearch.data.schema.scripts) require(path.join(searchAssets, script))(lunr);
load("fr-full.js");
const whole = lunr.Index.load(TreillisSearch.expandIndex(TreillisSearch.data["fr-full"]));
let ready = false;
TreillisSearch.prepareIndex("fr-full").then(() => { ready = true; });
let slices = 0;
while (timers.length) { timers.shift()(); slices += 1; }
Promise.resolve().then(() => {
  const queries = ["habitants", "budget participatif", "gouvernance territoriale", "eau"];
  const same = queries.every((q) =>
    JSON.stringify(TreillisSearch.index("fr-full").search(q)) === JSON.stringify(whole.search(q)));
  process.stdout.write(JSON.stringify({ slices, ready, same, terms: TreillisSearch.data["fr-full"].terms.length }));
});
"""


def test_a_full_index_is_weighed_a_slice_at_a_time_and_searches_as_a_whole_one(
    demo_output: Path,
) -> None:
    """The full index arrives in the background: weighing it at once would hold a phone's
    main thread for hundreds of milliseconds (Lighthouse's total blocking time on the
    search page), so it is weighed in slices between which the page answers."""
    result = subprocess.run(
        ["node", "-e", PREPARE_IN_SLICES, str(NODE_MODULES), str(demo_output / "assets" / "search")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(result.stdout)
    assert found["terms"] > 1000
    # 30 ms a slice, 10 ms a reading of the clock, a reading every 64 terms.
    assert found["slices"] > found["terms"] // (64 * 4)
    assert found["ready"] and found["same"]
