"""Offering expertise through /api/messages: by card and by typing, Dutch and English, validation,
idempotency (re-delivery, double click, the same offer twice) and the post in the organizers' channel."""

from __future__ import annotations

import asyncio
import copy

import pytest

from tests.offers.conftest import (
    ANNA,
    BOB,
    OFFER_CARD,
    buttons,
    drain,
    facts,
    offer_by_card,
    offers_of,
    person,
    posts,
    set_channel,
    token_of,
)
from tests.support import all_text, cards
from tests.wording import msg, msg_part


@pytest.mark.parametrize(("phrase", "lang"), [("wij willen expertise aanbieden", "nl"), ("we would like to offer our expertise", "en"),
                                             ("we have water engineers we could send", "en")])
async def test_the_offer_starts_from_typed_wishes(nl, phrase, lang):
    """In a Dutch chat too: a message clearly in English is answered in English."""
    replies = await nl.say(phrase)
    text = all_text(replies)
    assert msg(lang, "offer.form.title") in text
    assert msg(lang, "offer.fields.municipality.prompt") in text


async def test_the_menu_button_starts_the_offer_form_with_the_profile_prefilled(nl, connector):
    connector.members[ANNA["id"]] = {"id": ANNA["id"], "name": "Anna de Vries", "email": "Anna.deVries@Utrecht.example.NL",
                                     "aadObjectId": ANNA["aadObjectId"]}
    replies = await nl.submit({"action": "job.start", "job": "offer_expertise"})
    form = cards(replies)[0]
    assert form["body"][0]["text"] == msg("nl", "offer.form.title")
    inputs = {i["id"]: i for i in form["body"] if i.get("id")}
    assert inputs["name"]["value"] == "Anna de Vries"
    assert inputs["email"]["value"] == "Anna.deVries@utrecht.example.nl"
    assert len(inputs["areas"]["choices"]) == 17 and inputs["areas"]["isMultiSelect"]
    assert [c["value"] for c in inputs["languages"]["choices"]] == ["uk", "ru", "en", "de", "other"]
    # the consent statement is text that wraps, the toggle's own title is short
    assert msg_part("nl", "offer.fields.consent.prompt") in all_text(replies)
    assert inputs["consent"]["title"] == msg("nl", "form.consent_agree")
    assert all(i.get("label") for i in inputs.values())


async def test_offer_by_card_in_dutch_is_stored_once_and_posted_to_the_organizers(org_client, connector):
    await set_channel(org_client, connector)
    anna = person(org_client, connector, ANNA)
    await anna.say("wij willen expertise aanbieden")
    summary = await anna.submit({**OFFER_CARD, "areas": "water,other", "other_area": "Bruggen en viaducten"})
    shown = facts(cards(summary)[-1])
    assert shown[msg("nl", "offer.fields.municipality.label")] == "Utrecht" and shown[msg("nl", "offer.fields.areas.label")] == "Water en riolering, Anders"
    assert shown[msg("nl", "offer.fields.other_area.label")] == "Bruggen en viaducten"
    assert shown[msg("nl", "offer.fields.languages.label")] == ", ".join(msg("nl", f"offers.languages.{code}") for code in ("en", "de"))
    token = token_of(summary, "offer")
    replies = await anna.submit({"action": "offer.confirm", "token": token})
    assert msg_part("nl", "offer.saved") in all_text(replies)
    assert buttons(replies, "job.start") == [{"action": "job.start", "job": "my_offers"}]
    again = await anna.submit({"action": "offer.confirm", "token": token})  # a double click on the same card
    assert msg_part("nl", "dialog.stale_card") in all_text(again)
    await drain(org_client)

    stored = await offers_of(org_client)
    assert len(stored) == 1
    offer = stored[0]
    assert offer.municipality == "Utrecht" and offer.areas == ("water", "other") and offer.other_area == "Bruggen en viaducten"
    assert offer.expert_count == 3 and offer.working_languages == ("en", "de") and offer.work_mode == "remote"
    assert offer.contact_email == "anna.devries@utrecht.example.nl" and offer.status == "active"

    [post] = posts(connector)
    card = cards([post])[0]
    assert card["body"][0]["text"] == msg("nl", "offers.post.offer_created")
    posted = facts(card)
    field = {name: msg("nl", f"offer.fields.{name}.label") for name in ("municipality", "email", "phone", "areas")}
    assert posted[msg("nl", "offers.post.number")] == str(offer.id) and posted[field["municipality"]] == "Utrecht"
    assert posted[field["email"]] == "anna.devries@utrecht.example.nl" and posted[field["phone"]] == "06 12345678"
    assert posted[field["areas"]] == "Water en riolering, Anders (Bruggen en viaducten)"  # areas: content/expertise_areas.yaml
    assert posted[msg("nl", "offers.post.created_at")] == "dinsdag 20 september 2022, 10:15"
    assert "Wij herstellen drinkwaterleidingen" in all_text([post])


async def test_offer_by_typing_in_english_with_friendly_re_asks(make_client, connector):
    client = await make_client()
    anna = person(client, connector, ANNA, "personal_message_en.json")
    steps = [
        ("we would like to offer our expertise", msg_part("en", "offer.fields.municipality.prompt")),
        ("Municipality of Groningen", msg_part("en", "contribute.fields.email.prompt")),  # the name came from the Teams activity
        ("anna@", msg_part("en", "form.invalid.email")),
        ("anna.devries@groningen.example.nl", msg_part("en", "offer.fields.phone.prompt")),
        ("call me", msg_part("en", "form.invalid.phone")),
        ("+31 6 12345678", msg_part("en", "offer.fields.areas.prompt")),
        ("3, housing", msg_part("en", "offer.fields.description.prompt")),  # "other" not chosen: no question about it
        ("We repair water mains.", msg_part("en", "offer.fields.experts.prompt")),
        ("many", msg("en", "form.invalid.number", min=1, max=100)),
        ("0", msg("en", "form.invalid.number", min=1, max=100)),
        ("4", msg_part("en", "offer.fields.availability.prompt")),
        ("three days a month until summer", msg_part("en", "offer.fields.languages.prompt")),
        ("1, 3", msg_part("en", "offer.fields.work_mode.prompt")),
        ("2", msg_part("en", "offer.fields.consent.prompt")),
        ("no", msg_part("en", "form.invalid.consent")),
        ("yes", msg("en", "offer.form.summary_title")),
    ]
    for said, expected in steps:
        replies = await anna.say(said)
        assert expected in all_text(replies), (said, all_text(replies))
    assert msg_part("en", "offer.fields.other_area.prompt") not in all_text(anna.replies)
    shown = facts(cards(anna.replies)[-1])
    assert shown[msg("en", "offer.fields.name.label")] == "Anna de Vries"
    assert shown[msg("en", "offer.fields.work_mode.label")] == msg("en", "offers.work_modes.on_site")
    assert shown[msg("en", "offer.fields.areas.label")] == "Water and sewerage, Housing"
    assert shown[msg("en", "offer.fields.languages.label")] == ", ".join(msg("en", f"offers.languages.{code}") for code in ("uk", "en"))
    replies = await anna.say("yes")
    assert msg_part("en", "offer.saved") in all_text(replies)
    await drain(client)
    [offer] = await offers_of(client)
    assert offer.municipality == "Groningen" and offer.areas == ("water", "housing") and offer.other_area is None
    assert offer.expert_count == 4 and offer.work_mode == "on_site" and offer.language == "en"
    assert posts(connector) == []  # no organizer channel set: nothing posted, nothing failed


async def test_other_area_is_asked_only_when_other_is_chosen(nl):
    await nl.say("expertise aanbieden")
    for said in ("Utrecht", "Anna de Vries", "anna@utrecht.example.nl", "06 12345678"):
        await nl.say(said)
    replies = await nl.say("anders")
    assert msg_part("nl", "offer.fields.other_area.prompt") in all_text(replies)
    replies = await nl.say("Archeologie")
    assert msg_part("nl", "offer.fields.description.prompt") in all_text(replies)


async def test_card_errors_come_back_next_to_the_fields_with_the_input_kept(nl):
    await nl.say("expertise aanbieden")
    replies = await nl.submit({**OFFER_CARD, "experts": "0", "email": "anna@@utrecht", "areas": "water,other"})
    form = cards(replies)[0]
    texts = [b.get("text", "") for b in form["body"]]
    assert any(msg("nl", "form.invalid.number", min=1, max=100) in t for t in texts)
    assert any(msg_part("nl", "form.invalid.email") in t for t in texts)
    assert any(msg_part("nl", "form.invalid.required") in t for t in texts)  # the other area, now that "other" is chosen
    inputs = {i["id"]: i for i in form["body"] if i.get("id")}
    assert inputs["email"]["value"] == "anna@@utrecht" and inputs["municipality"]["value"] == "Utrecht"
    assert inputs["experts"]["value"] == 0  # sent back as a number, as Input.Number requires
    assert msg_part("nl", "form.fix_errors") in all_text(replies)


async def test_the_same_confirm_delivered_twice_is_stored_once(org_client, connector):
    await set_channel(org_client, connector)
    anna = person(org_client, connector, ANNA)
    await anna.say("expertise aanbieden")
    summary = await anna.submit(OFFER_CARD)
    confirm = anna.activity(type="message", value={"action": "offer.confirm", "token": token_of(summary, "offer")})
    confirm.pop("text", None)
    first = await anna.post(confirm)
    second = await anna.post(copy.deepcopy(confirm))  # Teams re-sends when the first answer was slow
    assert msg("nl", "offer.saved") in all_text(first) and second == []
    await drain(org_client)
    assert len(await offers_of(org_client)) == 1
    assert len(posts(connector)) == 1


async def test_two_clicks_at_the_same_moment_store_one_offer(org_client, connector):
    await set_channel(org_client, connector)
    anna = person(org_client, connector, ANNA)
    await anna.say("expertise aanbieden")
    token = token_of(await anna.submit(OFFER_CARD), "offer")
    await asyncio.gather(
        anna.submit({"action": "offer.confirm", "token": token}),
        anna.submit({"action": "offer.confirm", "token": token}),
    )
    await drain(org_client)
    assert len(await offers_of(org_client)) == 1
    assert len(posts(connector)) == 1


async def test_the_same_offer_sent_twice_is_stored_once_but_another_one_is_welcome(org_client, connector):
    await set_channel(org_client, connector)
    anna = person(org_client, connector, ANNA)
    assert msg("nl", "offer.saved") in all_text(await offer_by_card(anna))
    assert msg_part("nl", "offer.duplicate") in all_text(await offer_by_card(anna, description="  Wij herstellen  drinkwaterleidingen en gemalen. "))
    assert msg("nl", "offer.saved") in all_text(await offer_by_card(anna, areas="housing", experts="2"))
    await drain(org_client)
    stored = await offers_of(org_client)
    assert [o.areas for o in stored] == [("water", "energy"), ("housing",)]
    assert len(posts(connector)) == 2


@pytest.mark.parametrize("word", ["privacy", "AVG"])
async def test_privacy_inside_the_form_shows_the_notice_and_asks_again(nl, word):
    await nl.say("expertise aanbieden")
    replies = await nl.say(word)
    text = all_text(replies)
    assert msg("nl", "privacy.notice.title") in text
    assert msg("nl", "offer.fields.municipality.prompt") in text
    replies = await nl.say("Utrecht")
    assert msg("nl", "offer.fields.email.prompt") in all_text(replies)  # the name came from Teams


async def test_stop_inside_the_form_saves_nothing(client, nl):
    await nl.say("expertise aanbieden")
    await nl.say("Utrecht")
    assert msg("nl", "cancel.done") in all_text(await nl.say("stop"))
    assert await offers_of(client) == []


async def test_offers_of_different_users_are_separate(client, connector):
    anna, bob = person(client, connector, ANNA), person(client, connector, BOB)
    await offer_by_card(anna)
    await offer_by_card(bob, name="Bob Bakker", email="bob@utrecht.example.nl")  # same municipality and content
    await drain(client)
    assert len(await offers_of(client)) == 1
    assert len(await offers_of(client, f"aad:{BOB['aadObjectId']}")) == 1
