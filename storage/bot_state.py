"""Bot state rows: where each conversation stands (dialog stacks, user profile), as botbuilder's state objects
serialised by bot/core/state_storage.py. Nothing here knows botbuilder: rows are keys, e-tags and text."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.db import insert_for, rowcount
from storage.models import BotStateRecord

_TABLE = cast(Table, BotStateRecord.__table__)
# Every turn reads its state rows: one statement, built once (Core, bound parameters).
_READ = select(_TABLE.c.key, _TABLE.c.etag, _TABLE.c.data).where(_TABLE.c.key.in_(bindparam("keys", expanding=True)))
# (bound parameters are named b_<column>: SQLAlchemy keeps the column names for itself in INSERT and UPDATE)
_VALUES = {name: bindparam(f"b_{name}", type_=_TABLE.c[name].type) for name in ("etag", "data", "updated_at")}
_KEY = bindparam("b_key", type_=_TABLE.c.key.type)
_REPLACE = update(_TABLE).where(_TABLE.c.key == _KEY, _TABLE.c.etag == bindparam("b_expected_etag")).values(**_VALUES)
_puts: dict[Any, Any] = {}


def _put_statement(session: AsyncSession | AsyncConnection) -> Any:
    insert = insert_for(session)
    stmt = _puts.get(insert)
    if stmt is None:
        stmt = insert(_TABLE).values(key=_KEY, **_VALUES)
        stmt = _puts[insert] = stmt.on_conflict_do_update(index_elements=[_TABLE.c.key], set_=_VALUES)
    return stmt


class BotStates:
    """Bot state rows by key (what bot/core/state_storage.py reads and writes for botbuilder), and the rows of one
    user: UserState and their private state in every conversation ('my data')."""

    def __init__(self, session: AsyncSession | AsyncConnection):
        self._session = session

    async def read(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        """key -> (e-tag, data) of the stored ones among `keys`."""
        rows = await self._session.execute(_READ, {"keys": keys})
        return {key: (etag, data) for key, etag, data in rows.all()}

    async def put(self, key: str, etag: str, data: str, now: datetime) -> None:
        """Store whatever is stored under `key` now."""
        values = {"b_key": key, "b_etag": etag, "b_data": data, "b_updated_at": now}
        await self._session.execute(_put_statement(self._session), values)

    async def replace(self, key: str, expected_etag: str, etag: str, data: str, now: datetime) -> bool:
        """Compare-and-set: store only if the row still has `expected_etag`; False when it does not."""
        values = {"b_key": key, "b_expected_etag": expected_etag, "b_etag": etag, "b_data": data, "b_updated_at": now}
        return rowcount(await self._session.execute(_REPLACE, values)) == 1

    async def delete(self, keys: list[str]) -> None:
        await self._session.execute(delete(_TABLE).where(_TABLE.c.key.in_(keys)))

    @staticmethod
    def _of_user(channel_id: str, user_id: str):
        user_state = f"{channel_id}/users/{user_id}"
        # botbuilder's PrivateConversationState key: <channel>/conversations/<conversation>/users/<user>/<namespace>
        private = f"{_like_literal(channel_id)}/conversations/%/users/{_like_literal(user_id)}/%"
        return or_(BotStateRecord.key == user_state, BotStateRecord.key.like(private, escape="\\"))

    async def keys_for_user(self, channel_id: str, user_id: str) -> list[str]:
        stmt = select(BotStateRecord.key).where(self._of_user(channel_id, user_id)).order_by(BotStateRecord.key)
        return list((await self._session.execute(stmt)).scalars())

    async def delete_for_user(self, channel_id: str, user_id: str) -> int:
        result = await self._session.execute(delete(BotStateRecord).where(self._of_user(channel_id, user_id)))
        return rowcount(result) or 0


def _like_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
