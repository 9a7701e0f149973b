"""What a built site's pages weigh, by page kind: how much is inline SVG, how much markup
every page of the kind repeats (head, header, navigation, footer…).

    python -m benchmarks.output_size OUTPUT_FOLDER [--json FILE]

A page's kind is its template (`<body class="page-…">`), a descriptor's lists
"including narrower descriptors" (under `all/`) apart. Repeated markup: the lines
found on every page of the same kind and language — links compared without their
targets, which change with a page's folder — counted on every page that has them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections import Counter
from pathlib import Path

_KIND = re.compile(rb'<body class="page-([\w-]+)"')
_LANG = re.compile(rb'<html lang="([\w-]+)"')
_SVG = re.compile(rb"<svg\b.*?</svg>", re.S)
# Link targets differ with the page's depth and its own path: compared without them.
_TARGET = re.compile(rb'\b(?:href|src|action)="[^"]*"')


def page_kind(relative_path: str, html: bytes) -> str:
    """The kind of a page: its template's name, `descriptor-all` for a descriptor's
    list including narrower ones, `other` when the page names no template."""
    found = _KIND.search(html, 0, 4096) or _KIND.search(html)
    kind = found.group(1).decode() if found else "other"
    if kind == "descriptor" and "/all/" in f"/{relative_path}":
        return "descriptor-all"
    return kind


class _Common:
    """The lines found on every page added so far, with their bytes on those pages."""

    def __init__(self) -> None:
        self.pages = 0
        self.lines: dict[bytes, int] = {}
        self.first: Counter[bytes] = Counter()  # the first page's lines, all of them

    def add(self, weights: Counter[bytes]) -> None:
        self.pages += 1
        if self.pages == 1:
            self.first = weights
            self.lines = dict(weights)
            return
        common = self.lines
        for line in [line for line in common if line not in weights]:
            del common[line]
        for line in common:
            common[line] += weights[line]


class _Kind:
    """The running figures of one page kind."""

    def __init__(self) -> None:
        self.pages = 0
        self.size = 0
        self.svg = 0
        self.by_lang: dict[bytes, _Common] = {}

    def add(self, lang: bytes, html: bytes, weights: Counter[bytes]) -> None:
        self.pages += 1
        self.size += len(html)
        self.svg += sum(len(m) for m in _SVG.findall(html))
        self.by_lang.setdefault(lang, _Common()).add(weights)

    def figures(self, site: dict[bytes, _Common]) -> dict:
        repeated = 0
        for lang, common in self.by_lang.items():
            if common.pages > 1:
                repeated += sum(common.lines.values())
            else:
                # The kind's only page in its language (a home page): what it shares with
                # every other page of the site in that language.
                shared = site[lang].lines
                repeated += sum(w for line, w in common.first.items() if line in shared)
        return {
            "pages": self.pages,
            "mb": round(self.size / 2**20, 1),
            "mean_kb": round(self.size / self.pages / 1024, 1),
            "svg_share": round(self.svg / self.size, 3),
            "repeated_share": round(repeated / self.size, 3),
        }


def _weights(html: bytes) -> Counter[bytes]:
    """A page's lines (links without their targets) with their bytes on the page."""
    weights: Counter[bytes] = Counter()
    for line in html.split(b"\n"):
        key = _TARGET.sub(b"", line) if b'="' in line else line
        weights[key] += len(line) + 1
    weights[key] -= 1  # the last line has no line break
    return weights


def measure(output: Path) -> dict[str, dict]:
    """Per page kind: pages, MB, mean KB, and the shares of inline SVG and of markup
    repeated on every page of the kind in the page's language (for a kind with one page
    a language, on every page of the site in that language)."""
    kinds: dict[str, _Kind] = {}
    site: dict[bytes, _Common] = {}
    for folder, _, files in os.walk(output):
        for name in files:
            if not name.endswith(".html"):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as file:
                html = file.read()
            kind = page_kind(os.path.relpath(path, output).replace(os.sep, "/"), html)
            found = _LANG.search(html, 0, 200)
            lang = found.group(1) if found else b""
            weights = _weights(html)
            kinds.setdefault(kind, _Kind()).add(lang, html, weights)
            site.setdefault(lang, _Common()).add(weights)
    ranked = sorted(kinds.items(), key=lambda item: -item[1].size)
    return {kind: figures.figures(site) for kind, figures in ranked}


def print_report(report: dict[str, dict], title: str = "") -> None:
    """One line per page kind."""
    print(f"output by page kind{f' ({title})' if title else ''}:")
    print(f"  {'kind':<16}{'pages':>7}{'MB':>8}{'mean KB':>9}{'SVG':>7}{'repeated':>10}")
    for kind, row in report.items():
        print(
            f"  {kind:<16}{row['pages']:>7}{row['mb']:>8.1f}{row['mean_kb']:>9.1f}"
            f"{row['svg_share']:>7.0%}{row['repeated_share']:>10.0%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", type=Path, help="a built site's folder")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    report = measure(args.output)
    print_report(report, str(args.output))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
