"""Scores composed answers against an evaluation file (tests/nlu/eval_composed.yaml, a held-out set);
used by the tests and by benchmarks/qa_benchmark.py.

Format: `questions: [{text, lang, expect, after?}]`; `expect` is one label or a list (see the files). A reply
is right when its parts' labels are exactly the expected ones (in any order); a description passage counts
for the entry it belongs with. Every reply is also checked for facts the data does not hold: numbers and
names not listed in a facts file (tests/nlu/facts.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from bot.sessions import Session

from .composer import Composer, Composition

OUT_OF_SCOPE = "none"


@dataclass(frozen=True)
class ComposedQuestion:
    text: str
    lang: str
    expect: tuple[str, ...]
    after: str | None
    source: str


@dataclass(frozen=True)
class ComposedOutcome:
    question: ComposedQuestion
    composition: Composition
    invented: tuple[str, ...]

    @property
    def got(self) -> tuple[str, ...]:
        return tuple(_counted(p.outcome) for p in self.composition.parts)

    @property
    def correct(self) -> bool:
        return sorted(self.got) == sorted(self.question.expect)

    @property
    def out_of_scope(self) -> bool:
        return self.question.expect == (OUT_OF_SCOPE,)

    @property
    def confident_out_of_scope(self) -> bool:
        return self.out_of_scope and any(p.answered for p in self.composition.parts)


def _counted(outcome: str) -> str:
    return outcome.removeprefix("description:")


def load_composed_set(path: Path) -> list[ComposedQuestion]:
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    questions = []
    for i, q in enumerate(document.get("questions", [])):
        expect = q["expect"]
        expect = (expect,) if isinstance(expect, str) else tuple(expect)
        questions.append(ComposedQuestion(" ".join(str(q["text"]).split()), str(q["lang"]), expect, q.get("after"), f"{Path(path).name}#{i}"))
    return questions


class FactCheck:
    """Numbers, and capitalised words inside a sentence, that a facts file does not list."""

    def __init__(self, path: Path):
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        self.numbers = {str(number) for number in document["numbers"]}
        self.words = {word for name in document["names"] for word in re.findall(r"[\w'\u2019-]+", name)}

    def unknown(self, text: str) -> list[str]:
        found = [n for n in re.findall(r"\d+(?:[.:,]\d+)*", text) if n not in self.numbers]
        for sentence in re.split(r"(?<=[.!?:])\s+|\n", text):
            for word in re.findall(r"[^\W\d_][\w'\u2019-]*", sentence)[1:]:
                if word[0].isupper() and word.removesuffix("'s").removesuffix("\u2019s") not in self.words:
                    found.append(word)
        return found


def evaluate_composed(
    composer: Composer,
    questions: Iterable[ComposedQuestion],
    sessions: Sequence[Session],
    now: datetime,
    check: FactCheck,
) -> list[ComposedOutcome]:
    outcomes = []
    for q in questions:
        topic = composer.compose(q.after, q.lang, now, sessions).topic if q.after else None
        composition = composer.compose(q.text, q.lang, now, sessions, topic)
        invented = tuple(w for p in composition.parts for w in check.unknown(p.text))
        outcomes.append(ComposedOutcome(q, composition, invented))
    return outcomes


@dataclass(frozen=True)
class ComposedSummary:
    total: int
    correct: int
    invented: int
    out_of_scope: int
    confident_out_of_scope: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def summarize_composed(outcomes: Sequence[ComposedOutcome]) -> ComposedSummary:
    return ComposedSummary(
        total=len(outcomes),
        correct=sum(o.correct for o in outcomes),
        invented=sum(bool(o.invented) for o in outcomes),
        out_of_scope=sum(o.out_of_scope for o in outcomes),
        confident_out_of_scope=sum(o.confident_out_of_scope for o in outcomes),
    )
