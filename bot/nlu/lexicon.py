"""Linguistic data per language (stop words, fillers, compounds) and synonym groups, as loaded from YAML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class LanguageProfile:
    """Word lists for one language; all words are folded (lowercase, no accents)."""

    stopwords: frozenset[str] = frozenset()
    # Politeness words ignored when matching a whole message against a command ("stop graag", "help please").
    fillers: frozenset[str] = frozenset()
    # Words that may stand as parts of a compound even if no example uses them alone ("fase", "plan").
    compound_parts: tuple[str, ...] = ()
    # Explicit splits for compounds the automatic splitter cannot find.
    compounds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Informal spellings, chat abbreviations and contracted forms, read as the words they stand for
    # ("wnr" -> "wanneer", "waarover" -> "waar over").
    spellings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Fixed expressions that contain stop words, read as one word ("in person" -> "inperson").
    multiwords: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    # Words the stemmer must leave alone ("nederlands", the language, is not "nederland").
    unstemmed: frozenset[str] = frozenset()
    # Sentence mood: a message is a question when it has a question mark or a question word, or when it
    # opens with a verb that starts yes/no questions ("kan ik ...", "is there ...") other than a request
    # to the bot (a request opener followed by an addressee: "kun je ...", "can you ...").
    question_words: frozenset[str] = frozenset()
    question_openers: frozenset[str] = frozenset()
    request_openers: frozenset[str] = frozenset()
    addressees: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "compounds", MappingProxyType({k: tuple(v) for k, v in sorted(self.compounds.items())})
        )
        object.__setattr__(self, "multiwords", MappingProxyType(dict(sorted(self.multiwords.items()))))
        object.__setattr__(self, "spellings", MappingProxyType(dict(sorted(self.spellings.items()))))


@dataclass(frozen=True)
class SynonymGroup:
    """Words and phrases that mean the same concept for recognition; `terms[lang]` per language."""

    concept: str
    terms: Mapping[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "terms", MappingProxyType({lang: tuple(t) for lang, t in sorted(self.terms.items())})
        )
