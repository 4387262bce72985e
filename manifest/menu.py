"""The bot's command menu, read from `commands.yaml`.

Teams sends the title of a picked command as the message text, in the user's language, so the bot
needs the titles of every language to recognise them. Tests read them here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from bot.core.content import ContentError, ContentModel, parse, read_yaml, repeated

COMMANDS_FILE = Path(__file__).resolve().parent / "commands.yaml"

#: Languages the app package speaks; the first one is the manifest's default language.
LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]

#: Scopes a command list may name (the schema also allows "copilot", which this app doesn't use).
Scope = Literal["personal", "team", "groupChat"]
KNOWN_SCOPES: tuple[str, ...] = get_args(Scope)

#: Teams' limit on commands in one command list.
MAX_COMMANDS = 12


class CommandsFileError(ContentError):
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


class _Text(ContentModel):
    title: str
    description: str

    @field_validator("title", "description")
    @classmethod
    def _plain(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be a non-empty text")
        return " ".join(value.split())


class _Entry(ContentModel):
    intent: str
    nl: _Text
    en: _Text

    @field_validator("intent")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.isidentifier():
            raise ValueError("must be a name like 'ask_question'")
        return value


class _MenuFile(ContentModel):
    scopes: list[Scope] = Field(min_length=1)
    commands: list[_Entry] = Field(min_length=1, max_length=MAX_COMMANDS)

    @field_validator("scopes")
    @classmethod
    def _distinct(cls, scopes: list[str]) -> list[str]:
        if len(set(scopes)) != len(scopes):
            raise ValueError(f"must list distinct scopes out of {KNOWN_SCOPES}")
        return scopes

    @model_validator(mode="after")
    def _unique(self) -> _MenuFile:
        intents = [entry.intent for entry in self.commands]
        if repeated(intents):
            raise ValueError(f"every intent may appear only once; repeated: {repeated(intents)}")
        for lang in LANGUAGES:
            if repeated(getattr(entry, lang).title.casefold() for entry in self.commands):
                raise ValueError(f"the '{lang}' titles must be unique")
        return self


def parse_menu(data: object, source: str = "commands.yaml") -> CommandMenu:
    """Check and convert the loaded YAML; every problem names the entry it is in (CommandsFileError)."""
    try:
        menu = parse(_MenuFile, data, source)
    except ContentError as error:
        raise CommandsFileError(error.source, error.problems) from None
    return CommandMenu(
        scopes=tuple(menu.scopes),
        commands=tuple(
            Command(
                intent=entry.intent,
                texts={lang: CommandText(getattr(entry, lang).title, getattr(entry, lang).description) for lang in LANGUAGES},
            )
            for entry in menu.commands
        ),
    )


@lru_cache(maxsize=1)
def load_menu() -> CommandMenu:
    """The command menu of this app package (read once)."""
    return parse_menu(read_yaml(COMMANDS_FILE), source=COMMANDS_FILE.name)


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
                    COMMANDS_FILE.name,
                    [f"the title {title!r} means {known!r} in one language and {command.intent!r} in another"],
                )
            mapping[title] = command.intent
    return mapping
