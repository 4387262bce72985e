"""The async Bot Connector client (bot/core/connector.py): the app token in production mode, fetched
asynchronously and cached; the JSON it sends is what msrest would send; Retry-After in both forms."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.core import MessageFactory
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, Entity, SuggestedActions

from bot.core.cards import card_activity
from bot.core.connector import AppTokens, ConnectorError, Connectors, HttpSession, retry_after_seconds, to_json
from tests.support import FakeConnector, fixture
from tests.wording import catalog


@pytest.fixture
async def token_server():
    """A loopback stand-in for the Entra token endpoint: counts requests, hands out numbered tokens."""
    calls: list[dict[str, str]] = []

    async def token(request: web.Request) -> web.Response:
        form = dict(await request.post())
        calls.append(form)
        if form.get("client_secret") != "secret":
            return web.json_response({"error": "invalid_client"}, status=401)
        return web.json_response({"access_token": f"token-{len(calls)}", "expires_in": 3600, "token_type": "Bearer"})

    app = web.Application()
    app.router.add_post("/tenant/oauth2/v2.0/token", token)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server, calls
    await server.close()


async def test_production_mode_sends_a_cached_bearer_token(token_server, connector: FakeConnector):
    server, calls = token_server
    http = HttpSession()
    tokens = AppTokens(http, app_id="app", password="secret", tenant=None, token_url=str(server.make_url("/tenant/oauth2/v2.0/token")))
    connectors = Connectors(http, tokens)
    try:
        client = connectors.client(connector.url, app_id="app")
        for text in ("one", "two"):
            await client.conversations.send_to_conversation("a:conv", Activity(type="message", text=text))
        assert connector.authorizations == ["Bearer token-1", "Bearer token-1"]  # fetched once, then cached
        assert calls[0]["grant_type"] == "client_credentials" and calls[0]["scope"] == "https://api.botframework.com/.default"

        connector.fail_next = [401]  # a token revoked early is fetched anew, once
        await client.conversations.send_to_conversation("a:conv", Activity(type="message", text="three"))
        assert connector.authorizations[-1] == "Bearer token-2"

        local = connectors.client(connector.url, app_id=None)  # local mode: no token at all
        await local.conversations.send_to_conversation("a:conv", Activity(type="message", text="four"))
        assert connector.authorizations[-1] is None
    finally:
        await connectors.close()


async def test_a_token_that_cannot_be_had_fails_the_send(token_server, connector: FakeConnector):
    server, _calls = token_server
    http = HttpSession()
    tokens = AppTokens(http, app_id="app", password="wrong", tenant=None, token_url=str(server.make_url("/tenant/oauth2/v2.0/token")))
    connectors = Connectors(http, tokens)
    try:
        with pytest.raises(ConnectorError) as failure:
            await connectors.client(connector.url, app_id="app").conversations.send_to_conversation(
                "a:conv", Activity(type="message", text="x")
            )
        assert failure.value.operation == "token" and failure.value.status == 401
        assert connector.posted == []
    finally:
        await connectors.close()


def _activities() -> list[Activity]:
    incoming = Activity().deserialize(fixture("personal_message.json"))
    reply = MessageFactory.text("hallo")
    reply.suggested_actions = SuggestedActions(to=["x"], actions=[])
    reply.timestamp = datetime(2022, 10, 4, 14, 0, 0, 120000, tzinfo=UTC)
    reply.local_timestamp = datetime(2022, 10, 4, 16, 0, tzinfo=UTC) + timedelta(microseconds=5)
    reply.entities = [Entity(type="mention")]
    reply.from_property = ChannelAccount(id="28:bot", name="bot")
    reply.conversation = ConversationAccount(id="a:conv", conversation_type="personal", tenant_id="t")
    reply.channel_data = {"notification": {"alert": True}}
    welcome = card_activity(_welcome_card())
    return [incoming, reply, welcome]


def _welcome_card():
    from bot.core.cards import CoreCards

    return CoreCards(catalog()).welcome("nl")


@pytest.mark.parametrize("index", range(3))
def test_json_sent_is_what_msrest_would_send(index):
    activity = _activities()[index]
    assert to_json(activity) == activity.serialize()


def test_retry_after_as_seconds_or_http_date():
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), lambda: now) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


@pytest.mark.parametrize(
    "name",
    ["personal_message.json", "personal_message_en.json", "groupchat_message_mention.json", "channel_message_mention.json", "install_personal.json"],
)
def test_activities_read_as_msrest_reads_them(name):
    from bot.core.connector import from_json

    body = fixture(name)
    body["timestamp"] = "2022-10-04T12:00:00.1234567Z"
    body["value"] = {"action": "register.submit", "n": 1}
    ours, theirs = from_json(Activity, body), Activity().deserialize(body)
    assert ours.serialize() == theirs.serialize()
    assert [e.additional_properties for e in ours.entities or []] == [e.additional_properties for e in theirs.entities or []]
    assert ours.from_property.additional_properties == theirs.from_property.additional_properties
    assert ours.timestamp == theirs.timestamp


def test_what_msrest_refuses_is_refused():
    from bot.core.connector import from_json

    body = fixture("personal_message.json")
    body["timestamp"] = "not a time"
    with pytest.raises(Exception):  # noqa: B017, PT011 - msrest's own DeserializationError
        Activity().deserialize(copy.deepcopy(body))
    with pytest.raises(Exception):  # noqa: B017, PT011
        from_json(Activity, body)


def test_conversation_references_are_stored_as_msrest_would_write_them():
    from botbuilder.core import TurnContext

    reference = TurnContext.get_conversation_reference(Activity().deserialize(fixture("channel_message_mention.json")))
    assert to_json(reference) == reference.serialize()
