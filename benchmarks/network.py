"""Network benchmark: a portal of 30 partner bases (50,000 records) beside CITEGO's 1,600
documents, harvested from a local HTTP server and built.

    python -m benchmarks.network [--json FILE] [--records N] [--bases N] [--seed N]

The bases are generated (seeded): two in three ScrutariData files with a thesaurus,
one in three Atom feeds with categories; French titles and leads taken from the
service-public.fr sheets of ../shared/data when they are there (generated words
otherwise); some records published by two bases (the same URL); sizes of a few dozen
to several thousand records. They are served from 127.0.0.1 with ETag and
Last-Modified (a conditional request is answered 304). The site is the `citego`
corpus of benchmarks.build with the bases in its site.yaml and the editor's
decisions (`exact`) for a share of the bases' keywords.

Measured, each command in a new process (wall seconds, peak memory of the process
tree as benchmarks.build measures it): the first harvest, a second harvest (every
base answers 304), a cold build, a rebuild after one base changed (its harvest, then
the build), and what the search page downloads before its first results.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import yaml

from benchmarks.build import CORPORA, search_first_result, timed, timed_build
from benchmarks.report import SERVICE_PUBLIC, print_table
from benchmarks.synthetic import _label, _paragraph
from tests.network_bases import local_http_server
from treillis.yamlwrite import dump

TARGETS = {  # measure → upper bound, from issue 17 ("Scale")
    "harvest_s": 120.0,
    "build_s": 300.0,
    "peak_mb": 4096,
    "rebuild_one_base_s": 30.0,
    "search_first_result_gzip": 250_000,  # the byte budget of benchmarks.build
}
AUTHORS = (
    "Anne Moreau",
    "Karim Benali",
    "Claire Dubois",
    "Jean-Pierre Martin",
    "Sophie Lefèvre",
    "Moussa Diallo",
    "Élise Garnier",
    "Thomas Rousseau",
    "Collectif des habitants",
    "Rédaction",
)
PLACES = ("Lyon", "Grenoble", "Rennes", "Lille", "Nantes", "Marseille", "Dakar", "Montréal")
DUPLICATES = 0.02  # share of a base's records that another base published already
ALIGNED = 0.6  # share of the keywords taken from the atlas that an editor aligned


@dataclass
class Texts:
    """Titles and sentences to draw records from."""

    titles: list[str]
    sentences: list[str]


def texts(rng: random.Random) -> Texts:
    """service-public.fr's titles and sentences when ../shared/data is here, else words."""
    titles: list[str] = []
    sentences: list[str] = []
    for path in sorted(SERVICE_PUBLIC.glob("*/*.md")):
        text = path.read_text("utf-8")
        if found := re.search(r'^title: "(.+)"$', text, re.MULTILINE):
            titles.append(found.group(1).replace('\\"', '"'))
        body = text.split("\n---\n", 1)[-1]
        for line in body.splitlines():
            line = line.strip()
            if len(line) > 60 and not line.startswith(("#", "|", "!", "[")):
                sentences += [s for s in re.split(r"(?<=[.!?])\s+", line) if len(s) > 40]
    if not titles:  # no shared data: generated French words
        used: set[str] = set()
        titles = [_label(rng, used) for _ in range(2000)]
        sentences = [_paragraph(rng, 12) for _ in range(5000)]
    return Texts(titles, sentences)


@dataclass
class GeneratedBase:
    id: str
    format: str  # scrutari or atom
    host: str
    keywords: dict[str, str] = field(default_factory=dict)  # keyword id → label
    aligned: dict[str, str] = field(default_factory=dict)  # keyword id → descriptor id
    records: list[dict] = field(default_factory=list)


def _sizes(rng: random.Random, total: int, count: int) -> list[int]:
    """`count` base sizes summing to `total`: a few large bases, many small ones."""
    weights = [rng.lognormvariate(0, 1.0) for _ in range(count)]
    sizes = [max(20, round(total * w / sum(weights))) for w in weights]
    sizes[sizes.index(max(sizes))] += total - sum(sizes)
    return sizes


def generate(
    rng: random.Random, total: int, count: int, descriptors: dict[str, str], words: Texts
) -> list[GeneratedBase]:
    """The bases' records and keywords; `descriptors` (id → French label) lends some of
    its labels to the bases' keywords, as partners' thesauri share the atlas's terms."""
    atlas = sorted(descriptors.items())
    published: list[str] = []  # every URL so far, for records two bases publish
    bases = []
    for index, size in enumerate(_sizes(rng, total, count)):
        base = GeneratedBase(
            f"reseau-{index:02d}",
            "atom" if index % 3 == 2 else "scrutari",
            f"reseau-{index:02d}.example.org",
        )
        for number in range(rng.randint(40, 150)):
            key = f"themes/{number}" if base.format == "scrutari" else f"theme-{number}"
            if rng.random() < 0.4:  # a term of the atlas, sometimes in the plural
                descriptor, label = rng.choice(atlas)
                base.keywords[key] = label + ("s" if rng.random() < 0.3 else "")
                if rng.random() < ALIGNED:
                    base.aligned[key] = descriptor
            else:
                base.keywords[key] = _label(rng, set())
        keys = list(base.keywords)
        own: set[str] = set()
        for number in range(size):
            url = f"https://{base.host}/fiches/{number}.html"
            if published and rng.random() < DUPLICATES:
                url = rng.choice(published)  # another base's: once in this one
                if url in own:
                    url = f"https://{base.host}/fiches/{number}.html"
            own.add(url)
            title = rng.choice(words.titles)
            if rng.random() < 0.5:
                title += f" : l'expérience de {rng.choice(PLACES)}"
            base.records.append(
                {
                    "id": str(number),
                    "url": url,
                    "title": title,
                    "lead": " ".join(rng.choice(words.sentences) for _ in range(rng.randint(1, 4))),
                    "date": f"{rng.randint(2005, 2025)}-{rng.randint(1, 12):02d}"
                    f"-{rng.randint(1, 28):02d}",
                    "lang": "en" if rng.random() < 0.05 else "fr",
                    "authors": rng.sample(AUTHORS, rng.choice((0, 1, 1, 2))),
                    "keywords": rng.sample(keys, min(len(keys), rng.randint(1, 4))),
                }
            )
        published += sorted(own)
        bases.append(base)
    return bases


def scrutari_xml(base: GeneratedBase) -> bytes:
    """A ScrutariData file: one corpus, one thesaurus, the indexation."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<base>\n<base-metadata>'
        f"<authority>{base.host}</authority><base-name>{base.id}</base-name>"
        f'<intitule-short><lib xml:lang="fr">Réseau {base.id[-2:]}</lib></intitule-short>'
        f'</base-metadata>\n<corpus corpus-name="fiches"><corpus-metadata><href-parent>'
        f"https://{base.host}/fiches/</href-parent></corpus-metadata>\n"
    ]
    prefix = f"https://{base.host}/fiches/"
    for record in base.records:
        href = record["url"].removeprefix(prefix)  # relative to href-parent when it can be
        authors = "".join(f"<val>{escape(a)}</val>" for a in record["authors"])
        out.append(
            f'<fiche fiche-id="{record["id"]}"><titre>{escape(record["title"])}</titre>'
            f"<soustitre>{escape(record['lead'])}</soustitre><date>{record['date']}</date>"
            f"<lang>{record['lang']}</lang><href>{escape(href)}</href>"
            + (f'<attr ns="sct" key="authors">{authors}</attr>' if authors else "")
            + "</fiche>\n"
        )
    out.append('</corpus>\n<thesaurus thesaurus-name="themes">\n')
    for key, label in base.keywords.items():
        motcle = key.split("/", 1)[1]
        out.append(
            f'<motcle motcle-id="{motcle}"><lib xml:lang="fr">{escape(label)}</lib></motcle>\n'
        )
    out.append('</thesaurus>\n<indexation-group corpus-path="fiches" thesaurus-path="themes">\n')
    for record in base.records:
        for key in record["keywords"]:
            motcle = key.split("/", 1)[1]
            out.append(f'<indexation fiche-id="{record["id"]}" motcle-id="{motcle}"/>\n')
    out.append("</indexation-group>\n</base>\n")
    return "".join(out).encode("utf-8")


def atom_xml(base: GeneratedBase) -> bytes:
    """An Atom feed: one entry per record, its keywords as categories."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">'
        f"<title>Réseau {base.id[-2:]}</title><id>https://{base.host}/</id>"
        f'<link href="https://{base.host}/"/><updated>2025-06-01T00:00:00Z</updated>\n'
    ]
    for record in base.records:
        out.append(
            f'<entry xml:lang="{record["lang"]}"><id>{escape(record["url"])}</id>'
            f"<title>{escape(record['title'])}</title>"
            f"<link href={quoteattr(record['url'])}/>"
            f"<published>{record['date']}T09:00:00Z</published>"
            f"<updated>{record['date']}T09:00:00Z</updated>"
            + "".join(f"<author><name>{escape(a)}</name></author>" for a in record["authors"])
            + "".join(
                f"<category term={quoteattr(k)} label={quoteattr(base.keywords[k])}/>"
                for k in record["keywords"]
            )
            + f"<summary>{escape(record['lead'])}</summary></entry>\n"
        )
    out.append("</feed>\n")
    return "".join(out).encode("utf-8")


def document(base: GeneratedBase) -> bytes:
    return scrutari_xml(base) if base.format == "scrutari" else atom_xml(base)


class Server:
    """The bases over http on 127.0.0.1, answering conditional requests with 304."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str, str]] = {}  # path → (body, ETag, Last-Modified)
        self.answers: dict[int, int] = {}  # status → count
        self.url = ""
        self.lock = threading.Lock()

    def put(self, name: str, body: bytes) -> None:
        etag = f'"{hashlib.sha256(body).hexdigest()[:20]}"'
        self.files[f"/{name}"] = (body, etag, email.utils.formatdate(usegmt=True))

    def count(self, status: int) -> None:
        with self.lock:
            self.answers[status] = self.answers.get(status, 0) + 1


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            found = server.files.get(self.path)
            if found is None:
                server.count(404)
                self.send_error(404)
                return
            body, etag, modified = found
            if self.headers.get("If-None-Match") == etag or (
                not self.headers.get("If-None-Match")
                and self.headers.get("If-Modified-Since") == modified
            ):
                server.count(304)
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            server.count(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with local_http_server(Handler) as url:
        server.url = url
        yield server


def atlas_labels(content: Path) -> dict[str, str]:
    """The site's descriptors: id → French label."""
    labels = {}
    for path in sorted((content / "atlas" / "descriptors").glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text("utf-8")) or []:
            label = entry["label"]
            labels[entry["id"]] = label.get("fr", "") if isinstance(label, dict) else label
    return {k: v for k, v in labels.items() if v}


def portal(content: Path, server: Server, bases: list[GeneratedBase]) -> None:
    """The bases in site.yaml, and the editor's decisions for the aligned keywords."""
    network = {
        "network": {
            "bases": [
                {"id": b.id, "name": f"Réseau {b.id[-2:]}", "url": f"{server.url}/{b.id}.xml"}
                for b in bases
            ]
        }
    }
    site = content / "site.yaml"
    text = site.read_text("utf-8")
    site.write_text(
        text.rstrip("\n") + "\nbase_url: https://portail.example.org/\n" + dump(network), "utf-8"
    )
    (content / "network").mkdir(exist_ok=True)
    for base in bases:
        entries = [
            {
                "id": key,
                "labels": {"fr": label},
                "proposals": [],
                "decision": (
                    {"descriptor": base.aligned[key], "kind": "exact"}
                    if key in base.aligned
                    else None
                ),
            }
            for key, label in base.keywords.items()
        ]
        (content / "network" / f"{base.id}.align.yaml").write_text(
            dump({"base": base.id, "keywords": entries}), "utf-8"
        )


def change(rng: random.Random, base: GeneratedBase) -> None:
    """A day's changes at a partner: some records retitled, some new, a few removed."""
    for record in rng.sample(base.records, max(1, len(base.records) // 20)):
        record["title"] = f"{record['title']} (mise à jour)"
    removed = max(1, len(base.records) // 100)
    del base.records[:removed]
    start = len(base.records) + removed + 1000
    for number in range(start, start + removed * 2):
        record = dict(rng.choice(base.records))
        record |= {"id": str(number), "url": f"https://{base.host}/fiches/{number}.html"}
        base.records.append(record)


def harvest_command(content: Path) -> list[str]:
    """`treillis harvest CONTENT`, its line per base left out (a failed base fails the run)."""
    command = 'exec "$0" -m treillis harvest "$1" > /dev/null'
    return ["sh", "-c", command, sys.executable, str(content)]


def measure(scratch: Path, total: int, count: int, seed: int) -> dict:
    rng = random.Random(seed)
    started = time.perf_counter()
    content = CORPORA["citego"](scratch / "content")
    bases = generate(rng, total, count, atlas_labels(content), texts(rng))
    server = Server()
    for base in bases:
        server.put(f"{base.id}.xml", document(base))
    generated = time.perf_counter() - started
    output, cache = scratch / "output", scratch / "cache"
    with serving(server):
        portal(content, server, bases)
        harvest = timed(harvest_command(content))
        server.answers.clear()
        again = timed(harvest_command(content))
        not_modified = server.answers.get(304, 0)
        build = timed_build(content, output, cache)
        # One partner's daily changes: its harvest (the others answer 304), then the build.
        largest = max(bases, key=lambda b: len(b.records))
        change(rng, largest)
        server.put(f"{largest.id}.xml", document(largest))
        reharvest = timed(harvest_command(content))
        rebuild = timed_build(content, output, cache)
    searched = search_first_result(output)
    urls = {record["url"] for base in bases for record in base.records}
    return {
        "site": "network",
        "bases": count,
        "records": sum(len(b.records) for b in bases),
        "distinct_urls": len(urls),
        "base_mb": round(sum(len(f[0]) for f in server.files.values()) / 2**20, 1),
        "aligned_keywords": sum(len(b.aligned) for b in bases),
        "documents": build["documents"],
        "pages": build["pages"],
        "corpus_s": round(generated, 1),
        "harvest_s": harvest["seconds"],
        "harvest_peak_mb": harvest["peak_mb"],
        "harvest_again_s": again["seconds"],
        "not_modified": not_modified,
        "build_s": build["seconds"],
        "peak_mb": max(build["peak_mb"], rebuild["peak_mb"]),
        "rebuild_one_base_s": round(reharvest["seconds"] + rebuild["seconds"], 2),
        "rebuild_harvest_s": reharvest["seconds"],
        "rebuild_build_s": rebuild["seconds"],
        "rebuild_rendered": rebuild["rendered"],
        **searched,
        "cold_steps": build["steps"],
        "rebuild_steps": rebuild["steps"],
    }


def verdicts(row: dict) -> list[str]:
    return [
        f"network {key} = {row[key]} (target ≤ {bound}): "
        + ("met" if row[key] <= bound else "NOT met")
        for key, bound in TARGETS.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--records", type=int, default=50_000, help="records in all the bases")
    parser.add_argument("--bases", type=int, default=30, help="how many bases")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--keep", type=Path, help="keep the content and output in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="treillis-bench-") as folder:
        scratch = args.keep or Path(folder)
        if args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir(parents=True)
        row = measure(scratch, args.records, args.bases, args.seed)
    print_table([{k: v for k, v in row.items() if not k.endswith("_steps")}])
    for name in ("cold_steps", "rebuild_steps"):
        steps = ", ".join(f"{k} {v:.2f}" for k, v in row[name].items())
        print(f"network {name.replace('_', ' ')} (s): {steps}")
    for line in verdicts(row):
        print(line)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([row], indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
