"""The interface speaks French, English and Spanish, with plurals and dates."""

from __future__ import annotations

import pytest

from treillis.i18n import STRINGS, format_date, translator


def test_every_interface_text_exists_in_every_language() -> None:
    keys = {lang: set(strings) for lang, strings in STRINGS.items()}
    assert keys["fr"] == keys["en"] == keys["es"]


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("fr", 0, "0 document indexé ici"),
        ("fr", 1, "1 document indexé ici"),
        ("fr", 2, "2 documents indexés ici"),
        ("en", 0, "0 documents indexed here"),
        ("en", 1, "1 document indexed here"),
        ("es", 3, "3 documentos indexados aquí"),
    ],
)
def test_plurals_follow_each_language(lang: str, count: int, expected: str) -> None:
    assert translator(lang)("direct_count", n=count) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("2024-03-15", "fr", "15 mars 2024"),
        ("2024-03-01", "fr", "1er mars 2024"),
        ("2024-03", "fr", "mars 2024"),
        ("2024", "fr", "2024"),
        ("2024-03-15", "en", "March 15, 2024"),
        ("2024-08-02", "es", "2 de agosto de 2024"),
        ("", "fr", ""),
    ],
)
def test_dates_are_written_the_way_each_language_writes_them(
    value: str, lang: str, expected: str
) -> None:
    assert format_date(value, lang) == expected
