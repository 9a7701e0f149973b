"""Screenshots of every page kind, at a phone's and a desktop's width, light and dark.

`make screenshots` builds the demo (and a partner's mirror) into a temporary folder, serves
it on 127.0.0.1 and drives Debian's chromium through Playwright: one PNG per page kind,
width and colour scheme, in `screenshots/`, so that anyone can review the look in a minute.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content"
WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")
MIRROR_PARTNER = "igl"
MAIN_URL = "https://example.org/"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
DOCUMENT = "dossiers/comite-de-direction-partage/charte-du-comite-de-direction/index.html"


def _open_filters(page) -> None:
    page.wait_for_selector(".search-result", timeout=15_000)
    summary = page.locator(".search-filters > summary")
    if summary.count() and page.locator(".search-filters[open]").count() == 0:
        summary.first.click()


def _wait_results(page) -> None:
    page.wait_for_selector(".search-result", timeout=15_000)


# (name, path in the site, what to do once loaded). The basket and the reading path are
# filled beforehand by `_fill_reader_lists`.
PAGES: list[tuple[str, str, Callable | None]] = [
    ("home", "index.html", None),
    ("dossier", "dossiers/comite-de-direction-partage/index.html", None),
    ("document", DOCUMENT, None),
    ("descriptor-small", "atlas/budget-participatif/index.html", None),
    ("descriptor-large", "atlas/gouvernance-territoriale/index.html", None),
    ("atlas-index", "atlas/index.html", None),
    ("legend", "atlas/legend/index.html", None),
    ("permuted", "atlas/permuted/index.html", None),
    ("partner", "partners/territoires-solidaires/index.html", None),
    ("mirror-home", "mirror/index.html", None),
    ("search", "search/index.html?q=habitants", _wait_results),
    ("search-filters", "search/index.html?q=habitants", _open_filters),
    ("basket", "basket/index.html", None),
    ("reading-path", "history/index.html", None),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def _served(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def build_sites(root: Path) -> Path:
    """The demo and the mirror of one partner, in `root/site` (the mirror in `site/mirror`)."""
    from treillis.build import build
    from treillis.mirror import mirror

    site = root / "site"
    build(DEMO, site, cache=False)
    mirror(DEMO, MIRROR_PARTNER, site / "mirror", main_url=MAIN_URL, cache=False)
    return site


def _fill_reader_lists(page, base: str) -> None:
    """Put three documents in the basket and on the reading path, as a reader would."""
    documents = [
        DOCUMENT,
        "dossiers/cooperation-rural-urbain/les-hautes-combes/index.html",
        "dossiers/conseils-citoyens-et-chartes/conseil-citoyen-des-tilleuls/index.html",
    ]
    for path in documents:
        page.goto(base + path)
        toggle = page.locator(".basket-toggle")
        toggle.wait_for(state="visible", timeout=15_000)
        if toggle.get_attribute("aria-pressed") != "true":
            toggle.click()


def take(site: Path, out: Path, chromium: str, only: set[str] | None = None) -> list[Path]:
    """Every page kind (or those in `only`) at every width in every scheme; returns the
    files written."""
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    with _served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            for scheme in SCHEMES:
                for width in WIDTHS:
                    context = browser.new_context(
                        viewport={"width": width, "height": 900}, color_scheme=scheme
                    )
                    page = context.new_page()
                    _fill_reader_lists(page, base)
                    for name, path, action in PAGES:
                        if only and name not in only:
                            continue
                        page.goto(base + path, wait_until="load")
                        if action:
                            action(page)
                        page.wait_for_timeout(150)  # let fonts and the last frame settle
                        target = out / f"{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(target), full_page=True)
                        written.append(target)
                    context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--pages", help="only these page kinds, comma-separated (e.g. home,document)")
    args = parser.parse_args(argv)
    chromium = os.environ.get("TREILLIS_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        print("screenshots need Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    out = args.output.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="treillis-screenshots-") as tmp:
        site = build_sites(Path(tmp))
        only = set(args.pages.split(",")) if args.pages else None
        written = take(site, out, chromium, only)
    print(f"{len(written)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
