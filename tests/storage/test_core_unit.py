"""`Database.core_unit`: a turn's unit of work (claim, state read and write) in one transaction; on a SQLite file
in one hop to the database thread, with no aiosqlite call at all; and SQLite connections back in the pool
rolled back only when they hold a transaction (storage/db.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiosqlite.core
import pytest

from storage.bot_state import BotStates
from storage.repositories import ProcessedActivities

NOW = datetime(2022, 9, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def aiosqlite_calls(monkeypatch) -> list[str]:
    """The calls this process makes through aiosqlite's thread (each one a hop), by name."""
    calls: list[str] = []
    execute = aiosqlite.core.Connection._execute  # noqa: SLF001 - every call into its thread passes here

    async def counted(self, fn, *args, **kwargs):
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await execute(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    return calls


async def _stored(db, key: str) -> tuple[bool, dict[str, tuple[str, str]]]:
    async with db.core_transaction() as conn:
        claimed = not await ProcessedActivities(conn).claim(key, NOW, NOW - timedelta(days=1))
        return claimed, await BotStates(conn).read(["state/a"])


async def test_a_unit_commits_its_statements_together_and_returns_what_its_body_returns(db, aiosqlite_calls):
    async def body(conn):
        taken = await ProcessedActivities(conn).claim("k1", NOW, NOW - timedelta(seconds=30))
        await BotStates(conn).put("state/a", "e1", '{"x": 1}', NOW)
        return taken, await BotStates(conn).read(["state/a", "state/b"])

    taken, rows = await db.core_unit(body)
    assert taken is True
    assert rows == {"state/a": ("e1", '{"x": 1}')}
    if db.is_sqlite:
        assert aiosqlite_calls == []  # the whole unit in one hop to the SQLite thread, not through aiosqlite
    claimed, stored = await _stored(db, "k1")
    assert claimed and stored == {"state/a": ("e1", '{"x": 1}')}


async def test_a_unit_that_fails_changes_nothing(db):
    async def body(conn):
        await ProcessedActivities(conn).claim("k2", NOW, NOW - timedelta(seconds=30))
        await BotStates(conn).put("state/a", "e2", "{}", NOW)
        raise LookupError("the turn failed")

    with pytest.raises(LookupError):
        await db.core_unit(body)
    claimed, stored = await _stored(db, "k2")
    assert not claimed and stored == {}


async def test_on_sqlite_a_unit_that_waits_for_anything_but_its_statements_is_refused_and_rolled_back(db):
    if not db.is_sqlite:
        pytest.skip("the SQLite thread only")

    async def body(conn):
        await ProcessedActivities(conn).claim("k3", NOW, NOW - timedelta(seconds=30))
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="awaited something other than its statements"):
        await db.core_unit(body)
    claimed, _stored_rows = await _stored(db, "k3")
    assert not claimed


async def test_units_and_transactions_take_turns_to_write(db):
    """Many units at once with other transactions in between: every write lands, none is lost or refused."""

    async def unit(n: int) -> None:
        async def body(conn):
            await BotStates(conn).put(f"state/u{n}", "e", str(n), NOW)

        await db.core_unit(body)

    async def session(n: int) -> None:
        async with db.transaction() as s:
            await BotStates(s).put(f"state/s{n}", "e", str(n), NOW)

    await asyncio.gather(*(unit(n) for n in range(20)), *(session(n) for n in range(20)))
    async with db.core_transaction() as conn:
        rows = await BotStates(conn).read([f"state/{kind}{n}" for kind in "us" for n in range(20)])
    assert len(rows) == 40


async def test_on_sqlite_a_connection_back_in_the_pool_is_rolled_back_only_when_it_has_a_transaction_open(db, aiosqlite_calls):
    """After a unit of work's commit the pool's rollback would be a hop that does nothing: it is left out; a
    connection that comes back with a transaction open is still rolled back."""
    if not db.is_sqlite:
        pytest.skip("SQLite's reset on return")
    async with db.transaction() as session:
        await BotStates(session).put("state/a", "e", "{}", NOW)
    assert "commit" in aiosqlite_calls and "rollback" not in aiosqlite_calls

    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        await raw.execute("INSERT INTO bot_state (key, etag, data, updated_at) VALUES ('state/b', 'e', '{}', '2022-09-20 08:00:00')")
        assert raw.in_transaction  # left open: SQLAlchemy does not know of it
    assert "rollback" in aiosqlite_calls
    async with db.core_transaction() as conn:
        assert await BotStates(conn).read(["state/a", "state/b"]) == {"state/a": ("e", "{}")}


async def test_an_orm_unit_commits_what_its_session_added_and_returns_loaded_objects(db, aiosqlite_calls):
    """`Database.unit`: the same in an ORM session (pending objects are flushed at the end of the unit)."""
    from storage.models import BotStateRecord

    async def body(session):
        session.add(BotStateRecord(key="state/orm", etag="e", data="{}", updated_at=NOW))
        return await session.get(BotStateRecord, "state/a")

    async with db.core_transaction() as conn:
        await BotStates(conn).put("state/a", "e0", '{"a": 0}', NOW)
    aiosqlite_calls.clear()
    found = await db.unit(body)
    assert found is not None and (found.key, found.etag, found.data) == ("state/a", "e0", '{"a": 0}')
    if db.is_sqlite:
        assert aiosqlite_calls == []  # one hop to the SQLite thread
    async with db.core_transaction() as conn:
        assert set(await BotStates(conn).read(["state/a", "state/orm"])) == {"state/a", "state/orm"}


async def test_an_orm_unit_that_fails_changes_nothing(db):
    from storage.models import BotStateRecord

    async def body(session):
        session.add(BotStateRecord(key="state/gone", etag="e", data="{}", updated_at=NOW))
        await session.flush()
        raise LookupError("the step failed")

    with pytest.raises(LookupError):
        await db.unit(body)
    async with db.core_transaction() as conn:
        assert await BotStates(conn).read(["state/gone"]) == {}


async def test_after_dispose_the_sqlite_thread_ends_and_units_still_work(db_target):
    import threading

    from storage.db import Database

    def unit_threads() -> int:
        return sum(thread.name.startswith("sqlite-unit") for thread in threading.enumerate())

    before = unit_threads()
    db = Database(db_target.url, schema=db_target.schema)

    async def body(conn):
        return await BotStates(conn).read(["state/none"])

    assert await db.core_unit(body) == {}
    await db.dispose()
    for _ in range(100):
        if unit_threads() == before:
            break
        await asyncio.sleep(0.01)
    assert unit_threads() == before
    assert await db.core_unit(body) == {}  # the same database object, on the usual connections
    await db.dispose()
