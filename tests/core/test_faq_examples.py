"""Every example of ../shared/eval/faq_examples.yaml, sent as a Teams message through the HTTP edge."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import new_conversation
from tests.support import SHARED, all_text, cards, submit_actions

EXAMPLES = yaml.safe_load((SHARED / "eval" / "faq_examples.yaml").read_text(encoding="utf-8"))["items"]
# The guided flow each intent item must start: its form card's actions are named `<form id>.*`.
FLOW_FORM_ID = {"register": "register", "offer": "offer"}


@pytest.mark.parametrize("item", EXAMPLES, ids=[item["id"] for item in EXAMPLES])
async def test_example(item, client, connector):
    fixture_name = "personal_message_en.json" if item["lang"] == "en" else "personal_message.json"
    conversation = new_conversation(client, connector, fixture_name)
    replies = await conversation.say(item["text"])
    text = all_text(replies)
    assert replies, "the bot said nothing"
    if item["kind"] == "faq":
        for pattern in item["expect"]:
            assert re.search(pattern, text, re.IGNORECASE), (pattern, text)
    elif item["kind"] == "intent":
        form_id = FLOW_FORM_ID[item["flow"]]
        actions = [a["data"]["action"] for card in cards(replies) for a in submit_actions(card)]
        assert f"{form_id}.submit" in actions, (item["flow"], actions)
        for pattern in item["expect"]:
            assert re.search(pattern, text, re.IGNORECASE), (pattern, text)
    elif item["kind"] == "fallback":
        unknown = r"(geen antwoord|do not have an answer)"
        forward = r"(doorsturen|forward)"
        assert re.search(unknown, text, re.IGNORECASE), text
        assert re.search(forward, text, re.IGNORECASE), text
        for pattern in item.get("forbid", []):
            assert not re.search(pattern, text, re.IGNORECASE), (pattern, text)
