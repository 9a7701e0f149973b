"""Reader for `site.yaml`: the site's title, languages, theme and partners."""

from __future__ import annotations

from pathlib import Path

from treillis.errors import Problems, did_you_mean
from treillis.model import LANGUAGES, Origin, Partner, SiteConfig, Text
from treillis.readers.atlas import LabelFields
from treillis.readers.fields import Fields
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
        origin=Origin(path, 1, fields.origin_fields()),
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
                origin=Origin(path, item.line, partner_fields.origin_fields()),
            )
        )
    return partners
