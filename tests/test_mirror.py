"""`treillis mirror`: a partner's subsite, self-contained and linked to the main site."""

from __future__ import annotations

import colorsys
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import axe_check, browser_page
from tests.conftest import DEMO_CONTENT, igl_mirror
from treillis.atlas import Atlas
from treillis.build import load
from treillis.errors import BuildError
from treillis.mirror import mirror
from treillis.views.common import contrast, readable_accent

MAIN = "https://example.org/treillis/"
# The mirror is built with a light colour for igl, unlike the main site's accent: it must
# show through everywhere, darkened where text needs it.
PARTNER_PRIMARY = "#e8a33d"
PARTNER = "Institut de la gouvernance locale"
LINK = re.compile(r'(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return igl_mirror(tmp_path_factory.mktemp("mirror"), PARTNER_PRIMARY, MAIN)


def test_the_mirror_holds_exactly_the_partners_documents_and_local_map(mirrored: Path) -> None:
    site = load(DEMO_CONTENT)
    atlas = Atlas(site)
    own = {d.key for d in site.documents.values() if d.partner and d.partner.target == "igl"}
    pages = {
        p.parent.relative_to(mirrored / "dossiers").as_posix()
        for p in mirrored.glob("dossiers/*/*/index.html")
    }
    assert pages == own
    used = {d for key in own for d in site.documents[key].descriptor_ids}
    used |= {r.target for s in {k.split("/")[0] for k in own} for r in site.dossiers[s].descriptors}
    local_map = set(used)
    for descriptor_id in used:
        local_map |= atlas.ancestors(descriptor_id)
    for prefix in ("", "en/", "es/"):
        shown = {p.parent.name for p in (mirrored / f"{prefix}atlas").glob("*/index.html")}
        assert shown - {"legend", "permuted"} == local_map
    assert local_map < set(site.descriptors)  # a part of the atlas, not all of it
    assert {p.name for p in (mirrored / "partners").iterdir()} == {"igl"}


def test_every_link_is_inside_the_mirror_or_on_the_main_site(mirrored: Path) -> None:
    outside = inside = 0
    for page in mirrored.rglob("*.html"):
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            target = target.split("#")[0]
            if not target:
                continue
            if target.startswith(MAIN):
                outside += 1
            elif re.match(r"[a-z]+:", target):
                # Other addresses are the content's own (sources, partners' sites).
                assert target.startswith(("https://", "http://")), (page, target)
            else:
                assert not target.startswith("/")
                assert (page.parent / target).resolve().is_file(), (page, target)
                inside += 1
    assert inside > 5000 and outside > 100
    # Neighbours outside the local map are shown, marked as external, in lists and diagrams.
    marked = [
        page
        for page in (mirrored / "atlas").glob("*/index.html")
        if 'descriptor--external" href="https://example.org/treillis/atlas/'
        in page.read_text(encoding="utf-8")
        and "diagram-node--external" in page.read_text(encoding="utf-8")
    ]
    assert marked


def test_the_mirror_has_its_own_search_and_branding(mirrored: Path) -> None:
    import json

    script = (mirrored / "assets/search/data/store.js").read_text(encoding="utf-8")
    store = json.loads(json.loads(script.split(",", 1)[1].rsplit(");", 1)[0]))
    site = load(DEMO_CONTENT)
    own = {d.title for d in site.documents.values() if d.partner and d.partner.target == "igl"}
    assert {doc[1] for doc in store["docs"]} == own
    home = (mirrored / "index.html").read_text(encoding="utf-8")
    assert "Institut de la gouvernance locale" in home and 'class="brand-logo"' in home
    assert f'href="{MAIN}index.html"' in home


def test_the_mirror_works_from_disk(mirrored: Path) -> None:
    with browser_page() as page:
        page.goto((mirrored / "index.html").as_uri())
        page.click(".dossier-card h3 a")
        page.wait_for_load_state()
        assert page.failed_requests == [] and page.console_errors == []


def test_a_mirror_needs_the_main_sites_address_and_a_known_partner(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"base_url in site\.yaml or --main-url"):
        mirror(DEMO_CONTENT, "igl", tmp_path / "out")
    with pytest.raises(BuildError, match=r"unknown partner 'ilg' \(did you mean 'igl'\?\)"):
        mirror(DEMO_CONTENT, "ilg", tmp_path / "out", main_url=MAIN)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "treillis",
            "mirror",
            "igl",
            "--content",
            str(DEMO_CONTENT),
            "--output",
            str(tmp_path / "cli"),
            "--main-url",
            MAIN,
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "Mirrored igl:" in result.stdout


def test_the_mirror_command_takes_the_content_folder_as_the_other_commands_do(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from treillis.cli import main

    runner = CliRunner()
    options = ["--main-url", MAIN, "--output"]
    given = runner.invoke(main, ["mirror", "igl", str(DEMO_CONTENT), *options, str(tmp_path / "a")])
    assert given.exit_code == 0 and "Mirrored igl:" in given.stdout, given.output
    assert given.stderr == ""
    old = ["mirror", "igl", "--content", str(DEMO_CONTENT), *options, str(tmp_path / "b")]
    deprecated = runner.invoke(main, old)
    assert deprecated.exit_code == 0 and "Mirrored igl:" in deprecated.stdout
    assert f"treillis mirror igl {DEMO_CONTENT}" in deprecated.stderr
    both = runner.invoke(main, [*old[:2], str(DEMO_CONTENT), *old[2:]])
    assert both.exit_code == 2 and "give the content folder once" in both.stderr


def _own_documents() -> set[str]:
    site = load(DEMO_CONTENT)
    return {d.key for d in site.documents.values() if d.partner and d.partner.target == "igl"}


def test_the_mirrors_figures_count_what_it_publishes(mirrored: Path) -> None:
    site = load(DEMO_CONTENT)
    own = _own_documents()
    descriptors = {p.parent.name for p in (mirrored / "atlas").glob("*/index.html")}
    descriptors -= {"legend", "permuted"}
    home = (mirrored / "index.html").read_text(encoding="utf-8")
    figures = re.search(r'hero__counts">(\d+) documents · (\d+) descripteurs', home)
    assert figures is not None
    assert (int(figures[1]), int(figures[2])) == (len(own), len(descriptors))
    assert len(own) < len(site.documents)
    # Each dossier card counts the dossier's documents in the mirror.
    cards = re.findall(
        r'<h3><a href="dossiers/([^/]+)/index.html">.*?dossier-card__meta">(\d+) document',
        home,
        re.S,
    )
    assert cards
    for slug, count in cards:
        assert int(count) == sum(1 for key in own if key.startswith(f"{slug}/")), slug
    assert any(int(c) < len(site.dossiers[s].documents) for s, c in cards)
    # The atlas index counts, beside each descriptor, the mirror's documents it indexes.
    atlas = (mirrored / "atlas/index.html").read_text(encoding="utf-8")
    counted = re.findall(
        r'href="([^"/]+)/index.html"[^>]*><span class="descriptor__swatch"[^>]*></span>'
        r'[^<]*<span class="count">\((\d+)\)',
        atlas,
    )
    assert counted
    for descriptor_id, count in counted:
        indexed = {k for k in own if descriptor_id in site.documents[k].descriptor_ids}
        assert int(count) == len(indexed), descriptor_id


def test_the_mirrors_titles_carry_the_partners_name(mirrored: Path) -> None:
    pages = list(mirrored.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        html = page.read_text(encoding="utf-8")
        title = re.search(r"<title>([^<]*)</title>", html)
        assert title is not None and title[1].endswith(PARTNER), page
        og_title = re.search(r'<meta property="og:title" content="([^"]*)">', html)
        assert og_title is not None and og_title[1].endswith(PARTNER), page


RGB = """(c) => '#' + c.match(/\\d+/g).slice(0, 3)
  .map((n) => Number(n).toString(16).padStart(2, '0')).join('')"""


def test_the_partners_colour_is_the_accent_throughout(mirrored: Path) -> None:
    document = next(mirrored.glob("dossiers/*/*/index.html"))
    with browser_page() as page:
        page.goto((mirrored / "index.html").as_uri())
        card, header = page.evaluate(
            f"""() => {{
              const rgb = {RGB};
              return [rgb(getComputedStyle(document.querySelector('.dossier-card')).borderTopColor),
                      rgb(getComputedStyle(document.querySelector('.site-header')).backgroundColor)];
            }}"""
        )
        page.goto(document.as_uri())
        button = page.evaluate(
            f"""() => ({RGB})(getComputedStyle(document.querySelector('.basket-toggle')).color)"""
        )
    accent = readable_accent(PARTNER_PRIMARY)
    assert header == PARTNER_PRIMARY
    assert card == accent and button == accent
    # Derived from the partner's colour: the same hue, darkened until text on it reads.
    assert colorsys.rgb_to_hls(*_channels(accent))[0] == pytest.approx(
        colorsys.rgb_to_hls(*_channels(PARTNER_PRIMARY))[0], abs=0.01
    )
    assert contrast(accent, "#ffffff") >= 4.5 and contrast(accent, "#f2efe8") >= 4.5


@pytest.mark.parametrize("path", ["index.html", "dossiers/{document}/index.html"])
def test_the_mirror_in_a_light_colour_passes_axe(mirrored: Path, path: str) -> None:
    from tests.browser import site_base

    document = next(mirrored.glob("dossiers/*/*/index.html")).parent.relative_to(mirrored)
    path = path.format(document=document.relative_to("dossiers").as_posix())
    with site_base(mirrored, "http") as base, browser_page() as page:
        page.goto(base + path)
        violations, _passed = axe_check(page)
    assert violations == [], "\n".join(violations)


def _channels(colour: str) -> tuple[float, float, float]:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return r, g, b


def test_a_partners_colour_is_darkened_only_as_much_as_text_needs() -> None:
    assert readable_accent("#7a2e3a") == "#7a2e3a"  # already dark: kept
    for colour in ("#ffffff", "#ffee00", "#e8a33d", "#4fc3f7"):
        shade = readable_accent(colour)
        assert contrast(shade, "#f2efe8") >= 4.5
        lighter = "#" + "".join(f"{min(255, int(shade[i : i + 2], 16) + 8):02x}" for i in (1, 3, 5))
        assert contrast(lighter, "#f2efe8") < 4.5
