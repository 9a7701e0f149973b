"""Descriptors proposed for a text: labels and synonyms found in it, ranked.

The text and every label go through the search pipeline of their language
(elisions, accents, plurals: "des collectivités" finds "Collectivité"), and a
label is found when its words appear in that order. Rarer labels weigh more.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from treillis.model import Site
from treillis.search.pipelines import Language, pipeline_of, run_search_pipeline, tokens


@dataclass(frozen=True)
class Suggestion:
    descriptor: str
    label: str
    score: float
    occurrences: int


class Suggester:
    """Finds the atlas's labels and synonyms in texts of one language."""

    def __init__(self, site: Site, lang: str) -> None:
        self.language: Language = pipeline_of(lang)
        self.lang = lang
        self._stems: dict[str, str] = {}
        # first stem of a phrase → [(stems of the phrase, descriptor id)]
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.labels: dict[str, str] = {}
        for descriptor in site.descriptors.values():
            self.labels[descriptor.id] = descriptor.label.get(lang)
            for phrase in [descriptor.label.get(lang), *descriptor.synonyms.get(lang, [])]:
                stems = self.stems(phrase)
                if stems:
                    self.phrases.setdefault(stems[0], []).append((tuple(stems), descriptor.id))
        self.documents = max(1, len(site.documents))
        self.frequency: Counter[str] = Counter()

    def stems(self, text: str) -> list[str]:
        result = []
        for word in tokens(text):
            if word not in self._stems:
                # Stop words are left out, as the index leaves them out.
                cleaned = word.strip("«»“”\"'’.,;:!?()[]")
                stemmed = (
                    run_search_pipeline(self.language, cleaned)
                    if cleaned and cleaned not in self.language.stop_words
                    else []
                )
                self._stems[word] = stemmed[0] if stemmed else ""
            if self._stems[word]:
                result.append(self._stems[word])
        return result

    def found(self, text: str) -> Counter[str]:
        """How many times each descriptor's label or synonym occurs in `text`."""
        stems = self.stems(text)
        found: Counter[str] = Counter()
        for index, stem in enumerate(stems):
            for phrase, descriptor_id in self.phrases.get(stem, ()):
                if tuple(stems[index : index + len(phrase)]) == phrase:
                    found[descriptor_id] += 1
        return found

    def suggest(self, text: str, limit: int = 10, title: str = "") -> list[Suggestion]:
        """The descriptors found, best first: occurrences (the title counts thrice), rarer first."""
        counts = self.found(text) + Counter({d: 3 * n for d, n in self.found(title).items()})
        ranked = sorted(
            counts.items(),
            key=lambda item: (-item[1] * self._rarity(item[0]), self.labels[item[0]]),
        )
        return [
            Suggestion(d, self.labels[d], round(n * self._rarity(d), 3), n)
            for d, n in ranked[:limit]
        ]

    def _rarity(self, descriptor_id: str) -> float:
        # Labels of many documents say less about this one.
        return math.log(1 + self.documents / (1 + self.frequency[descriptor_id]))

    def learn(self, site: Site) -> None:
        """Count how many documents each descriptor indexes (for the rarity weight)."""
        self.frequency = Counter(
            d for doc in site.documents.values() for d in set(doc.descriptor_ids)
        )
