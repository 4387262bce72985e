"""'Mijn gegevens' / 'my data' through /api/messages: one card with everything stored about the sender, and
nothing about anyone else; only in a personal chat."""

from __future__ import annotations

import json

from app import SERVICES
from storage.models import ForwardedQuestion
from storage.offers.models import ExpertiseOffer
from tests.card_rules import card_problems
from tests.conftest import new_conversation
from tests.privacy.conftest import (
    ANNA,
    ANNA_QUESTION,
    BOB,
    MENTION,
    buttons,
    contribution_by_card,
    forward_question,
    offer_by_card,
    person,
    rate_answer,
    register,
    rows,
    visible,
)
from tests.support import all_text, cards, submit_actions
from tests.wording import msg, msg_part


def _card(replies) -> dict:
    (payload,) = cards(replies)
    assert card_problems(payload) == []
    return payload


async def test_my_data_shows_all_of_the_users_records_and_nothing_of_others(client, connector):
    anna = person(client, connector, ANNA)
    bob = person(client, connector, BOB)
    await register(anna)
    await offer_by_card(anna)
    await contribution_by_card(anna)
    await forward_question(anna)
    await rate_answer(anna, "privacy", helpful=True)
    await rate_answer(anna, "bot_identity", helpful=False)
    await register(bob, name="Bob Bakker", email="bob.bakker@zwolle.example.nl", municipality="gemeente Zwolle")
    await offer_by_card(bob, name="Bob Bakker", email="bob.bakker@zwolle.example.nl", phone="038 1234567", municipality="Zwolle")
    await forward_question(bob, "Is er een parkeerplaats voor Bob?")

    replies = await anna.say("mijn gegevens")
    payload = _card(replies)
    text = visible(replies)
    dump = json.dumps(payload, ensure_ascii=False)
    # Anna's own records, each kind
    for expected in (
        msg("nl", "my_data.title"),
        msg("nl", "my_data.registrations.title", count=1),
        "Informatiebijeenkomst lokale herstelplannen Oekraïne, dinsdag 4 oktober 2022",
        msg("nl", "my_data.modes.in_person"),
        "anna.devries@utrecht.nl",
        "Beleidsadviseur",
        msg("nl", "my_data.offers.title", count=1),
        "anna.devries@utrecht.example.nl",
        "06 12345678",
        "Wij herstellen drinkwaterleidingen en gemalen.",
        msg("nl", "my_data.contributions.title", count=1),
        "€\u00a05.000,00",
        msg("nl", "my_data.questions.title", count=1),
        ANNA_QUESTION,
        msg("nl", "my_data.questions.open"),
        msg("nl", "my_data.feedback.title", count=2),
        msg("nl", "my_data.feedback.summary", helpful=1, unhelpful=1),
        "Wat gebeurt er met mijn gegevens?",
        msg("nl", "my_data.technical.language_auto"),
        msg_part("nl", "my_data.technical.reference_yes"),
    ):
        assert expected in text, expected
    # ... and nothing of Bob's
    for foreign in ("Bob", "bob.bakker", "Zwolle", "038 1234567", "parkeerplaats"):
        assert foreign not in dump, foreign
    assert payload["fallbackText"] == msg("nl", "my_data.fallback", registrations=1, offers=1, contributions=1, questions=1, feedback=2)
    assert set(buttons(replies)) == {msg("nl", "jobs.delete_my_data"), msg("nl", "privacy.page.privacy_link")}

    # Bob sees his own, not Anna's.
    bob_text = visible(await bob.submit({"action": "job.start", "job": "my_data"}))
    assert "bob.bakker@zwolle.example.nl" in bob_text and "Is er een parkeerplaats voor Bob?" in bob_text
    assert "anna" not in bob_text.lower() and ANNA_QUESTION not in bob_text


async def test_an_empty_record_in_english_with_the_chosen_language(client, connector, en):
    await en.say("English please")
    replies = await en.say("my data")
    text = visible(replies)
    _card(replies)
    assert msg("en", "my_data.title") in text and msg("en", "my_data.registrations.title", count=0) in text and msg("en", "my_data.nothing") in text
    assert msg("en", "my_data.technical.language_en") in text
    # The privacy button on the card shows the privacy notice (with the full statement a button further).
    statement = all_text(await en.submit(buttons(replies)[msg("en", "my_data.buttons.privacy")]))
    assert msg("en", "privacy.notice.title") in statement


async def test_withdrawn_and_answered_records_are_shown_as_such(client, connector):
    anna = person(client, connector, ANNA)
    await offer_by_card(anna)
    (offer,) = await rows(client, ExpertiseOffer)
    replies = await anna.say("mijn aanbod")
    await anna.submit(buttons(replies)[msg("nl", "my_offers.withdraw_item", number=1)])
    await anna.say("ja")
    await forward_question(anna)
    (stored,) = await rows(client, ForwardedQuestion)
    async with client.app[SERVICES].db.transaction() as session:  # as the organizers' question desk does
        question = await session.get(ForwardedQuestion, stored.id)
        question.status, question.answer = "answered", "Ja, dat mag. Meld het even vooraf."
    text = visible(await anna.say("mijn gegevens"))
    assert msg("nl", "my_data.item_statuses.withdrawn") in text and "06 12345678" not in text and offer.municipality in text
    assert msg("nl", "my_data.questions.answered") in text and "Ja, dat mag. Meld het even vooraf." in text


async def test_long_lists_stay_under_the_card_limit_newest_first(client, connector):
    anna = person(client, connector, ANNA)
    for n in range(12):
        await forward_question(anna, f"Vraag nummer {n:02d}: " + "lange uitleg " * 90)
    replies = await anna.say("mijn gegevens")
    payload = _card(replies)
    size = len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    assert size < 20_000
    text = visible(replies)
    assert msg("nl", "my_data.questions.title", count=12) in text
    assert msg_part("nl", "my_data.newest") in text
    assert "Vraag nummer 11" in text and "Vraag nummer 00" not in text
    assert msg_part("nl", "my_data.shortened") in text


async def test_in_a_channel_the_data_is_shown_only_in_the_personal_chat(client, connector):
    anna = person(client, connector, ANNA)
    await register(anna)
    channel = new_conversation(client, connector, "channel_message_mention.json", **{"from": ANNA})
    replies = await channel.say(MENTION + "mijn gegevens")
    assert msg("nl", "group.moved") in all_text(replies)
    assert "anna.devries" not in json.dumps(replies) and not cards(replies)
    (created,) = connector.created  # the personal chat the bot opened; the data is shown there, when asked
    (start,) = connector.by_conversation[created["_id"]]
    assert [a["data"] for c in cards([start]) for a in submit_actions(c)] == [{"action": "job.start", "job": "my_data"}]
    assert "anna.devries" not in json.dumps(start)
