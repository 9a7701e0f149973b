"""`treillis mirror`: a partner's subsite, self-contained and linked to the main site."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import browser_page
from tests.conftest import DEMO_CONTENT
from treillis.atlas import Atlas
from treillis.build import load
from treillis.errors import BuildError
from treillis.mirror import mirror

MAIN = "https://example.org/treillis/"
LINK = re.compile(r'(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mirror")
    shutil.copytree(DEMO_CONTENT, root / "content")
    mirror(root / "content", "igl", root / "igl", main_url=MAIN)
    return root / "igl"


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
