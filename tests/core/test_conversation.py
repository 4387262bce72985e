"""Turns through the HTTP edge with Teams-shaped activities and the fake Bot Connector."""

from __future__ import annotations

import copy
import re

import pytest

from tests.conftest import new_conversation
from tests.support import all_text, cards, elements, fixture, submit_actions
from tests.wording import msg, msg_part


def _jobs(card: dict) -> list[str]:
    return [a["data"]["job"] for a in submit_actions(card) if a["data"].get("action") == "job.start"]


async def test_hallo_gets_a_dutch_welcome_with_the_menu(nl):
    replies = await nl.say("hallo")
    assert len(replies) == 1
    card = cards(replies)[0]
    assert card["version"] == "1.5"
    text = all_text(replies)
    assert msg_part("nl", "welcome.intro") in text and msg_part("nl", "welcome.person") in text
    # three primary jobs as buttons (Teams' guidance), the others behind "Meer keuzes"
    assert _jobs(card) == ["register", "offer_expertise", "contribute", "ask_question", "my_data", "help"]
    (more,) = elements(card, "Action.ShowCard")
    assert more["title"] == msg("nl", "menu.more") and _jobs(more["card"]) == ["ask_question", "my_data", "help"]
    assert replies[0]["replyToId"]


async def test_english_locale_gets_english(en):
    replies = await en.say("hello")
    text = all_text(replies)
    assert msg_part("en", "welcome.intro") in text and msg("en", "jobs.register") in text


async def test_install_sends_the_welcome_card(client, connector):
    conversation = new_conversation(client, connector, "install_personal.json")
    activity = conversation.activity()
    replies = await conversation.post(activity)
    assert msg("nl", "welcome.title") in all_text(replies)


async def test_language_switch_is_remembered(nl):
    replies = await nl.say("English please")
    assert msg("en", "language.switched") in all_text(replies)
    replies = await nl.say("menu")
    assert msg("en", "menu.title") in all_text(replies)
    replies = await nl.say("Nederlands")
    assert msg("nl", "language.switched") in all_text(replies)
    assert msg("nl", "menu.title") in all_text(await nl.say("menu"))


async def test_menu_card_buttons_start_jobs(nl):
    replies = await nl.submit({"action": "job.start", "job": "help"})
    assert msg("nl", "help.title") in all_text(replies)
    replies = await nl.submit({"action": "job.start", "job": "ask_question"})
    assert msg_part("nl", "ask.prompt") in all_text(replies)


async def test_unknown_card_action_gets_a_friendly_answer(nl):
    replies = await nl.submit({"action": "nothing.here"})
    assert msg_part("nl", "dialog.unknown_card") in all_text(replies)
    replies = await nl.submit({"action": "job.start"})
    assert msg_part("nl", "dialog.unknown_card") in all_text(replies)


async def test_ask_question_dialog_answers_the_next_message(nl):
    await nl.say("vraag stellen")
    replies = await nl.say("Op welke datum is de bijeenkomst?")
    assert "4 oktober" in all_text(replies)


async def test_cancel_help_and_menu_work_inside_a_guided_conversation(nl):
    assert msg_part("nl", "ask.prompt") in all_text(await nl.submit({"action": "job.start", "job": "ask_question"}))
    replies = await nl.say("help")
    text = all_text(replies)
    assert msg("nl", "help.title") in text and msg_part("nl", "ask.prompt") in text  # help, then the question again
    replies = await nl.say("menu")
    assert msg("nl", "menu.title") in all_text(replies)
    replies = await nl.say("stop")
    assert msg("nl", "cancel.done") in all_text(replies)
    replies = await nl.say("stop")
    assert msg("nl", "cancel.nothing") in all_text(replies)


async def test_english_cancel_inside_a_dialog(en):
    await en.submit({"action": "job.start", "job": "ask_question"})
    assert msg("en", "cancel.done") in all_text(await en.say("cancel"))


async def test_redelivered_activity_is_processed_once(nl):
    activity = nl.activity(type="message", text="hallo")
    first = await nl.post(activity)
    second = await nl.post(copy.deepcopy(activity))
    assert len(first) == 1 and second == []


async def test_group_chat_answers_only_when_mentioned(client, connector):
    chat = new_conversation(client, connector, "groupchat_message_mention.json")
    replies = await chat.say("<at>VNG Oekraine-assistent</at> wanneer is de bijeenkomst?")
    assert "4 oktober" in all_text(replies)
    unmentioned = chat.activity(type="message", text="wanneer is de bijeenkomst?", entities=[])
    assert await chat.post(unmentioned) == []


async def test_channel_mention_is_stripped_before_reading(client, connector):
    channel = new_conversation(client, connector, "channel_message_mention.json")
    replies = await channel.post(channel.activity())
    assert "4 oktober" in all_text(replies)


@pytest.mark.wording  # recognizing the date question leans on the answer's words, and "4 oktober" is a fact
async def test_guided_conversation_in_a_group_belongs_to_one_person(client, connector):
    chat = new_conversation(client, connector, "groupchat_message_mention.json")
    mention = "<at>VNG Oekraine-assistent</at> "
    assert msg_part("nl", "ask.prompt") in all_text(await chat.say(mention + "vraag stellen"))
    other = dict(fixture("groupchat_message_mention.json")["from"], id="29:someone-else", aadObjectId="0000-other")
    # Another person in the same chat is not inside Anna's dialog: "stop" has nothing to stop for them.
    assert msg("nl", "cancel.nothing") in all_text(await chat.say(mention + "stop", **{"from": other}))
    assert "4 oktober" in all_text(await chat.say(mention + "Op welke datum is de bijeenkomst?"))


async def test_other_tenants_are_refused_politely(make_client, connector):
    client = await make_client(allowed_tenants=["11111111-0000-4000-8000-000000000000"])
    conversation = new_conversation(client, connector)
    replies = await conversation.say("hallo")
    assert msg_part("nl", "tenant.refused") in all_text(replies) and not cards(replies)


async def test_allowed_tenant_is_served(make_client, connector):
    tenant = fixture("personal_message.json")["channelData"]["tenant"]["id"]
    client = await make_client(allowed_tenants=[tenant.upper()])  # compared without regard to case
    replies = await new_conversation(client, connector).say("hallo")
    assert cards(replies)


async def test_a_dialog_started_on_one_instance_finishes_on_another(make_client, connector):
    first = await make_client()
    second = await make_client()
    anna = new_conversation(first, connector)
    assert msg_part("nl", "ask.prompt") in all_text(await anna.say("vraag stellen"))
    await first.close()  # the first instance goes away mid-conversation
    replies = await anna.with_client(second).say("Hoe laat is de informatiebijeenkomst?")
    text = all_text(replies)
    assert re.search(r"14[.:]00", text) and re.search(r"16[.:]00", text)


async def test_unhandled_error_apologizes_and_clears_the_conversation(client, nl, monkeypatch):
    from bot.questions import QUESTIONS

    await nl.say("vraag stellen")
    qa = client.app[QUESTIONS].qa

    async def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(qa, "respond", broken)
    replies = await nl.say("Wat is de datum?")
    assert msg_part("nl", "error.generic") in all_text(replies)
    monkeypatch.undo()
    # the broken dialog is gone: "stop" has nothing to stop
    assert msg("nl", "cancel.nothing") in all_text(await nl.say("stop"))
