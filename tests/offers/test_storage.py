"""The offers repositories on SQLite and PostgreSQL: idempotent adds, changes, withdrawals, ownership,
constraints, and the organizers' channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage.offers.repository import (
    ContributionFields,
    ContributionIntentions,
    ExpertiseOffers,
    OfferFields,
    OrganizerChannels,
)
from tests.wording import msg_part

NOW = datetime(2022, 9, 20, 8, 15, tzinfo=UTC)
ANNA, BOB = "aad:anna", "aad:bob"
FIELDS = OfferFields(
    municipality="Utrecht",
    contact_name="Anna de Vries",
    contact_email="anna@utrecht.example.nl",
    contact_phone="06 12345678",
    areas=("water", "energy"),
    other_area=None,
    description="Herstel van leidingen.",
    expert_count=3,
    availability=msg_part("nl", "offer.fields.availability.prompt"),
    working_languages=("en", "de"),
    work_mode="remote",
)


def _with(**changes) -> OfferFields:
    return OfferFields(**{**FIELDS.__dict__, **changes})


async def _add(db, user=ANNA, token="t1", fields=FIELDS):
    async with db.transaction() as session:
        return await ExpertiseOffers(session).add(
            user_key=user, aad_object_id=None, tenant_id="tenant", language="nl", token=token, fields=fields, now=NOW
        )


async def test_an_offer_is_added_once_per_token_and_per_content(db):
    first, outcome = await _add(db)
    assert outcome == "created" and first.areas == ("water", "energy") and first.created_at == NOW
    again, outcome = await _add(db)  # the same confirm
    assert outcome == "duplicate" and again.id == first.id
    same, outcome = await _add(db, token="t2", fields=_with(description="  herstel van   LEIDINGEN. ", areas=("energy", "water")))
    assert outcome == "duplicate" and same.id == first.id
    other, outcome = await _add(db, token="t3", fields=_with(expert_count=4))
    assert outcome == "created" and other.id != first.id
    _, outcome = await _add(db, user=BOB, token="t1")  # tokens and contents are per user
    assert outcome == "created"
    async with db.transaction() as session:
        assert [o.id for o in await ExpertiseOffers(session).active_for(ANNA)] == [first.id, other.id]


async def test_changing_an_offer(db):
    offer, _ = await _add(db)
    await _add(db, token="t2", fields=_with(expert_count=9))
    later = NOW + timedelta(hours=1)
    async with db.transaction() as session:
        offers = ExpertiseOffers(session)
        assert (await offers.update(user_key=ANNA, offer_id=offer.id, token="t1", fields=_with(expert_count=5), now=later))[1] == "unchanged"
        assert (await offers.update(user_key=ANNA, offer_id=offer.id, token="e1", fields=FIELDS, now=later))[1] == "unchanged"
        assert (await offers.update(user_key=ANNA, offer_id=offer.id, token="e2", fields=_with(expert_count=9), now=later))[1] == "duplicate"
        assert (await offers.update(user_key=BOB, offer_id=offer.id, token="e3", fields=_with(expert_count=5), now=later))[1] == "missing"
        changed, outcome = await offers.update(
            user_key=ANNA, offer_id=offer.id, token="e4", fields=_with(areas=("housing", "water", "other"), other_area="Bruggen"), now=later
        )
    assert outcome == "changed" and changed.areas == ("housing", "water", "other") and changed.other_area == "Bruggen"
    assert changed.updated_at == later and changed.created_at == NOW
    async with db.transaction() as session:
        reloaded = await ExpertiseOffers(session).get(ANNA, offer.id)
    assert reloaded.areas == ("housing", "water", "other")


async def test_withdrawing_erases_contact_details_and_frees_the_content(db):
    offer, _ = await _add(db)
    async with db.transaction() as session:
        offers = ExpertiseOffers(session)
        assert (await offers.withdraw(user_key=BOB, offer_id=offer.id, now=NOW))[1] == "missing"
        withdrawn, outcome = await offers.withdraw(user_key=ANNA, offer_id=offer.id, now=NOW)
        assert outcome == "changed" and withdrawn.status == "withdrawn" and withdrawn.withdrawn_at == NOW
        assert (withdrawn.contact_name, withdrawn.contact_email, withdrawn.contact_phone) == (None, None, None)
        assert (await offers.withdraw(user_key=ANNA, offer_id=offer.id, now=NOW))[1] == "unchanged"
        assert (await offers.update(user_key=ANNA, offer_id=offer.id, token="e1", fields=FIELDS, now=NOW))[1] == "missing"
        assert await offers.active_for(ANNA) == []
    renewed, outcome = await _add(db, token="t2")  # the same offer again, after withdrawing it
    assert outcome == "created" and renewed.id != offer.id


async def test_the_database_refuses_impossible_offers(db):
    with pytest.raises(IntegrityError):
        await _add(db, fields=_with(expert_count=0))
    with pytest.raises(IntegrityError):
        await _add(db, token="t2", fields=_with(work_mode="by pigeon"))


async def test_intentions(db):
    fields = ContributionFields(municipality="Utrecht", contact_name="Anna", contact_email="anna@x.nl", amount_cents=500000, remarks=None)
    async with db.transaction() as session:
        intentions = ContributionIntentions(session)
        first, outcome = await intentions.add(user_key=ANNA, aad_object_id=None, tenant_id=None, language="nl", token="t1", fields=fields, now=NOW)
        assert outcome == "created" and first.amount_cents == 500000
        assert (await intentions.add(user_key=ANNA, aad_object_id=None, tenant_id=None, language="nl", token="t2", fields=fields, now=NOW))[1] == "duplicate"
        changed, outcome = await intentions.update(
            user_key=ANNA, intention_id=first.id, token="e1",
            fields=ContributionFields("Utrecht", "Anna", "anna@x.nl", None, "Na het raadsbesluit."), now=NOW,
        )
        assert outcome == "changed" and changed.amount_cents is None and changed.remarks == "Na het raadsbesluit."
        assert (await intentions.withdraw(user_key=BOB, intention_id=first.id, now=NOW))[1] == "missing"
        withdrawn, outcome = await intentions.withdraw(user_key=ANNA, intention_id=first.id, now=NOW)
        assert outcome == "changed" and withdrawn.contact_email is None and withdrawn.remarks is None
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await ContributionIntentions(session).add(
                user_key=ANNA, aad_object_id=None, tenant_id=None, language="nl", token="t3",
                fields=ContributionFields("Utrecht", "Anna", "anna@x.nl", -5, None), now=NOW,
            )


async def test_delete_for_user(db):
    await _add(db)
    await _add(db, user=BOB)
    async with db.transaction() as session:
        assert await ExpertiseOffers(session).delete_for_user(ANNA) == 1
    async with db.transaction() as session:
        assert await ExpertiseOffers(session).for_user(ANNA) == []
        assert len(await ExpertiseOffers(session).for_user(BOB)) == 1


async def test_organizer_channel_set_move_and_clear(db):
    async with db.transaction() as session:
        channels = OrganizerChannels(session)
        assert await channels.get("offers") is None
        for conversation_id in ("19:first@thread.tacv2", "19:second@thread.tacv2"):
            await channels.set(
                purpose="offers", conversation_id=conversation_id, conversation_type="channel", tenant_id=None,
                reference_json="{}", language="nl", set_by_aad_object_id="org", now=NOW,
            )
        assert (await channels.get("offers")).conversation_id == "19:second@thread.tacv2"
        assert await channels.clear("offers", "19:first@thread.tacv2") is False
        assert await channels.clear("offers", "19:second@thread.tacv2") is True
        assert await channels.get("offers") is None
