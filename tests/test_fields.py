"""Content fields: identifiers made from titles (slugs), and the one definition of each
kind's fields that drives validation, docs/content-format.md and `treillis new`."""

from __future__ import annotations

import re
import unicodedata

from tests.conftest import DEMO_CONTENT
from treillis.errors import Problems
from treillis.readers import read_site
from treillis.readers.fields import slugify


def _slug_before(text: str) -> str:
    """slugify as it was before transliteration: every letter without an ASCII form lost."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _demo_texts() -> list[str]:
    """Every title, label, name and synonym of the demo, in every language."""
    site = read_site(DEMO_CONTENT, Problems())
    texts: list[str] = [*site.config.title.values.values()]
    texts += [partner.name for partner in site.config.partners]
    for family in site.families.values():
        texts += family.label.values.values()
    for descriptor in site.descriptors.values():
        texts += descriptor.label.values.values()
        texts += [synonym for items in descriptor.synonyms.values() for synonym in items]
    for dossier in site.dossiers.values():
        texts += [dossier.title, *(principle.title for principle in dossier.principles)]
    texts += [document.title for document in site.documents.values()]
    return texts


def test_slugs_keep_the_letters_of_the_words() -> None:
    assert slugify("Cœur de ville") == "coeur-de-ville"
    assert slugify("Straße") == "strasse"
    assert slugify("Mise en ŒUVRE, Ærø") == "mise-en-oeuvre-aero"
    assert slugify("Łódź") == "lodz"
    assert slugify("Москва") == "moskva"
    # Accents, apostrophes and symbols as before.
    assert slugify("L’élu·e & « la » régie") == "lelue-la-regie"


def test_the_demos_slugs_are_unchanged() -> None:
    site = read_site(DEMO_CONTENT, Problems())
    ids = [*site.families, *site.descriptors, *site.dossiers]
    ids += [partner.id for partner in site.config.partners]
    ids += [document.slug for document in site.documents.values()]
    assert ids and all(slugify(written) == written for written in ids)
    texts = _demo_texts()
    assert len(texts) > 100
    changed = 0
    for text in texts:
        decomposed = unicodedata.normalize("NFKD", text)
        if all(c.isascii() or unicodedata.category(c)[0] not in "LN" for c in decomposed):
            assert slugify(text) == _slug_before(text), text
        else:  # a letter the old slugs lost: only it is added
            changed += 1
            assert len(slugify(text)) > len(_slug_before(text)), text
    # Identifiers that were made from a title or label still are what it makes.
    made = {_slug_before(text) for text in texts} & set(ids)
    assert made and all(any(slugify(t) == i for t in texts) for i in made)
