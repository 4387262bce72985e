"""Reminders and other proactive registration messages, with a frozen clock: due, sent once, not again
after a restart, not twice from two instances ticking at once; 403 is final, a failed send is retried."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from app import SERVICES
from bot.core.clock import FixedClock
from bot.registration import REGISTRATION
from bot.registration.reminders import ReminderScheduler, parse_offsets, reminder_kind
from storage.models import ConversationReferenceRecord
from storage.registration.models import RegistrationNotice
from tests.card_rules import card_problems
from tests.conftest import new_conversation
from tests.registration.conftest import JOIN_URL, person, register, session_yaml
from tests.support import all_text, cards, elements
from tests.wording import msg, msg_part

DAY_BEFORE = datetime.fromisoformat("2022-10-03T14:00:00+02:00")
HOUR_BEFORE = datetime.fromisoformat("2022-10-04T13:00:00+02:00")


def _scheduler(client) -> ReminderScheduler:
    return client.app[REGISTRATION].scheduler


def _sent_to(connector, conversation) -> list[dict]:
    return connector.by_conversation[conversation.conversation_id]


@pytest.fixture
def no_backoff(monkeypatch):
    """The messenger's retry back-off without real sleeping."""
    sleeps: list[float] = []

    async def fake_sleep(seconds):
        sleeps.append(seconds)

    def patch(client):
        monkeypatch.setattr(client.app[SERVICES].messenger, "_sleep", fake_sleep)
        return sleeps

    return patch


def test_parse_offsets():
    assert parse_offsets("24h,1h") == (timedelta(hours=24), timedelta(hours=1))
    assert parse_offsets(" 1h , 2d,30m,1h") == (timedelta(days=2), timedelta(hours=1), timedelta(minutes=30))
    assert parse_offsets("") == ()
    for bad in ("24", "0h", "1w", "h", "-1h"):
        with pytest.raises(ValueError, match="reminder offset"):
            parse_offsets(bad)
    assert reminder_kind(timedelta(hours=24)) == "reminder:24h" and reminder_kind(timedelta(minutes=90)) == "reminder:90m"


async def test_reminders_are_sent_once_even_after_a_restart_and_by_two_instances(make_client, connector, clock):
    first = await make_client(session_join_url=JOIN_URL)
    anna, sam = person(first, connector, 70), person(first, connector, 71, lang="en")
    await register(anna)
    await register(sam, mode="online")
    before = {c.conversation_id: len(_sent_to(connector, c)) for c in (anna, sam)}

    clock.set(DAY_BEFORE - timedelta(seconds=1))
    assert (await _scheduler(first).tick()).sent == 0  # not due yet

    clock.set(DAY_BEFORE)
    report = await _scheduler(first).tick()
    assert (report.sent, report.kinds) == (2, ["reminder:24h", "reminder:24h"])
    anna_msg, sam_msg = _sent_to(connector, anna)[before[anna.conversation_id]:], _sent_to(connector, sam)[before[sam.conversation_id]:]
    assert len(anna_msg) == len(sam_msg) == 1
    for message in anna_msg + sam_msg:
        assert card_problems(cards([message])[0]) == []
    assert msg_part("nl", "registration.reminder.title") in all_text(anna_msg)
    assert msg("nl", "registration.reminder.intro", date="dinsdag 4 oktober 2022", start="14:00") in all_text(anna_msg)
    assert msg_part("nl", "registration.venue_unknown") in all_text(anna_msg) and JOIN_URL not in str(anna_msg)
    title = "Information session on local recovery plans in Ukraine"
    assert msg("en", "registration.reminder.title", title=title) in all_text(sam_msg)  # in the person's language
    join = [a for a in elements(cards(sam_msg)[0], "Action.OpenUrl") if a["type"] == "Action.OpenUrl" and a["title"] == msg("en", "registration.buttons.join")]
    assert join and join[0]["url"] == JOIN_URL

    assert (await _scheduler(first).tick()).sent == 0  # the next tick: nothing again
    second = await make_client(session_join_url=JOIN_URL)  # a restart: a new instance on the same database
    assert (await _scheduler(second).tick()).sent == 0

    clock.set(HOUR_BEFORE + timedelta(minutes=20))
    third = await make_client(session_join_url=JOIN_URL)
    reports = await asyncio.gather(_scheduler(second).tick(), _scheduler(third).tick(), _scheduler(first).tick())
    assert sum(r.sent for r in reports) == 2
    assert len(_sent_to(connector, anna)) == before[anna.conversation_id] + 2
    assert len(_sent_to(connector, sam)) == before[sam.conversation_id] + 2

    clock.set(datetime.fromisoformat("2022-10-04T14:00:00+02:00"))  # started: no more reminders
    assert (await _scheduler(first).tick()).sent == 0


async def test_a_late_registration_gets_only_the_nearest_reminder(client, connector, clock):
    clock.set(DAY_BEFORE + timedelta(hours=2))  # registered within the last day
    anna = person(client, connector, 72)
    await register(anna)
    count = len(_sent_to(connector, anna))
    assert (await _scheduler(client).tick()).sent == 0  # no 'tomorrow' message right after registering
    clock.set(HOUR_BEFORE)
    report = await _scheduler(client).tick()
    assert report.kinds == ["reminder:1h"] and len(_sent_to(connector, anna)) == count + 1


async def test_waitlisted_and_cancelled_people_get_no_reminder(make_client, connector, clock, content):
    client = await make_client(content_dir=content(session_yaml(capacity={"in_person": 1, "online": None})))
    await register(person(client, connector, 73))
    await register(person(client, connector, 74))  # waitlisted
    gone = person(client, connector, 75)
    await register(gone, mode="online")
    await gone.submit({"action": "my_registration.choose", "choice": "cancel:info-2022-10-04"})
    await gone.say("ja")
    clock.set(DAY_BEFORE)
    assert (await _scheduler(client).tick()).sent == 1


async def test_a_removed_app_is_not_retried(client, connector, clock, no_backoff):
    sleeps = no_backoff(client)
    anna = person(client, connector, 76)
    await register(anna)
    clock.set(DAY_BEFORE)
    connector.fail_next = [403]
    report = await _scheduler(client).tick()
    assert (report.sent, report.gone) == (0, 1) and sleeps == []
    clock.set(DAY_BEFORE + timedelta(hours=1))
    assert (await _scheduler(client).tick()).gone == 0  # final: not tried again
    async with client.app[SERVICES].db.transaction() as session:
        assert (await session.execute(select(RegistrationNotice.status))).scalars().all() == ["gone"]


async def test_a_failed_send_is_retried_by_a_later_tick(client, connector, clock, no_backoff):
    sleeps = no_backoff(client)
    anna = person(client, connector, 77)
    await register(anna)
    clock.set(DAY_BEFORE)
    count = len(_sent_to(connector, anna))
    connector.fail_next = [503] * 4
    report = await _scheduler(client).tick()
    assert (report.sent, report.failed) == (0, 1) and sleeps == [1.0, 2.0, 4.0]
    connector.fail_next = [429]  # throttled once: retried with back-off inside the send
    report = await _scheduler(client).tick()
    assert report.sent == 1 and sleeps[-1] == 1.0 and len(_sent_to(connector, anna)) == count + 1


async def test_no_personal_chat_means_no_reminder_and_no_retry(client, connector, clock):
    anna = person(client, connector, 79)
    await register(anna)
    chat = new_conversation(client, connector, "groupchat_message_mention.json", **{"from": anna.base["from"]})
    await chat.say("<at>VNG Oekraine-assistent</at> wanneer is de bijeenkomst?")  # the bot knows her group chat too
    async with client.app[SERVICES].db.transaction() as session:  # she removed the app from her personal chat
        await session.execute(
            update(ConversationReferenceRecord).where(ConversationReferenceRecord.conversation_id == anna.conversation_id).values(removed=True)
        )
    clock.set(DAY_BEFORE)
    report = await _scheduler(client).tick()
    assert (report.sent, report.gone) == (0, 1)


async def test_people_who_asked_hear_about_a_new_session(make_client, connector, content):
    closed_clock = FixedClock(datetime.fromisoformat("2022-10-05T09:00:00+02:00"))
    old = await make_client(content_dir=content(session_yaml(), name="old"), clock=closed_clock)
    anna = person(old, connector, 78)
    replies = await anna.say("aanmelden")
    notify = next(a["data"] for a in elements(cards(replies)[0], "Action.Submit") if a["data"]["action"] == "registration.notify")
    await anna.submit(notify)
    assert (await _scheduler(old).tick()).sent == 0  # nothing open yet
    # An organizer adds a session and restarts the bot.
    new_session = session_yaml(id="info-2022-11-15", start="2022-11-15T10:00", end="2022-11-15T12:00")
    new = await make_client(content_dir=content(session_yaml(), new_session, name="new"), clock=closed_clock)
    count = len(_sent_to(connector, anna))
    reports = await asyncio.gather(_scheduler(new).tick(), _scheduler(new).tick())
    assert sum(r.sent for r in reports) == 1
    told = _sent_to(connector, anna)[count:]
    assert msg("nl", "registration.new_session.title") in all_text(told) and "dinsdag 15 november 2022" in all_text(told)
    assert card_problems(cards(told)[0]) == []
    assert (await _scheduler(new).tick()).sent == 0


async def test_the_loop_ticks_until_stopped_and_survives_a_failing_tick(client, monkeypatch):
    scheduler = _scheduler(client)
    ticks: list[int] = []

    async def tick():
        ticks.append(1)
        if len(ticks) == 2:
            raise RuntimeError("database away")

    sleeps: list[float] = []

    async def fake_sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) > 4:
            raise asyncio.CancelledError

    monkeypatch.setattr(scheduler, "tick", tick)
    with pytest.raises(asyncio.CancelledError):
        await scheduler.run(sleep=fake_sleep, wall=lambda: 60.0 * len(sleeps))  # each sleep is a new slot
    assert len(ticks) == 4 and sleeps == [60.0] * 5


async def test_the_app_starts_and_stops_the_scheduler(make_client):
    client = await make_client(reminder_interval_seconds=3600)
    scheduler = _scheduler(client)
    assert scheduler.running
    await client.close()
    assert not scheduler.running
    quiet = await make_client(reminder_interval_seconds=0)  # 0: ticks only when called
    assert not _scheduler(quiet).running
