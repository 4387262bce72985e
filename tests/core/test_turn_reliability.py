"""Send failures and crashes mid-turn through the HTTP edge (issue 13, items 1 and 4): replies are retried
with back-off honouring Retry-After; a turn whose replies could not be sent keeps the conversation state and
answers 503, so Teams re-sends it, and the re-sent activity is processed; claims of failed turns are released,
claims of dead turns expire."""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import SERVICES
from bot.core.adapter import connectors_of
from bot.core.turn_store import DEFAULT_LEASE
from storage.models import ProcessedActivity
from storage.repositories import ConversationReferences, ProcessedActivities
from tests.conftest import new_conversation
from tests.support import all_text
from tests.wording import msg, msg_part


@pytest.fixture
def waits(client) -> list[float]:
    """The connector client's back-off waits, recorded instead of slept."""
    recorded: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    connectors_of(client.app[SERVICES].adapter).sleep = fake_sleep
    return recorded


async def _claims(client) -> list[ProcessedActivity]:
    async with client.app[SERVICES].db.transaction() as session:
        return list((await session.execute(select(ProcessedActivity))).scalars())


async def test_throttled_reply_waits_what_retry_after_asks_then_arrives(client, nl, connector, waits):
    connector.fail_next = [(429, "3"), (429, "1")]
    replies = await nl.say("hallo")
    assert msg_part("nl", "welcome.intro") in all_text(replies)
    assert waits == [3.0, 1.0]


async def test_retry_after_beyond_the_turns_budget_is_capped(client, nl, connector, waits):
    connector.fail_next = [(429, "120")]
    assert msg_part("nl", "welcome.intro") in all_text(await nl.say("hallo"))
    policy = connectors_of(client.app[SERVICES].adapter).policy
    assert waits == [policy.max_delay]


@pytest.mark.parametrize("status", [503, 500, 429])
async def test_a_reply_that_cannot_be_sent_keeps_the_dialog_and_teams_resends(client, nl, connector, waits, status):
    assert msg_part("nl", "ask.prompt") in all_text(await nl.say("vraag stellen"))  # a guided conversation waits
    attempts = connectors_of(client.app[SERVICES].adapter).policy.attempts
    connector.fail_next = [status] * attempts
    stop = nl.activity(type="message", text="stop")

    response = await client.post("/api/messages", json=stop)
    assert response.status == 503  # Teams re-sends on a 5xx
    assert len(waits) == attempts - 1 and connector.fail_next == []

    replies = await nl.post(copy.deepcopy(stop))  # Teams re-sends the same activity: it is processed
    assert msg("nl", "cancel.done") in all_text(replies)  # the dialog was still there to stop


async def test_a_refused_reply_apologizes_and_keeps_the_dialog(client, nl, connector, waits):
    await nl.say("vraag stellen")
    connector.fail_next = [400]
    response = await client.post("/api/messages", json=nl.activity(type="message", text="help"))
    assert response.status == 201  # a re-send would be refused the same way
    assert waits == []
    assert msg_part("nl", "error.generic") in all_text(connector.by_conversation[nl.conversation_id][-1:])
    assert msg("nl", "cancel.done") in all_text(await nl.say("stop"))


async def test_a_crash_mid_turn_leaves_a_claim_that_expires(client, nl, clock):
    """A process killed during a turn leaves its claim behind, unfinished: the re-sent activity is answered
    once the claim's lease has run out, and asked to come again (503) before that."""
    activity = nl.activity(type="message", text="hallo")
    key = ProcessedActivities.key_for(activity["channelId"], nl.conversation_id, activity["id"])
    async with client.app[SERVICES].db.transaction() as session:  # what the killed process had committed
        assert await ProcessedActivities(session).claim(key, clock.now(), clock.now() - DEFAULT_LEASE)

    response = await client.post("/api/messages", json=copy.deepcopy(activity))
    assert response.status == 503  # still within the lease: the first turn may be running

    clock.set(clock.now() + DEFAULT_LEASE + timedelta(seconds=1))
    replies = await nl.post(copy.deepcopy(activity))
    assert msg_part("nl", "welcome.intro") in all_text(replies)
    assert await nl.post(copy.deepcopy(activity)) == []  # and now it is done: dropped


async def test_a_failed_turn_releases_its_claim(client, nl, monkeypatch):
    from bot.questions import QUESTIONS

    qa = client.app[QUESTIONS].qa

    async def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(qa, "respond", broken)
    activity = nl.activity(type="message", text="Wat is de datum?")
    await nl.post(activity)
    assert await _claims(client) == []
    monkeypatch.undo()
    assert all_text(await nl.post(copy.deepcopy(activity)))  # a re-delivery is processed


async def test_finished_claims_are_marked_with_a_later_transaction(client, nl):
    client.app[SERVICES].turn_store.finish_delay = 0.0  # every later transaction takes the waiting marks
    await nl.say("hallo")  # a turn that changes no state: its claim is marked with the next transaction
    await nl.say("hallo")
    claims = await _claims(client)
    assert len(claims) == 2 and sum(claim.finished_at is not None for claim in claims) >= 1
    await client.app[SERVICES].turn_store.flush()
    assert all(claim.finished_at is not None for claim in await _claims(client))


async def test_a_turn_without_state_changes_is_marked_finished_durably_and_soon(make_client, connector, clock):
    """Its mark does not wait in one process's memory for that process's next turn: a late re-delivery that
    reaches another instance (or this one restarted) after the lease is dropped, not answered twice."""
    first, second = await make_client(), await make_client()
    nl = new_conversation(first, connector)
    await nl.say("hallo")  # the first contact keeps the profile; the next greeting changes nothing
    await first.app[SERVICES].turn_store.flush()
    activity = nl.activity(type="message", text="hallo")
    assert msg_part("nl", "welcome.intro") in all_text(await nl.post(copy.deepcopy(activity)))
    for _ in range(100):  # the first instance has no further turn; its mark must still reach the database
        if all(claim.finished_at is not None for claim in await _claims(first)):
            break
        await asyncio.sleep(0.05)
    assert [claim.finished_at is not None for claim in await _claims(first)] == [True, True]

    clock.set(clock.now() + DEFAULT_LEASE + timedelta(seconds=1))
    assert await nl.with_client(second).post(copy.deepcopy(activity)) == []  # dropped: answered once


async def test_finished_claims_are_marked_soon_without_another_turn(client, nl):
    """Marks wait a moment for a transaction to ride along with (under load one statement marks many
    turns), and are written on their own when none comes."""
    store = client.app[SERVICES].turn_store
    store.finish_delay = 0.05
    await nl.say("hallo")
    await nl.say("hallo")  # within the delay: the first mark is still waiting
    assert sum(claim.finished_at is None for claim in await _claims(client)) >= 1
    for _ in range(100):
        await asyncio.sleep(0.05)
        claims = await _claims(client)
        if all(claim.finished_at is not None for claim in claims):
            break
    assert len(claims) == 2 and all(claim.finished_at is not None for claim in claims)


async def test_a_plain_faq_turn_costs_one_database_round_trip(client, nl, monkeypatch):
    """Claim, conversation reference and state read in one transaction; nothing else for a plain answer on
    its way (its finished mark is written after it, in the background: held off here to count the turn)."""
    db = client.app[SERVICES].db
    opened: list[str] = []
    transaction, core_transaction, core_unit = db.transaction, db.core_transaction, db.core_unit
    in_unit = False

    def counting():
        opened.append("session")
        return transaction()

    def counting_core():
        if not in_unit:  # on PostgreSQL a unit is a core transaction: counted once, as the unit
            opened.append("core")
        return core_transaction()

    async def counting_unit(body):
        nonlocal in_unit
        opened.append("unit")
        in_unit = True
        try:
            return await core_unit(body)
        finally:
            in_unit = False

    client.app[SERVICES].turn_store.finish_delay = 3600.0  # no timed mark of the first turn in between
    await nl.say("Wanneer is de bijeenkomst?")
    monkeypatch.setattr(db, "transaction", counting)
    monkeypatch.setattr(db, "core_transaction", counting_core)
    monkeypatch.setattr(db, "core_unit", counting_unit)
    replies = await nl.say("Hoe laat begint de bijeenkomst?")
    assert all_text(replies)
    assert opened == ["unit"]


async def test_the_conversation_reference_is_written_when_it_changes_not_on_every_message(client, nl):
    """Every message carries the conversation reference; an unchanged one is not written again within
    `reference_refresh`, a changed one (another service URL) at once, and one this process marked removed
    (the app was uninstalled) is stored again with the next message."""
    from storage.models import ConversationReferenceRecord

    services = client.app[SERVICES]

    async def stored() -> ConversationReferenceRecord:
        async with services.db.transaction() as session:
            record = await session.get(ConversationReferenceRecord, nl.conversation_id)
        assert record is not None
        return record

    await nl.say("hallo")
    first = await stored()
    services.clock.set(services.clock.now() + timedelta(seconds=5))
    await nl.say("Wanneer is de bijeenkomst?")
    assert (await stored()).updated_at == first.updated_at  # unchanged: not written again

    async with services.db.transaction() as session:
        await ConversationReferences(session).mark_removed(nl.conversation_id, services.clock.now())
    assert (await stored()).removed
    await nl.say("hallo")
    assert not (await stored()).removed  # written again at once

    nl.base["from"]["name"] = "Anna de Vries-Bakker"  # the reference names the user
    services.clock.set(services.clock.now() + timedelta(seconds=5))
    before = (await stored()).updated_at
    await nl.say("hallo")
    record = await stored()
    assert "Anna de Vries-Bakker" in record.reference and record.updated_at > before


async def test_a_step_whose_second_reply_fails_is_done_again_in_full(client, nl, connector, waits):
    """The replies of a step go out together, before its state is saved: when one of them cannot be
    delivered, the re-sent activity does the whole step again, from the same place in the dialog."""
    await nl.say("vraag stellen")
    attempts = connectors_of(client.app[SERVICES].adapter).policy.attempts
    connector.fail_next = [None] + [503] * attempts  # help arrives, the question after it does not
    help_request = nl.activity(type="message", text="help")
    assert (await client.post("/api/messages", json=help_request)).status == 503

    replies = await nl.post(copy.deepcopy(help_request))
    text = all_text(replies)
    assert msg("nl", "help.title") in text and msg_part("nl", "ask.prompt") in text
    assert msg("nl", "cancel.done") in all_text(await nl.say("stop"))
