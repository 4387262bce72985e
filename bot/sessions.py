"""The information sessions, read from `content/sessions.yaml` (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

MODES = ("in_person", "online")


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
        deadline = raw.get("registration_deadline")
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
                join_url=(raw.get("join_url") or default_join_url or "").strip(),
                modes=modes,
                capacity={mode: (raw.get("capacity") or {}).get(mode) for mode in modes},
                registration_deadline=_local(deadline, tz) if deadline else None,
            )
        )
    ids = [s.id for s in sessions]
    if len(ids) != len(set(ids)):
        raise ValueError("session ids must be unique")
    return sorted(sessions, key=lambda s: s.start)


def featured_session(sessions: list[Session], now: datetime) -> Session | None:
    """The session to talk about: the next open one, else the most recent one."""
    open_ones = [s for s in sessions if s.is_open(now)]
    if open_ones:
        return open_ones[0]
    return sessions[-1] if sessions else None


def _local(value: object, tz: ZoneInfo) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed
