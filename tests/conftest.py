"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set), the fake
Bot Connector, and bot instances built by the real `create_app`."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app import create_app
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.nlu import Recognizer
from storage.db import Database
from tests import wording
from tests.support import Conversation, FakeConnector, fixture

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set"))]
DEFAULT_NOW = datetime.fromisoformat("2022-09-20T10:15:00+02:00")


class DatabaseTarget:
    """Where one test's data lives: a fresh SQLite file, or a fresh schema in the test PostgreSQL."""

    def __init__(self, backend: str, url: str, schema: str | None):
        self.backend = backend
        self.url = url
        self.schema = schema

    def database(self) -> Database:
        return Database(self.url, schema=self.schema)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file with every migration applied, copied for each test (migrating anew costs more)."""
    path = tmp_path_factory.mktemp("template") / "bot.sqlite3"

    async def build() -> None:
        database = Database(f"sqlite+aiosqlite:///{path}")
        await database.migrate()
        await database.dispose()

    asyncio.run(build())
    return path


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str | None]:
    """One PostgreSQL schema for the run, migrated once; each test starts from empty tables (TRUNCATE),
    which is much faster than a new schema and a full migration per test."""
    if not PG_URL:
        yield None
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"

    async def create() -> None:
        admin = create_async_engine(PG_URL)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        database = Database(PG_URL, schema=schema)
        await database.migrate()
        await database.dispose()

    async def drop() -> None:
        admin = create_async_engine(PG_URL)
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()

    asyncio.run(create())
    try:
        yield schema
    finally:
        asyncio.run(drop())


async def _empty_tables(schema: str) -> None:
    """DELETE (not TRUNCATE, which rewrites files and is slow) every table, foreign keys switched off for this
    transaction, and restart the id sequences."""
    engine = create_async_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL lock_timeout = '10s'"))  # a leaked transaction fails loudly, not hangs
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            names = (
                await conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = :schema AND tablename <> 'alembic_version'"),
                    {"schema": schema},
                )
            ).scalars().all()
            for name in names:
                await conn.execute(text(f'DELETE FROM "{schema}"."{name}"'))
            sequences = (
                await conn.execute(
                    text("SELECT sequencename FROM pg_sequences WHERE schemaname = :schema"), {"schema": schema}
                )
            ).scalars().all()
            for name in sequences:
                await conn.execute(text(f"SELECT setval('\"{schema}\".\"{name}\"', 1, false)"))
    finally:
        await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def db_target(request, tmp_path, sqlite_template, pg_schema) -> AsyncIterator[DatabaseTarget]:
    if request.param == "sqlite":
        shutil.copyfile(sqlite_template, tmp_path / "bot.sqlite3")
        yield DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", None)
        return
    await _empty_tables(pg_schema)
    yield DatabaseTarget("postgresql", PG_URL, pg_schema)


@pytest.fixture
async def db(db_target) -> AsyncIterator[Database]:
    database = db_target.database()
    await database.migrate()
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DEFAULT_NOW)


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()
    assert fake.card_problems == [], "the bot sent cards that break the card rules: " + "; ".join(sorted(set(fake.card_problems)))


@pytest.fixture(scope="session")
def shared_content() -> dict[str, Any]:
    """The catalog and recognizer of `content/`, loaded once for the whole run (read-only in tests;
    a test that changes knowledge builds its own with `make_client(recognizer=...)`)."""
    return {"catalog": wording.catalog(), "recognizer": Recognizer.load(wording.content_dir() / "knowledge")}


@pytest.fixture
async def make_client(db_target, clock, tmp_path, shared_content) -> AsyncIterator[Callable[..., Any]]:
    """Builds bot instances with `create_app` that share this test's database."""
    clients: list[TestClient] = []

    async def make(**overrides: Any) -> TestClient:
        instance_clock = overrides.pop("clock", clock)
        recognizer = overrides.pop("recognizer", shared_content["recognizer"])
        catalog = overrides.pop("catalog", shared_content["catalog"])
        values: dict[str, Any] = {
            "database_url": db_target.url,
            "database_schema": db_target.schema,
            "data_dir": tmp_path,
            "microsoft_app_id": "",
            "public_base_url": "http://127.0.0.1:3978",
        }
        values.update(overrides)
        settings = Settings(_env_file=None, **values)
        app = create_app(settings, clock=instance_clock, catalog=catalog, recognizer=recognizer)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def client(make_client) -> TestClient:
    return await make_client()


def new_conversation(client: TestClient, connector: FakeConnector, fixture_name: str = "personal_message.json", **base_changes: Any) -> Conversation:
    base = fixture(fixture_name)
    base.update(base_changes)
    conversation_id = base["conversation"]["id"] + "-" + uuid.uuid4().hex[:8]
    return Conversation(client=client, connector=connector, base=base, conversation_id=conversation_id)


@pytest.fixture
def nl(client, connector) -> Conversation:
    return new_conversation(client, connector)


@pytest.fixture
def en(client, connector) -> Conversation:
    return new_conversation(client, connector, "personal_message_en.json")
