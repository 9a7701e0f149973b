"""The languages Treillis knows: the one place that describes each of them.

Adding a language is an entry here and a catalogue of the interface's words in the
default theme (themes/default/locales/<code>/LC_MESSAGES/messages.po).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class Language:
    """What Treillis needs to know about one language."""

    code: str  # ISO 639-1, as written in site.yaml and `lang:` fields
    name: str  # the language's name in itself, for the language menu and search facets
    plural: str  # gettext's Plural-Forms expression, for instance "n > 1"
    plural_count: int  # how many plural forms (gettext's nplurals)
    months: tuple[str, ...]  # month names, January first, as written inside a date
    date: str  # a full date: {day} {month} {year}
    month_date: str  # a month without day: {month} {year}
    og_locale: str  # OpenGraph's locale (language_TERRITORY)
    search: str  # the name of the search pipeline (treillis.search.pipelines)
    # Words that carry no meaning on their own: not keywords of the permuted index.
    minor_words: frozenset[str] = frozenset()
    # The words of the `<!-- synthesis -->` marker of dossiers in this language.
    synthesis: tuple[str, ...] = ()
    direction: str = "ltr"  # text direction, for the dir attribute of pages
    first_day: str = ""  # how the first day of a month is written, when not "1"
    # French spacing: no-break spaces before : ; ! ? % » and after « (see `french_spacing`).
    french_spacing: bool = False
    thousands: str = ","  # the thousands separator of numbers Treillis writes

    def typeset(self, text: str) -> str:
        """`text` with this language's typographic spaces (unchanged for most languages)."""
        return french_spacing(text) if self.french_spacing else text

    def format_number(self, number: int) -> str:
        """An integer with this language's thousands separator: `24 000` in French."""
        return f"{number:,}".replace(",", self.thousands)

    @cached_property
    def _plural_function(self) -> Callable[[int], int]:
        return gettext.c2py(self.plural)

    def plural_index(self, count: int) -> int:
        """Which plural form `count` takes (0: the first, as in gettext catalogues)."""
        return int(self._plural_function(count))

    def plural_table(self) -> list[int]:
        """The plural form of 0 to 199, for the browser scripts, which have no gettext.

        Every gettext plural rule depends on n, n % 10 and n % 100 with bounds under
        200, so a count n of 200 or more takes the form of 100 + n % 100.
        """
        return [self.plural_index(n) for n in range(200)]

    def format_date(self, value: str) -> str:
        """`2024-03-15` (or `2024-03`, `2024`) written the way this language writes it."""
        if not value:
            return ""
        parts = [int(p) for p in value.split("-")]
        year = str(parts[0])
        if len(parts) < 2:
            return year
        month = self.months[parts[1] - 1]
        if len(parts) < 3:
            return self.month_date.format(month=month, year=year)
        day = self.first_day if parts[2] == 1 and self.first_day else str(parts[2])
        return self.date.format(day=day, month=month, year=year)


NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"

# French typesetters' spaces: a narrow no-break space before ; ! ?, a no-break space
# before : and », after « and between a number and %. Only ordinary spaces (and line
# ends) are replaced, so a colon in a URL or a time stays as it is, spaces the author
# chose stay, and typesetting twice changes nothing.
# Each with the characters without which it cannot match (most texts have none of
# some of them: those patterns are not run at all).
_FRENCH_SPACES = (
    (";!?", re.compile(r"[ \n]+([;!?])"), NARROW_NO_BREAK_SPACE + r"\1"),
    (":", re.compile(r"[ \n]+(:)"), NO_BREAK_SPACE + r"\1"),
    ("%", re.compile(r"(?<=\d)[ \n]+%"), NO_BREAK_SPACE + "%"),
    # Guillemets always have their space inside, written or not.
    ("«", re.compile(r"«(?:[ \n]+|(?!\s))"), "«" + NO_BREAK_SPACE),
    ("»", re.compile(r"(?:[ \n]+|(?<!\s))»"), NO_BREAK_SPACE + "»"),
)


def french_spacing(text: str) -> str:
    """`Il a dit : « oui » ; vraiment ? 50 %` with French no-break spaces."""
    for needed, pattern, replacement in _FRENCH_SPACES:
        for char in needed:
            if char in text:
                text = pattern.sub(replacement, text)
                break
    return text


REGISTRY: dict[str, Language] = {
    language.code: language
    for language in (
        Language(
            code="fr",
            name="Français",
            plural="n > 1",
            plural_count=2,
            months=(
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ),
            date="{day} {month} {year}",
            month_date="{month} {year}",
            first_day="1er",
            french_spacing=True,
            thousands=NARROW_NO_BREAK_SPACE,
            og_locale="fr_FR",
            search="fr",
            minor_words=frozenset(
                [
                    "a",
                    "au",
                    "aux",
                    "avec",
                    "ce",
                    "ces",
                    "d",
                    "dans",
                    "de",
                    "des",
                    "du",
                    "en",
                    "entre",
                    "et",
                    "l",
                    "la",
                    "le",
                    "les",
                    "leur",
                    "leurs",
                    "ou",
                    "où",
                    "par",
                    "pour",
                    "qu",
                    "que",
                    "qui",
                    "sa",
                    "se",
                    "ses",
                    "son",
                    "sous",
                    "sur",
                    "un",
                    "une",
                    "à",
                ]
            ),
            synthesis=("synthèse", "synthese"),
        ),
        Language(
            code="en",
            name="English",
            plural="n != 1",
            plural_count=2,
            months=(
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ),
            date="{month} {day}, {year}",
            month_date="{month} {year}",
            og_locale="en_GB",
            search="en",
            minor_words=frozenset(
                [
                    "a",
                    "an",
                    "and",
                    "as",
                    "at",
                    "by",
                    "for",
                    "from",
                    "in",
                    "into",
                    "its",
                    "of",
                    "on",
                    "or",
                    "the",
                    "their",
                    "to",
                    "with",
                ]
            ),
            synthesis=("synthesis",),
        ),
        Language(
            code="es",
            name="Español",
            plural="n != 1",
            plural_count=2,
            months=(
                "enero",
                "febrero",
                "marzo",
                "abril",
                "mayo",
                "junio",
                "julio",
                "agosto",
                "septiembre",
                "octubre",
                "noviembre",
                "diciembre",
            ),
            date="{day} de {month} de {year}",
            month_date="{month} de {year}",
            thousands=".",
            og_locale="es_ES",
            search="es",
            minor_words=frozenset(
                [
                    "a",
                    "al",
                    "con",
                    "de",
                    "del",
                    "el",
                    "en",
                    "entre",
                    "la",
                    "las",
                    "lo",
                    "los",
                    "o",
                    "para",
                    "por",
                    "su",
                    "sus",
                    "un",
                    "una",
                    "y",
                ]
            ),
            synthesis=("síntesis", "sintesis"),
        ),
        Language(
            code="pt",
            name="Português",
            plural="n != 1",
            plural_count=2,
            months=(
                "janeiro",
                "fevereiro",
                "março",
                "abril",
                "maio",
                "junho",
                "julho",
                "agosto",
                "setembro",
                "outubro",
                "novembro",
                "dezembro",
            ),
            date="{day} de {month} de {year}",
            month_date="{month} de {year}",
            thousands=NARROW_NO_BREAK_SPACE,
            og_locale="pt_PT",
            search="pt",
            minor_words=frozenset(
                [
                    "a",
                    "ao",
                    "aos",
                    "as",
                    "com",
                    "da",
                    "das",
                    "de",
                    "do",
                    "dos",
                    "e",
                    "em",
                    "entre",
                    "na",
                    "nas",
                    "no",
                    "nos",
                    "o",
                    "os",
                    "ou",
                    "para",
                    "pela",
                    "pelas",
                    "pelo",
                    "pelos",
                    "por",
                    "se",
                    "seu",
                    "seus",
                    "sua",
                    "suas",
                    "um",
                    "uma",
                    "à",
                ]
            ),
            synthesis=("síntese", "sintese"),
        ),
    )
}

CODES: tuple[str, ...] = tuple(REGISTRY)


def language(code: str) -> Language:
    """The registry's entry for `code` (a KeyError for a code it does not know)."""
    return REGISTRY[code]


def date_format(code: str) -> dict[str, Any]:
    """How `code` writes dates, for the browser scripts (they mirror `Language.format_date`)."""
    entry = REGISTRY[code]
    return {
        "months": list(entry.months),
        "date": entry.date,
        "month_date": entry.month_date,
        "first_day": entry.first_day,
    }


def browser_data(code: str) -> dict[str, Any]:
    """What the browser scripts need to know about a language."""
    entry = REGISTRY[code]
    return {
        "code": entry.code,
        "name": entry.name,
        "direction": entry.direction,
        "plural": entry.plural_table(),
        "search": entry.search,
    }
