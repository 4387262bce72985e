"""A message that is exactly one of a task's own phrasings starts that task, even when questions share words
(e.g. "medewerker" is the way to reach a person, though a question about the audience mentions employees)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu import Recognizer
from bot.nlu.loader import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[2] / "content" / "knowledge"
DATA = load_knowledge(KNOWLEDGE)
CASES = [(intent.name, lang, example) for intent in DATA.intents for lang, examples in intent.examples.items() for example in examples]


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer.load(KNOWLEDGE)


@pytest.mark.parametrize(("intent", "lang", "example"), CASES)
def test_every_intent_phrasing_starts_its_task(recognizer, intent, lang, example):
    result = recognizer.recognize(example, lang)
    assert (result.kind, result.intent) == ("intent", intent)


def test_medewerker_reaches_a_person(recognizer):
    assert recognizer.recognize("medewerker", "nl").intent == "human"
    assert recognizer.recognize("Medewerker!", "nl").intent == "human"
