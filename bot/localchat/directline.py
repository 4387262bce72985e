"""A small Direct Line 3.0 endpoint and a loopback Bot Connector, in one in-memory store.

The chat page's Web Chat starts a conversation, posts activities and polls for new ones (`/directline/...`).
A posted activity is turned into the Teams-shaped activity the bot gets in Teams (channel `msteams`, the
chosen person, personal chat or channel with an @mention) and run through the core's adapter and pipeline.
Its `serviceUrl` is this app's `/localchat/connector/`, so everything the bot sends, replies and proactive
messages alike (reminders, answers to forwarded questions, promotions from the waitlist), lands in the
conversation for Web Chat to fetch.
"""

from __future__ import annotations

import itertools
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from botbuilder.schema import Activity, ChannelAccount

log = logging.getLogger(__name__)

BOT_ID = "28:localchat-bot"
LOCAL_TENANT = "00000000-0000-4000-8000-00000000100c"
CONNECTOR_PATH = "/localchat/connector/"
TOKEN_SECONDS = 3600

ProcessActivity = Callable[[Activity], Awaitable[None]]


@dataclass(frozen=True)
class Person:
    """Who the tester is on the page: the Teams user id, Entra object id, name and e-mail."""

    user_id: str
    aad_object_id: str
    name: str
    email: str


@dataclass
class LocalConversation:
    id: str
    token: str
    person: Person
    locale: str
    channel: bool
    bot_name: str
    tenant: str
    started: bool = False
    activities: list[dict[str, Any]] = field(default_factory=list)

    def append(self, activity: dict[str, Any]) -> str:
        activity = dict(activity)
        activity["id"] = f"{self.id}|{len(self.activities):07d}"
        activity["timestamp"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        activity["conversation"] = {"id": self.id}
        self.activities.append(activity)
        return activity["id"]

    def since(self, watermark: str | None) -> tuple[list[dict[str, Any]], str]:
        start = int(watermark) if watermark and watermark.isdigit() else 0
        return self.activities[start:], str(len(self.activities))


class LocalChats:
    """The page's conversations (memory only: local mode is one process on a developer's machine)."""

    def __init__(self, tenant: str = LOCAL_TENANT) -> None:
        self._by_id: dict[str, LocalConversation] = {}
        self._by_token: dict[str, LocalConversation] = {}
        self._latest: dict[tuple[str, str, bool], LocalConversation] = {}
        self._numbers = itertools.count(1)
        self._tenant = tenant

    def open(self, person: Person, *, locale: str, channel: bool, bot_name: str, new: bool = False) -> LocalConversation:
        """The latest conversation for these choices (a reloaded page shows it again, with the proactive
        messages that came meanwhile), or a new one."""
        key = (person.user_id, locale, channel)
        latest = self._latest.get(key)
        if latest is not None and not new:
            return latest
        number = f"{next(self._numbers)}-{secrets.token_hex(4)}"
        conversation_id = f"19:localchat-{number}@thread.tacv2" if channel else f"a:localchat-{number}"
        conversation = LocalConversation(
            id=conversation_id,
            token=secrets.token_urlsafe(24),
            person=person,
            locale=locale,
            channel=channel,
            bot_name=bot_name,
            tenant=self._tenant,
        )
        self._by_id[conversation.id] = conversation
        self._by_token[conversation.token] = conversation
        self._latest[key] = conversation
        return conversation

    def get(self, conversation_id: str) -> LocalConversation | None:
        return self._by_id.get(conversation_id.split(";", 1)[0])

    def by_token(self, request: web.Request) -> LocalConversation | None:
        header = request.headers.get("Authorization", "")
        token = header[len("Bearer ") :] if header.startswith("Bearer ") else ""
        return self._by_token.get(token)


def teams_activity(conversation: LocalConversation, client: dict[str, Any], *, activity_id: str, service_url: str) -> Activity:
    """What Teams would send for this Web Chat activity: the chosen person, tenant and conversation type."""
    person = conversation.person
    text = client.get("text")
    body: dict[str, Any] = {
        "type": client.get("type") or "message",
        "id": activity_id,
        "timestamp": datetime.now(UTC).isoformat(),
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": person.user_id, "name": person.name, "aadObjectId": person.aad_object_id},
        "recipient": {"id": BOT_ID, "name": conversation.bot_name},
        "conversation": {
            "id": conversation.id,
            "conversationType": "channel" if conversation.channel else "personal",
            "isGroup": conversation.channel,
            "tenantId": conversation.tenant,
        },
        "locale": conversation.locale,
        "textFormat": "plain",
        "entities": [{"type": "clientInfo", "locale": conversation.locale, "platform": "Web"}],
        "channelData": {"tenant": {"id": conversation.tenant}},
    }
    if conversation.channel:
        body["channelData"].update(
            {"channel": {"id": conversation.id}, "team": {"id": conversation.id, "name": "Local chat"}, "teamsChannelId": conversation.id}
        )
    if "value" in client:
        body["value"] = client["value"]
    if isinstance(text, str) and text:
        if conversation.channel:  # in a channel the bot hears only messages that @mention it
            mention = f"<at>{conversation.bot_name}</at>"
            text = f"{mention} {text}"
            body["entities"].append({"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": conversation.bot_name}})
        body["text"] = text
    return Activity().deserialize(body)


def members_added(conversation: LocalConversation, *, service_url: str) -> Activity:
    """The bot was added to the conversation (Teams: the app was installed), so it welcomes the tester."""
    activity = teams_activity(conversation, {"type": "conversationUpdate"}, activity_id=secrets.token_hex(8), service_url=service_url)
    activity.members_added = [ChannelAccount(id=BOT_ID, name=conversation.bot_name)]
    return activity


def service_url_of(request: web.Request) -> str:
    return str(request.url.origin()) + CONNECTOR_PATH


async def _activity_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object (an activity); 400 for anything else."""
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="body is not JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be an activity")
    return body


def directline_routes(app: web.Application, chats: LocalChats, process: ProcessActivity) -> None:
    """Direct Line 3.0, as far as Web Chat uses it with polling: start or resume, post, get, refresh."""

    def _conversation_json(conversation: LocalConversation) -> dict[str, Any]:
        return {"conversationId": conversation.id, "token": conversation.token, "expires_in": TOKEN_SECONDS}

    def _authorized(request: web.Request) -> LocalConversation:
        conversation = chats.by_token(request)
        wanted = request.match_info.get("cid")
        if conversation is None or (wanted is not None and chats.get(wanted) is not conversation):
            raise web.HTTPForbidden(text="unknown token or conversation")
        return conversation

    async def start(request: web.Request) -> web.Response:
        conversation = _authorized(request)
        if not conversation.started:
            conversation.started = True
            await process(members_added(conversation, service_url=service_url_of(request)))
        return web.json_response(_conversation_json(conversation), status=201)

    async def resume(request: web.Request) -> web.Response:
        return web.json_response(_conversation_json(_authorized(request)))

    async def post_activity(request: web.Request) -> web.Response:
        conversation = _authorized(request)
        client = await _activity_body(request)
        person = conversation.person
        echo = {**client, "from": {"id": person.user_id, "name": person.name, "role": "user"}}
        activity_id = conversation.append(echo)
        if client.get("type", "message") == "message":
            await process(teams_activity(conversation, client, activity_id=activity_id, service_url=service_url_of(request)))
        return web.json_response({"id": activity_id})

    async def get_activities(request: web.Request) -> web.Response:
        conversation = _authorized(request)
        activities, watermark = conversation.since(request.query.get("watermark"))
        return web.json_response({"activities": activities, "watermark": watermark})

    app.router.add_post("/directline/conversations", start)
    app.router.add_get("/directline/conversations/{cid}", resume)
    app.router.add_post("/directline/conversations/{cid}/activities", post_activity)
    app.router.add_get("/directline/conversations/{cid}/activities", get_activities)
    app.router.add_post("/directline/tokens/refresh", resume)  # a refresh answers the same token and conversation


def connector_routes(app: web.Application, chats: LocalChats) -> None:
    """The Bot Connector calls the bot makes to `serviceUrl`: send, reply, update, and a member's profile."""

    def _conversation(request: web.Request) -> LocalConversation:
        conversation = chats.get(request.match_info["cid"])
        if conversation is None:
            raise web.HTTPNotFound(text="conversation not found")
        return conversation

    async def send(request: web.Request) -> web.Response:
        conversation = _conversation(request)
        return web.json_response({"id": conversation.append(await _activity_body(request))})

    async def member(request: web.Request) -> web.Response:
        person = _conversation(request).person
        if request.match_info["uid"] not in (person.user_id, person.aad_object_id):
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        given, _, surname = person.name.partition(" ")
        return web.json_response(
            {
                "id": person.user_id,
                "name": person.name,
                "aadObjectId": person.aad_object_id,
                "email": person.email,
                "userPrincipalName": person.email,
                "givenName": given,
                "surname": surname,
            }
        )

    base = CONNECTOR_PATH + "v3/conversations/{cid}"
    app.router.add_post(base + "/activities", send)
    app.router.add_post(base + "/activities/{aid}", send)
    app.router.add_put(base + "/activities/{aid}", send)
    app.router.add_get(base + "/members/{uid}", member)
