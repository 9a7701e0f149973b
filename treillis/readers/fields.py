"""Typed access to the fields of one YAML mapping, reporting every problem with its line."""

from __future__ import annotations

import datetime
import ipaddress
import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from text_unidecode import unidecode

from treillis.errors import Problems, did_you_mean
from treillis.model import Ref, Text
from treillis.schema import KINDS, READ_APART, Kind
from treillis.sources import Folded, LineDict, LineList

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
DATE_PATTERN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
COLOUR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}\Z")


def _ascii(char: str) -> str:
    """One character of a decomposed (NFKD) text in ASCII: a letter or digit that has no
    ASCII form of its own (œ, ß, æ, ø, ł, Cyrillic…) is transliterated, to keep the word
    readable; accents (combining marks), punctuation and symbols are dropped, as they
    always were, so that every identifier made before keeps its value."""
    if char.isascii():
        return char
    if unicodedata.category(char)[0] in "LN":
        return unidecode(char)
    return ""


def slugify(text: str) -> str:
    """A valid identifier close to `text`: `Cœur de ville` → `coeur-de-ville`,
    `Straße` → `strasse` (accents dropped, letters transliterated, spaces to hyphens)."""
    ascii_text = "".join(_ascii(char) for char in unicodedata.normalize("NFKD", text))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def id_problem(value: str) -> str | None:
    """Why `value` is not a valid identifier, or None when it is."""
    if ID_PATTERN.match(value):
        return None
    hint = slugify(value)
    suggestion = f" (for instance '{hint}')" if hint else ""
    return (
        f"'{value}' is not a valid identifier: use lower-case letters a-z, digits and "
        f"hyphens only{suggestion}"
    )


URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*\Z")
# The ASCII characters an address may hold as they are (RFC 3986): any other one (a space,
# <>"{}|\^` or a control character) must be percent-encoded. Beyond ASCII, letters and
# signs are welcome (an IRI) but not spaces nor invisible controls.
URI_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
HOST_LABEL = re.compile(r"(?!-)[\w-]{1,63}(?<!-)\Z")


def _character_problem(value: str) -> str | None:
    for char in value:
        if char in URI_CHARACTERS:
            continue
        if ord(char) < 0x80 or unicodedata.category(char)[0] in "CZ":
            shown = (
                "a space"
                if char == " "
                else f"the character '{char}'"
                if char.isprintable()
                else f"the character U+{ord(char):04X}"
            )
            encoded = "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "replace"))
            return f"{shown} is not allowed in an address (write it {encoded})"
    if BAD_PERCENT.search(value):
        return "'%' must start a code of two hexadecimal digits (write a '%' itself as %25)"
    return None


def _host_problem(netloc: str, host: str) -> str | None:
    if not host:
        return "it has no host name (for instance https://example.org/)"
    if "[" in netloc:  # an IPv6 address
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"'[{host}]' is not a valid IPv6 address"
        return None
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if len(host) > 253 or not all(HOST_LABEL.match(label) for label in labels):
        return f"'{host}' is not a valid host name"
    if labels[-1].isdigit():  # browsers read it as an IPv4 address
        try:
            ipaddress.IPv4Address(host.rstrip("."))
        except ValueError:
            return f"'{host}' is not a valid IPv4 address"
    return None


def address_problem(value: str, web: bool = True) -> str | None:
    """Why `value` is not an address, or None when it is: with `web`, an http:// or
    https:// address with a valid host (never javascript:, data:, file:…); else an
    absolute URI of any scheme (http:, ark:, urn:…), as thesauri name concepts.

    The one rule for every address Treillis reads (site.yaml, options, descriptors):
    what passes is safe in HTML, XML, Turtle and JSON as it is."""
    scheme, colon, rest = value.partition(":")
    if not colon or not URI_SCHEME.match(scheme) or not rest:
        return (
            "it must start with https:// or http://"
            if web
            else "it must start with a scheme such as http:"
        )
    if web and (scheme.lower() not in ("http", "https") or not rest.startswith("//")):
        return "it must start with https:// or http://"
    if problem := _character_problem(value):
        return problem
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (read to check it: a port that is not a number raises)
    except ValueError:
        return "its host or port is not valid"
    if "[" in parts.path + parts.query + parts.fragment or "]" in (
        parts.path + parts.query + parts.fragment
    ):
        return "the characters '[' and ']' are only allowed around an IPv6 host (write %5B, %5D)"
    if "#" in parts.fragment:
        return "only one '#' is allowed (write the others %23)"
    if web or parts.netloc:
        return _host_problem(parts.netloc, parts.hostname or "")
    return None


def is_web_address(value: str) -> bool:
    """An http:// or https:// address (never javascript:, data:, file:…)."""
    return address_problem(value) is None


def _shown(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def date_problem(value: str) -> str | None:
    """Why `value` is not a date (YYYY, YYYY-MM or YYYY-MM-DD), or None when it is."""
    match = DATE_PATTERN.match(value)
    if match:
        year, month, day = (int(part) if part else 1 for part in match.groups())
        try:
            datetime.date(year, month, day)
            return None
        except ValueError:
            pass
    return f"'{value}' is not a valid date: write it YYYY-MM-DD (for instance 2024-03-15)"


class Fields:
    """The fields of one item (a mapping read from YAML), checked one by one."""

    def __init__(
        self,
        data: LineDict,
        path: Path,
        problems: Problems,
        kind: str | tuple[str, ...],
        languages: list[str],
        what: str = "",
    ) -> None:
        """`kind` names the definition the fields follow (`treillis.schema.KINDS`); a
        tuple of names instead accepts those fields, each read as the reader says."""
        self.kind = KINDS[kind] if isinstance(kind, str) else Kind("", what, ())
        known = self.kind.names if isinstance(kind, str) else kind
        self.data = data
        self.path = path
        self.problems = problems
        self.languages = languages
        self.what = what or self.kind.what
        for key in data:
            if key not in known:
                self.error(key, f"unknown field '{key}' in {self.what}{did_you_mean(key, known)}")

    def line(self, key: str) -> int:
        return self.data.line_of(key)

    def error(self, key: str | None, message: str) -> None:
        self.problems.add(self.path, self.line(key) if key else self.data.line, message)

    def get(self, key: str) -> Any:
        """A field's value, read and checked as its definition says."""
        definition = self.kind.get(key)
        if definition is None or definition.type in READ_APART:
            raise KeyError(f"{self.kind.what} has no field '{key}' read by Fields.get")
        required = definition.required and not (
            definition.unless and self._value(definition.unless, False) is not None
        )
        match definition.type:
            case "id":
                return self.ident(key)
            case "text":
                return self.text(key, required)
            case "string" | "file":
                return self.string(key, required)
            case "strings":
                return self.strings(key)
            case "synonyms":
                return self.synonyms(key)
            case "ref":
                return self.ref(key, required)
            case "refs":
                return self.refs(key)
            case "date":
                return self.date(key, required)
            case "url":
                return self.url(key, required)
            case "uri":
                return self.uri(key)
            case "colour":
                return self.colour(key, required)
            case "choice":
                return self.choice(key, definition.choices, required)
            case "language":
                return self.choice(key, tuple(self.languages), required)
            case "boolean":
                return self.choice(key, ("true", "false"), required) == "true"
        raise AssertionError(f"no reading for the type '{definition.type}'")

    def values(self, *skip: str) -> dict[str, Any]:
        """Every field of the definition that `get` reads, but those skipped, by name:
        the keyword arguments of the model's item."""
        return {
            definition.name: self.get(definition.name)
            for definition in self.kind.fields
            if definition.type not in READ_APART and definition.name not in skip
        }

    def _value(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None or value in ("", "~", "null", "Null", "NULL") or value == []:
            if required:
                self.error(None, f"{self.what}: the field '{key}' is required")
            return None
        return value

    def string(self, key: str, required: bool = False) -> str:
        value = self._value(key, required)
        if value is None:
            return ""
        if isinstance(value, dict | list):
            self.error(key, f"the field '{key}' must be a single text")
            return ""
        return str(value).strip()

    def text(self, key: str, required: bool = False) -> Text:
        """A text in several languages: a plain text, or one text per language."""
        value = self._value(key, required)
        default = self.languages[0]
        if value is None:
            return Text({}, default)
        if isinstance(value, list):
            self.error(key, f"the field '{key}' must be a text, or one text per language")
            return Text({}, default)
        if not isinstance(value, dict):
            return Text({default: str(value).strip()}, default)
        values: dict[str, str] = {}
        for lang, item in value.items():
            if lang not in self.languages:
                self.problems.add(self.path, value.line_of(lang), self._unknown_language(lang, key))
            elif isinstance(item, dict | list):
                self.problems.add(
                    self.path, value.line_of(lang), f"the '{lang}' text of '{key}' must be a text"
                )
            elif item is not None and str(item).strip():
                values[lang] = str(item).strip()
        if required and default not in values:
            self.error(key, f"the field '{key}' needs a text in the default language '{default}'")
        return Text(values, default)

    def _unknown_language(self, lang: str, key: str) -> str:
        return (
            f"unknown language '{lang}' in '{key}': the site's languages are "
            f"{', '.join(self.languages)}{did_you_mean(lang, self.languages)}"
        )

    def _check_list_layout(self, key: str, value: Any, folded: Folded | None) -> None:
        """Warn when YAML reads a list otherwise than it looks: a text over several lines
        where a list is expected, or an item whose next line is a deeper `- item`."""
        if isinstance(value, str) and folded is not None:
            lines = folded.last - folded.first + 1
            self.problems.warn(
                self.path,
                folded.first,
                f"'{key}' is read as one text written over {lines} lines ('{_shown(value)}'): "
                "to list several, start each one on its own line with '- '",
            )
        elif isinstance(value, LineList):
            for index, item in sorted(value.folded.items()):
                if item.dashes:
                    self.problems.warn(
                        self.path,
                        item.dashes[0],
                        f"'{_shown(str(value[index]))}' is read as one item of '{key}': this "
                        "'- ' is indented deeper than the item above; indent it like the other "
                        "items to make it an item of its own",
                    )

    def strings(self, key: str) -> list[str]:
        """A list of texts (a single text is a list of one)."""
        value = self._value(key, False)
        if value is None:
            return []
        self._check_list_layout(key, value, self.data.folded.get(key))
        items = value if isinstance(value, list) else [value]
        result = []
        for item in items:
            if isinstance(item, dict | list):
                self.error(key, f"each item of '{key}' must be a single text")
            elif item is not None and str(item).strip():
                result.append(str(item).strip())
        return result

    def synonyms(self, key: str) -> dict[str, list[str]]:
        """Texts per language: {fr: [...], en: [...]} (a plain list is the default language's)."""
        value = self._value(key, False)
        if value is None:
            return {}
        if not isinstance(value, dict):
            return {self.languages[0]: self.strings(key)}
        result: dict[str, list[str]] = {}
        for lang, items in value.items():
            line = value.line_of(lang)
            if lang not in self.languages:
                self.problems.add(self.path, line, self._unknown_language(lang, key))
                continue
            self._check_list_layout(f"{key}: {lang}", items, value.folded.get(lang))
            result[lang] = []
            for item in items if isinstance(items, list) else [items]:
                if isinstance(item, dict | list):
                    self.problems.add(
                        self.path, line, f"each '{lang}' synonym must be a single text"
                    )
                elif item and item.strip():
                    result[lang].append(item.strip())
        return result

    def refs(self, key: str) -> list[Ref]:
        """A list of references to other items (identifiers), each with its line."""
        value = self._value(key, False)
        if value is None:
            return []
        self._check_list_layout(key, value, self.data.folded.get(key))
        if isinstance(value, dict):
            self.error(key, f"the field '{key}' must be a list of identifiers")
            return []
        if not isinstance(value, list):
            return [Ref(str(value).strip(), self.line(key))]
        lines = value.item_lines if isinstance(value, LineList) else []
        result = []
        for index, item in enumerate(value):
            line = lines[index] if index < len(lines) else self.line(key)
            if isinstance(item, dict | list) or item is None:
                self.problems.add(self.path, line, f"each item of '{key}' must be an identifier")
            else:
                result.append(Ref(str(item).strip(), line))
        return result

    def ref(self, key: str, required: bool = False) -> Ref | None:
        value = self.string(key, required)
        return Ref(value, self.line(key)) if value else None

    def ident(self, key: str) -> str:
        """The item's own identifier (required, checked)."""
        value = self.string(key, required=True)
        if value and (problem := id_problem(value)):
            self.error(key, problem)
            return ""
        return value

    def date(self, key: str, required: bool = False) -> str:
        value = self.string(key, required)
        if value and (problem := date_problem(value)):
            self.error(key, problem)
            return ""
        return value

    def choice(self, key: str, options: tuple[str, ...], required: bool = False) -> str:
        value = self.string(key, required)
        if value and value not in options:
            self.error(
                key,
                f"unknown {key} '{value}': choose one of {', '.join(options)}"
                f"{did_you_mean(value, options)}",
            )
            return ""
        return value

    def url(self, key: str, required: bool = False) -> str:
        """A web address (http:// or https://)."""
        value = self.string(key, required)
        if value and (problem := address_problem(value)):
            self.error(key, f"'{value}' is not a valid web address: {problem}")
            return ""
        return value

    def uri(self, key: str) -> str:
        """An absolute URI of any scheme (http:, ark:, urn:…), as thesauri name concepts."""
        value = self.string(key)
        if value and (problem := address_problem(value, web=False)):
            self.error(key, f"'{value}' is not a valid URI: {problem}")
            return ""
        return value

    def colour(self, key: str, required: bool = False) -> str:
        value = self.string(key, required)
        if value and not COLOUR_PATTERN.match(value):
            self.error(key, f"'{value}' is not a colour: write it #rrggbb (for instance #2b6f8f)")
            return ""
        return value

    def mapping(self, key: str) -> LineDict | None:
        value = self._value(key, False)
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self.error(key, f"the field '{key}' must be a group of 'name: value' lines")
            return None
        return value

    def origin_fields(self) -> dict[str, int]:
        return dict(self.data.key_lines)
