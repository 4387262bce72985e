"""Organizers get their own welcome and help, listing their commands (each a command the bot understands);
everyone else keeps the participants' welcome and help. Dutch and English, through /api/messages."""

from __future__ import annotations

import pytest

from app import SERVICES
from tests.organizers.conftest import BOB, olga, person
from tests.support import all_text, cards, submit_actions
from tests.wording import msg

COMMANDS = ("overview", "export", "open_questions", "sessions", "add_session", "change_session")


def _heading(replies) -> str:
    [card] = cards(replies)
    return card["body"][0]["text"]


def _install(conversation):
    return conversation.post(conversation.activity(type="conversationUpdate", membersAdded=[{"id": conversation.base["recipient"]["id"]}]))


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_an_organizer_gets_the_organizers_welcome_and_help(org_client, connector, lang):
    organizer = olga(org_client, connector, lang=lang)
    welcome = await _install(organizer)
    assert _heading(welcome) == msg(lang, "organizer_cards.welcome.title")
    help_replies = await organizer.say("help")
    assert _heading(help_replies) == msg(lang, "organizer_cards.help.title")
    core_cards = org_client.app[SERVICES].cards
    listed = {c.text_key.rsplit(".", 1)[1]: core_cards.organizer_command_word(lang, c) for c in core_cards.organizer_commands}
    assert set(listed) == set(COMMANDS)
    for replies in (welcome, help_replies):
        text = all_text(replies)
        for key in COMMANDS:
            line = msg(lang, "organizer_cards.command_line", command=listed[key], text=msg(lang, f"organizer_cards.commands.{key}"))
            assert line in text
        assert msg(lang, "help.title") not in text and msg(lang, "welcome.title") not in text
    # Every listed word is a command the bot runs: the organizer gets that feature's card, not an answer or the help.
    assert msg(lang, "overview.title") in all_text(await organizer.say(listed["overview"]))
    assert msg(lang, "export.title") in all_text(await organizer.say(listed["export"]))
    assert msg(lang, "session_desk.overview.title") in all_text(await organizer.say(listed["sessions"]))
    assert msg(lang, "session_add.form.title") in all_text(await organizer.say(listed["add_session"]))
    await organizer.say("stop")
    assert msg(lang, "session_edit.form.title") in all_text(await organizer.say(listed["change_session"]))
    await organizer.say("stop")
    assert msg(lang, "question_desk.list.title") in all_text(await organizer.say(listed["open_questions"]))
    # The buttons do the same at once.
    buttons = {a["title"]: a["data"] for a in submit_actions(cards(help_replies)[0])}
    assert set(buttons) == {msg(lang, f"organizer_cards.buttons.{k}") for k in ("overview", "open_questions", "sessions")}
    replies = await organizer.submit(buttons[msg(lang, "organizer_cards.buttons.overview")])
    assert msg(lang, "overview.title") in all_text(replies)


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_everyone_else_keeps_the_participants_welcome_and_help(org_client, connector, lang):
    bob = person(org_client, connector, BOB, "personal_message_en.json" if lang == "en" else "personal_message.json")
    assert _heading(await _install(bob)) == msg(lang, "welcome.title")
    replies = await bob.say("help")
    assert _heading(replies) == msg(lang, "help.title")
    text = all_text(replies)
    assert msg(lang, "organizer_cards.help.title") not in text and msg(lang, "organizer_cards.commands.export") not in text
