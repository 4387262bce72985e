"""Proactive messages through the real adapter to the fake connector: sent, gone (403), throttled (429)."""

from __future__ import annotations

import json

from app import SERVICES
from bot.core.proactive import Delivery, Messenger
from bot.core.turn import lang_of
from storage.repositories import ConversationReferences
from tests.support import all_text, fixture


async def _messenger(client, sleeps):
    services = client.app[SERVICES]

    async def fake_sleep(seconds):
        sleeps.append(seconds)

    return Messenger(services.adapter, app_id="", db=services.db, clock=services.clock, sleep=fake_sleep)


async def _reference(client, nl):
    await nl.say("hallo")  # the bot remembers where it can reach Anna
    async with client.app[SERVICES].db.transaction() as session:
        record = await ConversationReferences(session).personal_for(fixture("personal_message.json")["from"]["aadObjectId"])
    return record.reference


async def test_sent_in_the_users_language(client, nl, connector):
    await nl.say("English please")
    reference = await _reference(client, nl)
    sleeps: list[float] = []
    messenger = await _messenger(client, sleeps)
    before = len(connector.by_conversation[nl.conversation_id])

    async def build(turn_context):
        return f"reminder in {lang_of(turn_context)}"

    assert await messenger.send(reference, build) is Delivery.SENT
    sent = connector.by_conversation[nl.conversation_id][before:]
    assert all_text(sent) == "reminder in en"
    assert json.loads(reference)["conversation"]["id"] == nl.conversation_id


async def test_removed_app_is_marked_and_not_retried(client, nl, connector):
    reference = await _reference(client, nl)
    sleeps: list[float] = []
    messenger = await _messenger(client, sleeps)
    connector.fail_next = [403]

    async def build(_tc):
        return "hello"

    assert await messenger.send(reference, build) is Delivery.GONE
    assert sleeps == []
    async with client.app[SERVICES].db.transaction() as session:
        assert await ConversationReferences(session).personal_for(fixture("personal_message.json")["from"]["aadObjectId"]) is None


async def test_throttling_is_retried_with_backoff(client, nl, connector):
    reference = await _reference(client, nl)
    sleeps: list[float] = []
    messenger = await _messenger(client, sleeps)
    connector.fail_next = [429, 429]
    before = len(connector.by_conversation[nl.conversation_id])

    async def build(_tc):
        return "hello"

    assert await messenger.send(reference, build) is Delivery.SENT
    assert sleeps == [1.0, 2.0]
    assert all_text(connector.by_conversation[nl.conversation_id][before:]) == "hello"


async def test_gives_up_after_the_last_attempt(client, nl, connector):
    reference = await _reference(client, nl)
    sleeps: list[float] = []
    messenger = await _messenger(client, sleeps)
    connector.fail_next = [503] * 4

    async def build(_tc):
        return "hello"

    assert await messenger.send(reference, build) is Delivery.FAILED
    assert len(sleeps) == 3


async def test_without_a_chosen_language_the_stored_locale_decides(client, en, connector):
    reference = await _reference(client, en)  # an English Teams client; no explicit language choice
    messenger = await _messenger(client, [])
    before = len(connector.by_conversation[en.conversation_id])

    async def build(turn_context):
        return f"reminder in {lang_of(turn_context)}"

    assert await messenger.send(reference, build) is Delivery.SENT
    assert all_text(connector.by_conversation[en.conversation_id][before:]) == "reminder in en"


async def test_an_unreachable_connector_is_retried_then_reported_failed(client, nl):
    reference = json.loads(await _reference(client, nl))
    reference["serviceUrl"] = "http://127.0.0.1:9/"  # nothing listens on the discard port
    sleeps: list[float] = []
    messenger = await _messenger(client, sleeps)

    async def build(_tc):
        return "hello"

    assert await messenger.send(json.dumps(reference), build) is Delivery.FAILED
    assert sleeps == [1.0, 2.0, 4.0]
