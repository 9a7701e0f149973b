"""Portuguese search: lunr.pt.js in Python, the same results in Python, node and Chromium."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lunr.pipeline import Pipeline
from snowballstemmer.portuguese_stemmer import PortugueseStemmer

from tests.browser import browser_page, site_base
from tests.conftest import NODE_MODULES
from tests.test_search_browser import as_paths, data_file, run_search
from tests.test_search_parity import node_results
from tests.test_search_schema import STATIC, rewrite_search_data
from treillis.search import SearchFile, browser_libraries, stemmer_pt
from treillis.search.engine import load_index, search
from treillis.search.index import FULL_FIELDS, QUICK_FIELDS, build_index, restrict
from treillis.search.pipelines import LANGUAGES, PORTUGUESE_STOP_WORDS, WORD_CHARACTERS
from treillis.search.schema import schema
from treillis.search.stemmer_pt import LunrPortugueseStemmer

LUNR_PT = NODE_MODULES / "lunr-languages" / "lunr.pt.js"

PORTUGUESE_DOCUMENTS = [
    (
        "Informação e participação dos cidadãos",
        "Como o município partilha a informação pública.",
        "As informações do orçamento são publicadas todos os meses para os cidadãos.",
    ),
    (
        "Orçamento participativo em Lisboa",
        "Os moradores decidem uma parte do orçamento municipal.",
        "A participação cresceu: mais de dez mil votos em 2024, nas freguesias da região.",
    ),
    (
        "Eleições locais e associações",
        "O papel das associações nas eleições.",
        "As associações de moradores organizam debates antes de cada eleição.",
    ),
    (
        "Habitação social",
        "Políticas públicas de habitação.",
        "A habitação é uma questão central das políticas municipais; não há soluções simples.",
    ),
    (
        "Educação e saúde nas regiões",
        "Serviços públicos nas regiões rurais.",
        "Escolas, centros de saúde e transportes: a educação e a saúde andam juntas.",
    ),
    (
        "Democracia participativa",
        "Conselhos de cidadãos e assembleias.",
        "A democracia participativa completa a democracia representativa.",
    ),
    (
        "Tecnologias da informação",
        "Ferramentas digitais para a participação.",
        "Plataformas abertas, dados abertos e tecnologias cívicas (biologia e ecologia à parte).",
    ),
    (
        "Cooperação entre municípios",
        "A intermunicipalidade em Portugal e no Brasil.",
        "Os municípios cooperam para os transportes, a água e a gestão dos resíduos.",
    ),
]

PORTUGUESE_QUERIES = [
    # accents or not, plurals, capitals
    "informação",
    "informacao",
    "informações",
    "informacoes",
    "INFORMAÇÃO",
    "Informacao",
    "participação",
    "participacao",
    "orçamento participativo",
    "orcamento",
    "orçamentos",
    "cidadãos",
    "cidadaos",
    "cidadão",
    "município",
    "municipios",
    "associações",
    "associacoes",
    "eleição",
    "eleicoes",
    "habitacao social",
    "políticas públicas",
    "politicas publicas",
    "regiões",
    "regiao",
    "saude",
    "educação e saúde",
    "tecnologia",
    "biologia",
    "democracias",
    "cooperacao",
    # stop words
    "não",
    "nao",
    "a",
    "os cidadãos",
    "às",
    # wildcards
    "particip*",
    "informa*",
    "*cao",
    "*",
    "é*",
    # fields, presence, and/or, fuzzy, boosts
    "título:orçamento",
    "titulo:orcamento",
    "texto:saude",
    "+orcamento -habitacao",
    "-habitação municípios",
    "educação ET saúde",
    "educação E saúde",
    "resumo:orçamento",
    "descritor:habitacao",
    "corpo:democracia",
    "democracia OU participação",
    "orcamento~1",
    "democrasia~1",
    "habitação^5 saúde",
    # punctuation and numbers
    "«participação»",
    "(saúde)",
    "2024",
    "dez mil",
]


def portuguese_search_folder(root: Path) -> Path:
    """A site's assets/search/ with a Portuguese index of `PORTUGUESE_DOCUMENTS` only."""
    search_folder = root / "assets" / "search"
    (search_folder / "data").mkdir(parents=True)
    for source, name in browser_libraries().items():
        shutil.copyfile(source, search_folder / name)
    for script in STATIC.glob("*.js"):
        shutil.copyfile(script, search_folder / script.name)
    records = [
        {"id": str(number), "t": title, "d": "", "l": lead, "b": body}
        for number, (title, lead, body) in enumerate(PORTUGUESE_DOCUMENTS)
    ]
    full = build_index(LANGUAGES["pt"], FULL_FIELDS, records)
    data = {
        "schema": schema(["pt"]),
        "pt-full": full,
        "pt-quick": restrict(full, QUICK_FIELDS),
    }
    for name, value in data.items():
        text = SearchFile(name, json.dumps(value, ensure_ascii=False)).script()
        (search_folder / "data" / f"{name}.js").write_text(text, encoding="utf-8")
    return root


def test_the_python_pipeline_copies_the_pinned_javascript_exactly() -> None:
    source = LUNR_PT.read_text(encoding="utf-8")
    stop = re.search(
        r"lunr\.pt\.stopWordFilter = lunr\.generateStopWordFilter\('([^']*)'", source
    ).group(1)
    assert set(stop.split(" ")) == PORTUGUESE_STOP_WORDS and len(PORTUGUESE_STOP_WORDS) == 203
    characters = re.search(r'lunr\.pt\.wordCharacters = "([^"]*)"', source).group(1)
    assert characters.encode("latin-1").decode("unicode_escape") + "0-9" == WORD_CHARACTERS
    # The stemmer's tables are lunr.pt.js's, entry by entry.
    for number in range(9):
        table = re.search(rf"a_{number} = \[(.*?)\]", source, re.S).group(1)
        entries = [
            (text.encode("ascii").decode("unicode_escape"), int(link), int(result))
            for text, link, result in re.findall(r'new Among\("([^"]*)", (-?\d+), (-?\d+)\)', table)
        ]
        ported = getattr(stemmer_pt, f"A_{number}")
        assert entries == [(a.s, a.substring_i, a.result) for a in ported], number
    vowels = re.search(r"g_v = \[([^\]]*)\]", source).group(1)
    assert [int(n) for n in re.findall(r"\d+", vowels)] == stemmer_pt.G_V
    assert "in_grouping(g_v, 97, 250)" in source
    # lunr.pt.js's own pipelines, which ours follows with the fold before the stemmer.
    assert "lunr.pt.trimmer,\n        lunr.pt.stopWordFilter,\n        lunr.pt.stemmer" in source
    labels = [step.label for step in LANGUAGES["pt"].index]
    assert labels == ["trimmer-pt", "stopWordFilter-pt", "accentFold-pt", "stemmer-pt"]
    assert [step.label for step in LANGUAGES["pt"].search] == [
        "trimmer-pt",
        "accentFold-pt",
        "stemmer-pt",
    ]


def portuguese_words() -> list[str]:
    """Thousands of words through every rule of the stemmer: roots with each suffix it knows
    (and their forms without accents), and random words over the Portuguese alphabet."""
    source = LUNR_PT.read_text(encoding="utf-8")
    suffixes = {
        text.encode("ascii").decode("unicode_escape").replace("a~", "ã").replace("o~", "õ")
        for text in re.findall(r'new Among\("([^"]*)"', source)
    }
    roots = [
        "inform",
        "particip",
        "orçament",
        "govern",
        "cidad",
        "municíp",
        "polít",
        "públic",
        "comun",
        "habit",
        "educ",
        "saúd",
        "trabalh",
        "desenvolv",
        "constru",
        "cultur",
        "econom",
        "região",
        "naç",
        "territ",
        "democr",
        "coletiv",
        "associ",
        "plan",
        "consel",
        "projet",
        "ab",
        "ec",
        "a",
    ]
    words = {root + suffix for root in roots for suffix in suffixes} | set(roots)
    fold = str.maketrans("áàâãéêíóôõúüç", "aaaaeeiooouuc")
    words |= {word.translate(fold) for word in words}
    generator = random.Random(14)
    alphabet = "abcdefghijlmnopqrstuvxzáàâãéêíóôõúüç"
    words |= {
        "".join(generator.choice(alphabet) for _ in range(generator.randint(1, 14)))
        for _ in range(4000)
    }
    return sorted(words)


NODE_STEMS = """
const [nodeModules, fold] = process.argv.slice(1);
const lunr = require(nodeModules + "/lunr");
require(nodeModules + "/lunr-languages/lunr.stemmer.support.js")(lunr);
require(nodeModules + "/lunr-languages/lunr.pt.js")(lunr);
require(fold)(lunr);
const words = JSON.parse(require("fs").readFileSync(0, "utf8"));
const labels = JSON.parse(process.argv[3]);
const pipeline = lunr.Pipeline.load(labels);
process.stdout.write(JSON.stringify(words.map((word) => [
  lunr.pt.stemmer(new lunr.Token(word)).toString(),
  pipeline.runString(word),
])));
"""


def test_python_stems_and_indexes_portuguese_words_as_lunr_pt_js_does() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    words = portuguese_words()
    assert len(words) > 8000
    language = LANGUAGES["pt"]
    labels = [step.label for step in language.index]
    result = subprocess.run(
        [
            node,
            "-e",
            NODE_STEMS,
            str(NODE_MODULES),
            str(STATIC / "accentfold-pt.js"),
            json.dumps(labels),
        ],
        input=json.dumps(words),
        capture_output=True,
        text=True,
        check=True,
    )
    javascript = json.loads(result.stdout)
    stemmer = LunrPortugueseStemmer()
    pipeline = Pipeline()
    pipeline.add(*language.index)
    python = [[stemmer.stemWord(word), pipeline.run_string(word)] for word in words]
    differences = [
        (word, js, py) for word, js, py in zip(words, javascript, python, strict=True) if js != py
    ]
    assert differences == []
    # Where snowballstemmer 2.2.0 differs (a newer Snowball): the port follows lunr.pt.js.
    words = ("antropologías", "revoluciones", "eciam")
    assert [stemmer.stemWord(word) for word in words] == ["antropolog", "revolu", "ec"]
    snowball = PortugueseStemmer()
    assert [snowball.stemWord(word) for word in words] == ["antropologí", "revolucion", "eci"]


def test_portuguese_queries_give_the_same_results_in_python_and_javascript(
    tmp_path: Path,
) -> None:
    output = portuguese_search_folder(tmp_path)
    for name in ("pt-full", "pt-quick"):
        index = load_index(data_file(output, name))
        expected = [search(index, "pt", query) for query in PORTUGUESE_QUERIES]
        found = node_results(name, "pt", PORTUGUESE_QUERIES, output)
        for query, (prepared, refs), javascript in zip(
            PORTUGUESE_QUERIES, expected, found, strict=True
        ):
            assert (javascript["prepared"], javascript["refs"]) == (prepared, refs), query
        assert sum(bool(refs) for _, refs in expected) >= 25
    # Without accents as with them: the same documents, in the same order.
    full = load_index(data_file(output, "pt-full"))
    for plain, accented in (
        ("informacao", "informação"),
        ("informacoes", "informação"),
        ("cidadaos", "cidadão"),
        ("politicas publicas", "políticas públicas"),
    ):
        assert search(full, "pt", plain)[1] == search(full, "pt", accented)[1] != [], plain
    # The two documents with the word in their title come first.
    assert set(search(full, "pt", "informacao")[1][:2]) == {"0", "6"}
    assert search(full, "pt", "não") == ("", [])  # a stop word


def test_chromium_finds_a_portuguese_word_typed_without_accents(
    small_site: Path, tmp_path: Path
) -> None:
    """A document in Portuguese, searched in Chromium: the same references as Python and node."""
    from treillis.build import build, load

    output = tmp_path / "output"
    build(small_site, output)
    site = load(small_site)
    document = site.documents["essai/cas-deux"]
    document.lang = "pt"
    document.title, document.summary, document.body = PORTUGUESE_DOCUMENTS[0]
    rewrite_search_data(site, output)
    store = data_file(output, "store")
    assert "pt" in store["languages"]
    assert "lunr.pt.js" in data_file(output, "schema")["scripts"]
    queries = ["informacao", "informações", "cidadaos", "orcamento", "particip*", "budget"]
    index = load_index(data_file(output, "pt-full"))
    python = [search(index, "pt", query)[1] for query in queries]
    node = [result["refs"] for result in node_results("pt-full", "pt", queries, output)]
    assert python == node and python[0] != []
    with site_base(output, "file") as base, browser_page() as page:
        found = run_search(page, base, "informacao")
        assert [href.replace(base, "") for href in found] == ["dossiers/essai/cas-deux/index.html"]
        assert page.locator(".search-result").first.get_attribute("lang") == "pt"
        assert page.locator(".search-result__title mark").all_text_contents() == ["Informação"]
        page.wait_for_function("() => window.TreillisSearch.data['pt-full']")
        chromium = page.evaluate(
            """(queries) => {
              const search = window.TreillisSearch;
              const index = search.index('pt-full');
              return queries.map((q) => search.search(index, search.prepareQuery(q, 'pt', index))
                .map((r) => r.ref));
            }""",
            queries,
        )
        assert chromium == python
        # The French search is unchanged beside it.
        assert "dossiers/essai/cas-un/index.html" in as_paths(
            base, run_search(page, base, "budget")
        )
        assert page.console_errors == [] and page.failed_requests == []


def test_descriptors_are_suggested_for_a_portuguese_text(small_site: Path) -> None:
    """`treillis suggest` stems Portuguese texts and labels as the Portuguese search does."""
    from treillis.build import load
    from treillis.model import Text
    from treillis.suggest import Suggester

    site = load(small_site)
    site.descriptors["participation"].label = Text(
        {"fr": "Participation des habitants", "pt": "Participação dos moradores"}
    )
    site.descriptors["budget"].label = Text({"fr": "Budget participatif", "pt": "Orçamentos"})
    suggester = Suggester(site, "pt")
    text = "As informações sobre a participacao do morador e o orcamento municipal."
    assert [s.descriptor for s in suggester.suggest(text)] == ["budget", "participation"]
