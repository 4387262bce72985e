"""Bot state (dialog stacks, user profile) kept in the database: botbuilder's `Storage` contract over the
store in storage/bot_state.py, which keeps botbuilder types out of storage/."""

from __future__ import annotations

from typing import Any

from botbuilder.core import Storage

from storage.bot_state import SqlStorage


class DatabaseStorage(Storage):
    def __init__(self, store: SqlStorage):
        super().__init__()
        self._store = store

    async def read(self, keys: list[str]) -> dict[str, Any]:
        return await self._store.read(keys)

    async def write(self, changes: dict[str, Any]) -> None:
        await self._store.write(changes)

    async def delete(self, keys: list[str]) -> None:
        await self._store.delete(keys)
