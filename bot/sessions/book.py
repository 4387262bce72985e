"""The sessions as everyone sees them: `content/sessions.yaml` (the seed, and the place for bulk edits) merged
with what organizers added or changed in Teams (the `info_session` table).

The book is the one owner of the session list of an app instance: question answering, registration,
reminders, calendar files, privacy and the organizers' exports hold the book and ask it (`sessions`, `get`,
`open`) whenever they need sessions. A refresh builds new (frozen) `Session` objects and swaps in a new
tuple, so a caller never sees a half-built list.

When the list is refreshed:
- at start-up, after the migrations;
- right after an organizer's change on this instance (`refresh(force=True)`);
- on every tick of the session desk, for changes made on other instances: a cheap check of the table's
  row count and sum of versions first, the rows only when that changed.

Merging: for a session of the file, the table wins for the fields the organizer changed (`changed_fields`)
and the file for the rest; a session added in Teams comes from its row alone. A row that would make a broken
session (e.g. a file edit moved the end before an organizer's deadline) is left out, and logged.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.sessions.file import load_sessions
from storage.db import Database
from storage.sessions.models import (
    CAPACITY_IN_PERSON,
    CAPACITY_ONLINE,
    CITY,
    DEADLINE,
    END,
    JOIN,
    ORGANIZER,
    START,
    TITLE,
    VENUE,
    InfoSession,
)
from storage.sessions.models import (
    MODES as MODES_FIELD,
)
from storage.sessions.repository import SessionStore, changed_fields
from storage.sessions.schedule import MODES, Origin, Session, find_session, open_sessions

log = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "Europe/Amsterdam"


class SessionBook:
    def __init__(self, file_sessions: list[Session], db: Database | None = None):
        self._file: tuple[Session, ...] = tuple(file_sessions)
        self._sessions: tuple[Session, ...] = tuple(sorted(file_sessions, key=lambda s: s.start))
        self._store = SessionStore(db) if db is not None else None
        self._signature: tuple[int, int] | None = None
        self._rows: dict[str, InfoSession] = {}

    @classmethod
    def from_file(
        cls, path: Path, *, db: Database | None, default_venue_address: str = "", default_join_url: str = ""
    ) -> SessionBook:
        return cls(load_sessions(path, default_venue_address=default_venue_address, default_join_url=default_join_url), db)

    # --- reading ------------------------------------------------------------------------------
    @property
    def sessions(self) -> tuple[Session, ...]:
        """All sessions, soonest first."""
        return self._sessions

    def open(self, now: datetime) -> list[Session]:
        """The sessions open for registration at `now`, soonest first."""
        return open_sessions(self._sessions, now)

    def get(self, session_id: object) -> Session | None:
        return find_session(self.sessions, session_id)

    def in_file(self, session_id: str) -> bool:
        return any(s.id == session_id for s in self._file)

    def origin(self, session_id: str) -> Origin:
        """'file', 'changed' (file, changed in Teams) or 'added' (added in Teams)."""
        row = self._rows.get(session_id)
        if row is None:
            return "file"
        return "added" if row.origin == ORGANIZER and not self.in_file(session_id) else "changed"

    def taken_ids(self) -> set[str]:
        return {s.id for s in self._file} | set(self._rows) | {s.id for s in self.sessions}

    # --- refreshing ---------------------------------------------------------------------------
    async def refresh(self, *, force: bool = False) -> bool:
        """Re-read the table when it changed (or when forced); True when the list was rebuilt."""
        if self._store is None:
            return False
        signature = await self._store.signature()
        if not force and signature == self._signature:
            return False
        rows = await self._store.rows()
        self._signature = signature
        self._rows = {row.id: row for row in rows}
        self._sessions = tuple(merge(self._file, rows))
        log.info("sessions refreshed: %d in the list, %d organizer row(s)", len(self.sessions), len(rows))
        return True


def merge(file_sessions: tuple[Session, ...] | list[Session], rows: list[InfoSession]) -> list[Session]:
    """File sessions with the organizers' changes, plus the sessions added in Teams, soonest first."""
    by_id = {row.id: row for row in rows}
    merged: list[Session] = []
    for base in file_sessions:
        row = by_id.pop(base.id, None)
        merged.append(base if row is None else _checked(_overlay(base, row), fallback=base) or base)
    for row in by_id.values():
        if row.origin != ORGANIZER:
            log.warning("session %s was changed in Teams but is no longer in the content file: left out", row.id)
            continue
        added = _from_row(row)
        session = _checked(added, fallback=None) if added is not None else None
        if session is not None:
            merged.append(session)
    return sorted(merged, key=lambda s: s.start)


def _overlay(base: Session, row: InfoSession) -> Session:
    fields = changed_fields(row)
    changes: dict = {}
    if TITLE in fields and row.title_nl:
        changes["title"] = {"nl": row.title_nl, "en": row.title_en or row.title_nl}
    if CITY in fields and row.city_nl:
        changes["city"] = {"nl": row.city_nl, "en": row.city_en or row.city_nl}
    if START in fields and row.start_at is not None:
        changes["start"] = row.start_at
    if END in fields and row.end_at is not None:
        changes["end"] = row.end_at
    if MODES_FIELD in fields and row.modes:
        changes["modes"] = _modes(row.modes)
    if VENUE in fields:
        changes["venue_address"] = row.venue_address or ""
    if JOIN in fields:
        changes["join_url"] = row.join_url or ""
    if DEADLINE in fields:
        changes["registration_deadline"] = row.registration_deadline
    if row.origin == ORGANIZER and row.timezone:
        changes["timezone"] = ZoneInfo(row.timezone)
    capacity = dict(base.capacity)
    if CAPACITY_IN_PERSON in fields:
        capacity["in_person"] = row.capacity_in_person
    if CAPACITY_ONLINE in fields:
        capacity["online"] = row.capacity_online
    modes = changes.get("modes", base.modes)
    changes["capacity"] = {mode: capacity.get(mode) for mode in modes}
    return replace(base, **changes)


def _from_row(row: InfoSession) -> Session | None:
    """A session added in Teams; None (logged) when its row has no start or end."""
    if row.start_at is None or row.end_at is None:
        log.warning("session %s from the database is not usable (no start or end): left out", row.id)
        return None
    modes = _modes(row.modes or "")
    capacity = {"in_person": row.capacity_in_person, "online": row.capacity_online}
    return Session(
        id=row.id,
        title={"nl": row.title_nl or row.id, "en": row.title_en or row.title_nl or row.id},
        topic={},
        start=row.start_at,
        end=row.end_at,
        timezone=ZoneInfo(row.timezone or DEFAULT_TIMEZONE),
        city={"nl": row.city_nl, "en": row.city_en or row.city_nl} if row.city_nl else {},
        venue_address=row.venue_address or "",
        join_url=row.join_url or "",
        modes=modes,
        capacity={mode: capacity[mode] for mode in modes},
        registration_deadline=row.registration_deadline,
    )


def _modes(text: str) -> tuple[str, ...]:
    return tuple(mode for mode in MODES if mode in text.split(","))


def _checked(session: Session, *, fallback: Session | None) -> Session | None:
    problem = session_problem(session)
    if problem is None:
        return session
    log.warning("session %s from the database is not usable (%s): %s", session.id, problem,
                "the content file's version is used" if fallback is not None else "left out")
    return fallback


def session_problem(session: Session) -> str | None:
    """What makes a session unusable, in a few words for the log; None when it is fine."""
    if session.end <= session.start:
        return "the end is not after the start"
    if not session.modes:
        return "no attendance mode"
    if session.registration_deadline is not None and session.registration_deadline > session.end:
        return "the registration deadline is after the end"
    if session.join_url and not session.join_url.startswith(("https://", "http://")):
        return "the join link is not a web address"
    return None
