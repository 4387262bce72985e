"""Everything stored about one person, in one place: what 'my data' shows, what 'delete my data' erases, and
the retention rule that anonymizes registrations of past sessions.

Nothing here knows Teams or botbuilder: a person comes in as keys (`Person`), sessions as ids and capacities.
Each method is one transaction (a unit of work, see storage/db.py); 'delete my data' too.

What erasing does, per kind (every step can run again and then finds nothing):
- registrations: active ones are cancelled first (the freed seat goes to the waitlist), then every registration
  and 'tell me about the next session' request of the person is deleted (registration `forget_user`); the seat
  counters are the anonymous counts that remain;
- expertise offers and contribution intentions: deleted (`delete_for_user`); the active ones are returned
  without contact details or content, so the organizers can be told they were withdrawn;
- forwarded questions: text, answer, asker and conversation are erased; an anonymous row stays for counts;
- answer feedback: the verdict stays as an anonymous count; who gave it is erased;
- conversation references and bot state (language, unfinished conversations): deleted;
- knowledge entries an organizer made from the person's answered questions: the person's wording is taken out
  (an example phrasing equal to one of their questions is removed; a canonical question equal to it is replaced
  by the entry's question in the other language, the organizer's translation; an entry whose questions are the
  person's words in both languages is deleted) and the link to the question is cut;
- the person's Entra object id in the audit trail, and where they acted as an organizer (answers, knowledge
  entries, the organizers' channel): replaced by a one-way pseudonym (`pseudonym`: a keyed hash, so the same
  person keeps the same pseudonym and the trail still shows that one actor did several things).

Retention: `anonymize_registrations` erases name, e-mail, role, wishes, Entra id, person key and tokens of the
registrations of ended sessions; session, attendance mode, status, municipality (an organization, not a
person), language and dates stay, for counts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, delete, func, literal, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import String

from storage.audit.models import AuditEntry
from storage.bot_state import BotStates
from storage.db import Database, rowcount
from storage.offers.models import ACTIVE, WITHDRAWN, OrganizerChannel
from storage.offers.repository import ContributionIntentions, ContributionView, ExpertiseOffers, OfferView
from storage.organizers.keys import ExportSecrets
from storage.questions.models import KnowledgeEntryRecord, QuestionAnswer
from storage.registration.models import Registration
from storage.registration.repository import Registrations, retrying
from storage.registration.repository import forget_user as forget_registrations
from storage.repositories import ERASED, ConversationReferences, Feedback, ForwardedQuestions

_ERASED_PREFIX = f"{ERASED}:"
PSEUDONYM_PREFIX = "pseudonym:"
_PSEUDONYM_SECRET = "audit_pseudonym"  # the stored key's name when no PSEUDONYM_KEY is configured


def pseudonym(key: str, aad_object_id: str) -> str:
    """A one-way pseudonym for an Entra object id: HMAC-SHA256 with a secret key (not reversible without it,
    and not guessable from the id alone)."""
    digest = hmac.new(key.encode(), aad_object_id.strip().lower().encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:40]


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Person:
    """Who: the bot's key for the person, their Entra object id, and their id on the channel (bot state keys)."""

    user_key: str
    aad_object_id: str | None
    channel_id: str
    channel_user_id: str | None


@dataclass(frozen=True)
class RegistrationRecord:
    id: int
    session_id: str
    mode: str
    status: str
    name: str
    email: str
    municipality: str
    role: str
    accessibility: str
    dietary: str
    created_at: datetime


@dataclass(frozen=True)
class QuestionRecord:
    id: int
    question: str
    status: str
    answer: str | None
    created_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True)
class FeedbackRecord:
    entry_id: str
    helpful: bool
    updated_at: datetime


@dataclass(frozen=True)
class ReferenceRecord:
    conversation_type: str
    removed: bool
    updated_at: datetime


@dataclass(frozen=True)
class PersonalRecords:
    """What is stored about one person. Lists are newest first."""

    registrations: tuple[RegistrationRecord, ...]
    asked_for_next_session: bool
    offers: tuple[OfferView, ...]
    contributions: tuple[ContributionView, ...]
    questions: tuple[QuestionRecord, ...]
    feedback: tuple[FeedbackRecord, ...]
    references: tuple[ReferenceRecord, ...]
    state_records: int
    audit_entries: int

    @property
    def has_personal_reference(self) -> bool:
        return any(r.conversation_type == "personal" and not r.removed for r in self.references)

    @property
    def active_registrations(self) -> int:
        return sum(1 for r in self.registrations if r.status in ("confirmed", "waitlisted"))


@dataclass(frozen=True)
class Erasure:
    """What one erasure did (counts per kind), and what the bot must still tell others."""

    registrations: int
    next_session_requests: int
    offers: int
    contributions: int
    questions: int
    feedback: int
    references: int
    state_records: int
    promoted: tuple[int, ...]  # registrations that moved up from the waitlist: tell those people
    withdrawn: tuple[OfferView | ContributionView, ...]  # active items, stripped: tell the organizers

    @property
    def records(self) -> int:
        """Domain records erased (conversation references and bot state are kept apart: every turn makes them)."""
        return (
            self.registrations + self.next_session_requests + self.offers + self.contributions + self.questions + self.feedback
        )


def _registration(row: Registration) -> RegistrationRecord:
    return RegistrationRecord(
        id=row.id,
        session_id=row.session_id,
        mode=row.mode,
        status=row.status,
        name=row.name,
        email=row.email,
        municipality=row.municipality,
        role=row.role,
        accessibility=row.accessibility or "",
        dietary=row.dietary or "",
        created_at=row.created_at,
    )


def stripped(item: OfferView | ContributionView, now: datetime) -> OfferView | ContributionView:
    """The item as the organizers may still see it after an erasure: number and municipality, no person."""
    if isinstance(item, OfferView):
        return replace(
            item, status=WITHDRAWN, contact_name=None, contact_email=None, contact_phone=None, other_area=None,
            description="", availability="", withdrawn_at=now, updated_at=now,
        )
    return replace(item, status=WITHDRAWN, contact_name=None, contact_email=None, remarks=None, withdrawn_at=now, updated_at=now)


class PersonalData:
    def __init__(self, db: Database, *, pseudonym_key: str = ""):
        self._db = db
        self._pseudonym_key = pseudonym_key

    # --- 'my data' ----------------------------------------------------------------------------
    async def collect(self, person: Person) -> PersonalRecords:
        """Everything stored about this person (and nobody else), in one read transaction."""
        key = person.user_key
        async with self._db.transaction() as session:
            rows = (
                await session.execute(
                    select(Registration).where(Registration.user_key == key).order_by(Registration.id.desc())
                )
            ).scalars()
            registrations = tuple(_registration(row) for row in rows)
            interest = await Registrations(session).interest_for(key)
            offers = tuple(reversed(await ExpertiseOffers(session).for_user(key)))
            contributions = tuple(reversed(await ContributionIntentions(session).for_user(key)))
            questions = tuple(
                QuestionRecord(q.id, q.question, q.status, q.answer, q.created_at, q.answered_at)
                for q in reversed(await ForwardedQuestions(session).for_user(key))
            )
            feedback = tuple(
                sorted(
                    (FeedbackRecord(f.entry_id, f.helpful, f.updated_at) for f in await Feedback(session).for_user(key)),
                    key=lambda f: f.updated_at,
                    reverse=True,
                )
            )
            references = tuple(
                ReferenceRecord(r.conversation_type, r.removed, r.updated_at)
                for r in await ConversationReferences(session).for_user(person.aad_object_id, person.channel_user_id)
            )
            states = (
                len(await BotStates(session).keys_for_user(person.channel_id, person.channel_user_id))
                if person.channel_user_id
                else 0
            )
            audits = 0
            if person.aad_object_id:
                audits = int(
                    await session.scalar(
                        select(func.count())
                        .select_from(AuditEntry)
                        .where(func.lower(AuditEntry.actor_aad_object_id) == person.aad_object_id.lower())
                    )
                    or 0
                )
        return PersonalRecords(
            registrations=registrations,
            asked_for_next_session=interest is not None,
            offers=offers,
            contributions=contributions,
            questions=questions,
            feedback=feedback,
            references=references,
            state_records=states,
            audit_entries=audits,
        )

    # --- 'delete my data' ---------------------------------------------------------------------
    async def erase(
        self, person: Person, capacities: Mapping[str, Mapping[str, int | None]], *, now: datetime
    ) -> Erasure:
        """Erase or anonymize everything about this person (see the module text) in one transaction: all of it
        commits or none of it does. Safe to run again. Telling the promoted people and the organizers is the
        caller's job, after this returns (after the commit)."""
        return await retrying(lambda: self._erase_once(person, capacities, now))

    async def _erase_once(
        self, person: Person, capacities: Mapping[str, Mapping[str, int | None]], now: datetime
    ) -> Erasure:
        key = person.user_key
        async with self._db.transaction() as session:
            offers_repo, intentions_repo = ExpertiseOffers(session), ContributionIntentions(session)
            active: list[OfferView | ContributionView] = [
                *(o for o in await offers_repo.for_user(key) if o.status == ACTIVE),
                *(c for c in await intentions_repo.for_user(key) if c.status == ACTIVE),
            ]
            offers = await offers_repo.delete_for_user(key)
            contributions = await intentions_repo.delete_for_user(key)
            registrations_repo = Registrations(session)
            registrations = int(
                await session.scalar(select(func.count()).select_from(Registration).where(Registration.user_key == key)) or 0
            )
            requests = 1 if await registrations_repo.interest_for(key) is not None else 0
            promoted = await forget_registrations(registrations_repo, key, capacities, now=now)
            asked = await ForwardedQuestions(session).for_user(key)
            await _reword_knowledge(session, {q.id: q.question for q in asked}, now)
            if person.aad_object_id:
                await self._pseudonymize(session, person.aad_object_id, now)
            questions = await ForwardedQuestions(session).erase_for_user(key)
            feedback = await Feedback(session).anonymize_for_user(key)
            references = await ConversationReferences(session).delete_for_user(person.aad_object_id, person.channel_user_id)
            states = (
                await BotStates(session).delete_for_user(person.channel_id, person.channel_user_id)
                if person.channel_user_id
                else 0
            )
        return Erasure(
            registrations=registrations,
            next_session_requests=requests,
            offers=offers,
            contributions=contributions,
            questions=questions,
            feedback=feedback,
            references=references,
            state_records=states,
            promoted=promoted,
            withdrawn=tuple(stripped(item, now) for item in active),
        )

    async def _pseudonymize(self, session: AsyncSession, aad_object_id: str, now: datetime) -> None:
        key = self._pseudonym_key or await ExportSecrets(session).get_or_create(
            _PSEUDONYM_SECRET, secrets.token_urlsafe(32), now
        )
        alias = pseudonym(key, aad_object_id)
        same = aad_object_id.strip().lower()
        for column in (
            AuditEntry.actor_aad_object_id, QuestionAnswer.answered_by, KnowledgeEntryRecord.created_by,
            OrganizerChannel.set_by_aad_object_id,
        ):
            await session.execute(
                update(column.class_).where(func.lower(column) == same).values({column.key: alias})
                .execution_options(synchronize_session=False)
            )

    # --- retention ----------------------------------------------------------------------------
    async def anonymize_registrations(
        self, *, ended_sessions: Sequence[str], known_sessions: Sequence[str], stale_before: datetime, now: datetime
    ) -> int:
        """Anonymize the registrations of `ended_sessions`, and those of sessions that are no longer known
        (removed from the content) that did not change since `stale_before`. Rows done already are skipped,
        so running it again changes nothing. Returns how many registrations were anonymized."""
        gone = and_(Registration.session_id.not_in(list(known_sessions)), Registration.updated_at < stale_before)
        due = or_(Registration.session_id.in_(list(ended_sessions)), gone) if ended_sessions else gone
        erased_id = literal(_ERASED_PREFIX).concat(Registration.id.cast(String))
        async with self._db.transaction() as session:
            result = await session.execute(
                update(Registration)
                .where(due, not_(Registration.user_key.startswith(_ERASED_PREFIX, autoescape=True)))
                .values(
                    user_key=erased_id,
                    aad_object_id=None,
                    name="",
                    email="",
                    role="",
                    accessibility="",
                    dietary="",
                    confirm_token=None,
                    calendar_token=erased_id,  # not a valid calendar link: the .ics URL stops working
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            return rowcount(result) or 0


async def _reword_knowledge(session: AsyncSession, asked: Mapping[int, str], now: datetime) -> None:
    """Take the person's wording out of knowledge entries made from their questions (see the module text)."""
    if not asked:
        return
    words = {_folded(text) for text in asked.values() if text.strip()}
    rows = (
        await session.execute(select(KnowledgeEntryRecord).where(KnowledgeEntryRecord.source_question_id.in_(list(asked))))
    ).scalars().all()
    for row in rows:
        questions = {"nl": row.question_nl, "en": row.question_en}
        theirs = {lang for lang, text in questions.items() if _folded(text) in words}
        if len(theirs) == len(questions):
            await session.execute(delete(KnowledgeEntryRecord).where(KnowledgeEntryRecord.id == row.id))
            continue
        for lang in theirs:
            other = next(text for other_lang, text in questions.items() if other_lang not in theirs)
            questions[lang] = other
        try:
            examples = json.loads(row.examples or "{}")
        except ValueError:
            examples = {}
        kept = {
            lang: [e for e in items if isinstance(e, str) and _folded(e) not in words]
            for lang, items in (examples.items() if isinstance(examples, dict) else [])
            if isinstance(items, list)
        }
        await session.execute(
            update(KnowledgeEntryRecord)
            .where(KnowledgeEntryRecord.id == row.id)
            .values(
                question_nl=questions["nl"],
                question_en=questions["en"],
                examples=json.dumps({lang: items for lang, items in kept.items() if items}, ensure_ascii=False, sort_keys=True),
                source_question_id=None,
                revision=KnowledgeEntryRecord.revision + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
