"""Checks on knowledge entries and intents; each check returns sentences describing the problems.

The per-field checks (`question_problems`, `answer_problems`, ...) serve the YAML loader's pydantic models, which
name the file and entry themselves; `entry_problems` and `intent_problems` put them together for entries that
organizers add at run time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence

from .model import FACT_KEYS, INTENT_NAMES, LANGUAGES, IntentDefinition, KnowledgeEntry, placeholders

_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
MAX_FOLLOW_UPS = 3


def id_problems(entry_id: str) -> list[str]:
    return [] if _ID.match(entry_id) else ["id must be lowercase letters, digits and '_'"]


def languages_problems(field: str, values: Mapping[str, object]) -> list[str]:
    return [f"{field}: unsupported language {lang!r}" for lang in sorted(values) if lang not in LANGUAGES]


def question_problems(question: Mapping[str, str]) -> list[str]:
    problems = [f"question.{lang} is missing" for lang in LANGUAGES if not question.get(lang, "").strip()]
    return problems + languages_problems("question", question)


def answer_problems(answer: Mapping[str, str]) -> list[str]:
    problems: list[str] = []
    for lang in LANGUAGES:
        text = answer.get(lang, "")
        if not text.strip():
            problems.append(f"answer.{lang} is missing")
            continue
        try:
            unknown = sorted(set(placeholders(text)) - set(FACT_KEYS))
        except ValueError as error:
            problems.append(f"answer.{lang}: {error}")
            continue
        if unknown:
            problems.append(f"answer.{lang} uses unknown placeholders {unknown}; allowed: {list(FACT_KEYS)}")
    return problems + languages_problems("answer", answer)


def follow_up_problems(entry_id: str | None, follow_ups: Sequence[str]) -> list[str]:
    problems = []
    if len(follow_ups) > MAX_FOLLOW_UPS:
        problems.append(f"at most {MAX_FOLLOW_UPS} follow_ups")
    if entry_id is not None and entry_id in follow_ups:
        problems.append("follows up on itself")
    return problems


def intent_name_problems(name: str) -> list[str]:
    return [] if name in INTENT_NAMES else [f"unknown intent; the bot routes on {list(INTENT_NAMES)}"]


def intent_examples_problems(examples: Mapping[str, Sequence[str]]) -> list[str]:
    return [f"examples.{lang} is missing" for lang in LANGUAGES if not examples.get(lang)]


def entry_problems(entry: KnowledgeEntry) -> list[str]:
    """Problems of one entry on its own (languages, placeholders, follow-up count)."""
    problems = [
        *id_problems(entry.id),
        *question_problems(entry.question),
        *answer_problems(entry.answer),
        *languages_problems("examples", entry.examples),
        *follow_up_problems(entry.id, entry.follow_ups),
    ]
    return [f"entry {entry.id!r}: {problem}" for problem in problems]


def intent_problems(intent: IntentDefinition) -> list[str]:
    problems = [*intent_name_problems(intent.name), *intent_examples_problems(intent.examples)]
    return [f"intent {intent.name!r}: {problem}" for problem in problems]


def collection_problems(
    entries: Sequence[KnowledgeEntry],
    intents: Sequence[IntentDefinition],
    *,
    each: bool = True,
    refused: Collection[str] = (),
) -> list[str]:
    """Problems across entries and intents: duplicates, dangling follow-ups, missing intents; with `each`, also
    the problems of every entry and intent on its own (the loader checks those per file). `refused` names
    entries and intents that exist but were refused for their own problems: not reported again as missing."""
    problems: list[str] = []
    if each:
        for entry in entries:
            problems.extend(entry_problems(entry))
        for intent in intents:
            problems.extend(intent_problems(intent))
    ids = Counter(entry.id for entry in entries)
    names = Counter(intent.name for intent in intents)
    problems.extend(f"entry {i!r} is defined {n} times" for i, n in sorted(ids.items()) if n > 1)
    problems.extend(f"intent {i!r} is defined {n} times" for i, n in sorted(names.items()) if n > 1)
    problems.extend(f"id {i!r} is both an entry and an intent" for i in sorted(set(ids) & set(names)))
    problems.extend(f"intent {name!r} is not defined" for name in INTENT_NAMES if name not in names and name not in refused)
    for entry in entries:
        for follow_up in entry.follow_ups:
            if follow_up not in ids and follow_up not in refused:
                problems.append(f"entry {entry.id!r}: follow_up {follow_up!r} is not an entry")
    return problems
