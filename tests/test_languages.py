"""Languages are data: a registry entry and a catalogue make a language; labels in a
language the site does not publish are kept, not an error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import DEMO_CONTENT
from treillis.build import build, load
from treillis.errors import BuildError, Problems
from treillis.languages import CODES, REGISTRY
from treillis.model import LANGUAGES
from treillis.readers.config import read_config
from treillis.report import BuildReport

PORTUGUESE_DOCUMENT = """\
---
title: Orçamento participativo e conselhos de bairro em Valdeserra
type: experience
date: 2015-10-12
lang: pt
authors: [Lucía Fernández]
partner: territoires-solidaires
descriptors: [budget-participatif, acteurs-territoire]
summary: >
  Desde 2012, a cidade de Valdeserra destina uma parte do seu orçamento de
  investimento a projetos escolhidos pelos moradores.
---
## O contexto

Os moradores escolhem os projetos em doze conselhos de bairro.
"""

# The documents of the demo in English and Spanish, which a site in French (and
# Portuguese) does not publish.
OTHER_LANGUAGES = (
    "comite-de-direction-partage/a-shared-senior-management.md",
    "conseils-citoyens-et-chartes/the-tilleuls-citizens-council.md",
    "cooperation-rural-urbain/the-valmont-reciprocity-contract.md",
    "managers-publics-et-initiatives-citoyennes/community-asset-transfer-kettlewick.md",
    "managers-publics-et-initiatives-citoyennes/un-servicio-de-iniciativas-vecinales.md",
)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def demo_in(root: Path, languages: str) -> Path:
    """A copy of the demo publishing `languages`, without its documents in the others
    (its atlas keeps their labels); the Spanish case of Valdeserra is now in Portuguese."""
    content = root / "content"
    shutil.copytree(DEMO_CONTENT, content)
    edit(content / "site.yaml", "languages: [fr, en, es]", f"languages: [{languages}]")
    dossiers = content / "dossiers"
    for name in OTHER_LANGUAGES:
        (dossiers / name).unlink()
    for document in dossiers.glob("*/*.md"):
        text = document.read_text(encoding="utf-8")
        lines = [line for line in text.splitlines(True) if not line.startswith("translations:")]
        text = "".join(lines).replace(", community-asset-transfer-kettlewick]", "]")
        document.write_text(text, encoding="utf-8")
    valdeserra = dossiers / "conseils-citoyens-et-chartes/presupuesto-participativo-valdeserra.md"
    valdeserra.write_text(PORTUGUESE_DOCUMENT, encoding="utf-8")
    return content


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def portuguese(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """The demo in French and Portuguese, with Portuguese labels on some descriptors."""
    content = demo_in(tmp_path_factory.mktemp("pt"), "fr, pt")
    edit(
        content / "site.yaml",
        "  es: Territorios en gobernanza\n",
        "  pt: Territórios em governança\n",
    )
    descriptors = content / "atlas" / "descriptors"
    edit(
        descriptors / "acteurs.yaml",
        "    es: Actores del territorio\n",
        "    pt: Atores do território\n",
    )
    edit(
        descriptors / "economie.yaml",
        "    es: Presupuesto participativo\n",
        "    pt: Orçamento participativo\n",
    )
    output = content.parent / "output"
    return output, build(content, output, cache=False)


def test_a_site_in_french_and_portuguese_has_portuguese_pages(
    portuguese: tuple[Path, BuildReport],
) -> None:
    output, _report = portuguese
    home = soup(output / "pt" / "index.html")
    assert home.html["lang"] == "pt"
    assert home.find("meta", property="og:locale")["content"] == "pt_PT"
    assert home.title.get_text().endswith("Territórios em governança")
    nav = [a.get_text(strip=True) for a in home.select("nav.site-nav a")]
    assert nav == ["Início", "Atlas", "Cesto", "Percurso"]
    switch = home.select_one("nav.language-switch")
    assert switch["aria-label"] == "Língua"
    assert [item.get_text(strip=True) for item in switch.select("li")] == ["Français", "Português"]


def test_a_portuguese_document_has_portuguese_words_and_dates(
    portuguese: tuple[Path, BuildReport],
) -> None:
    output, _report = portuguese
    page = output / "dossiers/conseils-citoyens-et-chartes/presupuesto-participativo-valdeserra"
    document = soup(page / "index.html")
    assert document.html["lang"] == "pt"
    text = document.get_text(" ", strip=True)
    assert "12 de outubro de 2015" in text
    assert "Experiência" in text and "Indexação no atlas" in text
    assert "Orçamento participativo" in text  # its descriptor, labelled in Portuguese


def test_portuguese_descriptor_pages_show_portuguese_labels(
    portuguese: tuple[Path, BuildReport],
) -> None:
    output, _report = portuguese
    pages = {
        soup(path).h1.get_text(strip=True): soup(path)
        for path in (output / "pt").rglob("index.html")
        if ("descripteurs" in str(path) or "descriptors" in str(path) or "atlas" in str(path))
        # A descriptor's own page, not the list of its documents with its narrower ones'.
        and path.parent.name != "all"
    }
    assert "Atores do território" in pages
    page = pages["Atores do território"]
    assert page.html["lang"] == "pt"
    assert "Descritores" in page.get_text() or "Descritor" in page.get_text()


def test_a_french_site_builds_with_english_and_spanish_labels_in_its_atlas(
    tmp_path: Path,
) -> None:
    content = demo_in(tmp_path, "fr")
    edit(content / "dossiers/conseils-citoyens-et-chartes/presupuesto-participativo-valdeserra.md",
         "lang: pt", "lang: fr")  # fmt: skip
    site = load(content)
    assert site.descriptors["acteurs-territoire"].label.values == {
        "fr": "Acteurs du territoire",
        "en": "Actors of the territory",
        "es": "Actores del territorio",
    }
    output = tmp_path / "output"
    report = build(content, output, cache=False)
    mentions = [w for w in report.warnings if "does not publish" in w.message]
    assert len(mentions) == 1, mentions
    assert "en, es" in mentions[0].message
    assert not (output / "en").exists() and not (output / "es").exists()
    skos = (output / "atlas" / "atlas.ttl").read_text(encoding="utf-8")
    assert '"Actors of the territory"@en' in skos and '"Actores del territorio"@es' in skos


def test_a_label_in_a_language_treillis_does_not_know_is_an_error(small_site: Path) -> None:
    path = small_site / "atlas" / "descriptors" / "main.yaml"
    edit(path, "label: {fr: Gouvernance, en: Governance}", "label: {fr: Gouvernance, ptt: X}")
    with pytest.raises(BuildError) as error:
        load(small_site)
    [problem] = error.value.problems
    assert problem.line == 3
    assert problem.message == (
        f"unknown language 'ptt' in 'label': Treillis knows {', '.join(CODES)} (did you mean 'pt'?)"
    )


def test_a_label_in_a_known_language_the_site_does_not_publish_is_kept(small_site: Path) -> None:
    path = small_site / "atlas" / "descriptors" / "main.yaml"
    edit(
        path, "label: {fr: Gouvernance, en: Governance}", "label: {fr: Gouvernance, pt: Governança}"
    )
    site = load(small_site)
    assert site.descriptors["gouvernance"].label.values["pt"] == "Governança"
    [mention] = [w for w in site.warnings if "does not publish" in w.message]
    assert mention.path.endswith("main.yaml")


def test_every_list_of_languages_is_the_registry() -> None:
    assert LANGUAGES == CODES == tuple(REGISTRY)
    assert "pt" in CODES
    for language in REGISTRY.values():
        assert len(language.months) == 12
        assert language.direction in ("ltr", "rtl")
        assert language.search


def test_site_yaml_accepts_every_language_of_the_registry(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text(
        "title: {pt: Sítio, fr: Site}\nlanguages: [pt, fr]\n", encoding="utf-8"
    )
    problems = Problems()
    config = read_config(tmp_path, problems)
    assert problems.items == [] and config.languages == ["pt", "fr"]
    assert config.title.get("pt") == "Sítio"


def test_the_search_page_counts_in_the_page_language(
    portuguese: tuple[Path, BuildReport],
) -> None:
    """search-ui.js picks the plural form with the table the build gives it."""
    from tests.browser import browser_page

    output, _report = portuguese
    counts = {}
    with browser_page() as page:
        for prefix in ("", "pt/"):
            for query in ("zzzqqq", "Valdeserra"):
                page.goto(f"{(output / prefix).as_uri()}/search/index.html?q={query}")
                page.wait_for_function(
                    "() => /^\\d/.test(document.getElementById('search-status').textContent)"
                    " && !/[(]/.test(document.getElementById('search-status').textContent)"
                )
                counts[prefix, query] = page.inner_text("#search-status")
        assert page.console_errors == []
    assert counts == {
        ("", "zzzqqq"): "0 document",
        ("", "Valdeserra"): "1 document",
        ("pt/", "zzzqqq"): "0 documentos",
        ("pt/", "Valdeserra"): "1 documento",
    }


def test_a_new_site_can_start_in_any_language_of_the_registry(tmp_path: Path) -> None:
    from treillis import scaffold

    for code in REGISTRY:
        assert (scaffold.STARTER / f"{code}.yaml").is_file(), code
    content = scaffold.new_site(tmp_path / "site", "Rede", ["pt", "fr"])
    site = load(content)
    assert site.config.languages == ["pt", "fr"]
    [document] = site.documents.values()
    assert document.lang == "pt" and document.title.startswith("Uma horta")


def test_the_portuguese_search_finds_a_word_typed_without_accents(
    portuguese: tuple[Path, BuildReport],
) -> None:
    """Words typed without accents, or in another form, find the Portuguese document
    through the Portuguese pipeline (the registry's `search` name), in Chromium."""
    from tests.browser import browser_page

    output, _report = portuguese
    with browser_page() as page:
        for query in ("orcamento", "orçamentos", "investimentos", "conselho"):
            page.goto(f"{(output / 'pt').as_uri()}/search/index.html?q={query}")
            page.wait_for_selector(".search-result__title a")
            titles = page.locator(".search-result__title").all_inner_texts()
            assert titles[0] == "Orçamento participativo e conselhos de bairro em Valdeserra"
        assert page.console_errors == []
