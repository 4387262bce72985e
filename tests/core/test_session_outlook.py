"""What the welcome, menu and help say about the information session follows the clock and the session data,
through /api/messages in Dutch and English: before the session (4 October 2022) they invite people to
register for it; today (3 December 2026) they say it is over and offer a message about a new one."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.clock import FixedClock
from bot.sessions import featured_session
from bot.sessions.facts import session_facts
from bot.sessions.file import load_sessions
from tests.conftest import new_conversation
from tests.support import all_text, cards, submit_actions
from tests.wording import catalog, content_dir, msg, msg_part

BEFORE = datetime.fromisoformat("2022-09-20T10:15:00+02:00")
TODAY = datetime.fromisoformat("2026-12-03T12:00:00+01:00")
GREETING = {"nl": "hallo", "en": "hello"}
FIXTURE = {"nl": "personal_message.json", "en": "personal_message_en.json"}


def session_date(lang: str, now: datetime) -> str:
    sessions = load_sessions(content_dir() / "sessions.yaml")
    return session_facts(catalog(), featured_session(sessions, now), lang)["session_date"]


def register_button(replies: list[dict]) -> str:
    [title] = [a["title"] for card in cards(replies) for a in submit_actions(card) if a["data"].get("job") == "register"]
    return title


async def conversation_at(make_client, connector, now: datetime, lang: str):
    client = await make_client(clock=FixedClock(now))
    return new_conversation(client, connector, FIXTURE[lang])


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_before_the_session_welcome_and_help_invite_to_register_for_it(lang, make_client, connector):
    conversation = await conversation_at(make_client, connector, BEFORE, lang)
    assert register_button(await conversation.say(GREETING[lang])) == msg(lang, "jobs.register")
    help_text = all_text(await conversation.say("help"))
    assert msg(lang, "help.session.coming", session_date=session_date(lang, BEFORE)) in help_text
    assert msg_part(lang, "help.session.past") not in help_text


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_after_the_session_welcome_and_help_speak_of_it_as_past(lang, make_client, connector):
    conversation = await conversation_at(make_client, connector, TODAY, lang)
    welcome = await conversation.say(GREETING[lang])
    assert register_button(welcome) == msg(lang, "menu.register_later")
    help_replies = await conversation.say("help")
    help_text = all_text(help_replies)
    assert msg(lang, "help.session.past", session_date=session_date(lang, TODAY)) in help_text
    assert msg_part(lang, "help.session.coming") not in help_text
    assert register_button(help_replies) == msg(lang, "menu.register_later")
    # the button does what it says: registration is closed, and a message about a new session is offered
    replies = await conversation.submit({"action": "job.start", "job": "register"})
    assert msg(lang, "registration.closed.notify_offer") in all_text(replies)
