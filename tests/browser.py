"""Debian's chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 level AA, as axe-core tags its rules.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--allow-file-access-from-files",
]


def chromium_path() -> str:
    path = os.environ.get("TREILLIS_CHROMIUM") or shutil.which("chromium")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's chromium, headless, launched through Playwright (never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def browser_page() -> Iterator[object]:
    """A fresh page in headless chromium; collects console errors and failed requests."""
    with chromium() as browser:
        page = browser.new_page()
        page.console_errors = []
        page.failed_requests = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        # A request cut short by a navigation (net::ERR_ABORTED) is not a broken link;
        # a missing file is (net::ERR_FILE_NOT_FOUND over file://, a 4xx/5xx over http).
        page.on(
            "requestfailed",
            lambda r: r.failure != "net::ERR_ABORTED" and page.failed_requests.append(r.url),
        )
        page.on("response", lambda r: r.status >= 400 and page.failed_requests.append(r.url))
        yield page


def axe_check(page, tags: list[str] = WCAG_22_AA, label: str = "") -> tuple[list[str], int]:
    """axe-core on the page as it is now: its violations (one line each, the first nodes
    named) and how many rules passed (a check that axe really looked at the page)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        tags,
    )
    violations = [
        f"{label}{v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]
    return violations, len(result["passes"])


def follow(page, target) -> None:
    """Click a link (a selector or a locator) and wait until the new page has loaded."""
    with page.expect_navigation(wait_until="load"):
        if isinstance(target, str):
            page.click(target)
        else:
            target.click()


@contextmanager
def served(folder, like_a_host: bool = False) -> Iterator[str]:
    """A static HTTP server on 127.0.0.1 for `folder`; yields its base URL.

    `like_a_host`: as static hosts serve (GitHub Pages, Netlify, nginx): connections kept
    alive (HTTP/1.1) and text compressed with gzip, for measures of what a reader waits for.
    """
    import functools
    import http.server
    import threading

    kind = _HostHandler if like_a_host else _QuietHandler
    handler = functools.partial(kind, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _quiet_handler_base():
    import http.server

    return http.server.SimpleHTTPRequestHandler


class _QuietHandler(_quiet_handler_base()):
    def log_message(self, format, *args) -> None:
        pass


class _HostHandler(_QuietHandler):
    protocol_version = "HTTP/1.1"
    COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

    def do_GET(self) -> None:
        import gzip
        import os

        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.endswith(self.COMPRESSED) and os.path.isfile(path)):
            super().do_GET()
            return
        with open(path, "rb") as source:
            body = gzip.compress(source.read(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def site_base(output, scheme: str) -> Iterator[str]:
    """The demo site's base URL over file:// or over http://."""
    if scheme == "file":
        yield output.resolve().as_uri() + "/"
    else:
        with served(output) as base:
            yield base
