"""The recognizer: indexes the knowledge data once and answers recognition queries from that index."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from .analyzer import ENTITY_PREFIX, Analyzer, WordSplitter, question_terms
from .commands import CommandMatcher
from .courtesy import Courtesy
from .cues import TaskCues
from .decision import Target, Thresholds, decide
from .errors import KnowledgeDataError
from .index import IndexView, VectorIndex
from .langguess import LanguageGuesser
from .loader import KnowledgeData, load_knowledge
from .model import DEFAULT_LANGUAGE, LANGUAGES, IntentDefinition, KnowledgeEntry, Recognition
from .mood import QUESTION, STATEMENT, mood
from .text import tokens
from .validation import collection_problems

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
MAX_TEXT = 600  # characters of a message that recognition looks at
SURE_INTENT = 0.85  # below this, a task's cues that point to another task win over the resemblance
COURTESY = frozenset({"greeting", "thanks"})  # intents a cue may stand in for ("hoi, ik wil ...")
OTHER_LANGUAGE_FACTOR = 0.99  # a match in the user's own language wins a tie


RANKED_ENTRIES = 10  # FAQ entries a recognition ranks (every matching intent is ranked too): `decide` needs
# the best target, the runner-up and the best few entries; the rest only cost time in a large knowledge base


class _Engine:
    """Everything recognition reads, for one version of the knowledge data; never changed after construction."""

    def __init__(
        self,
        data: KnowledgeData,
        thresholds: Thresholds,
        targets: Sequence[Target | None],
        analyzers: Mapping[str, Analyzer],
        indexes: Mapping[str, IndexView],
        guesser: LanguageGuesser,
        commands: CommandMatcher,
    ) -> None:
        self.data = data
        self.thresholds = thresholds
        self.entries = {entry.id: entry for entry in data.entries}
        self.targets = tuple(targets)  # by slot; None: a slot whose entry was removed
        rank_of = {("faq", e.id): i for i, e in enumerate(data.entries)}
        rank_of.update({("intent", i.name): len(data.entries) + n for n, i in enumerate(data.intents)})
        # Ties are broken by the data order (entries, then intents), however the slots were filled.
        self.rank = np.array([rank_of[(t.kind, t.key)] if t else len(rank_of) for t in self.targets], dtype=np.int64)
        self.is_faq = np.array([t is not None and t.kind == "faq" for t in self.targets], dtype=bool)
        self.analyzers = dict(analyzers)
        self.indexes = dict(indexes)
        self.guesser = guesser
        self.commands = commands
        self.intent_names = frozenset(intent.name for intent in data.intents)
        courtesy: dict[str, list[str]] = {"greeting": [], "thanks": []}
        for intent in data.intents:
            if intent.name in courtesy:
                courtesy[intent.name] = [p for lang in LANGUAGES for p in intent.phrasings(lang)]
        # Words that may stand beside a greeting or thanks ("top, bedankt", "hi there"): the fillers.
        self.courtesy = Courtesy(courtesy, extras=frozenset().union(*(data.languages[lang].fillers for lang in LANGUAGES)))
        self.cues = TaskCues(data.intents)

    def recognize(self, text: str, lang: str) -> Recognition:
        text = text[:MAX_TEXT]
        guess = self.guesser.guess(text)
        exact = self.commands.match(text, self.intent_names)
        if exact is not None:
            # The whole message is one of a task's own phrasings ("medewerker", "aanmelden"): that task,
            # even when a question's examples share the word.
            return Recognition(kind="intent", intent=exact, score=1.0, lang_guess=guess)
        merged: np.ndarray | None = None
        unknown_share = 1.0
        for index_lang in LANGUAGES:
            terms = self.analyzers[index_lang].analyze(text)
            if not terms:
                continue
            result = self.indexes[index_lang].scores(terms)
            unknown_share = min(unknown_share, result.unknown_share)
            factor = 1.0 if index_lang == lang else OTHER_LANGUAGE_FACTOR
            scores = result.values * factor
            merged = scores if merged is None else np.maximum(merged, scores)
        decided = decide(self._ranked(merged), self.thresholds, guess, unknown_share)
        if decided.kind == "intent" and decided.intent not in COURTESY:
            if decided.score < SURE_INTENT:  # "we geven geld" resembles an offer's examples, but says money
                cued = self._cued(text, guess or lang)
                if cued is not None and cued != decided.intent and cued not in COURTESY:
                    return Recognition(kind="intent", intent=cued, score=decided.score, lang_guess=guess)
            return decided
        if decided.kind == "intent":  # "hoi! wanneer was het ook alweer": the greeting is not what it asks
            rest = self.courtesy.split(text)[1]
            if rest and len(rest) < len(text.strip()):
                asked = self.recognize(rest, lang)
                if asked.kind != "none":
                    return asked
        cued = self._cued(text, guess or lang)
        if cued is None:
            return decided
        return Recognition(kind="intent", intent=cued, score=max(decided.score, self.thresholds.confident_intent), lang_guess=guess)

    def _cued(self, text: str, lang: str) -> str | None:
        """A task said in plain words (the intents' cues), read without a greeting or thanks around it."""
        if not self.cues:
            return None
        rest = self.courtesy.split(text)[1] or text
        words = tokens(rest)
        profile = self.data.languages[lang if lang in LANGUAGES else DEFAULT_LANGUAGE]
        request = len(words) > 1 and words[0] in profile.request_openers and words[1] in profile.addressees
        return self.cues.match(words, question=not request and mood(rest, words, profile) == QUESTION)

    def _ranked(self, scores: np.ndarray | None) -> list[tuple[Target, float]]:
        """The matching targets by descending score (ties in data order): every intent and the best entries."""
        if scores is None:
            return []
        matched = np.flatnonzero(scores)
        if len(matched) > RANKED_ENTRIES:
            faqs = matched[self.is_faq[matched]]
            if len(faqs) > RANKED_ENTRIES:
                values = scores[faqs]
                floor = np.partition(values, -RANKED_ENTRIES)[-RANKED_ENTRIES]
                faqs = faqs[values >= floor]  # ties at the floor stay: the order decides among them
            matched = np.concatenate([faqs, matched[~self.is_faq[matched]]])
        order = matched[np.lexsort((self.rank[matched], -scores[matched]))]
        targets = self.targets
        return [(targets[slot], score) for slot, score in zip(order.tolist(), scores[order].tolist(), strict=True)]


class _Language:
    """The index of one language and what it takes to update it target by target (used under the lock)."""

    def __init__(self, lang: str, data: KnowledgeData, thresholds: Thresholds) -> None:
        self.lang = lang
        self.profile = data.languages[lang]
        self.synonyms = data.synonyms
        self.analyzer: Analyzer | None = None
        self.split = WordSplitter(self.profile)
        self.vocabulary: Counter[str] = Counter()  # words of the phrasings -> how many phrasings use them
        self.seen: Counter[str] = Counter()  # tokens of the phrasings (for the language guess)
        self.phrasing_words: dict[int, list[list[str]]] = {}  # slot -> the words of each of its phrasings
        self.users: dict[str, set[int]] = {}  # word of a phrasing or answer -> the slots using it
        self.texts: dict[int, tuple[tuple[str, ...], str]] = {}  # slot -> (phrasings, answer)
        self.index: VectorIndex | None = None
        self._thresholds = thresholds

    def _words(self, text: str) -> list[str]:
        return self.split(text)

    def update(self, changed: Mapping[int, tuple[tuple[str, ...], str]], removed: Collection[int], n: int) -> None:
        """Give the slots of `changed` these (phrasings, answer) texts, drop the `removed` slots, and
        re-analyze every other slot whose reading changed with the vocabulary; `n`: the number of targets."""
        if self.index is None:
            fixed = dict.fromkeys((QUESTION, STATEMENT), self._thresholds.mood_weight)
            fixed.update(dict.fromkeys(question_terms(self.profile), self._thresholds.question_word_weight))
            self.index = VectorIndex(
                profile_share=self._thresholds.profile_share,
                unknown_df=self._thresholds.unknown_df,
                entity_factor=self._thresholds.entity_factor,
                entity_prefix=ENTITY_PREFIX,
                fixed_idf=fixed,
            )
        old = self.analyzer
        for slot in (*changed, *removed):
            for words in self.phrasing_words.pop(slot, []):
                self.vocabulary.subtract(words)
            if slot in self.texts:
                phrasings, answer = self.texts.pop(slot)
                for text in phrasings:
                    self.seen.subtract(tokens(text))
                for word in {w for text in (*phrasings, answer) for w in self._words(text)}:
                    self.users[word].discard(slot)
        for slot, (phrasings, answer) in changed.items():
            self.texts[slot] = (phrasings, answer)
            self.phrasing_words[slot] = [self._words(text) for text in phrasings]
            for words in self.phrasing_words[slot]:
                self.vocabulary.update(words)
            for text in phrasings:
                self.seen.update(tokens(text))
            for word in {w for text in (*phrasings, answer) for w in self._words(text)}:
                self.users.setdefault(word, set()).add(slot)
        self.vocabulary = +self.vocabulary  # drop the words no phrasing uses any more
        self.seen = +self.seen
        self.users = {word: slots for word, slots in self.users.items() if slots}

        affected = set(changed)
        words = sorted(self.vocabulary)
        if old is None or words != list(old.text_words):
            analyzer = Analyzer(self.lang, self.profile, self.synonyms, text_words=words, previous=old)
            if old is None or not analyzer.same_phrases(old):
                affected = set(self.texts)
            else:
                for word, slots in self.users.items():
                    if not analyzer.same_reading(old, word):
                        affected |= slots
            self.analyzer = analyzer
        else:
            analyzer = old
        assert self.index is not None
        for slot in removed:
            self.index.remove_target(slot)
        for slot in sorted(affected):
            phrasings, answer = self.texts[slot]
            documents = [analyzer.analyze(text) for text in phrasings]
            profile = [term for terms in documents for term in terms]
            if answer:
                profile.extend(analyzer.analyze(answer))
            self.index.set_target(slot, documents, profile)
        self.index.commit(n)

    def seen_words(self) -> frozenset[str]:
        return frozenset(self.seen) | self.profile.stopwords


class _Builder:
    """Keeps the indexes up to date as entries come and go, and makes an `_Engine` of each version."""

    def __init__(self, data: KnowledgeData, thresholds: Thresholds) -> None:
        self.thresholds = thresholds
        self.data = replace(data, entries=())
        self.slots: list[Target | None] = []
        self.slot_of: dict[Target, int] = {}
        self.languages = {lang: _Language(lang, data, thresholds) for lang in LANGUAGES}
        self.commands = CommandMatcher(data.intents, frozenset().union(*(data.languages[lang].fillers for lang in LANGUAGES)))
        self.engine = self._update(data.entries, data.intents, changed=[*data.entries, *data.intents], removed=())

    def _slot(self, target: Target) -> int:
        slot = self.slot_of.get(target)
        if slot is None:
            slot = self.slot_of[target] = len(self.slots)
            self.slots.append(target)
        return slot

    def _update(
        self,
        entries: Sequence[KnowledgeEntry],
        intents: Sequence[IntentDefinition],
        changed: Sequence[KnowledgeEntry | IntentDefinition],
        removed: Sequence[str],
    ) -> _Engine:
        gone = []
        for entry_id in removed:
            slot = self.slot_of.pop(Target("faq", entry_id))
            self.slots[slot] = None
            gone.append(slot)
        slots: dict[int, KnowledgeEntry | IntentDefinition] = {}
        for item in changed:
            if isinstance(item, KnowledgeEntry):
                slots[self._slot(Target("faq", item.id))] = item
            else:
                slots[self._slot(Target("intent", item.name))] = item
        n = len(entries) + len(intents)
        for lang, language in self.languages.items():
            texts = {
                slot: (item.phrasings(lang), _answer(item, lang))
                for slot, item in slots.items()
            }
            language.update(texts, gone, n)
        self.data = replace(self.data, entries=tuple(entries), intents=tuple(intents))
        analyzers = {}
        views = {}
        for lang, language in self.languages.items():
            assert language.analyzer is not None
            assert language.index is not None
            analyzers[lang] = language.analyzer
            views[lang] = language.index.view()
        guesser = LanguageGuesser({lang: language.seen_words() for lang, language in self.languages.items()})
        return _Engine(self.data, self.thresholds, self.slots, analyzers, views, guesser, self.commands)

    def change(self, entries: Sequence[KnowledgeEntry], changed: Sequence[KnowledgeEntry], removed: Sequence[str]) -> _Engine:
        self.engine = self._update(entries, self.data.intents, changed, removed)
        return self.engine


def _answer(item: KnowledgeEntry | IntentDefinition, lang: str) -> str:
    """The answer text of an entry without placeholders, for its profile ("" for an intent)."""
    if isinstance(item, KnowledgeEntry) and item.answer.get(lang):
        return _PLACEHOLDER.sub(" ", item.answer[lang])
    return ""


class Recognizer:
    """Recognizes intents and FAQ questions in Dutch or English messages. See `bot.nlu` for the API."""

    def __init__(self, data: KnowledgeData, thresholds: Thresholds | None = None) -> None:
        self._lock = threading.Lock()
        self._builder = _Builder(data, thresholds or Thresholds())
        self._engine = self._builder.engine

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

    def request_to_bot(self, text: str) -> str | None:
        """What a message asks the assistant to do when it opens as a request to it, in either language (a
        request opener and an addressee, content/knowledge/language.yaml: "kunt u mij aanmelden", "could you
        sign me up" -> "mij aanmelden", "sign me up"); None otherwise."""
        words = tokens(text or "")
        for lang in LANGUAGES:
            profile = self._engine.data.languages[lang]
            if len(words) > 2 and words[0] in profile.request_openers and words[1] in profile.addressees:
                return " ".join(words[2:])
        return None

    def clear_language(self, text: str) -> str | None:
        """"nl" or "en" when the message is clearly written in that language, else None."""
        return self._engine.guesser.clear(text or "")

    def match_command(self, text: str, allowed: Collection[str]) -> str | None:
        """The intent of `allowed` whose phrasing the whole message is (up to a small typo), else None."""
        return self._engine.commands.match(text or "", allowed)

    def has_entry(self, entry_id: str) -> bool:
        return entry_id in self._engine.entries

    def entry(self, entry_id: str) -> KnowledgeEntry:
        """The entry with this id; KeyError if there is none."""
        return self._engine.entries[entry_id]

    def entries(self) -> list[KnowledgeEntry]:
        return list(self._engine.data.entries)

    def add_entry(self, entry: KnowledgeEntry) -> None:
        """Add an entry (or replace the one with the same id) and update the index; raises KnowledgeDataError.

        The update is incremental: the entry's own phrasings are analyzed and indexed, and only the other
        entries whose words read differently with the new vocabulary are analyzed again; the result is the
        same as indexing everything anew. From asyncio code call it through `asyncio.to_thread`. Concurrent
        calls are serialized; recognition keeps using the previous index until the new one is complete.
        """
        self.add_entries([entry])

    def add_entries(self, new_entries: Sequence[KnowledgeEntry]) -> None:
        """`add_entry` for several entries with one update (all or none are added)."""
        if not new_entries:
            return
        with self._lock:
            entries = list(self._engine.data.entries)
            changed: dict[str, KnowledgeEntry] = {}
            for entry in new_entries:
                position = next((i for i, e in enumerate(entries) if e.id == entry.id), None)
                if position is None:
                    entries.append(entry)
                else:
                    entries[position] = entry
                changed[entry.id] = entry
            problems = collection_problems(entries, self._engine.data.intents)
            if problems:
                raise KnowledgeDataError(problems)
            # One reference swap: readers see the old or the new index, never a mix.
            self._engine = self._builder.change(entries, list(changed.values()), ())

    def remove_entry(self, entry_id: str) -> None:
        """Remove an entry and update the index incrementally; KeyError if there is none, KnowledgeDataError
        when another entry still follows up on it."""
        with self._lock:
            if entry_id not in self._engine.entries:
                raise KeyError(entry_id)
            entries = [e for e in self._engine.data.entries if e.id != entry_id]
            problems = collection_problems(entries, self._engine.data.intents)
            if problems:
                raise KnowledgeDataError(problems)
            self._engine = self._builder.change(entries, (), (entry_id,))
