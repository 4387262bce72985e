"""Alembic environment: run with a connection handed over by `Database.migrate`, or from the CLI."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import pkgutil

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

import storage
from storage.models import Base

# Features keep their tables in `storage/<feature>/models.py`; import them all so the metadata (used by
# `alembic revision --autogenerate`) is complete.
for _module in pkgutil.iter_modules(storage.__path__):
    if (
        _module.ispkg
        and _module.name != "migrations"
        and importlib.util.find_spec(f"storage.{_module.name}.models") is not None
    ):
        importlib.import_module(f"storage.{_module.name}.models")

target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_from_cli() -> None:
    # Only the `alembic` command line needs the bot's settings; the bot itself passes its connection in.
    from bot.core.config import Settings  # noqa: PLC0415

    async def go() -> None:
        engine = create_async_engine(Settings().effective_database_url)
        async with engine.begin() as conn:
            await conn.run_sync(_run)
        await engine.dispose()

    asyncio.run(go())


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    _run_from_cli()
