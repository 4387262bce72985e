"""Helpers for the privacy tests: people, stored rows, and the flows that leave data behind (a registration,
an offer, an intention, a forwarded question, feedback on an answer)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app import SERVICES
from bot.privacy import PRIVACY
from storage.models import AnswerFeedback, BotStateRecord, ConversationReferenceRecord, ForwardedQuestion
from storage.offers.models import ContributionIntention, ExpertiseOffer
from storage.registration.models import Registration, SessionInterest
from tests.conftest import new_conversation
from tests.offers.conftest import contribution_by_card, offer_by_card  # noqa: F401 - re-exported for the tests
from tests.registration.conftest import content, register  # noqa: F401 - the `content` fixture, and a helper
from tests.support import Conversation, FakeConnector, all_text, cards, elements, fixture, submit_actions

ANNA = fixture("personal_message.json")["from"]
ANNA_KEY = f"aad:{ANNA['aadObjectId']}"
BOB = {"id": "29:bob-bakker", "name": "Bob Bakker", "aadObjectId": "1a2b3c4d-0000-4000-8000-0000000000b0"}
BOB_KEY = f"aad:{BOB['aadObjectId']}"
ORGANIZER = {"id": "29:organizer-olga", "name": "Olga Organisator", "aadObjectId": "5e6f7a8b-0000-4000-8000-0000000000aa"}
ANNA_QUESTION = "Mogen wij een tolk Oekraïens meenemen naar de zaal in Den Haag?"
MENTION = "<at>VNG Oekraine-assistent</at> "


def person(client, connector: FakeConnector, who: dict[str, Any], fixture_name: str = "personal_message.json") -> Conversation:
    return new_conversation(client, connector, fixture_name, **{"from": who})


def buttons(replies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["title"]: a["data"] for payload in cards(replies) for a in submit_actions(payload)}


async def forward_question(conversation: Conversation, question: str = ANNA_QUESTION) -> None:
    """Forward a question to the organizers by typing (the 'person' job), confirmed with 'ja'."""
    await conversation.say("stel mijn vraag door")
    await conversation.say(question)
    await conversation.say("ja")


async def rate_answer(conversation: Conversation, entry: str = "privacy", helpful: bool = True) -> None:
    await conversation.submit({"action": "faq.feedback", "entry": entry, "helpful": helpful})


async def count(client, model, *conditions) -> int:
    async with client.app[SERVICES].db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


async def rows(client, model, *conditions, order=None) -> list[Any]:
    async with client.app[SERVICES].db.transaction() as session:
        stmt = select(model).where(*conditions).order_by(order if order is not None else model.id)
        return list((await session.execute(stmt)).scalars())


async def stored_for(client, user_key: str, aad_object_id: str, channel_user_id: str) -> dict[str, int]:
    """How many rows of every kind carry this person's identity."""
    return {
        "registrations": await count(client, Registration, Registration.user_key == user_key),
        "interests": await count(client, SessionInterest, SessionInterest.user_key == user_key),
        "offers": await count(client, ExpertiseOffer, ExpertiseOffer.user_key == user_key),
        "contributions": await count(client, ContributionIntention, ContributionIntention.user_key == user_key),
        "questions": await count(client, ForwardedQuestion, ForwardedQuestion.user_key == user_key),
        "feedback": await count(client, AnswerFeedback, AnswerFeedback.user_key == user_key),
        "references": await count(client, ConversationReferenceRecord, ConversationReferenceRecord.aad_object_id == aad_object_id),
        "states": await count(client, BotStateRecord, BotStateRecord.key.contains(f"/users/{channel_user_id}")),
    }


def privacy(client):
    return client.app[PRIVACY]


def visible(replies: list[dict[str, Any]]) -> str:
    """All text a user reads in these replies, fact values included."""
    values = [f"{fact['title']}: {fact['value']}" for fact_set in elements(cards(replies), "FactSet") for fact in fact_set.get("facts", [])]
    return "\n".join([all_text(replies), *values])
