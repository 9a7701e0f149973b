"""The interface's words: gettext catalogues of the themes, and dates in each language.

Each theme may ship `locales/<lang>/LC_MESSAGES/messages.po`. The msgids are keys
("home", "direct_count"); a user theme's entries win over the default theme's, one
msgid at a time. A word missing in a language is taken from the site's first language.
Values are put in with `{name}` (python-brace-format) or, for the msgids that Jinja's
`{% trans %}` makes, `%(name)s` (python-format).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import PoFileError, read_po
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from treillis.default_theme import DEFAULT_THEME
from treillis.errors import BuildError, Problem, Problems
from treillis.languages import REGISTRY

# One message: a text, or one text per plural form.
Entry = str | tuple[str, ...]


def catalogue_path(theme: Path, lang: str) -> Path:
    return theme / "locales" / lang / "LC_MESSAGES" / "messages.po"


@dataclass
class Translations:
    """The interface's words of a site in each of its languages, read from its themes."""

    languages: list[str]
    themes: list[Path]  # most specific first; the default theme last
    # lang -> msgid -> entry, every theme merged (the most specific wins)
    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)
    # lang -> the catalogue files read, most specific first
    files: dict[str, list[Path]] = field(default_factory=dict)

    @classmethod
    def read(cls, themes: Sequence[Path], languages: Iterable[str]) -> Translations:
        """Read the catalogues of `languages` in `themes`; a broken one is a BuildError."""
        translations = cls(list(languages), list(themes))
        problems: list[Problem] = []
        for lang in translations.languages:
            merged: dict[str, Entry] = {}
            files = [catalogue_path(t, lang) for t in themes if catalogue_path(t, lang).is_file()]
            for path in reversed(files):  # the default theme first, overridden after
                merged.update(_read_catalogue(path, problems))
            translations.entries[lang] = merged
            translations.files[lang] = files
        if problems:
            raise BuildError(problems)
        return translations

    @property
    def first(self) -> str:
        return self.languages[0]

    def entry(self, key: str, lang: str) -> tuple[Entry, str] | None:
        """The message `key` and the language it is written in: `lang`'s, or else the
        site's first language's (None: in neither)."""
        for candidate in (lang, self.first):
            found = self.entries.get(candidate, {}).get(key)
            if found:
                return found, candidate
        return None

    def text(self, key: str, lang: str, count: int | None = None) -> str:
        """The text of `key` in `lang` (its plural form for `count`); the key if unknown."""
        found = self.entry(key, lang)
        if found is None:
            return key
        entry, written_in = found
        if isinstance(entry, str):
            return entry
        index = REGISTRY[written_in].plural_index(count) if count is not None else 0
        return entry[min(index, len(entry) - 1)]

    def messages(self, lang: str) -> Messages:
        return Messages(self, lang)

    def missing(self) -> list[Problem]:
        """A warning for each message missing in one of the site's languages, located in
        the catalogue file to add it to."""
        known: dict[str, None] = {}
        for lang in self.languages:
            known.update(dict.fromkeys(self.entries[lang]))
        warnings = []
        for lang in self.languages:
            # In the most specific theme: the user's, whose catalogue may not exist yet.
            where = catalogue_path(self.themes[0], lang)
            absent = [key for key in known if not self.entries[lang].get(key)]
            if not self.files[lang]:
                message = f"no catalogue of the interface's words in '{lang}': its pages use " + (
                    f"those of '{self.first}'" if lang != self.first else "the message keys"
                )
                warnings.append(Problem(Problems.display(where), 1, message))
                continue
            for key in absent:
                fallback = "its key" if lang == self.first else f"the '{self.first}' text"
                warnings.append(
                    Problem(
                        Problems.display(where),
                        1,
                        f"the interface text '{key}' is missing in '{lang}': pages show "
                        f'{fallback} instead (add a msgid "{key}" with its msgstr)',
                    )
                )
        return warnings

    def browser_strings(self, lang: str, keys: Iterable[str]) -> dict[str, Any]:
        """The messages `keys` in `lang` for a browser script: a text, or a list of
        plural forms to pick with the language's plural table."""
        result: dict[str, Any] = {}
        for key in keys:
            found = self.entry(key, lang)
            result[key] = (
                key
                if found is None
                else (found[0] if isinstance(found[0], str) else list(found[0]))
            )
        return result


def _read_catalogue(path: Path, problems: list[Problem]) -> dict[str, Entry]:
    try:
        with path.open("rb") as file:
            catalog = read_po(file, abort_invalid=True)
    except PoFileError as error:
        # Babel counts lines from 0 and ends its message with " on <that number>".
        line = int(getattr(error, "lineno", 0) or 0) + 1
        reason = str(error).rsplit(" on ", 1)[0]
        problems.append(
            Problem(
                Problems.display(path),
                line,
                f'unreadable catalogue: {reason} (a .po file: msgid "…" then msgstr "…")',
            )
        )
        return {}
    except (OSError, UnicodeDecodeError, ValueError) as error:
        problems.append(Problem(Problems.display(path), 1, f"unreadable catalogue: {error}"))
        return {}
    entries: dict[str, Entry] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue  # the header, and the guesses a translator has not checked yet
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        value = message.string
        if isinstance(value, tuple | list):
            if all(value):
                entries[key] = tuple(value)
        elif value:
            entries[key] = value
    return entries


def _fill(text: str, values: dict[str, Any]) -> Any:
    """Put `values` in `text`: `{name}` placeholders, or the `%(name)s` ones (and `%%`)
    of the msgids Jinja's `{% trans %}` makes."""
    if "%(" in text or "%%" in text:
        return text % values
    return text.format(**values) if values else text


class Messages:
    """The interface's words in one language: `t(key, **values)` for views and templates,
    and the gettext functions of Jinja's i18n extension (`_`, `gettext`, `ngettext`)."""

    def __init__(self, translations: Translations, lang: str) -> None:
        self.translations = translations
        self.lang = lang
        # Each text found once (views ask for the same words on thousands of pages).
        self._texts: dict[tuple[str, int | None], str] = {}

    def t(self, key: str, **values: Any) -> str:
        """The text of `key`; with an integer `n`, in its plural form for n."""
        count = values.get("n")
        if not isinstance(count, int):
            count = None
        text = self._texts.get((key, count))
        if text is None:
            text = self._texts[key, count] = self.translations.text(key, self.lang, count)
        if count is not None:
            values["n"] = self._number(count)
        return _fill(text, values)

    def _number(self, count: int) -> str:
        """A count as the language writes it: `24 000` in French (a narrow no-break space)."""
        return REGISTRY[self.lang].format_number(count)

    __call__ = t

    def jinja_functions(self) -> dict[str, Callable[..., Any]]:
        """`gettext`, `ngettext` and `_`, as Jinja's i18n extension calls them (newstyle:
        the values are passed to them; translations are trusted, values escaped)."""
        text = self.translations.text
        lang = self.lang

        @pass_context
        def gettext(context: Context, key: str, **values: Any) -> Any:
            found = text(key, lang)
            if context.eval_ctx.autoescape:
                found = Markup(found)
            return _fill(found, values)

        @pass_context
        def ngettext(context: Context, singular: str, plural: str, num: int, **values: Any) -> Any:
            values.setdefault("num", self._number(num) if isinstance(num, int) else num)
            if self.translations.entry(singular, lang) is None:
                found = singular if num == 1 else plural  # not translated: gettext's rule
            else:
                found = text(singular, lang, num)
            if context.eval_ctx.autoescape:
                found = Markup(found)
            return _fill(found, values)

        return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


@lru_cache(maxsize=8)
def default_translations(languages: tuple[str, ...]) -> Translations:
    """The default theme's catalogues alone (read once: they are part of Treillis)."""
    return Translations.read([DEFAULT_THEME], languages)


def translator(lang: str) -> Messages:
    """The default theme's words in `lang` (a site's views use its themes' words)."""
    return default_translations((lang,)).messages(lang)


def format_date(value: str, lang: str) -> str:
    """`2024-03-15` → `15 mars 2024` (fr), `March 15, 2024` (en), `12 de outubro de 2015` (pt)."""
    return REGISTRY[lang].format_date(value)


def language_names() -> dict[str, str]:
    """Each known language's name in itself."""
    return {code: language.name for code, language in REGISTRY.items()}
