"""'Delete my data' leaves nothing of the person behind: every table, bot state included, is read afterwards
for their name, e-mail address, Entra id, channel id and their own words. Their wording in a knowledge entry
an organizer made from their question is taken out; the audit trail keeps a one-way pseudonym."""

from __future__ import annotations

from sqlalchemy import inspect, select

from app import SERVICES
from storage.audit.models import AuditEntry
from storage.models import Base
from storage.privacy.personal_data import PSEUDONYM_PREFIX
from storage.questions.models import KnowledgeEntryRecord
from tests.offers.conftest import offer_by_card
from tests.questions.conftest import ANNA, OLGA, forward, fresh_recognizer, open_question_ids, person, token_of
from tests.registration.conftest import register

QUESTION = "Mag onze brandweercommandant Pietersma meereizen naar Tsjernihiv?"
THEIR_WORDS = ("Pietersma", "Tsjernihiv", "brandweercommandant")
TRANSLATION = "May a fire chief from our municipality travel along?"


def _tables_in_the_database(session) -> set[str]:
    return set(inspect(session.connection()).get_table_names()) - {"alembic_version"}


async def _every_row(client) -> dict[str, list[str]]:
    """Every row of every table the models declare (a new feature's table is read without a change here),
    bot state included; and the database has no table the models do not declare."""
    found: dict[str, list[str]] = {}
    async with client.app[SERVICES].db.transaction() as session:
        assert await session.run_sync(_tables_in_the_database) == {t.name for t in Base.metadata.sorted_tables}
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            found[table.name] = [repr(tuple(row)) for row in rows]
    return found


async def _leftovers(client, needles) -> list[str]:
    return [
        f"{table}: {needle}"
        for table, rows in (await _every_row(client)).items()
        for needle in needles
        if any(needle.casefold() in row.casefold() for row in rows)
    ]


async def test_nothing_of_the_person_is_left_in_any_table(make_client, connector):
    client = await make_client(organizer_aad_ids=[OLGA["aadObjectId"]], knowledge_refresh_seconds=0, recognizer=fresh_recognizer())
    anna = person(client, connector, ANNA)
    await register(anna)
    await offer_by_card(anna)
    await forward(client, connector, ANNA, QUESTION)
    [question_id] = await open_question_ids(client)
    # An organizer answers and adds the question to the knowledge base, keeping Anna's wording.
    olga = person(client, connector, OLGA)
    await olga.submit({"action": "questions.answer", "question": question_id})
    summary = await olga.submit({"action": "answer_question.submit", "answer": "Ja, dat mag, in overleg met VNG.", "add_to_kb": "yes"})
    await olga.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    kb_summary = await olga.submit(
        {"action": "knowledge_entry.submit", "question_nl": QUESTION, "question_en": TRANSLATION,
         "answer_nl": "Ja, dat mag, in overleg met VNG.", "answer_en": "Yes, in agreement with VNG."}
    )
    await olga.submit({"action": "knowledge_entry.confirm", "token": token_of(kb_summary, "knowledge_entry")})
    # Anna tries an organizer function: refused, and the audit trail records her.
    await anna.submit({"action": "questions.answer", "question": question_id})
    needles = (ANNA["name"], "anna.devries", ANNA["aadObjectId"], ANNA["id"], *THEIR_WORDS)
    before = await _leftovers(client, needles)
    for table in ("knowledge_entry", "audit_entry", "bot_state"):  # the scan sees them where they are
        assert any(t.startswith(f"{table}:") for t in before), table

    await anna.submit({"action": "job.start", "job": "delete_my_data"})
    await anna.submit({"action": "delete_my_data.confirm", "answer": "yes"})

    assert await _leftovers(client, needles) == []
    async with client.app[SERVICES].db.transaction() as session:
        actors = (await session.execute(select(AuditEntry.actor_aad_object_id))).scalars().all()
        [entry] = (await session.execute(select(KnowledgeEntryRecord))).scalars().all()
    assert OLGA["aadObjectId"] in actors  # the organizer's own trail stays
    anna_aliases = {a for a in actors if a.startswith(PSEUDONYM_PREFIX)}
    assert len(anna_aliases) == 1  # one pseudonym: the trail still shows one actor
    assert entry.question_en == TRANSLATION and entry.question_nl == TRANSLATION  # reworded with the organizer's words
    assert entry.source_question_id is None


async def test_an_organizer_who_erases_is_pseudonymized_where_they_acted(make_client, connector):
    client = await make_client(organizer_aad_ids=[OLGA["aadObjectId"]], knowledge_refresh_seconds=0, recognizer=fresh_recognizer())
    await forward(client, connector, ANNA, QUESTION)
    [question_id] = await open_question_ids(client)
    olga = person(client, connector, OLGA)
    await olga.submit({"action": "questions.answer", "question": question_id})
    summary = await olga.submit({"action": "answer_question.submit", "answer": "Ja.", "add_to_kb": "no"})
    await olga.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    await olga.submit({"action": "job.start", "job": "delete_my_data"})
    await olga.submit({"action": "delete_my_data.confirm", "answer": "yes"})
    assert await _leftovers(client, (OLGA["aadObjectId"], OLGA["id"], OLGA["name"])) == []
