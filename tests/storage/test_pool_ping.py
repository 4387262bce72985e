"""PostgreSQL's pool (storage/db.py, `Database._ping_if_idle`): a connection that was idle in the pool is pinged
before use and replaced when it is dead; one in use a moment ago is not pinged (no extra round trips per turn)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

from storage.db import Database


@pytest.fixture
def pings(monkeypatch) -> list[int]:
    counted: list[int] = []
    ping = AsyncAdapt_asyncpg_connection.ping

    def counting(self):
        counted.append(1)
        return ping(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counting)
    return counted


async def _backend_pid(db: Database) -> int:
    async with db.core_transaction() as conn:
        return (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()


async def test_a_connection_in_use_a_moment_ago_is_not_pinged(db_target, pings):
    if db_target.backend != "postgresql":
        pytest.skip("PostgreSQL's pool")
    db = Database(db_target.url, schema=db_target.schema, ping_idle_after=3600)
    try:
        pids = {await _backend_pid(db) for _ in range(5)}
    finally:
        await db.dispose()
    assert len(pids) == 1  # the same pooled connection every time
    assert pings == []


async def test_a_dead_connection_idle_in_the_pool_is_replaced_before_use(db_target, pings):
    if db_target.backend != "postgresql":
        pytest.skip("PostgreSQL's pool")
    db = Database(db_target.url, schema=db_target.schema, ping_idle_after=0)
    other = Database(db_target.url, schema=db_target.schema)
    try:
        first = await _backend_pid(db)
        async with other.core_transaction() as conn:  # the server ends it while it waits in the pool
            assert (await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})).scalar_one()
        second = await _backend_pid(db)  # no error: the ping found it dead, the pool connected anew
    finally:
        await db.dispose()
        await other.dispose()
    assert second != first
    assert len(pings) >= 2
