"""Repository of the organizers' question desk: open forwarded questions, answering them once, delivery.

Takes an `AsyncSession`; the caller owns the transaction. Returns frozen views, so callers never hold a
detached ORM object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rowcount
from storage.models import ForwardedQuestion, QuestionStatus
from storage.offers.models import ContributionIntention, ExpertiseOffer
from storage.questions.models import FAILED, PENDING, QuestionAnswer
from storage.registration.models import Registration

OPEN, ANSWERED = QuestionStatus.OPEN, QuestionStatus.ANSWERED
Claim = Literal["claimed", "repeat", "answered", "missing"]


@dataclass(frozen=True)
class QuestionView:
    id: int
    question: str
    language: str
    asker_name: str | None
    municipality: str | None
    status: str
    answer: str | None
    created_at: datetime
    conversation_reference: str


@dataclass(frozen=True)
class AnswerView:
    question_id: int
    answered_by: str
    delivery: str
    kb_entry_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class ClaimResult:
    outcome: Claim
    answer: AnswerView | None = None


def _question(row: ForwardedQuestion, municipality: str | None = None) -> QuestionView:
    return QuestionView(
        id=row.id,
        question=row.question,
        language=row.language,
        asker_name=row.asker_name,
        municipality=municipality,
        status=row.status,
        answer=row.answer,
        created_at=row.created_at,
        conversation_reference=row.conversation_reference,
    )


def _answer(row: QuestionAnswer) -> AnswerView:
    return AnswerView(
        question_id=row.question_id,
        answered_by=row.answered_by,
        delivery=row.delivery,
        kb_entry_id=row.kb_entry_id,
        created_at=row.created_at,
    )


class QuestionDeskRecords:
    def __init__(self, session: AsyncSession):
        self._session = session

    # --- reading ------------------------------------------------------------------------------
    async def open_page(self, *, offset: int, limit: int) -> tuple[list[QuestionView], int]:
        """One page of the open questions, newest first, and how many are open in all."""
        total = await self._session.scalar(
            select(func.count()).select_from(ForwardedQuestion).where(ForwardedQuestion.status == OPEN)
        )
        stmt = (
            select(ForwardedQuestion)
            .where(ForwardedQuestion.status == OPEN)
            .order_by(ForwardedQuestion.created_at.desc(), ForwardedQuestion.id.desc())
            .offset(offset)
            .limit(limit)
        )
        rows = list((await self._session.execute(stmt)).scalars())
        places = await self.municipalities({row.user_key for row in rows})
        return [_question(row, places.get(row.user_key)) for row in rows], int(total or 0)

    async def get(self, question_id: int) -> QuestionView | None:
        row = await self._session.get(ForwardedQuestion, question_id)
        if row is None:
            return None
        places = await self.municipalities({row.user_key})
        return _question(row, places.get(row.user_key))

    async def municipalities(self, user_keys: set[str]) -> dict[str, str]:
        """The municipality each asker gave most recently in a registration, offer or contribution."""
        if not user_keys:
            return {}
        latest: dict[str, tuple[datetime, str]] = {}
        for model in (Registration, ExpertiseOffer, ContributionIntention):
            stmt = select(model.user_key, model.municipality, model.created_at).where(model.user_key.in_(user_keys))
            for user_key, municipality, created_at in (await self._session.execute(stmt)).all():
                if municipality and (user_key not in latest or created_at > latest[user_key][0]):
                    latest[user_key] = (created_at, municipality)
        return {key: value for key, (_, value) in latest.items()}

    async def answer_for(self, question_id: int) -> AnswerView | None:
        row = await self._session.scalar(select(QuestionAnswer).where(QuestionAnswer.question_id == question_id))
        return _answer(row) if row is not None else None

    async def answer_by_token(self, token: str) -> AnswerView | None:
        row = await self._session.scalar(select(QuestionAnswer).where(QuestionAnswer.confirm_token == token))
        return _answer(row) if row is not None else None

    # --- answering ----------------------------------------------------------------------------
    async def claim_answer(self, *, question_id: int, answer: str, answered_by: str, token: str, now: datetime) -> ClaimResult:
        """Mark the question answered and store the answer, unless it is answered already. Only the caller
        that gets "claimed" sends the answer: a double click ("repeat": same token) or a second organizer
        ("answered") do not. The status update is conditional, so concurrent claims cannot both win."""
        mine = await self.answer_by_token(token)
        if mine is not None:
            return ClaimResult("repeat", mine)
        result = await self._session.execute(
            update(ForwardedQuestion)
            .where(ForwardedQuestion.id == question_id, ForwardedQuestion.status == OPEN)
            .values(status=ANSWERED, answer=answer, answered_at=now)
        )
        if rowcount(result) != 1:
            status = await self._session.scalar(select(ForwardedQuestion.status).where(ForwardedQuestion.id == question_id))
            if status != ANSWERED:  # gone, or erased by the asker ('delete my data')
                return ClaimResult("missing")
            return ClaimResult("answered", await self.answer_for(question_id))
        row = QuestionAnswer(
            question_id=question_id,
            answered_by=answered_by,
            confirm_token=token,
            delivery=PENDING,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return ClaimResult("claimed", _answer(row))

    async def set_delivery(self, question_id: int, delivery: str, now: datetime) -> None:
        await self._session.execute(
            update(QuestionAnswer).where(QuestionAnswer.question_id == question_id).values(delivery=delivery, delivered_at=now)
        )

    async def claim_resend(self, question_id: int) -> AnswerView | None:
        """Take a failed delivery for another attempt (once, whoever asks first)."""
        result = await self._session.execute(
            update(QuestionAnswer)
            .where(QuestionAnswer.question_id == question_id, QuestionAnswer.delivery == FAILED)
            .values(delivery=PENDING)
        )
        if rowcount(result) != 1:
            return None
        return await self.answer_for(question_id)

    async def link_knowledge(self, question_id: int, entry_id: str) -> None:
        await self._session.execute(
            update(QuestionAnswer).where(QuestionAnswer.question_id == question_id).values(kb_entry_id=entry_id)
        )
