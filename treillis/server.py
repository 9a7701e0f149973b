"""The preview server: the live site over HTTP on 127.0.0.1, with reload events.

Only files of the site are served (pages and search data from memory, static
files from the real paths the last good rebuild mapped, never through a link
made since): a path with `..`, a backslash or an encoded variant of them is
refused. Each open tab listens to
`/__treillis/events` (server-sent events) and reloads when its page changed.

Only requests addressed to this computer are answered (`Host` is 127.0.0.1,
localhost or [::1] with the server's port), so a web page cannot read the
preview through a name it rebinds to 127.0.0.1; the event stream and the status
refuse an `Origin` other than the preview's own.
"""

from __future__ import annotations

import html
import json
import mimetypes
import queue
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from treillis.live import LiveSite, Update, read_mapped

LIVERELOAD = (Path(__file__).parent / "livereload.js").read_bytes()
WORKER = (Path(__file__).parent / "livereload-worker.js").read_bytes()
NOT_FOUND = (
    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not found</title>'
    b"</head><body><h1>Not found</h1><p>This page does not exist (yet): it will show here "
    b"as soon as it does.</p></body></html>"
)
HEARTBEAT_SECONDS = 10.0
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class Events:
    """Subscribers to reload events, one queue per open tab."""

    def __init__(self) -> None:
        self._queues: set[queue.Queue] = set()
        self._lock = threading.Lock()

    def subscribe(self) -> queue.Queue:
        subscriber: queue.Queue = queue.Queue()
        with self._lock:
            self._queues.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: queue.Queue) -> None:
        with self._lock:
            self._queues.discard(subscriber)

    def listeners(self) -> int:
        """How many event streams are open."""
        with self._lock:
            return len(self._queues)

    def publish(self, message: dict) -> None:
        with self._lock:
            for subscriber in self._queues:
                subscriber.put(message)


def message_for(update: Update) -> dict:
    if update.problems:
        return {"type": "problems", "problems": [str(p) for p in update.problems]}
    return {
        "type": "reload",
        "pages": update.changed + update.removed,
        "all": update.static_changed,
    }


def site_path(raw: str) -> str | None:
    """The site path asked for, or None when it tries to leave the site."""
    path = urlsplit(raw).path
    decoded = unquote(unquote(path))  # a doubly encoded %252e%252e is refused too
    if "\\" in decoded or "\x00" in decoded:
        return None
    parts = decoded.split("/")
    if any(part in ("..", ".") for part in parts):
        return None
    path = unquote(path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: LiveSite, port: int = 0) -> None:
        self.site = site
        self.events = Events()
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def host_allowed(self, host: str) -> bool:
        """Whether a `Host` header names this server (a loopback name with its port)."""
        port = self.server_address[1]
        return host.lower() in {f"{name}:{port}" for name in LOOPBACK_NAMES}

    def announce(self, update: Update) -> None:
        self.events.publish(message_for(update))

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()

    def handle_error(self, request: object, client_address: tuple) -> None:
        """A client that went away (a closed tab, an aborted download) is no error: say
        nothing; any other error is reported in one line, not a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):  # BrokenPipe, ConnectionReset, …Aborted
            return
        print(
            f"treillis serve: error answering {client_address[0]}: {type(error).__name__}: {error}",
            file=sys.stderr,
        )


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal shows rebuilds, not every request

    def do_GET(self) -> None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not self.server.host_allowed(hosts[0].strip()):
            # DNS rebinding: a page of another site asking through a name of its own.
            self.close_connection = True
            self._send(
                421, b"This preview answers only at its own address.\n", "text/plain; charset=utf-8"
            )
            return
        if self.path.startswith("/__treillis/"):
            self._treillis(self.path)
            return
        path = site_path(self.path)
        if path is None:
            self._send(400, b"This path leaves the site.\n", "text/plain; charset=utf-8")
            return
        found = self.server.site.get(path)
        if found is None and self.server.site.get(path + "/index.html") is not None:
            # A folder without its slash: relative links would resolve one level too high.
            self.send_response(301)
            # Percent-encoded, as the request was: a name holding a line break would
            # otherwise end the header and write others (a cookie, a page) after it.
            self.send_header("Location", quote("/" + path + "/"))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if found is None:
            # An HTML page with the reload script: it comes back by itself when the page does.
            self._send(404, self._with_reload(NOT_FOUND), "text/html; charset=utf-8")
            return
        body, source = found
        if source is not None:
            # Exactly the file the last good rebuild mapped, never a link made since.
            mapped = read_mapped(source)
            if mapped is None:
                self._send(404, b"Not found.\n", "text/plain; charset=utf-8")
                return
            body = mapped
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if kind == "text/html":
            body = self._with_reload(body)
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self._send(200, body, kind)

    def _with_reload(self, body: bytes) -> bytes:
        # The version lets a tab that loaded just before a change reload at once.
        # The overlay speaks the site's language: its words ride on the script's tag.
        words = html.escape(json.dumps(self.server.site.overlay_words), quote=True)
        script = (
            f'<script src="/__treillis/livereload.js" '
            f'data-version="{self.server.site.version}" data-words="{words}"></script></body>'
        ).encode()
        return body.replace(b"</body>", script, 1)

    def _treillis(self, raw: str) -> None:
        path = urlsplit(raw).path
        # Browsers send an Origin across origins: only the preview's own pages may listen.
        origin = self.headers.get("Origin")
        own = f"http://{self.headers['Host'].strip().lower()}"
        if path in ("/__treillis/status", "/__treillis/events") and origin not in (None, own):
            self._send(403, b"Not for other sites.\n", "text/plain; charset=utf-8")
            return
        if path == "/__treillis/livereload.js":
            self._send(200, LIVERELOAD, "application/javascript; charset=utf-8")
        elif path == "/__treillis/worker.js":
            self._send(200, WORKER, "application/javascript; charset=utf-8")
        elif path == "/__treillis/status":
            site = self.server.site
            status = {
                "version": site.version,
                "rebuilds": site.rebuilds,
                "problems": [str(p) for p in site.problems],
            }
            self._send(200, json.dumps(status).encode(), "application/json")
        elif path == "/__treillis/events":
            self._stream_events()
        else:
            self._send(404, b"Not found.\n", "text/plain; charset=utf-8")

    def _stream_events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        subscriber = self.server.events.subscribe()
        try:
            self._event({"type": "hello", "version": self.server.site.version})
            # A tab that opens while the content is broken sees the problems at once.
            problems = self.server.site.problems
            if problems:
                self._event({"type": "problems", "problems": [str(p) for p in problems]})
            while not self.server.stopping.is_set():
                try:
                    self._event(subscriber.get(timeout=HEARTBEAT_SECONDS))
                except queue.Empty:
                    self.wfile.write(b": heartbeat\n\n")
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.server.events.unsubscribe(subscriber)
            self.close_connection = True

    def _event(self, message: dict) -> None:
        self.wfile.write(b"data: " + json.dumps(message).encode() + b"\n\n")
        self.wfile.flush()

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)
