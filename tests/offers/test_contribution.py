"""Contributing money: the explanation with the configured donation details (never invented ones), the
intention recorded by typing and by card, its own view, and the organizers told."""

from __future__ import annotations

import re

import pytest

from tests.offers.conftest import (
    ANNA,
    CONTRIBUTION_CARD,
    buttons,
    contribution_by_card,
    drain,
    facts,
    intentions_of,
    person,
    posts,
    set_channel,
    token_of,
)
from tests.support import all_text, cards
from tests.wording import msg, msg_part

FUND = "VNG Fonds voor Noodhulp, Wederopbouw en Vredesbevordering"
DETAILS_NL = "Maak uw bijdrage over naar rekening NL00 TEST 0123 4567 89 onder vermelding van 'Oekraïne herstel'."
DETAILS_EN = "Transfer your contribution to account NL00 TEST 0123 4567 89, reference 'Ukraine recovery'."


@pytest.mark.parametrize(("phrase", "lang"), [("ik wil doneren", "nl"), ("we want to contribute money", "en")])
async def test_contribute_starts_from_typed_wishes(nl, phrase, lang):
    """In a Dutch chat too: a message clearly in English is answered in English."""
    replies = await nl.say(phrase)
    assert FUND in all_text(replies) and msg_part(lang, "contribute.intro.question") in all_text(replies)


async def test_details_that_are_not_configured_are_not_invented(client, en):
    replies = await en.say("we want to contribute money")
    text = all_text(replies)
    assert FUND in text and msg("en", "contribute.intro.details_unknown") in text
    assert not re.search(r"\bNL\d{2}\b|IBAN|https?://", text)
    assert "View my contributions" not in text  # nothing pledged yet
    assert msg_part("en", "contribute.intro.no") in text
    assert msg_part("en", "contribute.intro.declined") in all_text(await en.say("no"))
    assert await intentions_of(client) == []


async def test_pledge_by_typing_in_dutch_with_the_configured_details(make_client, connector):
    client = await make_client(donation_details_nl=DETAILS_NL, donation_details_en=DETAILS_EN)
    anna = person(client, connector, ANNA)
    replies = await anna.say("ik wil doneren")
    assert msg("nl", "contribute.intro.details", details=DETAILS_NL) in all_text(replies)
    assert msg_part("nl", "contribute.intro.retry") in all_text(await anna.say("hmm"))
    steps = [
        ("ja", msg_part("nl", "contribute.fields.municipality.prompt")),
        ("gemeente Súdwest-Fryslân", msg_part("nl", "contribute.fields.email.prompt")),
        ("anna@sudwestfryslan.example.nl", msg_part("nl", "contribute.fields.amount.prompt")),
        ("min vijf", msg_part("nl", "form.invalid.amount")),
        ("-500", msg_part("nl", "form.invalid.amount")),
        ("€ 7.500,50", msg_part("nl", "contribute.fields.remarks.prompt")),
        ("geen", msg_part("nl", "contribute.fields.consent.prompt")),
        ("ja", msg("nl", "contribute.form.summary_title")),
    ]
    for said, expected in steps:
        replies = await anna.say(said)
        assert expected in all_text(replies), (said, all_text(replies))
    shown = facts(cards(replies)[-1])
    assert shown[msg("nl", "contribute.fields.amount.label")].replace("\xa0", " ") == "€ 7.500,50"
    assert shown[msg("nl", "contribute.fields.remarks.label")] == msg("nl", "form.empty_value")
    assert msg_part("nl", "contribute.saved") in all_text(await anna.say("ja"))
    [intention] = await intentions_of(client)
    assert intention.municipality == "Súdwest-Fryslân" and intention.amount_cents == 750050 and intention.remarks is None
    assert intention.contact_name == "Anna de Vries" and intention.language == "nl"


async def test_pledge_by_card_in_english_without_an_amount_reaches_the_organizers(make_client, connector):
    client = await make_client(organizer_aad_ids=["5e6f7a8b-0000-4000-8000-0000000000aa"], donation_details_en=DETAILS_EN)
    await set_channel(client, connector, "notifications here")
    anna = person(client, connector, ANNA, "personal_message_en.json")
    intro = await anna.say("contribute")
    assert msg("en", "contribute.intro.details", details=DETAILS_EN) in all_text(intro)
    form = await anna.submit(buttons(intro, "contribute.intro")[0])  # "Yes, pledge a contribution"
    assert msg("en", "contribute.form.title") in all_text(form)
    summary = await anna.submit({**CONTRIBUTION_CARD, "amount": "", "remarks": ""})
    assert facts(cards(summary)[-1])[msg("en", "contribute.fields.amount.label")] == msg("en", "form.empty_value")
    replies = await anna.submit({"action": "contribute.confirm", "token": token_of(summary, "contribute")})
    assert msg_part("en", "contribute.saved") in all_text(replies)
    await drain(client)
    [intention] = await intentions_of(client)
    assert intention.amount_cents is None
    [post] = posts(connector)
    card = cards([post])[0]
    assert card["body"][0]["text"] == msg("en", "offers.post.contribution_created")  # the channel was set in English
    assert facts(card)[msg("en", "contribute.fields.amount.label")] == msg("en", "my_data.contributions.no_amount")


async def test_the_same_pledge_twice_is_stored_once(client, connector):
    anna = person(client, connector, ANNA)
    assert msg("nl", "contribute.saved") in all_text(await contribution_by_card(anna))
    assert msg_part("nl", "contribute.duplicate") in all_text(await contribution_by_card(anna, amount="5000"))
    assert len(await intentions_of(client)) == 1


async def test_my_contributions_from_the_explanation_by_card_and_by_typing(client, connector):
    anna = person(client, connector, ANNA)
    await contribution_by_card(anna)
    intro = await anna.say("mijn bijdrage")  # recognized as "contribute": the explanation, now with the list button
    mine = buttons(intro, "contribute.mine")
    assert len(mine) == 1
    replies = await anna.submit(mine[0])
    assert msg("nl", "my_offers.contribution_line", number=1, municipality="Utrecht", amount="")[:-3] in all_text(replies)
    await anna.say("klaar")
    await anna.say("financieel bijdragen")
    assert msg("nl", "my_offers.contribution_line", number=1, municipality="Utrecht", amount="")[:-3] in all_text(await anna.say("mijn bijdragen"))


async def test_change_an_intention(client, connector):
    anna = person(client, connector, ANNA)
    await contribution_by_card(anna)
    await anna.say("mijn aanbod")
    summary = await anna.say("wijzig 1")
    assert facts(cards(summary)[-1])[msg("nl", "contribute.fields.amount.label")].replace("\xa0", " ") == "€ 5.000,00"
    await anna.say("wijzigen")
    await anna.say("4")  # the amount
    summary = await anna.say("10000")
    assert facts(cards(summary)[-1])[msg("nl", "contribute.fields.amount.label")].replace("\xa0", " ") == "€ 10.000,00"
    assert msg_part("nl", "contribute.updated") in all_text(await anna.say("ja"))
    [intention] = await intentions_of(client)
    assert intention.amount_cents == 1_000_000


async def test_stop_during_the_explanation(client, nl):
    await nl.say("ik wil doneren")
    assert msg("nl", "cancel.done") in all_text(await nl.say("stop"))
    assert msg("nl", "cancel.nothing") in all_text(await nl.say("stop"))
