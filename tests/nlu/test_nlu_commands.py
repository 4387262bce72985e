"""Strict command matching inside guided dialogs."""

from __future__ import annotations

import pytest

DIALOG_COMMANDS = ("help", "menu", "cancel", "lang_en", "lang_nl", "human")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("help", "help"),
        ("Help!", "help"),
        ("hepl", "help"),
        ("menu", "menu"),
        ("Stop", "cancel"),
        ("stop graag", "cancel"),
        ("annuleren", "cancel"),
        ("anuleren", "cancel"),
        ("laat maar", "cancel"),
        ("Cancel", "cancel"),
        ("never mind", "cancel"),
        ("English please", "lang_en"),
        ("in English", "lang_en"),
        ("in het Nederlands", "lang_nl"),
        ("Dutch please", "lang_nl"),
    ],
)
def test_commands_are_recognized(recognizer, text, intent):
    assert recognizer.match_command(text, DIALOG_COMMANDS) == intent


@pytest.mark.parametrize(
    "text",
    [
        "ik help graag",
        "Helmond",
        "Stein",
        "Menterwolde",
        "Stede Broec",
        "2",
        "ja",
        "nee",
        "water en energie",
        "we can help with water management",
        "stop de oorlog",
        "",
        "   ",
    ],
)
def test_ordinary_answers_are_not_commands(recognizer, text):
    assert recognizer.match_command(text, DIALOG_COMMANDS) is None


def test_only_allowed_intents_are_matched(recognizer):
    assert recognizer.match_command("help", ["cancel"]) is None
    assert recognizer.match_command("stop", {"cancel", "help"}) == "cancel"


def test_registration_wording_is_not_the_cancel_command(recognizer):
    assert recognizer.match_command("cancel my registration", DIALOG_COMMANDS) is None
    assert recognizer.recognize("cancel my registration", "en").intent == "my_registration"
