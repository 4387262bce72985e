"""Retention: RETENTION_DAYS_AFTER_SESSION days after a session ended, its registrations lose their personal
data (the scheduler's tick, on a frozen clock); other sessions and the counts are untouched; a second tick
changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import FixedClock
from bot.privacy.desk import RetentionScheduler
from bot.sessions import SessionBook
from storage.registration.models import Registration
from tests.privacy.conftest import ANNA, ANNA_KEY, BOB, BOB_KEY, person, privacy, register, rows, visible
from tests.registration.conftest import SESSION_ID, session_yaml
from tests.wording import msg

LATER_ID = "info-2023-01-10"
SESSION_END = datetime(2022, 10, 4, 16, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # days count in local time


def _later_session():
    return session_yaml(id=LATER_ID, start="2023-01-10T14:00", end="2023-01-10T16:00")


async def test_only_registrations_of_sessions_past_the_window_are_anonymized(make_client, connector, content, clock):
    client = await make_client(content_dir=content(session_yaml(), _later_session()), retention_interval_seconds=0)
    anna, bob = person(client, connector, ANNA), person(client, connector, BOB)
    await register(anna, accessibility="Rolstoelplek graag", dietary="Vegetarisch")
    await register(bob, session=LATER_ID, name="Bob Bakker", email="bob@zwolle.example.nl", municipality="gemeente Zwolle")
    (anna_before,) = await rows(client, Registration, Registration.user_key == ANNA_KEY)
    retention = privacy(client).retention
    assert not retention.running  # interval 0: ticks only when called

    clock.set(SESSION_END + timedelta(days=90) - timedelta(minutes=1))
    assert await retention.tick() == 0
    assert [r.name for r in await rows(client, Registration)] == ["Anna de Vries", "Bob Bakker"]

    clock.set(SESSION_END + timedelta(days=90, minutes=1))
    assert await retention.tick() == 1
    anna_after, bob_after = await rows(client, Registration)
    assert anna_after.id == anna_before.id
    assert (anna_after.name, anna_after.email, anna_after.role, anna_after.accessibility, anna_after.dietary) == ("", "", "", "", "")
    assert anna_after.aad_object_id is None and anna_after.confirm_token is None
    assert anna_after.user_key == f"erased:{anna_after.id}" and anna_after.calendar_token == f"erased:{anna_after.id}"
    # What stays, for counts: the session, how, the status, the municipality (an organization), the language.
    assert (anna_after.session_id, anna_after.mode, anna_after.status, anna_after.municipality, anna_after.language) == (
        SESSION_ID, "in_person", "confirmed", "Utrecht", "nl"
    )
    assert (bob_after.user_key, bob_after.name, bob_after.email) == (BOB_KEY, "Bob Bakker", "bob@zwolle.example.nl")
    # The old calendar link no longer works, and Anna no longer sees the registration as hers.
    assert (await client.get(f"/calendar/{anna_before.calendar_token}.ics")).status == 404
    assert msg("nl", "my_data.registrations.title", count=0) in visible(await anna.say("mijn gegevens"))
    # Idempotent: another tick (or another instance's) finds nothing more.
    assert await retention.tick() == 0


async def test_registrations_of_a_session_no_longer_known_go_after_the_window_too(make_client, connector, content, clock):
    both = await make_client(content_dir=content(session_yaml(), _later_session(), name="both"), retention_interval_seconds=0)
    await register(person(both, connector, BOB), session=LATER_ID, name="Bob Bakker")
    # An instance whose content no longer has the later session (an organizer removed it).
    only_first = await make_client(content_dir=content(session_yaml(), name="first"), retention_interval_seconds=0)
    retention = privacy(only_first).retention
    clock.set(datetime.fromisoformat("2022-09-20T10:15:00+02:00") + timedelta(days=89))
    assert await retention.tick() == 0
    clock.set(datetime.fromisoformat("2022-09-20T10:15:00+02:00") + timedelta(days=91))
    assert await retention.tick() == 1
    (bob_after,) = await rows(only_first, Registration)
    assert bob_after.name == "" and bob_after.session_id == LATER_ID


async def test_the_background_loop_ticks_and_survives_a_failing_tick():
    class Data:
        calls = 0

        async def anonymize_registrations(self, **_kwargs) -> int:
            Data.calls += 1
            if Data.calls == 1:
                raise RuntimeError("database away")
            return 0

    scheduler = RetentionScheduler(personal_data=Data(), book=SessionBook([]), clock=FixedClock(SESSION_END), days=90, interval=30)
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) > 2:
            raise _Stop()

    with pytest.raises(_Stop):
        await scheduler.run(sleep=fake_sleep)
    assert Data.calls == 2 and sleeps == [30, 30, 30]


class _Stop(Exception):
    pass
