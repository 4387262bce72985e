"""A database that hangs makes a turn fail fast with a polite "try again" in the user's language; the
conversation state saved before stays; /healthz and other users keep answering (issue 13, defect 5).

Two ways to hang: a lock held by another client (SQLite and PostgreSQL), and, on PostgreSQL, a network that
stops carrying bytes: a loopback TCP proxy between the bot and PostgreSQL that is paused (connections stay
open, nothing is relayed), the way a stalled server or a broken route looks to the bot."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.offers.models import ExpertiseOffer
from tests.conftest import PG_URL, new_conversation
from tests.offers.conftest import OFFER_CARD, token_of
from tests.support import all_text, cards, elements
from tests.wording import msg, msg_part

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


class PausableProxy:
    """A loopback TCP proxy to PostgreSQL. Paused, it relays no bytes and opens no upstream connection, but
    keeps every connection open: to the bot the database has stopped answering."""

    def __init__(self, host: str, port: int) -> None:
        self._upstream = (host, port)
        self._running = asyncio.Event()
        self._running.set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for writer in list(self._writers):
            writer.close()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        await self._running.wait()
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            writer.close()
            return
        self._writers.add(up_writer)
        self._spawn(self._pump(reader, up_writer))
        self._spawn(self._pump(up_reader, writer))

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await self._running.wait()  # paused: the bytes wait here, the connection stays open
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set")
async def test_a_postgresql_that_stops_answering_gets_polite_retries_and_keeps_the_form(make_client, connector, db_target):
    if db_target.backend != "postgresql":
        pytest.skip("the network between the bot and PostgreSQL")
    url = make_url(db_target.url)
    proxy = PausableProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    try:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        client = await make_client(
            database_url=proxied, database_statement_timeout_seconds=TIMEOUT, database_connect_timeout_seconds=TIMEOUT
        )
        anna = new_conversation(client, connector)
        bob_ids = {"id": "29:bob", "name": "Bob", "aadObjectId": "1a2b3c4d-0000-4000-8000-0000000000b0"}
        bob = new_conversation(client, connector, "personal_message_en.json", **{"from": bob_ids})
        await anna.say("expertise aanbieden")
        summary = await anna.submit(OFFER_CARD)
        confirm = {"action": "offer.confirm", "token": token_of(summary, "offer")}

        proxy.pause()

        async def timed(coroutine):
            started = time.monotonic()
            result = await coroutine
            return result, time.monotonic() - started

        (health, health_took), (replies, confirm_took), (other, other_took) = await asyncio.wait_for(
            asyncio.gather(timed(client.get("/healthz")), timed(anna.submit(confirm)), timed(bob.say("hello"))),
            20,  # without timeouts they would wait for ever: fail instead
        )
        assert health.status == 503 and health_took < 4, health_took  # the ping's own 2 s, plus a loaded machine
        assert msg("nl", "error.busy") in all_text(replies)
        assert msg("en", "error.busy") in all_text(other)  # the other user is not stuck behind Anna's turn
        # Each waited for the database about its timeout (0.5 s here; measured 0.55 s), not 25 s.
        assert confirm_took < 3 and other_took < 3, (confirm_took, other_took)

        proxy.resume()
        # The database answers again: the form is where it was, and the same confirm saves the offer once.
        assert (await client.get("/healthz")).status == 200
        assert msg_part("nl", "offer.saved") in all_text(await anna.submit(confirm))
    finally:
        await proxy.close()
    engine = create_async_engine(db_target.url, connect_args={"server_settings": {"search_path": db_target.schema}})
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(select(func.count()).select_from(ExpertiseOffer))).scalar_one() == 1
    finally:
        await engine.dispose()
