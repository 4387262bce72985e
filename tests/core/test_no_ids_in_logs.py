"""Logs carry no conversation ids, user ids, client addresses or tokens: the main flows run with every logger
at DEBUG (a question, a forwarded question, a registration, a reply the connector throttles, token checks),
and the captured log is scanned. aiohttp's own "Error handling request from <address>" is redacted too."""

from __future__ import annotations

import json
import logging

from tests.auth_support import KeyServer, production_settings, stub_outbound_token, token
from tests.conftest import new_conversation
from tests.privacy.conftest import ANNA, forward_question, register
from tests.privacy.conftest import person as person_of


def _log_text(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(message)s")
    return "\n".join(formatter.format(record) + " " + repr(record.args) for record in records)


async def test_the_main_flows_log_no_ids_addresses_or_tokens(make_client, connector, caplog, monkeypatch):
    stub_outbound_token(monkeypatch)
    caplog.set_level(logging.DEBUG)
    client = await make_client()
    anna = person_of(client, connector, ANNA)
    await anna.say("Wanneer is de informatiebijeenkomst?")
    await forward_question(anna)
    await register(anna)
    connector.fail_next = [503, 429]  # throttled: the connector client retries and logs it
    await anna.post(anna.activity(type="message", text="menu"), expect_status=None)
    await client.post("/api/messages", data=b"{broken", headers={"Content-Type": "application/json"})
    logging.getLogger("aiohttp.server").error("Error handling request from %s", "203.0.113.9")

    server = KeyServer()
    await server.start()
    try:
        production = await make_client(**production_settings(server))
        teams = new_conversation(production, connector)
        good = token(server.key, connector.url)
        bad = token(server.key, connector.url, aud="someone-else")
        for bearer in (good, bad):
            await production.post(
                "/api/messages", data=json.dumps(teams.activity(type="message", text="hallo")),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"},
            )
    finally:
        await server.close()

    text = _log_text(caplog.records)
    assert len(caplog.records) > 20
    for secret in (anna.conversation_id, teams.conversation_id, ANNA["id"], "127.0.0.1", "203.0.113.9", good, bad,
                   good.split(".")[1], "Bearer ey"):
        assert secret not in text, secret
    assert "Error handling request from …" in text  # the record is still there, without the address
