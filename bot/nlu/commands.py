"""Strict matching of a whole message against command phrasings ("help", "stop", "English please").

Used inside guided dialogs, where an ordinary answer (a municipality name, "ik help graag") must never be
taken for a command: the whole message, minus politeness fillers, must equal a phrasing of the intent,
allowing only a small typo in longer phrasings.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from rapidfuzz.distance import OSA

from .model import IntentDefinition
from .text import tokens


def _typo_budget(length: int) -> int:
    if length < 5:
        return 0
    return 1 if length < 10 else 2


class CommandMatcher:
    def __init__(self, intents: Iterable[IntentDefinition], fillers: frozenset[str]) -> None:
        self._fillers = fillers
        phrases: dict[str, tuple[str, ...]] = {}
        for intent in intents:
            seen: dict[str, None] = {}
            for lang in sorted(intent.examples):
                for phrasing in intent.examples[lang]:
                    key = self.normalize(phrasing)
                    if key:
                        seen[key] = None
            phrases[intent.name] = tuple(seen)
        self._phrases: Mapping[str, tuple[str, ...]] = phrases

    def normalize(self, text: str) -> str:
        return " ".join(word for word in tokens(text) if word not in self._fillers)

    def match(self, text: str, allowed: Collection[str]) -> str | None:
        key = self.normalize(text)
        if not key:
            return None
        best: tuple[int, str] | None = None
        budget = _typo_budget(len(key))
        for name in sorted(allowed):
            for phrase in self._phrases.get(name, ()):
                if phrase == key:
                    return name
                distance = OSA.distance(key, phrase, score_cutoff=budget)
                if distance <= budget and _same_words_count(key, phrase):
                    if best is None or (distance, name) < best:
                        best = (distance, name)
                elif len(key) == len(phrase) == 4 and sorted(key) == sorted(phrase):
                    # A swapped pair of letters in a short command ("hepl", "mneu").
                    if OSA.distance(key, phrase) == 1 and (best is None or (1, name) < best):
                        best = (1, name)
        return best[1] if best else None


def _same_words_count(a: str, b: str) -> bool:
    return a.count(" ") == b.count(" ")
