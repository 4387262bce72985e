"""Several instances on one database: a change made on one is seen by the others after their refresh tick and
after a restart; notices to registrants are sent once even when instances tick at the same moment; a failed
send is retried by a later tick and a removed app (403) is final."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from app import SERVICES
from bot.questions import QUESTIONS
from bot.registration import REGISTRATION
from bot.sessions import SESSION_BOOK
from storage.sessions.models import JOIN, VENUE, InfoSessionNotice
from tests.registration.conftest import person, register
from tests.sessions.conftest import (
    NEW_JOIN,
    NEW_SESSION_CARD,
    ORGANIZER,
    SESSION_ID,
    change_fields,
    confirm,
    desk,
    organizer,
)
from tests.support import all_text
from tests.wording import msg_part


@pytest.fixture
def no_backoff(monkeypatch):
    sleeps: list[float] = []

    async def fake_sleep(seconds):
        sleeps.append(seconds)

    def patch(client):
        monkeypatch.setattr(client.app[SERVICES].messenger, "_sleep", fake_sleep)
        return sleeps

    return patch


async def _statuses(client) -> list[str]:
    async with client.app[SERVICES].db.transaction() as session:
        return list((await session.execute(select(InfoSessionNotice.status).order_by(InfoSessionNotice.id))).scalars())


async def test_another_instance_sees_changes_after_its_tick_and_after_a_restart(make_client, org_settings, connector):
    first, second = await make_client(**org_settings), await make_client(**org_settings)
    anna_on_second = person(second, connector, 61)
    olga = organizer(first, connector)
    await confirm(olga, await change_fields(olga, join_url=NEW_JOIN), "session_edit")
    await olga.submit({"action": "session_desk.add"})
    await confirm(olga, await olga.submit(NEW_SESSION_CARD), "session_add")

    book = second.app[SESSION_BOOK]
    assert book.sessions[0].join_url == "" and len(book.sessions) == 1  # not yet: the second instance has not looked
    assert NEW_JOIN not in all_text(await anna_on_second.say("hoe kan ik online meedoen"))
    assert await desk(second).book.refresh() is True
    assert await desk(second).book.refresh() is False  # nothing new: one cheap query, no rebuild
    await desk(second).tick()
    # One owner: registration and question answering ask the same book.
    assert second.app[REGISTRATION].book is book and second.app[QUESTIONS].qa._book is book  # noqa: SLF001 - one book, shared
    assert [s.id for s in book.sessions] == [SESSION_ID, "info-2022-11-15"] and book.sessions[0].join_url == NEW_JOIN
    assert NEW_JOIN in all_text(await anna_on_second.say("hoe kan ik online meedoen"))
    assert msg_part("nl", "register.fields.session.prompt") in all_text(await anna_on_second.say("aanmelden"))  # two open sessions now

    restarted = await make_client(**org_settings)  # a restart: a new instance reads the table at start-up
    sessions = restarted.app[SESSION_BOOK].sessions
    assert [s.id for s in sessions] == [SESSION_ID, "info-2022-11-15"] and sessions[0].join_url == NEW_JOIN
    assert "2. Tweede informatiebijeenkomst" in all_text(await organizer(restarted, connector).say("sessies"))


async def test_notices_are_sent_once_when_instances_tick_at_the_same_moment(make_client, org_settings, connector, clock):
    first, second, third = [await make_client(**org_settings) for _ in range(3)]
    people = [person(first, connector, n, lang="en" if n % 2 else "nl") for n in range(62, 66)]
    for someone in people:
        await register(someone, mode="online")
    before = {p.conversation_id: len(connector.by_conversation[p.conversation_id]) for p in people}

    # Stored as the organizer's form would, without this instance sending right away: all three tick at once.
    saved = await desk(first).store.change(change_key="k" * 32, session_id=SESSION_ID, values={JOIN: NEW_JOIN, VENUE: "Nassaulaan 12"},
                                           actor=ORGANIZER["aadObjectId"], now=clock.now())
    assert (saved.kind, saved.notices) == ("changed", 4)
    reports = await asyncio.gather(desk(first).tick(), desk(second).tick(), desk(third).tick())
    assert sum(r.sent for r in reports) == 4
    for p in people:
        new = connector.by_conversation[p.conversation_id][before[p.conversation_id]:]
        assert len(new) == 1, p.conversation_id
        assert NEW_JOIN in str(new) and "Nassaulaan" not in all_text(new)  # online: the link, not the venue
    assert await _statuses(first) == ["sent"] * 4
    assert sum(r.sent for r in await asyncio.gather(desk(first).tick(), desk(second).tick())) == 0

    # The organizer's own change through Teams, with the instance's background send and two ticks racing.
    olga = organizer(first, connector)
    await confirm(olga, await change_fields(olga, join_url=NEW_JOIN + "2"), "session_edit")
    await asyncio.gather(desk(first).idle(), desk(second).tick(), desk(third).tick())
    for p in people:
        assert len(connector.by_conversation[p.conversation_id]) == before[p.conversation_id] + 2


async def test_a_failed_send_is_retried_and_a_removed_app_is_final(org_client, connector, clock, no_backoff):
    sleeps = no_backoff(org_client)
    kept, removed = person(org_client, connector, 66), person(org_client, connector, 67)
    await register(kept, mode="online")
    await register(removed, mode="online")
    count = len(connector.by_conversation[kept.conversation_id])
    await desk(org_client).store.change(change_key="f" * 32, session_id=SESSION_ID, values={JOIN: NEW_JOIN},
                                        actor=ORGANIZER["aadObjectId"], now=clock.now())
    connector.fail_next = [503] * 4 + [403]  # the first: the connector keeps failing; the second removed the app
    report = await desk(org_client).tick()
    assert (report.sent, report.failed, report.gone) == (0, 1, 1) and sleeps == [1.0, 2.0, 4.0]
    assert await _statuses(org_client) == ["pending", "gone"]
    report = await desk(org_client).tick()  # a later tick: the failed one again, the removed one never
    assert (report.sent, report.gone) == (1, 0)
    assert len(connector.by_conversation[kept.conversation_id]) == count + 1
    assert await _statuses(org_client) == ["sent", "gone"]


async def test_registrants_who_left_or_moved_are_skipped(org_client, connector, clock):
    moved, left = person(org_client, connector, 68), person(org_client, connector, 69)
    await register(moved, mode="online")
    await register(left, mode="online")
    await desk(org_client).store.change(change_key="s" * 32, session_id=SESSION_ID, values={JOIN: NEW_JOIN},
                                        actor=ORGANIZER["aadObjectId"], now=clock.now())
    await moved.submit({"action": "my_registration.choose", "choice": f"mode:{SESSION_ID}:in_person"})  # before the send
    await left.submit({"action": "my_registration.choose", "choice": f"cancel:{SESSION_ID}"})
    await left.say("ja")
    before = {c.conversation_id: len(connector.by_conversation[c.conversation_id]) for c in (moved, left)}
    await desk(org_client).book.refresh(force=True)
    report = await desk(org_client).tick()
    assert (report.sent, report.skipped) == (0, 2)
    assert all(len(connector.by_conversation[c.conversation_id]) == before[c.conversation_id] for c in (moved, left))


async def test_a_lowered_capacity_holds_on_an_instance_that_has_not_ticked(make_client, org_settings, connector):
    """Seats are taken against the current capacity, also when another instance lowered it a moment ago."""
    from storage.registration.models import CONFIRMED, WAITLISTED
    from tests.sessions.conftest import registrations

    first, second = await make_client(**org_settings), await make_client(**org_settings)
    olga = organizer(first, connector)
    await register(person(second, connector, 71), mode="in_person")
    await confirm(olga, await change_fields(olga, capacity_in_person="1"), "session_edit")
    await register(person(second, connector, 72), mode="in_person")  # the second instance never ticked
    statuses = sorted(r.status for r in await registrations(second) if r.mode == "in_person")
    assert statuses == sorted([CONFIRMED, WAITLISTED])
