"""Session registrations: the repository (the only code that queries these tables) and the `Registrar`,
which runs each registration change as one transaction.

Capacity holds across processes: a seat is a row-level `UPDATE session_seats SET confirmed = confirmed + 1
WHERE ... AND confirmed < :capacity`; PostgreSQL re-checks the condition after a concurrent writer commits
and SQLite has one writer at a time, so the counter never passes the capacity. Every change locks the seat
rows it needs (sorted by mode) before it touches a registration row, so two changes cannot deadlock.

Nothing here knows Teams or botbuilder: sessions come in as ids and capacities.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database, insert_for, is_postgresql, rowcount
from storage.models import NoticeStatus
from storage.registration.models import (
    CANCELLED,
    CLAIMED,
    CONFIRMED,
    PENDING,
    WAITLISTED,
    Registration,
    RegistrationNotice,
    RegistrationStatus,
    SessionInterest,
    SessionSeats,
    is_active,
)

T = TypeVar("T")

PROMOTED = "promoted"  # notice kind: a seat came free for someone on the waitlist


@dataclass(frozen=True)
class Attendee:
    """What a person enters when registering (already validated)."""

    user_key: str
    aad_object_id: str | None
    name: str
    email: str
    municipality: str
    role: str
    accessibility: str = ""
    dietary: str = ""
    language: str = "nl"


class Registrations:
    """Queries and row changes for registrations, seat counters, notices and next-session requests."""

    def __init__(self, session: AsyncSession):
        self._session = session

    # --- registrations ------------------------------------------------------------------------
    async def get(self, registration_id: int) -> Registration | None:
        return await self._session.get(Registration, registration_id)

    async def by_confirm_token(self, token: str) -> Registration | None:
        stmt = select(Registration).where(Registration.confirm_token == token)
        return (await self._session.execute(stmt)).scalars().first()

    async def by_calendar_token(self, token: str) -> Registration | None:
        stmt = select(Registration).where(Registration.calendar_token == token)
        return (await self._session.execute(stmt)).scalars().first()

    async def active_for(self, session_id: str, user_key: str) -> Registration | None:
        stmt = select(Registration).where(
            Registration.session_id == session_id,
            Registration.user_key == user_key,
            is_active(),  # literal, so that SQLite uses the partial unique index (see is_active)
        )
        return (await self._session.execute(stmt)).scalars().first()

    async def active_for_user(self, user_key: str) -> list[Registration]:
        stmt = (
            select(Registration)
            .where(Registration.user_key == user_key, is_active())
            .order_by(Registration.id)
        )
        return list((await self._session.execute(stmt)).scalars())

    async def confirmed_in(self, session_ids: Sequence[str]) -> list[Registration]:
        if not session_ids:
            return []
        stmt = (
            select(Registration)
            .where(Registration.session_id.in_(list(session_ids)), Registration.status == CONFIRMED)
            .order_by(Registration.id)
        )
        return list((await self._session.execute(stmt)).scalars())

    async def add(self, *, session_id: str, mode: str, status: RegistrationStatus, attendee: Attendee, token: str | None, now: datetime) -> Registration:
        record = Registration(
            session_id=session_id,
            user_key=attendee.user_key,
            aad_object_id=attendee.aad_object_id,
            mode=mode,
            status=status,
            name=attendee.name,
            email=attendee.email,
            municipality=attendee.municipality,
            role=attendee.role,
            accessibility=attendee.accessibility,
            dietary=attendee.dietary,
            language=attendee.language,
            confirm_token=token,
            calendar_token=secrets.token_urlsafe(32),
            revision=0,
            created_at=now,
            updated_at=now,
        )
        self._session.add(record)
        await self._session.flush()
        return record

    async def change(self, record: Registration, *, expect_status: str, expect_mode: str, now: datetime, **values) -> bool:
        """Compare-and-set: change the registration only if it still has the status and mode that were read."""
        values.setdefault("updated_at", now)
        result = await self._session.execute(
            update(Registration)
            .where(Registration.id == record.id, Registration.status == expect_status, Registration.mode == expect_mode)
            .values(revision=Registration.revision + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            return False
        await self._session.refresh(record)
        return True

    async def first_waitlisted(self, session_id: str, mode: str) -> Registration | None:
        """The first person on the waitlist; on PostgreSQL rows that another transaction holds are skipped."""
        stmt = (
            select(Registration)
            .where(Registration.session_id == session_id, Registration.mode == mode, Registration.status == WAITLISTED)
            .order_by(Registration.id)
            .limit(1)
        )
        if is_postgresql(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
        return (await self._session.execute(stmt)).scalars().first()

    async def waitlist_position(self, record: Registration) -> int:
        stmt = select(func.count()).where(
            Registration.session_id == record.session_id,
            Registration.mode == record.mode,
            Registration.status == WAITLISTED,
            Registration.id < record.id,
        )
        return int((await self._session.execute(stmt)).scalar_one()) + 1

    # --- seats --------------------------------------------------------------------------------
    async def lock_seats(self, session_id: str, modes: Sequence[str]) -> None:
        """Make sure the counters exist and hold them until the transaction ends (sorted: no deadlocks).
        On SQLite the insert already takes the database's single write lock."""
        ordered = sorted(set(modes))
        insert = insert_for(self._session)
        for mode in ordered:
            await self._session.execute(
                insert(SessionSeats).values(session_id=session_id, mode=mode, confirmed=0).on_conflict_do_nothing()
            )
        if is_postgresql(self._session):
            await self._session.execute(
                select(SessionSeats.mode)
                .where(SessionSeats.session_id == session_id, SessionSeats.mode.in_(ordered))
                .order_by(SessionSeats.mode)
                .with_for_update()
            )

    async def take_seat(self, session_id: str, mode: str, capacity: int | None) -> bool:
        """One atomic conditional increment; False when the mode is full."""
        condition = [SessionSeats.session_id == session_id, SessionSeats.mode == mode]
        if capacity is not None:
            condition.append(SessionSeats.confirmed < capacity)
        result = await self._session.execute(
            update(SessionSeats).where(*condition).values(confirmed=SessionSeats.confirmed + 1)
        )
        return rowcount(result) == 1

    async def release_seat(self, session_id: str, mode: str) -> None:
        await self._session.execute(
            update(SessionSeats)
            .where(SessionSeats.session_id == session_id, SessionSeats.mode == mode, SessionSeats.confirmed > 0)
            .values(confirmed=SessionSeats.confirmed - 1)
        )

    async def seats_taken(self, session_id: str) -> dict[str, int]:
        stmt = select(SessionSeats.mode, SessionSeats.confirmed).where(SessionSeats.session_id == session_id)
        return dict((await self._session.execute(stmt)).tuples().all())

    async def count_by_status(self, session_id: str) -> dict[tuple[str, str], int]:
        """(mode, status) -> number of registrations, for checks and organizer overviews."""
        stmt = (
            select(Registration.mode, Registration.status, func.count())
            .where(Registration.session_id == session_id)
            .group_by(Registration.mode, Registration.status)
        )
        return {(mode, status): int(n) for mode, status, n in (await self._session.execute(stmt)).all()}

    # --- notices (claimed with a unique row before sending) -----------------------------------
    async def add_notice(self, registration_id: int, kind: str, now: datetime) -> None:
        insert = insert_for(self._session)
        await self._session.execute(
            insert(RegistrationNotice)
            .values(registration_id=registration_id, kind=kind, status=PENDING, updated_at=now)
            .on_conflict_do_nothing(index_elements=[RegistrationNotice.registration_id, RegistrationNotice.kind])
        )

    async def claim_notice(self, registration_id: int, kind: str, now: datetime, lease: timedelta) -> bool:
        """True when this caller may send the notice now: a new claim row, a pending (released) one, or a
        claim whose sender vanished longer than `lease` ago."""
        insert = insert_for(self._session)
        created = await self._session.execute(
            insert(RegistrationNotice)
            .values(registration_id=registration_id, kind=kind, status=CLAIMED, claimed_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=[RegistrationNotice.registration_id, RegistrationNotice.kind])
        )
        if rowcount(created) == 1:
            return True
        taken = await self._session.execute(
            update(RegistrationNotice)
            .where(
                RegistrationNotice.registration_id == registration_id,
                RegistrationNotice.kind == kind,
                _claimable(RegistrationNotice, now, lease),
            )
            .values(status=CLAIMED, claimed_at=now, updated_at=now)
        )
        return rowcount(taken) == 1

    async def finish_notice(self, registration_id: int, kind: str, status: NoticeStatus, now: datetime) -> None:
        """Record the outcome; PENDING releases the claim so a later tick tries again."""
        await self._session.execute(
            update(RegistrationNotice)
            .where(RegistrationNotice.registration_id == registration_id, RegistrationNotice.kind == kind)
            .values(status=status, claimed_at=None if status == PENDING else RegistrationNotice.claimed_at, updated_at=now)
        )

    async def open_notices(self, kind: str, now: datetime, lease: timedelta) -> list[tuple[int, str]]:
        """(registration id, kind) of notices waiting to be sent."""
        stmt = (
            select(RegistrationNotice.registration_id, RegistrationNotice.kind)
            .where(RegistrationNotice.kind == kind, _claimable(RegistrationNotice, now, lease))
            .order_by(RegistrationNotice.id)
        )
        return [(rid, k) for rid, k in (await self._session.execute(stmt)).all()]

    async def settled_notices(self, registration_ids: Sequence[int], now: datetime, lease: timedelta) -> set[tuple[int, str]]:
        """(registration id, kind) of notices that are done or being sent right now: not to be claimed."""
        if not registration_ids:
            return set()
        stmt = select(RegistrationNotice.registration_id, RegistrationNotice.kind).where(
            RegistrationNotice.registration_id.in_(list(registration_ids)),
            ~_claimable(RegistrationNotice, now, lease),
        )
        return {(rid, kind) for rid, kind in (await self._session.execute(stmt)).all()}

    async def notice_status(self, registration_id: int, kind: str) -> str | None:
        stmt = select(RegistrationNotice.status).where(
            RegistrationNotice.registration_id == registration_id, RegistrationNotice.kind == kind
        )
        return (await self._session.execute(stmt)).scalars().first()

    # --- 'tell me about the next session' -----------------------------------------------------
    async def add_interest(self, user_key: str, aad_object_id: str | None, language: str, now: datetime) -> None:
        """One request per person; asking again after being told re-opens it."""
        insert = insert_for(self._session)
        stmt = insert(SessionInterest).values(
            user_key=user_key, aad_object_id=aad_object_id, language=language, status=PENDING, created_at=now, updated_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[SessionInterest.user_key],
            set_={"status": PENDING, "aad_object_id": aad_object_id, "language": language, "session_id": None,
                  "claimed_at": None, "updated_at": now},
            where=SessionInterest.status != PENDING,
        )
        await self._session.execute(stmt)

    async def interest_for(self, user_key: str) -> SessionInterest | None:
        stmt = select(SessionInterest).where(SessionInterest.user_key == user_key)
        return (await self._session.execute(stmt)).scalars().first()

    async def open_interests(self, now: datetime, lease: timedelta) -> list[SessionInterest]:
        stmt = select(SessionInterest).where(_claimable(SessionInterest, now, lease)).order_by(SessionInterest.id)
        return list((await self._session.execute(stmt)).scalars())

    async def claim_interest(self, interest_id: int, now: datetime, lease: timedelta) -> bool:
        result = await self._session.execute(
            update(SessionInterest)
            .where(SessionInterest.id == interest_id, _claimable(SessionInterest, now, lease))
            .values(status=CLAIMED, claimed_at=now, updated_at=now)
        )
        return rowcount(result) == 1

    async def finish_interest(self, interest_id: int, status: NoticeStatus, session_id: str | None, now: datetime) -> None:
        values: dict = {"status": status, "updated_at": now}
        if status == PENDING:
            values["claimed_at"] = None
        else:
            values["session_id"] = session_id
        await self._session.execute(update(SessionInterest).where(SessionInterest.id == interest_id).values(**values))

    async def forget_user(self, user_key: str) -> None:
        """Delete every registration (notices go with them) and request of this person. Seats are not
        released here: use `forget_user` below, which cancels first."""
        await self._session.execute(delete(SessionInterest).where(SessionInterest.user_key == user_key))
        await self._session.execute(delete(Registration).where(Registration.user_key == user_key))


def _claimable(table, now: datetime, lease: timedelta):
    return or_(table.status == PENDING, and_(table.status == CLAIMED, table.claimed_at < now - lease))


# --- transactions ---------------------------------------------------------------------------------
class OutcomeKind(StrEnum):
    """What a registration change did."""

    CREATED = "created"  # a new registration (confirmed or waitlisted)
    EXISTING = "existing"  # this form or this person was registered already: nothing changed
    SWITCHED = "switched"  # moved to the other attendance mode
    SAME = "same"  # already in that mode
    FULL = "full"  # no free seat in the other mode: nothing changed
    CANCELLED = "cancelled"
    NONE = "none"  # no active registration to change
    FILLED = "filled"  # free seats went to the waitlist (more capacity, or seats freed by an erasure)


@dataclass(frozen=True)
class RegistrationOutcome:
    """The result of a registration change. `promoted` are registrations that just left the waitlist."""

    kind: OutcomeKind
    registration: Registration | None = None
    promoted: tuple[int, ...] = ()


class Registrar:
    """Each method is one transaction over `Registrations`, safe with many instances on one database."""

    def __init__(self, db: Database):
        self._db = db

    async def register(
        self, *, session_id: str, mode: str, capacity: int | None, attendee: Attendee, token: str | None, now: datetime
    ) -> RegistrationOutcome:
        """A confirmed seat when one is free, else a place on the waitlist. The same token, or a second
        registration of the same person for the same session, returns the existing one."""
        for _attempt in range(3):
            existing = await self._existing(session_id, attendee.user_key, token)
            if existing is not None:
                return RegistrationOutcome(OutcomeKind.EXISTING, existing)
            async def add(session: AsyncSession) -> Registration:
                repo = Registrations(session)
                await repo.lock_seats(session_id, [mode])
                status = CONFIRMED if await repo.take_seat(session_id, mode, capacity) else WAITLISTED
                return await repo.add(session_id=session_id, mode=mode, status=status, attendee=attendee, token=token, now=now)

            try:
                record = await self._db.unit(add)
                return RegistrationOutcome(OutcomeKind.CREATED, record)
            except IntegrityError:
                continue  # a concurrent submit of the same person won: read what it stored
        existing = await self._existing(session_id, attendee.user_key, token)
        if existing is None:
            raise RuntimeError("registration conflict could not be resolved")
        return RegistrationOutcome(OutcomeKind.EXISTING, existing)

    async def _existing(self, session_id: str, user_key: str, token: str | None) -> Registration | None:
        async def find(session: AsyncSession) -> Registration | None:
            repo = Registrations(session)
            if token:
                found = await repo.by_confirm_token(token)
                if found is not None and found.user_key == user_key:
                    return found
            return await repo.active_for(session_id, user_key)

        return await self._db.unit(find)

    async def switch_mode(
        self, *, session_id: str, user_key: str, to_mode: str, capacity: Mapping[str, int | None], now: datetime
    ) -> RegistrationOutcome:
        """Move an active registration to the other mode when it has a free seat; the freed seat goes to
        the first person on that mode's waitlist."""
        return await retrying(lambda: self._switch_once(session_id, user_key, to_mode, capacity, now))

    async def _switch_once(
        self, session_id: str, user_key: str, to_mode: str, capacity: Mapping[str, int | None], now: datetime
    ) -> RegistrationOutcome:
        async with self._db.transaction() as session:
            repo = Registrations(session)
            record = await repo.active_for(session_id, user_key)
            if record is None:
                return RegistrationOutcome(OutcomeKind.NONE)
            if record.mode == to_mode:
                return RegistrationOutcome(OutcomeKind.SAME, record)
            from_mode, from_status = record.mode, record.status
            await repo.lock_seats(session_id, [from_mode, to_mode])
            if not await repo.take_seat(session_id, to_mode, capacity.get(to_mode)):
                return RegistrationOutcome(OutcomeKind.FULL, record)
            if not await repo.change(record, expect_status=from_status, expect_mode=from_mode, now=now, mode=to_mode, status=CONFIRMED):
                raise RegistrationChanged()
            promoted: tuple[int, ...] = ()
            if from_status == CONFIRMED:
                await repo.release_seat(session_id, from_mode)
                promoted = await _fill(repo, session_id, from_mode, capacity.get(from_mode), now)
            return RegistrationOutcome(OutcomeKind.SWITCHED, record, promoted)

    async def cancel(self, *, session_id: str, user_key: str, capacity: Mapping[str, int | None], now: datetime) -> RegistrationOutcome:
        """Cancel the person's active registration; a freed seat goes to the first on the waitlist."""
        return await retrying(lambda: self._cancel_once(session_id, user_key, capacity, now))

    async def _cancel_once(self, session_id: str, user_key: str, capacity: Mapping[str, int | None], now: datetime) -> RegistrationOutcome:
        async with self._db.transaction() as session:
            repo = Registrations(session)
            record = await repo.active_for(session_id, user_key)
            if record is None:
                return RegistrationOutcome(OutcomeKind.NONE)
            promoted = await _cancel(repo, record, capacity, now)
            return RegistrationOutcome(OutcomeKind.CANCELLED, record, promoted)

    async def fill(self, *, session_id: str, mode: str, capacity: int | None, now: datetime) -> tuple[int, ...]:
        """Give free seats to the waitlist (e.g. after an organizer raised the capacity)."""
        async with self._db.transaction() as session:
            repo = Registrations(session)
            await repo.lock_seats(session_id, [mode])
            return await _fill(repo, session_id, mode, capacity, now)

    async def waitlist_position(self, record: Registration) -> int:
        return await self._db.unit(lambda session: Registrations(session).waitlist_position(record))

    async def has_seat(self, session_id: str, mode: str, capacity: int | None) -> bool:
        if capacity is None:
            return True
        taken = await self._db.unit(lambda session: Registrations(session).seats_taken(session_id))
        return taken.get(mode, 0) < capacity

    async def active_for_user(self, user_key: str) -> list[Registration]:
        return await self._db.unit(lambda session: Registrations(session).active_for_user(user_key))

    async def by_confirm_token(self, token: str) -> Registration | None:
        return await self._db.unit(lambda session: Registrations(session).by_confirm_token(token))

    async def by_calendar_token(self, token: str) -> Registration | None:
        async with self._db.transaction() as session:
            return await Registrations(session).by_calendar_token(token)

    async def add_interest(self, user_key: str, aad_object_id: str | None, language: str, now: datetime) -> None:
        async with self._db.transaction() as session:
            await Registrations(session).add_interest(user_key, aad_object_id, language, now)


async def _fill(repo: Registrations, session_id: str, mode: str, capacity: int | None, now: datetime) -> tuple[int, ...]:
    promoted: list[int] = []
    while True:
        candidate = await repo.first_waitlisted(session_id, mode)
        if candidate is None or not await repo.take_seat(session_id, mode, capacity):
            break
        if await repo.change(candidate, expect_status=WAITLISTED, expect_mode=mode, now=now, status=CONFIRMED):
            await repo.add_notice(candidate.id, PROMOTED, now)
            promoted.append(candidate.id)
        else:  # cannot happen while the seat row is locked; give the seat back and stop
            await repo.release_seat(session_id, mode)
            break
    return tuple(promoted)


async def _cancel(repo: Registrations, record: Registration, capacity: Mapping[str, int | None], now: datetime) -> tuple[int, ...]:
    """Cancel an active registration in the caller's transaction; a freed seat goes to the first on the
    waitlist. Raises `RegistrationChanged` when the row changed since it was read."""
    mode, status = record.mode, record.status
    await repo.lock_seats(record.session_id, [mode])
    if not await repo.change(record, expect_status=status, expect_mode=mode, now=now, status=CANCELLED, cancelled_at=now):
        raise RegistrationChanged()  # changed in between (e.g. promoted or switched): read again
    if status != CONFIRMED:
        return ()
    await repo.release_seat(record.session_id, mode)
    return await _fill(repo, record.session_id, mode, capacity.get(mode), now)


async def forget_user(
    repo: Registrations, user_key: str, capacities: Mapping[str, Mapping[str, int | None]], *, now: datetime
) -> tuple[int, ...]:
    """'Delete my data' for registrations, in the caller's transaction: cancel the person's active
    registrations (their seats go to the waitlist), then delete every registration and request of theirs.
    Returns the registrations promoted from the waitlist. Raises `RegistrationChanged` when a registration
    changed while it was being cancelled: roll back and run the whole transaction again (`retrying`)."""
    promoted: list[int] = []
    for record in await repo.active_for_user(user_key):
        promoted.extend(await _cancel(repo, record, capacities.get(record.session_id, {}), now))
    await repo.forget_user(user_key)
    return tuple(promoted)


class RegistrationChanged(Exception):
    """The registration changed between reading and writing; the transaction must be rolled back and run again."""


async def retrying(attempt: Callable[[], Awaitable[T]], times: int = 3) -> T:
    """Run a transaction again (up to `times` in all) while it raises `RegistrationChanged`."""
    for _ in range(times):
        try:
            return await attempt()
        except RegistrationChanged:
            continue
    raise RuntimeError("registration kept changing; gave up")
