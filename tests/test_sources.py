"""Reading files: YAML with lines, front matter, UTF-8."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from treillis.sources import LineDict, SourceError, parse_yaml, read_text, split_front_matter


def test_yaml_keeps_the_line_of_every_key_and_item() -> None:
    data = parse_yaml("a: 1\nb:\n  - x\n  - y\nc: {d: 2}\n")
    assert isinstance(data, LineDict)
    assert data.line_of("a") == 1
    assert data.line_of("b") == 2
    assert data["b"].item_lines == [3, 4]
    assert data["c"].line_of("d") == 5


def test_yaml_dates_stay_text() -> None:
    assert parse_yaml("date: 2024-03-15")["date"] == "2024-03-15"


def test_yaml_duplicate_key_is_an_error_with_its_line() -> None:
    with pytest.raises(SourceError) as error:
        parse_yaml("title: a\nlang: fr\ntitle: b\n")
    assert error.value.line == 3
    assert "'title' is written twice" in error.value.message


def test_yaml_syntax_error_has_the_line_in_the_file() -> None:
    with pytest.raises(SourceError) as error:
        parse_yaml("a: 1\nb: [unclosed\nc: 2\n", first_line=5)
    assert error.value.line == 7  # the unclosed list runs into line 3 of the text
    assert error.value.message.startswith("YAML syntax:")


def test_yaml_refuses_python_objects() -> None:
    with pytest.raises(SourceError):
        parse_yaml("a: !!python/object/apply:os.system ['true']")


def test_front_matter_lines_are_file_lines() -> None:
    source = split_front_matter("---\ntitle: T\ntype: analysis\n---\nBody\n")
    assert source.meta.line_of("title") == 2
    assert source.meta.line_of("type") == 3
    assert source.body == "Body\n"
    assert source.body_line == 5


def test_front_matter_must_be_opened_and_closed() -> None:
    with pytest.raises(SourceError, match="must start with a front matter"):
        split_front_matter("title: T\n")
    with pytest.raises(SourceError, match="not closed"):
        split_front_matter("---\ntitle: T\n")


def test_invalid_utf8_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes("ligne un\nligne deux\ncaf\xe9".encode("latin-1"))
    with pytest.raises(SourceError) as error:
        read_text(path)
    assert error.value.line == 3
    assert "not valid UTF-8" in error.value.message


def test_yaml_values_stay_the_text_written() -> None:
    data = parse_yaml("title: Yes\ncode: 010\ncolour: 0x336699\ndate: 2024-01-01\nempty:\n")
    assert dict(data) == {
        "title": "Yes",
        "code": "010",
        "colour": "0x336699",
        "date": "2024-01-01",
        "empty": "",
    }


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb: !!binary aGVsbG8=\n", 2, "the tag !!binary is not supported"),
        ("a: &x [1]\nb: *x\n", 2, "aliases (*name) are not supported"),
        ('a: 1\nb: "B\\uD800C"\n', 2, "the character U+D800 is not allowed"),
        ('a: "B\\x01"\n', 1, "the character U+0001 is not allowed"),
        ("? [a]\n: b\n", 1, "a key must be a plain word"),
    ],
)
def test_yaml_refuses_what_is_not_plain_text(text: str, line: int, message: str) -> None:
    with pytest.raises(SourceError) as error:
        parse_yaml(text)
    assert error.value.line == line and message in error.value.message


def test_control_characters_in_a_text_file_are_refused_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text("---\ntitle: T\n---\nUn texte\navec un \x00 nul\n", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        read_text(path)
    assert error.value.line == 5 and "U+0000" in error.value.message


def test_a_file_is_valid_or_not_whatever_else_it_contains() -> None:
    """The C parser (used for most files) accepts nothing the Python one refuses."""
    from treillis.sources import SourceError, parse_yaml

    for text in ("title: Foo\t\n", "title: Foo\t\nsummary: R&D\n"):
        with pytest.raises(SourceError):
            parse_yaml(text)
    assert parse_yaml("title: R&D\n") == parse_yaml("title: 'R&D'\n") == {"title": "R&D"}


def _wait_for(done: Callable[[], bool]) -> None:
    """Until `done()`: a bound against a hang only (never reached unless broken)."""
    import time

    deadline = time.monotonic() + 60
    while not done():
        assert time.monotonic() < deadline, "the other process never went on"
        time.sleep(0.005)


def test_files_parsed_ahead_by_a_forked_process_read_as_they_would_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large site's files are parsed by this process and a forked one, each taking
    the next few in turn: the site read, and its problems, are what parsing them all
    here gives, broken files included (their values come back as data), and this
    process parses none of the other's files again."""
    import os
    import shutil

    from tests.conftest import DEMO_CONTENT
    from treillis import sources
    from treillis.errors import Problems
    from treillis.readers import read_site

    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    folder = content / "dossiers" / "cooperation-rural-urbain"
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    (folder / "latin1.md").write_bytes("---\ntitle: Été\n---\n".encode("latin-1"))
    here, parsed = os.getpid(), sources._parsed
    parsed_here: list[object] = []  # the files this process parsed (ahead or when asked)

    def parse_here(data: bytes, parser: Callable[[str], object]) -> object:
        if os.getpid() == here:
            parsed_here.append(parser)
        return parsed(data, parser)

    monkeypatch.setattr(sources, "_parsed", parse_here)
    monkeypatch.setenv("TREILLIS_WORKERS", "2")
    # (Threads other tests left in this process would stop it from forking.)
    monkeypatch.setattr(sources.threading, "active_count", lambda: 1)

    def read(ahead: int) -> tuple:
        monkeypatch.setattr(sources, "_AHEAD_MIN", ahead)
        parsed_here.clear()
        problems = Problems()
        site = read_site(content, problems, sources.ParseCache())
        said = [str(problem) for problem in problems.items]
        return site.documents, site.dossiers, site.descriptors, said

    expected = read(10**9)  # all parsed here, when asked for
    every = len(parsed_here)
    assert len(expected[0]) > 30 and len(expected[3]) == 2
    # This process takes one chunk, then waits until the other has taken all the others.
    monkeypatch.setattr(sources._Chunks, "SIZE", 3)
    made: list[sources._Chunks] = []
    init = sources._Chunks.__init__
    monkeypatch.setattr(
        sources._Chunks, "__init__", lambda self, count: made.append(self) or init(self, count)
    )
    parsed_file = sources._parsed_file

    def parse_file(path: str, parser: Callable[[str], object]) -> object:
        if os.getpid() == here:
            counter = made[0].counter
            _wait_for(lambda: int.from_bytes(counter[:8], "little") >= made[0].count)
        return parsed_file(path, parser)

    monkeypatch.setattr(sources, "_parsed_file", parse_file)
    assert read(2) == expected
    # Here: one chunk, and the files not parsed ahead (site.yaml, the families).
    assert made[0].count > 40 and len(parsed_here) == every - made[0].count + 3


def test_nothing_is_parsed_ahead_by_a_process_with_other_threads_or_one_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fork copies none of the other threads (nor what they were doing): a process
    running some (the preview's server) parses every file itself, when asked for; so
    does one told to use one process (`TREILLIS_WORKERS=1`)."""
    import threading

    from treillis import sources
    from treillis.sources import ParseCache

    files = []
    for number in range(300):
        path = tmp_path / f"{number}.yaml"
        path.write_text(f"- id: d{number}\n", encoding="utf-8")
        files.append((str(path), parse_yaml))
    monkeypatch.setenv("TREILLIS_WORKERS", "2")
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        cache = ParseCache()
        cache.parse_ahead(files)
        assert cache._ahead == {}
    finally:
        release.set()
        other.join()
    # (Threads other tests left in this process would stop it from forking.)
    monkeypatch.setattr(sources.threading, "active_count", lambda: 1)
    monkeypatch.setenv("TREILLIS_WORKERS", "1")
    cache.parse_ahead(files)
    assert cache._ahead == {}
    monkeypatch.setenv("TREILLIS_WORKERS", "2")
    cache.parse_ahead(files)
    assert len(cache._ahead) == len(files)
    assert cache.get(tmp_path / "7.yaml", parse_yaml) == [{"id": "d7"}]
    cache.drop_ahead()
    assert cache._ahead == {}


def test_processes_taking_chunks_in_turn_leave_none(tmp_path: Path) -> None:
    import os

    from treillis.sources import _Chunks

    chunks = _Chunks(100)
    items = list(range(100))
    pid = os.fork()
    if pid == 0:
        try:
            taken = list(chunks.taken(items))
            (tmp_path / "child").write_text(" ".join(map(str, taken)))
        finally:
            os._exit(0)
    # Both take some: this process starts once the other has taken its first chunk.
    _wait_for(lambda: int.from_bytes(chunks.counter[:8], "little") > 0)
    taken = list(chunks.taken(items))
    os.waitpid(pid, 0)
    theirs = [int(n) for n in (tmp_path / "child").read_text().split()]
    assert theirs and sorted(set(taken) | set(theirs)) == items
    chunks.close()
