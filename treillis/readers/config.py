"""Reader for `site.yaml`: the site's title, languages, theme, partners and network."""

from __future__ import annotations

import math
from pathlib import Path

from treillis.errors import Problems, did_you_mean
from treillis.model import LANGUAGES, NetworkBase, Origin, Partner, SiteConfig, Text
from treillis.readers.atlas import LabelFields
from treillis.readers.fields import Fields, address_problem
from treillis.sources import LineDict, LineList, ParseCache, load_yaml_file


def read_config(root: Path, problems: Problems, cache: ParseCache | None = None) -> SiteConfig:
    """Read `site.yaml`; a missing or broken file yields a usable default and a problem."""
    path = root / "site.yaml"
    if not path.is_file():
        problems.add(path, 1, "site.yaml is missing: every content folder needs one")
        return _unreadable(problems)
    before = len(problems.items)
    data = load_yaml_file(path, problems, cache=cache)
    if data is None:
        if len(problems.items) == before:  # read, but empty
            problems.add(path, 1, "site.yaml is empty: it needs at least a title")
        return _unreadable(problems)
    if not isinstance(data, LineDict):
        problems.add(path, 1, "site.yaml must be a group of 'name: value' lines")
        return _unreadable(problems)
    languages = _languages(data, path, problems)
    if "languages" in problems.unreadable:
        # The list of languages is wrong: accept texts in any supported language.
        accepted = list(dict.fromkeys([*languages, *LANGUAGES]))
    else:
        accepted = languages
    fields = LabelFields(data, path, problems, "site", accepted)
    values = fields.values()
    return SiteConfig(
        **values | {"base_url": _base_url(values["base_url"])},
        languages=languages,
        partners=_partners(data.get("partners"), fields, path, problems, accepted),
        network=_network(fields, path, problems, accepted),
        origin=Origin(str(path), 1, fields.origin_fields()),
    )


def _unreadable(problems: Problems) -> SiteConfig:
    """A stand-in for a site.yaml that cannot be read: its partners and languages are
    unknown, so texts in any supported language are accepted (no cascade of errors)."""
    problems.unreadable.update(("partner", "languages"))
    return SiteConfig(Text({"fr": "Treillis"}, "fr"), Text({}, "fr"), ["fr"])


def _languages(data: LineDict, path: Path, problems: Problems) -> list[str]:
    value = data.get("languages") or ["fr"]
    items = value if isinstance(value, list) else [value]
    languages: list[str] = []
    for index, item in enumerate(items):
        code = str(item).strip()
        line = items.line_of(index) if isinstance(items, LineList) else data.line_of("languages")
        if code not in LANGUAGES:
            problems.unreadable.add("languages")
            problems.add(
                path,
                line,
                f"unsupported language '{code}': Treillis speaks {', '.join(LANGUAGES)}"
                f"{did_you_mean(code, LANGUAGES)}",
            )
        elif code not in languages:
            languages.append(code)
    return languages or ["fr"]


def _base_url(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"


def _partners(
    value: object, fields: Fields, path: Path, problems: Problems, languages: list[str]
) -> list[Partner]:
    if value is None:
        return []
    if not isinstance(value, LineList):
        fields.error("partners", "'partners' must be a list, each item starting with '- id:'")
        return []
    partners: list[Partner] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(value):
        if not isinstance(item, LineDict):
            problems.add(
                path, value.line_of(index), "each partner must have 'id:' and 'name:' fields"
            )
            continue
        partner_fields = LabelFields(item, path, problems, "partner", languages)
        partner_id = partner_fields.get("id")
        if not partner_id:
            problems.unreadable.add("partner")
            continue
        if partner_id in seen:
            problems.add(
                path,
                item.line_of("id"),
                f"duplicate partner id '{partner_id}' (first defined at line {seen[partner_id]})",
            )
            continue
        seen[partner_id] = item.line_of("id")
        colours = partner_fields.mapping("colours") or {}
        checked_colours = {}
        for name in colours:
            if name not in ("primary", "secondary"):
                problems.add(
                    path,
                    colours.line_of(name),
                    f"unknown colour '{name}': use primary and secondary"
                    f"{did_you_mean(name, ('primary', 'secondary'))}",
                )
                continue
            colour_fields = Fields(colours, path, problems, tuple(colours), languages, "colours")
            if value_ := colour_fields.colour(name):
                checked_colours[name] = value_
        partners.append(
            Partner(
                **partner_fields.values("id") | {"id": partner_id},
                colours=checked_colours,
                origin=Origin(str(path), item.line, partner_fields.origin_fields()),
            )
        )
    return partners


def _network(
    fields: Fields, path: Path, problems: Problems, languages: list[str]
) -> list[NetworkBase]:
    """The bases of `network: {bases: [...]}`, each checked (id, name, url, format, timeout)."""
    group = fields.mapping("network")
    if group is None:
        return []
    network = Fields(group, path, problems, "network", languages)
    value = group.get("bases")
    if value is None:
        network.error(None, "the network: the field 'bases' is required (a list of '- id:' items)")
        return []
    if not isinstance(value, LineList):
        network.error("bases", "'bases' must be a list, each item starting with '- id:'")
        return []
    bases: list[NetworkBase] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(value):
        if not isinstance(item, LineDict):
            problems.add(
                path, value.line_of(index), "each base must have 'id:', 'name:' and 'url:' fields"
            )
            continue
        base = LabelFields(item, path, problems, "base", languages)
        base_id, name, url = base.get("id"), base.get("name"), base.get("url")
        fmt = base.get("format")
        if url and (problem := _base_address_problem(url)):
            base.error("url", problem)
            url = ""
        timeout = _seconds(base, "timeout", 20.0)
        if base_id in seen:
            base.error(
                "id", f"duplicate base id '{base_id}' (first defined at line {seen[base_id]})"
            )
            continue
        if base_id:
            seen[base_id] = item.line_of("id")
        if base_id and url and name.values:
            bases.append(NetworkBase(base_id, name, url, fmt, timeout))
    return bases


def _base_address_problem(url: str) -> str | None:
    """Why a base's `url` is neither an http(s) address nor a path, or None."""
    scheme, colon, _rest = url.partition(":")
    if colon and len(scheme) > 1 and scheme.isascii() and scheme.replace("+", "").isalnum():
        if scheme.lower() not in ("http", "https"):
            return (
                f"'{url}' is not allowed: a base's url is an http:// or https:// address, "
                f"or a path relative to the content folder (not {scheme}:)"
            )
        if problem := address_problem(url):
            return f"'{url}' is not a valid web address: {problem}"
    return None


def _seconds(fields: Fields, key: str, default: float) -> float:
    """A positive number of seconds (at most an hour), or `default` when not given."""
    value = fields.data.get(key)
    if value is None:
        return default
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = math.nan
    if not (0 < seconds <= 3600):
        fields.error(key, f"'{value}' is not a number of seconds: write for instance {key}: 20")
        return default
    return seconds
