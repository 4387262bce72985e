"""Typo correction against a known vocabulary through a symmetric-delete index.

Every known word is stored under each form it takes with up to two letters deleted; a mistyped word finds
its candidates by looking up its own forms with up to its typo budget of letters deleted. Any word within
that many edits (insert, delete, substitute, swap neighbours) shares such a form, so the lookups find every
candidate a scan of the whole vocabulary would; each candidate is then checked with rapidfuzz's
optimal-string-alignment distance. A lookup costs a few dozen dictionary probes, whatever the vocabulary's
size.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from rapidfuzz.distance import OSA

# Shortest unknown word that is corrected, and shortest word a correction leads to: short words are too
# often other real words ("morgen" is not a typo of "mogen").
MIN_LENGTH = 6
LONG = 9  # words of this length and longer may have two typos


def max_typos(length: int) -> int:
    """Edits (insert, delete, substitute, swap neighbours) tolerated for a word of `length` letters."""
    if length < MIN_LENGTH:
        return 0
    return 1 if length < LONG else 2


def deletes(word: str, depth: int) -> set[str]:
    """`word` and every form of it with up to `depth` (0, 1 or 2) letters deleted."""
    forms = {word}
    if depth >= 1:
        forms.update([word[:i] + word[i + 1 :] for i in range(len(word))])
    if depth >= 2:
        forms.update([word[:i] + word[i + 1 : j] + word[j + 1 :] for i, j in combinations(range(len(word)), 2)])
    return forms


def _depth(length: int) -> int:
    """Deletions to index for a known word of `length` letters: the most edits a word that may be corrected
    to it can have (only words of LONG letters or more get two, and they are at most two letters longer)."""
    if length < MIN_LENGTH:
        return 0
    return 2 if length >= LONG - 2 else 1


class TypoCorrector:
    def __init__(self, words: Iterable[str]) -> None:
        self._words = frozenset(words)
        index: dict[str, list[str]] = {}  # lists are never changed once built (see updated)
        get = index.get
        for word in sorted(self._words):
            depth = _depth(len(word))
            if not depth:
                continue
            for form in deletes(word, depth):
                found = get(form)
                if found is None:
                    index[form] = [word]
                else:
                    found.append(word)
        self._index = index

    def updated(self, words: Iterable[str]) -> TypoCorrector:
        """A corrector for `words`, made from this one by indexing only the words added and removed."""
        words = frozenset(words)
        new = TypoCorrector(())
        index = dict(self._index)
        for word in self._words - words:
            for form in deletes(word, _depth(len(word))) if _depth(len(word)) else ():
                rest = [w for w in index[form] if w != word]
                if rest:
                    index[form] = rest
                else:
                    del index[form]
        for word in words - self._words:
            for form in deletes(word, _depth(len(word))) if _depth(len(word)) else ():
                index[form] = [*index.get(form, ()), word]
        new._words = words
        new._index = index
        return new

    def candidates(self, word: str) -> set[str]:
        """Known words that may be within `word`'s typo budget (to be checked with the distance)."""
        index = self._index
        found: set[str] = set()
        for form in deletes(word, max_typos(len(word))):
            found.update(index.get(form, ()))
        return found

    def closest(self, word: str) -> str | None:
        """The known word nearest to `word` within its typo budget, or None.

        Fewest edits win, then a word with the same first letter, then the alphabetically first, so the
        result never depends on iteration order. Words with fewer than nine letters must keep their first
        letter: people rarely mistype it, and "match" is not "watch".
        """
        budget = max_typos(len(word))
        if not budget:
            return None
        best: tuple[int, int, str] | None = None
        for candidate in self.candidates(word):
            other_start = candidate[0] != word[0]
            if other_start and budget < 2:
                continue
            distance = OSA.distance(word, candidate, score_cutoff=budget)
            if distance > budget:
                continue
            key = (distance, int(other_start), candidate)
            if best is None or key < best:
                best = key
        return best[2] if best is not None else None
