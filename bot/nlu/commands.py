"""Strict matching of a whole message against command phrasings: the one command parser of the bot.

- `command_key(text)`: the form every command phrasing and every typed message is compared in (case folded,
  punctuation dropped, single spaces).
- `CommandWords`: catalog phrasings ("sessies, sessions") mapped to a value; a message is a command only
  when it is one of the phrasings as a whole (or a phrasing followed by a number, for numbered commands).
  Organizer commands, the privacy command and the words of the offer forms use it.
- `CommandMatcher`: intent phrasings ("help", "stop", "English please") with a small typo allowance.
  Used inside guided dialogs, where an ordinary answer (a municipality name, "ik help graag") must never be
taken for a command: the whole message, minus politeness fillers, must equal a phrasing of the intent,
allowing only a small typo in longer phrasings.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Generic, Protocol, TypeVar

from rapidfuzz.distance import OSA

from .model import IntentDefinition
from .text import tokens

T = TypeVar("T")
_NOT_WORD = re.compile(r"[^\w\s']+")


def command_key(text: str) -> str:
    """'Open  Vragen!' -> 'open vragen': the form in which phrasings and messages are compared."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


class PhraseSource(Protocol):
    def raw(self, lang: str, key: str) -> str: ...


class CommandWords(Generic[T]):
    """Comma-separated phrasings mapped to values; the first value given for a phrasing wins."""

    def __init__(self) -> None:
        self._values: dict[str, T] = {}

    @classmethod
    def from_catalog(cls, catalog: PhraseSource, keys: Mapping[T, str], languages: Iterable[str]) -> CommandWords[T]:
        """The phrasings under each catalog key (`value -> key`), in every language."""
        words: CommandWords[T] = cls()
        for lang in languages:
            for value, key in keys.items():
                words.add(catalog.raw(lang, key), value)
        return words

    def add(self, phrases: str, value: T) -> None:
        for phrase in phrases.split(","):
            key = command_key(phrase)
            if key:
                self._values.setdefault(key, value)

    def get(self, text: str) -> T | None:
        """The value when the whole message is one of the phrasings."""
        return self._values.get(command_key(text))

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.get(text) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def numbered(self, text: str) -> tuple[T, int] | None:
        """(value, number) when the message is a phrasing followed by a number: 'sessie wijzigen 2'."""
        head, _, tail = command_key(text).rpartition(" ")
        value = self._values.get(head)
        return (value, int(tail)) if value is not None and tail.isdecimal() else None


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
                if abs(len(phrase) - len(key)) > budget:
                    continue  # more edits apart than the budget (and no swap of equal lengths)
                distance = OSA.distance(key, phrase, score_cutoff=budget)
                if distance <= budget and _same_words_count(key, phrase):
                    if best is None or (distance, name) < best:
                        best = (distance, name)
                elif (
                    # A swapped pair of letters in a short command ("hepl", "mneu").
                    len(key) == len(phrase) == 4 and sorted(key) == sorted(phrase) and OSA.distance(key, phrase) == 1
                    and (best is None or (1, name) < best)
                ):
                    best = (1, name)
        return best[1] if best else None


def _same_words_count(a: str, b: str) -> bool:
    return a.count(" ") == b.count(" ")
