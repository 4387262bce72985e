"""`content/sessions.yaml` read through pydantic models: a mistake names the file, the session and the problem."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from bot.core.content import ContentError, ContentModel, load, repeated
from storage.sessions.schedule import MODES, Mode, Session, local_time


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
        if local_time(self.end, tz) <= local_time(self.start, tz):
            raise ValueError("end must be after start")
        if self.registration_deadline is not None and local_time(self.registration_deadline, tz) > local_time(self.end, tz):
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
            start=local_time(self.start, tz),
            end=local_time(self.end, tz),
            timezone=tz,
            city=dict(self.city),
            venue_address=((self.venue_address or "").strip() or default_venue_address.strip()),
            join_url=join_url,
            modes=modes,
            capacity={mode: (self.capacity or {}).get(mode) for mode in modes},
            registration_deadline=local_time(self.registration_deadline, tz) if self.registration_deadline else None,
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
