"""Lighthouse (npm, pinned) driving Debian's chromium with mobile emulation gives 100 for
accessibility, best practices and SEO on the home, a document, a descriptor and the search
page of the demo served over http.

The demo is built with a public address, as a site put online is: its pages then carry a
canonical link and absolute hreflang alternates, which Lighthouse's SEO audits check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from tests.browser import chromium_path, served
from tests.conftest import DEMO_CONTENT, NODE_MODULES
from treillis.build import build

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CATEGORIES = ["accessibility", "best-practices", "seo"]
# --no-sandbox: CI runs as root, where chromium's sandbox cannot start.
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
BASE_URL = "https://example.org/atlas/"
PAGES = {
    "home": "index.html",
    "document": "dossiers/comite-de-direction-partage/charte-du-comite-de-direction/index.html",
    "descriptor": "atlas/budget-participatif/index.html",
    "search": "search/index.html?q=habitants",
}


def lighthouse(url: str, categories: list[str], *, timeout: int = 240) -> dict:
    """Lighthouse's report (JSON) for one page, mobile emulation (its default form factor).
    Also used by benchmarks/lighthouse.py."""
    if not LIGHTHOUSE.exists():
        raise RuntimeError("lighthouse is not installed: run `npm ci` (make .venv/.installed)")
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(categories)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    environment = {**os.environ, "CHROME_PATH": chromium_path()}
    result = subprocess.run(
        command, capture_output=True, text=True, env=environment, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def failing_audits(report: dict, category: str) -> list[str]:
    """The scored audits of a category that did not pass, as 'id: title'."""
    audits = report["audits"]
    return [
        f"{ref['id']}: {audits[ref['id']]['title']}"
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] > 0 and audits[ref["id"]]["score"] not in (None, 1)
    ]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo built with a base URL, served over http on 127.0.0.1."""
    content = tmp_path_factory.mktemp("lighthouse") / "content"
    shutil.copytree(DEMO_CONTENT, content)
    output = content.parent / "output"
    build(content, output, base_url=BASE_URL)
    with served(output, like_a_host=True) as address:
        yield address


@pytest.mark.parametrize("kind", PAGES)
def test_lighthouse_gives_100_for_accessibility_best_practices_and_seo(
    base: str, kind: str
) -> None:
    report = lighthouse(base + PAGES[kind], CATEGORIES)
    assert report["configSettings"]["formFactor"] == "mobile"
    problems = [
        f"{category} {report['categories'][category]['score']}: {audit}"
        for category in CATEGORIES
        if report["categories"][category]["score"] != 1
        for audit in failing_audits(report, category) or ["(no scored audit failed)"]
    ]
    assert problems == [], f"{kind}:\n" + "\n".join(problems)
