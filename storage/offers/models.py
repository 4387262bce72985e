"""Tables of the offers feature: expertise offers (with their areas), intentions to contribute money, and
the conversation where organizers want to be told about them.

Idempotency: a confirmed form carries a token that is unique per user, and an active record carries a hash
of its content that is unique per user, so a re-delivered confirm or the same offer sent twice is stored
once. A withdrawn record keeps no contact details and no content hash.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, one_of


class OfferStatus(StrEnum):
    """An expertise offer or contribution intention is active until its owner withdraws it."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class WorkMode(StrEnum):
    REMOTE = "remote"
    ON_SITE = "on_site"


ACTIVE, WITHDRAWN = OfferStatus
WORK_MODES = tuple(WorkMode)
OTHER = "other"  # the area (and working language) chosen when none of the listed ones fits


class ExpertiseOffer(Base):
    """A municipality's offer of experts for Ukrainian local recovery plans."""

    __tablename__ = "expertise_offer"
    __table_args__ = (
        UniqueConstraint("user_key", "confirm_token"),
        UniqueConstraint("user_key", "content_hash"),
        CheckConstraint("expert_count > 0", name="expert_count_positive"),
        CheckConstraint(one_of("status", OfferStatus), name="status_known"),
        CheckConstraint(one_of("work_mode", WorkMode), name="work_mode_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(256), index=True)
    aad_object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    municipality: Mapped[str] = mapped_column(String(80))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(100))
    other_area: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    expert_count: Mapped[int] = mapped_column(Integer)
    availability: Mapped[str] = mapped_column(String(300))
    working_languages: Mapped[str] = mapped_column(String(100))  # comma-separated codes: uk,ru,en,de,other
    work_mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE, index=True)
    confirm_token: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    consented_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]

    areas: Mapped[list[ExpertiseOfferArea]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ExpertiseOfferArea.position"
    )


class ExpertiseOfferArea(Base):
    """One expertise area of an offer (ids from content/expertise_areas.yaml), so organizers can select on it."""

    __tablename__ = "expertise_offer_area"
    __table_args__ = (UniqueConstraint("offer_id", "area"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("expertise_offer.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContributionIntention(Base):
    """A municipality's intention to contribute money through the VNG Fonds (not a payment)."""

    __tablename__ = "contribution_intention"
    __table_args__ = (
        UniqueConstraint("user_key", "confirm_token"),
        UniqueConstraint("user_key", "content_hash"),
        CheckConstraint("amount_cents IS NULL OR amount_cents > 0", name="amount_positive"),
        CheckConstraint(one_of("status", OfferStatus), name="status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(256), index=True)
    aad_object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    municipality: Mapped[str] = mapped_column(String(80))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    remarks: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE, index=True)
    confirm_token: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    consented_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]


class OrganizerChannel(Base):
    """The conversation (channel or chat) where organizers get posts for one purpose, e.g. "offers"."""

    __tablename__ = "organizer_channel"

    purpose: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(512))
    conversation_type: Mapped[str] = mapped_column(String(32))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    set_by_aad_object_id: Mapped[str | None] = mapped_column(String(64))
    set_at: Mapped[datetime]
