"""The information sessions, read from `content/sessions.yaml` (data, not code).

A session is open for registration until its deadline (default: its start). Several sessions may be open at
once; adding one is an edit of the YAML file, or an organizer's 'sessie toevoegen' in Teams (the app merges the
file with the database in bot/sessions/book.py and shares one list of these frozen objects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from bot.core.content import ContentError, ContentModel, load, repeated

Mode = Literal["in_person", "online"]
MODES: tuple[Mode, ...] = ("in_person", "online")


@dataclass(frozen=True)
class Session:
    id: str
    title: dict[str, str]
    topic: dict[str, str]
    start: datetime
    end: datetime
    timezone: ZoneInfo
    city: dict[str, str]
    venue_address: str = ""
    join_url: str = ""
    modes: tuple[str, ...] = MODES
    capacity: dict[str, int | None] = field(default_factory=dict)
    registration_deadline: datetime | None = None

    @property
    def deadline(self) -> datetime:
        return self.registration_deadline or self.start

    def is_open(self, now: datetime) -> bool:
        return now < self.deadline

    def has_started(self, now: datetime) -> bool:
        return now >= self.start

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.timezone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.timezone)

    def title_for(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("nl") or next(iter(self.title.values()), self.id)

    def city_for(self, lang: str) -> str:
        return self.city.get(lang) or self.city.get("nl", "")

    def capacity_for(self, mode: str) -> int | None:
        """Seats for one attendance mode; None means no limit."""
        return self.capacity.get(mode)


class _SessionEntry(ContentModel):
    """One session as written in content/sessions.yaml (times local to `timezone` unless they carry an offset)."""

    id: str = Field(min_length=1, max_length=64)
    title: dict[str, str]
    topic: dict[str, str] = Field(default_factory=dict)
    timezone: str = "Europe/Amsterdam"
    start: datetime
    end: datetime
    city: dict[str, str]
    venue_address: str | None = ""
    join_url: str | None = ""
    modes: tuple[Mode, ...] | None = None
    capacity: dict[Mode, Annotated[int, Field(ge=0, strict=True)] | None] | None = None
    registration_deadline: datetime | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(f"unknown time zone {value!r} (use a name like Europe/Amsterdam)") from None
        return value

    @field_validator("join_url")
    @classmethod
    def _secure_link(cls, value: str | None) -> str:
        value = (value or "").strip()
        if value and not value.startswith("https://"):
            raise ValueError("the join link must be a secure web address (https://...)")
        return value

    @model_validator(mode="after")
    def _times_in_order(self) -> _SessionEntry:
        tz = ZoneInfo(self.timezone)
        if _local(self.end, tz) <= _local(self.start, tz):
            raise ValueError("end must be after start")
        if self.registration_deadline is not None and _local(self.registration_deadline, tz) > _local(self.end, tz):
            raise ValueError("the registration deadline is after the end")
        return self

    def session(self, *, default_venue_address: str, default_join_url: str) -> Session:
        tz = ZoneInfo(self.timezone)
        modes = self.modes or MODES
        join_url = self.join_url or default_join_url.strip()
        if join_url and not join_url.startswith("https://"):
            raise ValueError("the join link (SESSION_JOIN_URL) must be a secure web address (https://...)")
        return Session(
            id=self.id,
            title=dict(self.title),
            topic=dict(self.topic),
            start=_local(self.start, tz),
            end=_local(self.end, tz),
            timezone=tz,
            city=dict(self.city),
            venue_address=((self.venue_address or "").strip() or default_venue_address.strip()),
            join_url=join_url,
            modes=modes,
            capacity={mode: (self.capacity or {}).get(mode) for mode in modes},
            registration_deadline=_local(self.registration_deadline, tz) if self.registration_deadline else None,
        )


class _SessionsFile(ContentModel):
    sessions: tuple[_SessionEntry, ...] = ()

    @field_validator("sessions")
    @classmethod
    def _unique_ids(cls, sessions: tuple[_SessionEntry, ...]) -> tuple[_SessionEntry, ...]:
        ids = [s.id for s in sessions]
        if repeated(ids):
            raise ValueError(f"session ids must be unique; repeated: {repeated(ids)}")
        return sessions


def load_sessions(path: Path, *, default_venue_address: str = "", default_join_url: str = "") -> list[Session]:
    """The sessions of `path`, soonest first; a mistake in the file raises ContentError naming the session."""
    entries = load(_SessionsFile, path).sessions
    sessions = []
    for index, entry in enumerate(entries):
        try:
            sessions.append(entry.session(default_venue_address=default_venue_address, default_join_url=default_join_url))
        except ValueError as error:
            raise ContentError(path, [f"sessions[{index}] ({entry.id}): {error}"]) from None
    return sorted(sessions, key=lambda s: s.start)


def featured_session(sessions: list[Session], now: datetime) -> Session | None:
    """The session to talk about: the next open one, else the most recent one."""
    open_ones = open_sessions(sessions, now)
    if open_ones:
        return open_ones[0]
    return sessions[-1] if sessions else None


def open_sessions(sessions: list[Session], now: datetime) -> list[Session]:
    """Sessions that take registrations now, soonest first."""
    return [s for s in sessions if s.is_open(now)]


def find_session(sessions: list[Session], session_id: object) -> Session | None:
    return next((s for s in sessions if s.id == session_id), None)


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    return value.replace(tzinfo=tz) if value.tzinfo is None else value
