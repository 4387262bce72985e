"""Tasks said in plain words: the cues of the intents (content/knowledge/intents.yaml, `cues`).

The similarity index recognizes a task when a message resembles its example phrasings. People also say a
task in their own words, with details the examples never had: "we have a colleague who knows a lot about
water management and would like to help", "our council set money aside and wants to give it to the fund",
"can I talk to someone at VNG?". A cue names the words such a message cannot do without (someone who has
knowledge, and offering it), so the task is recognized whatever else the message says. A message whose
cues point to two different tasks is left to the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import IntentDefinition, TaskCue
from .text import tokens


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    prefix: bool  # the last word matches every word it starts
    suffix: bool = False  # a one-word phrase matches every word it ends ("*specialist": "rioleringsspecialist")

    def found(self, words: Sequence[str], positions: dict[str, list[int]]) -> bool:
        first, *rest = self.words
        if self.suffix:
            return any(w.endswith(first) for w in words)
        if not rest:
            return any(w.startswith(first) for w in words) if self.prefix else first in positions
        for start in positions.get(first, ()):
            tail = list(words[start + 1 : start + len(self.words)])
            if len(tail) < len(rest):
                continue
            if tail[:-1] == rest[:-1] and (tail[-1].startswith(rest[-1]) if self.prefix else tail[-1] == rest[-1]):
                return True
        return False


def _phrases(items: Sequence[str]) -> tuple[_Phrase, ...]:
    result = []
    for item in items:
        words = tuple(tokens(item.strip("*")))
        if words:
            result.append(_Phrase(words, item.endswith("*"), item.startswith("*") and len(words) == 1))
    return tuple(result)


@dataclass(frozen=True)
class _Cue:
    intent: str
    groups: tuple[tuple[_Phrase, ...], ...]
    excluded: tuple[_Phrase, ...]
    questions: bool


class TaskCues:
    def __init__(self, intents: Sequence[IntentDefinition]) -> None:
        self._cues = tuple(_compile(intent.name, cue) for intent in intents for cue in intent.cues)

    def __bool__(self) -> bool:
        return bool(self._cues)

    def match(self, words: Sequence[str], *, question: bool) -> str | None:
        """The one task whose cue the message's folded `words` meet, else None (also when cues of two tasks
        are met); `question`: the message asks rather than wishes or requests."""
        positions: dict[str, list[int]] = {}
        for i, word in enumerate(words):
            positions.setdefault(word, []).append(i)
        found = {
            cue.intent
            for cue in self._cues
            if (cue.questions or not question)
            and all(any(p.found(words, positions) for p in group) for group in cue.groups)
            and not any(p.found(words, positions) for p in cue.excluded)
        }
        return found.pop() if len(found) == 1 else None


def _compile(intent: str, cue: TaskCue) -> _Cue:
    return _Cue(intent, tuple(_phrases(group) for group in cue.all), _phrases(cue.except_), cue.questions)
