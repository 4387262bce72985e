"""The recognizer: indexes the knowledge data once and answers recognition queries from that index."""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

from .analyzer import ENTITY_PREFIX, Analyzer
from .commands import CommandMatcher
from .courtesy import Courtesy
from .decision import Target, Thresholds, decide
from .errors import KnowledgeDataError
from .index import VectorIndex
from .langguess import LanguageGuesser
from .loader import KnowledgeData, load_knowledge
from .model import DEFAULT_LANGUAGE, LANGUAGES, KnowledgeEntry, Recognition
from .mood import QUESTION, STATEMENT, mood
from .text import tokens
from .validation import collection_problems

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
MAX_TEXT = 600  # characters of a message that recognition looks at
OTHER_LANGUAGE_FACTOR = 0.99  # a match in the user's own language wins a tie


class _Engine:
    """Everything derived from one version of the knowledge data; never changed after construction."""

    def __init__(self, data: KnowledgeData, thresholds: Thresholds) -> None:
        self.data = data
        self.thresholds = thresholds
        self.entries = {entry.id: entry for entry in data.entries}
        self.targets = tuple(Target("faq", e.id) for e in data.entries) + tuple(
            Target("intent", i.name) for i in data.intents
        )
        self.analyzers: dict[str, Analyzer] = {}
        self.indexes: dict[str, VectorIndex] = {}
        seen_words: dict[str, frozenset[str]] = {}
        for lang in LANGUAGES:
            texts = _phrasings(data, lang)
            answers = _answers(data, lang)
            analyzer = Analyzer(lang, data.languages[lang], data.synonyms, (text for _, text in texts))
            phrasings = [(number, analyzer.analyze(text)) for number, text in texts]
            profiles: dict[int, list[str]] = {number: [] for number in range(len(self.targets))}
            for number, terms in phrasings:
                profiles[number].extend(terms)
            for number, text in answers:
                profiles[number].extend(analyzer.analyze(text))
            fixed = dict.fromkeys((QUESTION, STATEMENT), thresholds.mood_weight)
            fixed.update(dict.fromkeys(analyzer.question_terms(), thresholds.question_word_weight))
            self.analyzers[lang] = analyzer
            self.indexes[lang] = VectorIndex(
                phrasings,
                [(number, tuple(terms)) for number, terms in profiles.items()],
                len(self.targets),
                profile_share=thresholds.profile_share,
                unknown_df=thresholds.unknown_df,
                entity_factor=thresholds.entity_factor,
                entity_prefix=ENTITY_PREFIX,
                fixed_idf=fixed,
            )
            words = {word for _, text in texts for word in tokens(text)}
            seen_words[lang] = frozenset(words | data.languages[lang].stopwords)
        self.guesser = LanguageGuesser(seen_words)
        fillers = frozenset().union(*(data.languages[lang].fillers for lang in LANGUAGES))
        self.commands = CommandMatcher(data.intents, fillers)
        self.intent_names = frozenset(intent.name for intent in data.intents)
        courtesy: dict[str, list[str]] = {"greeting": [], "thanks": []}
        for intent in data.intents:
            if intent.name in courtesy:
                courtesy[intent.name] = [p for lang in LANGUAGES for p in intent.phrasings(lang)]
        # Words that may stand beside a greeting or thanks ("top, bedankt", "hi there"): the fillers.
        self.courtesy = Courtesy(courtesy, extras=frozenset().union(*(data.languages[lang].fillers for lang in LANGUAGES)))

    def recognize(self, text: str, lang: str) -> Recognition:
        text = text[:MAX_TEXT]
        guess = self.guesser.guess(text)
        exact = self.commands.match(text, self.intent_names)
        if exact is not None:
            # The whole message is one of a task's own phrasings ("medewerker", "aanmelden"): that task,
            # even when a question's examples share the word.
            return Recognition(kind="intent", intent=exact, score=1.0, lang_guess=guess)
        scores: dict[int, float] = {}
        unknown_share = 1.0
        for index_lang in LANGUAGES:
            terms = self.analyzers[index_lang].analyze(text)
            if not terms:
                continue
            result = self.indexes[index_lang].scores(terms)
            unknown_share = min(unknown_share, result.unknown_share)
            factor = 1.0 if index_lang == lang else OTHER_LANGUAGE_FACTOR
            for target, raw in result.scores.items():
                score = raw * factor
                if score > scores.get(target, 0.0):
                    scores[target] = score
        ranked = [(self.targets[t], s) for t, s in sorted(scores.items(), key=lambda item: (-item[1], item[0]))]
        return decide(ranked, self.thresholds, guess, unknown_share)


def _phrasings(data: KnowledgeData, lang: str) -> list[tuple[int, str]]:
    """(target number, text) for every question and example; entries first, then intents."""
    owners = [entry.phrasings for entry in data.entries] + [intent.phrasings for intent in data.intents]
    return [(number, text) for number, of in enumerate(owners) for text in of(lang)]


def _answers(data: KnowledgeData, lang: str) -> list[tuple[int, str]]:
    """(target number, answer text without placeholders) for every entry."""
    return [
        (number, _PLACEHOLDER.sub(" ", entry.answer[lang]))
        for number, entry in enumerate(data.entries)
        if entry.answer.get(lang)
    ]


class Recognizer:
    """Recognizes intents and FAQ questions in Dutch or English messages. See `bot.nlu` for the API."""

    def __init__(self, data: KnowledgeData, thresholds: Thresholds | None = None) -> None:
        self._lock = threading.Lock()
        self._engine = _Engine(data, thresholds or Thresholds())

    @classmethod
    def load(cls, directory: Path, thresholds: Thresholds | None = None) -> Recognizer:
        """Load and index every *.yaml file in `directory`; raises KnowledgeDataError on bad data."""
        return cls(load_knowledge(Path(directory)), thresholds)

    def recognize(self, text: str, lang: str) -> Recognition:
        """What `text` asks for; `lang` is the user's current language ("nl" or "en")."""
        if lang not in LANGUAGES:
            lang = DEFAULT_LANGUAGE
        return self._engine.recognize(text or "", lang)

    def split_courtesy(self, text: str) -> tuple[str | None, str]:
        """("greeting" | "thanks" | None, the rest): a greeting or thanks that opens or closes the message
        taken off ("Hallo, ik wil me aanmelden" -> ("greeting", "ik wil me aanmelden"))."""
        return self._engine.courtesy.split(text or "")

    def is_question(self, text: str, lang: str) -> bool:
        """Whether the message asks something ("waar is het?", "is dat verplicht"), in either language."""
        engine = self._engine
        code = engine.guesser.guess(text or "") or (lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
        return mood(text or "", tokens(text or ""), engine.data.languages[code]) == QUESTION

    def clear_language(self, text: str) -> str | None:
        """"nl" or "en" when the message is clearly written in that language, else None."""
        return self._engine.guesser.clear(text or "")

    def match_command(self, text: str, allowed: Collection[str]) -> str | None:
        """The intent of `allowed` whose phrasing the whole message is (up to a small typo), else None."""
        return self._engine.commands.match(text or "", allowed)

    def entry(self, entry_id: str) -> KnowledgeEntry:
        """The entry with this id; KeyError if there is none."""
        return self._engine.entries[entry_id]

    def entries(self) -> list[KnowledgeEntry]:
        return list(self._engine.data.entries)

    def add_entry(self, entry: KnowledgeEntry) -> None:
        """Add an entry (or replace the one with the same id) and re-index; raises KnowledgeDataError.

        Re-indexing takes a few hundred milliseconds; from asyncio code call it through
        `asyncio.to_thread`. Concurrent calls are serialized; recognition keeps using the previous index
        until the new one is complete.
        """
        self.add_entries([entry])

    def add_entries(self, new_entries: Sequence[KnowledgeEntry]) -> None:
        """`add_entry` for several entries with one re-index (all or none are added)."""
        if not new_entries:
            return
        with self._lock:
            current = self._engine
            entries = list(current.data.entries)
            for entry in new_entries:
                position = next((i for i, e in enumerate(entries) if e.id == entry.id), None)
                if position is None:
                    entries.append(entry)
                else:
                    entries[position] = entry
            problems = collection_problems(entries, current.data.intents)
            if problems:
                raise KnowledgeDataError(problems)
            engine = _Engine(replace(current.data, entries=tuple(entries)), current.thresholds)
            self._engine = engine  # one reference swap: readers see the old or the new index, never a mix
