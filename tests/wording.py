"""The texts of `content/` as tests see them: look a message up by its key instead of quoting it, so a test
survives an organizer's edit of `content/messages` or of a knowledge answer.

    msg("nl", "registration.confirmed", session=...)   the whole text, placeholders filled in
    msg_part("nl", "registration.confirmed")            its longest fixed part: "this message was sent"
    answer_part("en", "session_date")                   the same for a knowledge answer

The content directory is the bot's (`CONTENT_DIR` setting), so the suite can run against an edited copy.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from bot.core.config import Settings
from bot.core.i18n import Catalog
from bot.nlu.loader import load_knowledge

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@cache
def content_dir() -> Path:
    return Settings(_env_file=None).content_dir


@cache
def catalog() -> Catalog:
    return Catalog.load(content_dir() / "messages")


@cache
def answers() -> dict[str, dict[str, str]]:
    """Every knowledge answer by entry id, then language (placeholders unfilled)."""
    return {entry.id: dict(entry.answer) for entry in load_knowledge(content_dir() / "knowledge").entries}


def lists_words(key: str) -> bool:
    """Keys such as `yes_words`, `export.words` or `session_desk.words.list` list what people may type
    ("ja, jazeker, ..."), not what they read: they are command vocabulary, not wording."""
    return any(part == "words" or part.endswith("_words") for part in key.split("."))


def msg(lang: str, key: str, **params: Any) -> str:
    return catalog().text(lang, key, **params)


def longest_fixed_part(template: str) -> str:
    """The longest stretch of a template between placeholders (and line breaks), stripped."""
    parts = (part.strip() for piece in PLACEHOLDER.split(template) for part in piece.splitlines())
    return max(parts, key=len)


def msg_part(lang: str, key: str) -> str:
    return longest_fixed_part(catalog().raw(lang, key))


def answer_part(lang: str, entry_id: str) -> str:
    return longest_fixed_part(answers()[entry_id][lang])
