"""The secret that signs organizer export links, when no EXPORT_SIGNING_KEY is configured: made once at random
and kept in the database, so every instance signs and checks with the same key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_for, rowcount
from storage.organizers.models import ExportDownload, ExportSecret


class ExportSecrets:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get_or_create(self, name: str, candidate: str, now: datetime) -> str:
        """The stored secret `name`; `candidate` is stored first when there is none (the first writer wins, so
        instances starting together agree)."""
        await self._session.execute(
            insert_for(self._session)(ExportSecret)
            .values(name=name, value=candidate, created_at=now)
            .on_conflict_do_nothing(index_elements=[ExportSecret.name])
        )
        stmt = select(ExportSecret.value).where(ExportSecret.name == name)
        return (await self._session.execute(stmt)).scalar_one()


class ExportDownloads:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def claim(self, link_id: str, now: datetime) -> bool:
        """True for the first download with this link (on any instance), False ever after."""
        result = await self._session.execute(
            insert_for(self._session)(ExportDownload)
            .values(link_id=link_id, used_at=now)
            .on_conflict_do_nothing(index_elements=[ExportDownload.link_id])
        )
        return (rowcount(result) or 0) == 1
