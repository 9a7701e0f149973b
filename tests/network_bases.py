"""Helpers shared by the network's tests: bases served by a real HTTP server on
127.0.0.1, the documents they serve (an Atom feed, an entity-expansion bomb), and an
editor's decisions written into an alignment file.

The server answers from a dictionary the tests change (bytes, a status, or the address
it redirects to), honours ETags, records the headers of each request, and holds
`/slow.xml` (and any path in `slow`) until `release` is set: a base that times out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Réseau des territoires</title>
  <link rel="alternate" href="https://territoires.example.org/"/>
  <id>urn:territoires</id>
  <updated>2026-11-30T10:00:00Z</updated>
  {entries}
</feed>
"""
ATOM_ENTRY = """<entry>
    <title>{title}</title>
    <link href="/fiches/{n}"/>
    <id>urn:territoires:{n}</id>
    <published>2026-0{n}-15T08:00:00+01:00</published>
    <updated>2026-11-0{n}T08:00:00Z</updated>
    <author><name>Élise Garnier</name></author>
    <category term="gouvernance" label="Gouvernance locale"/>
    <summary type="html">{summary}</summary>
  </entry>"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title></channel></rss>
"""


def atom(*entries: tuple[int, str, str], template: str = ATOM) -> bytes:
    """An Atom feed of entries (n, title, summary as escaped HTML), linked to /fiches/n."""
    body = "\n  ".join(
        ATOM_ENTRY.format(n=n, title=title, summary=summary) for n, title, summary in entries
    )
    return template.format(entries=body).encode("utf-8")


@dataclass
class Server:
    """What the test server answers, by path, and the headers it was sent."""

    url: str = ""
    # What each path answers: bytes, a status, or the address it redirects to.
    routes: dict[str, bytes | int | str] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    slow: set[str] = field(default_factory=lambda: {"/slow.xml"})

    def requests(self, path: str) -> list[dict[str, str]]:
        return [headers for seen_path, headers in self.seen if seen_path == path]


@contextmanager
def serving() -> Iterator[Server]:
    """A `Server` answering on 127.0.0.1 (a free port) until the block ends."""
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.seen.append((self.path, dict(self.headers)))
            if self.path in state.slow and not state.release.is_set():
                state.release.wait(30)  # longer than the base's timeout; released at the end
                return
            answer = state.routes.get(self.path, 404)
            if isinstance(answer, str):  # a redirect
                self.send_response(302)
                self.send_header("Location", answer)
                self.end_headers()
                return
            if isinstance(answer, int):
                self.send_error(answer)
                return
            etag = state.etags.get(self.path, "")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(answer)))
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    with local_http_server(Handler) as url:
        state.url = url
        try:
            yield state
        finally:
            state.release.set()


@contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` answering on 127.0.0.1 (a free port) in a thread: yields its address."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def decide(content: Path, decisions: dict[str, str], base: str = "reseau") -> None:
    """Fill `decision:` of the given keywords as an editor does, in the file's text."""
    path = content / "network" / f"{base}.align.yaml"
    lines, current = [], None
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("- id: "):
            current = yaml.safe_load(line[6:])
        if line == "  decision:" and current in decisions:
            line = f"  decision: {decisions[current]}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", "utf-8")
