"""Treillis as a network installs it: the package built from this checkout, installed into
a new environment on a PATH without node or npm, used from a folder of its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.browser import browser_page
from tests.conftest import REPO
from treillis import __version__


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """`make dist`'s packages, the wheel installed into a new virtual environment; returns
    the environment to run it in: its bin folder alone on PATH, a HOME of its own."""
    root = tmp_path_factory.mktemp("install")
    dist = root / "dist"
    # As `make dist` does: an sdist, and the wheel built from that sdist.
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    subprocess.run(
        [str(root / "venv/bin/python"), "-m", "pip", "install", "--quiet",
         "-c", str(REPO / "constraints.txt"), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    (root / "home").mkdir()
    environment = {
        "PATH": str(root / "venv/bin"),
        "HOME": str(root / "home"),
        "LANG": "C.UTF-8",
        "WHEEL": str(wheel),
    }
    assert shutil.which("node", path=environment["PATH"]) is None
    assert shutil.which("npm", path=environment["PATH"]) is None
    return environment


def _run(environment: dict[str, str], *args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["treillis", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        executable=str(Path(environment["PATH"]) / "treillis"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_the_wheel_carries_the_theme_and_the_browser_libraries(
    installed: dict[str, str],
) -> None:
    names = set(zipfile.ZipFile(installed["WHEEL"]).namelist())
    for name in (
        "treillis/themes/default/templates/base.html",
        "treillis/themes/default/static/search/search-ui.js",
        "treillis/search/browser/lunr.js",
        "treillis/search/browser/lunr.fr.js",
        "treillis/search/browser/LICENSE.lunr",
        "treillis/search/browser/LICENSE.lunr-languages",
        "treillis/livereload.js",
        "treillis/starter/fr.yaml",
        "treillis/starter/github-pages.yml",
    ):
        assert name in names
    assert not any(name.startswith(("tests/", "content/", "node_modules/")) for name in names)


def test_a_new_site_builds_and_is_searchable_with_the_installed_package(
    installed: dict[str, str], tmp_path: Path
) -> None:
    assert _run(installed, "--version", cwd=tmp_path).strip().endswith(__version__)
    # The package imported is the installed one, not this checkout.
    where = subprocess.run(
        [str(Path(installed["PATH"]) / "python"), "-c", "import treillis; print(treillis.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, env=installed, check=True,
    ).stdout  # fmt: skip
    assert str(REPO) not in where and "site-packages" in where

    _run(
        installed,
        "new",
        "site",
        "network",
        "--title",
        "Réseau",
        "--languages",
        "fr,en",
        cwd=tmp_path,
    )
    site = tmp_path / "network"
    workflow = (site / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    assert f'treillis-atlas=={__version__}"' in workflow and "treillis build --strict" in workflow
    assert f"treillis-atlas=={__version__}" in (site / ".gitlab-ci.yml").read_text("utf-8")
    assert "/output/" in (site / ".gitignore").read_text(encoding="utf-8")
    assert ".treillis-cache/" in (site / ".gitignore").read_text(encoding="utf-8")
    assert "treillis serve" in (site / "README.md").read_text(encoding="utf-8")
    assert "No problem found" in _run(installed, "check", cwd=site)
    _run(installed, "build", cwd=site)
    assert "No problem found" in _run(installed, "check", "--site", "output", cwd=site)
    # A second folder is refused: `new site` never writes into a folder that has files.
    refused = subprocess.run(
        [str(Path(installed["PATH"]) / "treillis"), "new", "site", "network"],
        capture_output=True, text=True, cwd=tmp_path, env=installed,
    )  # fmt: skip
    assert refused.returncode != 0 and "not empty" in refused.stderr

    with browser_page() as page:
        page.goto((site / "output/index.html").resolve().as_uri())
        box = page.locator("#site-search")
        box.click()
        box.fill("immeubles")  # a word of the starter document's title
        page.wait_for_selector("#site-search-options [role=option]")
        options = page.locator("#site-search-options [role=option]").all_inner_texts()
        assert any("Un jardin partagé au pied des immeubles" in text for text in options)
        # A word of its text only, on the search page (the whole index).
        box.fill("potagers")
        with page.expect_navigation():
            box.press("Enter")
        page.wait_for_selector(".search-result")
        titles = page.locator(".search-result__title").all_inner_texts()
        assert titles == ["Un jardin partagé au pied des immeubles"]
        assert page.console_errors == [] and page.failed_requests == []


def test_the_other_commands_run_from_the_installed_package(
    installed: dict[str, str], tmp_path: Path
) -> None:
    import re
    import signal
    import urllib.request

    _run(installed, "new", "site", "site", "--languages", "en", cwd=tmp_path)
    site = tmp_path / "site"
    document = next((site / "content/dossiers").glob("*/a-*.md"))
    assert "participatory budgeting" in _run(installed, "suggest", str(document), cwd=site).lower()
    thesaurus = tmp_path / "mini.ttl"
    thesaurus.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<http://example.org/c1> a skos:Concept ; skos:prefLabel "Water"@en .\n'
        '<http://example.org/c2> a skos:Concept ; skos:prefLabel "Rivers"@en ;\n'
        "    skos:broader <http://example.org/c1> .\n",
        encoding="utf-8",
    )
    _run(installed, "import", "skos", str(thesaurus), cwd=site)
    assert "No problem found" in _run(installed, "check", cwd=site)
    server = subprocess.Popen(
        [str(Path(installed["PATH"]) / "treillis"), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=site, env=installed,
    )  # fmt: skip
    signal.alarm(60)  # a hang guard, not a measure: the server says its address at once
    try:
        assert server.stdout is not None
        said = ""
        for _ in range(20):  # "Serving … at http://127.0.0.1:PORT/ …", after the first build
            said += server.stdout.readline()
            if address := re.search(r"http://127\.0\.0\.1:\d+/", said):
                break
        assert address, said + (server.stderr.read() if server.poll() is not None else "")
        with urllib.request.urlopen(address.group() + "index.html", timeout=30) as response:
            assert response.status == 200 and b"<html" in response.read()
    finally:
        signal.alarm(0)
        server.terminate()
        server.wait(timeout=30)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_installed_package_builds_the_demo_as_the_checkout_does(
    installed: dict[str, str], demo_content: Path, demo_output: Path, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(demo_content, content)  # what demo_output was built from
    _run(installed, "build", str(content), "--output", str(tmp_path / "output"), cwd=tmp_path)
    ours, theirs = _files(tmp_path / "output"), _files(demo_output)
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []
