"""A database that hangs (a lock held by someone else) makes a turn fail fast with a polite "try again" in
the user's language; the conversation state saved before stays; /healthz and other users keep answering."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import new_conversation
from tests.offers.conftest import OFFER_CARD
from tests.support import all_text, cards, elements
from tests.wording import msg

TIMEOUT = 0.5


@contextlib.asynccontextmanager
async def database_locked(db_target) -> AsyncIterator[None]:
    """Another client holds the lock on the table every turn writes first (the re-delivery claims)."""
    if db_target.backend == "sqlite":
        path = db_target.url.split("///", 1)[1]
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # the write lock of the whole file
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_async_engine(db_target.url)
    try:
        async with engine.connect() as conn:
            transaction = await conn.begin()
            await conn.execute(text(f'LOCK TABLE "{db_target.schema}".processed_activity IN ACCESS EXCLUSIVE MODE'))
            try:
                yield
            finally:
                await transaction.rollback()
    finally:
        await engine.dispose()


def _has_confirm(replies) -> bool:
    return any(a["data"]["action"] == "offer.confirm" for c in cards(replies) for a in elements(c, "Action.Submit"))


async def test_a_locked_database_gets_a_polite_retry_and_keeps_the_form(make_client, connector, db_target):
    client = await make_client(database_statement_timeout_seconds=TIMEOUT, database_connect_timeout_seconds=TIMEOUT)
    anna = new_conversation(client, connector)
    bob_ids = {"id": "29:bob", "name": "Bob", "aadObjectId": "1a2b3c4d-0000-4000-8000-0000000000b0"}
    bob = new_conversation(client, connector, "personal_message_en.json", **{"from": bob_ids})
    await anna.say("expertise aanbieden")
    async with database_locked(db_target):
        started = health_started = time.monotonic()
        health, replies, other = await asyncio.gather(
            client.get("/healthz"), anna.submit(OFFER_CARD), bob.say("hello"),
        )
        assert health.status == 200 and time.monotonic() - health_started < 3
        assert time.monotonic() - started < 10, "the turn waited for the database far beyond its timeout"
        assert msg("nl", "error.busy") in all_text(replies)
        assert msg("en", "error.busy") in all_text(other)  # the other user is answered too, in English
    # The lock is gone: the form is still open where it was, and the same submit goes on to the summary.
    replies = await anna.submit(OFFER_CARD)
    assert _has_confirm(replies), all_text(replies)
