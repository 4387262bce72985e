"""Organizers' answers to forwarded questions, and the knowledge entries organizers add at run time.

- `question_answer`: one per answered forwarded question: who answered, the form's confirm token (a double
  click is recognised), whether the asker got it, and the knowledge entry made from it. The answer text
  itself lives on the question row (`forwarded_question.answer`), so erasing a person's questions ('delete
  my data') erases the answers to them too.
- `knowledge_entry`: a question and answer in Dutch and English, added by an organizer; every instance
  loads these into its recognizer at start-up and when the table changes (bot/questions/knowledge.py).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, one_of


class AnswerDelivery(StrEnum):
    """Whether the asker got an organizer's answer: pending, sent, gone (unreachable) or failed (retried later)."""

    PENDING = "pending"
    SENT = "sent"
    GONE = "gone"
    FAILED = "failed"


PENDING, SENT, GONE, FAILED = AnswerDelivery


class QuestionAnswer(Base):
    """An organizer's answer to one forwarded question (the question row itself is marked answered too)."""

    __tablename__ = "question_answer"
    __table_args__ = (
        UniqueConstraint("question_id"),
        UniqueConstraint("confirm_token"),
        CheckConstraint(one_of("delivery", AnswerDelivery), name="delivery_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("forwarded_question.id", ondelete="CASCADE"))
    answered_by: Mapped[str] = mapped_column(String(64))  # the organizer's Entra object id
    confirm_token: Mapped[str] = mapped_column(String(64))
    delivery: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    kb_entry_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class KnowledgeEntryRecord(Base):
    """A knowledge entry added by an organizer; `entry_id` is the recognizer's id (kb_...)."""

    __tablename__ = "knowledge_entry"
    __table_args__ = (
        UniqueConstraint("entry_id"),
        UniqueConstraint("confirm_token"),
        UniqueConstraint("source_question_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(64))
    question_nl: Mapped[str] = mapped_column(Text)
    question_en: Mapped[str] = mapped_column(Text)
    answer_nl: Mapped[str] = mapped_column(Text)
    answer_en: Mapped[str] = mapped_column(Text)
    examples: Mapped[str] = mapped_column(Text, default="{}")  # JSON: {"nl": [...], "en": [...]}
    source_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("forwarded_question.id", ondelete="SET NULL")
    )
    created_by: Mapped[str] = mapped_column(String(64))
    confirm_token: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=1)  # bumped on every change (refresh signature)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
