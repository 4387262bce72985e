"""Bad input that used to break a turn: deep JSON, huge bodies, NUL bytes, non-finite numbers, oversized
invalid fields echoed in full, and ids out of range. Each gets a 4xx or a friendly reply; nothing saved is lost."""

from __future__ import annotations

import json
import math

import pytest

from app import SERVICES
from storage.models import ForwardedQuestion
from tests.offers.conftest import ANNA, OFFER_CARD, buttons, offer_by_card, person
from tests.registration.conftest import aad, register
from tests.registration.conftest import person as registrant
from tests.support import all_text, cards, elements
from tests.wording import msg_part

TEAMS_MESSAGE_LIMIT = 28 * 1024


async def _raw(client, body: bytes):
    return await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("depth", [100, 990])  # 100: Python parses it, the limit refuses it; 990: it broke the parser
async def test_deeply_nested_json_gets_400(client, nl, depth):
    activity = nl.activity(type="message", text="hallo")
    body = json.dumps(activity)[:-1] + ', "channelData": ' + "[" * depth + "]" * depth + "}"
    response = await _raw(client, body.encode())
    assert response.status == 400
    assert nl.connector.posted == []


async def test_a_body_over_the_limit_gets_413(client, nl):
    activity = nl.activity(type="message", text="x" * (300 * 1024))
    response = await _raw(client, json.dumps(activity).encode())
    assert response.status == 413


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
async def test_non_finite_json_numbers_get_400(client, nl, literal):
    activity = nl.activity(type="message", value={"action": "offer.submit"})
    body = json.dumps(activity).replace('"offer.submit"}', '"offer.submit", "experts": ' + literal + "}")
    response = await _raw(client, body.encode())
    assert response.status == 400


async def test_a_nul_byte_in_a_forwarded_question_is_stripped(client, nl):
    await nl.say("vraag doorsturen")
    replies = await nl.say("Mag een raads\x00lid ook meedoen aan de pool?")
    assert "\x00" not in json.dumps(replies)
    await nl.submit({"action": "forward_question.confirm", "answer": "yes"})
    async with client.app[SERVICES].db.transaction() as session:
        from sqlalchemy import select

        stored = (await session.execute(select(ForwardedQuestion.question))).scalars().all()
    assert stored == ["Mag een raadslid ook meedoen aan de pool?"]


async def test_a_nul_byte_in_a_name_is_stripped_and_the_registration_saved(client, connector):
    person_ = registrant(client, connector, 1)
    replies = await register(person_, name="Anna\x00 de Vries")
    assert msg_part("nl", "error.generic") not in all_text(replies)
    from storage.registration.models import Registration

    async with client.app[SERVICES].db.transaction() as session:
        from sqlalchemy import select

        names = (await session.execute(select(Registration.name).where(Registration.aad_object_id == aad(1)))).scalars().all()
    assert names == ["Anna de Vries"]


@pytest.mark.parametrize("number", ["nan", "NaN", "Infinity", "-inf", "1e400", "1" * 40])
async def test_non_finite_numbers_in_a_card_get_a_friendly_message_and_no_nan(nl, number):
    await nl.say("expertise aanbieden")
    replies = await nl.submit({**OFFER_CARD, "experts": number})
    assert msg_part("nl", "form.fix_errors") in all_text(replies)
    for field in elements(cards(replies), "Input.Number"):
        assert "value" not in field or (isinstance(field["value"], (int, float)) and math.isfinite(field["value"]))


async def test_an_oversized_invalid_field_is_not_echoed_in_full(nl):
    await nl.say("expertise aanbieden")
    huge = "a" * 200_000 + "@@"
    replies = await nl.submit({**OFFER_CARD, "email": huge})
    assert msg_part("nl", "form.fix_errors") in all_text(replies)
    for reply in replies:
        assert len(json.dumps(reply)) < TEAMS_MESSAGE_LIMIT
    # the form is still there: a valid submit goes on to the summary
    replies = await nl.submit(OFFER_CARD)
    assert any(a["data"]["action"] == "offer.confirm" for c in cards(replies) for a in elements(c, "Action.Submit"))


async def test_an_oversized_invalid_choice_is_not_echoed_in_full(nl):
    await nl.say("expertise aanbieden")
    replies = await nl.submit({**OFFER_CARD, "areas": "water," + "z" * 100_000})
    for reply in replies:
        assert len(json.dumps(reply)) < TEAMS_MESSAGE_LIMIT


@pytest.mark.parametrize("record_id", ["12345678901234567890", "-1", "0", "1e3", "2147483648", None])
async def test_an_id_out_of_range_in_my_offers_gets_a_friendly_reply_and_keeps_the_list(client, connector, record_id):
    anna = person(client, connector, ANNA)
    await offer_by_card(anna)
    listing = await anna.say("mijn aanbod")
    [edit] = buttons(listing, "my_offers.edit")
    replies = await anna.submit({**edit, "id": record_id})
    assert replies, "no reply"
    assert msg_part("nl", "error.generic") not in all_text(replies)
    # the list is still open: the real button still works
    replies = await anna.submit(edit)
    assert any(a["data"]["action"] == "offer.field" for c in cards(replies) for a in elements(c, "Action.Submit"))  # what to change


@pytest.mark.parametrize("field", ["channelId", "from"])
async def test_an_activity_without_channel_or_sender_gets_400(client, nl, field):
    activity = nl.activity(type="message", text="hallo")
    activity[field] = None
    response = await _raw(client, json.dumps(activity).encode())
    assert response.status == 400
    assert nl.connector.posted == []


@pytest.mark.parametrize("text", [":", "?", "…", " \x00 "])
async def test_punctuation_only_gets_a_friendly_reply(nl, text):
    replies = await nl.say(text)
    assert msg_part("nl", "error.generic") not in all_text(replies)
