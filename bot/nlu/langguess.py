"""Guesses whether a message is Dutch or English from words that belong to one language only."""

from __future__ import annotations

from collections.abc import Mapping

from .text import tokens


class LanguageGuesser:
    def __init__(self, words: Mapping[str, frozenset[str]]) -> None:
        """`words[lang]`: folded words seen in that language's data (stop words included)."""
        langs = sorted(words)
        self._exclusive = {
            lang: frozenset(words[lang].difference(*(words[o] for o in langs if o != lang)))
            for lang in langs
        }

    def guess(self, text: str) -> str | None:
        """The language with the most words exclusive to it; None when no language leads."""
        counts = dict.fromkeys(self._exclusive, 0)
        for word in tokens(text):
            for lang, exclusive in self._exclusive.items():
                if word in exclusive:
                    counts[lang] += 1
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]
