"""Repository of the audit trail."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit.models import AuditEntry


class AuditTrail:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def record(
        self,
        *,
        actor_aad_object_id: str,
        action: str,
        now: datetime,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
        allowed: bool = True,
    ) -> AuditEntry:
        entry = AuditEntry(
            at=now,
            actor_aad_object_id=actor_aad_object_id,
            action=action,
            target=target,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
            allowed=allowed,
        )
        self._session.add(entry)
        await self._session.flush()
        return entry

    async def recent(self, limit: int = 100) -> list[AuditEntry]:
        stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        return list((await self._session.execute(stmt)).scalars())
