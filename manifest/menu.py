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
#: Descriptions Teams shows in full in the compose box menu (the schema allows 128; longer ones are cut off).
MAX_DESCRIPTION = 60

#: What picking a command does: start the job named by `intent` ("job"), or send a strict command word that a
#: feature handles itself ("command", e.g. "privacy"; `intent` then names that command).
Kind = Literal["job", "command"]


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
    scopes: tuple[str, ...] = ("personal",)
    kind: str = "job"

    def title(self, lang: str) -> str:
        return self.texts[normalize_language(lang)].title

    def description(self, lang: str) -> str:
        return self.texts[normalize_language(lang)].description


@dataclass(frozen=True)
class CommandMenu:
    scopes: tuple[str, ...]
    commands: tuple[Command, ...]

    def for_scope(self, scope: str) -> tuple[Command, ...]:
        """The commands offered in one scope, in menu order."""
        return tuple(command for command in self.commands if scope in command.scopes)


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

    @field_validator("description")
    @classmethod
    def _short(cls, value: str) -> str:
        if len(value) > MAX_DESCRIPTION:
            raise ValueError(f"must be at most {MAX_DESCRIPTION} characters (Teams cuts off longer ones); this one has {len(value)}")
        return value


def _personal_only() -> list[Scope]:
    return ["personal"]


class _Entry(ContentModel):
    intent: str
    nl: _Text
    en: _Text
    # Where the command is offered; personal flows (registering, your own data) only in the personal chat.
    scopes: list[Scope] = Field(default_factory=_personal_only, min_length=1)
    kind: Kind = "job"

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
        for entry in self.commands:
            unknown = [scope for scope in entry.scopes if scope not in self.scopes]
            if unknown:
                raise ValueError(f"'{entry.intent}' names scopes the menu does not have: {unknown}")
        for scope in self.scopes:
            if not any(scope in entry.scopes for entry in self.commands):
                raise ValueError(f"the scope '{scope}' has no commands")
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
                scopes=tuple(scope for scope in menu.scopes if scope in entry.scopes),
                kind=entry.kind,
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
    """Command title -> intent (of the commands that start a job), for one language or (lang=None) for all
    languages together.

    Titles are given as written in `commands.yaml`; compare them case-insensitively.
    A title that is the same in two languages (e.g. "help") maps to the same intent.
    """
    codes = LANGUAGES if lang is None else (normalize_language(lang),)
    mapping: dict[str, str] = {}
    for code in codes:
        for command in load_menu().commands:
            if command.kind != "job":
                continue  # a feature's own command word, not a job to start
            title = command.texts[code].title
            known = mapping.get(title)
            if known is not None and known != command.intent:
                raise CommandsFileError(
                    COMMANDS_FILE.name,
                    [f"the title {title!r} means {known!r} in one language and {command.intent!r} in another"],
                )
            mapping[title] = command.intent
    return mapping
