"""Repositories: the only code that queries. Each takes an `AsyncSession`; the caller owns the transaction."""

from __future__ import annotations

import hashlib
import typing
from datetime import datetime

from sqlalchemy import String, Table, case, cast, delete, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_for, rowcount
from storage.models import (
    AnswerFeedback,
    ConversationReferenceRecord,
    ForwardedQuestion,
    ProcessedActivity,
    QuestionStatus,
)

# What an anonymized row carries instead of a person's key ('delete my data'); real keys are "aad:..." or
# "<channel>:<id>", so no person can ever have this one.
ERASED = "erased"


def _erased_id(column):
    """'erased:<row id>': unique per row, for columns with a unique constraint."""
    return literal(f"{ERASED}:").concat(cast(column, String))


class ProcessedActivities:
    """Remembers inbound activity ids so a re-delivered activity is handled once."""

    def __init__(self, session: AsyncSession):
        self._session = session

    @staticmethod
    def key_for(channel_id: str, conversation_id: str, activity_id: str) -> str:
        raw = f"{channel_id}\x1f{conversation_id}\x1f{activity_id}".encode()
        return hashlib.sha256(raw).hexdigest()

    async def claim(self, key: str, now: datetime, stale_before: datetime) -> bool:
        """True when this turn may process the activity: the key is new, or its earlier claim did not finish
        and was made before `stale_before` (its process died or hung: taken over). False otherwise."""
        # Core statements on the table (not the ORM entity): this runs on every turn.
        table = ProcessedActivity.__table__
        insert = insert_for(self._session)
        stmt = insert(table).values(key=key, seen_at=now, finished_at=None)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"seen_at": now},
            where=table.c.finished_at.is_(None) & (table.c.seen_at < stale_before),
        )
        result = await self._session.execute(stmt)
        return rowcount(result) == 1

    async def is_finished(self, key: str) -> bool:
        stmt = select(ProcessedActivity.finished_at).where(ProcessedActivity.key == key)
        return (await self._session.execute(stmt)).scalar_one_or_none() is not None

    async def finish(self, keys: list[str], now: datetime) -> None:
        """The turns of these claims completed: their re-deliveries are dropped from now on."""
        table = typing.cast(Table, ProcessedActivity.__table__)
        await self._session.execute(update(table).where(table.c.key.in_(keys)).values(finished_at=now))

    async def release(self, key: str) -> None:
        """Forget a claim (the turn failed before doing anything), so a retry is processed."""
        await self._session.execute(delete(ProcessedActivity).where(ProcessedActivity.key == key))

    async def prune(self, older_than: datetime) -> int:
        result = await self._session.execute(
            delete(ProcessedActivity).where(ProcessedActivity.seen_at < older_than)
        )
        return rowcount(result) or 0


class ConversationReferences:
    """Conversation references for proactive messages, one per conversation."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def upsert(
        self,
        *,
        conversation_id: str,
        conversation_type: str,
        user_id: str | None,
        aad_object_id: str | None,
        tenant_id: str | None,
        service_url: str,
        reference_json: str,
        now: datetime,
    ) -> None:
        values = dict(
            conversation_type=conversation_type,
            user_id=user_id,
            aad_object_id=aad_object_id,
            tenant_id=tenant_id,
            service_url=service_url,
            reference=reference_json,
            removed=False,
            updated_at=now,
        )
        table = ConversationReferenceRecord.__table__  # a Core statement: this runs on every message
        insert = insert_for(self._session)
        stmt = insert(table).values(conversation_id=conversation_id, **values)
        stmt = stmt.on_conflict_do_update(index_elements=[table.c.conversation_id], set_=values)
        await self._session.execute(stmt)

    async def get(self, conversation_id: str) -> ConversationReferenceRecord | None:
        return await self._session.get(ConversationReferenceRecord, conversation_id)

    async def personal_for(self, aad_object_id: str) -> ConversationReferenceRecord | None:
        """The user's personal (1:1) chat with the bot, if the app is installed."""
        stmt = (
            select(ConversationReferenceRecord)
            .where(
                ConversationReferenceRecord.aad_object_id == aad_object_id,
                ConversationReferenceRecord.conversation_type == "personal",
                ConversationReferenceRecord.removed.is_(False),
            )
            .order_by(ConversationReferenceRecord.updated_at.desc())
            .limit(1)
        )
        return (await self._session.execute(stmt)).scalars().first()

    async def mark_removed(self, conversation_id: str, now: datetime) -> None:
        record = await self._session.get(ConversationReferenceRecord, conversation_id)
        if record is not None:
            record.removed = True
            record.updated_at = now

    @staticmethod
    def _of_user(aad_object_id: str | None, user_id: str | None):
        """Personal references are stored with the user's ids; group and channel ones carry none."""
        conditions = []
        if aad_object_id:
            conditions.append(func.lower(ConversationReferenceRecord.aad_object_id) == aad_object_id.lower())
        if user_id:
            conditions.append(ConversationReferenceRecord.user_id == user_id)
        return or_(*conditions) if conditions else None

    async def for_user(self, aad_object_id: str | None, user_id: str | None) -> list[ConversationReferenceRecord]:
        """Every reference stored with this user's ids ('my data')."""
        condition = self._of_user(aad_object_id, user_id)
        if condition is None:
            return []
        stmt = select(ConversationReferenceRecord).where(condition).order_by(ConversationReferenceRecord.updated_at.desc())
        return list((await self._session.execute(stmt)).scalars())

    async def delete_for_user(self, aad_object_id: str | None, user_id: str | None) -> int:
        """Forget where the bot can reach this user ('delete my data'); returns how many were stored."""
        condition = self._of_user(aad_object_id, user_id)
        if condition is None:
            return 0
        result = await self._session.execute(delete(ConversationReferenceRecord).where(condition))
        return rowcount(result) or 0



class Feedback:
    """Helpful / not helpful verdicts on answers."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def record(
        self,
        *,
        entry_id: str,
        helpful: bool,
        user_key: str,
        aad_object_id: str | None,
        message_key: str,
        language: str,
        now: datetime,
    ) -> None:
        """Store the verdict; a repeated click on the same answer changes it rather than adding one."""
        insert = insert_for(self._session)
        stmt = insert(AnswerFeedback).values(
            entry_id=entry_id,
            helpful=helpful,
            user_key=user_key,
            aad_object_id=aad_object_id,
            message_key=message_key,
            language=language,
            created_at=now,
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[AnswerFeedback.user_key, AnswerFeedback.entry_id, AnswerFeedback.message_key],
            set_={"helpful": helpful, "updated_at": now},
        )
        await self._session.execute(stmt)

    async def for_user(self, user_key: str) -> list[AnswerFeedback]:
        stmt = select(AnswerFeedback).where(AnswerFeedback.user_key == user_key).order_by(AnswerFeedback.id)
        return list((await self._session.execute(stmt)).scalars())

    async def anonymize_for_user(self, user_key: str) -> int:
        """'Delete my data': the verdicts stay as anonymous counts (entry, helpful, language, dates); who gave
        them and on which message is erased. Running it again finds nothing."""
        result = await self._session.execute(
            update(AnswerFeedback)
            .where(AnswerFeedback.user_key == user_key)
            .values(user_key=ERASED, aad_object_id=None, message_key=_erased_id(AnswerFeedback.id))
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) or 0


class ForwardedQuestions:
    """Questions passed on to the organizers."""

    def __init__(self, session: AsyncSession):
        self._session = session

    @staticmethod
    def dedup_key(user_key: str, question: str) -> str:
        folded = " ".join(question.lower().split())
        return hashlib.sha256(f"{user_key}\x1f{folded}".encode()).hexdigest()

    async def add(
        self,
        *,
        question: str,
        language: str,
        user_key: str,
        aad_object_id: str | None,
        asker_name: str | None,
        tenant_id: str | None,
        conversation_id: str,
        conversation_reference: str,
        now: datetime,
    ) -> tuple[ForwardedQuestion, bool]:
        """Store an open question; the same open question from the same user is stored once.
        Returns (the record, whether it was new)."""
        key = self.dedup_key(user_key, question)
        insert = insert_for(self._session)
        stmt = (
            insert(ForwardedQuestion)
            .values(
                dedup_key=key,
                question=question,
                language=language,
                user_key=user_key,
                aad_object_id=aad_object_id,
                asker_name=asker_name,
                tenant_id=tenant_id,
                conversation_id=conversation_id,
                conversation_reference=conversation_reference,
                status=QuestionStatus.OPEN,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=[ForwardedQuestion.dedup_key])
        )
        created = rowcount(await self._session.execute(stmt)) == 1
        record = (
            await self._session.execute(select(ForwardedQuestion).where(ForwardedQuestion.dedup_key == key))
        ).scalar_one()
        return record, created

    async def open_questions(self) -> list[ForwardedQuestion]:
        stmt = select(ForwardedQuestion).where(ForwardedQuestion.status == QuestionStatus.OPEN).order_by(ForwardedQuestion.id)
        return list((await self._session.execute(stmt)).scalars())

    async def for_user(self, user_key: str) -> list[ForwardedQuestion]:
        stmt = select(ForwardedQuestion).where(ForwardedQuestion.user_key == user_key).order_by(ForwardedQuestion.id)
        return list((await self._session.execute(stmt)).scalars())

    async def erase_for_user(self, user_key: str) -> int:
        """'Delete my data': the question, its answer, the asker's identity and where to reach them are
        erased; an anonymous row stays for counts (language, dates, answered or not). A question that was
        still open leaves the organizers' queue (status 'erased'): there is no one left to answer."""
        result = await self._session.execute(
            update(ForwardedQuestion)
            .where(ForwardedQuestion.user_key == user_key)
            .values(
                user_key=ERASED,
                dedup_key=_erased_id(ForwardedQuestion.id),
                question="",
                answer=None,
                aad_object_id=None,
                asker_name=None,
                tenant_id=None,
                conversation_id="",
                conversation_reference="",
                status=case((ForwardedQuestion.status == QuestionStatus.OPEN, QuestionStatus.ERASED), else_=ForwardedQuestion.status),
            )
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) or 0
