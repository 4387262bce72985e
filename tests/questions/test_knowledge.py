"""Adding an answered question to the knowledge base: the bot answers it at once on this instance, on
another instance after its refresh tick, and after a restart; stored once; audited. Every bot here has a
recognizer of its own (the shared one must stay as it is)."""

from __future__ import annotations

import json

from app import SERVICES
from bot.questions import QUESTION_DESK
from bot.questions.knowledge import KnowledgeStore
from storage.questions.knowledge import KnowledgeEntries
from tests.questions.conftest import (
    ANNA,
    BOB,
    OLGA,
    ORGANIZERS,
    QUESTION_EN,
    QUESTION_NL,
    answer_rows,
    audit_actions,
    form_inputs,
    forward,
    fresh_recognizer,
    knowledge_rows,
    open_question_ids,
    person,
    token_of,
)
from tests.support import all_text, cards
from tests.wording import msg, msg_part

ANSWER_NL = "Nee, partners reizen niet mee. De experts werken meestal op afstand."
ANSWER_EN = "No, partners do not travel along. The experts mostly work remotely."
KB_QUESTION_NL = "Mag mijn partner mee naar Oekraïne?"
KB_QUESTION_EN = "Can my partner come with me to Ukraine?"
REWORDED_NL = "mag mijn partner mee naar Oekraïne als ik expert ben?"
REWORDED_EN = "can my partner travel with me to Ukraine"


async def desk(make_client):
    return await make_client(organizer_aad_ids=ORGANIZERS, knowledge_refresh_seconds=0, recognizer=fresh_recognizer())


def answer_texts(replies) -> list[str]:
    """The answer texts of FAQ answer cards (heading, then the answer)."""
    return [c["body"][1]["text"] for c in cards(replies) if len(c["body"]) > 1 and c["body"][0].get("style") == "heading"]


async def add_by_card(client, connector, *, asker=ANNA, question=QUESTION_NL, lang="nl"):
    """Forward, answer with 'also in the knowledge base', fill in the knowledge form by card; returns
    (the organizer's conversation, the replies to the knowledge form being opened, the final replies)."""
    await forward(client, connector, asker, question, lang=lang)
    [question_id] = await open_question_ids(client)
    olga = person(client, connector, OLGA)
    await olga.submit({"action": "questions.answer", "question": question_id})
    answer = ANSWER_NL if lang == "nl" else ANSWER_EN
    summary = await olga.submit({"action": "answer_question.submit", "answer": answer, "add_to_kb": "yes"})
    opened = await olga.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    kb_summary = await olga.submit(
        {"action": "knowledge_entry.submit", "question_nl": KB_QUESTION_NL, "question_en": KB_QUESTION_EN,
         "answer_nl": ANSWER_NL, "answer_en": ANSWER_EN}
    )
    done = await olga.submit({"action": "knowledge_entry.confirm", "token": token_of(kb_summary, "knowledge_entry")})
    return olga, opened, kb_summary, done


async def test_the_bot_answers_an_added_question_here_elsewhere_and_after_a_restart(make_client, connector):
    here = await desk(make_client)
    elsewhere = await desk(make_client)  # another instance on the same database, started before the addition
    bob_here, bob_elsewhere = person(here, connector, BOB), person(elsewhere, connector, BOB)
    assert ANSWER_NL not in answer_texts(await bob_here.say(REWORDED_NL))

    _olga, opened, kb_summary, done = await add_by_card(here, connector)
    assert msg_part("nl", "question_desk.answer.sent") in all_text(opened)
    inputs = form_inputs(opened, "knowledge_entry")
    assert inputs["question_nl"]["value"] == QUESTION_NL  # the asker's question, in the asker's language
    assert inputs["answer_nl"]["value"] == ANSWER_NL  # the answer just sent
    assert "value" not in inputs["question_en"] and "value" not in inputs["answer_en"]
    assert all(i["isRequired"] for i in inputs.values())
    assert QUESTION_NL in all_text(kb_summary)  # the original wording is shown: it is kept as an example
    assert msg_part("nl", "question_desk.knowledge.added") in all_text(done)

    # This instance: at once, in both languages.
    assert answer_texts(await bob_here.say(REWORDED_NL)) == [ANSWER_NL]
    assert answer_texts(await person(here, connector, BOB, lang="en").say(REWORDED_EN)) == [ANSWER_EN]
    # Another instance: after its refresh tick (nothing changes on a second tick).
    assert ANSWER_NL not in answer_texts(await bob_elsewhere.say(REWORDED_NL))
    store: KnowledgeStore = elsewhere.app[QUESTION_DESK].knowledge
    assert await store.tick() == 1
    assert await store.tick() == 0
    assert answer_texts(await bob_elsewhere.say(REWORDED_NL)) == [ANSWER_NL]
    # A restart: loaded at start-up.
    restarted = await desk(make_client)
    assert answer_texts(await person(restarted, connector, BOB).say(REWORDED_NL)) == [ANSWER_NL]

    [row] = await knowledge_rows(here)
    assert row.entry_id.startswith("kb_") and row.created_by == OLGA["aadObjectId"]
    assert (row.question_nl, row.question_en, row.answer_nl, row.answer_en) == (KB_QUESTION_NL, KB_QUESTION_EN, ANSWER_NL, ANSWER_EN)
    assert json.loads(row.examples) == {"nl": [QUESTION_NL]}
    [answered] = await answer_rows(here)
    assert answered.kb_entry_id == row.entry_id and row.source_question_id == answered.question_id
    mine = [(a, t) for a, actor, allowed, t in await audit_actions(here) if actor == OLGA["aadObjectId"] and allowed]
    assert ("knowledge.add", f"forwarded_question:{answered.question_id}") in mine
    assert ("knowledge.add.done", f"knowledge_entry:{row.entry_id}") in mine


async def test_an_english_question_prefills_english_and_a_double_click_stores_once(make_client, connector):
    client = await desk(make_client)
    olga, opened, kb_summary, _done = await add_by_card(client, connector, asker=BOB, question=QUESTION_EN, lang="en")
    inputs = form_inputs(opened, "knowledge_entry")
    assert inputs["question_en"]["value"] == QUESTION_EN and inputs["answer_en"]["value"] == ANSWER_EN
    assert "value" not in inputs["question_nl"]
    again = await olga.submit({"action": "knowledge_entry.confirm", "token": token_of(kb_summary, "knowledge_entry")})
    assert all_text(again) == msg("nl", "question_desk.knowledge.already_added")
    [row] = await knowledge_rows(client)
    assert json.loads(row.examples) == {"en": [QUESTION_EN]}
    assert len([e for e in client.app[SERVICES].recognizer.entries() if e.id.startswith("kb_")]) == 1


async def test_both_languages_are_required(make_client, connector):
    client = await desk(make_client)
    await forward(client, connector, ANNA, QUESTION_NL)
    [question_id] = await open_question_ids(client)
    olga = person(client, connector, OLGA)
    await olga.submit({"action": "questions.answer", "question": question_id})
    summary = await olga.submit({"action": "answer_question.submit", "answer": ANSWER_NL, "add_to_kb": "yes"})
    await olga.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    replies = await olga.submit(
        {"action": "knowledge_entry.submit", "question_nl": KB_QUESTION_NL, "question_en": "", "answer_nl": ANSWER_NL, "answer_en": " "}
    )
    assert msg_part("nl", "form.fix_errors") in all_text(replies)
    assert form_inputs(replies, "knowledge_entry")["question_nl"]["value"] == KB_QUESTION_NL  # nothing is lost
    assert await knowledge_rows(client) == []


async def test_the_whole_way_by_typing(make_client, connector):
    client = await desk(make_client)
    await forward(client, connector, ANNA, QUESTION_NL)
    olga = person(client, connector, OLGA)
    [question_id] = await open_question_ids(client)
    await olga.submit({"action": "questions.answer", "question": question_id})
    await olga.say(ANSWER_NL)
    summary = await olga.say(msg("nl", "answer_question.kb_options.yes"))
    assert msg("nl", "answer_question.fields.add_to_kb.label") in all_text(summary) and msg("nl", "answer_question.kb_options.yes") in all_text(summary)
    opened = await olga.say("ja")
    assert msg_part("nl", "question_desk.answer.sent") in all_text(opened) and msg("nl", "knowledge_entry.fields.question_en.prompt") in all_text(opened)
    assert msg("nl", "knowledge_entry.fields.answer_en.prompt") in all_text(await olga.say(KB_QUESTION_EN))
    kb_summary = await olga.say(ANSWER_EN)
    assert msg("nl", "knowledge_entry.form.summary_title") in all_text(kb_summary)
    assert msg_part("nl", "question_desk.knowledge.added") in all_text(await olga.say("ja"))
    [row] = await knowledge_rows(client)
    assert (row.question_nl, row.question_en) == (QUESTION_NL, KB_QUESTION_EN)
    assert json.loads(row.examples) == {}  # the original is the Dutch question itself: not repeated
    assert answer_texts(await person(client, connector, BOB).say(QUESTION_NL)) == [ANSWER_NL]


async def test_the_store_keeps_braces_as_text_and_refreshes_cheaply(db, clock):
    recognizer = fresh_recognizer()
    store = KnowledgeStore(db=db, recognizer=recognizer, clock=clock, interval=0)
    other = KnowledgeStore(db=db, recognizer=fresh_recognizer(), clock=clock, interval=0)
    assert await other.load() == 0 and await other.tick() == 0
    added = await store.add(
        question={"nl": "Waar  staat de   link?", "en": "Where is the link?"},
        answer={"nl": "Zie {website} en {{dubbel}}.", "en": "See {website}."},
        examples={"nl": ["waar staat de link", "Waar is de link?"]},
        source_question_id=None,
        created_by="aad-olga",
        token="t" * 32,
    )
    assert added.created
    entry = recognizer.entry(added.entry.entry_id)
    assert entry.question["nl"] == "Waar staat de link?"
    assert dict(entry.examples) == {"nl": ("Waar is de link?",)}  # the question itself is not repeated
    assert entry.render("nl", {}) == "Zie {website} en {{dubbel}}." and entry.render("en", {}) == "See {website}."
    again = await store.add(question={"nl": "x", "en": "y"}, answer={"nl": "x", "en": "y"}, examples={},
                            source_question_id=None, created_by="aad-olga", token="t" * 32)
    assert not again.created and again.entry.entry_id == added.entry.entry_id
    assert await other.tick() == 1 and await other.tick() == 0
    assert other._recognizer.entry(added.entry.entry_id).render("nl", {}) == "Zie {website} en {{dubbel}}."  # noqa: SLF001
    assert await store.load() == 0  # already indexed here: not indexed again


async def test_a_removed_row_leaves_the_index_of_every_instance(db, clock):
    """An erasure deletes a knowledge entry that was only the person's wording: the refresh takes it out of
    each instance's index too, so its question is neither matched nor shown any more."""
    store = KnowledgeStore(db=db, recognizer=fresh_recognizer(), clock=clock, interval=0)
    other = KnowledgeStore(db=db, recognizer=fresh_recognizer(), clock=clock, interval=0)
    added = await store.add(
        question={"nl": "Mag de brandweercommandant mee op reis?", "en": "May the fire chief come along?"},
        answer={"nl": "Ja, in overleg.", "en": "Yes, in agreement."},
        examples={}, source_question_id=None, created_by="aad-olga", token="r" * 32,
    )
    entry_id = added.entry.entry_id
    assert await other.tick() == 1 and other._recognizer.has_entry(entry_id)  # noqa: SLF001
    async with db.transaction() as session:
        await KnowledgeEntries(session).remove(entry_id)
    await store.tick()
    await other.tick()
    assert not store._recognizer.has_entry(entry_id) and not other._recognizer.has_entry(entry_id)  # noqa: SLF001
    assert store._recognizer.recognize("Mag de brandweercommandant mee op reis?", "nl").entry_id != entry_id  # noqa: SLF001
