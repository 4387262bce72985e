"""Reads the knowledge data (every *.yaml file of a directory) into typed objects, checking its shape."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StrictStr, ValidationInfo, field_validator, model_validator

from bot.core.content import ContentError, ContentModel, load, parse, parse_each

from .errors import KnowledgeDataError
from .lexicon import LanguageProfile, SynonymGroup
from .model import LANGUAGES, IntentDefinition, KnowledgeEntry, TaskCue
from .text import fold, tokens
from .validation import (
    answer_problems,
    collection_problems,
    follow_up_problems,
    id_problems,
    intent_examples_problems,
    intent_name_problems,
    languages_problems,
    question_problems,
)

_WORD_SETS = (
    "stopwords",
    "fillers",
    "unstemmed",
    "question_words",
    "question_openers",
    "request_openers",
    "addressees",
)


@dataclass(frozen=True)
class KnowledgeData:
    entries: tuple[KnowledgeEntry, ...]
    intents: tuple[IntentDefinition, ...]
    synonyms: tuple[SynonymGroup, ...]
    languages: Mapping[str, LanguageProfile]


def _stripped(value: str) -> str:
    return value.strip()


def _word(value: str) -> str:
    if not value.strip():
        raise ValueError("expected text, got an empty one")
    return value.strip()


def _none_is_empty(value: Any) -> Any:
    return () if value is None else value


Text = Annotated[StrictStr, AfterValidator(_stripped)]
Word = Annotated[StrictStr, AfterValidator(_word)]
Words = Annotated[tuple[Word, ...], BeforeValidator(_none_is_empty)]


def _checked_by(check: Callable[[Any], list[str]]) -> AfterValidator:
    """A field validator that refuses the value with the sentences of one check from validation.py."""

    def validate(value: Any) -> Any:
        problems = check(value)
        if problems:
            raise ValueError("; ".join(problems))
        return value

    return AfterValidator(validate)


Texts = dict[str, Text]


class _Entry(ContentModel):
    id: Annotated[StrictStr, _checked_by(id_problems)]
    question: Annotated[Texts, _checked_by(question_problems)] = Field(default_factory=dict)
    answer: Annotated[Texts, _checked_by(answer_problems)] = Field(default_factory=dict)
    examples: Annotated[dict[str, Words], _checked_by(partial(languages_problems, "examples"))] = Field(
        default_factory=dict
    )
    follow_ups: Words = ()

    @field_validator("follow_ups")
    @classmethod
    def _follow_ups(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        problems = follow_up_problems(info.data.get("id"), value)
        if problems:
            raise ValueError("; ".join(problems))
        return value

    def value(self) -> KnowledgeEntry:
        return KnowledgeEntry(
            id=self.id, question=self.question, answer=self.answer, examples=self.examples, follow_ups=tuple(self.follow_ups)
        )


class _Cue(ContentModel):
    """A task said in plain words (see `TaskCue`)."""

    all: Annotated[tuple[Words, ...], Field(min_length=1)]
    except_: Words = Field(default=(), alias="except")
    questions: bool = False

    @field_validator("all")
    @classmethod
    def _groups(cls, value: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        if any(not group for group in value):
            raise ValueError("every group of a cue needs at least one phrase")
        return value

    def value(self) -> TaskCue:
        return TaskCue(all=self.all, except_=self.except_, questions=self.questions)


class _Intent(ContentModel):
    name: Annotated[StrictStr, _checked_by(intent_name_problems)]
    examples: Annotated[dict[str, Words], _checked_by(intent_examples_problems)]
    cues: tuple[_Cue, ...] = ()

    def value(self) -> IntentDefinition:
        return IntentDefinition(name=self.name, examples=self.examples, cues=tuple(c.value() for c in self.cues))


class _Synonyms(ContentModel):
    concept: StrictStr
    nl: Words = ()
    en: Words = ()

    @model_validator(mode="after")
    def _two_terms(self) -> _Synonyms:
        if len(self.nl) + len(self.en) < 2:
            raise ValueError("a synonym group needs at least two terms")
        return self

    def value(self) -> SynonymGroup:
        return SynonymGroup(concept=self.concept, terms={lang: tuple(getattr(self, lang)) for lang in LANGUAGES})


class _Profile(ContentModel):
    stopwords: Words = ()
    fillers: Words = ()
    unstemmed: Words = ()
    question_words: Words = ()
    question_openers: Words = ()
    request_openers: Words = ()
    addressees: Words = ()
    compound_parts: Words = ()
    compounds: dict[str, Words] = Field(default_factory=dict)
    multiwords: dict[str, StrictStr] = Field(default_factory=dict)
    spellings: dict[str, StrictStr] = Field(default_factory=dict)

    @field_validator("multiwords")
    @classmethod
    def _expressions(cls, value: dict[str, str]) -> dict[str, str]:
        for expression, word in value.items():
            if len(tokens(expression)) < 2 or len(tokens(word)) != 1:
                raise ValueError(f"{expression!r}: expected 2+ words mapped to one word")
        return value

    @field_validator("spellings")
    @classmethod
    def _spellings(cls, value: dict[str, str]) -> dict[str, str]:
        for word, meant in value.items():
            if len(tokens(word)) != 1 or not tokens(meant):
                raise ValueError(f"{word!r}: expected one word mapped to words")
        return value

    def value(self) -> LanguageProfile:
        return LanguageProfile(
            **{key: frozenset(fold(w) for w in getattr(self, key)) for key in _WORD_SETS},
            compound_parts=tuple(fold(w) for w in self.compound_parts),
            compounds={fold(word): tuple(fold(p) for p in parts) for word, parts in self.compounds.items()},
            multiwords={tuple(tokens(expression)): tokens(word)[0] for expression, word in self.multiwords.items()},
            spellings={tokens(word)[0]: tuple(tokens(meant)) for word, meant in self.spellings.items()},
        )


class _KnowledgeFile(ContentModel):
    """One knowledge file: any of the sections entries, intents, synonyms and languages (their items are
    checked one by one, so that one broken entry does not hide the problems of the others)."""

    entries: tuple[Any, ...] = ()
    intents: tuple[Any, ...] = ()
    synonyms: tuple[Any, ...] = ()
    languages: dict[Literal["nl", "en"], Any] = Field(default_factory=dict)


def load_knowledge(directory: Path) -> KnowledgeData:
    """Read and check every *.yaml file in `directory` (in name order); raises KnowledgeDataError listing every
    problem, each with its file and entry."""
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise KnowledgeDataError([f"{directory}: no *.yaml knowledge files found"])
    problems: list[str] = []
    refused: list[str] = []
    unchecked: list[tuple[str, str, list[Any]]] = []  # (file, entry id, follow_ups) of refused entries
    where: dict[tuple[str, str], str] = {}  # (kind, id) -> the file that defines it
    entries: list[KnowledgeEntry] = []
    intents: list[IntentDefinition] = []
    synonyms: list[SynonymGroup] = []
    languages: dict[str, LanguageProfile] = {}

    def note(kind: str, name: str, file: str) -> None:
        if (kind, name) in where:
            problems.append(f"{file}: {kind} {name!r} is defined twice (also in {where[kind, name]})")
        where.setdefault((kind, name), file)

    for path in files:
        try:
            knowledge = load(_KnowledgeFile, path)
        except ContentError as error:
            problems.extend(f"{path.name}: {problem}" for problem in error.problems)
            continue
        found: list[str] = []
        parsed_entries, entry_problems, refused_entries = parse_each(_Entry, knowledge.entries, "entries")
        parsed_intents, intent_problems, refused_intents = parse_each(_Intent, knowledge.intents, "intents")
        parsed_synonyms, synonym_problems, _ = parse_each(_Synonyms, knowledge.synonyms, "synonyms")
        found += entry_problems + intent_problems + synonym_problems
        refused += refused_entries + refused_intents
        unchecked.extend(  # follow-ups of refused entries are checked too
            (path.name, raw["id"], raw["follow_ups"])
            for raw in knowledge.entries
            if isinstance(raw, Mapping) and raw.get("id") in refused_entries and isinstance(raw.get("follow_ups"), list)
        )
        for entry in parsed_entries:
            note("entry", entry.id, path.name)
            entries.append(entry.value())
        for intent in parsed_intents:
            note("intent", intent.name, path.name)
            intents.append(intent.value())
        for group in parsed_synonyms:
            note("synonym concept", group.concept, path.name)
            synonyms.append(group.value())
        for code, raw in knowledge.languages.items():
            try:
                profile = parse(_Profile, {} if raw is None else raw, path.name)
            except ContentError as error:
                found.extend(f"languages.{code}.{problem}" for problem in error.problems)
                continue
            note("language", code, path.name)
            languages[code] = profile.value()
        problems.extend(f"{path.name}: {problem}" for problem in found)
    problems.extend(_located(collection_problems(entries, intents, each=False, refused=refused), where))
    known = {entry.id for entry in entries} | set(refused)
    for file, entry_id, follow_ups in unchecked:
        problems.extend(
            f"{file}: entry {entry_id!r}: follow_up {follow_up!r} is not an entry"
            for follow_up in follow_ups if follow_up not in known
        )
    if problems:
        raise KnowledgeDataError(problems)
    for lang in LANGUAGES:
        languages.setdefault(lang, LanguageProfile())
    return KnowledgeData(tuple(entries), tuple(intents), tuple(synonyms), languages)


def _located(problems: list[str], where: dict[tuple[str, str], str]) -> list[str]:
    """Cross-file problems that start with "entry 'x'" get the file of entry x in front."""
    located = []
    for problem in problems:
        kind, _, rest = problem.partition(" ")
        name = rest.split("'")[1] if rest.startswith("'") else ""
        file = where.get((kind, name))
        located.append(f"{file}: {problem}" if file else problem)
    return located
