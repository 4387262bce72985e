"""Local mode (no MicrosoftAppId, no token checks) is for a developer's own machine: it refuses to start on a
public address unless a setting allows it, and it only posts replies to loopback serviceUrls."""

from __future__ import annotations

import logging

import pytest

from app import create_app
from bot.core.config import Settings, UnsafeSettings
from tests.conftest import new_conversation


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "bot.example.org"])
def test_local_mode_refuses_a_public_host(tmp_path, host):
    settings = Settings(_env_file=None, host=host, microsoft_app_id="", data_dir=tmp_path)
    with pytest.raises(UnsafeSettings):
        create_app(settings)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_local_mode_starts_on_loopback(tmp_path, host):
    Settings(_env_file=None, host=host, microsoft_app_id="", data_dir=tmp_path).check_safe()


def test_a_setting_allows_local_mode_on_a_public_host_explicitly(tmp_path):
    Settings(_env_file=None, host="0.0.0.0", microsoft_app_id="", allow_local_mode_on_public_host=True).check_safe()
    Settings(_env_file=None, host="0.0.0.0", microsoft_app_id="00000000-0000-4000-8000-0000000000a1").check_safe()


@pytest.mark.parametrize(
    "service_url",
    ["https://smba.trafficmanager.net/emea/", "http://192.0.2.10:8080/", "http://169.254.169.254/", "http://[::ffff:8.8.8.8]/"],
)
async def test_local_mode_refuses_a_foreign_service_url(client, connector, service_url, caplog):
    talk = new_conversation(client, connector)
    activity = talk.activity(type="message", text="hallo")
    activity["serviceUrl"] = service_url
    with caplog.at_level(logging.DEBUG):
        response = await client.post("/api/messages", json=activity)
    assert response.status == 403
    assert connector.posted == []
    assert talk.conversation_id not in caplog.text and activity["from"]["id"] not in caplog.text
    # a loopback serviceUrl is still served
    replies = await talk.say("hallo")
    assert replies
