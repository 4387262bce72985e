"""Token checks in production mode, proven offline: the OpenID metadata setting points at a key server on
127.0.0.1 that publishes a key this test made. A valid token is served; every bad one gets 401 without a
traceback; a hanging key server stalls neither /healthz nor the event loop."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest

from tests.auth_support import KeyServer, new_key, production_settings, stub_outbound_token, token, unsigned_token
from tests.conftest import new_conversation


@pytest.fixture
async def key_server():
    server = KeyServer()
    await server.start()
    yield server
    await server.close()


@pytest.fixture(autouse=True)
def outbound_token(monkeypatch):
    stub_outbound_token(monkeypatch)


async def _post(client, activity, bearer: str | None):
    headers = {"Content-Type": "application/json"}
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    return await client.post("/api/messages", data=json.dumps(activity), headers=headers)


async def test_a_valid_token_is_accepted(make_client, connector, key_server):
    client = await make_client(**production_settings(key_server))
    talk = new_conversation(client, connector)
    activity = talk.activity(type="message", text="hallo")
    response = await _post(client, activity, token(key_server.key, connector.url))
    assert response.status == 201, await response.text()
    assert connector.by_conversation[talk.conversation_id], "the bot did not answer a valid request"
    # The keys are cached: a second request fetches nothing.
    fetches = key_server.fetches
    response = await _post(client, talk.activity(type="message", text="hallo"), token(key_server.key, connector.url))
    assert response.status == 201
    assert key_server.fetches == fetches


def _bad_tokens(server: KeyServer, service_url: str) -> dict[str, str | None]:
    now = int(time.time())
    return {
        "missing": None,
        "unsigned (alg none)": unsigned_token(service_url),
        "foreign RSA key": token(new_key(), service_url),
        "HS256 with the app password": token("app-password-for-tests", service_url, algorithm="HS256"),
        "unknown key id": token(server.key, service_url, kid="another-key"),
        "no key id": token(server.key, service_url, kid=None),
        "expired": token(server.key, service_url, exp=now - 3600, nbf=now - 7200, iat=now - 7200),
        "not yet valid": token(server.key, service_url, nbf=now + 3600, iat=now, exp=now + 7200),
        "wrong audience": token(server.key, service_url, aud="00000000-0000-4000-8000-00000000ffff"),
        "wrong issuer": token(server.key, service_url, iss="https://sts.windows.net/evil/"),
        "no issuer": token(server.key, service_url, iss=None),
        "no expiry": token(server.key, service_url, exp=None),
        "another serviceUrl": token(server.key, "https://attacker.example/"),
        "garbage signature": token(server.key, service_url)[:-6] + "AAAAAA",
    }


async def test_every_invalid_token_gets_401_without_a_traceback(make_client, connector, key_server, caplog):
    client = await make_client(**production_settings(key_server))
    talk = new_conversation(client, connector)
    with caplog.at_level(logging.DEBUG):
        for name, bearer in _bad_tokens(key_server, connector.url).items():
            response = await _post(client, talk.activity(type="message", text="hallo"), bearer)
            assert response.status == 401, (name, response.status, await response.text())
    assert connector.posted == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text
    assert "Traceback" not in caplog.text


async def test_a_hanging_key_server_stalls_neither_health_nor_the_loop(make_client, connector, key_server, caplog):
    key_server.hang = True
    client = await make_client(**production_settings(key_server, auth_http_timeout_seconds=3.0))
    talk = new_conversation(client, connector)
    started = time.monotonic()
    pending = asyncio.ensure_future(_post(client, talk.activity(type="message", text="hallo"), token(key_server.key, connector.url)))
    await asyncio.sleep(0.2)
    assert not pending.done()
    health_started = time.monotonic()
    health = await client.get("/healthz")
    assert health.status == 200
    assert time.monotonic() - health_started < 1.5, "the key fetch blocked the event loop"
    response = await pending
    assert response.status == 503  # the token could not be checked: the Bot Connector tries again later
    assert time.monotonic() - started < 8
    # While the key server is down, further requests fail fast instead of queueing behind it.
    quick = time.monotonic()
    response = await _post(client, talk.activity(type="message", text="hallo"), token(key_server.key, connector.url))
    assert response.status == 503
    assert time.monotonic() - quick < 2.0
    assert "Traceback" not in caplog.text
    assert connector.posted == []


async def test_the_signing_key_must_endorse_the_channel(make_client, connector):
    server = KeyServer(endorsements=("skype",))
    await server.start()
    try:
        client = await make_client(**production_settings(server))
        talk = new_conversation(client, connector)
        response = await _post(client, talk.activity(type="message", text="hallo"), token(server.key, connector.url))
        assert response.status == 401
    finally:
        await server.close()

