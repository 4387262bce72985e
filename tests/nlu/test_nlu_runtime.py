"""The public API at run time: rendering, adding entries, determinism and speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from bot.nlu import KnowledgeDataError, KnowledgeEntry, Recognition

from .support import EVAL_FILE, FACTS, ROOT


def test_recognition_fields(recognizer):
    result = recognizer.recognize("Wanneer is de bijeenkomst?", "nl")
    assert isinstance(result, Recognition)
    assert (result.kind, result.entry_id, result.intent) == ("answer", "session_when", None)
    assert 0.0 < result.score <= 1.0
    with pytest.raises(AttributeError):
        result.kind = "none"  # frozen


def test_suggestions_are_entry_ids(recognizer):
    result = recognizer.recognize("bijeenkomst", "nl")
    assert result.kind in ("suggest", "answer")
    if result.kind == "suggest":
        assert 1 <= len(result.candidates) <= 3
        for entry_id in result.candidates:
            assert recognizer.entry(entry_id).question["nl"]


@pytest.mark.parametrize("text", ["", "   ", "?!", "de het een"])
def test_empty_or_meaningless_text_gets_none(recognizer, text):
    assert recognizer.recognize(text, "nl").kind == "none"


def test_unknown_user_language_falls_back_to_dutch(recognizer):
    assert recognizer.recognize("Wanneer is de bijeenkomst?", "fr").entry_id == "session_when"
    assert recognizer.entry("session_when").render("fr", FACTS["nl"]) == recognizer.entry("session_when").render("nl", FACTS["nl"])


def test_render_fills_in_the_facts(recognizer):
    entry = recognizer.entry("session_when")
    text = entry.render("en", FACTS["en"])
    assert entry.answer["en"].format(**FACTS["en"]) == text and "{" not in text
    assert all(FACTS["en"][fact] in text for fact in ("session_date", "session_start", "session_end"))
    with pytest.raises(KeyError, match="session_date"):
        recognizer.entry("session_when").render("en", {})


def test_add_entry_makes_a_new_question_answerable(fresh_recognizer):
    question = "Is er koffie en thee tijdens de bijeenkomst?"
    assert fresh_recognizer.recognize(question, "nl").entry_id != "catering"
    fresh_recognizer.add_entry(
        KnowledgeEntry(
            id="catering",
            question={"nl": "Is er koffie en thee?", "en": "Will there be coffee and tea?"},
            answer={"nl": "Ja, er is koffie en thee.", "en": "Yes, there is coffee and tea."},
            examples={"nl": ["koffie", "is er wat te drinken"], "en": ["coffee", "drinks"]},
            follow_ups=("session_when",),
        )
    )
    result = fresh_recognizer.recognize(question, "nl")
    assert (result.kind, result.entry_id) == ("answer", "catering")
    assert fresh_recognizer.recognize("will there be coffee?", "en").entry_id == "catering"
    assert fresh_recognizer.entry("catering").follow_ups == ("session_when",)
    assert fresh_recognizer.entries()[-1].id == "catering"
    # Everything else still works.
    assert fresh_recognizer.recognize("Wanneer is de bijeenkomst?", "nl").entry_id == "session_when"


def test_add_entry_replaces_an_entry_with_the_same_id(fresh_recognizer):
    old = fresh_recognizer.entry("more_info")
    fresh_recognizer.add_entry(
        KnowledgeEntry(
            id="more_info",
            question=old.question,
            answer={"nl": "Kijk op de website.", "en": "See the website."},
            examples=old.examples,
            follow_ups=old.follow_ups,
        )
    )
    assert fresh_recognizer.entry("more_info").answer["nl"] == "Kijk op de website."
    assert [e.id for e in fresh_recognizer.entries()].count("more_info") == 1


def test_add_entry_refuses_bad_entries(fresh_recognizer):
    with pytest.raises(KnowledgeDataError, match="follow_up 'nope'"):
        fresh_recognizer.add_entry(
            KnowledgeEntry(
                id="broken",
                question={"nl": "Vraag?", "en": "Question?"},
                answer={"nl": "Antwoord {iban}.", "en": "Answer."},
                follow_ups=("nope",),
            )
        )
    with pytest.raises(KeyError):
        fresh_recognizer.entry("broken")


_DUMP = """
import json, sys
from pathlib import Path
from bot.nlu import Recognizer
from bot.nlu.evaluation import load_eval_set
rec = Recognizer.load(Path(sys.argv[1]))
out = [repr(rec.recognize(q.text, q.lang)) for q in load_eval_set(Path(sys.argv[2]))]
out += [repr(rec.match_command(t, ["help", "cancel", "menu"])) for t in ["help", "stop", "Stop graag"]]
print(json.dumps(out))
"""


def test_results_do_not_depend_on_the_hash_seed():
    outputs = []
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _DUMP, str(ROOT / "content" / "knowledge"), str(EVAL_FILE)],
            capture_output=True, text=True, env=env, cwd=ROOT, check=True,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1] == outputs[2]


def test_recognition_is_fast(recognizer):
    texts = ["Wanneer is de bijeenkomst?", "Hoe kunnen wij financieel steunen?", "Who won the match?"]
    recognizer.recognize("warm up", "nl")
    timings = []
    for _ in range(50):
        for text in texts:
            start = time.perf_counter()
            recognizer.recognize(text, "nl")
            timings.append(time.perf_counter() - start)
    timings.sort()
    assert timings[len(timings) // 2] < 0.002
