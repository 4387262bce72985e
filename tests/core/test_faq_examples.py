"""Questions as people type them (the evaluation questions with a `reply`, tests/nlu/eval_questions.yaml),
each sent as a Teams message through the HTTP edge: answers show their facts, intents start their form,
out-of-scope questions get the no-answer reply and the offer to pass the question on."""

from __future__ import annotations

import re

import pytest

from bot.nlu.evaluation import NONE, EvalQuestion
from tests.conftest import new_conversation
from tests.nlu.support import typed_questions
from tests.support import all_text, cards, submit_actions

# The guided flow an intent must start: its form card's actions are named `<form id>.*`.
FLOW_FORM_ID = {"register": "register", "offer_expertise": "offer", "contribute": "contribute"}
# Reported, not tuned away (see tests/nlu/support.py KNOWN_MISSES): the turn handles some recognizer misses
# well (a greeting plus a question gets the answer when the question is long enough); these it does not.
KNOWN_MISSES_AT_THE_EDGE = {
    "hoi, mag ik me aanmelden?": "the greeting is taken off, but 'mag ik me aanmelden?' reads as the question how to register",
    "good afternoon, what is VNG doing for ukraine exactly?": "the greeting is taken off; the recognizer then reads the rest as "
    "'why now' (it passed before only because the welcome card it got mentions recovery plans)",
}


@pytest.mark.wording  # facts inside the answers, and recognition that leans on the answers' words
@pytest.mark.parametrize("question", typed_questions(KNOWN_MISSES_AT_THE_EDGE), ids=lambda q: f"{q.lang}:{q.text}")
async def test_typed_question(question: EvalQuestion, client, connector, shared_content):
    catalog = shared_content["catalog"]
    fixture_name = "personal_message_en.json" if question.lang == "en" else "personal_message.json"
    replies = await new_conversation(client, connector, fixture_name).say(question.text)
    text = all_text(replies)
    assert replies, "the bot said nothing"
    if question.expect in FLOW_FORM_ID:
        actions = [a["data"]["action"] for card in cards(replies) for a in submit_actions(card)]
        assert f"{FLOW_FORM_ID[question.expect]}.submit" in actions, (question.expect, actions)
    elif question.expect == NONE:
        assert catalog.text(question.lang, "qa.unknown") in text, text
        assert catalog.text(question.lang, "qa.offer_forward") in text, text
    for pattern in question.reply or ():
        assert re.search(pattern, text, re.IGNORECASE), (pattern, text)
