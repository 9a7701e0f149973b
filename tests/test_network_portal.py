"""A network portal end to end, as an editor runs it: harvest, align, build, search.

A real HTTP server on 127.0.0.1 serves three bases: a ScrutariData file made at test
time from ../shared/data/service-public, an Atom feed, and another Treillis site's
`scrutari.xml`; and four bases that fail on the second harvest (a 500, malformed XML,
an entity-expansion bomb, a server that does not answer within the base's timeout).
`treillis harvest` reports them, keeps their previous copies, and `treillis build`
makes the portal of everything: a word of one base's record is found in Chromium with
that base in the "base" filter, and the record its editor aligned is listed on the
descriptor's page.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from scripts.demo_network import service_public_scrutari
from tests.browser import browser_page, site_base
from tests.conftest import SHARED_DATA, SMALL_SITE, write_site
from tests.network_bases import BOMB, Server, atom, decide, serving
from tests.test_hostile import time_limit
from tests.test_network_build import search_store
from tests.test_search_browser import run_search
from treillis.cli import main
from treillis.network import harvest
from treillis.network.harvest import parse
from treillis.search.schema import DOC_FIELDS

DATA = SHARED_DATA
# The real documents sit beside the repository (../shared/data); CI has them.
pytestmark = pytest.mark.skipif(
    not (DATA / "service-public").is_dir() and not os.environ.get("CI"),
    reason="../shared/data/service-public is not there",
)
GOOD = ("sp", "feed", "partner")
FAILING = {"error": 5, "malformed": 6, "bomb": 7, "slow": 8}  # base → its entry's number
URL, BASES = DOC_FIELDS.index("url"), DOC_FIELDS.index("bases")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The bases' server; the harvest's waits between retries are recorded, never slept."""
    monkeypatch.setattr(harvest, "wait", lambda seconds: None)
    with serving() as state:
        yield state


def fold(text: str) -> str:
    """Lowercase, without accents: words compared as the search compares them, roughly."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


def partner_export(root: Path) -> bytes:
    """Another Treillis site's `scrutari.xml` (its base_url set), built for the test."""
    files = dict(SMALL_SITE)
    files["site.yaml"] = (
        files["site.yaml"]
        .replace("Petit site", "Site partenaire")
        .replace("languages:", "base_url: https://partenaire.example.org/\n        languages:")
    )
    content = write_site(root / "content", files)
    result = CliRunner().invoke(main, ["build", str(content), "--output", str(root / "out")])
    assert result.exit_code == 0, result.output
    return (root / "out" / "scrutari.xml").read_bytes()


def failing_feed(name: str) -> bytes:
    """What a base that will fail serves at first: one entry of its own."""
    n = FAILING[name]
    return atom((n, f"Fiche persistante {name}", f"Gardée malgré la panne de {name}."))


def portal(root: Path, server: Server) -> Path:
    """The portal's content: the small site listing the seven bases."""
    bases = "".join(
        f"    - id: {base_id}\n      name: {name}\n      url: {server.url}/{path}\n{extra}"
        for base_id, name, path, extra in [
            ("sp", "Service-public associations", "service-public.xml", ""),
            ("feed", "Réseau des territoires", "feed.atom", "      format: atom\n"),
            ("partner", "Site partenaire", "partner/scrutari.xml", "      format: treillis\n"),
        ]
        + [(name, f"Base {name}", f"{name}.xml", "      timeout: 0.3\n") for name in FAILING]
    )
    content = write_site(root / "content", SMALL_SITE)
    config = content / "site.yaml"
    config.write_text(config.read_text("utf-8") + "network:\n  bases:\n" + bases, "utf-8")
    return content


def unique_word(records: list, others: list[str]) -> tuple[str, object]:
    """A long word of a record's title found nowhere else (its first six letters, folded),
    and that record."""
    for record in records:
        rest = " ".join(
            others
            + [f"{r.title} {r.lead} {' '.join(r.keywords)}" for r in records if r is not record]
        )
        rest = fold(rest)
        for word in re.findall(r"\w{9,}", record.title):
            if word.isalpha() and fold(word)[:6] not in rest:
                return word, record
    raise AssertionError("no word of a single record in the service-public base")


def invoke(*args: str) -> tuple[int, str, str]:
    with time_limit(120):  # a hang guard only: the slowest base times out in 0.3 s
        result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def lines(text: str) -> dict[str, str]:
    return {line.split(":", 1)[0]: line for line in text.splitlines() if ":" in line}


def test_a_portal_of_three_bases_with_failing_ones(tmp_path: Path, server: Server) -> None:
    sp_data = service_public_scrutari(DATA)
    partner_data = partner_export(tmp_path / "partner")
    feed_data = atom(
        (1, "Budget participatif à Grenoble", "Les habitants décident."),
        (2, "Conseils de quartier", "Des instances de proximité."),
    )
    server.routes |= {
        "/service-public.xml": sp_data,
        "/feed.atom": feed_data,
        "/partner/scrutari.xml": partner_data,
    }
    server.routes |= {f"/{name}.xml": failing_feed(name) for name in FAILING}
    content = portal(tmp_path, server)
    network = content / "network"

    # The first harvest: every base answers.
    server.release.set()
    code, out, err = invoke("harvest", str(content))
    assert code == 0, err
    assert set(lines(out)) == {*GOOD, *FAILING}
    sp = parse(sp_data, "sp")[0]
    assert lines(out)["sp"].startswith(f"sp: {len(sp.records)} records, {len(sp.records)} new")
    assert lines(out)["partner"].startswith("partner: 3 records, 3 new")
    previous = {name: (network / f"{name}.xml").read_bytes() for name in FAILING}

    # The second: four bases fail, each in its own way; the others are harvested.
    server.release.clear()
    server.routes |= {"/error.xml": 500, "/malformed.xml": b"<feed><entry></feed>"}
    server.routes["/bomb.xml"] = BOMB
    code, out, err = invoke("harvest", str(content))
    assert code == 1
    assert set(lines(out)) == set(GOOD) and len(out.splitlines()) == len(GOOD)
    failed = lines(err)
    assert "500" in failed["error"]
    assert "not well-formed XML" in failed["malformed"]
    assert "refused: the document declares entities" in failed["bomb"]
    assert "timeout" in failed["slow"]
    assert all("failed, previous copy kept" in failed[name] for name in FAILING)
    assert "4 of 7 bases failed" in err
    for name, data in previous.items():
        assert (network / f"{name}.xml").read_bytes() == data

    # The editor aligns the service-public base and decides one keyword.
    texts = [feed_data.decode(), partner_data.decode(), *map(str, SMALL_SITE.values())]
    texts += [failing_feed(name).decode() for name in FAILING]
    word, record = unique_word(sp.records, texts)
    keyword = record.keywords[0]
    code, out, err = invoke("align", "sp", str(content))
    assert code == 0, out + err
    assert "sp.align.yaml" in out
    decide(content, {keyword: "{descriptor: participation, kind: exact}"}, base="sp")

    output = tmp_path / "output"
    code, out, err = invoke("build", str(content), "--output", str(output))
    assert code == 0, out + err

    # Every base's records are in the portal, the failing ones' from their kept copies.
    store = search_store(output)
    assert store["bases"] == [
        "Petit site",
        "Service-public associations",
        "Réseau des territoires",
        "Site partenaire",
        *(f"Base {name}" for name in FAILING),
    ]
    rows = {row[URL]: row[BASES] for row in store["docs"] if row[URL]}
    for index, name in enumerate(FAILING, start=4):
        assert rows[f"{server.url}/fiches/{FAILING[name]}"] == [index]
    assert rows[record.url] == [1]
    assert sum(1 for url in rows if url.startswith("https://partenaire.example.org/")) == 3

    # The aligned record on its descriptor's page, linking to the partner's site.
    page_html = (output / "atlas/participation/index.html").read_text("utf-8")
    assert f'href="{record.url}" rel="noopener external"' in page_html

    with site_base(output, "file") as base, browser_page() as page:
        assert run_search(page, base, word) == [record.url]
        assert page.locator(".search-result__title a").get_attribute("rel") == "noopener external"
        assert "Service-public associations" in page.locator(".search-result__meta").inner_text()
        options = page.locator(".facet input[name=base]")
        assert options.count() == 1 and options.get_attribute("value") == "1"
        label = page.locator(".facet__option", has=page.locator("input[name=base]")).inner_text()
        assert "Service-public associations" in label and "1" in label
        # The failing bases' records, from their kept copies, are found too.
        found = run_search(page, base, "persistante")
        assert sorted(found) == sorted(f"{server.url}/fiches/{n}" for n in FAILING.values())
        assert page.console_errors == [] and page.failed_requests == []


def test_a_partner_mirror_holds_its_documents_not_the_network(tmp_path: Path) -> None:
    """The network is the portal's common search: a partner's mirror leaves it out, its
    records and its alignments (even to descriptors the mirror does not hold)."""
    content = write_site(tmp_path / "content", SMALL_SITE)
    config = content / "site.yaml"
    config.write_text(
        config.read_text("utf-8")
        + "network:\n  bases:\n    - id: reseau\n      name: Base du réseau\n"
        + "      url: https://reseau.example.org/feed.atom\n",
        "utf-8",
    )
    with (content / "atlas/descriptors/main.yaml").open("a", encoding="utf-8") as atlas_file:
        atlas_file.write("- id: isole\n  family: acteurs\n  label: {fr: Isolé}\n")
    network = content / "network"
    network.mkdir()
    (network / "reseau.xml").write_bytes(
        atom((1, "Une fiche du réseau", "Partagée."), (2, "Une autre fiche", "Aussi."))
    )
    (network / "reseau.align.yaml").write_text(
        "base: reseau\nkeywords:\n- id: gouvernance\n"
        "  decision: [{descriptor: budget, kind: exact}, {descriptor: isole, kind: close}]\n",
        "utf-8",
    )
    keyword = "https://reseau.example.org/feed.atom#gouvernance"

    code, out, err = invoke("build", str(content), "--output", str(tmp_path / "site"))
    assert code == 0, out + err
    assert keyword in (tmp_path / "site/atlas/atlas.ttl").read_text("utf-8")
    assert "Base du réseau" in search_store(tmp_path / "site")["bases"]

    code, out, err = invoke(
        "mirror", "reseau", str(content), "-o", str(tmp_path / "mirror"),
        "--main-url", "https://example.org/",
    )  # fmt: skip
    assert code == 0, out + err
    assert keyword not in (tmp_path / "mirror/atlas/atlas.ttl").read_text("utf-8")
    store = search_store(tmp_path / "mirror")
    assert "Base du réseau" not in store["bases"]
    assert not [row for row in store["docs"] if row[URL]]
    assert "dans le réseau" not in (tmp_path / "mirror/index.html").read_text("utf-8")


def test_network_records_keep_the_ranking_across_languages(
    demo_output: Path, demo_output_without_network: Path
) -> None:
    """The network's records are indexed apart from the site's documents: the demo's
    network (service-public.fr sheets and UNESCO concepts) changes no score of the site's
    own documents, so they rank as without it, in every language ("budget participatif"
    still puts the Spanish Valdeserra case first, not fourth); the records, found by the
    same query pipeline, come after them."""
    from tests.test_search_ranking import QUERIES, data_file, indexes, slugs
    from treillis.search.engine import load_index, search_languages

    store = search_store(demo_output)
    assert any(row[URL] for row in store["docs"])  # the demo has its network
    assert store["network"]
    for kind in ("quick", "full"):
        network = {
            lang: load_index(data_file(demo_output, f"network-{lang}-{kind}"))
            for lang in store["network"]
        }
        with_network, alone = indexes(demo_output, kind), indexes(demo_output_without_network, kind)
        for query in QUERIES:
            found = slugs(demo_output, search_languages(with_network, query, network=network))
            expected = slugs(demo_output_without_network, search_languages(alone, query))
            # The records (no slug) after the documents, which keep their order.
            assert found == expected + [""] * (len(found) - len(expected)), (kind, query)
        found = slugs(
            demo_output, search_languages(with_network, "budget participatif", network=network)
        )
        assert found[0] == "presupuesto-participativo-valdeserra", kind
    # The records are searched too: a word of the service-public.fr sheets finds them.
    records = search_languages(indexes(demo_output, "full"), "démarches", network=network)
    assert any(store["docs"][int(ref, 36)][URL] for _lang, ref in records)
