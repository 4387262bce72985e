"""The audit trail on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from storage.audit.repository import AuditTrail


async def test_actions_are_recorded_newest_first(db, clock):
    async with db.transaction() as s:
        await AuditTrail(s).record(actor_aad_object_id="org-1", action="overview.show", now=clock.now())
        await AuditTrail(s).record(actor_aad_object_id="someone", action="export.offers.csv", now=clock.now(),
                                   target="offers", detail={"rows": 3}, allowed=False)
    async with db.transaction() as s:
        recent = await AuditTrail(s).recent()
    assert [(e.action, e.allowed) for e in recent] == [("export.offers.csv", False), ("overview.show", True)]
    assert json.loads(recent[0].detail) == {"rows": 3} and recent[0].at == clock.now()
