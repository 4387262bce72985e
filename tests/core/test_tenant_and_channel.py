"""The tenant allow-list applies on every channel; in production only `msteams` (and channels a setting
names) is served; channel ids are compared exactly after folding case and spaces."""

from __future__ import annotations

import json

import pytest

from tests.auth_support import KeyServer, production_settings, stub_outbound_token, token
from tests.conftest import new_conversation
from tests.support import all_text
from tests.wording import msg_part

ALLOWED = "11111111-0000-4000-8000-000000000000"
FOREIGN = "99999999-0000-4000-8000-000000000000"
CHANNELS = ["msteams", "MSTeams", "msteams ", "webchat", "directline", "emulator"]


@pytest.fixture
async def key_server():
    server = KeyServer(endorsements=("msteams", "webchat", "directline", "emulator"))
    await server.start()
    yield server
    await server.close()


@pytest.fixture(autouse=True)
def outbound_token(monkeypatch):
    stub_outbound_token(monkeypatch)


def _with_tenant(activity: dict, tenant: str, channel: str) -> dict:
    activity["channelId"] = channel
    activity["channelData"] = {"tenant": {"id": tenant}}
    activity["conversation"]["tenantId"] = tenant
    return activity


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_foreign_tenant_is_refused_on_every_channel(make_client, connector, channel):
    client = await make_client(allowed_tenants=[ALLOWED])  # local mode: every channel is served
    talk = new_conversation(client, connector)
    replies = await talk.post(_with_tenant(talk.activity(type="message", text="ik wil me aanmelden"), FOREIGN, channel))
    text = all_text(replies)
    assert msg_part("nl", "tenant.refused") in text
    assert len(replies) == 1


async def test_an_activity_without_a_tenant_is_refused_when_tenants_are_listed(make_client, connector):
    client = await make_client(allowed_tenants=[ALLOWED])
    talk = new_conversation(client, connector)
    activity = talk.activity(type="message", text="hallo", channelId="webchat")
    activity.pop("channelData")
    activity["conversation"].pop("tenantId")
    replies = await talk.post(activity)
    assert msg_part("nl", "tenant.refused") in all_text(replies)


async def _post(client, activity, bearer):
    return await client.post(
        "/api/messages", data=json.dumps(activity),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"},
    )


@pytest.mark.parametrize("channel", CHANNELS)
async def test_production_serves_msteams_only(make_client, connector, key_server, channel):
    client = await make_client(**production_settings(key_server), allowed_tenants=[ALLOWED])
    talk = new_conversation(client, connector)
    activity = _with_tenant(talk.activity(type="message", text="hallo"), ALLOWED, channel)
    response = await _post(client, activity, token(key_server.key, connector.url))
    assert response.status in (200, 201, 401), await response.text()
    replies = connector.by_conversation[talk.conversation_id]
    if channel.strip().lower() == "msteams":
        assert response.status == 201 and replies, "an allowed tenant on Teams was not served"
    else:
        assert replies == []


async def test_production_serves_a_channel_the_settings_name(make_client, connector, key_server):
    client = await make_client(**production_settings(key_server), allowed_channels="WebChat")
    talk = new_conversation(client, connector)
    activity = talk.activity(type="message", text="hallo", channelId="webchat")
    response = await _post(client, activity, token(key_server.key, connector.url))
    assert response.status == 201
    assert connector.by_conversation[talk.conversation_id]


@pytest.mark.parametrize("channel", ["MSTeams", "msteams "])
async def test_production_refuses_a_foreign_tenant_on_a_disguised_teams_channel(make_client, connector, key_server, channel):
    client = await make_client(**production_settings(key_server), allowed_tenants=[ALLOWED])
    talk = new_conversation(client, connector)
    activity = _with_tenant(talk.activity(type="message", text="ik wil me aanmelden"), FOREIGN, channel)
    response = await _post(client, activity, token(key_server.key, connector.url))
    assert response.status == 201
    replies = connector.by_conversation[talk.conversation_id]
    assert msg_part("nl", "tenant.refused") in all_text(replies) and len(replies) == 1
