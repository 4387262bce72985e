"""Migrations: a new database gets every table; an up-to-date one is recognized without running Alembic."""

from __future__ import annotations

from sqlalchemy import inspect

from storage.models import Base


async def test_every_model_table_exists_after_migrating(db):
    import importlib
    import pkgutil

    import storage

    for module in pkgutil.iter_modules(storage.__path__):
        if module.name.endswith("_models"):
            importlib.import_module(f"storage.{module.name}")
    async with db.engine.connect() as conn:
        tables = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    assert set(Base.metadata.tables) <= tables


async def test_up_to_date_database_is_recognized(db):
    assert await db._at_heads() is True  # noqa: SLF001
    await db.migrate()  # a second start changes nothing
    assert await db._at_heads() is True  # noqa: SLF001


async def test_new_database_is_not_up_to_date(tmp_path):
    from storage.db import Database

    fresh = Database(f"sqlite+aiosqlite:///{tmp_path / 'new.sqlite3'}")
    assert await fresh._at_heads() is False  # noqa: SLF001
    await fresh.migrate()
    assert await fresh._at_heads() is True  # noqa: SLF001
    await fresh.dispose()
