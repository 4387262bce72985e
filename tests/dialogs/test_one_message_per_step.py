"""One message per step, through /api/messages: confirmed on its summary card, a form's outcome replaces that
card (the bot updates the message, a PUT to the Bot Connector) instead of posting a new message. For every
form: registration, expertise offer, contribution, the organizers' session forms, the answer to a forwarded
question and the knowledge entry that may follow it. Confirmed by typing 'ja', the outcome is a new message
(the card above stays as it was)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import new_conversation
from tests.offers.conftest import CONTRIBUTION_CARD, OFFER_CARD
from tests.questions.conftest import fresh_recognizer
from tests.registration.conftest import form_values
from tests.sessions.conftest import NEW_SESSION_CARD, change_fields
from tests.support import Conversation, all_text, cards, submit_actions
from tests.wording import msg, msg_part

ORGANIZER = {"id": "29:organizer-olga", "name": "Olga Organisator", "aadObjectId": "5e6f7a8b-0000-4000-8000-0000000000aa"}
LOCALE = {"nl": "nl-NL", "en": "en-US"}


def _chat(client, connector, lang: str, who: dict[str, Any] | None = None) -> Conversation:
    fixture_name = "personal_message_en.json" if lang == "en" else "personal_message.json"
    return new_conversation(client, connector, fixture_name, **({"from": who} if who else {}))


def _summary(replies: list[dict[str, Any]], form: str) -> tuple[str, dict[str, Any]]:
    """(message id, confirm button) of the summary card in these replies."""
    for activity in reversed(replies):
        for payload in cards([activity]):
            for action in submit_actions(payload):
                if action["data"]["action"] == f"{form}.confirm":
                    return activity.get("_updated") or activity["_id"], action["data"]
    raise AssertionError(f"no {form} summary in the replies")


def assert_in_place(replies: list[dict[str, Any]], summary_id: str, outcome: str) -> None:
    """The outcome is in the update of the summary's message, and in no new message."""
    updates = [a for a in replies if a.get("_updated")]
    assert [a["_updated"] for a in updates] == [summary_id], "the outcome replaces the summary card"
    assert outcome in all_text(updates)
    assert outcome not in all_text([a for a in replies if not a.get("_updated")])


async def _confirm_by_card(who: Conversation, summary: list[dict[str, Any]], form: str) -> tuple[str, list[dict[str, Any]]]:
    summary_id, confirm = _summary(summary, form)
    return summary_id, await who.submit(confirm)


@pytest.fixture
async def org_client(make_client):
    return await make_client(organizer_aad_ids=[ORGANIZER["aadObjectId"]], knowledge_refresh_seconds=0, recognizer=fresh_recognizer(),
                             reminder_interval_seconds=0)


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_registration(client, connector, lang):
    anna = _chat(client, connector, lang)
    await anna.submit({"action": "job.start", "job": "register"})
    summary = await anna.submit(form_values())
    summary_id, done = await _confirm_by_card(anna, summary, "register")
    assert_in_place(done, summary_id, msg(lang, "registration.confirmed.title"))


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_expertise_offer_and_its_change(client, connector, lang):
    anna = _chat(client, connector, lang)
    await anna.submit({"action": "job.start", "job": "offer_expertise"})
    summary_id, done = await _confirm_by_card(anna, await anna.submit(OFFER_CARD), "offer")
    assert_in_place(done, summary_id, msg_part(lang, "offer.saved"))

    listing = await anna.say("mijn aanbod" if lang == "nl" else "my offers")
    edit = next(a["data"] for c in cards(listing) for a in submit_actions(c) if a["data"]["action"] == "my_offers.edit")
    await anna.submit(edit)
    summary_id, done = await _confirm_by_card(anna, await anna.submit({**OFFER_CARD, "experts": "5"}), "offer")
    assert_in_place(done, summary_id, msg_part(lang, "offer.updated"))


async def test_contribution(client, connector):
    anna = _chat(client, connector, "nl")
    intro = await anna.submit({"action": "job.start", "job": "contribute"})
    if any(a["data"]["action"] == "contribute.intro" for c in cards(intro) for a in submit_actions(c)):
        await anna.submit({"action": "contribute.intro", "answer": "yes"})
    summary_id, done = await _confirm_by_card(anna, await anna.submit(CONTRIBUTION_CARD), "contribute")
    assert_in_place(done, summary_id, msg_part("nl", "contribute.saved"))


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_organizers_session_forms(org_client, connector, lang):
    olga = _chat(org_client, connector, lang, ORGANIZER)
    await olga.submit({"action": "session_desk.add"})
    summary_id, done = await _confirm_by_card(olga, await olga.submit(NEW_SESSION_CARD), "session_add")
    assert_in_place(done, summary_id, msg(lang, "session_desk.saved.added_title"))

    summary = await change_fields(olga, venue_address="Nassaulaan 12, 2514 JS Den Haag")
    summary_id, done = await _confirm_by_card(olga, summary, "session_edit")
    assert_in_place(done, summary_id, msg(lang, "session_desk.saved.changed_title"))


async def test_the_answer_to_a_forwarded_question_and_the_knowledge_entry(org_client, connector):
    asker = _chat(org_client, connector, "nl")
    await asker.submit({"action": "question.forward", "question": "Mogen experts hun partner meenemen naar Oekraïne?"})
    olga = _chat(org_client, connector, "nl", ORGANIZER)
    listing = await olga.say("open vragen")
    answer = next(a["data"] for c in cards(listing) for a in submit_actions(c) if a["data"]["action"] == "questions.answer")
    await olga.submit(answer)
    summary = await olga.submit({"action": "answer_question.submit", "answer": "Dat spreken wij per reis af.", "add_to_kb": "yes"})
    summary_id, done = await _confirm_by_card(olga, summary, "answer_question")
    assert_in_place(done, summary_id, msg("nl", "question_desk.answer.sent", asker=asker.base["from"]["name"]))
    assert msg("nl", "knowledge_entry.form.title") in all_text([a for a in done if not a.get("_updated")])  # the next step

    entry = {"question_nl": "Mogen experts hun partner meenemen?", "question_en": "Can experts bring their partner?",
             "answer_nl": "Dat spreken wij per reis af.", "answer_en": "We agree on that for each trip."}
    summary_id, done = await _confirm_by_card(olga, await olga.submit({"action": "knowledge_entry.submit", **entry}), "knowledge_entry")
    assert_in_place(done, summary_id, msg_part("nl", "question_desk.knowledge.added"))


async def test_confirmed_by_typing_the_outcome_is_a_new_message(client, connector):
    anna = _chat(client, connector, "nl")
    await anna.submit({"action": "job.start", "job": "register"})
    await anna.submit(form_values())
    done = await anna.say("ja")
    assert not [a for a in done if a.get("_updated")]
    assert msg("nl", "registration.confirmed.title") in all_text(done)


async def test_corrections_and_the_summary_replace_the_form_too(client, connector):
    anna = _chat(client, connector, "nl")
    started = await anna.submit({"action": "job.start", "job": "register"})
    form_id = next(a["_id"] for a in started if any(x["data"]["action"] == "register.submit" for c in cards([a]) for x in submit_actions(c)))
    corrected = await anna.submit(form_values(email="anna@"))
    assert [a.get("_updated") for a in corrected] == [form_id]
    summary = await anna.submit(form_values())
    assert _summary(summary, "register")[0] == form_id and all(a.get("_updated") == form_id for a in summary)


def _yes_no(replies: list[dict[str, Any]]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(message id, yes data, no data) of the forward question's yes/no card in these replies."""
    for activity in reversed(replies):
        for payload in cards([activity]):
            data = {a["data"].get("answer"): a["data"] for a in submit_actions(payload) if a["data"]["action"] == "forward_question.confirm"}
            if data:
                return activity.get("_updated") or activity["_id"], data["yes"], data["no"]
    raise AssertionError("no yes/no card of the forward question in the replies")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("answer", ["yes", "no"])
async def test_forwarding_a_question_answered_on_its_card(client, connector, lang, answer):
    """'Talk to a person': the question is asked, then confirmed on a yes/no card; the outcome (forwarded, or
    not) takes that card's place."""
    who = _chat(client, connector, lang)
    await who.submit({"action": "job.start", "job": "human"})
    asked = await who.say("Kan onze wethouder ook mee naar Oekraïne?" if lang == "nl" else "Can our alderman come along to Ukraine?")
    card_id, yes, no = _yes_no(asked)
    replies = await who.submit(yes if answer == "yes" else no)
    key = "qa.forward_done" if answer == "yes" else "qa.forward_declined"
    assert_in_place(replies, card_id, msg(lang, key))


async def test_forwarding_a_question_confirmed_by_typing_is_a_new_message(client, connector):
    who = _chat(client, connector, "nl")
    await who.submit({"action": "job.start", "job": "human"})
    await who.say("Kan onze wethouder ook mee naar Oekraïne?")
    replies = await who.say("ja")
    assert not [a for a in replies if a.get("_updated")]
    assert msg("nl", "qa.forward_done") in all_text(replies)
