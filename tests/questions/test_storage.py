"""The desk's tables on SQLite and PostgreSQL: the migration matches the models, a question is claimed once,
and erasing the asker's questions erases the answers to them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.models import Base
from storage.questions.knowledge import KnowledgeEntries
from storage.questions.repository import QuestionDeskRecords
from storage.repositories import ForwardedQuestions

NOW = datetime(2022, 9, 20, 8, 15, tzinfo=UTC)
MINE = {"question_answer", "knowledge_entry"}


async def _question(db, user_key: str = "aad:anna", text: str = "Mag mijn partner mee?") -> int:
    async with db.transaction() as session:
        record, _ = await ForwardedQuestions(session).add(
            question=text, language="nl", user_key=user_key, aad_object_id=None, asker_name="Anna de Vries",
            tenant_id=None, conversation_id="a:1", conversation_reference=json.dumps({"conversation": {"id": "a:1"}}), now=NOW,
        )
        return record.id


async def test_the_migration_matches_the_models(db):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        found = []
        for difference in compare_metadata(context, Base.metadata):
            item = difference[0] if isinstance(difference, list) else difference
            names = {getattr(getattr(part, "table", part), "name", part) for part in item[1:]}
            if names & MINE:
                found.append(difference)
        return found

    async with db.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_a_question_is_claimed_once(db):
    question_id = await _question(db)
    async with db.transaction() as session:
        first = await QuestionDeskRecords(session).claim_answer(question_id=question_id, answer="Nee.", answered_by="olga", token="t1", now=NOW)
    async with db.transaction() as session:
        repeat = await QuestionDeskRecords(session).claim_answer(question_id=question_id, answer="Nee.", answered_by="olga", token="t1", now=NOW)
        other = await QuestionDeskRecords(session).claim_answer(question_id=question_id, answer="Ja.", answered_by="otto", token="t2", now=NOW)
        missing = await QuestionDeskRecords(session).claim_answer(question_id=question_id + 99, answer="?", answered_by="otto", token="t3", now=NOW)
        stored = await QuestionDeskRecords(session).get(question_id)
    assert (first.outcome, repeat.outcome, other.outcome, missing.outcome) == ("claimed", "repeat", "answered", "missing")
    assert other.answer.answered_by == "olga" and (stored.status, stored.answer) == ("answered", "Nee.")


async def test_the_open_page_and_municipalities(db):
    ids = [await _question(db, f"aad:{n}", f"Vraag {n}?") for n in range(3)]
    async with db.transaction() as session:
        page, total = await QuestionDeskRecords(session).open_page(offset=0, limit=2)
    assert total == 3 and [q.id for q in page] == [ids[2], ids[1]]  # same moment: the newest id first
    assert all(q.municipality is None for q in page)


async def test_erasing_the_askers_questions_erases_the_answer(db):
    question_id = await _question(db)
    async with db.transaction() as session:
        await QuestionDeskRecords(session).claim_answer(question_id=question_id, answer="Bel Piet: 06 98765432.", answered_by="olga", token="t1", now=NOW)
    if not hasattr(ForwardedQuestions, "erase_for_user"):
        pytest.skip("'delete my data' (another feature) is not there")
    async with db.transaction() as session:
        await ForwardedQuestions(session).erase_for_user("aad:anna")
    async with db.transaction() as session:
        stored = await QuestionDeskRecords(session).get(question_id)
        answer = await QuestionDeskRecords(session).answer_for(question_id)
    assert stored.answer is None and answer.answered_by == "olga"  # who answered stays; the text is gone


async def test_a_knowledge_entry_is_stored_once_per_question(db):
    question_id = await _question(db)
    texts = {"nl": "Mag mijn partner mee?", "en": "Can my partner come?"}
    async with db.transaction() as session:
        repo = KnowledgeEntries(session)
        _first, created = await repo.add(entry_id="kb_one", question=texts, answer=texts, examples={}, source_question_id=question_id,
                                         created_by="olga", token="t1", now=NOW)
        second, again = await repo.add(entry_id="kb_two", question=texts, answer=texts, examples={}, source_question_id=question_id,
                                       created_by="otto", token="t2", now=NOW)
        signature = await repo.signature()
    assert created and not again and second.entry_id == "kb_one"
    assert signature[0] == 1 and signature[2] == 1
