"""The command menu: titles per language, intents, and the checks on commands.yaml."""

from __future__ import annotations

import copy

import pytest
import yaml

from app import SERVICES
from manifest import command_intents, commands, load_menu
from manifest.builder import command_lists, command_localization
from manifest.menu import COMMANDS_FILE, MAX_DESCRIPTION, CommandsFileError, parse_menu

EXPECTED = [
    # intent, Dutch title, English title
    ("ask_question", "vraag stellen", "ask a question"),
    ("register", "aanmelden", "register"),
    ("my_registration", "mijn aanmelding", "my registration"),
    ("offer_expertise", "expertise aanbieden", "offer expertise"),  # manifest titles, not from content/
    ("my_offers", "mijn aanbod", "my offers"),
    ("contribute", "bijdragen", "contribute"),
    ("my_data", "mijn gegevens", "my data"),
    ("delete_my_data", "verwijder mijn gegevens", "delete my data"),
    ("privacy", "privacy", "privacy"),
    ("help", "help", "help"),
]
JOBS = [entry for entry in EXPECTED if entry[0] != "privacy"]  # "privacy" is the privacy feature's own command word
#: Teams shows titles in a narrow menu; keep them well under the schema's 128 characters.
MAX_TITLE = 32


def raw_menu() -> dict:
    return yaml.safe_load(COMMANDS_FILE.read_text(encoding="utf-8"))


def test_titles_per_language_in_menu_order():
    assert commands("nl") == [nl for _, nl, _ in EXPECTED]
    assert commands("en") == [en for _, _, en in EXPECTED]
    assert commands() == commands("nl")


def test_language_tags_with_a_region_are_accepted():
    assert commands("en-US") == commands("en")
    assert commands("NL-nl") == commands("nl")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        commands("uk")


def test_intents_per_language():
    assert command_intents("nl") == {nl: intent for intent, nl, _ in JOBS}
    assert command_intents("en") == {en: intent for intent, _, en in JOBS}


def test_intents_of_all_languages_together():
    mapping = command_intents()
    for intent, nl, en in JOBS:
        assert mapping[nl] == intent
        assert mapping[en] == intent
    assert len(mapping) == len({title for _, nl, en in JOBS for title in (nl, en)})


def test_titles_are_short_plain_and_descriptions_say_what_happens():
    for command in load_menu().commands:
        for lang, text in command.texts.items():
            assert len(text.title) <= MAX_TITLE, (command.intent, lang)
            assert text.title == text.title.strip().lower(), (command.intent, lang)
            assert not any(char in text.title for char in "/.,:;!?"), (command.intent, lang)
            assert len(text.description) >= 20, (command.intent, lang)
            assert text.description.endswith("."), (command.intent, lang)


def test_dutch_descriptions_address_the_user_as_u():
    for command in load_menu().commands:
        words = command.description("nl").lower().replace(",", " ").replace(".", " ").split()
        assert "je" not in words and "jij" not in words and "jouw" not in words, command.intent


def test_menu_covers_the_three_bot_scopes():
    assert load_menu().scopes == ("personal", "team", "groupChat")


def test_parse_menu_rejects_a_missing_language():
    data = raw_menu()
    del data["commands"][0]["en"]
    with pytest.raises(CommandsFileError, match=r"^commands.yaml: commands\[0\] \(ask_question\)\.en: Field required"):
        parse_menu(data)


def test_parse_menu_rejects_duplicate_titles():
    data = raw_menu()
    data["commands"][1]["nl"]["title"] = "Vraag stellen"
    with pytest.raises(CommandsFileError, match="'nl' titles must be unique"):
        parse_menu(data)


def test_parse_menu_rejects_duplicate_intents():
    data = raw_menu()
    data["commands"][1]["intent"] = "ask_question"
    with pytest.raises(CommandsFileError, match=r"every intent may appear only once; repeated: \['ask_question'\]"):
        parse_menu(data)


def test_parse_menu_rejects_too_many_commands():
    data = raw_menu()
    data["commands"] = [copy.deepcopy(data["commands"][0]) for _ in range(13)]
    with pytest.raises(CommandsFileError, match="at most 12"):
        parse_menu(data)


def test_parse_menu_rejects_an_unknown_scope():
    data = raw_menu()
    data["scopes"] = ["personal", "meetings"]
    with pytest.raises(CommandsFileError, match=r"scopes\[1\]: Input should be 'personal', 'team' or 'groupChat'"):
        parse_menu(data)


def test_parse_menu_rejects_an_empty_title():
    data = raw_menu()
    data["commands"][2]["en"]["title"] = "  "
    with pytest.raises(CommandsFileError, match=r"commands\[2\] \(my_registration\)\.en\.title: must be a non-empty text"):
        parse_menu(data)


def test_same_title_for_two_intents_across_languages_is_refused(monkeypatch):
    data = raw_menu()
    data["commands"][1]["en"]["title"] = "bijdragen"  # the Dutch title of "contribute"
    menu = parse_menu(data)
    monkeypatch.setattr("manifest.menu.load_menu", lambda: menu)
    with pytest.raises(CommandsFileError, match="bijdragen"):
        command_intents()


def test_descriptions_fit_in_sixty_characters():
    for command in load_menu().commands:
        for lang, text in command.texts.items():
            assert len(text.description) <= MAX_DESCRIPTION, (command.intent, lang, len(text.description))


def test_parse_menu_rejects_a_long_description():
    data = raw_menu()
    data["commands"][0]["nl"]["description"] = "Een zin die veel te lang is voor het menu van Teams, want die knipt hem af."
    with pytest.raises(CommandsFileError, match=r"commands\[0\] \(ask_question\)\.nl\.description: .*at most 60 characters"):
        parse_menu(data)


def test_parse_menu_rejects_a_command_scope_the_menu_does_not_have():
    data = raw_menu()
    data["scopes"] = ["personal", "team"]
    with pytest.raises(CommandsFileError, match="groupChat"):
        parse_menu(data)


def test_scope_lists_in_the_manifest():
    """Personal: every command, including every personal flow the bot has. Channels and group chats: only what
    is not personal (asking, help, privacy); nothing that starts a personal flow there."""
    menu = load_menu()
    lists = {entry["scopes"][0]: [c["title"] for c in entry["commands"]] for entry in command_lists(menu, "nl")}
    assert lists["personal"] == [nl for _, nl, _ in EXPECTED]
    for scope in ("team", "groupChat"):
        assert lists[scope] == ["vraag stellen", "privacy", "help"], scope
    localized = command_localization(menu, "en")
    assert localized["bots[0].commandLists[1].commands[1].title"] == "privacy"
    assert "bots[0].commandLists[1].commands[3].title" not in localized


async def test_personal_flows_of_the_bot_are_offered_in_the_personal_chat_only(make_client):
    client = await make_client()
    personal_jobs = client.app[SERVICES].router.personal_jobs
    assert {"register", "my_registration", "offer_expertise", "my_offers", "contribute", "delete_my_data"} <= personal_jobs
    menu = load_menu()
    assert personal_jobs <= {c.intent for c in menu.for_scope("personal")}  # the full set in the personal chat
    for scope in ("team", "groupChat"):
        offered = {c.intent for c in menu.for_scope(scope)}
        assert not offered & personal_jobs, scope
        assert "my_data" not in offered, scope  # one's own data is personal too
