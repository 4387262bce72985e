"""Tables of the session registration: registrations, seat counters, notices (reminders, promotions) and
'tell me about the next session' requests.

- One active registration per person per session: a partial unique index on the active statuses
  (SQLite and PostgreSQL both support `... WHERE status IN (...)`).
- Seats are counted per session and attendance mode in `session_seats`; a seat is taken with one atomic
  `UPDATE ... SET confirmed = confirmed + 1 WHERE confirmed < capacity`, so capacity holds across processes.
- A notice (reminder or promotion message) is claimed with a unique (registration, kind) row before it is
  sent, so several instances never send it twice and a restart does not send it again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, NoticeStatus, one_of


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class AttendanceMode(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


CONFIRMED, WAITLISTED, CANCELLED = RegistrationStatus
ACTIVE_STATUSES = (CONFIRMED, WAITLISTED)
PENDING, CLAIMED, SENT, GONE, SKIPPED = NoticeStatus

_ACTIVE_SQL = one_of("status", ACTIVE_STATUSES)


def is_active():
    """`status IN ('confirmed', 'waitlisted')` as literal SQL, word for word the predicate of the partial index
    `uq_registration_active_per_user`: SQLite uses a partial index only when the query repeats its WHERE term,
    and bound parameters (`IN (?, ?)`) never match it."""
    return text(f"registration.{_ACTIVE_SQL}")


class Registration(Base):
    """One person's registration for one session, in one attendance mode."""

    __tablename__ = "registration"
    __table_args__ = (
        CheckConstraint(one_of("status", RegistrationStatus), name="status"),
        CheckConstraint(one_of("mode", AttendanceMode), name="mode"),
        Index(
            "uq_registration_active_per_user",
            "session_id",
            "user_key",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index("ix_registration_queue", "session_id", "mode", "status", "id"),
        Index("ix_registration_session_order", "session_id", "id"),  # exports read pages in this order
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64))
    user_key: Mapped[str] = mapped_column(String(256), index=True)
    aad_object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    municipality: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(200))
    accessibility: Mapped[str] = mapped_column(Text, default="")
    dietary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    confirm_token: Mapped[str | None] = mapped_column(String(64), unique=True)  # idempotency key of the form
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True)  # secret part of the .ics URL
    revision: Mapped[int] = mapped_column(Integer, default=0)  # bumped when mode or status change (.ics SEQUENCE)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class SessionSeats(Base):
    """Confirmed seats per session and attendance mode: the counter that keeps capacity."""

    __tablename__ = "session_seats"
    __table_args__ = (CheckConstraint("confirmed >= 0", name="not_negative"),)

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), primary_key=True)
    confirmed: Mapped[int] = mapped_column(Integer, default=0)


class RegistrationNotice(Base):
    """A proactive message about one registration (a reminder, a promotion from the waitlist)."""

    __tablename__ = "registration_notice"
    __table_args__ = (
        UniqueConstraint("registration_id", "kind"),
        CheckConstraint(one_of("status", NoticeStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    claimed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class SessionInterest(Base):
    """'Tell me when there is a next session': one request per person."""

    __tablename__ = "session_interest"
    __table_args__ = (
        UniqueConstraint("user_key"),
        CheckConstraint(one_of("status", NoticeStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(256))
    aad_object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), index=True)
    session_id: Mapped[str | None] = mapped_column(String(64))  # the session the person was told about
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
