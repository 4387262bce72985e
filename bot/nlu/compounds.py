"""Splitting Dutch compounds into known parts: "informatiebijeenkomst" -> informatie + bijeenkomst."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

MIN_PART = 4  # shortest part of a split compound


class CompoundSplitter:
    """Splits a word into parts that are known words (or whose stems are known), with a linking "s"."""

    def __init__(self, parts: Collection[str], stem: Callable[[str], str]) -> None:
        self._parts = frozenset(w for w in parts if len(w) >= MIN_PART and not w.isdigit())
        self._stem = stem
        self._part_stems = frozenset(stem(w) for w in self._parts)

    def split(self, word: str, depth: int = 0) -> tuple[str, ...] | None:
        """The parts of `word` (the longest known head first), or None when it is no known compound."""
        if len(word) < 2 * MIN_PART or word.isdigit() or depth > 2:
            return None
        heads = [i for i in range(len(word) - MIN_PART, MIN_PART - 1, -1) if word[:i] in self._parts]
        for i in heads:
            for rest in _after_linking(word, i):
                if self._is_part(rest):
                    return (word[:i], rest)
        for i in heads:
            for rest in _after_linking(word, i):
                tail = self.split(rest, depth + 1)
                if tail:
                    return (word[:i], *tail)
        return None

    def _is_part(self, word: str) -> bool:
        return len(word) >= MIN_PART and (word in self._parts or self._stem(word) in self._part_stems)


def _after_linking(word: str, i: int) -> Iterable[str]:
    """The rest of `word` after a head of length `i`, with and without a linking "s"."""
    yield word[i:]
    if word[i] == "s":
        yield word[i + 1 :]
