"""Helpers for the question desk tests: organizers and askers in their own personal chats, forwarding a
question, the desk's cards, and what the database holds."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pytest
from sqlalchemy import select

from app import SERVICES
from bot.core.config import Settings
from bot.nlu import Recognizer
from bot.nlu.loader import load_knowledge
from storage.audit.repository import AuditTrail
from storage.models import ForwardedQuestion
from storage.questions.models import KnowledgeEntryRecord, QuestionAnswer
from tests.conftest import new_conversation
from tests.support import Conversation, FakeConnector, cards, fixture, submit_actions

ANNA = fixture("personal_message.json")["from"]
OLGA = {"id": "29:organizer-olga", "name": "Olga Organisator", "aadObjectId": "5e6f7a8b-0000-4000-8000-0000000000aa"}
OTTO = {"id": "29:organizer-otto", "name": "Otto Organisator", "aadObjectId": "5e6f7a8b-0000-4000-8000-0000000000bb"}
BOB = {"id": "29:bob-bakker", "name": "Bob Baker", "aadObjectId": "1a2b3c4d-0000-4000-8000-0000000000b0"}
ORGANIZERS = [OLGA["aadObjectId"], OTTO["aadObjectId"]]
MENTION = "<at>VNG Oekraine-assistent</at> "

QUESTION_NL = "Mogen experts hun partner meenemen naar Oekraïne?"
QUESTION_EN = "Can experts bring their partner to Ukraine?"


@lru_cache(maxsize=1)
def _knowledge_data():
    return load_knowledge(Settings(_env_file=None).content_dir / "knowledge")  # immutable: safe to share


def fresh_recognizer() -> Recognizer:
    """A recognizer of its own (tests that add knowledge must not change the shared one); the same as
    `Recognizer.load(content/knowledge)`, without reading the files again."""
    return Recognizer(_knowledge_data())


@pytest.fixture
async def desk_client(make_client):
    """A bot that knows two organizers (Olga, Otto) and does not refresh knowledge on a timer."""
    return await make_client(organizer_aad_ids=ORGANIZERS, knowledge_refresh_seconds=0)


def person(client, connector: FakeConnector, who: dict[str, Any], *, lang: str = "nl") -> Conversation:
    fixture_name = "personal_message_en.json" if lang == "en" else "personal_message.json"
    return new_conversation(client, connector, fixture_name, **{"from": who})


async def forward(client, connector: FakeConnector, who: dict[str, Any] = ANNA, question: str = QUESTION_NL, *, lang: str = "nl") -> Conversation:
    """`who` forwards `question` to the organizers from their own personal chat ('Ja, stuur door')."""
    asker = person(client, connector, who, lang=lang)
    await asker.submit({"action": "question.forward", "question": question})
    return asker


def buttons(replies: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    return [a["data"] for payload in cards(replies) for a in submit_actions(payload) if a["data"]["action"] == action]


def token_of(replies: list[dict[str, Any]], form_id: str) -> str:
    for payload in reversed(cards(replies)):
        for action in submit_actions(payload):
            if action["data"]["action"] == f"{form_id}.confirm":
                return action["data"]["token"]
    raise AssertionError("no summary card with a confirm button in these replies")


def form_inputs(replies: list[dict[str, Any]], form_id: str) -> dict[str, dict[str, Any]]:
    """The inputs of the form card of `form_id` in these replies, by id."""
    for payload in cards(replies):
        if any(a["data"]["action"] == f"{form_id}.submit" for a in submit_actions(payload)):
            return {item["id"]: item for item in payload["body"] if item.get("type", "").startswith("Input.")}
    raise AssertionError(f"no {form_id} form card in these replies")


async def open_question_ids(client) -> list[int]:
    async with client.app[SERVICES].db.transaction() as session:
        stmt = select(ForwardedQuestion.id).where(ForwardedQuestion.status == "open").order_by(ForwardedQuestion.id)
        return list((await session.execute(stmt)).scalars())


async def question_row(client, question_id: int) -> ForwardedQuestion:
    async with client.app[SERVICES].db.transaction() as session:
        return await session.get(ForwardedQuestion, question_id)


async def answer_rows(client) -> list[QuestionAnswer]:
    async with client.app[SERVICES].db.transaction() as session:
        return list((await session.execute(select(QuestionAnswer).order_by(QuestionAnswer.id))).scalars())


async def knowledge_rows(client) -> list[KnowledgeEntryRecord]:
    async with client.app[SERVICES].db.transaction() as session:
        return list((await session.execute(select(KnowledgeEntryRecord).order_by(KnowledgeEntryRecord.id))).scalars())


async def audit_actions(client) -> list[tuple[str, str, bool, str | None]]:
    """(action, actor, allowed, target) of the audit trail, oldest first."""
    async with client.app[SERVICES].db.transaction() as session:
        entries = await AuditTrail(session).recent(500)
    return [(e.action, e.actor_aad_object_id, e.allowed, e.target) for e in reversed(entries)]


async def answer_by_card(organizer: Conversation, question_id: int, answer: str, *, add_to_kb: str = "no") -> list[dict[str, Any]]:
    """Open the answer form from the list's button, fill it in with one card, and confirm; the confirm replies."""
    await organizer.submit({"action": "questions.answer", "question": question_id})
    summary = await organizer.submit({"action": "answer_question.submit", "answer": answer, "add_to_kb": add_to_kb})
    return await organizer.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
