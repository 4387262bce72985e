"""Repository of the knowledge entries organizers add at run time (no botbuilder or recognizer types here).

Takes an `AsyncSession`; the caller owns the transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_for, rowcount
from storage.questions.models import KnowledgeEntryRecord


@dataclass(frozen=True)
class StoredEntry:
    entry_id: str
    question: dict[str, str]
    answer: dict[str, str]
    examples: dict[str, list[str]]
    source_question_id: int | None
    created_by: str
    created_at: datetime
    updated_at: datetime


Signature = tuple[int, datetime | None, int]


def _view(row: KnowledgeEntryRecord) -> StoredEntry:
    try:
        examples = json.loads(row.examples or "{}")
    except ValueError:
        examples = {}
    return StoredEntry(
        entry_id=row.entry_id,
        question={"nl": row.question_nl, "en": row.question_en},
        answer={"nl": row.answer_nl, "en": row.answer_en},
        examples={lang: [str(e) for e in items] for lang, items in examples.items() if isinstance(items, list)},
        source_question_id=row.source_question_id,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class KnowledgeEntries:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(
        self,
        *,
        entry_id: str,
        question: dict[str, str],
        answer: dict[str, str],
        examples: dict[str, list[str]],
        source_question_id: int | None,
        created_by: str,
        token: str,
        now: datetime,
    ) -> tuple[StoredEntry, bool]:
        """Store a new entry once: the same confirm token, or a second entry for the same forwarded question,
        stores nothing. Returns (the stored entry, whether it is new)."""
        stmt = (
            insert_for(self._session)(KnowledgeEntryRecord)
            .values(
                entry_id=entry_id,
                question_nl=question["nl"],
                question_en=question["en"],
                answer_nl=answer["nl"],
                answer_en=answer["en"],
                examples=json.dumps(examples, ensure_ascii=False, sort_keys=True),
                source_question_id=source_question_id,
                created_by=created_by,
                confirm_token=token,
                revision=1,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing()
        )
        created = rowcount(await self._session.execute(stmt)) == 1
        if created:
            row = (await self._session.scalars(select(KnowledgeEntryRecord).where(KnowledgeEntryRecord.entry_id == entry_id))).one()
        else:
            same = KnowledgeEntryRecord.confirm_token == token
            if source_question_id is not None:
                same = same | (KnowledgeEntryRecord.source_question_id == source_question_id)
            found = await self._session.scalar(select(KnowledgeEntryRecord).where(same).limit(1))
            if found is None:  # an id clash (practically impossible with random ids): nothing stored
                raise LookupError("knowledge entry id already taken")
            row = found
        return _view(row), created

    async def by_token(self, token: str) -> StoredEntry | None:
        row = await self._session.scalar(select(KnowledgeEntryRecord).where(KnowledgeEntryRecord.confirm_token == token))
        return _view(row) if row is not None else None

    async def for_question(self, question_id: int) -> StoredEntry | None:
        row = await self._session.scalar(
            select(KnowledgeEntryRecord).where(KnowledgeEntryRecord.source_question_id == question_id)
        )
        return _view(row) if row is not None else None

    async def all(self) -> list[StoredEntry]:
        rows = (await self._session.execute(select(KnowledgeEntryRecord).order_by(KnowledgeEntryRecord.id))).scalars()
        return [_view(row) for row in rows]

    async def signature(self) -> Signature:
        """A cheap fingerprint of the table: it changes whenever an entry is added, changed or removed."""
        count, latest, revisions = (
            await self._session.execute(
                select(
                    func.count(KnowledgeEntryRecord.id),
                    func.max(KnowledgeEntryRecord.updated_at),
                    func.coalesce(func.sum(KnowledgeEntryRecord.revision), 0),
                )
            )
        ).one()
        return int(count or 0), latest, int(revisions or 0)

    async def remove(self, entry_id: str) -> bool:
        result = await self._session.execute(delete(KnowledgeEntryRecord).where(KnowledgeEntryRecord.entry_id == entry_id))
        return (rowcount(result) or 0) > 0
