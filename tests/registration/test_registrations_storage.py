"""The registrar on SQLite and PostgreSQL: capacity under concurrency, idempotency, one active registration
per person, waitlist promotion, mode switches, notice claims and next-session requests."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from storage.registration.models import Registration, RegistrationNotice, SessionInterest
from storage.registration.repository import Attendee, Registrar, Registrations, forget_user

NOW = datetime.fromisoformat("2022-09-20T10:15:00+02:00")
S = "info-2022-10-04"
LEASE = timedelta(minutes=10)


def attendee(n: int) -> Attendee:
    return Attendee(user_key=f"aad:user-{n}", aad_object_id=f"user-{n}", name=f"P{n}", email=f"p{n}@example.nl",
                    municipality="Utrecht", role="Adviseur")


async def _register(registrar: Registrar, n: int, *, mode="in_person", capacity=10, token=None):
    return await registrar.register(session_id=S, mode=mode, capacity=capacity, attendee=attendee(n), token=token, now=NOW)


async def _status_counts(db) -> dict[tuple[str, str], int]:
    async with db.transaction() as session:
        return await Registrations(session).count_by_status(S)


async def _seats(db) -> dict[str, int]:
    async with db.transaction() as session:
        return await Registrations(session).seats_taken(S)


async def test_fifty_concurrent_registrations_for_ten_seats(db):
    registrar = Registrar(db)
    outcomes = await asyncio.gather(*(_register(registrar, n) for n in range(50)))
    assert all(o.kind == "created" for o in outcomes)
    assert await _status_counts(db) == {("in_person", "confirmed"): 10, ("in_person", "waitlisted"): 40}
    assert await _seats(db) == {"in_person": 10}
    positions = sorted([await registrar.waitlist_position(o.registration) for o in outcomes if o.registration.status == "waitlisted"])
    assert positions == list(range(1, 41))


async def test_concurrent_registrations_from_separate_engines(db_target, db):
    """Two engines (two app processes) on one database still hold the capacity."""
    other = db_target.database()
    try:
        first, second = Registrar(db), Registrar(other)
        await asyncio.gather(*(_register(first if n % 2 else second, n, capacity=7) for n in range(30)))
    finally:
        await other.dispose()
    assert await _status_counts(db) == {("in_person", "confirmed"): 7, ("in_person", "waitlisted"): 23}


async def test_the_same_submit_twice_stores_once(db):
    registrar = Registrar(db)
    outcomes = await asyncio.gather(*(_register(registrar, 1, token="tok-1") for _ in range(5)))
    assert sorted(o.kind for o in outcomes) == ["created", "existing", "existing", "existing", "existing"]
    assert len({o.registration.id for o in outcomes}) == 1
    assert await _seats(db) == {"in_person": 1}  # the losers' seats were rolled back


async def test_one_active_registration_per_person_even_with_other_tokens(db):
    registrar = Registrar(db)
    outcomes = await asyncio.gather(*(_register(registrar, 2, token=f"tok-{i}", mode=m) for i, m in enumerate(["in_person", "online"] * 3)))
    assert len({o.registration.id for o in outcomes}) == 1
    assert sum((await _seats(db)).values()) == 1


async def test_the_partial_unique_index_refuses_a_second_active_row(db):
    await _register(Registrar(db), 3)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await Registrations(session).add(session_id=S, mode="online", status="waitlisted", attendee=attendee(3), token=None, now=NOW)
    async with db.transaction() as session:  # a cancelled one does not count
        record = (await session.execute(select(Registration))).scalar_one()
        record.status = "cancelled"
    outcome = await _register(Registrar(db), 3)
    assert outcome.kind == "created"


async def test_unlimited_capacity_confirms_everyone(db):
    registrar = Registrar(db)
    await asyncio.gather(*(_register(registrar, n, mode="online", capacity=None) for n in range(8)))
    assert await _status_counts(db) == {("online", "confirmed"): 8}


async def test_cancellation_promotes_in_order_and_keeps_the_count(db):
    registrar = Registrar(db)
    for n in range(5):
        await _register(registrar, n, capacity=2)
    capacity = {"in_person": 2, "online": None}
    outcome = await registrar.cancel(session_id=S, user_key="aad:user-0", capacity=capacity, now=NOW)
    assert outcome.kind == "cancelled" and len(outcome.promoted) == 1
    async with db.transaction() as session:
        promoted = await Registrations(session).get(outcome.promoted[0])
        assert promoted.user_key == "aad:user-2" and promoted.status == "confirmed" and promoted.revision == 1
        assert await Registrations(session).notice_status(promoted.id, "promoted") == "pending"
    # A waitlisted person cancelling frees no seat and promotes nobody.
    outcome = await registrar.cancel(session_id=S, user_key="aad:user-4", capacity=capacity, now=NOW)
    assert outcome.kind == "cancelled" and outcome.promoted == ()
    assert await _status_counts(db) == {("in_person", "confirmed"): 2, ("in_person", "waitlisted"): 1, ("in_person", "cancelled"): 2}
    assert await _seats(db) == {"in_person": 2}
    assert (await registrar.cancel(session_id=S, user_key="aad:user-0", capacity=capacity, now=NOW)).kind == "none"


async def test_concurrent_cancellations_promote_each_waiting_person_once(db):
    registrar = Registrar(db)
    for n in range(15):
        await _register(registrar, n, capacity=5)
    capacity = {"in_person": 5}
    outcomes = await asyncio.gather(
        *(registrar.cancel(session_id=S, user_key=f"aad:user-{n}", capacity=capacity, now=NOW) for n in range(5))
    )
    promoted = [p for o in outcomes for p in o.promoted]
    assert len(promoted) == len(set(promoted)) == 5
    assert await _status_counts(db) == {("in_person", "cancelled"): 5, ("in_person", "confirmed"): 5, ("in_person", "waitlisted"): 5}
    assert await _seats(db) == {"in_person": 5}
    async with db.transaction() as session:
        confirmed = (await session.execute(select(Registration.user_key).where(Registration.status == "confirmed"))).scalars()
        assert sorted(confirmed) == sorted(f"aad:user-{n}" for n in range(5, 10))  # first come, first served


async def test_switch_mode_moves_the_seat_and_promotes(db):
    registrar = Registrar(db)
    capacity = {"in_person": 1, "online": 1}
    await _register(registrar, 1, capacity=1)  # in person, confirmed
    await _register(registrar, 2, capacity=1)  # in person, waitlisted
    outcome = await registrar.switch_mode(session_id=S, user_key="aad:user-1", to_mode="online", capacity=capacity, now=NOW)
    assert outcome.kind == "switched" and outcome.registration.mode == "online" and len(outcome.promoted) == 1
    assert await _seats(db) == {"in_person": 1, "online": 1}
    again = await registrar.switch_mode(session_id=S, user_key="aad:user-1", to_mode="online", capacity=capacity, now=NOW)
    assert again.kind == "same"
    full = await registrar.switch_mode(session_id=S, user_key="aad:user-2", to_mode="online", capacity=capacity, now=NOW)
    assert full.kind == "full" and full.registration.mode == "in_person"
    assert await _seats(db) == {"in_person": 1, "online": 1}


async def test_opposite_switches_at_once_do_not_deadlock(db):
    registrar = Registrar(db)
    capacity = {"in_person": None, "online": None}
    await _register(registrar, 1, capacity=None)
    await _register(registrar, 2, mode="online", capacity=None)
    outcomes = await asyncio.wait_for(asyncio.gather(
        registrar.switch_mode(session_id=S, user_key="aad:user-1", to_mode="online", capacity=capacity, now=NOW),
        registrar.switch_mode(session_id=S, user_key="aad:user-2", to_mode="in_person", capacity=capacity, now=NOW),
    ), timeout=20)
    assert [o.kind for o in outcomes] == ["switched", "switched"]
    assert await _seats(db) == {"in_person": 1, "online": 1}


async def test_a_raised_capacity_fills_from_the_waitlist(db):
    registrar = Registrar(db)
    for n in range(4):
        await _register(registrar, n, capacity=1)
    promoted = await registrar.fill(session_id=S, mode="in_person", capacity=3, now=NOW)
    assert len(promoted) == 2
    assert await _seats(db) == {"in_person": 3}


async def test_notice_claims_are_exclusive_released_and_taken_over(db):
    outcome = await _register(Registrar(db), 1)
    rid = outcome.registration.id

    async def claim(now):
        async with db.transaction() as session:
            return await Registrations(session).claim_notice(rid, "reminder:24h", now, LEASE)

    results = await asyncio.gather(*(claim(NOW) for _ in range(6)))
    assert results.count(True) == 1
    assert await claim(NOW + timedelta(minutes=5)) is False  # still being sent
    assert await claim(NOW + timedelta(minutes=11)) is True  # the sender vanished: taken over
    async with db.transaction() as session:
        await Registrations(session).finish_notice(rid, "reminder:24h", "pending", NOW)  # a failed send
    assert await claim(NOW) is True
    async with db.transaction() as session:
        await Registrations(session).finish_notice(rid, "reminder:24h", "sent", NOW)
    assert await claim(NOW + timedelta(days=1)) is False
    async with db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(RegistrationNotice))).scalar_one() == 1


async def test_next_session_requests_are_one_per_person(db):
    registrar = Registrar(db)
    await asyncio.gather(*(registrar.add_interest("aad:user-1", "user-1", "nl", NOW) for _ in range(4)))
    async with db.transaction() as session:
        repo = Registrations(session)
        (interest,) = await repo.open_interests(NOW, LEASE)
        assert await repo.claim_interest(interest.id, NOW, LEASE)
        await repo.finish_interest(interest.id, "sent", S, NOW)
        assert await repo.open_interests(NOW, LEASE) == []
    await registrar.add_interest("aad:user-1", "user-1", "nl", NOW)  # asking again later re-opens the request
    async with db.transaction() as session:
        rows = (await session.execute(select(SessionInterest))).scalars().all()
        assert [(r.status, r.session_id) for r in rows] == [("pending", None)]


async def test_forget_user_frees_the_seat_then_deletes_everything(db):
    registrar = Registrar(db)
    first = await _register(registrar, 1, capacity=1)
    await _register(registrar, 2, capacity=1)
    await registrar.add_interest("aad:user-1", "user-1", "nl", NOW)
    async with db.transaction() as session:
        await Registrations(session).add_notice(first.registration.id, "reminder:24h", NOW)
    async with db.transaction() as session:
        promoted = await forget_user(Registrations(session), "aad:user-1", {S: {"in_person": 1}}, now=NOW)
    assert len(promoted) == 1
    async with db.transaction() as session:
        rows = (await session.execute(select(Registration.user_key, Registration.status))).all()
        assert rows == [("aad:user-2", "confirmed")]
        assert (await session.execute(select(func.count()).select_from(SessionInterest))).scalar_one() == 0
        notices = (await session.execute(select(RegistrationNotice.kind))).scalars().all()
        assert notices == ["promoted"]  # user 1's reminder went with the registration
    assert await _seats(db) == {"in_person": 1}
