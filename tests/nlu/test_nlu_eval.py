"""The recognizer against the evaluation set, and the facts of the answers to questions as people type them."""

from __future__ import annotations

import re

import pytest

from bot.nlu.evaluation import EvalOutcome, EvalQuestion, evaluate, load_eval_set, summarize, unknown_expectations

from .support import EVAL_FILE, FACTS, KNOWN_MISSES, typed_questions

TARGET_ACCURACY = 0.97


@pytest.fixture(scope="module")
def outcomes(recognizer):
    return evaluate(recognizer, load_eval_set(EVAL_FILE))


def test_eval_set_is_large_and_well_formed(recognizer):
    questions = load_eval_set(EVAL_FILE)
    assert len(questions) >= 150
    assert sum(q.expect == "none" for q in questions) >= 25
    assert {q.lang for q in questions} == {"nl", "en"}
    assert unknown_expectations(recognizer, questions) == []
    typed = [q for q in questions if q.reply is not None]
    assert len(typed) >= 30 and {q.lang for q in typed} == {"nl", "en"}
    assert set(KNOWN_MISSES) <= {q.text for q in typed}


def test_eval_questions_are_not_copied_into_the_knowledge_data(recognizer):
    from bot.nlu.text import tokens

    def key(text):
        return " ".join(tokens(text))

    phrasings = {key(p) for e in recognizer.entries() for lang in ("nl", "en") for p in e.phrasings(lang)}
    copied = [q.text for q in load_eval_set(EVAL_FILE) if key(q.text) in phrasings]
    assert copied == []


def test_accuracy_and_no_confident_out_of_scope_answers(outcomes):
    summary = summarize(outcomes)
    wrong = [f"{o.question.text!r}: expected {o.question.expect}, got {o.got}" for o in outcomes if not o.correct]
    assert summary.confident_out_of_scope == 0, wrong
    assert summary.accuracy >= TARGET_ACCURACY, "\n".join(wrong)


@pytest.mark.parametrize("question", typed_questions(KNOWN_MISSES), ids=lambda q: f"{q.lang}:{q.text}")
def test_typed_questions_get_the_expected_result_and_facts(recognizer, question: EvalQuestion):
    recognition = recognizer.recognize(question.text, question.lang)
    assert EvalOutcome(question, recognition).got == question.expect
    if recognition.kind == "answer":
        reply = recognizer.entry(recognition.entry_id).render(question.lang, FACTS[question.lang])
        for pattern in question.reply or ():
            assert re.search(pattern, reply, re.IGNORECASE), f"{pattern!r} not in {reply!r}"


def test_every_entry_answers_its_own_question(recognizer):
    for entry in recognizer.entries():
        for lang in ("nl", "en"):
            result = recognizer.recognize(entry.question[lang], lang)
            assert (result.kind, result.entry_id) == ("answer", entry.id), (lang, entry.question[lang], result)
