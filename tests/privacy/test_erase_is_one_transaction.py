"""'Delete my data' is one unit of work, on SQLite and PostgreSQL: when any step fails, nothing is erased,
no seat moves and nobody leaves the waitlist; when it succeeds, everything is gone at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from storage.bot_state import BotStates
from storage.offers.repository import ExpertiseOffers, OfferFields
from storage.privacy.personal_data import Person, PersonalData
from storage.registration.models import Registration, RegistrationNotice, SessionInterest
from storage.registration.repository import Attendee, Registrar, Registrations
from storage.repositories import ConversationReferences, Feedback, ForwardedQuestions

NOW = datetime(2022, 9, 20, 8, 15, tzinfo=UTC)
SESSION = "info-2022-10-04"
CAPACITIES = {SESSION: {"in_person": 1, "online": None}}
ANNA = Person(user_key="aad:anna", aad_object_id="anna", channel_id="msteams", channel_user_id="29:anna")
OFFER = OfferFields(
    municipality="Utrecht", contact_name="Anna", contact_email="anna@example.nl", contact_phone="", areas=("water",),
    other_area=None, description="Leidingen.", expert_count=1, availability="1 dag", working_languages=("en",),
    work_mode="remote",
)


def _attendee(person: str) -> Attendee:
    return Attendee(user_key=f"aad:{person}", aad_object_id=person, name=person, email=f"{person}@example.nl",
                    municipality="Utrecht", role="Adviseur")


async def _stored(db) -> dict[str, object]:
    """Everything the erasure could touch, as plain values."""
    async with db.transaction() as session:
        registrations = (
            await session.execute(select(Registration.user_key, Registration.status).order_by(Registration.id))
        ).all()
        return {
            "registrations": [tuple(row) for row in registrations],
            "seats": await Registrations(session).seats_taken(SESSION),
            "notices": (await session.execute(select(func.count()).select_from(RegistrationNotice))).scalar_one(),
            "interests": (await session.execute(select(func.count()).select_from(SessionInterest))).scalar_one(),
            "offers": len(await ExpertiseOffers(session).for_user(ANNA.user_key)),
            "questions": [q.question for q in await ForwardedQuestions(session).for_user(ANNA.user_key)],
            "feedback": len(await Feedback(session).for_user(ANNA.user_key)),
            "references": len(await ConversationReferences(session).for_user(ANNA.aad_object_id, ANNA.channel_user_id)),
        }


async def _anna_and_bob(db) -> None:
    """Anna holds the only seat and has one of everything; Bob waits for her seat."""
    registrar = Registrar(db)
    for person in ("anna", "bob"):
        await registrar.register(session_id=SESSION, mode="in_person", capacity=1, attendee=_attendee(person), token=None, now=NOW)
    await registrar.add_interest(ANNA.user_key, ANNA.aad_object_id, "nl", NOW)
    async with db.transaction() as session:
        await ExpertiseOffers(session).add(
            user_key=ANNA.user_key, aad_object_id=ANNA.aad_object_id, tenant_id=None, language="nl", token="t1",
            fields=OFFER, now=NOW,
        )
        await ForwardedQuestions(session).add(
            question="Waar is de zaal?", language="nl", user_key=ANNA.user_key, aad_object_id=ANNA.aad_object_id,
            asker_name="Anna", tenant_id=None, conversation_id="a:1", conversation_reference="{}", now=NOW,
        )
        await Feedback(session).record(
            entry_id="venue", helpful=True, user_key=ANNA.user_key, aad_object_id=ANNA.aad_object_id,
            message_key="m1", language="nl", now=NOW,
        )
        await ConversationReferences(session).upsert(
            conversation_id="a:1", conversation_type="personal", user_id=ANNA.channel_user_id,
            aad_object_id=ANNA.aad_object_id, tenant_id=None, service_url="http://127.0.0.1:9/", reference_json="{}",
            now=NOW,
        )


async def test_a_failure_in_the_middle_leaves_everything_as_it_was(db, monkeypatch):
    await _anna_and_bob(db)
    before = await _stored(db)
    assert before["registrations"] == [("aad:anna", "confirmed"), ("aad:bob", "waitlisted")]

    async def broken(self, channel_id: str, user_id: str) -> int:
        raise RuntimeError("the database went away")

    # The last step fails: offers, registrations (and Bob's promotion), questions and feedback were done by then.
    monkeypatch.setattr(BotStates, "delete_for_user", broken)
    with pytest.raises(RuntimeError, match="went away"):
        await PersonalData(db).erase(ANNA, CAPACITIES, now=NOW)
    assert await _stored(db) == before


async def test_a_successful_erasure_erases_everything_and_promotes_once(db):
    await _anna_and_bob(db)
    erasure = await PersonalData(db).erase(ANNA, CAPACITIES, now=NOW)
    after = await _stored(db)
    assert (erasure.registrations, erasure.next_session_requests, erasure.offers, erasure.questions) == (1, 1, 1, 1)
    assert len(erasure.promoted) == 1
    assert after == {
        "registrations": [("aad:bob", "confirmed")],
        "seats": {"in_person": 1},
        "notices": 1,  # Bob's promotion, to be sent after the commit
        "interests": 0,
        "offers": 0,
        "questions": [],
        "feedback": 0,
        "references": 0,
    }
    again = await PersonalData(db).erase(ANNA, CAPACITIES, now=NOW)
    assert again.records == 0 and again.promoted == ()
    assert await _stored(db) == after
