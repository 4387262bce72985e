"""Typo correction against a known vocabulary, with rapidfuzz's optimal-string-alignment distance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

# Shortest unknown word that is corrected, and shortest word a correction leads to: short words are too
# often other real words ("morgen" is not a typo of "mogen").
MIN_LENGTH = 6


def max_typos(length: int) -> int:
    """Edits (insert, delete, substitute, swap neighbours) tolerated for a word of `length` letters."""
    if length < MIN_LENGTH:
        return 0
    return 1 if length < 9 else 2


class TypoCorrector:
    def __init__(self, words: Iterable[str]) -> None:
        buckets: dict[int, list[str]] = defaultdict(list)
        for word in sorted(set(words)):
            if len(word) >= MIN_LENGTH:
                buckets[len(word)].append(word)
        self._by_length = dict(buckets)

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
        for length in range(len(word) - budget, len(word) + budget + 1):
            candidates = self._by_length.get(length)
            if not candidates:
                continue
            for candidate, distance, _ in process.extract(
                word, candidates, scorer=OSA.distance, score_cutoff=budget, limit=None
            ):
                other_start = candidate[0] != word[0]
                if other_start and budget < 2:
                    continue
                key = (int(distance), int(other_start), candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best is not None else None
