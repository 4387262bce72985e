"""Checks on knowledge entries and intents; each check returns sentences describing the problems."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .model import FACT_KEYS, INTENT_NAMES, LANGUAGES, IntentDefinition, KnowledgeEntry, placeholders

_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
MAX_FOLLOW_UPS = 3


def entry_problems(entry: KnowledgeEntry) -> list[str]:
    """Problems of one entry on its own (languages, placeholders, follow-up count)."""
    where = f"entry {entry.id!r}"
    problems: list[str] = []
    if not _ID.match(entry.id):
        problems.append(f"{where}: id must be lowercase letters, digits and '_'")
    for lang in LANGUAGES:
        if not entry.question.get(lang, "").strip():
            problems.append(f"{where}: question.{lang} is missing")
        answer = entry.answer.get(lang, "")
        if not answer.strip():
            problems.append(f"{where}: answer.{lang} is missing")
            continue
        try:
            unknown = sorted(set(placeholders(answer)) - set(FACT_KEYS))
        except ValueError as error:
            problems.append(f"{where}: answer.{lang}: {error}")
            continue
        if unknown:
            problems.append(
                f"{where}: answer.{lang} uses unknown placeholders {unknown}; allowed: {list(FACT_KEYS)}"
            )
    for lang in sorted(set(entry.question) | set(entry.answer) | set(entry.examples)):
        if lang not in LANGUAGES:
            problems.append(f"{where}: unsupported language {lang!r}")
    if len(entry.follow_ups) > MAX_FOLLOW_UPS:
        problems.append(f"{where}: at most {MAX_FOLLOW_UPS} follow_ups")
    if entry.id in entry.follow_ups:
        problems.append(f"{where}: follows up on itself")
    return problems


def intent_problems(intent: IntentDefinition) -> list[str]:
    where = f"intent {intent.name!r}"
    problems = []
    if intent.name not in INTENT_NAMES:
        problems.append(f"{where}: unknown intent; the bot routes on {list(INTENT_NAMES)}")
    for lang in LANGUAGES:
        if not intent.examples.get(lang):
            problems.append(f"{where}: examples.{lang} is missing")
    return problems


def collection_problems(entries: Sequence[KnowledgeEntry], intents: Sequence[IntentDefinition]) -> list[str]:
    """Problems across entries and intents: duplicates, dangling follow-ups, missing intents."""
    problems: list[str] = []
    for entry in entries:
        problems.extend(entry_problems(entry))
    for intent in intents:
        problems.extend(intent_problems(intent))
    ids = Counter(entry.id for entry in entries)
    names = Counter(intent.name for intent in intents)
    problems.extend(f"entry {i!r} is defined {n} times" for i, n in sorted(ids.items()) if n > 1)
    problems.extend(f"intent {i!r} is defined {n} times" for i, n in sorted(names.items()) if n > 1)
    problems.extend(f"id {i!r} is both an entry and an intent" for i in sorted(set(ids) & set(names)))
    problems.extend(f"intent {name!r} is not defined" for name in INTENT_NAMES if name not in names)
    for entry in entries:
        for follow_up in entry.follow_ups:
            if follow_up not in ids:
                problems.append(f"entry {entry.id!r}: follow_up {follow_up!r} is not an entry")
    return problems
