"""Reads the knowledge data (every *.yaml file of a directory) into typed objects, checking its shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import KnowledgeDataError
from .lexicon import LanguageProfile, SynonymGroup
from .model import LANGUAGES, IntentDefinition, KnowledgeEntry
from .text import fold, tokens
from .validation import collection_problems

SECTIONS = ("entries", "intents", "synonyms", "languages")
_WORD_SETS = (
    "stopwords",
    "fillers",
    "unstemmed",
    "question_words",
    "question_openers",
    "request_openers",
    "addressees",
)
_PROFILE_KEYS = (*_WORD_SETS, "compound_parts", "compounds", "multiwords", "spellings")


@dataclass(frozen=True)
class KnowledgeData:
    entries: tuple[KnowledgeEntry, ...]
    intents: tuple[IntentDefinition, ...]
    synonyms: tuple[SynonymGroup, ...]
    languages: Mapping[str, LanguageProfile]


class _Reader:
    """Collects shape problems instead of stopping at the first one."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def texts(self, value: Any, where: str) -> dict[str, str]:
        if not isinstance(value, Mapping):
            self.problems.append(f"{where}: expected a mapping of language to text")
            return {}
        result = {}
        for lang, text in value.items():
            if not isinstance(text, str):
                self.problems.append(f"{where}.{lang}: expected text, got {type(text).__name__} (quote it)")
            else:
                result[str(lang)] = text.strip()
        return result

    def words(self, value: Any, where: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(f"{where}: expected a list")
            return []
        result = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problems.append(f"{where}[{i}]: expected text, got {item!r} (quote it)")
            else:
                result.append(item.strip())
        return result

    def lists(self, value: Any, where: str) -> dict[str, list[str]]:
        if not isinstance(value, Mapping):
            self.problems.append(f"{where}: expected a mapping of language to a list of texts")
            return {}
        return {str(lang): self.words(items, f"{where}.{lang}") for lang, items in value.items()}

    def entry(self, raw: Any, where: str) -> KnowledgeEntry | None:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
            self.problems.append(f"{where}: expected a mapping with an 'id'")
            return None
        where = f"{where} ({raw['id']})"
        self._only(raw, ("id", "question", "answer", "examples", "follow_ups"), where)
        return KnowledgeEntry(
            id=raw["id"],
            question=self.texts(raw.get("question"), f"{where}.question"),
            answer=self.texts(raw.get("answer"), f"{where}.answer"),
            examples=self.lists(raw.get("examples", {}), f"{where}.examples"),
            follow_ups=tuple(self.words(raw.get("follow_ups"), f"{where}.follow_ups")),
        )

    def intent(self, raw: Any, where: str) -> IntentDefinition | None:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
            self.problems.append(f"{where}: expected a mapping with a 'name'")
            return None
        where = f"{where} ({raw['name']})"
        self._only(raw, ("name", "examples"), where)
        return IntentDefinition(name=raw["name"], examples=self.lists(raw.get("examples"), f"{where}.examples"))

    def synonym(self, raw: Any, where: str) -> SynonymGroup | None:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("concept"), str):
            self.problems.append(f"{where}: expected a mapping with a 'concept'")
            return None
        where = f"{where} ({raw['concept']})"
        self._only(raw, ("concept", *LANGUAGES), where)
        terms = {lang: tuple(self.words(raw.get(lang), f"{where}.{lang}")) for lang in LANGUAGES}
        if sum(len(t) for t in terms.values()) < 2:
            self.problems.append(f"{where}: a synonym group needs at least two terms")
        return SynonymGroup(concept=raw["concept"], terms=terms)

    def profile(self, raw: Any, where: str) -> LanguageProfile:
        if not isinstance(raw, Mapping):
            self.problems.append(f"{where}: expected a mapping")
            return LanguageProfile()
        self._only(raw, _PROFILE_KEYS, where)
        compounds = {}
        for word, parts in self._mapping(raw.get("compounds"), f"{where}.compounds").items():
            compounds[fold(str(word))] = tuple(fold(p) for p in self.words(parts, f"{where}.compounds.{word}"))
        multiwords = {}
        for expression, word in self._mapping(raw.get("multiwords"), f"{where}.multiwords").items():
            key = tuple(tokens(str(expression)))
            if len(key) < 2 or not isinstance(word, str) or len(tokens(word)) != 1:
                self.problems.append(f"{where}.multiwords.{expression}: expected 2+ words mapped to one word")
            else:
                multiwords[key] = tokens(word)[0]
        spellings = {}
        for word, meant in self._mapping(raw.get("spellings"), f"{where}.spellings").items():
            if not isinstance(meant, str) or len(tokens(str(word))) != 1 or not tokens(meant):
                self.problems.append(f"{where}.spellings.{word}: expected one word mapped to words")
            else:
                spellings[tokens(str(word))[0]] = tuple(tokens(meant))
        word_sets = {
            key: frozenset(fold(w) for w in self.words(raw.get(key), f"{where}.{key}")) for key in _WORD_SETS
        }
        return LanguageProfile(
            **word_sets,
            compound_parts=tuple(fold(w) for w in self.words(raw.get("compound_parts"), f"{where}.compound_parts")),
            compounds=compounds,
            multiwords=multiwords,
            spellings=spellings,
        )

    def _mapping(self, value: Any, where: str) -> Mapping[Any, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problems.append(f"{where}: expected a mapping")
            return {}
        return value

    def _only(self, raw: Mapping[str, Any], keys: tuple[str, ...], where: str) -> None:
        for key in raw:
            if key not in keys:
                self.problems.append(f"{where}: unknown key {key!r} (expected one of {list(keys)})")


def load_knowledge(directory: Path) -> KnowledgeData:
    """Read and check every *.yaml file in `directory` (in name order); raises KnowledgeDataError."""
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise KnowledgeDataError([f"{directory}: no *.yaml knowledge files found"])
    reader = _Reader()
    entries: list[KnowledgeEntry] = []
    intents: list[IntentDefinition] = []
    synonyms: list[SynonymGroup] = []
    languages: dict[str, LanguageProfile] = {}
    for path in files:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            reader.problems.append(f"{path.name}: not valid YAML: {error}")
            continue
        if not isinstance(document, Mapping):
            reader.problems.append(f"{path.name}: expected a mapping with sections {list(SECTIONS)}")
            continue
        for section, value in document.items():
            where = f"{path.name}: {section}"
            if section not in SECTIONS:
                reader.problems.append(f"{where}: unknown section (expected one of {list(SECTIONS)})")
            elif section == "languages":
                if not isinstance(value, Mapping):
                    reader.problems.append(f"{where}: expected a mapping of language to word lists")
                    continue
                for lang, raw in value.items():
                    if lang not in LANGUAGES or lang in languages:
                        reader.problems.append(f"{where}.{lang}: unknown or repeated language")
                    else:
                        languages[lang] = reader.profile(raw, f"{where}.{lang}")
            elif not isinstance(value, list):
                reader.problems.append(f"{where}: expected a list")
            else:
                read = {"entries": reader.entry, "intents": reader.intent, "synonyms": reader.synonym}[section]
                target: list[Any] = {"entries": entries, "intents": intents, "synonyms": synonyms}[section]
                for i, raw in enumerate(value):
                    item = read(raw, f"{where}[{i}]")
                    if item is not None:
                        target.append(item)
    problems = reader.problems + collection_problems(entries, intents)
    concepts = [group.concept for group in synonyms]
    problems.extend(f"synonym concept {c!r} is defined twice" for c in sorted(set(concepts)) if concepts.count(c) > 1)
    if problems:
        raise KnowledgeDataError(problems)
    for lang in LANGUAGES:
        languages.setdefault(lang, LanguageProfile())
    return KnowledgeData(tuple(entries), tuple(intents), tuple(synonyms), languages)
