"""Helpers for the offers tests: an organizer, the organizers' channel, form values, tokens, stored records."""

from __future__ import annotations

from typing import Any

import pytest

from app import SERVICES
from bot.offers import OFFERS
from storage.offers.repository import ContributionIntentions, ExpertiseOffers
from tests.conftest import new_conversation
from tests.support import Conversation, FakeConnector, cards, facts, fixture, submit_actions  # noqa: F401 - facts is re-exported to the tests

ANNA = fixture("personal_message.json")["from"]
ANNA_KEY = f"aad:{ANNA['aadObjectId']}"
ORGANIZER = {"id": "29:organizer-olga", "name": "Olga Organisator", "aadObjectId": "5e6f7a8b-0000-4000-8000-0000000000aa"}
BOB = {"id": "29:bob-bakker", "name": "Bob Bakker", "aadObjectId": "1a2b3c4d-0000-4000-8000-0000000000b0"}
CHANNEL_ROOT = fixture("channel_message_mention.json")["channelData"]["channel"]["id"]
MENTION = "<at>VNG Oekraine-assistent</at> "

OFFER_CARD = {
    "action": "offer.submit",
    "municipality": "gemeente Utrecht",
    "name": "Anna de Vries",
    "email": "anna.devries@utrecht.example.nl",
    "phone": "06 12345678",
    "areas": "water,energy",
    "description": "Wij herstellen drinkwaterleidingen en gemalen.",
    "experts": "3",
    "availability": "2 dagen per maand, januari tot en met juni",
    "languages": "en,de",
    "work_mode": "remote",
    "consent": "true",
}

CONTRIBUTION_CARD = {
    "action": "contribute.submit",
    "municipality": "Utrecht",
    "name": "Anna de Vries",
    "email": "anna.devries@utrecht.example.nl",
    "amount": "5.000",
    "remarks": "Na besluit van de raad.",
    "consent": "true",
}


@pytest.fixture
async def org_client(make_client):
    """A bot that knows one organizer."""
    return await make_client(organizer_aad_ids=[ORGANIZER["aadObjectId"]])


def channel(client, connector: FakeConnector, who: dict[str, Any] = ORGANIZER) -> Conversation:
    return new_conversation(client, connector, "channel_message_mention.json", **{"from": who})


def person(client, connector: FakeConnector, who: dict[str, Any], fixture_name: str = "personal_message.json") -> Conversation:
    return new_conversation(client, connector, fixture_name, **{"from": who})


async def set_channel(client, connector: FakeConnector, words: str = "meldingen hier") -> Conversation:
    conversation = channel(client, connector)
    await conversation.say(MENTION + words)
    return conversation


def posts(connector: FakeConnector) -> list[dict[str, Any]]:
    """What the bot posted to the organizers' channel itself (not to threads in it)."""
    return list(connector.by_conversation.get(CHANNEL_ROOT, []))


def token_of(replies: list[dict[str, Any]], form_id: str) -> str:
    for payload in reversed(cards(replies)):
        for action in submit_actions(payload):
            if action["data"]["action"] == f"{form_id}.confirm":
                return action["data"]["token"]
    raise AssertionError("no summary card with a confirm button in these replies")


def buttons(replies: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    return [a["data"] for payload in cards(replies) for a in submit_actions(payload) if a["data"]["action"] == action]


async def drain(client) -> None:
    await client.app[OFFERS].drain()


async def offers_of(client, user_key: str = ANNA_KEY):
    async with client.app[SERVICES].db.transaction() as session:
        return await ExpertiseOffers(session).for_user(user_key)


async def intentions_of(client, user_key: str = ANNA_KEY):
    async with client.app[SERVICES].db.transaction() as session:
        return await ContributionIntentions(session).for_user(user_key)


async def offer_by_card(conversation: Conversation, **changes: Any) -> list[dict[str, Any]]:
    """Start the offer form, fill it in with one card submit, and confirm; returns the confirmation replies."""
    await conversation.say("expertise aanbieden")
    summary = await conversation.submit({**OFFER_CARD, **changes})
    return await conversation.submit({"action": "offer.confirm", "token": token_of(summary, "offer")})


async def contribution_by_card(conversation: Conversation, **changes: Any) -> list[dict[str, Any]]:
    await conversation.submit({"action": "contribute.intro", "answer": "yes"})
    summary = await conversation.submit({**CONTRIBUTION_CARD, **changes})
    return await conversation.submit({"action": "contribute.confirm", "token": token_of(summary, "contribute")})
