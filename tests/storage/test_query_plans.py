"""The hot queries use an index, on SQLite and PostgreSQL.

Each test runs the real repository method, captures the SQL it sends (with its parameters), and asks the
database for the plan of exactly that statement: `EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` with sequential
scans switched off on PostgreSQL (with a handful of rows its planner would rightly prefer a sequential scan; with
them switched off it still takes one when no index fits, so a missing index shows). A test fails when a query
over a table reads it without an index.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from storage.db import Database
from storage.models import AnswerFeedback
from storage.organizers.reporting import Reporting
from storage.registration.models import AttendanceMode
from storage.registration.repository import Attendee, Registrar, Registrations

SESSION = "info-test"
IN_PERSON, ONLINE = AttendanceMode.IN_PERSON.value, AttendanceMode.ONLINE.value
_SQLITE_SCAN = re.compile(r"\bSCAN (\w+)\b(?! USING)")


async def _seed(db: Database, clock) -> None:
    registrar = Registrar(db)
    for i in range(12):
        attendee = Attendee(
            user_key=f"aad:{i}", aad_object_id=f"{i}", name="N", email="n@example.org", municipality="Utrecht", role="R"
        )
        await registrar.register(
            session_id=SESSION, mode=IN_PERSON if i % 2 else ONLINE, capacity=3, attendee=attendee, token=f"t{i}", now=clock.now()
        )
    async with db.transaction() as session:
        for i in range(5):
            session.add(
                AnswerFeedback(
                    entry_id=f"e{i % 2}", helpful=bool(i % 2), user_key=f"aad:{i}", aad_object_id=f"{i}", message_key=f"m{i}",
                    language="nl", created_at=clock.now(), updated_at=clock.now(),
                )
            )


async def plans(db: Database, work: Callable[[Any], Awaitable[Any]]) -> list[tuple[str, str]]:
    """(statement, plan) for every SELECT, UPDATE or DELETE that `work(session)` sends, in one transaction."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            sent.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with db.transaction() as session:
            await work(session)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    assert sent, "the work sent no query"
    found: list[tuple[str, str]] = []
    async with db.engine.connect() as conn:
        for statement, parameters in sent:
            if db.is_sqlite:
                rows = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)).all()
                found.append((statement, "\n".join(str(row[-1]) for row in rows)))
            else:
                await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
                rows = (await conn.exec_driver_sql("EXPLAIN " + statement, parameters)).all()
                found.append((statement, "\n".join(str(row[0]) for row in rows)))
        await conn.rollback()
    return found


def assert_indexed(found: list[tuple[str, str]], *, uses: str | None = None) -> None:
    """No full scan of a table; `uses`: this index appears in a SQLite plan (PostgreSQL picks among the
    fitting indexes by its statistics, which a dozen rows do not make meaningful)."""
    for statement, plan in found:
        scans = _SQLITE_SCAN.findall(plan) + re.findall(r"Seq Scan on (\w+)", plan)
        assert not scans, f"a full table scan of {scans}:\n{plan}\nfor\n{statement}"
    on_sqlite = any("SEARCH" in plan or "SCAN" in plan for _statement, plan in found)  # SQLite's plan words
    if uses is not None and on_sqlite:
        assert any(uses in plan for _statement, plan in found), f"{uses} is not used:\n" + "\n".join(p for _s, p in found)


@pytest.fixture
async def seeded(db, clock) -> Database:
    await _seed(db, clock)
    return db


async def test_registration_lookup_uses_the_partial_unique_index(seeded):
    found = await plans(seeded, lambda s: Registrations(s).active_for(SESSION, "aad:3"))
    assert_indexed(found, uses="uq_registration_active_per_user")


async def test_a_persons_registrations_and_form_tokens_are_indexed(seeded):
    async def work(session) -> None:
        repo = Registrations(session)
        await repo.active_for_user("aad:3")
        await repo.by_confirm_token("t3")
        await repo.by_calendar_token("nope")

    assert_indexed(await plans(seeded, work))


async def test_capacity_counts_are_indexed(seeded):
    async def work(session) -> None:
        repo = Registrations(session)
        await repo.seats_taken(SESSION)
        await repo.take_seat(SESSION, IN_PERSON, 3)
        await repo.count_by_status(SESSION)

    assert_indexed(await plans(seeded, work))


async def test_the_waitlist_is_indexed(seeded):
    async def work(session) -> None:
        repo = Registrations(session)
        first = await repo.first_waitlisted(SESSION, IN_PERSON)
        assert first is not None  # the seed put people on the waitlist, so the queries below are the real ones
        await repo.waitlist_position(first)

    assert_indexed(await plans(seeded, work), uses="ix_registration_queue")


async def test_reminder_and_notice_queries_are_indexed(seeded, clock):
    async def work(session) -> None:
        repo = Registrations(session)
        confirmed = await repo.confirmed_in([SESSION])
        await repo.settled_notices([r.id for r in confirmed], clock.now(), timedelta(minutes=10))

    assert_indexed(await plans(seeded, work))


async def test_the_organizers_overview_is_indexed(seeded):
    found = await plans(seeded, lambda s: Reporting(s).overview())
    assert len(found) >= 5  # registrations, offers (three), contributions, open questions, feedback
    assert_indexed(found)
