"""Composed answers against the evaluation sets: the tuning set (tests/nlu/eval_composed.yaml; its last
sections are the first held-out set, seen on 2026-12-03 and tuned on since) and the second held-out set,
written blind on 2026-12-03 (tests/nlu/eval_heldout2.yaml, only ever run), and the third, written blind on the
evening of 2026-12-03 (tests/nlu/eval_heldout3.yaml, only ever run), and the fourth, written blind later that
evening (tests/nlu/eval_heldout4.yaml, only ever run); and the fourth development set (tests/nlu/eval_dev4.yaml,
written before reading the knowledge files, tuned on by mechanisms only). Each must be answered as expected
in at least 95% of cases (a held-out set holds a measured floor until it reaches it), with no invented fact
and no confident answer to an out-of-scope question; and nothing the composer can say states a fact that
tests/nlu/facts.yaml does not hold."""

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
HELD_OUT2 = HERE / "eval_heldout2.yaml"
# The second held-out set (written blind on 2026-12-03, from the announcement only) scored 48 of 68 (0.706) on
# its first run, with no invented fact but one confident answer to an out-of-scope question. The bar
# is 0.95 (TARGET) and zero confident out-of-scope answers; this set is never tuned on, so the test holds
# what it scored then (accuracy rounded down) and the benchmark reports it separately as "held-out (blind,
# 2026-12-03)". Raise the floor (and lower the ceiling) as general improvements lift it: after the intent cues,
# greetings taken off, the question found in long polite messages and more honest unknowns it scored 54 of 68
# (0.794; counted by the benchmark, never looked into), still with one confident out-of-scope answer.
HELD_OUT2_FLOOR = 0.79
HELD_OUT3 = HERE / "eval_heldout3.yaml"
# The third held-out set (written blind on the evening of 2026-12-03, from the announcement only; 60 questions)
# is likewise only run. Its first run scored 41 of 60 (0.683), with no invented fact and no confident answer to
# any of its 6 out-of-scope questions. The floor is that accuracy rounded down; the ceiling stays at zero.
HELD_OUT3_FLOOR = 0.68
HELD_OUT4 = HERE / "eval_heldout4.yaml"
# The fourth held-out set (written blind later on the evening of 2026-12-03, from the announcement, the catalogs
# and the entry ids only; 60 questions, 7 out of scope) is likewise only run. Its first run (2026-12-03) scored
# 50 of 60 (0.833), with no invented fact and no confident answer to any of its out-of-scope questions. The floor
# is that accuracy rounded down; the ceiling stays at zero.
HELD_OUT4_FLOOR = 0.83
DEV4 = HERE / "eval_dev4.yaml"
# The fourth development set (115 questions, written on 2026-12-03 from the announcement and the catalogs before
# reading the knowledge files; its labels were mapped to entry ids afterwards) may be tuned on by mechanisms, never
# by copying its texts. First run: 92 of 115 (0.800), no invented fact, 6 confident answers to its 15 out-of-scope
# questions. After the off-topic kinds, configured unknowns, dates that name the session and questions about
# tasks: 110 of 115 (0.957); with "who pays" asked directly answered by its entry, 111 of 115 (0.965), none
# invented, no confident out-of-scope answer. The floor is that, rounded down.
DEV4_FLOOR = 0.96
FLOORS = {
    TUNING: TARGET, HELD_OUT2: HELD_OUT2_FLOOR, HELD_OUT3: HELD_OUT3_FLOOR, HELD_OUT4: HELD_OUT4_FLOOR, DEV4: DEV4_FLOOR,
}
CONFIDENT_OUT_OF_SCOPE_CEILING = {HELD_OUT2: 1, HELD_OUT3: 0, HELD_OUT4: 0}
NOW = datetime.fromisoformat("2026-12-03T12:00:00+01:00")


@pytest.fixture(scope="module")
def composer(recognizer) -> Composer:
    return Composer.from_content(content_dir(), recognizer=recognizer, catalog=catalog(), settings=Settings(_env_file=None))


@pytest.mark.parametrize(
    "path",
    [TUNING, HELD_OUT2, HELD_OUT3, HELD_OUT4, DEV4],
    ids=["tuning", "held-out-2", "held-out-3", "held-out-4", "dev-4"],
)
def test_composed_answers_reach_the_bar(composer, path):
    questions = load_composed_set(path)
    assert len(questions) >= 40 and {q.lang for q in questions} == {"nl", "en"}
    assert sum(q.expect == ("none",) for q in questions) >= 5
    sessions = load_sessions(content_dir() / "sessions.yaml")
    outcomes = evaluate_composed(composer, questions, sessions, NOW, FactCheck(FACTS_FILE))
    summary = summarize_composed(outcomes)
    wrong = [f"{o.question.text[:80]!r}: expected {o.question.expect}, got {o.got}" for o in outcomes if not o.correct]
    assert summary.invented == 0, [(o.question.text, o.invented) for o in outcomes if o.invented]
    assert summary.confident_out_of_scope <= CONFIDENT_OUT_OF_SCOPE_CEILING.get(path, 0), wrong
    assert summary.accuracy >= FLOORS[path], "\n".join(wrong)


def test_evaluation_questions_are_not_copied_into_the_data(recognizer):
    def key(text: str) -> str:
        return " ".join(tokens(text))

    phrasings = {key(p) for e in recognizer.entries() for lang in ("nl", "en") for p in e.phrasings(lang)}
    passages = " ".join(key(getattr(p, lang)) for p in Description.load(content_dir() / "description.yaml").passages for lang in ("nl", "en"))
    for path in (TUNING, HELD_OUT2, HELD_OUT3, HELD_OUT4, DEV4):
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
