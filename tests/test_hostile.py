"""Hostile content: whatever the files hold, the build ends with a site or with clean
`path:line: message` problems — never a traceback, never a hang."""

from __future__ import annotations

import os
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import SMALL_SITE, write_site
from treillis.build import build, load
from treillis.errors import BuildError

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


# Importers: whatever the thesaurus or the mapping holds, an import ends with files
# `treillis check` accepts, or with clean `path:line: message` problems, in bounded time,
# and writes nothing but its own files.

TEXTS = st.recursive(
    ODD,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ODD, inner, max_size=4),
    max_leaves=10,
)
SEGMENT = st.text(alphabet="abcXYZ019-_.~%/", min_size=1, max_size=12) | st.sampled_from(
    ["../../../etc", "..", "legend", "a/b#c", "12345678-1234-1234-1234-123456789abc"]
)


def _distinct_keys(value: object) -> bool:
    """No two keys of a mapping differ only by characters the reader refuses."""
    if isinstance(value, dict):
        keys = [_clean(key) for key in value]
        return len(set(keys)) == len(keys) and all(map(_distinct_keys, value.values()))
    return all(map(_distinct_keys, value)) if isinstance(value, list) else True


def _clean(value: object) -> object:
    """A value as Treillis reads it back: texts without the characters it refuses."""
    from treillis.sources import _FORBIDDEN

    if isinstance(value, dict):
        return {_FORBIDDEN.sub("", k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return _FORBIDDEN.sub("", value)


@SETTINGS
@given(value=st.dictionaries(ODD, TEXTS, max_size=5), title=ODD)
def test_the_yaml_emitter_writes_values_that_read_back_as_written(value: dict, title: str) -> None:
    from treillis.sources import parse_yaml, split_front_matter
    from treillis.yamlwrite import dump, front_matter

    if _distinct_keys(value):
        assert parse_yaml(dump(value)) == _clean(value)
    source = split_front_matter(front_matter({"title": title, "tags": [title, title]}) + "B\n")
    assert dict(source.meta) == {"title": _clean(title), "tags": [_clean(title)] * 2}
    assert source.body == "B\n"


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _assert_clean(problems) -> None:
    for problem in problems:
        assert problem.line >= 1 and problem.path and problem.message
        assert "\n" not in problem.message and "Traceback" not in problem.message


def _assert_only_written_inside(before: dict, after: dict, folder: Path) -> None:
    for path, data in after.items():
        if before.get(path) != data:
            assert path.is_relative_to(folder), path
    assert set(before) <= set(after)  # nothing deleted


@st.composite
def thesauri(draw) -> tuple[str, str]:
    """A SKOS graph with odd labels and ids, broader loops and collections in loops."""
    from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef

    ours = Namespace("https://treillis.invalid/ns#")
    graph = Graph()
    concepts = [
        URIRef("http://x.org/" + segment)
        for segment in draw(st.lists(SEGMENT, min_size=1, max_size=6, unique=True))
    ]
    labels = st.tuples(ODD, st.sampled_from(["fr", "en", "de", None]))
    for concept in concepts:
        graph.add((concept, RDF.type, SKOS.Concept))
        for text, lang in draw(st.lists(labels, max_size=2)):
            graph.add((concept, SKOS.prefLabel, Literal(text, lang=lang)))
        for text, lang in draw(st.lists(labels, max_size=2)):
            graph.add((concept, SKOS.altLabel, Literal(text, lang=lang)))
        if draw(st.booleans()):
            graph.add((concept, ours.id, Literal(draw(ODD | SEGMENT))))
        for other in draw(st.lists(st.sampled_from(concepts), max_size=2)):
            graph.add((concept, draw(st.sampled_from([SKOS.broader, SKOS.related])), other))
    collections = [URIRef(f"http://x.org/col{i}") for i in range(draw(st.integers(0, 4)))]
    for collection in collections:
        graph.add((collection, RDF.type, SKOS.Collection))
        graph.add((collection, SKOS.prefLabel, Literal(draw(ODD), lang="fr")))
        members = st.sampled_from(concepts + collections)  # itself included
        for member in draw(st.lists(members, max_size=4)):
            graph.add((collection, SKOS.member, member))
        for predicate in (ours.id, ours.axis, ours.colour, ours.code):
            if draw(st.booleans()):
                graph.add((collection, predicate, Literal(draw(ODD | SEGMENT))))
    fmt = draw(st.sampled_from(["turtle", "xml"]))
    try:
        text = graph.serialize(format=fmt)
    except Exception:  # a text rdflib cannot write (XML has no control characters)
        text = graph.serialize(format="turtle")
        fmt = "turtle"
    return text, ".ttl" if fmt == "turtle" else ".rdf"


@settings(SETTINGS, max_examples=max(1, SETTINGS.max_examples // 2))
@given(thesaurus=thesauri())
def test_any_thesaurus_imports_to_valid_files_or_clean_problems(
    tmp_path: Path, thesaurus: tuple[str, str]
) -> None:
    from treillis.importers.skos import ImportError_, import_skos

    content = fresh(tmp_path, "skos")
    text, suffix = thesaurus
    path = content.parent / f"thesaurus{suffix}"
    path.write_text(text, encoding="utf-8")
    before = _files(tmp_path)
    with time_limit(20):
        try:
            report = import_skos(content, path)
        except BuildError as error:
            _assert_clean(error.problems)
            assert _files(tmp_path) == before  # nothing written
            event(f"refused: {error.problems[0].message[:40]}")
            return
        except ImportError_ as error:
            assert "\n" not in str(error)
            return
        _assert_clean(report.problems)
        _assert_only_written_inside(before, _files(tmp_path), content / "atlas")
        load(content)  # `treillis check` accepts what was written
        event(f"imported, {'with' if report.problems else 'without'} problems")


MAPPING_SPECS = st.one_of(
    ODD,
    st.fixed_dictionaries(
        {"field": st.sampled_from(["a", "b", "title", "ref"])},
        optional={
            "pattern": st.sampled_from(["\\d+", "([", "(a+)+$", "^.", "[", "a{2,}"]) | ODD,
            "values": st.dictionaries(ODD, ODD, max_size=3) | st.lists(ODD, max_size=2),
            "default": ODD | st.integers(),
        },
    ),
    st.fixed_dictionaries({"value": ODD | st.lists(ODD, max_size=2)}),
    VALUES,
)
MAPPINGS = st.dictionaries(
    st.sampled_from(["id", "title", "summary", "date", "type", "lang", "authors", "partner"]),
    MAPPING_SPECS,
    max_size=4,
).flatmap(
    lambda specs: st.fixed_dictionaries(
        {},
        optional={
            "descriptors": st.fixed_dictionaries(
                {"fields": st.lists(st.sampled_from(["a", "b"]), max_size=2) | ODD},
                optional={"suggest": st.integers(-1, 5) | ODD},
            ),
            "drop_title_heading": st.booleans() | ODD,
            "source": st.fixed_dictionaries({"url": MAPPING_SPECS}),
        },
    ).map(lambda extra: {**specs, **extra})
)
THEIR_NAMES = st.sampled_from(["index", "a/x", "b/x", "!!!", "x", "Fiche 1", ".."])


@SETTINGS
@given(
    mapping=MAPPINGS,
    documents=st.dictionaries(
        THEIR_NAMES,
        st.dictionaries(st.sampled_from(["a", "b", "title", "ref", "id"]), VALUES, max_size=4),
        min_size=1,
        max_size=4,
    ),
)
def test_any_mapping_imports_to_valid_files_or_clean_problems(
    tmp_path: Path, mapping: dict, documents: dict
) -> None:
    from treillis.importers.documents import DocumentImportError, import_documents

    content = fresh(tmp_path, "documents")
    theirs = content.parent / "theirs"
    for name, meta in documents.items():
        (theirs / f"{name}.md").parent.mkdir(parents=True, exist_ok=True)
        front = yaml.safe_dump(meta, allow_unicode=True) if meta else ""
        (theirs / f"{name}.md").write_text(f"---\n{front}---\nTexte.\n", encoding="utf-8")
    mapping_path = content.parent / "map.yaml"
    mapping_path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    before = _files(tmp_path)
    with time_limit(20):
        try:
            report = import_documents(content, theirs, "essai", mapping_path, force=True)
        except BuildError as error:
            _assert_clean(error.problems)
            assert _files(tmp_path) == before  # nothing written
            event("refused: a problem in the mapping")
            return
        except DocumentImportError as error:
            assert str(error)
            return
        _assert_clean(report.problems)
        event(f"imported, {'with' if report.problems else 'without'} problems")
        after = _files(tmp_path)
        _assert_only_written_inside(before, after, content / "dossiers/essai")
        index = content / "dossiers/essai/index.md"
        assert after[index] == before[index]  # the dossier's own page is never replaced
        load(content)  # `treillis check` accepts what was written
