"""Hostile input gets a clear one-line message, a non-zero exit and never a traceback.

Each test runs the `treillis` command on a small site broken on purpose, as an
attacker or a careless contributor would, and checks the exact message shape.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SMALL_SITE, write_site
from treillis.build import build, load
from treillis.errors import Problem, printable
from treillis.exports import atlas_json, atlas_turtle
from treillis.readers.fields import address_problem, is_web_address
from treillis.sitecheck import check_site
from treillis.workers import worker_count

ESCAPE = "\x1b"
# A file name that, printed raw, sets the terminal's title and clears the screen.
HOSTILE_NAME = "x\x1b]0;pwned\x1b\\\x1b[2Jy"
BAD_ADDRESSES = [
    ("https://example.org/a|b/", "the character '|' is not allowed in an address (write it %7C)"),
    ("https://example.org/{a}/", "the character '{' is not allowed in an address (write it %7B)"),
    ("https://example.org/a^b/", "the character '^' is not allowed in an address (write it %5E)"),
]


def treillis(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treillis", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,  # a hang guard only
    )


def assert_clean(result: subprocess.CompletedProcess[str], code: int) -> None:
    """The exit code expected, no traceback, nothing raw for the terminal to obey."""
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output
    assert ESCAPE not in output and "\a" not in output


def site_yaml_with(small_site: Path, line: str) -> None:
    path = small_site / "site.yaml"
    path.write_text(line + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small site, built once: tests copy it and break the copy."""
    root = tmp_path_factory.mktemp("built")
    content = write_site(root / "content", SMALL_SITE)
    build(content, root / "output", cache=False)
    return root / "output"


# 1. Addresses: one rule, in site.yaml and in every option.


@pytest.mark.parametrize(("address", "reason"), BAD_ADDRESSES)
def test_base_url_in_site_yaml_is_a_real_address(
    small_site: Path, address: str, reason: str
) -> None:
    site_yaml_with(small_site, f"base_url: {address}")
    result = treillis("build", cwd=small_site.parent)
    assert_clean(result, 1)
    assert result.stderr.splitlines()[0] == (
        f"content/site.yaml:1: '{address}' is not a valid web address: {reason}"
    )
    assert not (small_site.parent / "output").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["build", "--base-url"],
        ["mirror", "reseau", "-o", "partner", "--main-url"],
        ["mirror", "reseau", "-o", "partner", "--base-url"],
        ["check", "--site", "content", "--base-url"],
    ],
)
def test_address_options_follow_the_same_rule(small_site: Path, command: list[str]) -> None:
    address, reason = BAD_ADDRESSES[0]
    result = treillis(*command, address, cwd=small_site.parent)
    assert_clean(result, 2)
    assert f"'{command[-1]}': '{address}' is not a valid web address: {reason}" in result.stderr
    assert not (small_site.parent / "output").exists()


def test_one_address_rule() -> None:
    good = [
        "https://example.org/",
        "http://localhost:8000/atlas/?q=1#top",
        "https://exemple.fr/caf%C3%A9/",
        "https://bücher.example/été/",
        "https://[2001:db8::1]:8443/",
        "HTTPS://EXAMPLE.ORG/",
    ]
    assert [a for a in good if not is_web_address(a)] == []
    bad = {
        "https://example.org/a|b/": "'|'",
        "https://example.org/a b": "a space",
        "https://[bad": "host or port",
        "https://example.org:99999/": "host or port",
        "https://-example.org/": "not a valid host name",
        "https:///atlas": "no host name",
        "https://example.org/100%": "'%'",
        "https://example.org/a\u202eb": "U+202E",
        "javascript:alert(1)//": "https://",
    }
    assert {a: address_problem(a) for a in bad if not is_web_address(a)}.keys() == bad.keys()
    for address, reason in bad.items():
        assert reason in (address_problem(address) or ""), address
    assert address_problem("urn:isbn:2-07-036822-X", web=False) is None
    assert address_problem("ark:/12148/cb11932889r", web=False) is None
    assert "'\"'" in (address_problem('http://ex.org/"x', web=False) or "")


# 2. Descriptor URIs: checked when read, and the exports whole anyway.


def test_descriptor_uri_is_checked_where_it_is_written(small_site: Path) -> None:
    path = small_site / "atlas/descriptors/main.yaml"
    text = path.read_text(encoding="utf-8")
    line = len(text.splitlines()) + 4
    path.write_text(
        text
        + '- id: bizarre\n  family: acteurs\n  label: {fr: Bizarre}\n  uri: "http://ex.org/\\"x"\n',
        encoding="utf-8",
    )
    result = treillis("build", cwd=small_site.parent)
    assert_clean(result, 1)
    assert result.stderr.splitlines()[0] == (
        f"content/atlas/descriptors/main.yaml:{line}: 'http://ex.org/\"x' is not a valid URI: "
        "the character '\"' is not allowed in an address (write it %22)"
    )


def test_exports_stay_whole_with_a_uri_the_readers_would_refuse(small_site: Path) -> None:
    from rdflib import Graph, URIRef

    site = load(small_site)
    site.descriptors["budget"].uri = 'http://ex.org/"x y|z'
    site.config.base_url = "https://example.org/a b/"
    graph = Graph().parse(data=atlas_turtle(site), format="turtle")
    assert (URIRef("http://ex.org/%22x%20y%7Cz"), None, None) in graph
    assert '"uri": "http://ex.org/%22x%20y%7Cz"' in atlas_json(site)


# 3. Checking a built site: problems, never a crash.


def test_strict_build_reports_a_link_no_file_can_have(small_site: Path) -> None:
    page = small_site / "dossiers/essai/cas-deux.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nVoir [ceci](x%00y.html).\n")
    result = treillis("build", "--strict", cwd=small_site.parent)
    assert_clean(result, 1)
    assert re.fullmatch(
        r"dossiers/essai/cas-deux/index\.html:\d+: broken link 'x%00y\.html': "
        r"no file can have this name",
        result.stderr.splitlines()[0],
    ), result.stderr
    assert not (small_site.parent / "output").exists()


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("https://[bad", "link 'https://[bad' is not a valid address"),
        ("x%00y.html", "broken link 'x%00y.html': no file can have this name"),
        ("x" * 5000 + ".html", "no file can have this name"),
    ],
)
def test_check_site_reports_hostile_links(
    built: Path, tmp_path: Path, link: str, message: str
) -> None:
    site = shutil.copytree(built, tmp_path / "site")
    index = site / "index.html"
    html = index.read_text(encoding="utf-8")
    index.write_text(html.replace("</body>", f'<a href="{link}">x</a></body>'), encoding="utf-8")
    line = html[: html.index("</body>")].count("\n") + 1
    result = treillis("check", "--site", "site", cwd=tmp_path)
    assert_clean(result, 1)
    assert any(
        row.startswith(f"index.html:{line}: ") and row.endswith(message)
        for row in result.stderr.splitlines()
    ), result.stderr


def test_check_site_skips_folders_named_like_pages(built: Path, tmp_path: Path) -> None:
    site = shutil.copytree(built, tmp_path / "site")
    (site / "x.html").mkdir()
    (site / "y.xml").mkdir()
    result = treillis("check", "--site", "site", cwd=tmp_path)
    assert_clean(result, 0)
    assert "No problem found" in result.stdout
    assert check_site(site).pages == check_site(built).pages


def test_check_site_never_expands_entities(built: Path, tmp_path: Path) -> None:
    site = shutil.copytree(built, tmp_path / "site")
    laughs = "".join(f'<!ENTITY a{n + 1} "&a{n};&a{n};&a{n};&a{n};">' for n in range(30))
    (site / "feed.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE f [<!ENTITY a0 "ha">{laughs}]>\n<f>&a30;</f>\n',
        encoding="utf-8",
    )
    problems = [str(p) for p in check_site(site).problems]
    assert problems == ["feed.xml:2: a DOCTYPE: not read (feeds and sitemaps have none)"]


# 4. TREILLIS_WORKERS.


@pytest.mark.parametrize("value", ["abc", "-1", "2.5"])
def test_workers_variable_must_be_a_number(small_site: Path, value: str) -> None:
    result = treillis("build", cwd=small_site.parent, env={"TREILLIS_WORKERS": value})
    assert_clean(result, 2)
    assert result.stderr.startswith(f"error: TREILLIS_WORKERS='{value}' is not a number")
    assert not (small_site.parent / "output").exists()


def test_empty_workers_variable_means_one_per_core(
    small_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = treillis("build", "-q", cwd=small_site.parent, env={"TREILLIS_WORKERS": ""})
    assert_clean(result, 0)
    monkeypatch.setenv("TREILLIS_WORKERS", " ")
    assert worker_count() == (os.cpu_count() or 1)
    monkeypatch.setenv("TREILLIS_WORKERS", "1000000")  # each is forked at once: bounded
    assert worker_count() == 4 * (os.cpu_count() or 1)


# 5. Control characters never reach the terminal raw.


def test_problem_shows_control_characters_as_escapes() -> None:
    problem = Problem(f"dossiers/{HOSTILE_NAME}.md", 3, "value 'a\tb\nc\u202ed'")
    assert str(problem) == (
        "dossiers/x\\x1b]0;pwned\\x1b\\\\x1b[2Jy.md:3: value 'a\\tb\\nc\\u202ed'"
    )
    assert printable("Réseau « été » 例") == "Réseau « été » 例"
    assert printable("\udcff") == "\\xff"  # a byte of a file name that is not UTF-8


@pytest.mark.parametrize("name", [HOSTILE_NAME, "a\nb", "a\tb"])
def test_file_names_are_escaped_in_problems(small_site: Path, name: str) -> None:
    shutil.copy(small_site / "dossiers/essai/cas-deux.md", small_site / f"dossiers/essai/{name}.md")
    result = treillis("check", cwd=small_site.parent)
    assert_clean(result, 1)
    shown = f"content/dossiers/essai/{printable(name)}.md:1: "
    lines = result.stderr.splitlines()
    assert any(line.startswith(shown) for line in lines), result.stderr
    assert lines[-1] == "1 problem found; nothing was written."


def test_summary_and_click_errors_are_escaped(small_site: Path) -> None:
    result = treillis("build", "-o", "out\x1b[2J", cwd=small_site.parent)
    assert_clean(result, 0)
    assert " into out\\x1b[2J in " in result.stdout
    result = treillis("check", "--site", "gone\x1b[2J", cwd=small_site.parent)
    assert_clean(result, 2)
    assert "'gone\\x1b[2J' does not exist" in result.stderr


# 6. Values shown as written: no emoji codes, no markup.


def test_values_are_shown_as_written(small_site: Path) -> None:
    page = small_site / "dossiers/essai/cas-deux.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nVoir [[urn:x:<y>]].\n")
    result = treillis("check", cwd=small_site.parent)
    assert_clean(result, 1)
    assert "'urn:x:<y>'" in result.stderr and "❌" not in result.stderr
    page.write_text(page.read_text(encoding="utf-8").replace("[[urn:x:<y>]]", ""))
    result = treillis("build", "-o", "out[/]:x:", cwd=small_site.parent)
    assert_clean(result, 0)
    assert " into out[/]:x: in " in result.stdout
