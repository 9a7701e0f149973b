"""The interface's words: gettext catalogues of the themes, plurals and dates per language."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po

from treillis.errors import BuildError
from treillis.i18n import DEFAULT_THEME, Translations, catalogue_path, format_date, translator
from treillis.languages import REGISTRY
from treillis.model import SiteConfig, Text
from treillis.render import Renderer
from treillis.views.common import Page


def po(path: Path, entries: str, plural: str = "nplurals=2; plural=(n != 1);") -> Path:
    """Write a catalogue: a header and `entries` (msgid/msgstr lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f'msgid ""\nmsgstr ""\n"Plural-Forms: {plural}\\n"\n\n'
    path.write_text(header + textwrap.dedent(entries), encoding="utf-8")
    return path


def test_every_language_of_the_registry_has_a_complete_catalogue() -> None:
    translations = Translations.read([DEFAULT_THEME], list(REGISTRY))
    english = set(translations.entries["en"])
    assert len(english) > 100
    for lang in REGISTRY:
        assert set(translations.entries[lang]) == english, lang
    assert translations.missing() == []


def test_each_catalogue_declares_the_plural_rule_of_the_registry() -> None:
    for lang, language in REGISTRY.items():
        with catalogue_path(DEFAULT_THEME, lang).open("rb") as file:
            catalog = read_po(file)
        assert catalog.num_plurals == language.plural_count, lang
        assert catalog.plural_expr.strip("()") == language.plural, lang


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("fr", 0, "0 document indexé ici"),
        ("fr", 1, "1 document indexé ici"),
        ("fr", 2, "2 documents indexés ici"),
        ("en", 0, "0 documents indexed here"),
        ("en", 1, "1 document indexed here"),
        ("es", 3, "3 documentos indexados aquí"),
        ("pt", 0, "0 documentos indexados aqui"),
        ("pt", 1, "1 documento indexado aqui"),
    ],
)
def test_plurals_follow_each_language(lang: str, count: int, expected: str) -> None:
    assert translator(lang)("direct_count", n=count) == expected


def test_the_browser_plural_table_holds_for_any_count() -> None:
    # search-ui.js takes the form of n >= 200 from 100 + n % 100.
    for language in REGISTRY.values():
        table = language.plural_table()
        for n in (200, 201, 1001, 123456):
            assert table[100 + n % 100] == language.plural_index(n)


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("2024-03-15", "fr", "15 mars 2024"),
        ("2024-03-01", "fr", "1er mars 2024"),
        ("2024-03", "fr", "mars 2024"),
        ("2024", "fr", "2024"),
        ("2024-03-15", "en", "March 15, 2024"),
        ("2024-08-02", "es", "2 de agosto de 2024"),
        ("2015-10-12", "pt", "12 de outubro de 2015"),
        ("2015-03", "pt", "março de 2015"),
        ("", "fr", ""),
    ],
)
def test_dates_are_written_the_way_each_language_writes_them(
    value: str, lang: str, expected: str
) -> None:
    assert format_date(value, lang) == expected


def test_a_user_theme_overrides_a_string_and_keeps_the_others(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    po(catalogue_path(theme, "fr"), 'msgid "home"\nmsgstr "Début"\n', "nplurals=2; plural=(n > 1);")
    translations = Translations.read([theme, DEFAULT_THEME], ["fr", "en"])
    assert translations.messages("fr")("home") == "Début"
    assert translations.messages("fr")("atlas") == "Atlas"
    assert translations.messages("fr")("direct_count", n=2) == "2 documents indexés ici"
    assert translations.messages("en")("home") == "Home"
    assert translations.missing() == []


def test_a_user_theme_adds_a_string_missing_in_one_language(tmp_path: Path) -> None:
    """The page falls back to the site's first language; the check names the .po file."""
    theme = tmp_path / "theme"
    fr = po(catalogue_path(theme, "fr"), 'msgid "welcome"\nmsgstr "Bienvenue"\n')
    en = po(catalogue_path(theme, "en"), 'msgid "other"\nmsgstr "Other"\n')
    translations = Translations.read([theme, DEFAULT_THEME], ["fr", "en"])
    assert translations.messages("en")("welcome") == "Bienvenue"
    warnings = [str(w) for w in translations.missing()]
    assert warnings == [
        f"{fr}:1: the interface text 'other' is missing in 'fr': pages show its key instead "
        '(add a msgid "other" with its msgstr)',
        f"{en}:1: the interface text 'welcome' is missing in 'en': pages show the 'fr' text "
        'instead (add a msgid "welcome" with its msgstr)',
    ]


def test_a_broken_catalogue_is_a_located_problem(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    path = po(catalogue_path(theme, "fr"), 'msgid "home"\nmsgstr "Début"\nDébut\n')
    with pytest.raises(BuildError) as error:
        Translations.read([theme, DEFAULT_THEME], ["fr"])
    [problem] = error.value.problems
    assert (problem.path, problem.line) == (str(path), 7)
    assert problem.message.startswith("unreadable catalogue: ")


def test_templates_use_jinja_i18n_in_the_page_language(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "words.html").write_text(
        "{{ _('home') }}|{{ ngettext('documents_count', 'documents_count', 2, n=2) }}|"
        "{% trans %}Hello{% endtrans %}|{{ _('list_part', first=1, last=2, total='<b>') }}",
        encoding="utf-8",
    )
    po(catalogue_path(theme, "pt"), 'msgid "Hello"\nmsgstr "Olá"\n')
    config = SiteConfig(Text({"fr": "T"}, "fr"), Text({}, "fr"), ["fr", "pt"])
    renderer = Renderer([theme, DEFAULT_THEME], config)
    assert isinstance(renderer.env, jinja2.Environment)
    rendered = {
        lang: renderer.render(
            Page(path=f"{lang}/x.html", template="words.html", lang=lang, title="x")
        )
        for lang in ("fr", "pt")
    }
    assert rendered["fr"] == "Accueil|2 documents|Hello|Documents 1 à 2 sur &lt;b&gt;"
    assert rendered["pt"] == "Início|2 documentos|Olá|Documentos 1 a 2 de &lt;b&gt;"


def test_templates_look_up_a_word_without_values_once_per_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`t('key')` is the same on every page of a language: the catalogue is searched for it
    once; with values (`n=`…) it is made each time, and each language has its own words."""
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "words.html").write_text(
        "{{ t('visited') }}|{{ t('visited') }}|{{ t('documents_count', n=page.title | int) }}",
        encoding="utf-8",
    )
    config = SiteConfig(Text({"fr": "T"}, "fr"), Text({}, "fr"), ["fr", "pt"])
    renderer = Renderer([theme, DEFAULT_THEME], config)
    looked_up: list[str] = []
    text = renderer.interface.text

    def counted(key: str, lang: str, count: int | None = None) -> str:
        looked_up.append(key)
        return text(key, lang, count)

    monkeypatch.setattr(renderer.interface, "text", counted)
    rendered = [
        renderer.render(
            Page(path=f"{lang}/{n}.html", template="words.html", lang=lang, title=str(n))
        )
        for lang in ("fr", "pt")
        for n in (1, 3)
    ]
    assert rendered == [
        "déjà vu|déjà vu|1 document",
        "déjà vu|déjà vu|3 documents",
        "já visto|já visto|1 documento",
        "já visto|já visto|3 documentos",
    ]
    assert looked_up.count("visited") == 2 and looked_up.count("documents_count") == 4


def test_check_warns_about_a_string_missing_in_a_site_language(small_site: Path) -> None:
    theme = small_site.parent / "theme"
    po(catalogue_path(theme, "fr"), 'msgid "welcome"\nmsgstr "Bienvenue"\n')
    config = small_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "theme: ../theme\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "treillis", "check", str(small_site)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "theme/locales/en/LC_MESSAGES/messages.po" in result.stdout + result.stderr
    assert "'welcome' is missing in 'en'" in result.stdout + result.stderr
