"""The one command parser: whole-message matching of catalog phrasings."""

from __future__ import annotations

from bot.nlu.commands import CommandWords, command_key


class Phrases:
    def __init__(self, texts: dict[tuple[str, str], str]):
        self._texts = texts

    def raw(self, lang: str, key: str) -> str:
        return self._texts[(lang, key)]


CATALOG = Phrases({
    ("nl", "list"): "sessies, overzicht sessies",
    ("en", "list"): "sessions",
    ("nl", "change"): "sessie wijzigen",
    ("en", "change"): "change session, sessions",  # 'sessions' is taken by 'list' already
})


def test_command_key_folds_case_punctuation_and_spaces():
    assert command_key("  Open   Vragen!! ") == "open vragen"
    assert command_key("Wat is 'n sessie?") == "wat is 'n sessie"
    assert command_key("?!") == ""


def test_only_the_whole_message_is_a_command_and_the_first_value_wins():
    words = CommandWords.from_catalog(CATALOG, {"list": "list", "change": "change"}, ("nl", "en"))
    assert words.get("Sessies!") == "list" and words.get("SESSIONS") == "list"
    assert words.get("sessie wijzigen") == "change"
    assert words.get("welke sessies zijn er") is None and words.get("") is None
    assert "overzicht sessies" in words and "overzicht" not in words


def test_a_numbered_command():
    words = CommandWords.from_catalog(CATALOG, {"list": "list", "change": "change"}, ("nl", "en"))
    assert words.numbered("Sessie wijzigen 2") == ("change", 2)
    assert words.numbered("sessie wijzigen twee") is None
    assert words.numbered("sessie wijzigen") is None  # no number: that is `get`'s case
    assert words.numbered("wijzigen 2") is None
