"""Composed answers against the evaluation set (tests/nlu/eval_composed.yaml; its last section is the
former held-out set, seen on 2026-12-03 and now tuned on). It must be answered as expected in at least
95% of cases, with no invented fact and no confident answer to an out-of-scope question; and nothing the
composer can say states a fact that tests/nlu/facts.yaml does not hold."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.core.config import Settings
from bot.nlu.text import tokens
from bot.questions.composer import Composer, Description
from bot.questions.evaluation import FactCheck, evaluate_composed, load_composed_set, summarize_composed
from bot.sessions import FactBase, featured_session
from bot.sessions.facts import session_facts
from bot.sessions.file import load_sessions
from tests.wording import catalog, content_dir

from .support import FACTS_FILE

HERE = Path(__file__).resolve().parent
TUNING = HERE / "eval_composed.yaml"
TARGET = 0.95
NOW = datetime.fromisoformat("2026-12-03T12:00:00+01:00")


@pytest.fixture(scope="module")
def composer(recognizer) -> Composer:
    return Composer.from_content(content_dir(), recognizer=recognizer, catalog=catalog(), settings=Settings(_env_file=None))


@pytest.mark.parametrize("path", [TUNING], ids=["tuning"])
def test_composed_answers_reach_the_bar(composer, path):
    questions = load_composed_set(path)
    assert len(questions) >= 40 and {q.lang for q in questions} == {"nl", "en"}
    assert sum(q.expect == ("none",) for q in questions) >= 5
    sessions = load_sessions(content_dir() / "sessions.yaml")
    outcomes = evaluate_composed(composer, questions, sessions, NOW, FactCheck(FACTS_FILE))
    summary = summarize_composed(outcomes)
    wrong = [f"{o.question.text[:80]!r}: expected {o.question.expect}, got {o.got}" for o in outcomes if not o.correct]
    assert summary.invented == 0, [(o.question.text, o.invented) for o in outcomes if o.invented]
    assert summary.confident_out_of_scope == 0, wrong
    assert summary.accuracy >= TARGET, "\n".join(wrong)


def test_evaluation_questions_are_not_copied_into_the_data(recognizer):
    def key(text: str) -> str:
        return " ".join(tokens(text))

    phrasings = {key(p) for e in recognizer.entries() for lang in ("nl", "en") for p in e.phrasings(lang)}
    passages = " ".join(key(getattr(p, lang)) for p in Description.load(content_dir() / "description.yaml").passages for lang in ("nl", "en"))
    for path in (TUNING,):
        copied = [q.text for q in load_composed_set(path) if key(q.text) in phrasings or key(q.text) in passages]
        assert copied == [], path.name


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nothing_the_composer_says_invents_a_fact(lang):
    check = FactCheck(FACTS_FILE)
    sessions = load_sessions(content_dir() / "sessions.yaml")
    base = FactBase.load(content_dir() / "facts.yaml")
    values = session_facts(catalog(), featured_session(sessions, NOW), lang) | base.initiative_facts(lang)
    values |= {"weekday": values["session_date"].split()[0], "duration": catalog().text(lang, "composer.hours", hours=2)}
    values |= {"about": "", "hours": "2", "minutes": ""}
    texts = {key: catalog().text(lang, f"composer.{key}", **values) for key in catalog().lines(lang, "composer")}
    texts |= {f"passage {p.id}": getattr(p, lang) for p in Description.load(content_dir() / "description.yaml").passages}
    texts |= {f"unknown {u.id}": u.about[lang] for u in base.unknowns}
    assert {key: check.unknown(text) for key, text in texts.items() if check.unknown(text)} == {}
    invented = "De bijeenkomst is op 5 oktober om 15:00 in Utrecht."
    assert check.unknown(invented) == ["5", "15:00", "Utrecht"]
