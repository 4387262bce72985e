"""The information sessions as values: what a session is, and which are open (read from `content/sessions.yaml`
by bot/sessions/file.py, merged with organizers' changes by bot/sessions/book.py).

A session is open for registration until its deadline (default: its start). Several sessions may be open at
once; adding one is an edit of the YAML file, or an organizer's 'sessie toevoegen' in Teams (the app merges the
file with the database in bot/sessions/book.py, the one owner of the list of these frozen objects).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

Mode = Literal["in_person", "online"]
MODES: tuple[Mode, ...] = ("in_person", "online")
# Where a session's data comes from: the content file, the file changed in Teams, or added in Teams.
Origin = Literal["file", "changed", "added"]


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


def featured_session(sessions: Sequence[Session], now: datetime) -> Session | None:
    """The session to talk about: the next open one, else the most recent one."""
    open_ones = open_sessions(sessions, now)
    if open_ones:
        return open_ones[0]
    return sessions[-1] if sessions else None


def open_sessions(sessions: Sequence[Session], now: datetime) -> list[Session]:
    """Sessions that take registrations now, soonest first."""
    return [s for s in sessions if s.is_open(now)]


def find_session(sessions: Sequence[Session], session_id: object) -> Session | None:
    return next((s for s in sessions if s.id == session_id), None)


def local_time(value: datetime, tz: ZoneInfo) -> datetime:
    """A naive time read as local to `tz`; an aware one as it is."""
    return value.replace(tzinfo=tz) if value.tzinfo is None else value
