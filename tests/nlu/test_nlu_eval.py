"""The recognizer against the evaluation set and the shared FAQ examples."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.nlu.evaluation import evaluate, load_eval_set, summarize, unknown_expectations

from .support import EVAL_FILE, FACTS, SHARED_EXAMPLES

TARGET_ACCURACY = 0.97


@pytest.fixture(scope="module")
def outcomes(recognizer):
    assert SHARED_EXAMPLES.is_file(), f"missing {SHARED_EXAMPLES}"
    return evaluate(recognizer, load_eval_set(EVAL_FILE))


def test_eval_set_is_large_and_well_formed(recognizer):
    questions = load_eval_set(EVAL_FILE)
    own = [q for q in questions if q.source.startswith(EVAL_FILE.name)]
    assert len(own) >= 150
    assert sum(q.expect == "none" for q in own) >= 25
    assert {q.lang for q in own} == {"nl", "en"}
    assert unknown_expectations(recognizer, questions) == []


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


def _shared_items(kind):
    if not SHARED_EXAMPLES.is_file():
        return []
    items = yaml.safe_load(SHARED_EXAMPLES.read_text(encoding="utf-8"))["items"]
    return [item for item in items if item["kind"] == kind]


@pytest.mark.parametrize("item", _shared_items("faq"), ids=lambda item: item["id"])
def test_shared_faq_examples_get_an_answer_with_the_expected_facts(recognizer, item):
    result = recognizer.recognize(item["text"], item["lang"])
    assert result.kind == "answer", result
    reply = recognizer.entry(result.entry_id).render(item["lang"], FACTS[item["lang"]])
    for pattern in item["expect"]:
        assert re.search(pattern, reply, re.IGNORECASE), f"{pattern!r} not in {reply!r}"


@pytest.mark.parametrize("item", _shared_items("intent"), ids=lambda item: item["id"])
def test_shared_intent_examples_start_the_flow(recognizer, item):
    flow_intents = {"register": "register", "offer": "offer_expertise", "contribute": "contribute"}
    result = recognizer.recognize(item["text"], item["lang"])
    assert (result.kind, result.intent) == ("intent", flow_intents[item["flow"]])


@pytest.mark.parametrize("item", _shared_items("fallback"), ids=lambda item: item["id"])
def test_shared_fallback_examples_get_no_answer(recognizer, item):
    result = recognizer.recognize(item["text"], item["lang"])
    assert result.kind == "none", result


def test_every_entry_answers_its_own_question(recognizer):
    for entry in recognizer.entries():
        for lang in ("nl", "en"):
            result = recognizer.recognize(entry.question[lang], lang)
            assert (result.kind, result.entry_id) == ("answer", entry.id), (lang, entry.question[lang], result)
