"""Turns ranked similarity scores into a recognition: confident, a suggestion, or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .model import Recognition


@dataclass(frozen=True)
class Target:
    """Something a message can be recognized as: an FAQ entry (key = entry id) or an intent (key = name)."""

    kind: Literal["faq", "intent"]
    key: str


@dataclass(frozen=True)
class Thresholds:
    """Scoring parameters and limits, calibrated on the evaluation set (see benchmarks/qa_benchmark.py)."""

    confident: float = 0.5  # the best target at or above this is taken ...
    confident_intent: float = 0.53  # ... or this, when it is an intent (a wrongly started task costs more)
    margin: float = 0.0  # ... when it leads the next target by this much (0: the evaluation set showed
    certain: float = 0.85  # that a margin costs more than it saves) or scores at least this
    suggest: float = 0.44  # otherwise the best FAQ entries are offered when the best reaches this
    candidate: float = 0.25  # an entry is offered only with at least this score ...
    candidate_ratio: float = 0.6  # ... and at least this share of the best score
    max_candidates: int = 3
    # Scoring (see bot.nlu.index)
    mood_weight: float = 1.5  # weight of the question/statement term (idf scale)
    question_word_weight: float = 1.8  # weight of a question word (wanneer, where ...)
    profile_share: float = 0.35  # share of the whole-target profile in a target's score
    unknown_df: float = 1.0  # document frequency assumed for words the index has never seen
    entity_factor: float = 1.5  # extra weight of an unknown word written with a capital (a name)
    # A question that is largely about words the knowledge data does not know ("paspoort", "Gaza") is
    # about something else: from this share of its weight on, never confident; from the next, nothing.
    unknown_unsure: float = 0.3
    unknown_none: float = 0.38


def decide(
    ranked: Sequence[tuple[Target, float]],
    thresholds: Thresholds,
    lang_guess: str | None,
    unknown_share: float = 0.0,
) -> Recognition:
    """`ranked`: targets by descending score, ties already broken deterministically;
    `unknown_share`: the part of the question's weight in words the knowledge data does not know."""
    unfamiliar = unknown_share >= thresholds.unknown_unsure
    if not ranked or unknown_share >= thresholds.unknown_none:
        score = ranked[0][1] if ranked else 0.0
        return Recognition(kind="none", score=score, lang_guess=lang_guess, unfamiliar=unfamiliar)
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    sure_enough = unknown_share < thresholds.unknown_unsure
    needed = thresholds.confident_intent if best.kind == "intent" else thresholds.confident
    if sure_enough and best_score >= needed and (
        best_score >= thresholds.certain or best_score - runner_up >= thresholds.margin
    ):
        if best.kind == "intent":
            return Recognition(kind="intent", intent=best.key, score=best_score, lang_guess=lang_guess, unfamiliar=unfamiliar)
        return Recognition(kind="answer", entry_id=best.key, score=best_score, lang_guess=lang_guess, unfamiliar=unfamiliar)

    faqs = [(t, s) for t, s in ranked if t.kind == "faq"]
    if faqs and faqs[0][1] >= thresholds.suggest:
        floor = max(thresholds.candidate, faqs[0][1] * thresholds.candidate_ratio)
        candidates = tuple(t.key for t, s in faqs[: thresholds.max_candidates] if s >= floor)
        return Recognition(kind="suggest", score=best_score, candidates=candidates, lang_guess=lang_guess, unfamiliar=unfamiliar)
    return Recognition(kind="none", score=best_score, lang_guess=lang_guess, unfamiliar=unfamiliar)
