"""The HTTP edge: bad requests get 4xx (never 500); health reports the database."""

from __future__ import annotations

import json

import pytest

from app import SERVICES
from bot.core.version import PYPROJECT, pyproject_version


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"{not json", {"Content-Type": "application/json"}, 400),
        (b"", {"Content-Type": "application/json"}, 400),
        (b"   ", {"Content-Type": "application/json"}, 400),
        (b"[1, 2]", {"Content-Type": "application/json"}, 400),
        (b'"text"', {"Content-Type": "application/json"}, 400),
        (b"{}", {"Content-Type": "application/json"}, 400),
        (b'{"type": "message"}', {"Content-Type": "application/json"}, 400),
        (b'{"type": "message", "text": "hi"}', {}, 415),
        (b'{"type": "message", "text": "hi"}', {"Content-Type": "text/plain"}, 415),
        (b"\xff\xfe", {"Content-Type": "application/json"}, 400),
    ],
)
async def test_bad_requests_get_4xx(client, body, headers, status):
    response = await client.post("/api/messages", data=body, headers=headers, skip_auto_headers=["Content-Type"])
    assert response.status == status


@pytest.mark.parametrize("header", ["Bearer garbage", "Basic abc", "Bearer a.b.c", "garbage", "Bearer "])
async def test_malformed_authorization_gets_401(client, nl, header):
    response = await client.post(
        "/api/messages", data=json.dumps(nl.activity(type="message", text="hallo")),
        headers={"Content-Type": "application/json", "Authorization": header},
    )
    assert response.status == 401


async def test_with_an_app_id_an_unsigned_request_is_refused(make_client, connector):
    from tests.conftest import new_conversation

    client = await make_client(microsoft_app_id="00000000-0000-4000-8000-000000000001", microsoft_app_password="x",
                               microsoft_app_tenant_id="00000000-0000-4000-8000-000000000002")
    conversation = new_conversation(client, connector)
    response = await client.post("/api/messages", json=conversation.activity(type="message", text="hallo"))
    assert response.status == 401
    assert connector.posted == []


async def test_get_on_messages_is_not_allowed(client):
    assert (await client.get("/api/messages")).status == 405


async def test_healthz_ok_when_database_answers(client):
    response = await client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["database"] == "ok"
    assert body["version"] == pyproject_version(PYPROJECT)  # the one version, from pyproject.toml


async def test_healthz_503_when_database_is_down(client):
    await client.app[SERVICES].db.dispose()
    db = client.app[SERVICES].db

    async def down(timeout: float = 2.0) -> bool:
        return False

    db.ping = down  # the real ping's failure path is covered below
    response = await client.get("/healthz")
    assert response.status == 503


async def test_ping_fails_for_an_unreachable_database():
    from storage.db import Database

    db = Database("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    assert await db.ping(timeout=2) is False
    await db.dispose()


async def test_access_log_leaves_out_tokens_and_addresses(caplog):
    import logging
    from unittest.mock import Mock

    from bot.core.http import RedactedAccessLogger

    logger = logging.getLogger("aiohttp.access")
    access = RedactedAccessLogger(logger, "")
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        for path in ("/calendar/s3cr3t-token.ics", "/exports/abc.def.sig", "/api/messages"):
            access.log(Mock(method="GET", path=path, remote="203.0.113.9"), Mock(status=200), 0.01)
    text = caplog.text
    assert "s3cr3t" not in text and "abc.def" not in text and "203.0.113.9" not in text
    assert "/api/messages" in text and "/calendar/…" in text
