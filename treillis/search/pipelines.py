"""Text pipelines for lunr.py that give exactly what lunr.js and lunr-languages give.

French and Spanish reproduce lunr-languages 1.22.0 (pinned in package.json):
its trimmer (word characters plus ASCII digits), its stop word lists, its
French accent fold (the characters it lists, not Unicode decomposition) and
the classic Snowball stemmers of snowballstemmer 2.2.0 (or PyStemmer 2.2's, in C,
which stem alike), whose French agrees with the JavaScript one once accents are folded. French adds `elision-fr`
(l'habitant → habitant), registered in the browser by our `elision-fr.js`.
Portuguese reproduces lunr-languages' too: its trimmer, its stop words and
its stemmer (ported, see `stemmer_pt`: snowballstemmer's differs), and adds
`accentFold-pt` before the stemmer (our `accentfold-pt.js`), so that a word
typed without accents finds it with them. English is lunr's own pipeline. The tests compare these lists with the
pinned JavaScript files, and run queries in both engines.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from typing import Protocol

from lunr.pipeline import Pipeline
from lunr.stemmer import stemmer as english_stemmer
from lunr.stop_word_filter import WORDS as ENGLISH_STOP_WORDS
from lunr.stop_word_filter import stop_word_filter as english_stop_word_filter
from lunr.token import Token

from treillis.languages import REGISTRY
from treillis.versions import installed_versions

# JavaScript's \s (what lunr.js splits on, with "-"): Python's \s differs.
JS_SPACES = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
SEPARATOR = re.compile(f"[{re.escape(JS_SPACES)}-]+")
# The characters that are white space to Python's `str.split()` and not to JavaScript (the
# separators of information, NEL), or the reverse (the BOM): without any of them, a text
# splits as lunr.js splits it by `str.split()` alone.
SPLIT_APART = "\x1c\x1d\x1e\x1f\x85\ufeff"
_SPLIT_APART = re.compile(f"[{SPLIT_APART}]")

WORD_CHARACTERS = (
    "A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02b8\u02e0-\u02e4\u1d00-\u1d25"
    "\u1d2c-\u1d5c\u1d62-\u1d65\u1d6b-\u1d77\u1d79-\u1dbe\u1e00-\u1eff\u2071\u207f"
    "\u2090-\u209c\u212a\u212b\u2132\u214e\u2160-\u2188\u2c60-\u2c7f\ua722-\ua787"
    "\ua78b-\ua7ad\ua7b0-\ua7b7\ua7f7-\ua7ff\uab30-\uab5a\uab5c-\uab64\ufb00-\ufb06"
    "\uff21-\uff3a\uff41-\uff5a"
) + "0-9"

FRENCH_STOP_WORDS = frozenset(
    [
        "ai",
        "aie",
        "aient",
        "aies",
        "ait",
        "as",
        "au",
        "aura",
        "aurai",
        "auraient",
        "aurais",
        "aurait",
        "auras",
        "aurez",
        "auriez",
        "aurions",
        "aurons",
        "auront",
        "aux",
        "avaient",
        "avais",
        "avait",
        "avec",
        "avez",
        "aviez",
        "avions",
        "avons",
        "ayant",
        "ayez",
        "ayons",
        "c",
        "ce",
        "ceci",
        "celà",
        "ces",
        "cet",
        "cette",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "es",
        "est",
        "et",
        "eu",
        "eue",
        "eues",
        "eurent",
        "eus",
        "eusse",
        "eussent",
        "eusses",
        "eussiez",
        "eussions",
        "eut",
        "eux",
        "eûmes",
        "eût",
        "eûtes",
        "furent",
        "fus",
        "fusse",
        "fussent",
        "fusses",
        "fussiez",
        "fussions",
        "fut",
        "fûmes",
        "fût",
        "fûtes",
        "ici",
        "il",
        "ils",
        "j",
        "je",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "m",
        "ma",
        "mais",
        "me",
        "mes",
        "moi",
        "mon",
        "même",
        "n",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ont",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "quel",
        "quelle",
        "quelles",
        "quels",
        "qui",
        "s",
        "sa",
        "sans",
        "se",
        "sera",
        "serai",
        "seraient",
        "serais",
        "serait",
        "seras",
        "serez",
        "seriez",
        "serions",
        "serons",
        "seront",
        "ses",
        "soi",
        "soient",
        "sois",
        "soit",
        "sommes",
        "son",
        "sont",
        "soyez",
        "soyons",
        "suis",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "à",
        "étaient",
        "étais",
        "était",
        "étant",
        "étiez",
        "étions",
        "été",
        "étée",
        "étées",
        "étés",
        "êtes",
    ]
)

SPANISH_STOP_WORDS = frozenset(
    [
        "a",
        "al",
        "algo",
        "algunas",
        "algunos",
        "ante",
        "antes",
        "como",
        "con",
        "contra",
        "cual",
        "cuando",
        "de",
        "del",
        "desde",
        "donde",
        "durante",
        "e",
        "el",
        "ella",
        "ellas",
        "ellos",
        "en",
        "entre",
        "era",
        "erais",
        "eran",
        "eras",
        "eres",
        "es",
        "esa",
        "esas",
        "ese",
        "eso",
        "esos",
        "esta",
        "estaba",
        "estabais",
        "estaban",
        "estabas",
        "estad",
        "estada",
        "estadas",
        "estado",
        "estados",
        "estamos",
        "estando",
        "estar",
        "estaremos",
        "estará",
        "estarán",
        "estarás",
        "estaré",
        "estaréis",
        "estaría",
        "estaríais",
        "estaríamos",
        "estarían",
        "estarías",
        "estas",
        "este",
        "estemos",
        "esto",
        "estos",
        "estoy",
        "estuve",
        "estuviera",
        "estuvierais",
        "estuvieran",
        "estuvieras",
        "estuvieron",
        "estuviese",
        "estuvieseis",
        "estuviesen",
        "estuvieses",
        "estuvimos",
        "estuviste",
        "estuvisteis",
        "estuviéramos",
        "estuviésemos",
        "estuvo",
        "está",
        "estábamos",
        "estáis",
        "están",
        "estás",
        "esté",
        "estéis",
        "estén",
        "estés",
        "fue",
        "fuera",
        "fuerais",
        "fueran",
        "fueras",
        "fueron",
        "fuese",
        "fueseis",
        "fuesen",
        "fueses",
        "fui",
        "fuimos",
        "fuiste",
        "fuisteis",
        "fuéramos",
        "fuésemos",
        "ha",
        "habida",
        "habidas",
        "habido",
        "habidos",
        "habiendo",
        "habremos",
        "habrá",
        "habrán",
        "habrás",
        "habré",
        "habréis",
        "habría",
        "habríais",
        "habríamos",
        "habrían",
        "habrías",
        "habéis",
        "había",
        "habíais",
        "habíamos",
        "habían",
        "habías",
        "han",
        "has",
        "hasta",
        "hay",
        "haya",
        "hayamos",
        "hayan",
        "hayas",
        "hayáis",
        "he",
        "hemos",
        "hube",
        "hubiera",
        "hubierais",
        "hubieran",
        "hubieras",
        "hubieron",
        "hubiese",
        "hubieseis",
        "hubiesen",
        "hubieses",
        "hubimos",
        "hubiste",
        "hubisteis",
        "hubiéramos",
        "hubiésemos",
        "hubo",
        "la",
        "las",
        "le",
        "les",
        "lo",
        "los",
        "me",
        "mi",
        "mis",
        "mucho",
        "muchos",
        "muy",
        "más",
        "mí",
        "mía",
        "mías",
        "mío",
        "míos",
        "nada",
        "ni",
        "no",
        "nos",
        "nosotras",
        "nosotros",
        "nuestra",
        "nuestras",
        "nuestro",
        "nuestros",
        "o",
        "os",
        "otra",
        "otras",
        "otro",
        "otros",
        "para",
        "pero",
        "poco",
        "por",
        "porque",
        "que",
        "quien",
        "quienes",
        "qué",
        "se",
        "sea",
        "seamos",
        "sean",
        "seas",
        "seremos",
        "será",
        "serán",
        "serás",
        "seré",
        "seréis",
        "sería",
        "seríais",
        "seríamos",
        "serían",
        "serías",
        "seáis",
        "sido",
        "siendo",
        "sin",
        "sobre",
        "sois",
        "somos",
        "son",
        "soy",
        "su",
        "sus",
        "suya",
        "suyas",
        "suyo",
        "suyos",
        "sí",
        "también",
        "tanto",
        "te",
        "tendremos",
        "tendrá",
        "tendrán",
        "tendrás",
        "tendré",
        "tendréis",
        "tendría",
        "tendríais",
        "tendríamos",
        "tendrían",
        "tendrías",
        "tened",
        "tenemos",
        "tenga",
        "tengamos",
        "tengan",
        "tengas",
        "tengo",
        "tengáis",
        "tenida",
        "tenidas",
        "tenido",
        "tenidos",
        "teniendo",
        "tenéis",
        "tenía",
        "teníais",
        "teníamos",
        "tenían",
        "tenías",
        "ti",
        "tiene",
        "tienen",
        "tienes",
        "todo",
        "todos",
        "tu",
        "tus",
        "tuve",
        "tuviera",
        "tuvierais",
        "tuvieran",
        "tuvieras",
        "tuvieron",
        "tuviese",
        "tuvieseis",
        "tuviesen",
        "tuvieses",
        "tuvimos",
        "tuviste",
        "tuvisteis",
        "tuviéramos",
        "tuviésemos",
        "tuvo",
        "tuya",
        "tuyas",
        "tuyo",
        "tuyos",
        "tú",
        "un",
        "una",
        "uno",
        "unos",
        "vosotras",
        "vosotros",
        "vuestra",
        "vuestras",
        "vuestro",
        "vuestros",
        "y",
        "ya",
        "yo",
        "él",
        "éramos",
    ]
)

PORTUGUESE_STOP_WORDS = frozenset(
    [
        "a",
        "ao",
        "aos",
        "aquela",
        "aquelas",
        "aquele",
        "aqueles",
        "aquilo",
        "as",
        "até",
        "com",
        "como",
        "da",
        "das",
        "de",
        "dela",
        "delas",
        "dele",
        "deles",
        "depois",
        "do",
        "dos",
        "e",
        "ela",
        "elas",
        "ele",
        "eles",
        "em",
        "entre",
        "era",
        "eram",
        "essa",
        "essas",
        "esse",
        "esses",
        "esta",
        "estamos",
        "estas",
        "estava",
        "estavam",
        "este",
        "esteja",
        "estejam",
        "estejamos",
        "estes",
        "esteve",
        "estive",
        "estivemos",
        "estiver",
        "estivera",
        "estiveram",
        "estiverem",
        "estivermos",
        "estivesse",
        "estivessem",
        "estivéramos",
        "estivéssemos",
        "estou",
        "está",
        "estávamos",
        "estão",
        "eu",
        "foi",
        "fomos",
        "for",
        "fora",
        "foram",
        "forem",
        "formos",
        "fosse",
        "fossem",
        "fui",
        "fôramos",
        "fôssemos",
        "haja",
        "hajam",
        "hajamos",
        "havemos",
        "hei",
        "houve",
        "houvemos",
        "houver",
        "houvera",
        "houveram",
        "houverei",
        "houverem",
        "houveremos",
        "houveria",
        "houveriam",
        "houvermos",
        "houverá",
        "houverão",
        "houveríamos",
        "houvesse",
        "houvessem",
        "houvéramos",
        "houvéssemos",
        "há",
        "hão",
        "isso",
        "isto",
        "já",
        "lhe",
        "lhes",
        "mais",
        "mas",
        "me",
        "mesmo",
        "meu",
        "meus",
        "minha",
        "minhas",
        "muito",
        "na",
        "nas",
        "nem",
        "no",
        "nos",
        "nossa",
        "nossas",
        "nosso",
        "nossos",
        "num",
        "numa",
        "não",
        "nós",
        "o",
        "os",
        "ou",
        "para",
        "pela",
        "pelas",
        "pelo",
        "pelos",
        "por",
        "qual",
        "quando",
        "que",
        "quem",
        "se",
        "seja",
        "sejam",
        "sejamos",
        "sem",
        "serei",
        "seremos",
        "seria",
        "seriam",
        "será",
        "serão",
        "seríamos",
        "seu",
        "seus",
        "somos",
        "sou",
        "sua",
        "suas",
        "são",
        "só",
        "também",
        "te",
        "tem",
        "temos",
        "tenha",
        "tenham",
        "tenhamos",
        "tenho",
        "terei",
        "teremos",
        "teria",
        "teriam",
        "terá",
        "terão",
        "teríamos",
        "teu",
        "teus",
        "teve",
        "tinha",
        "tinham",
        "tive",
        "tivemos",
        "tiver",
        "tivera",
        "tiveram",
        "tiverem",
        "tivermos",
        "tivesse",
        "tivessem",
        "tivéramos",
        "tivéssemos",
        "tu",
        "tua",
        "tuas",
        "tém",
        "tínhamos",
        "um",
        "uma",
        "você",
        "vocês",
        "vos",
        "à",
        "às",
        "éramos",
    ]
)

FRENCH_FOLDS = (
    ("àáâäÀÁÂÄ", "a"),
    ("çÇ", "c"),
    ("éèêëÉÈÊË", "e"),
    ("îïÎÏ", "i"),
    ("ôöÔÖ", "o"),
    ("ùûüÙÛÜ", "u"),
    ("Ÿÿ", "y"),
    ("æÆ", "ae"),
    ("œŒ", "oe"),
)
_FRENCH_FOLD_TABLE = str.maketrans({c: out for chars, out in FRENCH_FOLDS for c in chars})

# Ours (lunr.pt.js has no fold): Portuguese accents and cedilla, so that "informacao" finds
# "informação". Before the stemmer, as French folds, and with the plural -ões → -ão that the
# stemmer could no longer see once the tilde is gone (informações, informacoes → informacao).
PORTUGUESE_FOLDS = (
    ("áàâãäÁÀÂÃÄ", "a"),
    ("çÇ", "c"),
    ("éèêëÉÈÊË", "e"),
    ("íìîïÍÌÎÏ", "i"),
    ("óòôõöÓÒÔÕÖ", "o"),
    ("úùûüÚÙÛÜ", "u"),
)
_PORTUGUESE_FOLD_TABLE = str.maketrans({c: out for chars, out in PORTUGUESE_FOLDS for c in chars})
_PORTUGUESE_PLURAL = re.compile(r"oes$")

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
ELISION = re.compile(r"^(?:qu|jusqu|lorsqu|puisqu|quoiqu|c|d|j|l|m|n|s|t)'")

_LEADING = re.compile(f"^[^{WORD_CHARACTERS}]+")
_TRAILING = re.compile(f"[^{WORD_CHARACTERS}]+$")


def trimmer(token: Token, *_: object) -> Token:
    """lunr-languages' trimmer: strip non-word characters at both ends (digits stay)."""
    return token.update(lambda text, _m=None: _TRAILING.sub("", _LEADING.sub("", text)))


def elision_fr(token: Token, *_: object) -> Token:
    """l'habitant, l’habitant → habitant; qu'il → il."""
    return token.update(lambda text, _m=None: ELISION.sub("", text.translate(APOSTROPHES)))


def accent_fold_fr(token: Token, *_: object) -> Token:
    return token.update(lambda text, _m=None: text.translate(_FRENCH_FOLD_TABLE))


def accent_fold_pt(token: Token, *_: object) -> Token:
    return token.update(
        lambda text, _m=None: _PORTUGUESE_PLURAL.sub("ao", text.translate(_PORTUGUESE_FOLD_TABLE))
    )


def _stop_word_filter(words: frozenset[str]) -> Callable[..., Token | None]:
    def stop_word_filter(token: Token, *_: object) -> Token | None:
        return token if token and str(token) not in words else None

    return stop_word_filter


class _WordStemmer(Protocol):
    def stemWord(self, word: str) -> str: ...  # (snowballstemmer's and PyStemmer's name)


def snowball(algorithm: str, classic: Callable[[], _WordStemmer]) -> _WordStemmer:
    """A classic Snowball stemmer: PyStemmer's, in C, when it is the 2.2 one (the extra
    `treillis[fast]`), else `classic`, snowballstemmer 2.2.0's pure Python one. Both come
    from Snowball 2.2's algorithms and stem alike (the 73,585 distinct words of the real
    documents: tests/test_search_index.py); PyStemmer 3 follows Snowball 3, whose stems differ
    from lunr-languages' on some words, and is not used."""
    try:
        import Stemmer  # type: ignore[import-not-found]
    except ImportError:
        return classic()
    if not installed_versions(("PyStemmer",)).get("PyStemmer", "").startswith("2.2."):
        return classic()
    stemmer = Stemmer.Stemmer(algorithm)
    stemmer.maxCacheSize = 0  # each word is stemmed once already (`_stemmer`)
    return stemmer


def _stemmer(make: Callable[[], _WordStemmer]) -> Callable[..., Token]:
    """A pipeline function stemming with the stemmer `make` makes at its first word (a
    build that stems nothing in a language never imports its stemmer: snowballstemmer
    imports every language's, a tenth of a build's start)."""
    cache: dict[str, str] = {}
    made: list[_WordStemmer] = []

    def stem(token: Token, *_: object) -> Token:
        def change(text: str, _m: object = None) -> str:
            if text not in cache:
                if not made:
                    made.append(make())
                cache[text] = made[0].stemWord(text)
            return cache[text]

        return token.update(change)

    return stem


def _classic(algorithm: str) -> Callable[[], _WordStemmer]:
    """snowballstemmer's stemmer for `algorithm` (french…), imported when made."""

    def make() -> _WordStemmer:
        module = import_module(f"snowballstemmer.{algorithm}_stemmer")
        return getattr(module, f"{algorithm.capitalize()}Stemmer")()

    return make


def _portuguese() -> _WordStemmer:
    from treillis.search.stemmer_pt import LunrPortugueseStemmer

    return LunrPortugueseStemmer()


stop_word_filter_fr = _stop_word_filter(FRENCH_STOP_WORDS)
stop_word_filter_es = _stop_word_filter(SPANISH_STOP_WORDS)
stemmer_fr = _stemmer(partial(snowball, "french", _classic("french")))
stemmer_es = _stemmer(partial(snowball, "spanish", _classic("spanish")))
stop_word_filter_pt = _stop_word_filter(PORTUGUESE_STOP_WORDS)
stemmer_pt = _stemmer(_portuguese)

for function, label in (
    (trimmer, "trimmer-fr"),
    (elision_fr, "elision-fr"),
    (stop_word_filter_fr, "stopWordFilter-fr"),
    (accent_fold_fr, "accentFold-fr"),
    (stemmer_fr, "stemmer-fr"),
    (stop_word_filter_es, "stopWordFilter-es"),
    (stemmer_es, "stemmer-es"),
    (stop_word_filter_pt, "stopWordFilter-pt"),
    (accent_fold_pt, "accentFold-pt"),
    (stemmer_pt, "stemmer-pt"),
):
    Pipeline.register_function(function, label)


_ASCII_LEADING = re.compile(r"^[^A-Za-z0-9_]+")
_ASCII_TRAILING = re.compile(r"[^A-Za-z0-9_]+$")


def trimmer_en(token: Token, *_: object) -> Token:
    """lunr.js's own trimmer: JavaScript's ASCII \\W at both ends (lunr.py's differs)."""
    return token.update(lambda text, _m=None: _ASCII_TRAILING.sub("", _ASCII_LEADING.sub("", text)))


# Under lunr.js's label: indexes name their search pipeline "trimmer", and this is what it
# does. (lunr.py warns that it replaces its own: expected, so not shown.)
_pipeline_log = logging.getLogger("lunr.pipeline")
_level = _pipeline_log.level
_pipeline_log.setLevel(logging.ERROR)
Pipeline.register_function(trimmer_en, "trimmer")
_pipeline_log.setLevel(_level)


def _trimmer_es(token: Token, *_: object) -> Token:
    return trimmer(token)


Pipeline.register_function(_trimmer_es, "trimmer-es")


def _trimmer_pt(token: Token, *_: object) -> Token:
    return trimmer(token)


Pipeline.register_function(_trimmer_pt, "trimmer-pt")


@dataclass(frozen=True)
class Language:
    """How one language's texts are indexed and searched."""

    code: str
    index: tuple[Callable[..., object], ...]
    search: tuple[Callable[..., object], ...]
    stop_words: frozenset[str]
    scripts: tuple[str, ...]  # files of assets/search/ the browser needs, in order
    clean: tuple[Callable[..., object], ...] = ()  # the steps before the stop word filter


LANGUAGES = {
    "fr": Language(
        "fr",
        (trimmer, elision_fr, stop_word_filter_fr, accent_fold_fr, stemmer_fr),
        (trimmer, elision_fr, accent_fold_fr, stemmer_fr),
        FRENCH_STOP_WORDS,
        ("lunr.stemmer.support.js", "lunr.fr.js", "elision-fr.js"),
        (trimmer, elision_fr),
    ),
    "es": Language(
        "es",
        (_trimmer_es, stop_word_filter_es, stemmer_es),
        (_trimmer_es, stemmer_es),
        SPANISH_STOP_WORDS,
        ("lunr.stemmer.support.js", "lunr.es.js"),
        (_trimmer_es,),
    ),
    "pt": Language(
        "pt",
        (_trimmer_pt, stop_word_filter_pt, accent_fold_pt, stemmer_pt),
        (_trimmer_pt, accent_fold_pt, stemmer_pt),
        PORTUGUESE_STOP_WORDS,
        ("lunr.stemmer.support.js", "lunr.pt.js", "accentfold-pt.js"),
        (_trimmer_pt,),
    ),
    "en": Language(
        "en",
        (trimmer_en, english_stop_word_filter, english_stemmer),
        (trimmer_en, english_stemmer),
        frozenset(ENGLISH_STOP_WORDS),
        (),
        (trimmer_en,),
    ),
}


def normalise(text: str) -> str:
    """NFC, as every field is indexed and every query searched."""
    return unicodedata.normalize("NFC", text)


def tokens(text: str) -> list[str]:
    """Split like lunr.js: lower case, then on JavaScript whitespace and hyphens."""
    text = normalise(text).lower()
    if _SPLIT_APART.search(text) is None:  # nearly every text: in C, three times faster
        return text.replace("-", " ").split()
    return [part for part in SEPARATOR.split(text) if part]


# Inside a word, what joins the parts of an address, an e-mail or a dotted name; and what
# separates an address's parts (the host, the path).
_JOINERS = re.compile(r"[./@:_?#=&~+]")
_ADDRESS_PARTS = re.compile(r"[/@:?#=&]+")
_NON_WORD = re.compile(f"[^{WORD_CHARACTERS}]+")
_NUMBER = re.compile(r"[0-9.,]+")


def index_words(text: str) -> list[str]:
    """The words of a text as the index sees them: `tokens`, and after each address, e-mail
    or dotted name (scrutari.coredem.info, a.b@c.org) its host or parts and its words, so that
    both the whole and its words are found."""
    words: list[str] = []
    for word in tokens(text):
        words.extend(word_and_parts(word))
    return words


def word_and_parts(word: str) -> list[str]:
    """A token (of `tokens`) and, for an address, e-mail or dotted name, its parts (see
    `index_words`): what a token always gives, wherever it stands."""
    if not _JOINERS.search(word):  # most words: nothing to strip can hold a joiner either
        return [word]
    core = _TRAILING.sub("", _LEADING.sub("", word))
    if not _JOINERS.search(core) or _NUMBER.fullmatch(core):
        return [word]
    parts = [p for p in _ADDRESS_PARTS.split(core) if p and p != core and _JOINERS.search(p)]
    parts += [p for p in _NON_WORD.split(core) if p and p != core]
    return [word, *parts]


def run_search_pipeline(language: Language, word: str) -> list[str]:
    """A query word through the language's search pipeline (for wildcards)."""
    return _run(language.search, word)


def clean_word(language: Language, word: str) -> str:
    """A query word through the steps before the stop word filter (trim, elision)."""
    result = _run(language.clean, word)
    return result[0] if result else ""


def _run(functions: tuple[Callable[..., object], ...], word: str) -> list[str]:
    pipeline = Pipeline()
    pipeline.add(*functions)
    return pipeline.run_string(word)


def pipeline_of(code: str) -> Language:
    """The search pipeline of a site language, named by the language registry; lunr's
    English one for a language that has none (search-core.js does the same)."""
    entry = REGISTRY.get(code)
    return LANGUAGES.get(entry.search if entry else code) or LANGUAGES["en"]
