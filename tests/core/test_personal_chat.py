"""Personal flows asked for in a channel or group chat move to a personal chat: the bot opens it the Teams way
(create_conversation) and starts there; the channel gets a short note, and nothing personal."""

from __future__ import annotations

import pytest

from tests.conftest import new_conversation
from tests.support import Conversation, all_text, cards, submit_actions
from tests.wording import msg, msg_part

MENTION = "<at>VNG Oekraine-assistent</at> "


def _nothing_personal(replies, who: dict) -> None:
    text = all_text(replies)
    assert not cards(replies), "no card (a form, a list) in the channel"
    assert who["name"] not in text and "@" not in text


PERSONAL = [("aanmelden", "register"), ("mijn aanbod", "my_offers"), ("mijn gegevens", "my_data"), ("verwijder mijn gegevens", "delete_my_data")]


@pytest.mark.parametrize(("words", "job"), PERSONAL)
async def test_a_personal_flow_in_a_channel_opens_a_personal_chat(client, connector, words, job):
    channel = new_conversation(client, connector, "channel_message_mention.json")
    who = channel.base["from"]
    replies = await channel.say(MENTION + words)
    assert msg("nl", "group.moved") in all_text(replies)
    _nothing_personal(replies, who)

    (created,) = connector.created
    assert created["isGroup"] is False and [m["id"] for m in created["members"]] == [who["id"]]
    assert created["channelData"]["tenant"]["id"] == channel.base["channelData"]["tenant"]["id"]
    (first,) = connector.by_conversation[created["_id"]]
    start = next(a["data"] for c in cards([first]) for a in submit_actions(c))
    assert start == {"action": "job.start", "job": job}

    personal = Conversation(client=client, connector=connector, base={**channel.base, "conversation": {"conversationType": "personal", "id": created["_id"]}},
                            conversation_id=created["_id"])
    personal.base.pop("entities", None)
    started = await personal.submit(start)
    assert cards(started), "the flow starts in the personal chat"


async def test_a_card_button_in_a_group_chat_moves_too(client, connector):
    chat = new_conversation(client, connector, "groupchat_message_mention.json")
    replies = await chat.submit({"action": "job.start", "job": "offer_expertise"})
    assert msg("nl", "group.moved") in all_text(replies)
    _nothing_personal(replies, chat.base["from"])


async def test_when_no_personal_chat_can_be_opened_the_note_links_to_one(client, connector):
    channel = new_conversation(client, connector, "channel_message_mention.json", locale="en-US")
    connector.fail_next.append(403)  # e.g. the app is not installed for this person
    replies = await channel.say(MENTION + "register")
    text = all_text(replies)
    assert msg_part("en", "group.go_personal") in text
    assert "https://teams.microsoft.com/l/chat/0/0?users=" + channel.base["recipient"]["id"] in text
    _nothing_personal(replies, channel.base["from"])
    assert connector.created == []
