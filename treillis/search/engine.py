"""Searching a built index in Python, exactly as the browser does (for tests and tools)."""

from __future__ import annotations

import json
import math

from lunr.exceptions import QueryParseError
from lunr.index import Index

from treillis.search.pipelines import pipeline_of
from treillis.search.query import prepare_query


def load_index(data: str | dict) -> Index:
    return Index.load(json.loads(data) if isinstance(data, str) else data)


def search(index: Index, lang: str, query: str) -> tuple[str, list[str]]:
    """The prepared lunr query and the references found, best first (ties by reference)."""
    prepared = prepare_query(query, pipeline_of(lang), tuple(index.fields))
    if not prepared:
        return prepared, []
    try:
        results = index.search(prepared)
    except QueryParseError:
        return prepared, []
    ranked = sorted(results, key=lambda r: (-math.floor(r["score"] * 1e6), r["ref"]))
    return prepared, [r["ref"] for r in ranked]
