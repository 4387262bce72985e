"""Bot state (dialog stacks, user profile) in the database, with e-tag optimistic concurrency.

Fulfils the botbuilder `Storage` contract (read, write, delete; bot/core/state.py hands it to botbuilder as a
`Storage`, so storage/ itself imports no botbuilder) so ConversationState, UserState and PrivateConversationState persist
in SQLite or PostgreSQL, and several bot instances can serve the same user turn by turn:
- a write whose e-tag matches the stored one succeeds and gets a new e-tag;
- a write with a stale e-tag raises `StateConflictError` (nothing is written);
- e-tag "*" or no e-tag overwrites.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from jsonpickle import Pickler, Unpickler
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.db import Database
from storage.models import BotStateRecord


class StateConflictError(Exception):
    """Another turn changed this state since it was read."""


class SqlStorage:
    def __init__(self, db: Database, now: Callable[[], datetime]):
        self._db = db
        self._now = now

    async def read(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        async with self._db.session() as session:
            rows = (await session.execute(select(BotStateRecord).where(BotStateRecord.key.in_(keys)))).scalars()
            result: dict[str, Any] = {}
            for row in rows:
                item = _decode(row.data)
                _set_etag(item, row.etag)
                result[row.key] = item
            return result

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        if not changes:
            return
        async with self._db.session() as session:
            for key, item in changes.items():
                expected = _get_etag(item)
                new_etag = uuid.uuid4().hex
                data = _encode(item)
                now = self._now()
                if expected in (None, "*"):
                    insert = pg_insert if not self._db.is_sqlite else sqlite_insert
                    stmt = insert(BotStateRecord).values(key=key, etag=new_etag, data=data, updated_at=now)
                    stmt = stmt.on_conflict_do_update(
                        index_elements=[BotStateRecord.key],
                        set_={"etag": new_etag, "data": data, "updated_at": now},
                    )
                    await session.execute(stmt)
                else:
                    result = await session.execute(
                        update(BotStateRecord)
                        .where(BotStateRecord.key == key, BotStateRecord.etag == expected)
                        .values(etag=new_etag, data=data, updated_at=now)
                    )
                    if result.rowcount != 1:
                        raise StateConflictError(f"state {key!r} was changed by another turn")
                _set_etag(item, new_etag)

    async def delete(self, keys: list[str]) -> None:
        if not keys:
            return
        async with self._db.session() as session:
            await session.execute(delete(BotStateRecord).where(BotStateRecord.key.in_(keys)))


def _encode(item: Any) -> str:
    flat = Pickler().flatten(item)
    if isinstance(flat, dict):
        flat.pop("e_tag", None)
    return json.dumps(flat, separators=(",", ":"), ensure_ascii=False)


def _decode(data: str) -> Any:
    return Unpickler().restore(json.loads(data), reset=True)


def _get_etag(item: Any) -> str | None:
    if isinstance(item, dict):
        return item.get("e_tag")
    return getattr(item, "e_tag", None)


def _set_etag(item: Any, etag: str) -> None:
    if isinstance(item, dict):
        item["e_tag"] = etag
    elif hasattr(item, "e_tag") or hasattr(item, "__dict__"):
        item.e_tag = etag
