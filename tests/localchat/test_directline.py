"""The local chat page's Direct Line endpoint and loopback connector, through HTTP (no browser): local mode
only, a turn through the bot's pipeline, the chosen identity and conversation type, proactive messages."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp.test_utils import TestClient

from bot.localchat import LOCAL_CHATS
from tests.wording import msg, msg_part

ORGANIZER = "6f1c2d3e-0000-4000-8000-0000000000aa"


async def start(client: TestClient, query: str = "") -> tuple[str, dict[str, str]]:
    page = await client.get("/?new=1" + query.replace("?", "&"))
    assert page.status == 200
    text = await page.text()
    config = json.loads(re.search(r"const config = (\{.*?\});", text).group(1))
    headers = {"Authorization": f"Bearer {config['token']}"}
    response = await client.post("/directline/conversations", headers=headers)
    assert response.status == 201
    return (await response.json())["conversationId"], headers


async def activities(client: TestClient, conversation_id: str, headers: dict[str, str], watermark: str = "") -> list[dict[str, Any]]:
    response = await client.get(f"/directline/conversations/{conversation_id}/activities", params={"watermark": watermark}, headers=headers)
    assert response.status == 200
    return (await response.json())["activities"]


def texts(found: list[dict[str, Any]]) -> str:
    return json.dumps(found, ensure_ascii=False)


async def test_production_mode_has_no_page_and_no_endpoints(make_client):
    client = await make_client(
        microsoft_app_id="3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        microsoft_app_password="secret",
        microsoft_app_tenant_id="5e6f7a8b-0000-4000-8000-0000000000d1",
    )
    assert LOCAL_CHATS not in client.app
    for method, path in (
        ("GET", "/"),
        ("GET", "/localchat/webchat.js"),
        ("POST", "/directline/conversations"),
        ("GET", "/directline/conversations/a:x/activities"),
        ("POST", "/localchat/connector/v3/conversations/a:x/activities"),
    ):
        response = await client.request(method, path)
        assert response.status in (404, 405), (method, path, response.status)


async def test_page_offers_the_choices_in_the_chosen_language(make_client):
    client = await make_client(organizer_aad_ids=[ORGANIZER])
    text = await (await client.get("/?locale=en-US")).text()
    assert msg("en", "localchat.identity") in text and msg("en", "localchat.organizer", number=1) in text
    assert msg("en", "localchat.channel") in text and 'lang="en"' in text
    assert "cdn" not in text.lower() and '<script src="/localchat/webchat.js">' in text


async def test_a_question_is_answered_through_the_pipeline(client):
    conversation_id, headers = await start(client)
    welcome = await activities(client, conversation_id, headers)
    assert welcome and welcome[0]["from"]["id"] != "29:localchat-user"  # the bot welcomes the new conversation
    response = await client.post(
        f"/directline/conversations/{conversation_id}/activities",
        json={"type": "message", "text": "wanneer is de bijeenkomst?", "from": {"id": "ignored"}, "channelData": {"clientActivityID": "c1"}},
        headers=headers,
    )
    assert response.status == 200
    new = await activities(client, conversation_id, headers, str(len(welcome)))
    assert new[0]["channelData"]["clientActivityID"] == "c1" and new[0]["from"]["role"] == "user"
    replies = new[1:]
    assert replies and any(a.get("attachments") for a in replies)
    assert [int(a["id"].rsplit("|", 1)[1]) for a in welcome + new] == list(range(len(welcome) + len(new)))


async def test_the_page_resumes_the_latest_conversation_for_the_same_choices(client):
    conversation_id, _ = await start(client, "?locale=en-US")
    text = await (await client.get("/?locale=en-US")).text()
    assert json.loads(re.search(r"const config = (\{.*?\});", text).group(1))["conversationId"] == conversation_id
    other = await (await client.get("/?locale=nl-NL")).text()
    assert conversation_id not in other


async def test_someone_elses_token_is_refused(client):
    conversation_id, _ = await start(client)
    _, other = await start(client)
    response = await client.get(f"/directline/conversations/{conversation_id}/activities", headers=other)
    assert response.status == 403


async def test_organizer_in_a_channel_is_heard_with_a_mention(make_client):
    client = await make_client(organizer_aad_ids=[ORGANIZER])
    conversation_id, headers = await start(client, "?who=organizer-1&chat=channel&locale=en-US")
    assert conversation_id.startswith("19:")
    before = await activities(client, conversation_id, headers)
    await client.post(f"/directline/conversations/{conversation_id}/activities", json={"type": "message", "text": "help"}, headers=headers)
    replies = (await activities(client, conversation_id, headers, str(len(before))))[1:]
    assert replies, "the bot did not hear a channel message (the page @mentions it)"


async def test_organizer_gets_the_overview_in_a_personal_chat(make_client):
    client = await make_client(organizer_aad_ids=[ORGANIZER])
    conversation_id, headers = await start(client, "?who=organizer-1")
    before = await activities(client, conversation_id, headers)
    await client.post(f"/directline/conversations/{conversation_id}/activities", json={"type": "message", "text": "overzicht"}, headers=headers)
    replies = (await activities(client, conversation_id, headers, str(len(before))))[1:]
    assert msg_part("nl", "organizer.refused") not in texts(replies)
    assert any(a.get("attachments") for a in replies)


async def test_proactive_messages_arrive_on_the_page(client):
    conversation_id, headers = await start(client)
    before = await activities(client, conversation_id, headers)
    chats = client.app[LOCAL_CHATS]
    reference = {
        "bot": {"id": "28:localchat-bot"},
        "user": {"id": "29:localchat-user"},
        "conversation": {"id": conversation_id},
        "channelId": "msteams",
        "serviceUrl": str(client.make_url("/localchat/connector/")),
    }
    from app import SERVICES

    await client.app[SERVICES].messenger.send(json.dumps(reference), lambda _context: _hello())
    after = await activities(client, conversation_id, headers, str(len(before)))
    assert [a.get("text") for a in after] == ["a reminder"]
    assert chats.get(conversation_id) is not None


async def _hello() -> str:
    return "a reminder"


async def test_bodies_that_are_not_an_activity_get_400(client):
    conversation_id, headers = await start(client)
    for path, extra in (
        (f"/directline/conversations/{conversation_id}/activities", headers),
        (f"/localchat/connector/v3/conversations/{conversation_id}/activities", {}),
    ):
        for body in (b"{not json", b"[1, 2]"):
            response = await client.post(path, data=body, headers={**extra, "Content-Type": "application/json"})
            assert response.status == 400, (path, body)
