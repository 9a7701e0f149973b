"""`treillis harvest`: each base of the network copied into `content/network/`.

A base is fetched (http(s) only, conditional requests, a timeout and a size limit,
a few retries) or read from a path, parsed (defusedxml: no entity expansion) and
only then put in place of its previous copy, atomically: a base that fails keeps
its previous copy as it was. Beside each copy, `<id>.meta.json` says what was
fetched (ETag, Last-Modified, when, format, counts); only files with such a record
are ever replaced, and nothing outside `content/network/` is written.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from treillis import __version__
from treillis.errors import BuildError
from treillis.model import NetworkBase
from treillis.network.feeds import feed_format, read_atom, read_rss
from treillis.network.records import Base
from treillis.network.scrutari import scrutari_base

FOLDER = "network"
MAX_BYTES = 50 * 1024 * 1024
ATTEMPTS = 3  # one request and two retries, after BACKOFF seconds, then twice that
BACKOFF = 1.0
WORKERS = 4
# How the harvest waits between attempts: tests replace it, so that they never sleep.
wait: Callable[[float], None] = time.sleep


class HarvestError(Exception):
    """Why a base could not be harvested, in one line (and the line of the document at
    fault, when known: the build reports a harvested copy as `path:line: message`)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


class _Retry(HarvestError):
    """A failure worth trying again: the connection, a timeout, a server error (5xx)."""


@dataclass
class Outcome:
    """What harvesting one base did."""

    base: NetworkBase
    error: str = ""
    records: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    problems: int = 0  # records skipped (no title, no link…)
    unchanged: bool = False  # a 304, or the same bytes

    def line(self) -> str:
        """The line printed for the base."""
        if self.error:
            return f"{self.base.id}: failed, previous copy kept: {self.error}"
        counts = (
            f"{self.records} records, {self.new} new, {self.changed} changed, "
            f"{self.removed} removed, {self.problems} errors"
        )
        return f"{self.base.id}: {counts}{' (not modified)' if self.unchanged else ''}"


@dataclass
class Fetched:
    data: bytes | None  # None: not modified (304)
    etag: str = ""
    last_modified: str = ""


class _NoRedirectToOtherSchemes(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) addresses only (never ftp:, file:…)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        target = urljoin(req.full_url, newurl)
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            raise HarvestError(f"redirected to '{target[:200]}', which is not http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    """An opener that knows http and https only (no file:, ftp:, data: handlers)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _NoRedirectToOtherSchemes(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def fetch(
    url: str,
    etag: str = "",
    last_modified: str = "",
    timeout: float = 20.0,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """One conditional GET of `url`, with retries after connection errors and 5xx."""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise HarvestError(f"'{url[:200]}' is not an http(s) address")
    headers = {"User-Agent": f"Treillis/{__version__} (harvest)", "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for attempt in range(ATTEMPTS):
        try:
            return _get(urllib.request.Request(url, headers=headers), timeout, max_bytes)
        except _Retry as error:
            if attempt == ATTEMPTS - 1:
                raise HarvestError(f"{error} (after {ATTEMPTS} attempts)") from None
            wait(BACKOFF * 2**attempt)
    raise AssertionError("unreachable")


def _get(request: urllib.request.Request, timeout: float, max_bytes: int) -> Fetched:
    deadline = time.monotonic() + timeout * 3  # the whole answer, not only each read
    try:
        with _opener().open(request, timeout=timeout) as answer:
            length = answer.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise HarvestError(f"too large: {int(length)} bytes (the limit is {max_bytes})")
            chunks: list[bytes] = []
            size = 0
            while chunk := answer.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise HarvestError(f"too large: more than {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise _Retry(f"timed out after {timeout * 3:g} s reading the answer")
                chunks.append(chunk)
            return Fetched(
                b"".join(chunks),
                answer.headers.get("ETag", ""),
                answer.headers.get("Last-Modified", ""),
            )
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(None)
        reason = f"the server answered {error.code} {error.reason}"
        if error.code >= 500:
            raise _Retry(reason) from None
        raise HarvestError(reason) from None
    except TimeoutError:
        raise _Retry(f"no answer within {timeout:g} s (timeout)") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise _Retry(f"no answer within {timeout:g} s (timeout)") from None
        raise _Retry(f"cannot connect: {reason}") from None
    except (ConnectionError, http.client.HTTPException) as error:
        raise _Retry(f"connection failed: {error or type(error).__name__}") from None


def parse(data: bytes, base_id: str, fmt: str = "", url: str = "") -> tuple[Base, str]:
    """The base a document holds, and its format (detected when `fmt` is "")."""
    try:
        root = defusedxml.ElementTree.fromstring(data)
    except defusedxml.DTDForbidden:
        raise HarvestError("refused: the document declares a DTD") from None
    except defusedxml.EntitiesForbidden:
        raise HarvestError("refused: the document declares entities (entity expansion)") from None
    except defusedxml.DefusedXmlException as error:
        raise HarvestError(f"refused: {error}") from None
    except ParseError as error:
        raise HarvestError(f"not well-formed XML: {error}", error.position[0]) from None
    found = detect(root)
    if found is None:
        raise HarvestError(
            f"unknown format: the root element is <{root.tag}> "
            "(expected ScrutariData <base>, Atom <feed> or RSS <rss>)"
        )
    expected = "scrutari" if fmt == "treillis" else fmt
    if expected and expected != found:
        raise HarvestError(f"the document is {found}, not {fmt} as site.yaml says")
    if found == "atom":
        return read_atom(root, base_id, url), "atom"
    if found == "rss":
        return read_rss(root, base_id, url), "rss"
    return _read_scrutari(root, base_id), fmt or "scrutari"


def detect(root: Element) -> str | None:
    """The format of a document from its root element: scrutari, atom, rss, or None."""
    if root.tag == "base":  # ScrutariData, as any Treillis site's scrutari.xml
        return "scrutari"
    return feed_format(root)


def _read_scrutari(root: Element, base_id: str) -> Base:
    """A ScrutariData document (any Treillis site's scrutari.xml) as a base; parsed once,
    by `parse` (with the same refusals as `read_scrutari`'s)."""
    try:
        return scrutari_base(root, base_id)
    except BuildError as error:
        line = error.problems[0].line if error.problems else 1
        raise HarvestError("; ".join(p.message for p in error.problems), line) from None
    except ValueError as error:
        raise HarvestError(f"not a readable ScrutariData file: {error}") from None


def harvest(
    content: Path, bases: Iterable[NetworkBase], max_bytes: int = MAX_BYTES
) -> list[Outcome]:
    """Harvest every base (a few at once) into `content/network/`; one outcome per base,
    in the order given. A base that fails leaves its previous copy untouched."""
    folder = content / FOLDER
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise HarvestError(f"{folder} must be a folder (not a link nor a file)")
    folder.mkdir(exist_ok=True)
    bases = list(bases)
    with ThreadPoolExecutor(max_workers=min(WORKERS, max(1, len(bases)))) as pool:
        return list(pool.map(lambda base: _one(content, folder, base, max_bytes), bases))


def _one(content: Path, folder: Path, base: NetworkBase, max_bytes: int) -> Outcome:
    try:
        return _harvest_base(content, folder, base, max_bytes)
    except HarvestError as error:
        return Outcome(base, error=str(error))
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        return Outcome(base, error=f"{where}{error.strerror or error}")


def _harvest_base(content: Path, folder: Path, base: NetworkBase, max_bytes: int) -> Outcome:
    copy, meta_path = folder / f"{base.id}.xml", folder / f"{base.id}.meta.json"
    meta = _previous_meta(copy, meta_path)
    if _is_web(base.url):
        fetched = fetch(
            base.url, meta.get("etag", ""), meta.get("last_modified", ""), base.timeout, max_bytes
        )
    else:
        fetched = Fetched(_read_path(content, base.url, max_bytes))
    if fetched.data is None or (copy.is_file() and copy.read_bytes() == fetched.data):
        # Not modified: the copy stays; only the record of the check changes. Its count
        # is the one recorded when it was written (the copy is read only without one).
        count = meta.get("records")
        if not isinstance(count, int) or isinstance(count, bool):
            old = _previous_records(copy, base, meta)
            count = len(old) if old is not None else 0
        meta |= {"fetched": _now(), "etag": fetched.etag or meta.get("etag", "")}
        if fetched.last_modified:
            meta["last_modified"] = fetched.last_modified
        _write_atomically(meta_path, _json(meta))
        return Outcome(base, records=count, problems=meta.get("problems", 0), unchanged=True)
    old = _previous_records(copy, base, meta)
    found, fmt = parse(fetched.data, base.id, base.format, _web_url(base))
    records = {record.id: record for record in found.records}
    before = old or {}
    outcome = Outcome(
        base,
        records=len(records),
        new=sum(1 for key in records if key not in before),
        changed=sum(
            1 for key, record in records.items() if key in before and before[key] != record
        ),
        removed=sum(1 for key in before if key not in records),
        problems=len(found.problems),
    )
    _write_atomically(copy, fetched.data)
    _write_atomically(
        meta_path,
        _json(
            {
                "url": base.url,
                "format": fmt,
                "etag": fetched.etag,
                "last_modified": fetched.last_modified,
                "fetched": _now(),
                "records": outcome.records,
                "keywords": len(found.keywords),
                "problems": outcome.problems,
                "skipped": found.problems[:100],
            }
        ),
    )
    return outcome


def _is_web(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https")


def _web_url(base: NetworkBase) -> str:
    """Where relative links of the base's document lead from ("" for a local file)."""
    return base.url if _is_web(base.url) else ""


def _read_path(content: Path, url: str, max_bytes: int) -> bytes:
    path = content / url
    if not path.is_file():
        raise HarvestError(f"no file {path}")
    if path.stat().st_size > max_bytes:
        raise HarvestError(f"too large: {path.stat().st_size} bytes (the limit is {max_bytes})")
    return path.read_bytes()


def _previous_meta(copy: Path, meta_path: Path) -> dict:
    """The record of the previous harvest; a copy without one was not written by Treillis."""
    for path in (copy, meta_path):
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise HarvestError(f"{path} is not a plain file: Treillis leaves it alone")
    if not meta_path.exists():
        if copy.exists():
            raise HarvestError(
                f"{copy} was not written by treillis harvest (no {meta_path.name}): "
                "move it away to harvest this base"
            )
        return {}
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError):
        meta = {}
    if not isinstance(meta, dict):
        meta = {}
    if not copy.exists():  # the copy is gone: ask for it whole again
        meta.pop("etag", None)
        meta.pop("last_modified", None)
    return meta


def _previous_records(copy: Path, base: NetworkBase, meta: dict) -> dict | None:
    """The records of the previous copy by id (None when there is none, or unreadable)."""
    if not copy.is_file():
        return None
    try:
        # Read as the new copy is: links resolved against the base's address.
        found, _fmt = parse(copy.read_bytes(), base.id, meta.get("format", ""), _web_url(base))
    except HarvestError:
        return None
    return {record.id: record for record in found.records}


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a temporary file beside `path`, then put it in its place in one step."""
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _json(value: dict) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
