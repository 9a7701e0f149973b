"""The build reads the harvested bases of the network: searched with the site's documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.browser import browser_page, site_base
from tests.test_output import snapshot
from tests.test_search_browser import run_search
from treillis.build import build, load
from treillis.errors import BuildError
from treillis.search.schema import DOC_FIELDS

NETWORK = """
network:
  bases:
    - id: ritimo
      name: Ritimo
      url: https://ritimo.example/feed.atom
    - id: coredem
      name: Coredem
      url: https://coredem.example/scrutari.xml
      format: scrutari
    - id: jamais
      name: Never harvested
      url: https://never.example/feed.atom
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Ritimo</title>
  <id>https://ritimo.example/</id>
  <updated>2024-05-01T00:00:00Z</updated>
  <entry>
    <id>https://ritimo.example/1</id>
    <title>Les jardins zanzibarites de la ville</title>
    <link rel="alternate" href="https://ritimo.example/articles/jardins"/>
    <summary>Une expérience de potagers partagés.</summary>
    <published>2023-04-02T00:00:00Z</published>
    <author><name>Ana Lopes</name></author>
    <category term="agriculture" label="Agriculture urbaine"/>
  </entry>
  <entry>
    <id>https://ritimo.example/2</id>
    <title>Une fiche commune aux deux bases</title>
    <link rel="alternate" href="https://shared.example/commune"/>
    <summary>Publiée par les deux réseaux.</summary>
    <published>2022-01-01T00:00:00Z</published>
  </entry>
  <entry>
    <id>https://ritimo.example/3</id>
    <title type="text">&lt;b&gt;Balisage&lt;/b&gt; quokkaire</title>
    <link rel="alternate" href="https://ritimo.example/articles/balises"/>
  </entry>
  <entry>
    <id>https://ritimo.example/4</id>
    <title>Sans adresse</title>
  </entry>
</feed>
"""

SCRUTARI = """<?xml version="1.0" encoding="UTF-8"?>
<base>
  <base-metadata>
    <authority>coredem.example</authority>
    <base-name>coredem</base-name>
    <intitule-short><lib xml:lang="fr">Coredem</lib></intitule-short>
  </base-metadata>
  <corpus corpus-name="article">
    <fiche fiche-id="1">
      <titre>Les tontines wombatières du quartier</titre>
      <soustitre>Épargne solidaire entre voisins.</soustitre>
      <date>2021-06</date>
      <lang>fr</lang>
      <href>https://coredem.example/fiches/tontines</href>
    </fiche>
    <fiche fiche-id="2">
      <titre>Une fiche commune aux deux bases</titre>
      <lang>fr</lang>
      <href>https://shared.example/commune</href>
    </fiche>
  </corpus>
</base>
"""


def network_site(content: Path) -> Path:
    """The small site with two harvested bases (and one listed but never harvested)."""
    config = content / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + NETWORK, encoding="utf-8")
    folder = content / "network"
    folder.mkdir()
    (folder / "ritimo.xml").write_text(ATOM, encoding="utf-8")
    (folder / "ritimo.meta.json").write_text(json.dumps({"format": "atom"}), encoding="utf-8")
    (folder / "coredem.xml").write_text(SCRUTARI, encoding="utf-8")  # no meta: detected
    return content


def search_store(output: Path) -> dict:
    script = (output / "assets/search/data/store.js").read_text(encoding="utf-8")
    found = re.match(r'TreillisSearch\.add\("store",(".*")\);\s*$', script, re.S)
    assert found
    return json.loads(json.loads(found.group(1)))


def test_harvested_bases_become_network_records(small_site: Path) -> None:
    site = load(network_site(small_site))
    by_url = {entry.record.url: entry for entry in site.network}
    assert set(by_url) == {
        "https://ritimo.example/articles/jardins",
        "https://shared.example/commune",
        "https://ritimo.example/articles/balises",
        "https://coredem.example/fiches/tontines",
    }
    # The same URL in two bases: one record naming both.
    assert by_url["https://shared.example/commune"].bases == ["ritimo", "coredem"]
    assert by_url["https://ritimo.example/articles/jardins"].keywords == ["Agriculture urbaine"]
    # The record without an address is a warning of its base, not an error.
    warnings = [str(w) for w in site.warnings]
    assert any("network/ritimo.xml:1: entry 4" in w and "skipped" in w for w in warnings)
    assert not any("jamais" in w for w in warnings)  # never harvested: no noise


def test_network_records_are_in_the_search_data(small_site: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(network_site(small_site), output)
    store = search_store(output)
    assert store["bases"] == ["Petit site", "Ritimo", "Coredem", "Never harvested"]
    rows = [dict(zip(DOC_FIELDS, row, strict=True)) for row in store["docs"]]
    records = {row["url"]: row for row in rows if row["url"]}
    assert len(records) == 4
    assert records["https://shared.example/commune"]["bases"] == [1, 2]
    assert records["https://coredem.example/fiches/tontines"]["date"] == "2021-06"
    assert all(row["bases"] == [0] for row in rows if not row["url"])
    assert not list(output.rglob("*tontines*"))  # no page per record


def test_a_record_is_found_in_the_browser_with_its_base(small_site: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(network_site(small_site), output)
    with site_base(output, "file") as base, browser_page() as page:
        # A word only in one base's record.
        assert run_search(page, base, "wombatières") == ["https://coredem.example/fiches/tontines"]
        link = page.locator(".search-result__title a")
        assert link.get_attribute("rel") == "noopener external"
        meta = page.locator(".search-result__meta").inner_text()
        assert "Coredem" in meta and "2021" in meta
        assert "Épargne solidaire" in page.locator(".search-result__excerpt").inner_text()
        options = page.locator(".facet input[name=base]")
        assert options.count() == 1 and options.get_attribute("value") == "2"
        label = page.locator(".facet__option", has=page.locator("input[name=base]")).inner_text()
        assert "Coredem" in label and "1" in label

        # One result for a URL in two bases, naming both.
        assert run_search(page, base, "commune") == ["https://shared.example/commune"]
        assert "Ritimo, Coredem" in page.locator(".search-result__meta").inner_text()

        # Markup in a record is shown as text.
        assert run_search(page, base, "quokkaire") == ["https://ritimo.example/articles/balises"]
        title = page.locator(".search-result__title a")
        assert title.inner_text() == "<b>Balisage</b> quokkaire"
        assert title.locator("b").count() == 0

        # The site's own documents are of the base named by the site's title.
        run_search(page, base, "budget")
        own = page.locator(".facet__option", has=page.locator("input[name=base][value='0']"))
        assert "Petit site" in own.inner_text()

        # The search box of every page lists records too (from the network's quick index,
        # which comes after the site's).
        page.goto(base + "index.html")
        box = page.locator("#site-search")
        box.click()
        box.fill("wombatières")
        option = page.locator("#site-search-options [role=option]")
        option.first.wait_for()
        assert option.count() == 1 and "Coredem" in option.inner_text()
        assert (
            option.locator("a").get_attribute("href") == "https://coredem.example/fiches/tontines"
        )
        assert page.console_errors == [] and page.failed_requests == []


def test_a_broken_network_file_is_a_content_error(small_site: Path, tmp_path: Path) -> None:
    content = network_site(small_site)
    output = tmp_path / "output"
    build(content, output)
    before = snapshot(output)
    (content / "network/coredem.xml").write_text(
        SCRUTARI.replace("</fiche>\n  </corpus>", "</corpus>"), encoding="utf-8"
    )
    with pytest.raises(BuildError) as raised:
        build(content, output)
    messages = [str(p) for p in raised.value.problems]
    assert len(messages) == 1
    assert re.search(r"network/coredem\.xml:20: not well-formed XML", messages[0]), messages
    assert snapshot(output) == before


def test_the_home_page_counts_the_network(small_site: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(network_site(small_site), output)
    counts = re.search(r'<p class="hero__counts">(.*?)</p>', (output / "index.html").read_text())
    assert counts and "4 documents dans le réseau" in counts.group(1)
    english = (output / "en/index.html").read_text()
    assert "4 documents in the network" in english
