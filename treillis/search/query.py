"""Reader queries turned into lunr queries, the same way in Python and in the browser.

`prepareQuery` in the theme's `search-core.js` does exactly what `prepare_query`
does (the tests compare them on the same queries): it maps field names an editor
would type (`titre:`, `title:`) to the index's, turns `ET`/`AND` into required
terms, runs wildcard words through the search pipeline so that `habitant*` finds
`habitants` despite stemming, drops stop words and refuses a bare `*`. The
words and limits below reach the browser through the search schema
(`treillis.search.schema`), so they are written here only.
"""

from __future__ import annotations

import re

from treillis.search.pipelines import (
    APOSTROPHES,
    JS_SPACES,
    Language,
    clean_word,
    normalise,
    run_search_pipeline,
)

FIELD_ALIASES = {
    "title": "t",
    "titre": "t",
    "titulo": "t",
    "título": "t",
    "descriptor": "d",
    "descriptors": "d",
    "descripteur": "d",
    "descripteurs": "d",
    "descriptor_es": "d",
    "descriptores": "d",
    "descritor": "d",
    "descritores": "d",
    "lead": "l",
    "chapo": "l",
    "chapô": "l",
    "resume": "l",
    "résumé": "l",
    "summary": "l",
    "resumo": "l",
    "body": "b",
    "text": "b",
    "texte": "b",
    "corps": "b",
    "texto": "b",
    "corpo": "b",
}
AND_WORDS = {"ET", "AND", "Y", "E"}
OR_WORDS = {"OU", "OR", "O"}
_WORD = re.compile(r"^([+-]?)(?:([^:*~^]+):)?([^~^]*)((?:[~^][0-9]+)*)$")
_FUZZY = re.compile(r"~([0-9]+)")
# lunr's fuzzy matching grows exponentially with the distance and the word's length.
MAX_EDIT_DISTANCE = 2
MAX_FUZZY_LENGTH = 20
_SPACES = re.compile(f"[{re.escape(JS_SPACES)}]+")


def prepare_query(text: str, language: Language, fields: tuple[str, ...]) -> str:
    """The lunr query string for a reader's query ('' when nothing can be searched)."""
    words = [w for w in _SPACES.split(normalise(text).translate(APOSTROPHES)) if w]
    terms: list[list[str]] = []  # [presence, field, term, suffix]
    join_next = False
    for word in words:
        if word in AND_WORDS:
            join_next = bool(terms)
            continue
        if word in OR_WORDS:
            continue
        match = _WORD.match(word)
        if not match:
            continue
        presence, field_name, term, suffix = match.groups()
        field = FIELD_ALIASES.get((field_name or "").lower(), "")
        if field_name and field not in fields:
            # Not in this index (the quick one has titles and descriptors only): searching
            # every field instead would widen the query; the full index will answer.
            continue
        suffix = _capped(suffix, len(term))
        term = _prepare_term(term.lower(), language)
        if not term:
            continue
        if join_next:
            terms[-1][0] = terms[-1][0] or "+"
            presence = presence or "+"
            join_next = False
        terms.append([presence, field, term, suffix])
    return " ".join(
        f"{presence}{field + ':' if field else ''}{term}{suffix}"
        for presence, field, term, suffix in terms
    )


def _capped(suffix: str, length: int) -> str:
    """Fuzzy distances capped, and no fuzzy matching on long words."""
    if length > MAX_FUZZY_LENGTH:
        return _FUZZY.sub("", suffix)
    return _FUZZY.sub(lambda m: f"~{min(int(m.group(1)), MAX_EDIT_DISTANCE)}", suffix)


def _prepare_term(term: str, language: Language) -> str:
    if "*" not in term:
        # Stop words are not in the index: searching them could only fail.
        cleaned = clean_word(language, term)
        return "" if not cleaned or cleaned in language.stop_words else term
    core = term.replace("*", "")
    if len(clean_word(language, core) or "") < 2:
        return ""  # a bare * (or a one-letter prefix, d'* too) would list the whole index
    processed = run_search_pipeline(language, core)
    if not processed or not processed[0]:
        return ""
    return (
        ("*" if term.startswith("*") else "") + processed[0] + ("*" if term.endswith("*") else "")
    )
