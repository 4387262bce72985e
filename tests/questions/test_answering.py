"""Answering a forwarded question: the answer reaches the asker's own conversation in the language of the
question, once (double clicks, a second organizer, two at the same moment), delivery is reported, organizers
are checked on every turn, and every step is audited."""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from app import SERVICES
from storage.audit.repository import AuditTrail
from storage.models import ForwardedQuestion
from tests.questions.conftest import (
    ANNA,
    BOB,
    OLGA,
    ORGANIZERS,
    OTTO,
    QUESTION_EN,
    QUESTION_NL,
    answer_by_card,
    answer_rows,
    audit_actions,
    buttons,
    form_inputs,
    forward,
    open_question_ids,
    person,
    question_row,
    token_of,
)
from tests.support import all_text, cards
from tests.wording import msg, msg_part

ANSWER_NL = "Nee, partners reizen niet mee. De experts werken meestal op afstand."
ANSWER_EN = "No, partners do not travel along. The experts mostly work remotely."


def answers_in(connector, conversation) -> list[dict]:
    """The answer cards the asker received in their own conversation."""
    return [
        card
        for card in cards(connector.by_conversation[conversation.conversation_id])
        if card["body"][0]["text"] in (msg("nl", "question_desk.to_asker.title"), msg("en", "question_desk.to_asker.title"))
    ]


async def test_a_dutch_asker_gets_the_answer_in_their_chat(desk_client, connector):
    anna = await forward(desk_client, connector, ANNA, QUESTION_NL)
    [question_id] = await open_question_ids(desk_client)
    olga = person(desk_client, connector, OLGA)

    opened = await olga.submit({"action": "questions.answer", "question": question_id})
    text = all_text(opened)
    assert msg("nl", "question_desk.question.title", asker="Anna de Vries") in text
    assert QUESTION_NL in text and msg_part("nl", "question_desk.question.meta") in text
    inputs = form_inputs(opened, "answer_question")
    assert set(inputs) == {"answer", "add_to_kb"} and all(i["label"] for i in inputs.values())
    assert msg_part("nl", "answer_question.fields.answer.prompt") in text  # the first question, for those who type

    summary = await olga.submit({"action": "answer_question.submit", "answer": ANSWER_NL, "add_to_kb": "no"})
    facts = {f["title"]: f["value"] for c in cards(summary) for b in c["body"] if b.get("type") == "FactSet" for f in b["facts"]}
    assert facts == {msg("nl", "answer_question.question_label"): QUESTION_NL, msg("nl", "answer_question.fields.answer.label"): ANSWER_NL,
                     msg("nl", "answer_question.fields.add_to_kb.label"): msg("nl", "answer_question.kb_options.no")}
    done = await olga.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    assert msg("nl", "question_desk.answer.sent", asker="Anna de Vries") in all_text(done)

    [answer] = answers_in(connector, anna)
    assert answer["body"][1]["text"] == ANSWER_NL
    assert msg("nl", "question_desk.to_asker.your_question", question=QUESTION_NL) in all_text([{"attachments": [{"content": answer}]}])
    assert answer["fallbackText"] == msg("nl", "question_desk.to_asker.fallback", answer=ANSWER_NL)

    row = await question_row(desk_client, question_id)
    assert (row.status, row.answer, row.answered_at is not None) == ("answered", ANSWER_NL, True)
    [stored] = await answer_rows(desk_client)
    assert (stored.question_id, stored.answered_by, stored.delivery, stored.kb_entry_id) == (question_id, OLGA["aadObjectId"], "sent", None)
    assert await open_question_ids(desk_client) == []
    mine = [(a, allowed, t) for a, actor, allowed, t in await audit_actions(desk_client) if actor == OLGA["aadObjectId"]]
    target = f"forwarded_question:{question_id}"
    assert mine == [
        ("questions.answer.open", True, target),
        ("questions.answer", True, target),
        ("questions.answer.delivery", True, target),
    ]
    async with desk_client.app[SERVICES].db.transaction() as session:
        [delivery] = [e for e in await AuditTrail(session).recent() if e.action == "questions.answer.delivery"]
    assert delivery.detail == '{"delivery": "sent"}'  # ids and outcomes only, never the texts


async def test_an_english_asker_gets_the_answer_in_english(desk_client, connector):
    bob = await forward(desk_client, connector, BOB, QUESTION_EN, lang="en")
    [question_id] = await open_question_ids(desk_client)
    olga = person(desk_client, connector, OLGA)  # a Dutch-speaking organizer
    opened = await olga.submit({"action": "questions.answer", "question": question_id})
    assert msg_part("nl", "question_desk.question.meta") in all_text(opened)
    summary = await olga.submit({"action": "answer_question.submit", "answer": ANSWER_EN, "add_to_kb": "no"})
    done = await olga.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    assert msg("nl", "question_desk.answer.sent", asker="Bob Baker") in all_text(done)  # the organizer reads Dutch
    [answer] = answers_in(connector, bob)
    assert answer["body"][0]["text"] == msg("en", "question_desk.to_asker.title") and answer["body"][1]["text"] == ANSWER_EN
    assert msg_part("en", "question_desk.to_asker.from") in all_text([{"attachments": [{"content": answer}]}])


async def test_a_double_click_sends_once(desk_client, connector):
    anna = await forward(desk_client, connector, ANNA, QUESTION_NL)
    [question_id] = await open_question_ids(desk_client)
    olga = person(desk_client, connector, OLGA)
    await olga.submit({"action": "questions.answer", "question": question_id})
    summary = await olga.submit({"action": "answer_question.submit", "answer": ANSWER_NL, "add_to_kb": "no"})
    confirm = {"action": "answer_question.confirm", "token": token_of(summary, "answer_question")}
    await olga.submit(confirm)
    again = await olga.submit(confirm)
    assert all_text(again) == msg("nl", "question_desk.answer.already_sent")
    assert len(answers_in(connector, anna)) == 1 and len(await answer_rows(desk_client)) == 1


async def test_a_question_answered_meanwhile_is_not_sent_twice(desk_client, connector):
    anna = await forward(desk_client, connector, ANNA, QUESTION_NL)
    [question_id] = await open_question_ids(desk_client)
    olga, otto = person(desk_client, connector, OLGA), person(desk_client, connector, OTTO)
    await otto.submit({"action": "questions.answer", "question": question_id})
    otto_summary = await otto.submit({"action": "answer_question.submit", "answer": "Dat mag niet.", "add_to_kb": "yes"})

    await answer_by_card(olga, question_id, ANSWER_NL)
    late = await otto.submit({"action": "answer_question.confirm", "token": token_of(otto_summary, "answer_question")})
    assert msg_part("nl", "question_desk.answer.already_answered") in all_text(late)
    assert buttons(late, "knowledge_entry.submit") == []  # no knowledge form follows
    assert [a["body"][1]["text"] for a in answers_in(connector, anna)] == [ANSWER_NL]
    # The list no longer shows it; an old 'Answer' button says it was answered.
    assert buttons(await otto.say("open vragen"), "questions.answer") == []
    assert msg_part("nl", "question_desk.answer.already_answered") in all_text(await otto.submit({"action": "questions.answer", "question": question_id}))
    assert (await answer_rows(desk_client))[0].answered_by == OLGA["aadObjectId"]


async def test_two_organizers_confirming_at_once_send_once(make_client, connector):
    first = await make_client(organizer_aad_ids=ORGANIZERS, knowledge_refresh_seconds=0)
    second = await make_client(organizer_aad_ids=ORGANIZERS, knowledge_refresh_seconds=0)  # another instance
    anna = await forward(first, connector, ANNA, QUESTION_NL)
    [question_id] = await open_question_ids(first)
    olga, otto = person(first, connector, OLGA), person(second, connector, OTTO)
    tokens = []
    for organizer in (olga, otto):
        await organizer.submit({"action": "questions.answer", "question": question_id})
        summary = await organizer.submit({"action": "answer_question.submit", "answer": f"Antwoord van {organizer.base['from']['name']}", "add_to_kb": "no"})
        tokens.append(token_of(summary, "answer_question"))
    activities = []
    for organizer, token in zip((olga, otto), tokens, strict=True):
        activity = organizer.activity(type="message", value={"action": "answer_question.confirm", "token": token})
        activity.pop("text", None)
        activities.append(activity)
    results = await asyncio.gather(
        olga.client.post("/api/messages", json=activities[0]), otto.client.post("/api/messages", json=activities[1])
    )
    assert all(r.status < 300 for r in results)
    assert len(answers_in(connector, anna)) == 1
    said = all_text(connector.by_conversation[olga.conversation_id] + connector.by_conversation[otto.conversation_id])
    assert said.count(msg("nl", "question_desk.answer.sent", asker="Anna de Vries")) == 1
    assert said.count(msg_part("nl", "question_desk.answer.already_answered")) == 1
    assert len(await answer_rows(first)) == 1


async def test_an_asker_who_removed_the_app(desk_client, connector):
    anna = await forward(desk_client, connector, ANNA, QUESTION_NL)
    [question_id] = await open_question_ids(desk_client)
    olga = person(desk_client, connector, OLGA)
    await olga.submit({"action": "questions.answer", "question": question_id})
    summary = await olga.submit({"action": "answer_question.submit", "answer": ANSWER_NL, "add_to_kb": "no"})
    connector.fail_next = [403]  # the next post is the answer to Anna
    done = await olga.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    assert msg("nl", "question_desk.answer.gone", asker="Anna de Vries") in all_text(done)
    assert answers_in(connector, anna) == []
    [stored] = await answer_rows(desk_client)
    assert stored.delivery == "gone"
    assert (await question_row(desk_client, question_id)).status == "answered"  # not offered again


async def test_a_failed_delivery_can_be_sent_again_once(desk_client, connector):
    anna = await forward(desk_client, connector, ANNA, QUESTION_NL)
    [question_id] = await open_question_ids(desk_client)
    olga = person(desk_client, connector, OLGA)
    await olga.submit({"action": "questions.answer", "question": question_id})
    summary = await olga.submit({"action": "answer_question.submit", "answer": ANSWER_NL, "add_to_kb": "no"})
    connector.fail_next = [400]  # a refusal that is not retried
    done = await olga.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    assert msg_part("nl", "question_desk.answer.failed") in all_text(done)
    [resend] = buttons(done, "questions.resend")
    assert (await answer_rows(desk_client))[0].delivery == "failed"
    assert msg_part("nl", "question_desk.answer.sent") in all_text(await olga.submit(resend))
    assert [a["body"][1]["text"] for a in answers_in(connector, anna)] == [ANSWER_NL]
    assert msg_part("nl", "question_desk.answer.nothing_to_resend") in all_text(await olga.submit(resend))
    assert len(answers_in(connector, anna)) == 1
    deliveries = [t for a, _, _, t in await audit_actions(desk_client) if a == "questions.answer.delivery"]
    assert len(deliveries) == 2


async def test_answering_by_typing_in_english(desk_client, connector):
    bob = await forward(desk_client, connector, BOB, QUESTION_EN, lang="en")
    olga = person(desk_client, connector, OLGA, lang="en")
    listing = await olga.say("open questions")
    [answer_button] = buttons(listing, "questions.answer")
    opened = await olga.submit(answer_button)
    assert msg_part("en", "answer_question.fields.answer.prompt") in all_text(opened)
    asked = await olga.say(ANSWER_EN)
    assert msg_part("en", "answer_question.fields.add_to_kb.prompt") in all_text(asked)
    summary = await olga.say("no")
    assert msg("en", "answer_question.form.summary_title") in all_text(summary)
    done = await olga.say("yes")
    assert msg("en", "question_desk.answer.sent", asker="Bob Baker") in all_text(done)
    assert [a["body"][1]["text"] for a in answers_in(connector, bob)] == [ANSWER_EN]


async def test_cancelling_sends_nothing(desk_client, connector):
    anna = await forward(desk_client, connector, ANNA, QUESTION_NL)
    [question_id] = await open_question_ids(desk_client)
    olga = person(desk_client, connector, OLGA)
    await olga.submit({"action": "questions.answer", "question": question_id})
    await olga.say("Dat zoek ik even uit.")
    await olga.say("stop")
    assert answers_in(connector, anna) == [] and await open_question_ids(desk_client) == [question_id]


async def test_an_organizer_taken_off_the_list_mid_form_is_refused(make_client, connector):
    before = await make_client(organizer_aad_ids=ORGANIZERS, knowledge_refresh_seconds=0)
    after = await make_client(organizer_aad_ids=[OTTO["aadObjectId"]], knowledge_refresh_seconds=0)  # Olga removed
    anna = await forward(before, connector, ANNA, QUESTION_NL)
    [question_id] = await open_question_ids(before)
    olga = person(before, connector, OLGA)
    await olga.submit({"action": "questions.answer", "question": question_id})
    summary = await olga.submit({"action": "answer_question.submit", "answer": ANSWER_NL, "add_to_kb": "no"})
    replies = await olga.with_client(after).submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    assert all_text(replies) == msg("nl", "organizer.refused")
    assert answers_in(connector, anna) == [] and await open_question_ids(after) == [question_id]
    assert ("answer_question.continue", OLGA["aadObjectId"], False, None) in await audit_actions(after)
    # The form is closed: typing goes to the normal bot again.
    assert msg_part("nl", "organizer.refused") not in all_text(await olga.with_client(after).say("hallo"))


async def test_a_question_erased_by_its_asker(desk_client, connector):
    await forward(desk_client, connector, ANNA, QUESTION_NL)
    [question_id] = await open_question_ids(desk_client)
    olga = person(desk_client, connector, OLGA)
    await olga.submit({"action": "questions.answer", "question": question_id})
    summary = await olga.submit({"action": "answer_question.submit", "answer": ANSWER_NL, "add_to_kb": "no"})
    async with desk_client.app[SERVICES].db.transaction() as session:  # 'delete my data' leaves an anonymous row
        await session.execute(
            update(ForwardedQuestion).where(ForwardedQuestion.id == question_id).values(status="erased", question="", conversation_reference="")
        )
    done = await olga.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    assert msg_part("nl", "question_desk.answer.not_found") in all_text(done)
    assert await answer_rows(desk_client) == []
    assert msg_part("nl", "question_desk.answer.not_found") in all_text(await olga.submit({"action": "questions.answer", "question": question_id}))
    assert msg_part("nl", "question_desk.answer.not_found") in all_text(await olga.submit({"action": "questions.answer", "question": 999999}))
    for rubbish in ("abc", 2**40, None, -1):  # friendly, never an error
        assert msg_part("nl", "dialog.unknown_card") in all_text(await olga.submit({"action": "questions.answer", "question": rubbish}))
        assert msg_part("nl", "question_desk.answer.nothing_to_resend") in all_text(await olga.submit({"action": "questions.resend", "question": rubbish}))
