"""`treillis harvest`: the network's bases fetched from a real HTTP server on 127.0.0.1.

Good bases (an Atom feed, an RSS feed) are harvested; bad ones (a 500, malformed
XML, an entity-expansion bomb, a server that does not answer in time) are reported
and keep their previous copy byte for byte. The server (tests/network_bases.py)
answers from a dictionary the tests change, and records the headers of each request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.network_bases import BOMB, Server, atom, serving
from treillis.cli import main
from treillis.network import harvest
from treillis.network.feeds import plain

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Chroniques de l'eau</title>
    <link>https://eau.example.org/</link>
    <language>fr-FR</language>
    <item>
      <title>Les régies publiques de l'eau</title>
      <link>https://eau.example.org/regies</link>
      <guid>regies</guid>
      <description>&lt;p&gt;Retour des &lt;b&gt;communes&lt;/b&gt; à la gestion directe.&lt;/p&gt;</description>
      <pubDate>Tue, 03 Nov 2026 09:00:00 +0100</pubDate>
      <dc:creator>Sébastien Roux</dc:creator>
      <category>Eau</category>
      <category>Communs</category>
    </item>
    <item>
      <title>Tarification sociale</title>
      <link>https://eau.example.org/tarifs</link>
      <description>Premiers mètres cubes gratuits.</description>
      <author>redaction@eau.example.org (Chloé Martin)</author>
    </item>
    <item>
      <description>Une entrée sans titre ni lien.</description>
    </item>
  </channel>
</rss>
"""

ATOM_V1 = atom(
    (1, "Budget participatif à Grenoble", "&lt;p&gt;Les habitants &lt;em&gt;décident&lt;/em&gt;"),
    (2, "Conseils de quartier", "Des instances de proximité."),
    (3, "Coopération intercommunale", "Mutualiser les services."),
)


@pytest.fixture
def server() -> Iterator[Server]:
    with serving() as state:
        yield state


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries wait through `harvest.wait`: recorded, never slept."""
    waits: list[float] = []
    monkeypatch.setattr(harvest, "wait", waits.append)
    return waits


def site(tmp_path: Path, bases: str) -> Path:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / "site.yaml").write_text(
        f"title: Portail\nlanguages: [fr]\nnetwork:\n  bases:\n{bases}", "utf-8"
    )
    return content


def base(base_id: str, url: str, extra: str = "") -> str:
    return f"    - id: {base_id}\n      name: Base {base_id}\n      url: {url}\n{extra}"


def run(content: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["harvest", str(content)])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def line_of(text: str, base_id: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"{base_id}:"))


def test_feeds_are_harvested_and_bad_bases_reported_keeping_their_copy(
    tmp_path: Path, server: Server, no_sleep: list[float]
) -> None:
    server.routes |= {"/atom.xml": ATOM_V1, "/rss.xml": RSS.encode("utf-8")}
    for path in ("/error.xml", "/malformed.xml", "/bomb.xml", "/slow.xml"):
        server.routes[path] = ATOM_V1
    content = site(
        tmp_path,
        base("territoires", f"{server.url}/atom.xml")
        + base("eau", f"{server.url}/rss.xml", "      format: rss\n")
        + "".join(
            base(name, f"{server.url}/{name}.xml", "      timeout: 0.3\n")
            for name in ("error", "malformed", "bomb", "slow")
        ),
    )
    server.release.set()  # the first harvest: every base answers
    code, out, err = run(content)
    assert code == 0, err
    network = content / "network"
    previous = {name: (network / f"{name}.xml").read_bytes() for name in ("error", "bomb")}
    assert previous["error"] == ATOM_V1

    server.release.clear()
    server.routes |= {"/error.xml": 500, "/malformed.xml": b"<feed><entry></feed>"}
    server.routes["/bomb.xml"] = BOMB
    server.routes["/atom.xml"] = ATOM_V1.replace(b"Mutualiser", b"Partager")
    code, out, err = run(content)
    assert code == 1
    assert line_of(out, "territoires").startswith("territoires: 3 records, 0 new, 1 changed")
    assert line_of(out, "eau") == (
        "eau: 2 records, 0 new, 0 changed, 0 removed, 1 errors (not modified)"
    )
    assert "500" in line_of(err, "error")
    assert "not well-formed XML" in line_of(err, "malformed")
    assert "refused: the document declares entities" in line_of(err, "bomb")
    assert "timeout" in line_of(err, "slow")
    assert all("previous copy kept" in line_of(err, name) for name in ("error", "bomb", "slow"))
    assert "4 of 6 bases failed" in err
    # Failing bases keep their previous copy byte for byte; the 500 and the timeout
    # were retried (waits recorded, not slept).
    for name, data in previous.items():
        assert (network / f"{name}.xml").read_bytes() == data
    assert len(server.requests("/error.xml")) == 1 + harvest.ATTEMPTS
    assert len(no_sleep) >= 2 * (harvest.ATTEMPTS - 1)
    # Nothing but the copies and their records in the folder (no temporary file left).
    assert sorted(p.name for p in network.iterdir()) == sorted(
        f"{name}{suffix}"
        for name in ("territoires", "eau", "error", "malformed", "bomb", "slow")
        for suffix in (".xml", ".meta.json")
    )
    meta = json.loads((network / "eau.meta.json").read_text("utf-8"))
    assert meta["format"] == "rss" and meta["records"] == 2 and meta["problems"] == 1


def test_a_second_harvest_is_conditional_and_counts_changes(tmp_path: Path, server: Server) -> None:
    server.routes["/atom.xml"] = ATOM_V1
    server.etags["/atom.xml"] = '"v1"'
    content = site(tmp_path, base("territoires", f"{server.url}/atom.xml"))
    code, out, _ = run(content)
    assert code == 0
    assert out.strip() == "territoires: 3 records, 3 new, 0 changed, 0 removed, 0 errors"
    copy = content / "network" / "territoires.xml"
    assert copy.read_bytes() == ATOM_V1
    meta = json.loads((content / "network" / "territoires.meta.json").read_text("utf-8"))
    assert meta["etag"] == '"v1"' and meta["format"] == "atom" and meta["keywords"] == 1

    code, out, _ = run(content)
    assert code == 0
    assert server.requests("/atom.xml")[-1].get("If-None-Match") == '"v1"'
    assert "If-None-Match" not in server.requests("/atom.xml")[0]
    assert out.strip() == (
        "territoires: 3 records, 0 new, 0 changed, 0 removed, 0 errors (not modified)"
    )
    assert copy.read_bytes() == ATOM_V1

    # The feed changes: one entry retitled, one gone, one added.
    server.routes["/atom.xml"] = atom(
        (
            1,
            "Budget participatif à Grenoble",
            "&lt;p&gt;Les habitants &lt;em&gt;décident&lt;/em&gt;",
        ),
        (2, "Conseils de quartier renouvelés", "Des instances de proximité."),
        (4, "Démocratie alimentaire", "Des conseils locaux de l'alimentation."),
    )
    server.etags["/atom.xml"] = '"v2"'
    code, out, _ = run(content)
    assert code == 0
    assert out.strip() == "territoires: 3 records, 1 new, 1 changed, 1 removed, 0 errors"
    assert copy.read_bytes() == server.routes["/atom.xml"]


def test_feed_entries_become_plain_text_records(server: Server) -> None:
    found, fmt = harvest.parse(ATOM_V1, "territoires", url=f"{server.url}/atom.xml")
    assert fmt == "atom" and found.name == {"fr": "Réseau des territoires"}
    first = found.records[0]
    assert first.title == "Budget participatif à Grenoble"
    assert first.lead == "Les habitants décident"  # HTML read as text
    assert first.url == f"{server.url}/fiches/1"  # relative to where it was fetched
    assert (first.date, first.lang, first.authors) == ("2026-01-15", "fr", ("Élise Garnier",))
    assert first.keywords == ("gouvernance",)
    assert found.keywords["gouvernance"].labels == {"fr": "Gouvernance locale"}

    rss, fmt = harvest.parse(RSS.encode("utf-8"), "eau")
    assert fmt == "rss" and rss.name == {"fr": "Chroniques de l'eau"}
    regies, tarifs = rss.records
    assert regies.lead == "Retour des communes à la gestion directe."
    assert (regies.date, regies.lang, regies.authors) == ("2026-11-03", "fr", ("Sébastien Roux",))
    assert regies.keywords == ("Eau", "Communs")
    assert tarifs.authors == ("Chloé Martin",) and tarifs.id == "https://eau.example.org/tarifs"
    assert rss.problems == ["entry 3: no title nor http(s) link, skipped"]
    assert plain("a <b>b</b>\x1b[31m", html=True) == "a b [31m"


def test_a_treillis_export_is_detected_and_read_as_scrutaridata() -> None:
    from treillis.network.scrutari import read_scrutari

    data = """<?xml version="1.0" encoding="UTF-8"?>
<base>
  <base-metadata>
    <authority>example.org</authority>
    <base-name>site</base-name>
    <intitule-short xml:lang="fr">Le site</intitule-short>
    <intitule-long xml:lang="fr">Le site des territoires</intitule-long>
  </base-metadata>
  <corpus corpus-name="article">
    <corpus-metadata><intitule-corpus xml:lang="fr">Articles</intitule-corpus></corpus-metadata>
    <fiche fiche-id="1">
      <titre>Gouvernance des communs</titre>
      <soustitre>Une chronique française.</soustitre>
      <date>2026-11</date>
      <lang>fr</lang>
      <href>https://example.org/articles/1</href>
    </fiche>
  </corpus>
</base>
""".encode()
    found, fmt = harvest.parse(data, "site", "treillis")
    assert fmt == "treillis"
    assert found.records == read_scrutari(data, "site").records
    assert [record.title for record in found.records] == ["Gouvernance des communs"]


def test_detected_format_must_match_the_one_given(tmp_path: Path, server: Server) -> None:
    server.routes["/atom.xml"] = ATOM_V1
    content = site(tmp_path, base("t", f"{server.url}/atom.xml", "      format: rss\n"))
    code, _, err = run(content)
    assert code == 1
    assert "the document is atom, not rss" in line_of(err, "t")
    assert not (content / "network" / "t.xml").exists()


def test_a_local_path_base_and_files_treillis_did_not_write(tmp_path: Path) -> None:
    content = site(tmp_path, base("eau", "feeds/eau.xml") + base("mine", "feeds/eau.xml"))
    (content / "feeds").mkdir()
    (content / "feeds" / "eau.xml").write_text(RSS, "utf-8")
    (content / "network").mkdir()
    (content / "network" / "mine.xml").write_text("my own file", "utf-8")
    code, out, err = run(content)
    assert code == 1
    assert line_of(out, "eau").startswith("eau: 2 records, 2 new")
    assert "was not written by treillis harvest" in line_of(err, "mine")
    assert (content / "network" / "mine.xml").read_text("utf-8") == "my own file"
    assert not (content / "network" / "mine.meta.json").exists()


def test_redirects_and_addresses_other_than_http_are_refused(
    tmp_path: Path, server: Server
) -> None:
    with pytest.raises(harvest.HarvestError, match="not an http"):
        harvest.fetch("file:///etc/passwd")
    server.routes |= {"/moved.xml": "ftp://127.0.0.1/feed.xml", "/here.xml": "/atom.xml"}
    server.routes["/atom.xml"] = ATOM_V1
    content = site(
        tmp_path, base("moved", f"{server.url}/moved.xml") + base("here", f"{server.url}/here.xml")
    )
    code, out, err = run(content)
    assert code == 1
    assert "redirected to 'ftp://127.0.0.1/feed.xml', which is not http(s)" in line_of(err, "moved")
    assert line_of(out, "here").startswith("here: 3 records, 3 new")
    assert not (content / "network" / "moved.xml").exists()


@pytest.mark.parametrize(
    ("network", "line", "message"),
    [
        (
            "network:\n  base: []\n",
            4,
            "unknown field 'base' in the network (did you mean 'bases'?)",
        ),
        ("network:\n  bases: x\n", 4, "'bases' must be a list"),
        (
            "network:\n  bases:\n    - id: Eau Vive\n      name: Eau\n      url: https://e.org/\n",
            5,
            "'Eau Vive' is not a valid identifier",
        ),
        (
            "network:\n  bases:\n    - id: eau\n      name: Eau\n      url: file:///etc/passwd\n",
            7,
            "'file:///etc/passwd' is not allowed",
        ),
        (
            "network:\n  bases:\n    - id: eau\n      name: Eau\n      url: https://e.org/\n"
            "      format: atomm\n",
            8,
            "unknown format 'atomm': choose one of scrutari, atom, rss, treillis "
            "(did you mean 'atom'?)",
        ),
        (
            "network:\n  bases:\n    - id: eau\n      name: Eau\n      url: https://e.org/\n"
            "      timeout: soon\n",
            8,
            "'soon' is not a number of seconds",
        ),
        (
            "network:\n  bases:\n    - id: eau\n      name: Eau\n      urll: https://e.org/\n",
            7,
            "unknown field 'urll' in a base (did you mean 'url'?)",
        ),
        (
            "network:\n  bases:\n    - id: eau\n      name: Eau\n      url: https://e.org/\n"
            "    - id: eau\n      name: Eau 2\n      url: https://f.org/\n",
            8,
            "duplicate base id 'eau' (first defined at line 5)",
        ),
    ],
)
def test_network_errors_in_site_yaml(tmp_path: Path, network: str, line: int, message: str) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "site.yaml").write_text(f"title: Portail\nlanguages: [fr]\n{network}", "utf-8")
    code, _, err = run(content)
    assert code == 1
    assert f"site.yaml:{line}: {message}" in err
    assert not (content / "network").exists()
