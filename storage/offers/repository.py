"""Repositories of the offers feature: the only code that queries its tables.

Each takes an `AsyncSession`; the caller owns the transaction. They return plain frozen views, so callers
(cards, background posts) never touch a detached ORM object.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_for, rowcount
from storage.offers.models import (
    ACTIVE,
    WITHDRAWN,
    ContributionIntention,
    ExpertiseOffer,
    ExpertiseOfferArea,
    OrganizerChannel,
)

OfferOutcome = Literal["created", "duplicate", "changed", "unchanged", "missing"]


def _fold(value: object) -> object:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, (list, tuple)):
        return sorted(_fold(v) for v in value)  # type: ignore[type-var]
    return value


def _hash(user_key: str, content: dict[str, object]) -> str:
    canonical = json.dumps({k: _fold(v) for k, v in sorted(content.items())}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{user_key}\x1f{canonical}".encode()).hexdigest()


# --- what the feature stores -------------------------------------------------------------------------------
@dataclass(frozen=True)
class OfferFields:
    municipality: str
    contact_name: str
    contact_email: str
    contact_phone: str
    areas: tuple[str, ...]
    other_area: str | None
    description: str
    expert_count: int
    availability: str
    working_languages: tuple[str, ...]
    work_mode: str

    def content(self) -> dict[str, object]:
        return {
            "municipality": self.municipality,
            "contact_name": self.contact_name,
            "contact_email": self.contact_email,
            "contact_phone": self.contact_phone,
            "areas": list(self.areas),
            "other_area": self.other_area or "",
            "description": self.description,
            "expert_count": self.expert_count,
            "availability": self.availability,
            "working_languages": list(self.working_languages),
            "work_mode": self.work_mode,
        }


@dataclass(frozen=True)
class ContributionFields:
    municipality: str
    contact_name: str
    contact_email: str
    amount_cents: int | None
    remarks: str | None

    def content(self) -> dict[str, object]:
        return {
            "municipality": self.municipality,
            "contact_name": self.contact_name,
            "contact_email": self.contact_email,
            "amount_cents": self.amount_cents,
            "remarks": self.remarks or "",
        }


@dataclass(frozen=True)
class OfferView:
    id: int
    status: str
    language: str
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
    created_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    kind: str = field(default="offer", init=False)


@dataclass(frozen=True)
class ContributionView:
    id: int
    status: str
    language: str
    municipality: str
    contact_name: str | None
    contact_email: str | None
    amount_cents: int | None
    remarks: str | None
    created_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    kind: str = field(default="contribution", init=False)


@dataclass(frozen=True)
class ChannelView:
    purpose: str
    conversation_id: str
    conversation_type: str
    reference: str
    language: str


def _offer_view(record: ExpertiseOffer) -> OfferView:
    return OfferView(
        id=record.id,
        status=record.status,
        language=record.language,
        municipality=record.municipality,
        contact_name=record.contact_name,
        contact_email=record.contact_email,
        contact_phone=record.contact_phone,
        areas=tuple(a.area for a in record.areas),
        other_area=record.other_area,
        description=record.description,
        expert_count=record.expert_count,
        availability=record.availability,
        working_languages=tuple(c for c in record.working_languages.split(",") if c),
        work_mode=record.work_mode,
        created_at=record.created_at,
        updated_at=record.updated_at,
        withdrawn_at=record.withdrawn_at,
    )


def _contribution_view(record: ContributionIntention) -> ContributionView:
    return ContributionView(
        id=record.id,
        status=record.status,
        language=record.language,
        municipality=record.municipality,
        contact_name=record.contact_name,
        contact_email=record.contact_email,
        amount_cents=record.amount_cents,
        remarks=record.remarks,
        created_at=record.created_at,
        updated_at=record.updated_at,
        withdrawn_at=record.withdrawn_at,
    )


class _UserRecords:
    """What offers and intentions share: a user's own records of one table, added once (the same confirm
    token or the same content is stored once), changed, withdrawn (contact details erased), listed, erased."""

    model: type[ExpertiseOffer] | type[ContributionIntention]

    def __init__(self, session: AsyncSession):
        self._session = session

    @staticmethod
    def _view(record):
        raise NotImplementedError

    async def _add(self, *, user_key: str, token: str, content_hash: str, values: dict[str, object], now: datetime):
        """Insert unless this token or content exists for the user; (new id, None) or (None, existing record)."""
        model = self.model
        stmt = (
            insert_for(self._session)(model)
            .values(
                user_key=user_key, status=ACTIVE, confirm_token=token, content_hash=content_hash,
                consented_at=now, created_at=now, updated_at=now, **values,
            )
            .on_conflict_do_nothing()
            .returning(model.id)
        )
        new_id = (await self._session.execute(stmt)).scalar_one_or_none()
        if new_id is not None:
            return new_id, None
        existing = (
            await self._session.execute(
                select(model)
                .where(model.user_key == user_key, (model.confirm_token == token) | (model.content_hash == content_hash))
                .order_by(model.id)
                .limit(1)
            )
        ).scalar_one()
        return None, existing

    async def _before_change(self, user_key: str, record_id: int, token: str, content_hash: str):
        """(record, outcome): an outcome ends the change ('missing', 'unchanged' for a replayed confirm or the
        same content, 'duplicate' when another active record of the user has this content); None: go on."""
        model = self.model
        record = await self._owned(user_key, record_id)
        if record is None or record.status != ACTIVE:
            return record, "missing"
        if record.confirm_token == token:
            return record, "unchanged"
        if content_hash == record.content_hash:
            record.confirm_token = token
            return record, "unchanged"
        other = await self._session.execute(
            select(model.id).where(model.user_key == user_key, model.content_hash == content_hash, model.id != record_id)
        )
        if other.first() is not None:
            return record, "duplicate"
        return record, None

    def _changed(self, record, values: dict[str, object], *, token: str, content_hash: str, now: datetime) -> None:
        for name, value in values.items():
            setattr(record, name, value)
        record.confirm_token = token
        record.content_hash = content_hash
        record.consented_at = now
        record.updated_at = now

    async def _withdraw(self, user_key: str, record_id: int, now: datetime, erase: tuple[str, ...]):
        """Withdraw a record of this user and erase the named personal fields; 'unchanged' when already withdrawn."""
        record = await self._owned(user_key, record_id)
        if record is None:
            return None, "missing"
        if record.status == WITHDRAWN:
            return self._view(record), "unchanged"
        record.status = WITHDRAWN
        record.withdrawn_at = now
        record.updated_at = now
        record.content_hash = None
        for name in erase:
            setattr(record, name, None)
        await self._session.flush()
        return self._view(record), "changed"

    async def _get(self, user_key: str, record_id: int):
        record = await self._owned(user_key, record_id)
        return self._view(record) if record else None

    async def active_for(self, user_key: str) -> list:
        model = self.model
        stmt = select(model).where(model.user_key == user_key, model.status == ACTIVE).order_by(model.id)
        return [self._view(r) for r in (await self._session.execute(stmt)).scalars()]

    async def for_user(self, user_key: str) -> list:
        """Everything stored for this user, withdrawn records included (for 'my data')."""
        model = self.model
        stmt = select(model).where(model.user_key == user_key).order_by(model.id)
        return [self._view(r) for r in (await self._session.execute(stmt)).scalars()]

    async def delete_for_user(self, user_key: str) -> int:
        """Erase every record of this user (for 'delete my data')."""
        result = await self._session.execute(delete(self.model).where(self.model.user_key == user_key))
        return rowcount(result) or 0

    async def _owned(self, user_key: str, record_id: int):
        model = self.model
        stmt = select(model).where(model.id == record_id, model.user_key == user_key)
        return (await self._session.execute(stmt)).scalar_one_or_none()


# --- expertise offers --------------------------------------------------------------------------------------
class ExpertiseOffers(_UserRecords):
    """A user's expertise offers: add once, change, withdraw; a user reaches only their own."""

    model = ExpertiseOffer
    _view = staticmethod(_offer_view)

    async def add(
        self,
        *,
        user_key: str,
        aad_object_id: str | None,
        tenant_id: str | None,
        language: str,
        token: str,
        fields: OfferFields,
        now: datetime,
    ) -> tuple[OfferView, OfferOutcome]:
        """Store a new offer; the same confirm token or the same content from the same user is stored once."""
        values = dict(aad_object_id=aad_object_id, tenant_id=tenant_id, language=language, **_offer_columns(fields))
        new_id, existing = await self._add(
            user_key=user_key, token=token, content_hash=_hash(user_key, fields.content()), values=values, now=now
        )
        if new_id is None:
            return _offer_view(existing), "duplicate"
        await self._session.execute(
            insert_for(self._session)(ExpertiseOfferArea),
            [{"offer_id": new_id, "area": area, "position": i} for i, area in enumerate(fields.areas)],
        )
        return _offer_view(await self._load(new_id)), "created"

    async def update(
        self, *, user_key: str, offer_id: int, token: str, fields: OfferFields, now: datetime
    ) -> tuple[OfferView | None, OfferOutcome]:
        """Change an active offer of this user. 'unchanged' for a replayed confirm or no real change,
        'duplicate' when the new content equals another active offer, 'missing' when it is not theirs or gone."""
        content_hash = _hash(user_key, fields.content())
        record, outcome = await self._before_change(user_key, offer_id, token, content_hash)
        if outcome is not None:
            return (_offer_view(record) if record else None), outcome
        self._changed(record, _offer_columns(fields), token=token, content_hash=content_hash, now=now)
        wanted = list(fields.areas)
        for area in list(record.areas):
            if area.area not in wanted:
                record.areas.remove(area)
        await self._session.flush()
        have = {a.area: a for a in record.areas}
        for position, name in enumerate(wanted):
            if name in have:
                have[name].position = position
            else:
                record.areas.append(ExpertiseOfferArea(area=name, position=position))
        await self._session.flush()
        record.areas.sort(key=lambda a: a.position)
        return _offer_view(record), "changed"

    async def withdraw(self, *, user_key: str, offer_id: int, now: datetime) -> tuple[OfferView | None, OfferOutcome]:
        """Withdraw an offer of this user and erase its contact details; 'unchanged' when already withdrawn."""
        return await self._withdraw(user_key, offer_id, now, ("contact_name", "contact_email", "contact_phone"))

    async def get(self, user_key: str, offer_id: int) -> OfferView | None:
        return await self._get(user_key, offer_id)

    async def _load(self, offer_id: int) -> ExpertiseOffer:
        stmt = select(ExpertiseOffer).where(ExpertiseOffer.id == offer_id).execution_options(populate_existing=True)
        return (await self._session.execute(stmt)).scalar_one()


def _offer_columns(fields: OfferFields) -> dict[str, object]:
    return dict(
        municipality=fields.municipality,
        contact_name=fields.contact_name,
        contact_email=fields.contact_email,
        contact_phone=fields.contact_phone,
        other_area=fields.other_area,
        description=fields.description,
        expert_count=fields.expert_count,
        availability=fields.availability,
        working_languages=",".join(fields.working_languages),
        work_mode=fields.work_mode,
    )


# --- intentions to contribute money ------------------------------------------------------------------------
class ContributionIntentions(_UserRecords):
    """A user's intentions to contribute through the VNG Fonds: add once, change, withdraw."""

    model = ContributionIntention
    _view = staticmethod(_contribution_view)

    async def add(
        self,
        *,
        user_key: str,
        aad_object_id: str | None,
        tenant_id: str | None,
        language: str,
        token: str,
        fields: ContributionFields,
        now: datetime,
    ) -> tuple[ContributionView, OfferOutcome]:
        values = dict(aad_object_id=aad_object_id, tenant_id=tenant_id, language=language, **_contribution_columns(fields))
        new_id, existing = await self._add(
            user_key=user_key, token=token, content_hash=_hash(user_key, fields.content()), values=values, now=now
        )
        if new_id is None:
            return _contribution_view(existing), "duplicate"
        return _contribution_view(await self._session.get_one(ContributionIntention, new_id)), "created"

    async def update(
        self, *, user_key: str, intention_id: int, token: str, fields: ContributionFields, now: datetime
    ) -> tuple[ContributionView | None, OfferOutcome]:
        content_hash = _hash(user_key, fields.content())
        record, outcome = await self._before_change(user_key, intention_id, token, content_hash)
        if outcome is not None:
            return (_contribution_view(record) if record else None), outcome
        self._changed(record, _contribution_columns(fields), token=token, content_hash=content_hash, now=now)
        await self._session.flush()
        return _contribution_view(record), "changed"

    async def withdraw(
        self, *, user_key: str, intention_id: int, now: datetime
    ) -> tuple[ContributionView | None, OfferOutcome]:
        return await self._withdraw(user_key, intention_id, now, ("contact_name", "contact_email", "remarks"))

    async def get(self, user_key: str, intention_id: int) -> ContributionView | None:
        return await self._get(user_key, intention_id)


def _contribution_columns(fields: ContributionFields) -> dict[str, object]:
    return dict(
        municipality=fields.municipality,
        contact_name=fields.contact_name,
        contact_email=fields.contact_email,
        amount_cents=fields.amount_cents,
        remarks=fields.remarks or None,
    )


# --- where organizers are told -----------------------------------------------------------------------------
class OrganizerChannels:
    """One conversation per purpose; setting it again moves it."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def set(
        self,
        *,
        purpose: str,
        conversation_id: str,
        conversation_type: str,
        tenant_id: str | None,
        reference_json: str,
        language: str,
        set_by_aad_object_id: str | None,
        now: datetime,
    ) -> None:
        values = dict(
            conversation_id=conversation_id,
            conversation_type=conversation_type,
            tenant_id=tenant_id,
            reference=reference_json,
            language=language,
            set_by_aad_object_id=set_by_aad_object_id,
            set_at=now,
        )
        insert = insert_for(self._session)
        stmt = insert(OrganizerChannel).values(purpose=purpose, **values)
        stmt = stmt.on_conflict_do_update(index_elements=[OrganizerChannel.purpose], set_=values)
        await self._session.execute(stmt)

    async def get(self, purpose: str) -> ChannelView | None:
        record = await self._session.get(OrganizerChannel, purpose)
        if record is None:
            return None
        return ChannelView(
            purpose=record.purpose,
            conversation_id=record.conversation_id,
            conversation_type=record.conversation_type,
            reference=record.reference,
            language=record.language,
        )

    async def clear(self, purpose: str, conversation_id: str | None = None) -> bool:
        """Forget the channel of this purpose (only if it is `conversation_id`, when given)."""
        stmt = delete(OrganizerChannel).where(OrganizerChannel.purpose == purpose)
        if conversation_id is not None:
            stmt = stmt.where(OrganizerChannel.conversation_id == conversation_id)
        result = await self._session.execute(stmt)
        return bool(rowcount(result))
