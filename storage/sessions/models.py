"""Tables of the sessions that organizers manage from Teams.

- `info_session`: one row per session an organizer added in Teams (origin "organizer": the row is the whole
  session) or changed (origin "content": the row holds only the fields in `changed_fields`; the database wins
  over `content/sessions.yaml` for those, the file for the rest). `version` goes up with every write, so an
  instance sees cheaply whether anything changed (count and sum of versions).
- `info_session_change`: one row per organizer change, keyed by the form's token (a double click stores once).
- `info_session_notice`: one row per registration to tell about a change; claimed before it is sent, so two
  instances never send it twice; a failed send is released for a later tick, "gone" is final.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, NoticeStatus, one_of


class Origin(StrEnum):
    """Where an info_session row comes from: a change to a session of the content file, or an organizer's own."""

    CONTENT = "content"
    ORGANIZER = "organizer"


class SessionChangeKind(StrEnum):
    """What an info_session_change row records."""

    ADDED = "added"
    CHANGED = "changed"


CONTENT, ORGANIZER = Origin
ADDED, CHANGED = SessionChangeKind
PENDING, CLAIMED, SENT, GONE, SKIPPED = NoticeStatus  # notice states, as for registration notices

# The fields an organizer can set; `changed_fields` lists some of these, comma-separated.
TITLE, CITY, START, END, MODES = "title", "city", "start", "end", "modes"
VENUE, JOIN, CAPACITY_IN_PERSON, CAPACITY_ONLINE, DEADLINE = (
    "venue_address", "join_url", "capacity_in_person", "capacity_online", "registration_deadline",
)
FIELDS = (TITLE, CITY, START, END, MODES, VENUE, JOIN, CAPACITY_IN_PERSON, CAPACITY_ONLINE, DEADLINE)


class InfoSession(Base):
    """A session added in Teams, or the organizer's changes to a session from the content file."""

    __tablename__ = "info_session"
    __table_args__ = (
        CheckConstraint(one_of("origin", Origin), name="origin"),
        CheckConstraint("capacity_in_person IS NULL OR capacity_in_person >= 0", name="capacity_in_person"),
        CheckConstraint("capacity_online IS NULL OR capacity_online >= 0", name="capacity_online"),
        CheckConstraint("start_at IS NULL OR end_at IS NULL OR end_at > start_at", name="end_after_start"),
        CheckConstraint(
            "origin = 'content' OR (title_nl IS NOT NULL AND start_at IS NOT NULL AND end_at IS NOT NULL"
            " AND modes IS NOT NULL AND timezone IS NOT NULL)",
            name="complete",
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    origin: Mapped[str] = mapped_column(String(16))
    changed_fields: Mapped[str] = mapped_column(String(400), default="")
    title_nl: Mapped[str | None] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    city_nl: Mapped[str | None] = mapped_column(String(120))
    city_en: Mapped[str | None] = mapped_column(String(120))
    timezone: Mapped[str | None] = mapped_column(String(64))
    start_at: Mapped[datetime | None]
    end_at: Mapped[datetime | None]
    modes: Mapped[str | None] = mapped_column(String(32))  # "in_person,online"
    venue_address: Mapped[str | None] = mapped_column(String(300))
    join_url: Mapped[str | None] = mapped_column(Text)
    capacity_in_person: Mapped[int | None] = mapped_column(Integer)  # NULL with the field changed: no limit
    capacity_online: Mapped[int | None] = mapped_column(Integer)
    registration_deadline: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class InfoSessionChange(Base):
    """One organizer change (or addition) of a session; `fields` says what changed."""

    __tablename__ = "info_session_change"
    __table_args__ = (
        UniqueConstraint("change_key"),
        CheckConstraint(one_of("kind", SessionChangeKind), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_key: Mapped[str] = mapped_column(String(64))  # the form's token: one change per confirmation
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    fields: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime]


class InfoSessionNotice(Base):
    """A message to one registrant about one change."""

    __tablename__ = "info_session_notice"
    __table_args__ = (
        UniqueConstraint("change_id", "registration_id"),
        CheckConstraint(one_of("status", NoticeStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("info_session_change.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    claimed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
