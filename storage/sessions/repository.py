"""Sessions managed by organizers: the repository (the only code that queries these tables) and
`SessionStore`, which runs each organizer change as one transaction.

Values come in as plain Python (`SessionValues`: field name -> value, see storage/sessions/models.py FIELDS);
nothing here knows Teams, botbuilder or the `Session` objects of the bot.

- Adding a session: a change row keyed by the form's token first (a double click or a second instance stops
  there), then the session row; the id is free or the transaction is tried again with the next suffix.
- Changing a session: the seat counters of the modes whose capacity changes are locked first (as every
  registration change does), so "not below the confirmed seats" holds at the moment of writing; then the
  fields, the change row, one notice row per registrant to tell, and the audit entry, all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit.repository import AuditTrail
from storage.db import Database, insert_for, rowcount
from storage.models import NoticeStatus
from storage.registration.models import Registration
from storage.registration.repository import Registrations
from storage.sessions.models import (
    ADDED,
    CAPACITY_IN_PERSON,
    CAPACITY_ONLINE,
    CHANGED,
    CITY,
    CLAIMED,
    CONTENT,
    DEADLINE,
    END,
    FIELDS,
    JOIN,
    MODES,
    ORGANIZER,
    PENDING,
    START,
    TITLE,
    VENUE,
    InfoSession,
    InfoSessionChange,
    InfoSessionNotice,
)

SessionValues = Mapping[str, Any]
CAPACITY_FIELDS = {"in_person": CAPACITY_IN_PERSON, "online": CAPACITY_ONLINE}


def changed_fields(row: InfoSession) -> set[str]:
    """The fields this row decides: all of them for a session added in Teams."""
    if row.origin == ORGANIZER:
        return set(FIELDS)
    return {name for name in (row.changed_fields or "").split(",") if name}


def _apply(row: InfoSession, values: SessionValues) -> None:
    for name, value in values.items():
        if name == TITLE:
            row.title_nl, row.title_en = value.get("nl"), value.get("en")
        elif name == CITY:
            row.city_nl, row.city_en = value.get("nl"), value.get("en")
        elif name == START:
            row.start_at = value
        elif name == END:
            row.end_at = value
        elif name == MODES:
            row.modes = ",".join(value)
        elif name in (VENUE, JOIN, CAPACITY_IN_PERSON, CAPACITY_ONLINE, DEADLINE):
            setattr(row, name, value)
        else:
            raise ValueError(f"unknown session field {name!r}")


class InfoSessions:
    """Queries and row changes for organizer sessions, their change records and notices."""

    def __init__(self, session: AsyncSession):
        self._session = session

    # --- sessions -----------------------------------------------------------------------------
    async def signature(self) -> tuple[int, int]:
        """(rows, sum of versions): changes with every write, for a cheap 'anything new?' check."""
        stmt = select(func.count(), func.coalesce(func.sum(InfoSession.version), 0))
        count, versions = (await self._session.execute(stmt)).one()
        return int(count), int(versions)

    async def all(self) -> list[InfoSession]:
        return list((await self._session.execute(select(InfoSession).order_by(InfoSession.id))).scalars())

    async def get(self, session_id: str) -> InfoSession | None:
        return await self._session.get(InfoSession, session_id)

    async def add_session(self, session_id: str, values: SessionValues, timezone: str, now: datetime) -> InfoSession:
        row = InfoSession(
            id=session_id, origin=ORGANIZER, changed_fields="", timezone=timezone, version=1, created_at=now, updated_at=now
        )
        _apply(row, values)
        self._session.add(row)
        await self._session.flush()
        return row

    async def set_fields(self, session_id: str, values: SessionValues, now: datetime) -> InfoSession:
        """Store the organizer's values for these fields (a content session gets a row on its first change)."""
        row = await self._session.get(InfoSession, session_id)
        if row is None:
            row = InfoSession(id=session_id, origin=CONTENT, changed_fields="", version=0, created_at=now)
            self._session.add(row)
        _apply(row, values)
        if row.origin == CONTENT:
            row.changed_fields = ",".join(sorted(changed_fields(row) | set(values)))
        row.version = (row.version or 0) + 1
        row.updated_at = now
        await self._session.flush()
        return row

    # --- changes ------------------------------------------------------------------------------
    async def change_by_key(self, change_key: str) -> InfoSessionChange | None:
        stmt = select(InfoSessionChange).where(InfoSessionChange.change_key == change_key)
        return (await self._session.execute(stmt)).scalars().first()

    async def get_change(self, change_id: int) -> InfoSessionChange:
        """The change a notice refers to (a foreign key: it exists while the notice does)."""
        return await self._session.get_one(InfoSessionChange, change_id)

    async def add_change(self, *, change_key: str, session_id: str, kind: str, fields: Iterable[str], now: datetime) -> InfoSessionChange:
        """Raises IntegrityError when this change key was stored already."""
        change = InfoSessionChange(
            change_key=change_key, session_id=session_id, kind=kind, fields=",".join(sorted(fields)), created_at=now
        )
        self._session.add(change)
        await self._session.flush()
        return change

    # --- notices ------------------------------------------------------------------------------
    async def add_notices(self, change_id: int, registration_ids: Sequence[int], now: datetime) -> int:
        if not registration_ids:
            return 0
        insert = insert_for(self._session)
        rows = [
            {"change_id": change_id, "registration_id": rid, "status": PENDING, "updated_at": now}
            for rid in sorted(set(registration_ids))
        ]
        for start in range(0, len(rows), 200):  # well under the databases' limits on statement parameters
            await self._session.execute(
                insert(InfoSessionNotice).values(rows[start:start + 200]).on_conflict_do_nothing(
                    index_elements=[InfoSessionNotice.change_id, InfoSessionNotice.registration_id]
                )
            )
        return len(rows)

    async def open_notices(self, now: datetime, lease: timedelta, limit: int = 500) -> list[int]:
        """Ids of notices waiting to be sent (or whose sender vanished longer than `lease` ago)."""
        stmt = select(InfoSessionNotice.id).where(_claimable(now, lease)).order_by(InfoSessionNotice.id).limit(limit)
        return list((await self._session.execute(stmt)).scalars())

    async def claim_notice(self, notice_id: int, now: datetime, lease: timedelta) -> InfoSessionNotice | None:
        """The notice, when this caller may send it now; None when another caller has it or it is done."""
        result = await self._session.execute(
            update(InfoSessionNotice)
            .where(InfoSessionNotice.id == notice_id, _claimable(now, lease))
            .values(status=CLAIMED, claimed_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            return None
        return await self._session.get(InfoSessionNotice, notice_id)

    async def finish_notice(self, notice_id: int, status: NoticeStatus, now: datetime) -> None:
        """Record the outcome; PENDING releases the claim so a later tick tries again."""
        values: dict[str, Any] = {"status": status, "updated_at": now}
        if status == PENDING:
            values["claimed_at"] = None
        await self._session.execute(update(InfoSessionNotice).where(InfoSessionNotice.id == notice_id).values(**values))

    async def notices_of(self, change_id: int) -> list[InfoSessionNotice]:
        stmt = select(InfoSessionNotice).where(InfoSessionNotice.change_id == change_id).order_by(InfoSessionNotice.id)
        return list((await self._session.execute(stmt)).scalars())


def _claimable(now: datetime, lease: timedelta):
    return or_(
        InfoSessionNotice.status == PENDING,
        and_(InfoSessionNotice.status == CLAIMED, InfoSessionNotice.claimed_at < now - lease),
    )


# --- transactions ---------------------------------------------------------------------------------
class SavedKind(StrEnum):
    """What an organizer's add or change of a session did."""

    CREATED = "created"
    CHANGED = "changed"
    EXISTING = "existing"  # this confirmation was stored before: nothing stored again
    BELOW_CONFIRMED = "below_confirmed"  # a capacity lower than the seats already confirmed: nothing stored
    UNKNOWN = "unknown"  # no such session to change


@dataclass(frozen=True)
class Saved:
    """The result of an organizer's add or change."""

    kind: SavedKind
    session_id: str = ""
    change_id: int | None = None
    fields: tuple[str, ...] = ()
    notices: int = 0
    confirmed: dict[str, int] = field(default_factory=dict)  # below_confirmed: mode -> confirmed seats


def audience(mode: str, fields: Iterable[str]) -> set[str]:
    """Which of the changed fields matter to someone with a seat in this attendance mode."""
    relevant = {DEADLINE}
    relevant.add(JOIN if mode == "online" else VENUE)
    return set(fields) & relevant


class SessionStore:
    """Each method is one transaction over `InfoSessions`, safe with many instances on one database."""

    def __init__(self, db: Database):
        self._db = db

    async def signature(self) -> tuple[int, int]:
        return await self._db.unit(lambda session: InfoSessions(session).signature())

    async def rows(self) -> list[InfoSession]:
        return await self._db.unit(lambda session: InfoSessions(session).all())

    async def change_by_key(self, change_key: str) -> InfoSessionChange | None:
        async with self._db.transaction() as session:
            return await InfoSessions(session).change_by_key(change_key)

    async def add(
        self,
        *,
        change_key: str,
        candidate_ids: Sequence[str],
        values: SessionValues,
        timezone: str,
        actor: str,
        now: datetime,
    ) -> Saved:
        """Store a new session under the first free id of `candidate_ids` (ids of the content file are
        left out by the caller). The same change key stores nothing twice."""
        for session_id in candidate_ids:
            existing = await self.change_by_key(change_key)
            if existing is not None:
                return Saved(SavedKind.EXISTING, existing.session_id, existing.id)
            try:
                async with self._db.transaction() as session:
                    repo = InfoSessions(session)
                    if await repo.get(session_id) is not None:
                        continue
                    change = await repo.add_change(change_key=change_key, session_id=session_id, kind=ADDED, fields=FIELDS, now=now)
                    await repo.add_session(session_id, values, timezone, now)
                    await AuditTrail(session).record(
                        actor_aad_object_id=actor, action="sessions.added", target=session_id, now=now,
                        detail={"change": change.id},
                    )
                return Saved(SavedKind.CREATED, session_id, change.id, tuple(sorted(values)))
            except IntegrityError:
                continue  # the same key from a concurrent confirm, or the id was just taken: look again
        existing = await self.change_by_key(change_key)
        if existing is not None:
            return Saved(SavedKind.EXISTING, existing.session_id, existing.id)
        raise RuntimeError("no free id for the new session")

    async def change(
        self,
        *,
        change_key: str,
        session_id: str,
        values: SessionValues,
        actor: str,
        now: datetime,
    ) -> Saved:
        """Store the changed fields of one session, the change record, a notice per registrant to tell,
        and the audit entry. A capacity below the confirmed seats of its mode is refused (nothing stored)."""
        existing = await self.change_by_key(change_key)
        if existing is not None:
            return Saved(SavedKind.EXISTING, existing.session_id, existing.id, tuple(existing.fields.split(",")))
        try:
            async with self._db.transaction() as session:
                registrations = Registrations(session)
                lowered = {mode: values[name] for mode, name in CAPACITY_FIELDS.items() if name in values}
                if lowered:
                    await registrations.lock_seats(session_id, list(lowered))
                    taken = await registrations.seats_taken(session_id)
                    below = {
                        mode: taken.get(mode, 0)
                        for mode, capacity in lowered.items()
                        if capacity is not None and capacity < taken.get(mode, 0)
                    }
                    if below:
                        return Saved(SavedKind.BELOW_CONFIRMED, session_id, confirmed=below)
                repo = InfoSessions(session)
                await repo.set_fields(session_id, values, now)
                change = await repo.add_change(change_key=change_key, session_id=session_id, kind=CHANGED, fields=values, now=now)
                recipients = [r.id for r in await registrations.confirmed_in([session_id]) if audience(r.mode, values)]
                count = await repo.add_notices(change.id, recipients, now)
                await AuditTrail(session).record(
                    actor_aad_object_id=actor, action="sessions.changed", target=session_id, now=now,
                    detail={"change": change.id, "fields": sorted(values), "notices": count},
                )
            return Saved(SavedKind.CHANGED, session_id, change.id, tuple(sorted(values)), count)
        except IntegrityError:
            existing = await self.change_by_key(change_key)
            if existing is None:
                raise
            return Saved(SavedKind.EXISTING, existing.session_id, existing.id, tuple(existing.fields.split(",")))

    # --- notices ------------------------------------------------------------------------------
    async def open_notices(self, now: datetime, lease: timedelta) -> list[int]:
        async with self._db.transaction() as session:
            return await InfoSessions(session).open_notices(now, lease)

    async def claim_notice(
        self, notice_id: int, now: datetime, lease: timedelta
    ) -> tuple[InfoSessionNotice, InfoSessionChange, Registration | None] | None:
        """(notice, its change, the registration) when this caller may send it now."""
        async with self._db.transaction() as session:
            repo = InfoSessions(session)
            notice = await repo.claim_notice(notice_id, now, lease)
            if notice is None:
                return None
            change = await repo.get_change(notice.change_id)
            registration = await Registrations(session).get(notice.registration_id)
            return notice, change, registration

    async def finish_notice(self, notice_id: int, status: NoticeStatus, now: datetime) -> None:
        async with self._db.transaction() as session:
            await InfoSessions(session).finish_notice(notice_id, status, now)

    async def seats(self, session_id: str) -> dict[tuple[str, str], int]:
        """(mode, status) -> registrations, for the organizers' overview."""
        async with self._db.transaction() as session:
            return await Registrations(session).count_by_status(session_id)
