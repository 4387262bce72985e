"""ORM models. Domain records are tables with constraints; bot state holds only where a conversation is."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class NoticeStatus(StrEnum):
    """Where a proactive notice (reminder, promotion, session change, next-session news) stands."""

    PENDING = "pending"  # to send
    CLAIMED = "claimed"  # an instance is sending it
    SENT = "sent"
    GONE = "gone"  # unreachable: not retried
    SKIPPED = "skipped"  # no longer relevant (e.g. cancelled or switched mode)


class QuestionStatus(StrEnum):
    """A forwarded question: open (in the organizers' queue), answered, or erased by its asker while open."""

    OPEN = "open"
    ANSWERED = "answered"
    ERASED = "erased"


def one_of(column: str, values: Iterable[str]) -> str:
    """SQL for a check constraint: `column` holds one of `values` (the stored strings)."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive storage) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime()}


class BotStateRecord(Base):
    """One botbuilder state object (conversation, user or private conversation scope)."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    etag: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class ProcessedActivity(Base):
    """An inbound activity claimed by a turn: a re-delivery with the same id is dropped once the turn finished
    (`finished_at`), and may take the claim over when the turn did not finish within its lease (`seen_at`:
    when it was claimed)."""

    __tablename__ = "processed_activity"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class ConversationReferenceRecord(Base):
    """Where the bot can reach a user or a chat proactively (reminders, answers, organizer posts)."""

    __tablename__ = "conversation_reference"
    __table_args__ = (Index("ix_conversation_reference_aad_object_id", "aad_object_id"),)

    conversation_id: Mapped[str] = mapped_column(String(512), primary_key=True)
    conversation_type: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(256))
    aad_object_id: Mapped[str | None] = mapped_column(String(64))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    service_url: Mapped[str] = mapped_column(String(512))
    reference: Mapped[str] = mapped_column(Text)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class AnswerFeedback(Base):
    """A user's verdict on one answer: helpful or not. One per user per answer message (last click wins)."""

    __tablename__ = "answer_feedback"
    __table_args__ = (UniqueConstraint("user_key", "entry_id", "message_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(128), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    user_key: Mapped[str] = mapped_column(String(256))
    aad_object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    message_key: Mapped[str] = mapped_column(String(256))
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ForwardedQuestion(Base):
    """A question the bot could not answer, passed on to the organizers (answered in the organizers' flow)."""

    __tablename__ = "forwarded_question"
    __table_args__ = (UniqueConstraint("dedup_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedup_key: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    user_key: Mapped[str] = mapped_column(String(256))
    aad_object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    asker_name: Mapped[str | None] = mapped_column(String(256))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    conversation_id: Mapped[str] = mapped_column(String(512))
    conversation_reference: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=QuestionStatus.OPEN.value, index=True)
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class JobRun(Base):
    """One run of a periodic job that must run once across instances (reminders, retention): the instance
    that inserts the (job, slot) row runs it; the others skip that slot. A slot is the job's interval
    counted from the Unix epoch, so every instance names the same slot for the same moment."""

    __tablename__ = "job_run"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    holder: Mapped[str] = mapped_column(String(64))  # which instance (host and process id; no personal data)
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
