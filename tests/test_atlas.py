"""The atlas as a lattice: built from the small test site."""

from __future__ import annotations

from pathlib import Path

from treillis.atlas import Atlas, find_cycles
from treillis.build import load


def test_lattice_queries(small_site: Path) -> None:
    atlas = Atlas(load(small_site))
    assert atlas.broader["participation"] == ["gouvernance", "territoire"]
    assert atlas.narrower["gouvernance"] == ["participation"]
    assert atlas.narrower["territoire"] == ["participation"]
    assert sorted(atlas.top) == ["gouvernance", "territoire"]
    assert atlas.ancestors("budget") == {"participation", "gouvernance", "territoire"}
    assert atlas.descendants("gouvernance") == {"participation", "budget"}


def test_related_links_are_symmetric(small_site: Path) -> None:
    atlas = Atlas(load(small_site))
    assert atlas.related["participation"] == ["budget"]
    assert atlas.related["budget"] == ["participation"]


def test_every_path_to_the_top(small_site: Path) -> None:
    atlas = Atlas(load(small_site))
    assert sorted(atlas.paths_to_top("budget")) == [
        ["gouvernance", "participation"],
        ["territoire", "participation"],
    ]
    assert atlas.paths_to_top("gouvernance") == []


def test_documents_direct_and_including_narrower(small_site: Path) -> None:
    atlas = Atlas(load(small_site))
    assert sorted(atlas.documents["budget"]) == ["essai/cas-deux", "essai/cas-un"]
    assert atlas.documents["gouvernance"] == []
    assert atlas.documents_including_narrower("gouvernance") == {
        "essai/cas-un",
        "essai/cas-deux",
        "essai/case-one",
    }


def test_a_descriptor_written_twice_lists_its_document_once(small_site: Path) -> None:
    site = load(small_site)
    document = site.documents["essai/cas-un"]
    budget = next(ref for ref in document.descriptors if ref.target == "budget")
    document.descriptors = [budget, *document.descriptors, budget]
    atlas = Atlas(site)
    assert sorted(atlas.documents["budget"]) == ["essai/cas-deux", "essai/cas-un"]


def test_find_cycles_reports_each_cycle_once() -> None:
    cycles = find_cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": ["e"]})
    assert cycles == [["a", "b", "c", "a"], ["e", "e"]]
    assert find_cycles({"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}) == []


def test_find_cycles_survives_a_very_long_chain() -> None:
    chain = {f"n{i}": [f"n{i + 1}"] for i in range(50_000)}
    chain["n50000"] = ["n0"]
    assert len(find_cycles(chain)[0]) == 50_002


def test_paths_to_the_top_of_a_very_long_chain(small_site: Path) -> None:
    from treillis.model import Descriptor, Ref, Text

    site = load(small_site)
    previous = "gouvernance"
    for index in range(3000):
        site.descriptors[f"n{index}"] = Descriptor(
            f"n{index}", Ref("acteurs", 1), Text({"fr": f"N{index}"}), broader=[Ref(previous, 1)]
        )
        previous = f"n{index}"
    paths = Atlas(site).paths_to_top("n2999")
    assert len(paths) == 1 and len(paths[0]) == 3000 and paths[0][0] == "gouvernance"
