"""Shared fixtures: a small valid content folder to break, and the demo site built once."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.htmlsite import Site
from treillis import serve
from treillis.atlas import Atlas
from treillis.build import build, load
from treillis.model import Site as ContentSite

REPO = Path(__file__).resolve().parent.parent
DEMO_CONTENT = REPO / "content"
# The real data beside the repository (../shared/data), when it is there.
SHARED_DATA = REPO.parent / "shared" / "data"
# What `npm ci` installed: the unminified libraries and axe-core, for tests only.
NODE_MODULES = REPO / "node_modules"

SMALL_SITE = {
    "site.yaml": """\
        title:
          fr: Petit site
          en: Small site
        languages: [fr, en]
        partners:
          - id: reseau
            name: Le Réseau
            url: https://example.org/reseau
        """,
    "atlas/families.yaml": """\
        - id: acteurs
          label: {fr: Acteurs, en: Actors}
          colour: "#336699"
        - id: methodes
          label: {fr: Méthodes, en: Methods}
          colour: "#993366"
          parent: acteurs
        """,
    "atlas/descriptors/main.yaml": """\
        - id: gouvernance
          family: acteurs
          label: {fr: Gouvernance, en: Governance}
        - id: territoire
          family: acteurs
          label: {fr: Territoire, en: Territory}
        - id: participation
          family: methodes
          label: {fr: Participation des habitants, en: Residents' participation}
          synonyms: {fr: [démocratie participative]}
          note: {fr: "Voir aussi [[territoire]]."}
          broader: [gouvernance, territoire]
          related: [budget]
        - id: budget
          family: methodes
          label: {fr: Budget participatif}
          broader: participation
        """,
    "dossiers/essai/index.md": """\
        ---
        title: Un dossier d'essai
        lang: fr
        date: 2024-01-15
        summary: Un dossier pour les tests.
        coordinators: [Claire Martin]
        partners: [reseau]
        descriptors: [participation]
        principles:
          - title: Écouter d'abord
            text: Les cas montrent qu'il faut écouter.
            documents: [cas-un]
        ---
        L'introduction, qui cite [[participation]].

        <!-- synthesis -->

        La synthèse.
        """,
    "dossiers/essai/cas-un.md": """\
        ---
        title: Premier cas
        type: experience
        date: 2023-05-02
        authors: [Ana Pérez]
        partner: reseau
        descriptors: [participation, budget]
        summary: Un cas pour les tests.
        translations: [case-one]
        ---
        Le corps du document, qui renvoie à [[essai/cas-deux]].
        """,
    "dossiers/essai/cas-deux.md": """\
        ---
        title: Deuxième cas
        type: analysis
        date: 2022
        descriptors: [budget]
        ---
        Une analyse.
        """,
    "dossiers/essai/case-one.md": """\
        ---
        title: First case
        type: experience
        lang: en
        date: 2023-05
        descriptors: [participation]
        ---
        The body in English.
        """,
}


def write_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def igl_mirror(root: Path, primary: str, main_url: str) -> Path:
    """igl's mirror of the demo, with `primary` as igl's colour (a light one is the hardest
    accent to keep readable); built in `root`, returns the mirror's folder."""
    from treillis.mirror import mirror

    shutil.copytree(DEMO_CONTENT, root / "content")
    config = root / "content/site.yaml"
    text = config.read_text(encoding="utf-8")
    assert 'primary: "#7a2e3a"' in text  # igl's colour in the demo
    config.write_text(text.replace('primary: "#7a2e3a"', f'primary: "{primary}"'), encoding="utf-8")
    mirror(root / "content", "igl", root / "igl", main_url=main_url)
    return root / "igl"


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    """A small valid content folder, for tests that break one thing at a time."""
    return write_site(tmp_path / "content", SMALL_SITE)


def _harvested(folder: str, names: list[str]) -> set[str]:
    """What `make site` harvested into the demo's content/network/: never copied (a copy
    harvests its own, so that the demo is the same whether `make site` ran or not)."""
    if Path(folder) != DEMO_CONTENT / "network":
        return set()
    return {name for name in names if name.endswith((".xml", ".meta.json"))}


@pytest.fixture(scope="session")
def demo_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo content with its network of two bases (scripts/demo_network.py,
    harvested as `make site` does) when ../shared/data is there, without it otherwise."""
    from scripts.demo_network import write_bases
    from treillis.errors import Problems
    from treillis.network.harvest import harvest
    from treillis.readers.config import read_config

    content = tmp_path_factory.mktemp("demo") / "content"
    shutil.copytree(DEMO_CONTENT, content, ignore=_harvested)
    # site.yaml lists the bases as ../build/demo-network/*.xml, beside the content folder.
    if write_bases(SHARED_DATA, content.parent / "build" / "demo-network"):
        outcomes = harvest(content, read_config(content, Problems()).network)
        assert [o.line() for o in outcomes if o.error] == []
    return content


@pytest.fixture(scope="session")
def demo_output(demo_content: Path) -> Path:
    """The bundled demo content (with its network, see `demo_content`), built once for the
    whole session."""
    output = demo_content.parent / "output"
    build(demo_content, output)
    return output


@pytest.fixture(scope="session")
def demo_output_without_network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo without its network, for checks about the site's own documents alone."""
    content = tmp_path_factory.mktemp("demo-alone") / "content"
    shutil.copytree(DEMO_CONTENT, content, ignore=_harvested)
    output = content.parent / "output"
    build(content, output)
    return output


@pytest.fixture(scope="session")
def sharded_output(tmp_path_factory: pytest.TempPathFactory, demo_content: Path) -> Path:
    """The demo built as a large site is: indexes in small shards, display data in blocks."""
    from treillis.search import index as search_index
    from treillis.search import shards

    output = tmp_path_factory.mktemp("sharded") / "output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "SHARD_ABOVE_BYTES", 0)
        patch.setattr(search_index, "QUICK_SHARD_BYTES", 3_000)
        patch.setattr(search_index, "DOCUMENTS_PER_BLOCK", 8)
        patch.setattr(shards, "SHARD_BYTES", 6_000)
        build(demo_content, output, cache=False)
    return output


@pytest.fixture(scope="session")
def site(demo_output: Path) -> Site:
    """The built demo site, read as HTML."""
    return Site(demo_output)


@pytest.fixture(scope="session")
def content(demo_content: Path) -> ContentSite:
    """The demo content (with its network when ../shared/data is there), as the model:
    what `demo_output` was built from."""
    return load(demo_content)


@pytest.fixture(scope="session")
def atlas(content: ContentSite) -> Atlas:
    return Atlas(content)


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[serve.Preview]:
    """`treillis serve` on a copy of the demo, on a free port."""
    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    running = serve.start(content, port=0)
    try:
        yield running
    finally:
        running.stop()
