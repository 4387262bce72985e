"""The information sessions, read from `content/sessions.yaml` (data, not code).

A session is open for registration until its deadline (default: its start). Several sessions may be open at
once; adding one is an edit of the YAML file, or an organizer's 'sessie toevoegen' in Teams (the app merges the
file with the database in bot/sessions/book.py, the one owner of the list of these frozen objects).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import yaml

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


def load_sessions(path: Path, *, default_venue_address: str = "", default_join_url: str = "") -> list[Session]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sessions = []
    for raw in data.get("sessions", []):
        tz = ZoneInfo(raw.get("timezone", "Europe/Amsterdam"))
        modes = tuple(raw.get("modes") or MODES)
        unknown = set(modes) - set(MODES)
        if unknown:
            raise ValueError(f"session {raw.get('id')}: unknown attendance modes {sorted(unknown)}")
        start, end = _local(raw["start"], tz), _local(raw["end"], tz)
        if end <= start:
            raise ValueError(f"session {raw['id']}: end must be after start")
        deadline = _local(raw["registration_deadline"], tz) if raw.get("registration_deadline") else None
        if deadline is not None and deadline > end:
            raise ValueError(f"session {raw['id']}: the registration deadline is after the end")
        capacity = {mode: _capacity(raw, mode) for mode in modes}
        join_url = (raw.get("join_url") or default_join_url or "").strip()
        if join_url and not join_url.startswith("https://"):
            raise ValueError(f"session {raw['id']}: the join link must be a secure web address (https://...)")
        sessions.append(
            Session(
                id=str(raw["id"]),
                title=dict(raw["title"]),
                topic=dict(raw.get("topic") or {}),
                start=start,
                end=end,
                timezone=tz,
                city=dict(raw["city"]),
                venue_address=(raw.get("venue_address") or default_venue_address or "").strip(),
                join_url=join_url,
                modes=modes,
                capacity=capacity,
                registration_deadline=deadline,
            )
        )
    ids = [s.id for s in sessions]
    if len(ids) != len(set(ids)):
        raise ValueError("session ids must be unique")
    if any(len(i) > 64 for i in ids):
        raise ValueError("session ids must be at most 64 characters")
    return sorted(sessions, key=lambda s: s.start)


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


def _capacity(raw: dict, mode: str) -> int | None:
    value = (raw.get("capacity") or {}).get(mode)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"session {raw.get('id')}: capacity for {mode} must be a whole number of 0 or more, or null")
    return value


def _local(value: object, tz: ZoneInfo) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed
