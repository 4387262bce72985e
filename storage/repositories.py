"""Repositories: the only code that queries. Each takes an `AsyncSession` (those a turn uses also a bare
`AsyncConnection`: Core statements only); the caller owns the transaction."""

from __future__ import annotations

import hashlib
import typing
from datetime import datetime

from sqlalchemy import String, Table, bindparam, case, cast, delete, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.db import dialect_name, insert_for, rowcount
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


_PROCESSED = typing.cast(Table, ProcessedActivity.__table__)
_REFERENCES = typing.cast(Table, ConversationReferenceRecord.__table__)
# The statements of every turn, built once per dialect with bound parameters: building and hashing a statement
# costs more than SQLite takes to run it.
_turn_statements: dict[tuple[str, str], typing.Any] = {}


def _turn_statement(executor: AsyncSession | AsyncConnection, name: str) -> typing.Any:
    dialect = dialect_name(executor)
    stmt = _turn_statements.get((dialect, name))
    if stmt is None:
        insert = insert_for(executor)
        when = _PROCESSED.c.seen_at.type
        if name == "claim":
            # (bound parameters are named b_<...>: SQLAlchemy keeps the column names for itself in INSERT and UPDATE)
            now = bindparam("b_now", type_=when)
            stmt = insert(_PROCESSED).values(key=bindparam("b_key", type_=_PROCESSED.c.key.type), seen_at=now, finished_at=None)
            stmt = stmt.on_conflict_do_update(
                index_elements=[_PROCESSED.c.key],
                set_={"seen_at": now},
                where=_PROCESSED.c.finished_at.is_(None) & (_PROCESSED.c.seen_at < bindparam("b_stale_before", type_=when)),
            )
        elif name == "finish":
            stmt = (
                update(_PROCESSED)
                .where(_PROCESSED.c.key.in_(bindparam("b_keys", expanding=True)))
                .values(finished_at=bindparam("b_now", type_=when))
            )
        elif name == "reference":
            columns = ("conversation_type", "user_id", "aad_object_id", "tenant_id", "service_url", "reference", "updated_at")
            values = {column: bindparam(f"b_{column}", type_=_REFERENCES.c[column].type) for column in columns}
            key = bindparam("b_conversation_id", type_=_REFERENCES.c.conversation_id.type)
            stmt = insert(_REFERENCES).values(conversation_id=key, removed=False, **values)
            stmt = stmt.on_conflict_do_update(index_elements=[_REFERENCES.c.conversation_id], set_={**values, "removed": False})
        else:
            raise KeyError(name)
        _turn_statements[(dialect, name)] = stmt
    return stmt


class ProcessedActivities:
    """Remembers inbound activity ids so a re-delivered activity is handled once."""

    def __init__(self, session: AsyncSession | AsyncConnection):
        self._session = session

    @staticmethod
    def key_for(channel_id: str, conversation_id: str, activity_id: str) -> str:
        raw = f"{channel_id}\x1f{conversation_id}\x1f{activity_id}".encode()
        return hashlib.sha256(raw).hexdigest()

    async def claim(self, key: str, now: datetime, stale_before: datetime) -> bool:
        """True when this turn may process the activity: the key is new, or its earlier claim did not finish
        and was made before `stale_before` (its process died or hung: taken over). False otherwise."""
        stmt = _turn_statement(self._session, "claim")
        result = await self._session.execute(stmt, {"b_key": key, "b_now": now, "b_stale_before": stale_before})
        return rowcount(result) == 1

    async def is_finished(self, key: str) -> bool:
        stmt = select(_PROCESSED.c.finished_at).where(_PROCESSED.c.key == key)
        return (await self._session.execute(stmt)).scalar_one_or_none() is not None

    async def finish(self, keys: list[str], now: datetime) -> None:
        """The turns of these claims completed: their re-deliveries are dropped from now on."""
        await self._session.execute(_turn_statement(self._session, "finish"), {"b_keys": keys, "b_now": now})

    async def release(self, key: str) -> None:
        """Forget a claim (the turn failed before doing anything), so a retry is processed."""
        await self._session.execute(delete(_PROCESSED).where(_PROCESSED.c.key == key))

    async def prune(self, older_than: datetime) -> int:
        result = await self._session.execute(delete(_PROCESSED).where(_PROCESSED.c.seen_at < older_than))
        return rowcount(result) or 0


class ConversationReferences:
    """Conversation references for proactive messages, one per conversation."""

    # How many times this process marked references removed or deleted them: a cache of what the turns
    # stored (bot/core/turn_store.py) is void when this moved.
    changes = 0

    def __init__(self, session: AsyncSession | AsyncConnection):
        self._session = session

    def _orm(self) -> AsyncSession:
        assert isinstance(self._session, AsyncSession), "this query needs an ORM session"
        return self._session

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
            b_conversation_id=conversation_id,
            b_conversation_type=conversation_type,
            b_user_id=user_id,
            b_aad_object_id=aad_object_id,
            b_tenant_id=tenant_id,
            b_service_url=service_url,
            b_reference=reference_json,
            b_updated_at=now,
        )
        await self._session.execute(_turn_statement(self._session, "reference"), values)

    async def get(self, conversation_id: str) -> ConversationReferenceRecord | None:
        return await self._orm().get(ConversationReferenceRecord, conversation_id)

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
        ConversationReferences.changes += 1
        record = await self._orm().get(ConversationReferenceRecord, conversation_id)
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
        ConversationReferences.changes += 1
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
