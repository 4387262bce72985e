"""Value types of the question-answering engine: knowledge entries, intents and recognition results."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

# The intent names the bot routes on. The knowledge data must define exactly these.
INTENT_NAMES: tuple[str, ...] = (
    "greeting",
    "thanks",
    "help",
    "menu",
    "cancel",
    "lang_en",
    "lang_nl",
    "register",
    "my_registration",
    "offer_expertise",
    "my_offers",
    "contribute",
    "my_data",
    "delete_my_data",
    "human",
    "ask_question",  # "vraag stellen": the menu job that asks for a question and answers it
)

# The facts a caller passes to `KnowledgeEntry.render`; answers may use only these placeholders.
FACT_KEYS: tuple[str, ...] = (
    "session_date",
    "session_start",
    "session_end",
    "session_city",
    "session_venue",
    "session_join",
    "donation_details",
    "fund_name",
)

Kind = Literal["intent", "answer", "suggest", "none"]


def placeholders(template: str) -> tuple[str, ...]:
    """Names of the `{placeholders}` in `template`; raises ValueError on malformed braces."""
    names = []
    for _literal, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(f"unsupported placeholder {{{name}}} (plain {{name}} only)")
        names.append(name)
    return tuple(names)


def _frozen_texts(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType({lang: str(value[lang]) for lang in sorted(value)})


def _frozen_lists(value: Mapping[str, Sequence[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({lang: tuple(str(v) for v in value[lang]) for lang in sorted(value)})


@dataclass(frozen=True, eq=False)
class KnowledgeEntry:
    """One question and its answer, in every language.

    `question[lang]` is the canonical question (shown on "did you mean" buttons), `answer[lang]` the reply
    template with `{fact}` placeholders, `examples[lang]` other phrasings used for recognition, and
    `follow_ups` the ids of up to three related entries.
    """

    id: str
    question: Mapping[str, str]
    answer: Mapping[str, str]
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    follow_ups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "question", _frozen_texts(self.question))
        object.__setattr__(self, "answer", _frozen_texts(self.answer))
        object.__setattr__(self, "examples", _frozen_lists(self.examples))
        object.__setattr__(self, "follow_ups", tuple(self.follow_ups))

    def render(self, lang: str, facts: Mapping[str, str]) -> str:
        """The answer in `lang` (Dutch when `lang` is unknown) with the caller's facts filled in."""
        template = self.answer.get(lang) or self.answer[DEFAULT_LANGUAGE]
        missing = [name for name in placeholders(template) if name not in facts]
        if missing:
            raise KeyError(f"entry {self.id!r} needs facts {', '.join(missing)}")
        return template.format_map(facts)

    def phrasings(self, lang: str) -> tuple[str, ...]:
        """The canonical question followed by the examples of `lang`."""
        question = self.question.get(lang)
        return ((question,) if question else ()) + self.examples.get(lang, ())


@dataclass(frozen=True)
class TaskCue:
    """Words that say a task in plain words, whatever the rest of the sentence: every group of `all` must
    have one of its phrases in the message, no phrase of `except_` may occur, and unless `questions` the
    message must be a wish or a request, not a question ("we have a planner who could help" offers expertise;
    "how can we help?" asks). A phrase ending in * matches every word it starts; a word starting with * every
    word it ends ("*specialist": "waterspecialist")."""

    all: tuple[tuple[str, ...], ...]
    except_: tuple[str, ...] = ()
    questions: bool = False


@dataclass(frozen=True, eq=False)
class IntentDefinition:
    """A task the bot can start, recognized from example phrasings per language, and from `cues` (words
    that say the task in plain words, in either language)."""

    name: str
    examples: Mapping[str, tuple[str, ...]]
    cues: tuple[TaskCue, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "examples", _frozen_lists(self.examples))
        object.__setattr__(self, "cues", tuple(self.cues))

    def phrasings(self, lang: str) -> tuple[str, ...]:
        return self.examples.get(lang, ())


@dataclass(frozen=True)
class Recognition:
    """What a user's message is about.

    kind "intent": `intent` names the task to start; "answer": `entry_id` is the entry to answer with;
    "suggest": `candidates` holds 1-3 entry ids to offer ("did you mean"); "none": nothing fits.
    `score` is the best similarity (0..1); `lang_guess` is the language the text seems to be in, if clear;
    `unfamiliar`: much of the message is words the knowledge data does not know (it is likely about
    something else; such a message is never answered with confidence).
    """

    kind: Kind
    intent: str | None = None
    entry_id: str | None = None
    score: float = 0.0
    candidates: tuple[str, ...] = ()
    lang_guess: str | None = None
    unfamiliar: bool = False
