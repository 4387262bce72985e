"""Only organizers manage sessions: every command, button and form step checks the organizer list again, refuses
anyone else politely, stores nothing, and writes the attempt to the audit trail."""

from __future__ import annotations

from sqlalchemy import func, select

from app import SERVICES
from storage.sessions.models import InfoSession
from tests.conftest import new_conversation
from tests.sessions.conftest import (
    ANNA_AAD,
    NEW_SESSION_CARD,
    ORGANIZER,
    SESSION_ID,
    action_data,
    audit_entries,
    organizer,
)
from tests.support import all_text
from tests.wording import msg, msg_part

MENTION = "<at>VNG Oekraine-assistent</at> "
COMMANDS = ("sessies", "sessions", "Sessie toevoegen", "sessie wijzigen 1", "change session")  # input, not from content/
BUTTONS = (
    {"action": "session_desk.list"},
    {"action": "session_desk.add"},
    {"action": "session_desk.change", "session": SESSION_ID},
    {"action": "session_add.confirm", "token": "0" * 32},
    {"action": "session_edit.confirm", "token": "0" * 32},
)


async def _stored_sessions(client) -> int:
    async with client.app[SERVICES].db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(InfoSession))).scalar_one()


async def test_someone_else_is_refused_by_every_command_and_button(org_client, connector):
    anna = new_conversation(org_client, connector)  # the fixture user: not an organizer
    for text in COMMANDS:
        assert all_text(await anna.say(text)) == msg("nl", "organizer.refused"), text
    for value in BUTTONS:
        assert msg_part("nl", "organizer.refused") in all_text(await anna.submit(value)), value
    replies = await anna.submit(NEW_SESSION_CARD)  # a crafted form submit: no form of hers is open
    assert "Tweede informatiebijeenkomst" not in all_text(replies) and "session_add.confirm" not in str(replies)
    assert await _stored_sessions(org_client) == 0

    refused = [e for e in await audit_entries(org_client) if not e.allowed]
    assert len(refused) == len(COMMANDS) + len(BUTTONS)
    assert {e.actor_aad_object_id for e in refused} == {ANNA_AAD}
    assert {e.action for e in refused} == {"sessions.list", "sessions.add", "sessions.change", "sessions.confirm_again"}


async def test_in_english_and_without_any_organizer_configured(client, connector):
    olga = organizer(client, connector, lang="en")  # the organizer's id is not in this bot's settings
    assert all_text(await olga.say("sessions")) == msg("en", "organizer.refused")
    assert msg_part("en", "organizer.refused") in all_text(await olga.submit({"action": "session_desk.add"}))


async def test_an_organizer_removed_from_the_list_is_stopped_mid_form(make_client, org_settings, connector):
    allowed = await make_client(**org_settings)
    olga = organizer(allowed, connector)
    replies = await olga.submit({"action": "session_desk.add"})
    assert msg("nl", "session_add.form.title") in all_text(replies)
    replies = await olga.submit(NEW_SESSION_CARD)
    token = action_data(replies, "session_add.confirm")
    # The same conversation reaches an instance whose settings no longer name her: the next step is refused.
    not_any_more = await make_client(reminder_interval_seconds=0)
    moved = olga.with_client(not_any_more)
    assert msg_part("nl", "organizer.refused") in all_text(await moved.submit(token))
    assert await _stored_sessions(allowed) == 0
    assert msg("nl", "session_desk.saved.added_title") not in all_text(await moved.say("ja"))  # the form has ended: nothing to confirm
    assert await _stored_sessions(allowed) == 0


async def test_the_commands_work_in_a_personal_chat_only(org_client, connector):
    chat = new_conversation(org_client, connector, "groupchat_message_mention.json", **{"from": ORGANIZER})
    replies = await chat.say(MENTION + "sessies")
    assert msg_part("nl", "session_desk.personal_only") in all_text(replies) and "session_desk.add" not in str(replies)
    replies = await chat.submit({"action": "session_desk.add"})
    assert msg_part("nl", "session_desk.personal_only") in all_text(replies)
    allowed = [e for e in await audit_entries(org_client) if e.allowed]
    assert [e.action for e in allowed] == ["sessions.list", "sessions.add"]  # audited, allowed, but not served there


async def test_a_crafted_button_gets_a_friendly_answer(org_client, connector):
    olga = organizer(org_client, connector)
    for value in ({"action": "session_desk.change", "session": "x" * 5000}, {"action": "session_desk.change", "session": 7},
                  {"action": "session_desk.change"}, {"action": "session_edit.confirm", "token": ["a"]}):
        replies = await olga.submit(value)
        assert replies and "Sorry" not in all_text(replies), value
