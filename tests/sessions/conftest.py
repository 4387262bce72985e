"""Helpers for the session desk tests: an organizer, registrants, content folders with chosen sessions, and
driving the organizers' forms."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app import SERVICES
from bot.sessions import SESSION_DESK
from bot.sessions.desk import SessionDesk
from storage.audit.models import AuditEntry
from storage.registration.models import Registration
from tests.conftest import new_conversation
from tests.registration.conftest import make_content, session_yaml
from tests.support import Conversation, FakeConnector, cards, elements, fixture, submit_actions

ORGANIZER = {"id": "29:organizer-olga", "name": "Olga Organisator", "aadObjectId": "5e6f7a8b-0000-4000-8000-0000000000aa"}
ANNA_AAD = fixture("personal_message.json")["from"]["aadObjectId"]
SESSION_ID = "info-2022-10-04"
NEW_JOIN = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NEW%40thread.v2/0?context=%7b%22Tid%22%3a%22t%22%7d"

NEW_SESSION_CARD = {
    "action": "session_add.submit",
    "title_nl": "Tweede informatiebijeenkomst",
    "title_en": "Second information session",
    "date": "2022-11-15",
    "start": "10:00",
    "end": "12:00",
    "modes": "in_person,online",
    "city": "Utrecht",
    "venue_address": "",
    "join_url": "",
    "capacity_in_person": "",
    "capacity_online": "",
    "deadline": "",
}


@pytest.fixture
def content(tmp_path):
    """content(session, ...) -> a content dir with these sessions, for make_client(content_dir=...)."""

    def build(*sessions: dict[str, Any], name: str = "content"):
        return make_content(tmp_path / name, list(sessions) or [session_yaml()])

    return build


@pytest.fixture
def org_settings() -> dict[str, Any]:
    """Settings of a bot that knows the organizer; no background loops (tests tick by hand)."""
    return {"organizer_aad_ids": [ORGANIZER["aadObjectId"]], "reminder_interval_seconds": 0}


@pytest.fixture
async def org_client(make_client, org_settings):
    return await make_client(**org_settings)


def organizer(client, connector: FakeConnector, *, lang: str = "nl") -> Conversation:
    fixture_name = "personal_message_en.json" if lang == "en" else "personal_message.json"
    return new_conversation(client, connector, fixture_name, **{"from": ORGANIZER})


def desk(client) -> SessionDesk:
    return client.app[SESSION_DESK]


def action_data(replies: list[dict[str, Any]], action: str, **match: Any) -> dict[str, Any]:
    for card in cards(replies):
        for submit in submit_actions(card):
            data = submit["data"]
            if data.get("action") == action and all(data.get(k) == v for k, v in match.items()):
                return data
    raise AssertionError(f"no {action} button in the replies")


async def confirm(conversation: Conversation, replies: list[dict[str, Any]], form_id: str) -> list[dict[str, Any]]:
    return await conversation.submit(action_data(replies, f"{form_id}.confirm"))


async def change_fields(conversation: Conversation, session_id: str = SESSION_ID, **values: Any) -> list[dict[str, Any]]:
    """Open the change form for a session and submit the whole form by card with these values changed;
    returns the replies (the summary)."""
    replies = await conversation.submit({"action": "session_desk.change", "session": session_id})
    form = next(c for c in cards(replies) for a in submit_actions(c) if a["data"]["action"] == "session_edit.change")
    assert form  # the change form opens at its summary
    replies = await conversation.submit({"action": "session_edit.change"})
    whole = elements(cards(replies), "Action.ShowCard")[0]["card"]
    current = {i["id"]: i.get("value", "") for i in whole["body"] if i.get("type", "").startswith("Input.")}
    current = {k: ("" if v is None else v) for k, v in current.items()}
    current.update(values)
    return await conversation.submit({"action": "session_edit.submit", **current})


async def registrations(client) -> list[Registration]:
    from sqlalchemy import select

    async with client.app[SERVICES].db.transaction() as session:
        return list((await session.execute(select(Registration).order_by(Registration.id))).scalars())


async def audit_entries(client) -> list[AuditEntry]:
    from sqlalchemy import select

    async with client.app[SERVICES].db.transaction() as session:
        return list((await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars())


def details(entry: AuditEntry) -> dict[str, Any]:
    return json.loads(entry.detail) if entry.detail else {}
