"""Attacks by a hostile contributor or web page that once got through, kept as tests."""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from tests.test_import_skos import empty_site
from treillis import cachedir, serve
from treillis.build import _options, build
from treillis.errors import BuildError, OutputError
from treillis.importers.documents import DocumentImportError, import_documents
from treillis.importers.skos import ImportError_, import_skos
from treillis.incremental import fingerprints, state_file
from treillis.scaffold import ScaffoldError, new_descriptor, new_dossier

SKOS = "http://www.w3.org/2004/02/skos/core#"




def _limited() -> None:
    # A regression must fail this test, not fill the memory of the machine.
    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))


def test_a_cache_file_linked_to_an_endless_device_or_a_fifo_is_not_read(
    small_site: Path, tmp_path: Path
) -> None:
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(small_site, output, cache=cache)
    # The state of that output, and its model: read by its next build.
    fifo = state_file(cache, output, _options(None, None, False))
    endless = fifo.with_suffix(".model.state")
    assert fifo.is_file() and endless.is_file()
    endless.unlink()
    endless.symlink_to("/dev/zero")  # read whole, it would fill the memory
    fifo.unlink()
    os.mkfifo(fifo)  # read, it would wait for a writer forever
    for planted in (endless, fifo):
        reading = (
            "import sys; from pathlib import Path; from treillis.cachedir import read_sealed;"
            "sys.exit(read_sealed(Path(sys.argv[1]), 'state') is not None)"
        )
        run = subprocess.run(
            [sys.executable, "-c", reading, str(planted)],
            preexec_fn=_limited,
            timeout=30,
            capture_output=True,
        )
        assert run.returncode == 0, run.stderr.decode()[-300:]
    (output / "index.html").unlink()
    with _alarm(30):
        build(small_site, output, cache=cache)  # from nothing
    assert (output / "index.html").is_file()


class Hung(Exception):
    """Raised by `_alarm` when its time is up."""


@contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    """A hang guard: a generous bound, never a measure of speed."""

    def expired(*_args: object) -> None:
        raise Hung  # not a TimeoutError: that is an OSError, which readers catch

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_planted_temporary_link_is_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    path = tmp_path / "cache/build/0123456789abcdef01234567.state"
    path.parent.mkdir(parents=True)
    path.with_name(f"{path.name}.{os.getpid()}.tmp").symlink_to(victim)
    cachedir.write_sealed(path, "context", b"data")
    assert victim.read_text() == "precious\n"
    assert cachedir.read_sealed(path, "context") == b"data"


@pytest.mark.parametrize("linked", ["diagrams", "build", "diagrams/69"])
def test_a_cache_folder_linked_elsewhere_is_neither_written_nor_pruned(
    small_site: Path, tmp_path: Path, linked: str
) -> None:
    cache, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    build(small_site, tmp_path / "output", cache=cache)
    # A file with a name the cache could have written, old enough to be pruned.
    elsewhere.mkdir()
    precious = elsewhere / "backup.2024.tmp"
    precious.write_text("precious\n")
    old = time.time() - 400 * 86400
    os.utime(precious, (old, old))
    link = cache / linked
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.exists():
        os.rename(link, tmp_path / "moved")
    link.symlink_to(elsewhere)
    with pytest.raises(OutputError, match="link"):
        build(small_site, tmp_path / "second", cache=cache)
    assert [p.name for p in elsewhere.iterdir()] == ["backup.2024.tmp"]


@pytest.mark.parametrize("context", ["{url}", ["{url}"], {"@import": "{url}"}])
def test_a_json_ld_thesaurus_fetches_no_context_from_elsewhere(
    tmp_path: Path, context: object
) -> None:
    # Read while importing, a remote context makes Treillis fetch any address (or file).
    content = empty_site(tmp_path, "fr")
    elsewhere = tmp_path / "context.jsonld"
    elsewhere.write_text(json.dumps({"@context": {"label": SKOS + "prefLabel"}}))
    url = elsewhere.as_uri()
    context = json.loads(json.dumps(context).replace("{url}", url))
    thesaurus = tmp_path / "thesaurus.jsonld"
    concept = {"@id": "http://ex.org/c1", "@type": SKOS + "Concept", "label": "Un"}
    text = json.dumps({"@context": context, **concept}, indent=1)
    thesaurus.write_text(text)
    line = next(n for n, written in enumerate(text.split("\n"), 1) if url in written)
    with pytest.raises(BuildError) as error:
        import_skos(content, thesaurus)
    [problem] = error.value.problems
    assert problem.line == line and "context" in problem.message and url in problem.message
    assert not (content / "atlas").exists()


def test_a_folder_name_cannot_split_the_preview_redirect(small_site: Path, tmp_path: Path) -> None:
    # A folder without its slash is redirected: its name, percent-encoded in the request,
    # must not come back decoded into the Location header (a second header, a body).
    injected = "a\r\nSet-Cookie: planted=1\r\nContent-Length: 9\r\n\r\n<script>"
    folder = small_site / "static" / injected
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<p>page</p>")
    preview = serve.start(small_site, port=0)
    try:
        port = preview.server.server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
            target = "/static/" + quote(injected)
            request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close"
            sock.sendall(request.encode() + b"\r\n\r\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    finally:
        preview.stop()
    head = answer.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    assert head[0].split()[1] == "301"
    assert not any(line.lower().startswith("set-cookie") for line in head)
    assert f"Location: {target}/" in head
    # Followed, the redirect leads to the folder's page.
    assert preview.site.get(unquote(target.lstrip("/")) + "/index.html") is not None


@pytest.mark.parametrize(
    "fifo", ["dossiers/essai/pipe.md", "atlas/families.yaml", "site.yaml", "static/pipe.txt"]
)
def test_a_fifo_in_the_content_is_a_problem_not_a_hang(
    small_site: Path, tmp_path: Path, fifo: str
) -> None:
    # Opened to be read, a FIFO waits for a writer forever (an archive can hold one).
    path = small_site / fifo
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    with _alarm(30):
        if fifo.startswith("static/"):  # not published: only regular files are
            build(small_site, tmp_path / "output")
            assert not (tmp_path / "output" / fifo).exists()
            return
        with pytest.raises(BuildError) as error:
            build(small_site, tmp_path / "output")
    # site.yaml and families.yaml are looked for as files: "missing" then.
    said = [p.message for p in error.value.problems if p.path == str(path)]
    assert said and ("not a regular file" in said[0] or "missing" in said[0]), said


def test_import_documents_skips_what_is_not_a_file(small_site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "theirs"
    (folder / "folder.md").mkdir(parents=True)
    os.mkfifo(folder / "pipe.md")
    (folder / "fiche.md").write_text("---\ntitle: Une fiche\n---\nTexte.\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("title: title\n", encoding="utf-8")
    with _alarm(30):
        report = import_documents(small_site, folder, "essai", mapping)
    assert report.count == 1 and (small_site / "dossiers/essai/fiche.md").is_file()
    skipped = [note for note in report.notes if "skipped: cannot read this file" in note]
    assert [note.split(":")[0] for note in skipped] == [
        str(folder / "folder.md"),
        str(folder / "pipe.md"),
    ]


def test_suggest_on_a_fifo_says_so(small_site: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "draft.md"
    os.mkfifo(pipe)
    result = subprocess.run(
        [sys.executable, "-m", "treillis", "suggest", str(pipe), "--content", str(small_site)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"{pipe}:1: cannot read this file: not a regular file")


@pytest.mark.parametrize(
    "pattern", ["a{10000000}", "(?:x{3000}){3000}", "a{99999999999999999999,}"]
)
def test_a_mapping_pattern_cannot_fill_the_memory_when_compiled(
    tmp_path: Path, pattern: str
) -> None:
    # The regex module writes counted repetitions out when compiling: 13 characters
    # asked for gigabytes (and the timeout only bounds matching).
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(f"title: title\ndate: {{field: date, pattern: '{pattern}'}}\n")
    reading = (
        "import sys; from pathlib import Path; from treillis.errors import BuildError;"
        "from treillis.importers.documents import read_mapping\n"
        "try: read_mapping(Path(sys.argv[1]))\n"
        "except BuildError as error: print(*error.problems, sep='\\n')"
    )
    run = subprocess.run(
        [sys.executable, "-c", reading, str(mapping)],
        preexec_fn=_limited,
        timeout=30,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and run.stderr == "", run.stderr[-300:]
    assert run.stdout.startswith(f"{mapping}:2: the pattern of 'date' repeats"), run.stdout


def _victims(tmp_path: Path) -> tuple[Path, Path]:
    """A file of the user's, and a name where nothing is yet, both outside the content."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    return victim, tmp_path / "created.txt"


def _untouched(victim: Path, nothing: Path) -> None:
    assert victim.read_text() == "precious\n" and not nothing.exists()


@pytest.mark.parametrize("dangling", [False, True])
def test_import_skos_writes_through_no_planted_link(
    small_site: Path, tmp_path: Path, dangling: bool
) -> None:
    victim, nothing = _victims(tmp_path)
    thesaurus = tmp_path / "thesaurus.ttl"
    thesaurus.write_text(f'<http://ex.org/c1> a <{SKOS}Concept> ; <{SKOS}prefLabel> "Un"@fr .\n')
    planted = small_site / "atlas/descriptors/thesaurus.yaml"
    planted.symlink_to(nothing if dangling else victim)
    with pytest.raises(ImportError_, match="link"):
        import_skos(small_site, thesaurus, force=True)
    _untouched(victim, nothing)


def test_import_documents_writes_through_no_planted_link(small_site: Path, tmp_path: Path) -> None:
    # A document of another site (valid here too, so the content loads) linked in.
    victim = tmp_path / "elsewhere.md"
    original = "---\ntitle: Ailleurs\ntype: analysis\ndate: 2020\n---\nÀ garder.\n"
    victim.write_text(original)
    (small_site / "dossiers/essai/fiche.md").symlink_to(victim)
    folder = tmp_path / "theirs"
    folder.mkdir()
    for name in ("autre", "fiche"):
        (folder / f"{name}.md").write_text(f"---\ntitle: {name}\n---\nTexte.\n")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("title: title\n", encoding="utf-8")
    with pytest.raises(DocumentImportError, match="link"):
        import_documents(small_site, folder, "essai", mapping, force=True)
    assert victim.read_text() == original
    assert not (small_site / "dossiers/essai/autre.md").exists()  # nothing half-imported


def test_treillis_new_writes_through_no_planted_link(small_site: Path, tmp_path: Path) -> None:
    victim, nothing = _victims(tmp_path)
    (small_site / "dossiers/neuf").mkdir()
    (small_site / "dossiers/neuf/index.md").symlink_to(nothing)
    with pytest.raises(ScaffoldError):
        new_dossier(small_site, "neuf")
    linked = small_site / "atlas/descriptors/linked.yaml"
    victim.write_text("precious\n- id: x\n  family: acteurs\n  label: {fr: X}\n")
    linked.symlink_to(victim)
    with pytest.raises(ScaffoldError, match="link"):
        new_descriptor(small_site, "nouveau", "acteurs", file_name="linked")
    assert victim.read_text().startswith("precious\n") and "nouveau" not in victim.read_text()
    assert not nothing.exists()


@pytest.mark.parametrize("suffix", [".rdf", ".ttl"])
def test_a_thesaurus_that_is_a_fifo_is_refused_not_waited_on(
    small_site: Path, tmp_path: Path, suffix: str
) -> None:
    thesaurus = tmp_path / f"thesaurus{suffix}"
    os.mkfifo(thesaurus)
    with _alarm(30), pytest.raises(BuildError) as error:
        import_skos(small_site, thesaurus)
    [problem] = error.value.problems
    assert problem.path == str(thesaurus) and "not a regular file" in problem.message


def test_a_link_out_of_the_content_is_not_read_whole(small_site: Path, tmp_path: Path) -> None:
    # A planted link to / had every file of the computer read (/proc/kcore never ends).
    # What the build reads from a folder kept elsewhere is still seen: a linked dossier.
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "deep" / "deeper").mkdir(parents=True)
    (elsewhere / "deep" / "deeper" / "notes.md").write_text("x")
    (elsewhere / "deep" / "data.bin").write_bytes(b"x")
    (elsewhere / "top.md").write_text("x")
    (small_site / "static").mkdir()
    (small_site / "static" / "everything").symlink_to(elsewhere)
    shared = tmp_path / "shared-dossier"
    shared.mkdir()
    (shared / "index.md").write_text("---\ntitle: Ailleurs\n---\nTexte.\n")
    (small_site / "dossiers" / "ailleurs").symlink_to(shared)
    found = {Path(p).relative_to(small_site).as_posix() for p in fingerprints([small_site])}
    assert "dossiers/ailleurs/index.md" in found and "dossiers/essai/index.md" in found
    assert not any(p.startswith("static/everything/deep") for p in found), found
