"""Bot state rows: where each conversation stands (dialog stacks, user profile), as botbuilder's state objects
serialised by bot/core/state_storage.py. Nothing here knows botbuilder: rows are keys, e-tags and text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_for, rowcount
from storage.models import BotStateRecord


class BotStates:
    """Bot state rows by key (what bot/core/state_storage.py reads and writes for botbuilder), and the rows of one
    user: UserState and their private state in every conversation ('my data')."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def read(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        """key -> (e-tag, data) of the stored ones among `keys`."""
        table = BotStateRecord.__table__  # a Core statement: every turn reads its state
        rows = await self._session.execute(select(table.c.key, table.c.etag, table.c.data).where(table.c.key.in_(keys)))
        return {key: (etag, data) for key, etag, data in rows.all()}

    async def put(self, key: str, etag: str, data: str, now: datetime) -> None:
        """Store whatever is stored under `key` now."""
        values = {"etag": etag, "data": data, "updated_at": now}
        insert = insert_for(self._session)
        stmt = insert(BotStateRecord).values(key=key, **values)
        await self._session.execute(stmt.on_conflict_do_update(index_elements=[BotStateRecord.key], set_=values))

    async def replace(self, key: str, expected_etag: str, etag: str, data: str, now: datetime) -> bool:
        """Compare-and-set: store only if the row still has `expected_etag`; False when it does not."""
        result = await self._session.execute(
            update(BotStateRecord)
            .where(BotStateRecord.key == key, BotStateRecord.etag == expected_etag)
            .values(etag=etag, data=data, updated_at=now)
        )
        return rowcount(result) == 1

    async def delete(self, keys: list[str]) -> None:
        await self._session.execute(delete(BotStateRecord).where(BotStateRecord.key.in_(keys)))

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
