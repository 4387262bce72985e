"""Claims for runs of periodic jobs, so that a job several instances schedule runs once per slot.

`JobRuns.claim(job, slot, ...)` inserts the (job, slot) row and says whether this caller got it; the row
stays as the record of the run (`finish` stamps its end) and rows older than a week are pruned by the
claimer. Works the same on SQLite (one file, several processes) and PostgreSQL (several hosts).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update

from storage.db import Database, insert_for, rowcount
from storage.models import JobRun

KEEP = timedelta(days=7)


class JobRuns:
    """Owns its own short units of work (a claim is one transaction, the job's work others)."""

    def __init__(self, db: Database):
        self._db = db

    async def claim(self, job: str, slot: int, holder: str, now: datetime) -> bool:
        async with self._db.transaction() as session:
            insert = insert_for(session)
            result = await session.execute(
                insert(JobRun).values(job=job, slot=slot, holder=holder[:64], started_at=now).on_conflict_do_nothing()
            )
            claimed = rowcount(result) == 1
            if claimed:
                await session.execute(delete(JobRun).where(JobRun.job == job, JobRun.started_at < now - KEEP))
        return claimed

    async def finish(self, job: str, slot: int, now: datetime) -> None:
        async with self._db.transaction() as session:
            await session.execute(update(JobRun).where(JobRun.job == job, JobRun.slot == slot).values(finished_at=now))
