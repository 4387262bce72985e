"""The bot's command menu, read from `commands.yaml`.

Teams sends the title of a picked command as the message text, in the user's language, so the bot
needs the titles of every language to recognise them. Tests read them here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

COMMANDS_FILE = Path(__file__).resolve().parent / "commands.yaml"

#: Languages the app package speaks; the first one is the manifest's default language.
LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]

#: Scopes a command list may name (the schema also allows "copilot", which this app doesn't use).
KNOWN_SCOPES = ("personal", "team", "groupChat")

#: Teams' limit on commands in one command list.
MAX_COMMANDS = 12


class CommandsFileError(ValueError):
    """`commands.yaml` is not as the builder needs it."""


@dataclass(frozen=True)
class CommandText:
    title: str
    description: str


@dataclass(frozen=True)
class Command:
    """One entry of the command menu: the intent the bot starts and its text per language."""

    intent: str
    texts: dict[str, CommandText]

    def title(self, lang: str) -> str:
        return self.texts[normalize_language(lang)].title

    def description(self, lang: str) -> str:
        return self.texts[normalize_language(lang)].description


@dataclass(frozen=True)
class CommandMenu:
    scopes: tuple[str, ...]
    commands: tuple[Command, ...]


def normalize_language(lang: str) -> str:
    """Map a language tag ("nl", "en-US", "EN") to one of `LANGUAGES`, or raise ValueError."""
    primary = (lang or "").strip().split("-")[0].lower()
    if primary not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; the app package speaks {', '.join(LANGUAGES)}")
    return primary


def _text(raw: object, where: str, key: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise CommandsFileError(f"{where}: '{key}' must be a non-empty text")
    return " ".join(raw.split())


def parse_menu(data: object, source: str = "commands.yaml") -> CommandMenu:
    """Check and convert the loaded YAML; every problem names the entry it is in."""
    if not isinstance(data, dict):
        raise CommandsFileError(f"{source}: expected a mapping with 'scopes' and 'commands'")
    scopes = data.get("scopes")
    if (
        not isinstance(scopes, list)
        or not scopes
        or any(scope not in KNOWN_SCOPES for scope in scopes)
        or len(set(scopes)) != len(scopes)
    ):
        raise CommandsFileError(f"{source}: 'scopes' must list distinct scopes out of {KNOWN_SCOPES}")
    raw_commands = data.get("commands")
    if not isinstance(raw_commands, list) or not raw_commands:
        raise CommandsFileError(f"{source}: 'commands' must be a non-empty list")
    if len(raw_commands) > MAX_COMMANDS:
        raise CommandsFileError(f"{source}: Teams allows at most {MAX_COMMANDS} commands per list")

    commands: list[Command] = []
    for index, raw in enumerate(raw_commands):
        where = f"{source}: commands[{index}]"
        if not isinstance(raw, dict):
            raise CommandsFileError(f"{where}: expected a mapping")
        intent = raw.get("intent")
        if not isinstance(intent, str) or not intent.isidentifier():
            raise CommandsFileError(f"{where}: 'intent' must be a name like 'ask_question'")
        texts: dict[str, CommandText] = {}
        for lang in LANGUAGES:
            entry = raw.get(lang)
            if not isinstance(entry, dict):
                raise CommandsFileError(f"{where} ({intent}): missing the '{lang}' texts")
            texts[lang] = CommandText(
                title=_text(entry.get("title"), f"{where} ({intent}, {lang})", "title"),
                description=_text(entry.get("description"), f"{where} ({intent}, {lang})", "description"),
            )
        commands.append(Command(intent=intent, texts=texts))

    intents = [command.intent for command in commands]
    if len(set(intents)) != len(intents):
        raise CommandsFileError(f"{source}: every intent may appear only once")
    for lang in LANGUAGES:
        titles = [command.texts[lang].title.casefold() for command in commands]
        if len(set(titles)) != len(titles):
            raise CommandsFileError(f"{source}: the '{lang}' titles must be unique")
    return CommandMenu(scopes=tuple(scopes), commands=tuple(commands))


@lru_cache(maxsize=1)
def load_menu() -> CommandMenu:
    """The command menu of this app package (read once)."""
    with COMMANDS_FILE.open(encoding="utf-8") as handle:
        return parse_menu(yaml.safe_load(handle), source=COMMANDS_FILE.name)


def commands(lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The command titles in one language, in menu order (what a user sends by picking them)."""
    code = normalize_language(lang)
    return [command.texts[code].title for command in load_menu().commands]


def command_intents(lang: str | None = None) -> dict[str, str]:
    """Command title -> intent, for one language or (lang=None) for all languages together.

    Titles are given as written in `commands.yaml`; compare them case-insensitively.
    A title that is the same in two languages (e.g. "help") maps to the same intent.
    """
    codes = LANGUAGES if lang is None else (normalize_language(lang),)
    mapping: dict[str, str] = {}
    for code in codes:
        for command in load_menu().commands:
            title = command.texts[code].title
            known = mapping.get(title)
            if known is not None and known != command.intent:
                raise CommandsFileError(
                    f"the title {title!r} means {known!r} in one language and {command.intent!r} in another"
                )
            mapping[title] = command.intent
    return mapping
