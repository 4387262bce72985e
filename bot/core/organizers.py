"""Who is an organizer: the Entra object ids in ORGANIZER_AAD_IDS, checked on every call, and every
organizer action (allowed or refused) written to the audit trail."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import MessageFactory, TurnContext

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.i18n import Catalog
from bot.core.turn import lang_of, user_ids
from storage.audit.repository import AuditTrail
from storage.db import Database

log = logging.getLogger(__name__)


class Organizers:
    def __init__(self, *, settings: Settings, catalog: Catalog, db: Database, clock: Clock):
        self._settings = settings
        self._catalog = catalog
        self._db = db
        self._clock = clock

    def is_organizer(self, aad_object_id: str | None) -> bool:
        allowed = {a.strip().lower() for a in self._settings.organizer_aad_ids}
        return bool(aad_object_id and aad_object_id.strip().lower() in allowed)

    def sender_is_organizer(self, turn_context: TurnContext) -> bool:
        return self.is_organizer(user_ids(turn_context.activity)[1])

    async def authorize(
        self, turn_context: TurnContext, action: str, *, target: str | None = None, refusal_key: str = "organizer.refused"
    ) -> bool:
        """True for an organizer. Anyone else gets a polite refusal and nothing else; both are audited."""
        aad_object_id = user_ids(turn_context.activity)[1] or ""
        allowed = self.is_organizer(aad_object_id)
        await self.audit(aad_object_id, action, target=target, allowed=allowed)
        if not allowed:
            log.info("refused organizer action %s to a non-organizer", action)
            await turn_context.send_activity(
                MessageFactory.text(self._catalog.text(lang_of(turn_context), refusal_key))
            )
        return allowed

    async def audit(
        self, aad_object_id: str, action: str, *, target: str | None = None, detail: dict[str, Any] | None = None, allowed: bool = True
    ) -> None:
        async with self._db.transaction() as session:
            await AuditTrail(session).record(
                actor_aad_object_id=aad_object_id or "unknown",
                action=action,
                now=self._clock.now(),
                target=target,
                detail=detail,
                allowed=allowed,
            )
