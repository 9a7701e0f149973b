"""Reader queries turned into lunr queries, the same way in Python and in the browser.

`prepareQuery` in the theme's `search-core.js` does exactly what `prepare_query`
does (the tests compare them on the same queries): it maps field names an editor
would type (`titre:`, `title:`) to the index's, turns `ET`/`AND` into required
terms, runs wildcard words through the search pipeline so that `habitant*` finds
`habitants` despite stemming, drops stop words and refuses a bare `*`. Words
in double quotes are all required (a phrase). A word the index does not know
(`known` says so) is looked up with an edit distance of 1, or 2 for a long
word: typos need no syntax. The words and limits below reach the browser
through the search schema (`treillis.search.schema`), so they are written
here only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from treillis.search.pipelines import (
    APOSTROPHES,
    JS_SPACES,
    Language,
    clean_word,
    normalise,
    run_search_pipeline,
)

# The fields of the quick index (titles and descriptors): what the first results can see.
QUICK_FIELDS = ("t", "d")

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
# Automatic typo correction: words of at least TYPO_MIN_LENGTH letters that the index does
# not know are looked up with an edit distance of 1, of 2 from TYPO_LONG_LENGTH letters.
TYPO_MIN_LENGTH = 4
TYPO_LONG_LENGTH = 8
# Quotes that open or close a phrase (« » are punctuation in French, not phrase marks).
QUOTES = '"\u201c\u201d'
_SPACES = re.compile(f"[{re.escape(JS_SPACES)}]+")


def query_words(text: str) -> list[str]:
    """A reader's query cut into words, as search-core.js cuts it."""
    return [w for w in _SPACES.split(normalise(text).translate(APOSTROPHES)) if w]


def prepare_query(
    text: str,
    language: Language,
    fields: tuple[str, ...],
    known: Callable[[str], bool] | None = None,
) -> str:
    """The lunr query string for a reader's query ('' when nothing can be searched).

    `known` tells whether the index has a term (a word through the search pipeline);
    without it, no word is corrected."""
    terms, _phrases = _prepare(text, language, fields, known)
    return " ".join(
        _clause(presence, field, term, suffix) for presence, field, term, suffix in terms
    )


def prepare_phrases(
    text: str,
    language: Language,
    fields: tuple[str, ...],
    known: Callable[[str], bool] | None = None,
) -> list[list[str]]:
    """The clauses of each phrase of two words or more (in double quotes), without presence:
    their words must follow one another (`engine.ranked` checks it where positions are kept)."""
    terms, phrases = _prepare(text, language, fields, known)
    groups: dict[int, list[str]] = {}
    for (_presence, field, term, suffix), phrase in zip(terms, phrases, strict=True):
        if phrase:
            groups.setdefault(phrase, []).append(_clause("", field, term, suffix))
    return [group for group in groups.values() if len(group) > 1]


def _clause(presence: str, field: str, term: str, suffix: str) -> str:
    return f"{presence}{field + ':' if field else ''}{term}{suffix}"


def _prepare(
    text: str,
    language: Language,
    fields: tuple[str, ...],
    known: Callable[[str], bool] | None,
) -> tuple[list[list[str]], list[int]]:
    """The query's clauses ([presence, field, term, suffix]) and the phrase of each (0: none)."""
    words = query_words(text)
    terms: list[list[str]] = []
    phrases: list[int] = []
    join_next = False
    in_phrase = False
    phrase_number = 0
    for word in words:
        phrase = in_phrase
        if word[0] in QUOTES:
            phrase = in_phrase = not in_phrase
            phrase_number += in_phrase
            word = word[1:]
        if word and word[-1] in QUOTES:
            phrase = phrase or in_phrase
            in_phrase = False
            word = word[:-1]
        if not word:
            continue
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
        if not suffix and presence != "-" and known is not None:
            suffix = _typo_suffix(term, language, known)
        if phrase:
            presence = presence or "+"
        if join_next:
            terms[-1][0] = terms[-1][0] or "+"
            presence = presence or "+"
            join_next = False
        terms.append([presence, field, term, suffix])
        phrases.append(phrase_number if phrase else 0)
    return terms, phrases


def _typo_suffix(term: str, language: Language, known: Callable[[str], bool]) -> str:
    """`~1` or `~2` for a word the index does not know, long enough to be a typo."""
    if "*" in term:
        return ""
    letters = clean_word(language, term)
    if not TYPO_MIN_LENGTH <= len(letters) <= MAX_FUZZY_LENGTH or not letters.isalpha():
        return ""
    stems = run_search_pipeline(language, term)
    if not stems or any(known(stem) for stem in stems):
        return ""
    return "~2" if len(letters) >= TYPO_LONG_LENGTH else "~1"


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
