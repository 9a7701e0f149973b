"""The search data's schema is written once, in Python, and the browser reads it from the site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser import browser_page, site_base
from tests.test_search_browser import data_file, run_search
from treillis.model import Site
from treillis.search import schema as search_schema
from treillis.search.index import search_files
from treillis.search.pipelines import LANGUAGES
from treillis.search.query import AND_WORDS, FIELD_ALIASES
from treillis.search.schema import DOC_FIELDS, FACETS, doc_row, facet_row, schema
from treillis.urls import Paths

STATIC = Path(__file__).parent.parent / "treillis/themes/default/static/search"


def rewrite_search_data(site: Site, output: Path) -> None:
    """The search data of a built site made anew from `site` (changed by a test)."""
    folder = output / "assets/search/data"
    for old in folder.glob("*.js"):
        old.unlink()
    for search_file in search_files(site, Paths(site.config.languages)):
        (folder / f"{search_file.name}.js").write_text(search_file.script(), encoding="utf-8")


def test_the_built_schema_is_pythons(demo_output: Path) -> None:
    store = data_file(demo_output, "store")
    built = data_file(demo_output, "schema")
    assert built == schema(store["languages"])
    assert built["doc"] == {name: position for position, name in enumerate(DOC_FIELDS)}
    assert built["facets"] == list(FACETS)
    # Each language of the documents brings its scripts, and they are in the site.
    assert built["scripts"][0] == "lunr.stemmer.support.js"  # what the languages' files need
    assert set(built["scripts"]) == {
        "lunr.stemmer.support.js",
        "lunr.fr.js",
        "elision-fr.js",
        "lunr.es.js",
    }
    for script in built["scripts"]:
        assert (demo_output / "assets/search" / script).is_file()
    assert built["languages"]["fr"] == {
        "clean": ["trimmer-fr", "elision-fr"],
        "stop": "stopWordFilter-fr",
    }
    assert built["languages"]["en"] == {"clean": ["trimmer"], "stop": "stopWordFilter"}
    assert all(len(row) == len(DOC_FIELDS) for row in store["docs"])
    assert built["query"]["fields"] == FIELD_ALIASES and built["query"]["and"] == sorted(AND_WORDS)


def test_the_search_page_names_every_facet_of_the_schema() -> None:
    from tests.conftest import DEMO_CONTENT
    from treillis.atlas import Atlas
    from treillis.build import load
    from treillis.views import Views
    from treillis.views.content import search_strings

    site = load(DEMO_CONTENT)
    views = Views(site, Atlas(site))
    for lang in site.config.languages:
        assert list(search_strings(views, lang)["facets"]) == list(FACETS)


def test_rows_are_made_by_name() -> None:
    values = {
        "slug": "cas",
        "title": "Cas",
        "type": 1,
        "dossier": 2,
        "date": "2024-05-01",
        "lang": "pt",
        "partner": -1,
        "descriptors": [3],
        "bases": [0],
        "url": "",
    }
    row = doc_row(**values)
    assert dict(zip(DOC_FIELDS, row, strict=True)) == values
    reduced = dict(zip(DOC_FIELDS, facet_row(row), strict=True))
    assert reduced == {**values, "slug": "", "title": "", "date": "2024"}
    with pytest.raises(ValueError, match="exactly"):
        doc_row(**{**values, "author": "x"})


def test_every_language_names_steps_lunr_js_knows() -> None:
    for code in LANGUAGES:
        described = schema([code])["languages"][code]
        assert described["stop"].startswith("stopWordFilter")
        assert described["clean"][0].startswith("trimmer")


def test_the_browser_scripts_hard_code_no_position_facet_or_language() -> None:
    ui = (STATIC / "search-ui.js").read_text(encoding="utf-8")
    core = (STATIC / "search-core.js").read_text(encoding="utf-8")
    for source in (ui, core):
        assert not re.search(r"\bdoc\[\d", source)  # a row's fields: doc[F.title]…
        assert not re.search(r'\[\s*"type",\s*"dossier"', source)  # the facets
        assert not re.search(r"lunr\.(fr|es|pt|en)\b", source)  # a language's functions
    assert not re.search(r"lunr\.(fr|es|pt)\.js", ui)  # the schema lists the scripts
    # Reader queries: field names, and/or words and fuzzy limits come from the schema.
    assert not re.search(r"titre|título|\bET\b|\bOU\b|= 2;|= 20;", core)


@pytest.mark.parametrize("order", ["reversed", "rotated"])
def test_the_browser_reads_the_row_order_from_the_schema(
    small_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    """Rows written in another order: the page shows the same results, titles and filters."""
    from treillis.build import build, load

    output = tmp_path / "output"
    build(small_site, output)
    fields = DOC_FIELDS[::-1] if order == "reversed" else (*DOC_FIELDS[3:], *DOC_FIELDS[:3])
    monkeypatch.setattr(search_schema, "DOC_FIELDS", fields)
    rewrite_search_data(load(small_site), output)
    assert data_file(output, "schema")["doc"]["slug"] == fields.index("slug")
    with site_base(output, "file") as base, browser_page() as page:
        found = run_search(page, base, "budget")
        assert sorted(href.replace(base, "") for href in found) == [
            "dossiers/essai/cas-deux/index.html",
            "dossiers/essai/cas-un/index.html",
        ]
        titles = page.locator(".search-result__title a").all_inner_texts()
        assert sorted(titles) == ["Deuxième cas", "Premier cas"]
        assert page.locator(".search-result[lang=fr]").count() == 2
        types = page.locator(".search-result__meta .type-badge").all_text_contents()
        assert sorted(types) == ["Analyse", "Expérience"]
        # The filters: by type, as the row says.
        page.check(".facet input[name=type][value='0']")
        page.wait_for_function("() => location.search.includes('type=0')")
        assert page.locator(".search-result__title a").all_inner_texts() == ["Premier cas"]
        assert page.console_errors == [] and page.failed_requests == []
