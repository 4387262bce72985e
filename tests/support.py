"""Test support: a fake Bot Connector, Teams-shaped activities, and a client for one bot instance."""

from __future__ import annotations

import copy
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "teams"
_ids = itertools.count(1)


def fixture(name: str) -> dict[str, Any]:
    """A Teams activity of tests/fixtures/teams/ (see its README), as a fresh dict."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FakeConnector:
    """An aiohttp server on loopback that records what the bot posts back to `serviceUrl`."""

    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []  # new messages and updates (these carry `_updated`: the id they replace)
        self.updated: list[dict[str, Any]] = []  # updates only (update_activity)
        self.created: list[dict[str, Any]] = []  # conversations the bot opened (create_conversation)
        self.by_conversation: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.members: dict[str, dict[str, Any]] = {}
        self.member_calls = 0  # roster calls (TeamsInfo.get_member) the bot made
        # statuses to answer the next posts with (e.g. 403, 429), or (status, Retry-After header value);
        # None takes that post as usual
        self.fail_next: list[int | tuple[int, str] | None] = []
        self.authorizations: list[str | None] = []  # the Authorization header of every call
        self.card_problems: list[str] = []  # every card the bot posts is checked (tests/card_rules.py)
        self.server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    async def start(self) -> None:
        from tests.card_rules import card_checker

        card_checker()  # fails here, loudly, when the card checker cannot run on this machine
        app = web.Application()
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._post_activity)
        app.router.add_post("/v3/conversations/{cid}/activities", self._post_activity)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._post_activity)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self._get_member)
        app.router.add_post("/v3/conversations", self._create_conversation)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def _post_activity(self, request: web.Request) -> web.Response:
        self.authorizations.append(request.headers.get("Authorization"))
        failure = self.fail_next.pop(0) if self.fail_next else None
        if failure is not None:
            status, retry_after = failure if isinstance(failure, tuple) else (failure, None)
            headers = {"Retry-After": retry_after} if retry_after is not None else None
            return web.json_response({"error": {"code": "Failure"}}, status=status, headers=headers)
        body = await request.json()
        self._check_cards(body)
        body["_conversation_id"] = request.match_info["cid"]
        if request.method == "PUT":  # update_activity: this replaces the message with that id
            body["_updated"] = request.match_info["aid"]
            self.updated.append(body)
            self.by_conversation[request.match_info["cid"]].append(body)
            self.posted.append(body)
            return web.json_response({"id": request.match_info["aid"]})
        body["_id"] = f"reply-{next(_ids)}"  # the id the bot gets back (and updates the message by)
        self.posted.append(body)
        self.by_conversation[request.match_info["cid"]].append(body)
        return web.json_response({"id": body["_id"]})

    def _check_cards(self, activity: dict[str, Any]) -> None:
        from tests.card_rules import card_problems

        for attachment in activity.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                self.card_problems.extend(card_problems(attachment.get("content") or {}))
        if activity.get("type") == "message" and not activity.get("text") and not activity.get("attachments"):
            self.card_problems.append("an empty message was sent")

    async def _get_member(self, request: web.Request) -> web.Response:
        self.member_calls += 1
        member = self.members.get(request.match_info["uid"])
        if member is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(member)

    async def _create_conversation(self, request: web.Request) -> web.Response:
        """Teams opens a one-to-one chat (ConversationParameters); recorded in `created` with the new id."""
        failure = self.fail_next.pop(0) if self.fail_next else None
        if failure is not None:
            status = failure[0] if isinstance(failure, tuple) else failure
            return web.json_response({"error": {"code": "Forbidden"}}, status=status)
        body = await request.json()
        body["_id"] = f"a:created-{next(_ids)}"
        self.created.append(body)
        return web.json_response({"id": body["_id"]})


@dataclass
class Conversation:
    """One user in one conversation, talking to one bot instance through `/api/messages`."""

    client: TestClient
    connector: FakeConnector
    base: dict[str, Any]
    conversation_id: str
    replies: list[dict[str, Any]] = field(default_factory=list)

    def activity(self, **changes: Any) -> dict[str, Any]:
        activity = copy.deepcopy(self.base)
        activity["id"] = f"act-{next(_ids)}"
        activity["serviceUrl"] = self.connector.url
        activity["conversation"]["id"] = self.conversation_id
        activity.pop("value", None) if "value" not in changes else None
        activity.update(changes)
        return activity

    async def post(self, activity: dict[str, Any], *, expect_status: int | None = None) -> list[dict[str, Any]]:
        before = len(self.connector.by_conversation[self.conversation_id])
        response = await self.client.post("/api/messages", json=activity)
        if expect_status is not None:
            assert response.status == expect_status, await response.text()
        else:
            assert response.status < 300, (response.status, await response.text())
        new = self.connector.by_conversation[self.conversation_id][before:]
        self.replies = list(new)
        return self.replies

    async def say(self, text: str, **changes: Any) -> list[dict[str, Any]]:
        return await self.post(self.activity(type="message", text=text, **changes))

    async def submit(self, value: dict[str, Any], **changes: Any) -> list[dict[str, Any]]:
        """A card's Action.Submit as Teams sends it: a message with the data as `value` and, as `replyToId`, the
        id of the message that holds the card (here: the latest card in this conversation)."""
        card_id = self.latest_card_id()
        if card_id is not None:
            changes.setdefault("replyToId", card_id)
        activity = self.activity(type="message", value=value, **changes)
        activity.pop("text", None)
        return await self.post(activity)

    def latest_card_id(self) -> str | None:
        for sent in reversed(self.connector.by_conversation[self.conversation_id]):
            if sent.get("attachments"):
                return sent.get("_updated") or sent.get("_id")
        return None

    def with_client(self, client: TestClient) -> Conversation:
        """The same user and conversation, talking to another bot instance."""
        return Conversation(client=client, connector=self.connector, base=self.base, conversation_id=self.conversation_id)


def all_text(activities: list[dict[str, Any]]) -> str:
    """Every text a user reads in these replies: message text and card texts and button titles."""
    parts: list[str] = []
    for activity in activities:
        if activity.get("text"):
            parts.append(activity["text"])
        for attachment in activity.get("attachments") or []:
            _collect(attachment.get("content"), parts)
    return "\n".join(parts)


def _collect(node: Any, parts: list[str]) -> None:
    if isinstance(node, dict):
        for key in ("text", "title", "label", "fallbackText", "placeholder", "value"):
            if (isinstance(node.get(key), str) and key != "value") or (key == "value" and node.get("type") == "Fact"):
                parts.append(node[key])
        for value in node.values():
            if isinstance(value, (dict, list)):
                _collect(value, parts)
    elif isinstance(node, list):
        for item in node:
            _collect(item, parts)


def cards(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        a["content"]
        for activity in activities
        for a in activity.get("attachments") or []
        if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]


def elements(node: Any, kind: str) -> list[dict[str, Any]]:
    """Every element or action of this `type` anywhere in a card (or a list of cards), in document order."""
    found: list[dict[str, Any]] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            if item.get("type") == kind:
                found.append(item)
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for child in item:
                walk(child)

    walk(node)
    return found


def submit_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """All Action.Submit actions of a card, in the card's body (ActionSets) and its actions."""
    return elements(card, "Action.Submit")


def facts(card: dict[str, Any]) -> dict[str, str]:
    """The title -> value pairs of every FactSet in a card."""
    return {f["title"]: f["value"] for fact_set in elements(card, "FactSet") for f in fact_set.get("facts", [])}
