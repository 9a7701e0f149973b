"""Hostile content: whatever the files hold, the build ends with a site or with clean
`path:line: message` problems — never a traceback, never a hang."""

from __future__ import annotations

import os
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build, load
from generator.errors import BuildError
from tests.conftest import SMALL_SITE, write_site

FILES = sorted(SMALL_SITE)
ODD = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from(list("\u202f\u00a0\u200b\u2028\ufeff\u0301'’«»[]{}:|#&<>*-\\\"\n\t")),
    max_size=200,
)
SCALARS = st.one_of(ODD, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=True))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ODD, inner, max_size=4),
    max_leaves=12,
)
FIELDS = (
    "id",
    "title",
    "type",
    "date",
    "lang",
    "label",
    "family",
    "broader",
    "related",
    "descriptors",
    "summary",
    "partner",
    "translations",
    "principles",
    "languages",
    "colour",
    "parent",
    "synonyms",
)


@contextmanager
def time_limit(seconds: int):
    def stop(signum, frame):
        raise TimeoutError(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def outcome(content: Path, output: Path) -> None:
    """The build either succeeds or reports clean problems."""
    with time_limit(20):
        try:
            load(content)
        except BuildError as error:
            assert error.problems
            for problem in error.problems:
                assert problem.line >= 1 and problem.path and problem.message
                assert "\n" not in problem.message and "Traceback" not in problem.message
            return
        try:
            build(content, output, cache=False)
        except BuildError as error:
            assert all(p.line >= 1 for p in error.problems)
            return
        assert (output / "index.html").is_file()


def fresh(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    if root.exists():
        shutil.rmtree(root)
    return write_site(root / "content", SMALL_SITE)


SETTINGS = settings(
    max_examples=int(os.environ.get("TREILLIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(
    name=st.sampled_from(FILES),
    text=ODD | st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
)
def test_any_text_in_any_file(tmp_path: Path, name: str, text: str) -> None:
    content = fresh(tmp_path, "text")
    (content / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    outcome(content, tmp_path / "text" / "output")


@SETTINGS
@given(name=st.sampled_from(FILES), data=st.binary(max_size=400))
def test_any_bytes_in_any_file(tmp_path: Path, name: str, data: bytes) -> None:
    content = fresh(tmp_path, "bytes")
    (content / name).write_bytes(data)
    outcome(content, tmp_path / "bytes" / "output")


@SETTINGS
@given(name=st.sampled_from(FILES), field=st.sampled_from(FIELDS), value=VALUES)
def test_any_value_in_any_field(tmp_path: Path, name: str, field: str, value: object) -> None:
    content = fresh(tmp_path, "field")
    path = content / name
    text = path.read_text(encoding="utf-8")
    dumped = yaml.safe_dump({field: value}, allow_unicode=True, default_flow_style=True).strip()
    if text.startswith("---"):
        path.write_text(
            text.replace("---\n", f"---\n{dumped}\n", 1).replace(f"\n{field}:", f"\nx{field}:", 1),
            encoding="utf-8",
        )
    elif text.lstrip().startswith("- "):
        path.write_text(
            text.replace("- id:", "- " + dumped.strip("{}") + "\n  id:", 1), encoding="utf-8"
        )
    else:
        path.write_text(text + dumped.strip("{}") + "\n", encoding="utf-8")
    outcome(content, tmp_path / "field" / "output")


@SETTINGS
@given(identifier=ODD, body=ODD)
def test_any_document_name_and_markdown(tmp_path: Path, identifier: str, body: str) -> None:
    content = fresh(tmp_path, "name")
    name = identifier.replace("/", "_").replace("\x00", "")[:80] or "x"
    try:
        (content / "dossiers/essai" / f"{name}.md").write_text(
            f"---\ntitle: T\ntype: concept\ndate: 2020\n---\n{body}\n",
            encoding="utf-8",
            errors="surrogatepass",
        )
    except OSError:
        return  # a name the file system refuses cannot reach Treillis
    outcome(content, tmp_path / "name" / "output")


def test_huge_and_deep_inputs(tmp_path: Path) -> None:
    content = fresh(tmp_path, "huge")
    document = content / "dossiers/essai/cas-deux.md"
    document.write_text(
        "---\ntitle: "
        + "é" * 200_000
        + "\ntype: analysis\ndate: 2022\n---\n"
        + "> " * 5000
        + "texte\n"
        + "[[" * 3000
        + "\n",
        encoding="utf-8",
    )
    (content / "atlas/descriptors/deep.yaml").write_text(
        "- id: deep\n  note: " + "[" * 5000 + "\n", encoding="utf-8"
    )
    outcome(content, tmp_path / "huge" / "output")
