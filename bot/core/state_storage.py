"""Bot state (dialog stacks, user profile) in the database (storage/bot_state.py), with e-tag optimistic concurrency.

Implements the botbuilder `Storage` contract so ConversationState, UserState and PrivateConversationState
persist in SQLite or PostgreSQL, and several bot instances can serve the same user turn by turn:
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

from botbuilder.core import Storage
from jsonpickle import Pickler, Unpickler

from storage.bot_state import BotStates
from storage.db import Database


class StateConflictError(Exception):
    """Another turn changed this state since it was read."""


class SqlStorage(Storage):
    def __init__(self, db: Database, now: Callable[[], datetime]):
        super().__init__()
        self._db = db
        self._now = now

    async def read(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        async with self._db.transaction() as session:
            rows = await BotStates(session).read(keys)
        result: dict[str, Any] = {}
        for key, (etag, data) in rows.items():
            item = _decode(data)
            _set_etag(item, etag)
            result[key] = item
        return result

    async def write(self, changes: dict[str, Any]) -> None:
        """All changes in one transaction: a stale e-tag anywhere writes none of them."""
        if changes is None:
            raise ValueError("changes are required when writing")
        if not changes:
            return
        new_etags: dict[str, str] = {}
        async with self._db.transaction() as session:
            repo = BotStates(session)
            for key, item in changes.items():
                expected = _get_etag(item)
                new_etag = uuid.uuid4().hex
                data = _encode(item)
                now = self._now()
                if expected in (None, "*"):
                    await repo.put(key, new_etag, data, now)
                elif not await repo.replace(key, expected, new_etag, data, now):
                    raise StateConflictError(f"state {key!r} was changed by another turn")
                new_etags[key] = new_etag
        for key, etag in new_etags.items():
            _set_etag(changes[key], etag)

    async def delete(self, keys: list[str]) -> None:
        if not keys:
            return
        async with self._db.transaction() as session:
            await BotStates(session).delete(keys)


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
