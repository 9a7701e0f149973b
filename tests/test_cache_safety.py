"""What a contributor can plant in the cache folder costs at worst a full rebuild."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from treillis import cachedir
from treillis.build import _options, build
from treillis.diagrams.svgsafe import UnsafeDiagram, sanitise
from treillis.errors import OutputError
from treillis.incremental import BuildState, load_state, save_state, state_file


class _Planted:
    """Unpickling this runs a command: what a planted pickle would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (os.system, (f"touch {self.marker}",))


def _empty(state: BuildState) -> bool:
    """No state: what a first build starts with."""
    return state == BuildState(options=state.options, parse_cache=state.parse_cache) and not (
        state.parse_cache.to_data()
    )


def _pages(output: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(output)): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }


def test_a_planted_pickle_never_runs_anywhere_in_the_cache(
    small_site: Path, tmp_path: Path
) -> None:
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(small_site, output, cache=cache)
    marker = tmp_path / "MARKER"
    payload = pickle.dumps(_Planted(marker))
    state = state_file(cache, output, _options(None, None, False))
    # Every file the cache holds, and the names earlier versions used (pickles).
    planted = [p for p in cache.rglob("*") if p.is_file() and p.name != cachedir.TAG_NAME]
    planted += [state.with_suffix(".pickle"), state.with_suffix(".model.pickle")]
    assert len(planted) > 5
    for path in planted:
        path.write_bytes(payload)
    (small_site / "dossiers/essai/index.md").write_text(
        (small_site / "dossiers/essai/index.md").read_text(encoding="utf-8") + "\nMore.\n",
        encoding="utf-8",
    )
    report = build(small_site, output, cache=cache)
    assert not marker.exists()
    assert report.rendered == report.pages  # nothing of the planted state was trusted
    assert not report.up_to_date


def test_a_state_not_sealed_by_this_user_is_no_state(small_site: Path, tmp_path: Path) -> None:
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(small_site, output, cache=cache)
    options = _options(None, None, False)
    path = state_file(cache, output, options)
    data = path.read_bytes()
    assert load_state(path, options).pages  # this user's own state is read back
    # The same data, well-formed, but sealed with another key (someone else's machine).
    path.write_bytes(b"\0" * 32 + data[32:])
    assert _empty(load_state(path, options))
    # A state of the right shape written by hand: no seal at all.
    path.write_bytes(msgspec.msgpack.encode({"options": options, "pages": {"x.html": "y"}}))
    assert _empty(load_state(path, options))
    path.write_bytes(data)
    assert load_state(path, options).pages


def test_a_state_naming_a_path_outside_the_output_is_no_state(tmp_path: Path) -> None:
    options = "o"
    path = state_file(tmp_path / "cache", tmp_path / "output", options)
    for outside in ("../../etc/passwd", "/etc/passwd", "a/../../b", "a\\..\\b", ""):
        save_state(path, BuildState(options=options, pages={outside: "digest"}))
        assert _empty(load_state(path, options)), outside
    save_state(path, BuildState(options=options, pages={"atlas/index.html": "digest"}))
    assert load_state(path, options).pages == {"atlas/index.html": "digest"}


def test_a_state_from_another_computer_is_not_trusted(small_site: Path, tmp_path: Path) -> None:
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(small_site, output, cache=cache)
    # The same command with another user's key (another cache home): a full build.
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "elsewhere")}
    result = subprocess.run(
        [sys.executable, "-m", "treillis", "build", str(small_site), "-o", str(output),
         "--cache", str(cache)],
        capture_output=True, text=True, env=environment, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "up to date" not in result.stdout
    built = re.search(r"Built (\d+) pages .*\((\d+) pages rendered", result.stdout)
    assert built and built.group(1) == built.group(2)  # every page rendered again
    assert (tmp_path / "elsewhere/treillis/key").is_file()


HOSTILE_PICTURES = [
    '</svg><img src="x"onerror="alert(1)">',
    '<svg class="diagram"><a href="&#106;avascript:alert(1)"><text>x</text></a></svg>',
    '<svg class="diagram"><a href=" java\tscript:alert(1)"><text>x</text></a></svg>',
    '<svg class="diagram"><script>alert(1)</script></svg>',
    '<svg class="diagram"><foreignObject><div>x</div></foreignObject></svg>',
    '<svg class="diagram" onload="alert(1)"></svg>',
    '<svg class="diagram"><g style="x:expression(alert(1))"></g></svg>',
    '<svg class="diagram"><a xlink:href="javascript:alert(1)"></a></svg>',
    '<!DOCTYPE svg [<!ENTITY a "b">]><svg class="diagram"><text>&a;</text></svg>',
    '<svg class="diagram"><text><![CDATA[</text><img src=x onerror=alert(1)>]]></text></svg>',
    '<svg class="diagram"><title>x</title></svg><svg class="diagram"></svg>',
    '<svg class="other"></svg>',
    "<g></g>",
]


@pytest.mark.parametrize("picture", HOSTILE_PICTURES)
def test_diagram_markup_is_rebuilt_from_a_parse(picture: str) -> None:
    try:
        rebuilt = sanitise(picture)
    except UnsafeDiagram:
        return
    # What passes is written by the sanitiser: markup as text, never as elements.
    assert "<img" not in rebuilt and "<script" not in rebuilt
    assert sanitise(rebuilt) == rebuilt


def test_an_earlier_versions_pictures_are_removed_and_never_reach_a_page(
    small_site: Path, tmp_path: Path
) -> None:
    """Earlier versions kept laid-out diagrams in the cache's `diagrams/` folder: a build
    draws every picture itself, never reads one there, and removes what they wrote
    (files named as they named them, nothing else)."""
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(small_site, output, cache=cache)
    tag = (cache / cachedir.TAG_NAME).read_text(encoding="utf-8")
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55")
    planted = (
        '<svg class="diagram"><a href="&#106;avascript:alert(1)">x</a></svg>'
        '<img src="x"onerror="alert(2)">'
    )
    pictures = [
        cache / "diagrams" / "ab" / f"{'c' * 64}.diagram",
        cache / "diagrams" / "ab" / f"{'d' * 64}.svg",
        cache / "diagrams" / "pruned.stamp",
    ]
    for picture in pictures:
        picture.parent.mkdir(parents=True, exist_ok=True)
        picture.write_text(planted, encoding="utf-8")
    build(small_site, tmp_path / "other", cache=cache)
    assert not (cache / "diagrams").exists()
    for page in (tmp_path / "other").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "alert(" not in text and "avascript" not in text
    assert _pages(tmp_path / "other") == _pages(output)
    # Files of someone else's there stay, and their folders; a link named as a picture
    # is not followed (nor removed).
    for picture in pictures:
        picture.parent.mkdir(parents=True, exist_ok=True)
        picture.write_text(planted, encoding="utf-8")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    theirs = [
        cache / "diagrams" / "ab" / "notes.txt",
        cache / "diagrams" / "ab" / "backup.2024.tmp",
        cache / "diagrams" / "mine" / f"{'e' * 64}.svg",
    ]
    for path in theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("mine\n", encoding="utf-8")
    link = cache / "diagrams" / "cd" / f"{'f' * 64}.diagram"
    link.parent.mkdir()
    link.symlink_to(victim)
    build(small_site, output, cache=cache)
    left = sorted(p for p in (cache / "diagrams").rglob("*") if p.is_file() or p.is_symlink())
    assert left == sorted([*theirs, link]) and victim.read_text(encoding="utf-8") == "precious\n"


def test_a_folder_of_someone_elses_is_refused_as_a_cache(small_site: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mydocs"
    photo = mine / "diagrams" / "2020" / "holidays.svg"
    photo.parent.mkdir(parents=True)
    photo.write_text("<svg/>", encoding="utf-8")
    os.utime(photo, (0, 0))  # old: nothing of someone else's is removed, however old
    with pytest.raises(OutputError, match=r"refusing to use .*mydocs as a cache folder"):
        build(small_site, tmp_path / "output", cache=mine)
    assert photo.read_text(encoding="utf-8") == "<svg/>"
    assert not (tmp_path / "output").exists()
    assert not (mine / cachedir.TAG_NAME).exists()


def test_a_cache_made_by_an_earlier_version_is_adopted(small_site: Path, tmp_path: Path) -> None:
    cache = tmp_path / ".treillis-cache"
    old_picture = cache / "diagrams" / "ab" / ("ab" + "0" * 62 + ".svg")
    old_state = cache / "build" / ("0" * 24 + ".pickle")
    for path in (old_picture, old_state):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"old")
    build(small_site, tmp_path / "output", cache=cache)
    assert (cache / cachedir.TAG_NAME).is_file()
    assert not old_state.exists() and not old_picture.exists()


@pytest.mark.parametrize("where", ["cache", "inside-cache", "around-cache"])
def test_the_output_cannot_overlap_the_cache(small_site: Path, tmp_path: Path, where: str) -> None:
    cache = tmp_path / ".treillis-cache"
    output = {
        "cache": cache,
        "inside-cache": cache / "site",
        "around-cache": tmp_path / "out",
    }[where]
    if where == "around-cache":
        cache = output / "cache"
    with pytest.raises(OutputError, match="overlaps"):
        build(small_site, output, cache=cache)
    assert not (output / "index.html").exists()
    assert not any(cache.rglob("*.html")) if cache.exists() else True


def test_the_default_cache_cannot_be_the_output(small_site: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "treillis", "build", "-o", ".treillis-cache"],
        capture_output=True, text=True, cwd=small_site.parent,
    )  # fmt: skip
    assert result.returncode != 0
    assert "overlaps" in result.stderr and "Traceback" not in result.stderr
    assert not (small_site.parent / ".treillis-cache" / "index.html").exists()


def test_an_edit_keeping_size_and_time_is_seen(small_site: Path, tmp_path: Path) -> None:
    cache, output = tmp_path / "cache", tmp_path / "output"
    build(small_site, output, cache=cache)
    document = next((small_site / "dossiers/essai").glob("*.md"))
    for path in (document, small_site / "atlas/descriptors/main.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".yaml":
            edited = text.replace("Gouvernance", "Gouvernanse")
        else:
            edited = text[:-2] + ("Y" if text[-2] == "X" else "X") + text[-1]
        assert edited != text and len(edited) == len(text)
        stat = path.stat()
        path.write_text(edited, encoding="utf-8")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as `touch -r` does
        assert path.stat().st_size == stat.st_size
    report = build(small_site, output, cache=cache)
    assert not report.up_to_date
    build(small_site, tmp_path / "clean", cache=False)
    assert _pages(output) == _pages(tmp_path / "clean")


def test_parsed_files_come_back_from_the_state_with_every_line(tmp_path: Path) -> None:
    """Kept between builds as data, a parsed file keeps its lines and folded values."""
    from treillis.sources import LineDict, LineList, ParseCache, parse_yaml, split_front_matter

    yaml_file, markdown_file = tmp_path / "a.yaml", tmp_path / "b.md"
    yaml_file.write_text(
        "- id: x\n  label: {fr: X}\n  note:\n    un texte\n    - sur deux lignes\n- [a, b]\n- ''\n",
        encoding="utf-8",
    )
    markdown_file.write_text(
        "---\ntitle: T\nauthors:\n  - Claire\n    - Paul\n---\n\nCorps.\n", encoding="utf-8"
    )
    cache = ParseCache()
    parsed = [cache.get(yaml_file, parse_yaml), cache.get(markdown_file, split_front_matter)]
    data = msgspec.msgpack.encode(cache.to_data())
    from treillis.sources import ParsedData

    back = ParseCache.from_data(
        msgspec.msgpack.decode(data, type=dict[str, tuple[str, ParsedData]])
    )
    again = [back.get(yaml_file, parse_yaml), back.get(markdown_file, split_front_matter)]

    def shape(value: object) -> object:
        if isinstance(value, LineDict):
            items = {k: shape(v) for k, v in value.items()}
            return ("map", value.line, value.key_lines, value.folded, items)
        if isinstance(value, LineList):
            return ("list", value.line, value.item_lines, value.folded, [shape(v) for v in value])
        if hasattr(value, "meta"):
            return ("md", shape(value.meta), value.body, value.body_line)
        return value

    assert [shape(v) for v in again] == [shape(v) for v in parsed]
    assert parsed[0][0].folded and parsed[1].meta["authors"].folded  # the case is covered
