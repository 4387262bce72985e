"""Scores a recognizer against an evaluation set (used by the tests and by benchmarks/qa_benchmark.py).

Evaluation file format (YAML)::

    questions:
      - {text: "...", lang: nl, expect: session_when}   # entry id, intent name, or "none"
      - {text: "...", lang: nl, expect: session_when, reply: ["4 oktober"]}
        # reply (optional): regexes for the facts the reply must show; the tests also send these through
        # the HTTP edge
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from .model import INTENT_NAMES, Recognition
from .recognizer import Recognizer

NONE = "none"


@dataclass(frozen=True)
class EvalQuestion:
    text: str
    lang: str
    expect: str  # entry id, intent name or "none"
    source: str  # where the question comes from, for reports
    reply: tuple[str, ...] | None = None  # regexes for the facts the reply must show (None: not checked)


@dataclass(frozen=True)
class EvalOutcome:
    question: EvalQuestion
    recognition: Recognition

    @property
    def got(self) -> str:
        r = self.recognition
        if r.kind == "intent":
            return r.intent or "?"
        if r.kind == "answer":
            return r.entry_id or "?"
        if r.kind == "suggest":
            return "suggest:" + ",".join(r.candidates)
        return NONE

    @property
    def correct(self) -> bool:
        return self.got == self.question.expect

    @property
    def out_of_scope(self) -> bool:
        return self.question.expect == NONE

    @property
    def confident_out_of_scope(self) -> bool:
        return self.out_of_scope and self.recognition.kind in ("answer", "intent")

    @property
    def offered(self) -> bool:
        """Correct, or the expected entry is among the suggestions."""
        return self.correct or self.question.expect in self.recognition.candidates


def load_eval_set(path: Path) -> list[EvalQuestion]:
    """All questions of an evaluation file."""
    path = Path(path)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        EvalQuestion(
            str(q["text"]),
            str(q["lang"]),
            str(q["expect"]),
            f"{path.name}#{i}",
            tuple(str(pattern) for pattern in q["reply"]) if "reply" in q else None,
        )
        for i, q in enumerate(document.get("questions", []))
    ]


def evaluate(recognizer: Recognizer, questions: Iterable[EvalQuestion]) -> list[EvalOutcome]:
    return [EvalOutcome(q, recognizer.recognize(q.text, q.lang)) for q in questions]


def unknown_expectations(recognizer: Recognizer, questions: Iterable[EvalQuestion]) -> list[str]:
    """Expected values that are neither an entry id, an intent name nor "none"."""
    known = {e.id for e in recognizer.entries()} | set(INTENT_NAMES) | {NONE}
    return [f"{q.source}: {q.expect!r}" for q in questions if q.expect not in known]


@dataclass(frozen=True)
class Summary:
    total: int
    correct: int
    offered: int
    out_of_scope: int
    out_of_scope_none: int
    confident_out_of_scope: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def summarize(outcomes: Sequence[EvalOutcome]) -> Summary:
    return Summary(
        total=len(outcomes),
        correct=sum(o.correct for o in outcomes),
        offered=sum(o.offered for o in outcomes),
        out_of_scope=sum(o.out_of_scope for o in outcomes),
        out_of_scope_none=sum(o.out_of_scope and o.correct for o in outcomes),
        confident_out_of_scope=sum(o.confident_out_of_scope for o in outcomes),
    )
