"""Documents' bodies parsed once per build: the page workers hand their plain texts to the
search index (`treillis.search.bodies`), which finds the same texts as its own parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synthetic import write_site
from treillis import markdown, pipeline
from treillis.build import build
from treillis.search.bodies import PlainBodies
from treillis.views import GROUP_SIZE

BODIES = [
    "# Titre\n\nUn *paragraphe* avec [[d1|un lien]] et `du code`.\n\n- un\n- deux\n",
    "Texte simple, sans rien d'autre.",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n",
]


def test_texts_saved_by_one_process_are_found_by_another_and_others_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = PlainBodies()
    assert pages.keeper(BODIES[0]) is None  # outside the workers' pool: nothing kept
    pages.folder = tmp_path
    for body in BODIES[:2]:
        assert markdown.render(body, plain=pages.keeper(body)).startswith(("<h", "<p>"))
    pages.save("1")
    assert pages.made == {}
    search = PlainBodies(tmp_path)  # (in a worker of the pool)
    parsed: list[str] = []
    search_parse = markdown.plain_text

    def counted(text: str) -> str:
        parsed.append(text)
        return search_parse(text)

    monkeypatch.setattr(markdown, "plain_text", counted)
    assert [search.plain_text(b) for b in BODIES] == [search_parse(b) for b in BODIES]
    assert parsed == [BODIES[2]]  # the one no page rendered


def test_a_damaged_file_of_texts_is_left_and_the_bodies_parsed(tmp_path: Path) -> None:
    pages = PlainBodies(tmp_path)
    pages.made = {BODIES[1]: "planted"}  # the texts of a page worker: this one is found
    pages.save("3")
    (tmp_path / "1.msgpack").write_bytes(b"\x92not a map")
    (tmp_path / "2.msgpack").write_bytes(b"")
    assert pages.plain_text(BODIES[0]) == markdown.plain_text(BODIES[0])
    assert pages.plain_text(BODIES[1]) == "planted"


def test_a_body_met_twice_is_found_twice_and_few_files_are_held(tmp_path: Path) -> None:
    pages = PlainBodies(tmp_path)
    for number, body in enumerate(BODIES):
        pages.made[body] = f"texte {number}"
        pages.save(str(number))
    assert [pages.plain_text(b) for b in (BODIES[0], BODIES[0], BODIES[1])] == [
        "texte 0",
        "texte 0",
        "texte 1",
    ]
    assert len(pages._found) <= 2
    pages.folder = None  # outside the pool: parsed, nothing read
    assert pages.plain_text(BODIES[2]) == markdown.plain_text(BODIES[2])


def test_the_folder_is_made_while_shared_and_deleted_after() -> None:
    bodies = PlainBodies()
    assert bodies.folder is None
    with bodies.shared():
        assert bodies.folder is not None and bodies.folder.is_dir()
        folder = bodies.folder
    assert bodies.folder is None
    assert not folder.exists()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Enough pages for workers, and more than one group of documents (`GROUP_SIZE`).
    return write_site(
        tmp_path_factory.mktemp("bodies") / "content",
        descriptors=60,
        documents=900,
        dossiers=4,
        families=3,
    )


def test_with_workers_the_search_parses_no_body_and_indexes_the_same(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers: the search waits in the queue of the worker of the documents' pages,
    after them (see `render_pages`): it parses at most the bodies of one group another
    worker took and still runs, where a build in one process parses them all; its files
    are the same."""
    log = tmp_path / "parsed.txt"
    parse = markdown.plain_text

    def logged(text: str) -> str:  # in whichever process parses (forked ones included)
        if text.strip():
            with log.open("a", encoding="utf-8") as out:
                out.write("x\n")
        return parse(text)

    monkeypatch.setattr(markdown, "plain_text", logged)
    monkeypatch.setenv("TREILLIS_WORKERS", "2")
    build(site, tmp_path / "two", cache=tmp_path / "cache-two")
    with_workers = log.read_text().count("x") if log.exists() else 0
    log.unlink(missing_ok=True)
    monkeypatch.setenv("TREILLIS_WORKERS", "1")
    build(site, tmp_path / "one", cache=tmp_path / "cache-one")
    alone = log.read_text().count("x")
    log.unlink()
    # A larger site than `MAX_DOCUMENTS`: the search, started first, parses every body.
    monkeypatch.setattr(pipeline, "MAX_DOCUMENTS", 500)
    monkeypatch.setenv("TREILLIS_WORKERS", "2")
    build(site, tmp_path / "large", cache=tmp_path / "cache-large")
    large = log.read_text().count("x")
    assert alone >= 900
    assert with_workers <= GROUP_SIZE
    assert large == alone
    data = Path("assets/search/data")
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one" / data).iterdir())
    for other in ("two", "large"):
        files = sorted(p.relative_to(tmp_path / other) for p in (tmp_path / other / data).iterdir())
        assert files == one
        for path in one:
            assert (tmp_path / other / path).read_bytes() == (tmp_path / "one" / path).read_bytes()
