"""'Verwijder mijn gegevens' / 'delete my data' through /api/messages: a yes/no question (card or typing), then
everything about the user is erased or anonymized, the waitlist moves up, the organizers hear of withdrawn
offers without personal data, and a second run is harmless."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from app import SERVICES
from bot.offers import OFFERS
from bot.registration import REGISTRATION
from storage.models import AnswerFeedback, BotStateRecord, ForwardedQuestion
from storage.registration.models import Registration, SessionSeats
from tests.conftest import new_conversation
from tests.privacy.conftest import (
    ANNA,
    ANNA_KEY,
    ANNA_QUESTION,
    BOB,
    BOB_KEY,
    MENTION,
    ORGANIZER,
    buttons,
    contribution_by_card,
    forward_question,
    offer_by_card,
    person,
    rate_answer,
    register,
    rows,
    stored_for,
    visible,
)
from tests.registration.conftest import session_yaml
from tests.support import all_text, cards
from tests.wording import msg, msg_part

NOTHING = {"registrations": 0, "interests": 0, "offers": 0, "contributions": 0, "questions": 0, "feedback": 0}


def _without_technical(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if k not in ("references", "states")}


async def _everything_for_anna(client, connector, anna) -> None:
    await register(anna)
    await offer_by_card(anna)
    await contribution_by_card(anna)
    await forward_question(anna)
    await rate_answer(anna)


async def test_delete_by_card_erases_everything_and_moves_the_waitlist_up(make_client, connector, content):
    client = await make_client(
        content_dir=content(session_yaml(capacity={"in_person": 1, "online": None})),
        organizer_aad_ids=[ORGANIZER["aadObjectId"]],
    )
    channel = new_conversation(client, connector, "channel_message_mention.json", **{"from": ORGANIZER})
    await channel.say(MENTION + "meldingen hier")
    anna, bob = person(client, connector, ANNA), person(client, connector, BOB)
    await _everything_for_anna(client, connector, anna)
    assert msg("nl", "registration.waitlisted.title") in all_text(await register(bob, name="Bob Bakker", email="bob@zwolle.example.nl"))
    await forward_question(bob, "Vraag van Bob")
    await client.app[OFFERS].drain()
    # Anna half-fills the registration form in a group chat: private state there, with her name in it.
    group = new_conversation(client, connector, "groupchat_message_mention.json", **{"from": ANNA})
    await group.say(MENTION + "aanmelden")
    posts_before = {cid: len(items) for cid, items in connector.by_conversation.items()}
    before = await stored_for(client, ANNA_KEY, ANNA["aadObjectId"], ANNA["id"])
    assert before["registrations"] == before["offers"] == before["contributions"] == before["questions"] == 1
    assert before["feedback"] == 1 and before["references"] >= 1 and before["states"] >= 2

    replies = await anna.submit({"action": "job.start", "job": "delete_my_data"})
    text = all_text(replies)
    assert msg("nl", "delete_my_data.question.title") in text and msg_part("nl", "delete_my_data.question.registered") in text
    assert msg_part("nl", "delete_my_data.question.final") in text
    answer = buttons(replies)[msg("nl", "delete_my_data.question.yes")]
    assert answer == {"action": "delete_my_data.confirm", "answer": "yes"}
    replies = await anna.submit(answer)
    text = all_text(replies)
    for line in (
        msg("nl", "delete_my_data.done.intro"),
        msg("nl", "delete_my_data.done.registrations", count=1),
        msg("nl", "delete_my_data.done.offers", count=1),
        msg("nl", "delete_my_data.done.contributions", count=1),
        msg("nl", "delete_my_data.done.questions", count=1),
        msg("nl", "delete_my_data.done.feedback", count=1),
        msg_part("nl", "delete_my_data.done.technical"),
    ):
        assert line in text, line

    after = await stored_for(client, ANNA_KEY, ANNA["aadObjectId"], ANNA["id"])
    assert after == {**NOTHING, "references": 0, "states": 0}, after  # the end of the turn wrote nothing back
    # Anonymous counts stay: a question row without text or asker, a verdict without a person.
    questions = await rows(client, ForwardedQuestion)
    anonymous = [q for q in questions if q.user_key == "erased"]
    assert len(anonymous) == 1 and anonymous[0].question == "" and anonymous[0].asker_name is None
    assert anonymous[0].conversation_reference == "" and anonymous[0].status == "erased"
    assert [q.question for q in questions if q.user_key == BOB_KEY] == ["Vraag van Bob"]
    (feedback,) = await rows(client, AnswerFeedback)
    assert (feedback.user_key, feedback.aad_object_id, feedback.entry_id, feedback.helpful) == ("erased", None, "privacy", True)
    dump = json.dumps([q.__dict__ for q in questions] + [feedback.__dict__], default=str)
    assert ANNA_QUESTION not in dump and "Anna" not in dump and ANNA["aadObjectId"] not in dump

    # The waitlist moved up, and Bob is told.
    await client.app[REGISTRATION].idle()
    (bob_registration,) = await rows(client, Registration)
    assert (bob_registration.user_key, bob_registration.status) == (BOB_KEY, "confirmed")
    assert msg("nl", "registration.promoted.title") in all_text(connector.by_conversation[bob.conversation_id][-1:])
    # The organizers hear that the offer and the intention are withdrawn, with no personal data.
    await client.app[OFFERS].drain()
    new_posts = [p for cid, items in connector.by_conversation.items() for p in items[posts_before.get(cid, 0):]
                 if cid not in (anna.conversation_id, bob.conversation_id, group.conversation_id)]
    posted = visible(new_posts)
    assert msg("nl", "offers.post.offer_withdrawn") in posted and msg("nl", "offers.post.withdrawn_at") in posted
    assert len(new_posts) == 2
    for personal in ("Anna", "anna.devries", "06 12345678", "drinkwaterleidingen", "Na besluit van de raad"):
        assert personal not in json.dumps(new_posts, ensure_ascii=False), personal

    # 'My data' now shows nothing (only that the bot can reach Anna: this very message stored that again).
    text = visible(await anna.say("mijn gegevens"))
    assert msg("nl", "my_data.registrations.title", count=0) in text and msg("nl", "my_data.questions.title", count=0) in text
    assert "anna.devries" not in text

    # A second erasure is harmless: nothing else changes, nobody is told twice.
    seats = await rows(client, SessionSeats, order=SessionSeats.mode)
    told_bob = len(connector.by_conversation[bob.conversation_id])
    await anna.say("verwijder mijn gegevens")
    text = all_text(await anna.say("ja"))
    assert msg("nl", "delete_my_data.done.nothing") in text
    await client.app[REGISTRATION].idle()
    await client.app[OFFERS].drain()
    assert [(s.mode, s.confirmed) for s in await rows(client, SessionSeats, order=SessionSeats.mode)] == [
        (s.mode, s.confirmed) for s in seats
    ]
    assert len(connector.by_conversation[bob.conversation_id]) == told_bob
    assert len(await rows(client, ForwardedQuestion)) == 2
    assert _without_technical(await stored_for(client, BOB_KEY, BOB["aadObjectId"], BOB["id"])) == {
        **NOTHING, "registrations": 1, "questions": 1
    }


async def test_delete_by_typing_after_a_no_and_a_non_answer(client, connector):
    anna = person(client, connector, ANNA)
    await register(anna)
    replies = await anna.say("verwijder mijn gegevens")
    assert msg("nl", "delete_my_data.question.title") in all_text(replies)
    assert msg_part("nl", "yesno.retry") in all_text(await anna.say("misschien"))
    assert msg_part("nl", "delete_my_data.declined") in all_text(await anna.say("nee"))
    assert (await stored_for(client, ANNA_KEY, ANNA["aadObjectId"], ANNA["id"]))["registrations"] == 1

    await anna.say("wis mijn gegevens")
    text = all_text(await anna.say("ja"))
    assert msg("nl", "delete_my_data.done.registrations", count=1) in text
    assert (await stored_for(client, ANNA_KEY, ANNA["aadObjectId"], ANNA["id"]))["registrations"] == 0


async def test_in_english_the_language_choice_is_forgotten_too(client, connector, en):
    await en.say("English please")
    await rate_answer(en)
    replies = await en.say("delete my data")
    assert msg("en", "delete_my_data.question.title") in all_text(replies)
    assert msg_part("nl", "delete_my_data.question.registered") not in all_text(replies)  # not registered: no warning
    text = all_text(await en.submit(buttons(replies)[msg("en", "delete_my_data.question.yes")]))
    assert msg("en", "delete_my_data.done.feedback", count=1) in text
    async with client.app[SERVICES].db.transaction() as session:
        keys = list((await session.execute(select(BotStateRecord.key))).scalars())
    assert not [k for k in keys if ANNA["id"] in k]
    # The chosen language is gone: the next message follows the locale of the Teams client (Dutch here).
    nl_again = new_conversation(client, connector, "personal_message.json")
    assert msg("nl", "welcome.title") in all_text(await nl_again.say("hallo"))


async def test_stop_or_a_stale_confirmation_card_erases_nothing(client, connector):
    anna = person(client, connector, ANNA)
    await offer_by_card(anna)
    await anna.say("verwijder mijn gegevens")
    assert msg("nl", "cancel.done") in all_text(await anna.say("stop"))
    assert (await stored_for(client, ANNA_KEY, ANNA["aadObjectId"], ANNA["id"]))["offers"] == 1
    replies = await anna.say("verwijder mijn gegevens")
    yes = buttons(replies)[msg("nl", "delete_my_data.question.yes")]
    await anna.say("nee")
    replies = await anna.submit(yes)  # an old card after the question was answered
    assert msg_part("nl", "dialog.stale_card") in all_text(replies)
    assert (await stored_for(client, ANNA_KEY, ANNA["aadObjectId"], ANNA["id"]))["offers"] == 1
    assert cards(replies)


async def test_a_request_for_news_of_the_next_session_is_shown_and_deleted(client, connector, clock):
    clock.set(datetime.fromisoformat("2022-10-05T09:00:00+02:00"))  # the session is over: no session open
    anna = person(client, connector, ANNA)
    await anna.submit({"action": "registration.notify"})
    assert (await stored_for(client, ANNA_KEY, ANNA["aadObjectId"], ANNA["id"]))["interests"] == 1
    assert msg("nl", "my_data.registrations.next_session") in visible(await anna.say("mijn gegevens"))
    await anna.say("verwijder mijn gegevens")
    text = all_text(await anna.say("ja"))
    assert msg("nl", "delete_my_data.done.next_session_requests") in text
    assert "Ik had geen" not in text
    assert (await stored_for(client, ANNA_KEY, ANNA["aadObjectId"], ANNA["id"]))["interests"] == 0
