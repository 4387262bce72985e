"""Reporting for organizers: read-only queries over the tables of every feature (registrations, offers,
intentions to contribute, forwarded questions, answer feedback, the audit trail).

Nothing here writes. The caller owns the session; everything returned is a plain frozen view, so cards and
export files never touch a detached ORM object. Nothing here knows Teams, languages or labels: codes and
numbers go out, the bot turns them into words.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit.models import AuditEntry
from storage.models import AnswerFeedback, ForwardedQuestion, QuestionStatus
from storage.offers.models import ACTIVE, ContributionIntention, ExpertiseOffer, ExpertiseOfferArea
from storage.registration.models import WAITLISTED, Registration


# --- the overview ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegistrationCount:
    session_id: str
    mode: str
    status: str
    count: int


@dataclass(frozen=True)
class Tally:
    """How many active offers name one thing (an expertise area, a municipality), and their experts."""

    key: str
    offers: int
    experts: int


@dataclass(frozen=True)
class OfferSummary:
    offers: int
    experts: int
    by_area: tuple[Tally, ...]  # most offers first
    by_municipality: tuple[Tally, ...]  # most offers first


@dataclass(frozen=True)
class ContributionSummary:
    intentions: int
    with_amount: int
    total_cents: int


@dataclass(frozen=True)
class FeedbackCount:
    entry_id: str
    helpful: int
    not_helpful: int
    first_at: datetime | None
    last_at: datetime | None

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful


@dataclass(frozen=True)
class Overview:
    registrations: tuple[RegistrationCount, ...]
    offers: OfferSummary
    contributions: ContributionSummary
    open_questions: int
    feedback: tuple[FeedbackCount, ...]  # most "not helpful" first


# --- export rows ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegistrationRow:
    id: int
    session_id: str
    mode: str
    status: str
    waitlist_position: int | None
    name: str
    email: str
    municipality: str
    role: str
    accessibility: str
    dietary: str
    language: str
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None


@dataclass(frozen=True)
class OfferRow:
    id: int
    status: str
    municipality: str
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    areas: tuple[str, ...]
    other_area: str | None
    description: str
    expert_count: int
    availability: str
    working_languages: tuple[str, ...]
    work_mode: str
    language: str
    consented_at: datetime
    created_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class IntentionRow:
    id: int
    status: str
    municipality: str
    contact_name: str | None
    contact_email: str | None
    amount_cents: int | None
    remarks: str | None
    language: str
    consented_at: datetime
    created_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class QuestionRow:
    id: int
    status: str
    question: str
    asker_name: str | None
    language: str
    created_at: datetime
    answered_at: datetime | None
    answer: str | None


def municipality_key(name: str) -> str:
    """Spellings that differ only in case or spacing are one municipality."""
    return " ".join(name.split()).casefold()


class Reporting:
    """Read-only queries for the organizers' overview and exports."""

    def __init__(self, session: AsyncSession):
        self._session = session

    # --- the overview ---------------------------------------------------------------------------------
    async def overview(self) -> Overview:
        return Overview(
            registrations=await self.registration_counts(),
            offers=await self.offer_summary(),
            contributions=await self.contribution_summary(),
            open_questions=await self.open_question_count(),
            feedback=await self.feedback_counts(),
        )

    async def registration_counts(self) -> tuple[RegistrationCount, ...]:
        stmt = (
            select(Registration.session_id, Registration.mode, Registration.status, func.count())
            .group_by(Registration.session_id, Registration.mode, Registration.status)
            .order_by(Registration.session_id, Registration.mode, Registration.status)
        )
        rows = (await self._session.execute(stmt)).all()
        return tuple(RegistrationCount(session_id, mode, status, int(n)) for session_id, mode, status, n in rows)

    async def offer_summary(self) -> OfferSummary:
        active = ExpertiseOffer.status == ACTIVE
        total = (
            await self._session.execute(select(func.count(), func.coalesce(func.sum(ExpertiseOffer.expert_count), 0)).where(active))
        ).one()
        by_area_stmt = (
            select(ExpertiseOfferArea.area, func.count(ExpertiseOffer.id), func.coalesce(func.sum(ExpertiseOffer.expert_count), 0))
            .join(ExpertiseOffer, ExpertiseOffer.id == ExpertiseOfferArea.offer_id)
            .where(active)
            .group_by(ExpertiseOfferArea.area)
        )
        by_area = [Tally(area, int(n), int(experts)) for area, n, experts in (await self._session.execute(by_area_stmt)).all()]
        by_area.sort(key=lambda t: (-t.offers, -t.experts, t.key))
        by_name_stmt = (
            select(ExpertiseOffer.municipality, func.count(), func.coalesce(func.sum(ExpertiseOffer.expert_count), 0))
            .where(active)
            .group_by(ExpertiseOffer.municipality)
        )
        return OfferSummary(
            offers=int(total[0]),
            experts=int(total[1]),
            by_area=tuple(by_area),
            by_municipality=_merge_spellings((await self._session.execute(by_name_stmt)).all()),
        )

    async def contribution_summary(self) -> ContributionSummary:
        stmt = select(
            func.count(), func.count(ContributionIntention.amount_cents), func.coalesce(func.sum(ContributionIntention.amount_cents), 0)
        ).where(ContributionIntention.status == ACTIVE)
        intentions, with_amount, total = (await self._session.execute(stmt)).one()
        return ContributionSummary(int(intentions), int(with_amount), int(total or 0))

    async def open_question_count(self) -> int:
        stmt = select(func.count()).select_from(ForwardedQuestion).where(ForwardedQuestion.status == QuestionStatus.OPEN)
        return int((await self._session.execute(stmt)).scalar_one())

    async def feedback_counts(self) -> tuple[FeedbackCount, ...]:
        stmt = select(
            AnswerFeedback.entry_id,
            func.sum(case((AnswerFeedback.helpful.is_(True), 1), else_=0)),
            func.sum(case((AnswerFeedback.helpful.is_(True), 0), else_=1)),
            func.min(AnswerFeedback.created_at),
            func.max(AnswerFeedback.updated_at),
        ).group_by(AnswerFeedback.entry_id)
        counts = [
            FeedbackCount(entry_id, int(helpful or 0), int(not_helpful or 0), first_at, last_at)
            for entry_id, helpful, not_helpful, first_at, last_at in (await self._session.execute(stmt)).all()
        ]
        counts.sort(key=lambda c: (-c.not_helpful, -c.total, c.entry_id))
        return tuple(counts)

    # --- export rows ----------------------------------------------------------------------------------
    # Each reads one page when given `limit` (keyset pagination: the rows after `after`, the key of the last row
    # of the page before), so an export reads a large table in short transactions; without it, every row.
    async def registrations(
        self, *, after: tuple[str, int] | None = None, limit: int | None = None, queue: dict[tuple[str, str], int] | None = None
    ) -> list[RegistrationRow]:
        """Every registration (cancelled ones too), by session, then as registered; waitlisted ones with
        their place on the waitlist of their session and mode (`queue` carries the count from page to page).
        Page key: (session_id, id)."""
        stmt = select(Registration).order_by(Registration.session_id, Registration.id)
        if after is not None:
            stmt = stmt.where(tuple_(Registration.session_id, Registration.id) > tuple_(*after))
        if limit is not None:
            stmt = stmt.limit(limit)
        records = list((await self._session.execute(stmt)).scalars())
        queue = {} if queue is None else queue
        rows: list[RegistrationRow] = []
        for r in records:
            position = None
            if r.status == WAITLISTED:
                queue[(r.session_id, r.mode)] = position = queue.get((r.session_id, r.mode), 0) + 1
            rows.append(
                RegistrationRow(
                    id=r.id, session_id=r.session_id, mode=r.mode, status=r.status, waitlist_position=position,
                    name=r.name, email=r.email, municipality=r.municipality, role=r.role,
                    accessibility=r.accessibility or "", dietary=r.dietary or "", language=r.language,
                    created_at=r.created_at, updated_at=r.updated_at, cancelled_at=r.cancelled_at,
                )
            )
        return rows

    async def offers(self, *, after: int | None = None, limit: int | None = None) -> list[OfferRow]:
        """Every expertise offer (withdrawn ones keep no contact details), oldest first. Page key: id."""
        stmt = _page(select(ExpertiseOffer), ExpertiseOffer.id, after, limit)
        return [
            OfferRow(
                id=r.id, status=r.status, municipality=r.municipality, contact_name=r.contact_name,
                contact_email=r.contact_email, contact_phone=r.contact_phone,
                areas=tuple(a.area for a in sorted(r.areas, key=lambda a: a.position)), other_area=r.other_area,
                description=r.description, expert_count=r.expert_count, availability=r.availability,
                working_languages=tuple(c for c in r.working_languages.split(",") if c), work_mode=r.work_mode,
                language=r.language, consented_at=r.consented_at, created_at=r.created_at, updated_at=r.updated_at,
                withdrawn_at=r.withdrawn_at,
            )
            for r in (await self._session.execute(stmt)).scalars()
        ]

    async def intentions(self, *, after: int | None = None, limit: int | None = None) -> list[IntentionRow]:
        """Every intention to contribute (withdrawn ones keep no contact details), oldest first. Page key: id."""
        stmt = _page(select(ContributionIntention), ContributionIntention.id, after, limit)
        return [
            IntentionRow(
                id=r.id, status=r.status, municipality=r.municipality, contact_name=r.contact_name,
                contact_email=r.contact_email, amount_cents=r.amount_cents, remarks=r.remarks, language=r.language,
                consented_at=r.consented_at, created_at=r.created_at, updated_at=r.updated_at, withdrawn_at=r.withdrawn_at,
            )
            for r in (await self._session.execute(stmt)).scalars()
        ]

    async def questions(self, *, after: int | None = None, limit: int | None = None) -> list[QuestionRow]:
        """Every forwarded question, open and answered, oldest first. Page key: id."""
        stmt = _page(select(ForwardedQuestion), ForwardedQuestion.id, after, limit)
        return [
            QuestionRow(
                id=r.id, status=r.status, question=r.question, asker_name=r.asker_name, language=r.language,
                created_at=r.created_at, answered_at=r.answered_at, answer=r.answer,
            )
            for r in (await self._session.execute(stmt)).scalars()
        ]

    # --- the audit trail ------------------------------------------------------------------------------
    async def audit_actor(self, action: str, target: str) -> str | None:
        """Who did `action` on `target` (allowed), e.g. who created an export link; None when nobody did."""
        stmt = (
            select(AuditEntry.actor_aad_object_id)
            .where(AuditEntry.action == action, AuditEntry.target == target, AuditEntry.allowed.is_(True))
            .order_by(AuditEntry.id)
            .limit(1)
        )
        return (await self._session.execute(stmt)).scalars().first()


def _page(stmt, key, after: int | None, limit: int | None):
    stmt = stmt.order_by(key)
    if after is not None:
        stmt = stmt.where(key > after)
    return stmt.limit(limit) if limit is not None else stmt


def _merge_spellings(rows) -> tuple[Tally, ...]:
    """(municipality, offers, experts) rows grouped by `municipality_key`; each shows its most used spelling."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    offers: Counter[str] = Counter()
    experts: Counter[str] = Counter()
    for name, n, count in rows:
        key = municipality_key(name)
        spellings[key][" ".join(name.split())] += int(n)
        offers[key] += int(n)
        experts[key] += int(count)
    tallies = [
        Tally(min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0], offers[key], experts[key])
        for key in offers
    ]
    tallies.sort(key=lambda t: (-t.offers, -t.experts, t.key.casefold()))
    return tuple(tallies)
