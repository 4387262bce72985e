"""The organizers' list of open questions: organizers only (refusals audited), a personal chat only, newest
first, a page at a time, the asker's name and municipality when known."""

from __future__ import annotations

from datetime import timedelta

from app import SERVICES
from tests.conftest import new_conversation
from tests.offers.conftest import contribution_by_card
from tests.questions.conftest import (
    ANNA,
    BOB,
    MENTION,
    OLGA,
    audit_actions,
    buttons,
    forward,
    open_question_ids,
    person,
)
from tests.support import all_text, cards
from tests.wording import msg, msg_part


async def test_an_organizer_sees_the_open_questions_newest_first(desk_client, connector, clock):
    anna = person(desk_client, connector, ANNA)
    await contribution_by_card(anna)  # Anna's municipality (Utrecht) is known from her contribution
    await forward(desk_client, connector, ANNA, "Wie betaalt de reis van de experts?")
    clock.set(clock.now() + timedelta(hours=2))
    await forward(desk_client, connector, BOB, "Hoe lang duurt een uitzending?")

    olga = person(desk_client, connector, OLGA)
    replies = await olga.say("open vragen")
    [listing] = cards(replies)
    text = all_text(replies)
    assert listing["body"][0]["text"] == msg("nl", "question_desk.list.title")
    assert msg("nl", "question_desk.list.count", count=2, page=1, pages=1) in text
    names = [item["items"][0]["text"] for item in listing["body"] if item.get("type") == "Container"]
    assert names == ["Bob Baker", msg("nl", "question_desk.asker.with_place", name="Anna de Vries", municipality="Utrecht")]  # newest first
    metas = [item["items"][1]["text"] for item in listing["body"] if item.get("type") == "Container"]
    dutch = msg("nl", "question_desk.language.nl")
    assert metas == [msg("nl", "question_desk.list.meta", language=dutch, date=f"dinsdag 20 september 2022, {time}") for time in ("12:15", "10:15")]
    assert "Hoe lang duurt een uitzending?" in text and "Wie betaalt de reis van de experts?" in text
    ids = await open_question_ids(desk_client)
    assert [b["question"] for b in buttons(replies, "questions.answer")] == ids[::-1]
    assert "actions" not in listing  # one page: no paging buttons
    assert ("questions.list", OLGA["aadObjectId"], True, "page:1") in await audit_actions(desk_client)


async def test_the_overview_button_and_english(desk_client, connector):
    await forward(desk_client, connector, BOB, "How long does a posting last?", lang="en")
    olga = person(desk_client, connector, OLGA, lang="en")
    replies = await olga.submit({"action": "questions.list"})  # the button on the organizers' overview card
    text = all_text(replies)
    assert msg("en", "question_desk.list.count", count=1, page=1, pages=1) in text
    assert msg("en", "question_desk.list.meta", language=msg("en", "question_desk.language.en"), date="Tuesday 20 September 2022, 10:15") in text
    assert [b["question"] for b in buttons(replies, "questions.answer")] == await open_question_ids(desk_client)
    assert msg("en", "question_desk.list.answer") in text
    replies = await olga.say("Open questions!")
    assert "How long does a posting last?" in all_text(replies)


async def test_a_long_list_comes_in_pages(desk_client, connector, clock):
    for n in range(7):
        clock.set(clock.now() + timedelta(minutes=1))
        await forward(desk_client, connector, BOB, f"Vraag nummer {n} over de uitzending?")
    olga = person(desk_client, connector, OLGA)
    first = await olga.say("open vragen")
    assert msg("nl", "question_desk.list.count", count=7, page=1, pages=2) in all_text(first)
    assert len(buttons(first, "questions.answer")) == 5
    assert "Vraag nummer 6" in all_text(first) and "Vraag nummer 1" not in all_text(first)
    [following] = buttons(first, "questions.list")
    assert following == {"action": "questions.list", "page": 2}
    second = await olga.submit(following)
    assert msg("nl", "question_desk.list.count", count=7, page=2, pages=2) in all_text(second) and "Vraag nummer 0" in all_text(second)
    assert len(buttons(second, "questions.answer")) == 2
    assert buttons(second, "questions.list") == [{"action": "questions.list", "page": 1}]
    # A page that no longer exists (the list got shorter) shows the last one; rubbish shows the first.
    assert msg("nl", "question_desk.list.count", count=7, page=2, pages=2) in all_text(await olga.submit({"action": "questions.list", "page": 9}))
    assert msg_part("nl", "question_desk.list.count") in all_text(await olga.submit({"action": "questions.list", "page": "x"}))


async def test_no_open_questions(desk_client, connector):
    olga = person(desk_client, connector, OLGA)
    replies = await olga.say("open vragen")
    assert msg("nl", "question_desk.list.empty_fallback") in all_text(replies)
    assert buttons(replies, "questions.answer") == []


async def test_only_in_a_personal_chat(desk_client, connector):
    await forward(desk_client, connector, ANNA, "Wie betaalt de reis van de experts?")
    channel = new_conversation(desk_client, connector, "channel_message_mention.json", **{"from": OLGA})
    replies = await channel.say(MENTION + "open vragen")
    assert msg_part("nl", "question_desk.personal_only") in all_text(replies)
    assert "Anna de Vries" not in all_text(replies) and cards(replies) == []
    replies = await channel.submit({"action": "questions.answer", "question": (await open_question_ids(desk_client))[0]})
    assert msg_part("nl", "question_desk.personal_only") in all_text(replies) and "Anna" not in all_text(replies)


async def test_someone_else_is_refused_everywhere_and_it_is_audited(desk_client, connector):
    anna = await forward(desk_client, connector, ANNA, "Wie betaalt de reis van de experts?")
    [question_id] = await open_question_ids(desk_client)
    bob = person(desk_client, connector, BOB)
    attempts = [
        {"action": "questions.list"},
        {"action": "questions.answer", "question": question_id},
        {"action": "questions.resend", "question": question_id},
        {"action": "answer_question.submit", "answer": "Niemand.", "add_to_kb": "no"},
        {"action": "answer_question.confirm", "token": "a" * 32},
        {"action": "knowledge_entry.submit", "question_nl": "a", "question_en": "b", "answer_nl": "c", "answer_en": "d"},
        {"action": "knowledge_entry.confirm", "token": "b" * 32},
    ]
    assert msg_part("nl", "organizer.refused") in all_text(await bob.say("open vragen"))
    for value in attempts:
        replies = await bob.submit(value)
        assert all_text(replies) == msg("nl", "organizer.refused"), value
    assert await open_question_ids(desk_client) == [question_id]
    assert len(connector.by_conversation[anna.conversation_id]) == 1  # only 'forwarded' from before
    refused = [(a, t) for a, actor, allowed, t in await audit_actions(desk_client) if actor == BOB["aadObjectId"] and not allowed]
    assert [a for a, _ in refused] == [
        "questions.list", "questions.list", "questions.answer.open", "questions.resend",
        "answer_question.submit", "answer_question.confirm", "knowledge_entry.submit", "knowledge_entry.confirm",
    ]
    assert ("questions.answer.open", f"forwarded_question:{question_id}") in refused


async def test_without_organizers_nobody_gets_the_list(client, connector):
    olga = person(client, connector, OLGA)
    assert msg_part("nl", "organizer.refused") in all_text(await olga.say("open vragen"))
    assert client.app[SERVICES].settings.organizer_aad_ids == []
