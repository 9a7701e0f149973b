"""`treillis serve`: the real server over a temporary copy of the demo content."""

from __future__ import annotations

import http.client
import json
import os
import queue
import shutil
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from watchdog.events import FileModifiedEvent, FileMovedEvent

from tests.conftest import DEMO_CONTENT
from treillis import serve
from treillis.watch import DEBOUNCE_SECONDS, Debouncer

DOCUMENT = "dossiers/conseils-citoyens-et-chartes/conseil-citoyen-des-tilleuls.md"
DOCUMENT_PAGE = "dossiers/conseils-citoyens-et-chartes/conseil-citoyen-des-tilleuls/index.html"


class EventStream:
    """A client of /__treillis/events, collecting the messages it receives."""

    def __init__(self, port: int) -> None:
        self.messages: queue.Queue = queue.Queue()
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.connection.request("GET", "/__treillis/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode().strip()
                if line.startswith("data: "):
                    self.messages.put(json.loads(line[6:]))
        except (OSError, ValueError):
            pass

    def next(self, kind: str, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if message["type"] == kind:
                return message
        raise AssertionError(f"no '{kind}' event within {timeout} s")


def get(preview: serve.Preview, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection(
        "127.0.0.1", preview.server.server_address[1], timeout=10
    )
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def raw_request(port: int, target: str, headers: list[str]) -> tuple[int, bytes]:
    """Send a request exactly as written (no client-side normalisation): status, body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        lines = [f"GET {target} HTTP/1.1", *headers, "Connection: close", "", ""]
        sock.sendall("\r\n".join(lines).encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def raw_get(preview: serve.Preview, target: str) -> int:
    port = preview.server.server_address[1]
    status, body = raw_request(port, target, [f"Host: 127.0.0.1:{port}"])
    assert b"root:" not in body
    return status


def wait_for_listener(preview: serve.Preview) -> None:
    """Until a tab has opened its event stream (rather than guessing how long that takes)."""
    deadline = time.monotonic() + 20  # a hang guard
    while preview.server.events.listeners() == 0:
        assert time.monotonic() < deadline, "no tab listens to the events"
        time.sleep(0.01)


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_serves_on_loopback_only_with_reload_script(preview: serve.Preview) -> None:
    assert preview.server.server_address[0] == "127.0.0.1"
    status, html = get(preview, "/")
    assert status == 200 and '<script src="/__treillis/livereload.js" data-version="' in html
    assert get(preview, "/atlas/")[0] == 200
    assert get(preview, "/assets/treillis.css")[0] == 200
    assert get(preview, "/assets/search/data/fr-quick.js")[0] == 200
    assert get(preview, "/nothing-here.html")[0] == 404


def test_an_edit_changes_the_served_page_and_sends_a_reload_event(preview: serve.Preview) -> None:
    events = EventStream(preview.server.server_address[1])
    document = preview.site.content / DOCUMENT
    write(document, document.read_text(encoding="utf-8").replace("\ntitle:", "\ntitle: Édité —", 1))
    message = events.next("reload")
    assert DOCUMENT_PAGE in message["pages"]
    assert "dossiers/conseils-citoyens-et-chartes/index.html" in message["pages"]
    assert len(message["pages"]) < len(preview.site.pages) / 4  # not the whole site
    status, html = get(preview, "/" + DOCUMENT_PAGE)
    assert status == 200 and "Édité —" in html


def test_broken_yaml_shows_problems_and_the_fix_clears_them(preview: serve.Preview) -> None:
    events = EventStream(preview.server.server_address[1])
    families = preview.site.content / "atlas/families.yaml"
    good = families.read_text(encoding="utf-8")
    broken_line = good.rstrip("\n").count("\n") + 2
    write(families, good.rstrip("\n") + "\n- id: [broken\n")
    message = events.next("problems")
    assert message["problems"] == [
        f"{families}:{broken_line}: YAML syntax: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence opened here)"
    ]
    # The server keeps answering with the last good pages.
    status, html = get(preview, "/" + DOCUMENT_PAGE)
    assert status == 200 and "<h1>" in html
    status, body = get(preview, "/__treillis/status")
    assert json.loads(body)["problems"]
    write(families, good)
    events.next("reload")
    assert json.loads(get(preview, "/__treillis/status")[1])["problems"] == []


@pytest.mark.parametrize(
    "target",
    [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/assets/..%2f..%2f..%2fetc/passwd",
        "/assets/..\\..\\etc\\passwd",
        "/assets/%5c..%5c..%5cetc%5cpasswd",
        "/./index.html",
    ],
)
def test_paths_leaving_the_site_are_refused(preview: serve.Preview, target: str) -> None:
    assert raw_get(preview, target) in (400, 404)


def test_only_requests_addressed_to_this_computer_are_answered(preview: serve.Preview) -> None:
    port = preview.server.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"):
        assert raw_request(port, "/", [f"Host: {host}"])[0] == 200, host
    # DNS rebinding: a page of evil.example, its name now resolving to 127.0.0.1.
    refused = [
        "evil.example",
        f"evil.example:{port}",
        f"localhost.evil.example:{port}",
        "127.0.0.1",
        f"127.0.0.1:{port + 1}",
        f"127.0.0.2:{port}",
        "",
    ]
    for host in refused:
        status, body = raw_request(port, "/", [f"Host: {host}"])
        assert status == 421 and b"<" not in body and len(body) < 100, host
    for path in ("/__treillis/status", "/__treillis/events", "/" + DOCUMENT_PAGE):
        assert raw_request(port, path, [f"Host: evil.example:{port}"])[0] == 421
    assert raw_request(port, "/", [])[0] == 421  # no Host at all
    two = [f"Host: 127.0.0.1:{port}", f"Host: evil.example:{port}"]
    assert raw_request(port, "/", two)[0] == 421


def test_the_event_stream_and_status_answer_only_their_own_origin(
    preview: serve.Preview,
) -> None:
    port = preview.server.server_address[1]
    host = f"Host: localhost:{port}"
    for path in ("/__treillis/status", "/__treillis/events"):
        for origin in ("http://evil.example", f"http://127.0.0.1:{port}", "null"):
            status, body = raw_request(port, path, [host, f"Origin: {origin}"])
            assert status == 403 and b"version" not in body, (path, origin)
    own = [host, f"Origin: http://localhost:{port}"]
    status, body = raw_request(port, "/__treillis/status", own)
    assert status == 200 and "version" in json.loads(body)
    assert raw_request(port, "/__treillis/status", [host])[0] == 200  # same-origin: no Origin
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        request = f"GET /__treillis/events HTTP/1.1\r\n{own[0]}\r\n{own[1]}\r\n\r\n"
        sock.sendall(request.encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 200 ")


def test_aborted_clients_are_silent_and_other_errors_take_one_line(
    preview: serve.Preview, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = preview.server
    port = server.server_address[1]
    closed = threading.Semaphore(0)  # one per connection the server is done with
    errors: list[BaseException | None] = []

    def handle_error(request: object, address: tuple) -> None:
        errors.append(sys.exc_info()[1])
        type(server).handle_error(server, request, address)

    def shutdown_request(request: socket.socket) -> None:
        type(server).shutdown_request(server, request)
        closed.release()

    monkeypatch.setattr(server, "handle_error", handle_error)
    monkeypatch.setattr(server, "shutdown_request", shutdown_request)
    capsys.readouterr()
    for _ in range(20):
        # A client that gives up half-way through its request: the connection is reset.
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    for _ in range(20):
        assert closed.acquire(timeout=20)
    assert any(isinstance(error, ConnectionResetError) for error in errors)
    assert capsys.readouterr().err == ""
    # A real error is still reported, in one line.
    monkeypatch.setattr(preview.site, "get", lambda path: 1 / 0)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET /x.html HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        sock.recv(100)
    assert closed.acquire(timeout=20)
    assert capsys.readouterr().err == (
        "treillis serve: error answering 127.0.0.1: ZeroDivisionError: division by zero\n"
    )


LOGO = "static/logos/igl.svg"


def test_a_link_made_after_a_failed_rebuild_is_not_followed(
    preview: serve.Preview, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "igl.svg").write_text("TOPSECRET", encoding="utf-8")
    content = preview.site.content
    assert get(preview, "/" + LOGO)[0] == 200
    events = EventStream(preview.server.server_address[1])
    families = content / "atlas/families.yaml"
    write(families, families.read_text(encoding="utf-8") + "\n- id: [broken\n")
    events.next("problems")  # the static files mapped by the last good rebuild stay
    # The mapped file itself becomes a link out of the content.
    logo = content / LOGO
    logo.unlink()
    logo.symlink_to(secret / "igl.svg")
    status, body = get(preview, "/" + LOGO)
    assert "TOPSECRET" not in body and status == 404
    # A folder on the way becomes one.
    logo.unlink()
    (content / "static/logos").rename(content / "logos-before")
    (content / "static/logos").symlink_to(secret)
    status, body = get(preview, "/" + LOGO)
    assert "TOPSECRET" not in body and status == 404
    # A file swapped for a FIFO is refused at once, never waited on.
    (content / "static/logos").unlink()
    (content / "static/logos").mkdir()
    os.mkfifo(content / LOGO)
    assert get(preview, "/" + LOGO)[0] == 404


def test_a_static_folder_linked_out_of_the_content_is_not_served(
    small_site: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("TOPSECRET", encoding="utf-8")
    (small_site / "static").symlink_to(elsewhere)
    theme = tmp_path / "theme"
    (theme / "static").mkdir(parents=True)
    (theme / "static/secret.txt").symlink_to(elsewhere / "secret.txt")
    (theme / "static/own.txt").write_text("the theme's own", encoding="utf-8")
    preview = serve.start(small_site, port=0, theme=theme)
    try:
        assert preview.site.problems == []
        for path in ("/static/secret.txt", "/assets/secret.txt"):
            status, body = get(preview, path)
            assert "TOPSECRET" not in body and status == 404
        assert get(preview, "/assets/own.txt") == (200, "the theme's own")
        assert get(preview, "/assets/treillis.css")[0] == 200
        library = next(iter(preview.site.libraries.values()))
        assert get(preview, "/assets/search/" + library)[0] == 200
    finally:
        preview.stop()


def test_a_deleted_document_disappears_and_pages_linking_to_it_are_reported(
    preview: serve.Preview,
) -> None:
    events = EventStream(preview.server.server_address[1])
    content = preview.site.content
    # A document that a guiding principle and another document point to.
    (content / DOCUMENT).unlink()
    message = events.next("problems")
    linking = [p for p in message["problems"] if "conseil-citoyen-des-tilleuls" in p]
    assert linking and all("unknown document" in p for p in linking)
    assert any("conseils-citoyens-et-chartes/index.md:" in p for p in linking)
    # A document nothing points to: it simply disappears.
    shutil.copy(DEMO_CONTENT / DOCUMENT, content / DOCUMENT)
    events.next("reload")
    lonely = content / "dossiers/conseils-citoyens-et-chartes/une-page-seule.md"
    write(lonely, "---\ntitle: Une page seule\ntype: concept\ndate: 2024\n---\nTexte.\n")
    assert (
        "dossiers/conseils-citoyens-et-chartes/une-page-seule/index.html"
        in events.next("reload")["pages"]
    )
    assert (
        get(preview, "/dossiers/conseils-citoyens-et-chartes/une-page-seule/index.html")[0] == 200
    )
    lonely.unlink()
    removed = events.next("reload")
    assert "dossiers/conseils-citoyens-et-chartes/une-page-seule/index.html" in removed["pages"]
    assert (
        get(preview, "/dossiers/conseils-citoyens-et-chartes/une-page-seule/index.html")[0] == 404
    )


def test_an_atomic_save_is_seen(preview: serve.Preview) -> None:
    events = EventStream(preview.server.server_address[1])
    document = preview.site.content / DOCUMENT
    temporary = document.with_name(".conseil.md.tmp")
    write(
        temporary,
        document.read_text(encoding="utf-8").replace("\ntitle:", "\ntitle: Atomique —", 1),
    )
    os.replace(temporary, document)
    assert DOCUMENT_PAGE in events.next("reload")["pages"]
    assert "Atomique —" in get(preview, "/" + DOCUMENT_PAGE)[1]


class ManualTimers:
    """Timers for the debouncer that only fire when the test says so (no waiting on the clock)."""

    def __init__(self) -> None:
        self.made: list[ManualTimer] = []
        self.most_armed = 0  # the most timers armed at once
        self._lock = threading.Lock()

    def __call__(self, delay: float, action: Callable[[], None]) -> ManualTimer:
        timer = ManualTimer(self, delay, action)
        with self._lock:
            self.made.append(timer)
        return timer

    def armed(self) -> list[ManualTimer]:
        with self._lock:
            return [t for t in self.made if t.started and not t.cancelled]

    def note_armed(self) -> None:
        self.most_armed = max(self.most_armed, len(self.armed()))

    def fire(self) -> int:
        """Run the action of every armed timer, as if their delay had passed."""
        due = self.armed()
        for timer in due:
            timer.cancelled = True  # a timer fires once
            timer.action()
        return len(due)


class ManualTimer:
    def __init__(self, timers: ManualTimers, delay: float, action: Callable[[], None]) -> None:
        self.timers, self.delay, self.action = timers, delay, action
        self.started = self.cancelled = False

    def start(self) -> None:
        self.started = True
        self.timers.note_armed()

    def cancel(self) -> None:
        self.cancelled = True


def test_the_debouncer_merges_a_burst_into_one_action() -> None:
    timers = ManualTimers()
    calls: list[int] = []
    debouncer = Debouncer(lambda: calls.append(1), timer=timers)
    for index in range(20):
        debouncer.on_any_event(FileModifiedEvent(f"/site/dossiers/d/document-{index}.md"))
        debouncer.on_any_event(FileModifiedEvent(f"/site/dossiers/d/.document-{index}.md.swp"))
    # Each change re-arms the one timer: never more than one is waiting.
    assert timers.most_armed == 1 and len(timers.armed()) == 1
    assert timers.armed()[0].delay == DEBOUNCE_SECONDS
    assert calls == []  # nothing before the delay has passed
    assert timers.fire() == 1 and calls == [1]
    assert timers.fire() == 0 and calls == [1]
    # An atomic save (a temporary file renamed over the document) is a change too.
    debouncer.on_any_event(FileMovedEvent("/site/d/.doc.md.tmp", "/site/d/doc.md"))
    # Editors' files alone are not.
    debouncer.on_any_event(FileModifiedEvent("/site/d/.doc.md.swp"))
    assert timers.fire() == 1 and calls == [1, 1]


def test_a_burst_of_saves_makes_one_rebuild(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    timers = ManualTimers()
    preview = serve.start(content, port=0, timer=timers)
    try:
        events = EventStream(preview.server.server_address[1])
        document = preview.site.content / DOCUMENT
        text = document.read_text(encoding="utf-8")
        before = preview.site.rebuilds
        for index in range(20):
            write(document, text.replace("\ntitle:", f"\ntitle: Rafale {index} —", 1))
        deadline = time.monotonic() + 20  # a hang guard: the watcher sees the saves
        while not timers.armed():
            assert time.monotonic() < deadline, "the saves were not seen"
            time.sleep(0.01)
        # The time of the delay passes (however slow the machine, the saves are all done).
        assert timers.fire() == 1
        events.next("reload")
        assert preview.site.rebuilds == before + 1
        assert timers.most_armed == 1  # each save of the burst replaced the waiting timer
        assert "Rafale 19 —" in get(preview, "/" + DOCUMENT_PAGE)[1]
    finally:
        preview.stop()


def test_the_browser_shows_problems_in_an_overlay_and_reloads_by_itself(
    preview: serve.Preview,
) -> None:
    from tests.browser import browser_page

    content = preview.site.content
    with browser_page() as page:
        page.goto(preview.url + DOCUMENT_PAGE)
        wait_for_listener(preview)
        families = content / "atlas/families.yaml"
        good = families.read_text(encoding="utf-8")
        write(families, good.rstrip("\n") + '\n- id: "<b>oops</b>\n')
        overlay = page.locator("#treillis-problems")
        overlay.wait_for(timeout=10_000)
        text = overlay.inner_text()
        assert "families.yaml:" in text and "YAML syntax" in text
        # Markup in a message is shown as text.
        write(
            families,
            good.rstrip("\n") + "\n- id: x\n  label: X\n  colour: '#123456'\n"
            "  parent: <b>oops</b>\n",
        )
        page.wait_for_function(
            "() => document.getElementById('treillis-problems').textContent.includes('<b>oops</b>')",
            timeout=10_000,
        )
        assert page.locator("#treillis-problems b").count() == 0
        write(families, good)
        overlay.wait_for(state="detached", timeout=10_000)
        # An edit of this very page reloads it without anyone pressing a key.
        document = content / DOCUMENT
        write(
            document, document.read_text(encoding="utf-8").replace("\ntitle:", "\ntitle: Relu —", 1)
        )
        page.wait_for_function(
            "() => document.querySelector('h1').textContent.includes('Relu —')", timeout=10_000
        )
        assert page.console_errors == []


def test_treillis_serve_command(tmp_path: Path) -> None:
    import subprocess
    import sys

    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    process = subprocess.Popen(
        [sys.executable, "-m", "treillis", "serve", str(content), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        url = None
        for line in process.stdout:
            if line.startswith("Serving "):
                url = line.split(" at ", 1)[1].split(" ", 1)[0]
                break
        assert url and url.startswith("http://127.0.0.1:")
        connection = http.client.HTTPConnection(url.split("//")[1].rstrip("/"), timeout=10)
        connection.request("GET", "/index.html")
        assert connection.getresponse().status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def descendants(pid: int) -> list[int]:
    """The processes started by `pid`, and by them, from /proc (no psutil)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        except FileNotFoundError:
            continue
        for child in map(int, children):
            found += [child, *descendants(child)]
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has stopped, only its parent has not reaped it


def test_kill_stops_the_server_and_its_helper_processes(small_site: Path) -> None:
    import subprocess

    process = subprocess.Popen(
        [sys.executable, "-m", "treillis", "serve", str(small_site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=small_site.parent,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True).start()

    def wait_for(start: str) -> str:
        while not (line := lines.get(timeout=30)).startswith(start):  # a hang guard
            pass
        return line

    helpers: list[int] = []
    try:
        url = wait_for("Serving ").split(" at ", 1)[1].split(" ", 1)[0]
        connection = http.client.HTTPConnection(url.split("//")[1].rstrip("/"), timeout=10)
        connection.request("GET", "/index.html")
        assert connection.getresponse().status == 200
        # An edit: the search data is then refreshed in a worker process.
        document = small_site / "dossiers/essai/cas-deux.md"
        write(document, document.read_text(encoding="utf-8") + "\nUne ligne de plus.\n")
        wait_for("Rebuilt ")
        helpers = descendants(process.pid)
        assert helpers  # the search worker (and multiprocessing's own helpers)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        deadline = time.monotonic() + 30  # a hang guard: they stop as soon as told
        while left := [pid for pid in helpers if running(pid)]:
            assert time.monotonic() < deadline, f"still running after kill: {left}"
            time.sleep(0.05)
        helpers = []  # all verified stopped
    finally:
        if process.poll() is None:
            process.kill()
        for pid in helpers:  # left behind by a failure: ours, not to leak
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def test_many_tabs_share_one_event_stream(preview: serve.Preview) -> None:
    from tests.browser import browser_page

    with browser_page() as first:
        context = first.context.browser.new_context()
        pages = [context.new_page() for _ in range(8)]
        for page in pages:
            page.goto(preview.url + DOCUMENT_PAGE, timeout=10_000)  # the 7th tab loads too
        wait_for_listener(preview)
        document = preview.site.content / DOCUMENT
        write(
            document, document.read_text(encoding="utf-8").replace("\ntitle:", "\ntitle: Huit —", 1)
        )
        for page in pages:
            page.wait_for_function(
                "() => document.querySelector('h1').textContent.includes('Huit —')", timeout=10_000
            )


def test_folders_redirect_and_missing_pages_come_back(preview: serve.Preview) -> None:
    connection = http.client.HTTPConnection(
        "127.0.0.1", preview.server.server_address[1], timeout=10
    )
    connection.request("GET", "/atlas")
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location") == "/atlas/"
    status, html = get(preview, "/dossiers/nothing/index.html")
    assert status == 404 and "/__treillis/livereload.js" in html


def test_a_theme_error_at_run_time_is_reported_not_fatal(
    preview: serve.Preview, tmp_path: Path
) -> None:
    events = EventStream(preview.server.server_address[1])
    preview.site.theme = tmp_path / "theme"
    (tmp_path / "theme/templates").mkdir(parents=True)
    (tmp_path / "theme/templates/partner.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ 1 // 0 }}{% endblock %}', encoding="utf-8"
    )
    update = preview.site.rebuild()
    assert update.problems and "ZeroDivisionError" in str(update.problems[0])
    preview.server.announce(update)
    assert events.next("problems")["problems"]
    assert get(preview, "/" + DOCUMENT_PAGE)[0] == 200  # the last good pages stay served
