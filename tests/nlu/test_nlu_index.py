"""A knowledge base that can grow: incremental index updates and typo correction through an index."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace

import pytest
from rapidfuzz import process
from rapidfuzz.distance import OSA

from benchmarks.synthetic_knowledge import synthetic_entries, synthetic_questions
from bot.nlu import KnowledgeDataError, KnowledgeEntry, Recognizer
from bot.nlu.analyzer import Analyzer
from bot.nlu.evaluation import load_eval_set
from bot.nlu.loader import load_knowledge
from bot.nlu.text import tokens
from bot.nlu.typos import MIN_LENGTH, TypoCorrector, max_typos

from .support import EVAL_FILE, KNOWLEDGE_DIR

NEW_ENTRY = KnowledgeEntry(
    id="catering",
    question={"nl": "Is er koffie en thee?", "en": "Will there be coffee and tea?"},
    answer={"nl": "Ja, er is koffie en thee.", "en": "Yes, there is coffee and tea."},
    # "koffiepauze" and "theeschenking" are compounds of the new words: the vocabulary changes how they split.
    examples={"nl": ["koffie", "is er wat te drinken", "koffiepauze", "theeschenking"], "en": ["coffee", "drinks"]},
    follow_ups=("session_when",),
)
NEW_QUESTIONS = [
    ("Is er koffie tijdens de bijeenkomst?", "nl"),
    ("wordt er thee geschonken", "nl"),
    ("will there be coffee?", "en"),
    ("is er een koffiepauze", "nl"),
    ("is er koffei", "nl"),
]


@pytest.fixture(scope="module")
def data():
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="module")
def questions():
    return [(q.text, q.lang) for q in load_eval_set(EVAL_FILE)] + NEW_QUESTIONS


def same_results(a: Recognizer, b: Recognizer, questions) -> list[tuple[str, str]]:
    """The questions the two recognizers answer differently (kind, ids, candidates, exact score, language)."""
    return [q for q in questions if a.recognize(*q) != b.recognize(*q)]


def test_adding_an_entry_makes_it_answerable_and_equals_a_full_rebuild(data, questions):
    grown = Recognizer(data)
    assert grown.recognize(*NEW_QUESTIONS[0]).entry_id != "catering"
    grown.add_entry(NEW_ENTRY)
    assert grown.recognize(*NEW_QUESTIONS[0]).entry_id == "catering"
    assert grown.recognize("will there be coffee?", "en").entry_id == "catering"

    rebuilt = Recognizer(replace(data, entries=(*data.entries, NEW_ENTRY)))
    assert same_results(grown, rebuilt, questions) == []
    assert [e.id for e in grown.entries()] == [e.id for e in rebuilt.entries()]


def test_replacing_and_removing_an_entry_equal_a_full_rebuild(data, questions):
    recognizer = Recognizer(data)
    recognizer.add_entry(NEW_ENTRY)
    changed = replace(NEW_ENTRY, examples={"nl": ["koffie"], "en": ["coffee", "refreshments"]})
    recognizer.add_entry(changed)
    assert same_results(recognizer, Recognizer(replace(data, entries=(*data.entries, changed))), questions) == []

    recognizer.remove_entry("catering")
    assert same_results(recognizer, Recognizer(data), questions) == []
    with pytest.raises(KeyError):
        recognizer.entry("catering")
    with pytest.raises(KeyError):
        recognizer.remove_entry("catering")


def test_an_entry_others_follow_up_on_cannot_be_removed(data):
    recognizer = Recognizer(data)
    followed = data.entries[0].follow_ups[0]
    with pytest.raises(KnowledgeDataError, match=followed):
        recognizer.remove_entry(followed)
    assert recognizer.entry(followed).id == followed


def test_a_growing_synthetic_base_equals_a_full_rebuild(data):
    """Entries added one by one to a larger base (new words, new compounds each time) score exactly as a
    base indexed at once; and an update re-analyzes only what it has to."""
    extra = synthetic_entries(60)
    base = replace(data, entries=(*data.entries, *extra[:50]))
    grown = Recognizer(base)
    analyzed = []
    original = Analyzer.analyze

    def counting(self, text):
        analyzed.append(text)
        return original(self, text)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Analyzer, "analyze", counting)
        for entry in extra[50:]:
            grown.add_entry(entry)
    documents = sum(len(e.phrasings(lang)) + 1 for e in (*base.entries, *extra[50:]) for lang in ("nl", "en"))
    assert len(analyzed) < documents / 10  # not a rebuild: far fewer texts analyzed than the base holds

    rebuilt = Recognizer(replace(data, entries=(*data.entries, *extra)))
    asked = [(text, lang) for text, lang, _ in synthetic_questions(60, 60)]
    assert same_results(grown, rebuilt, asked + [(q.text, q.lang) for q in load_eval_set(EVAL_FILE)][::3]) == []
    assert sum(grown.recognize(text, lang).entry_id == expected for text, lang, expected in synthetic_questions(60, 60)) > 40


# --- typo correction ---------------------------------------------------------------------------------------


def by_length(vocabulary: list[str]) -> dict[int, list[str]]:
    buckets = defaultdict(list)
    for known in sorted(set(vocabulary)):
        if len(known) >= MIN_LENGTH:
            buckets[len(known)].append(known)
    return buckets


def scan_closest(buckets: dict[int, list[str]], word: str) -> str | None:
    """The correction as it was made before the index: a scan of every known word of a suitable length."""
    budget = max_typos(len(word))
    if not budget:
        return None
    best = None
    for length in range(len(word) - budget, len(word) + budget + 1):
        for candidate, distance, _ in process.extract(
            word, buckets.get(length, []), scorer=OSA.distance, score_cutoff=budget, limit=None
        ):
            other_start = candidate[0] != word[0]
            if other_start and budget < 2:
                continue
            key = (int(distance), int(other_start), candidate)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def mistyped(word: str, rng: random.Random) -> str:
    """`word` with one or two random edits (swap, delete, insert, substitute)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(rng.choice((1, 1, 2))):
        i = rng.randrange(len(word) - 1)
        kind = rng.randrange(4)
        if kind == 0:
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif kind == 1:
            word = word[:i] + word[i + 1 :]
        elif kind == 2:
            word = word[:i] + rng.choice(letters) + word[i:]
        else:
            word = word[:i] + rng.choice(letters) + word[i + 1 :]
    return word


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_typo_index_corrects_exactly_as_the_vocabulary_scan(recognizer, lang):
    analyzer = recognizer._engine.analyzers[lang]  # noqa: SLF001 - one language's analyzer alone
    vocabulary = list(analyzer.vocabulary)
    corrector = TypoCorrector(vocabulary)
    rng = random.Random(14)
    eval_words = sorted({w for q in load_eval_set(EVAL_FILE) for w in tokens(q.text)})
    typed = [mistyped(w, rng) for w in rng.sample(vocabulary, 400) if len(w) > 3]
    words = eval_words + typed
    corrected = 0
    buckets = by_length(vocabulary)
    for word in words:
        expected = scan_closest(buckets, word)
        assert corrector.closest(word) == expected, word
        corrected += expected is not None and expected != word
    assert corrected > 100  # the comparison covers many real corrections, not only misses


def test_an_updated_typo_index_equals_a_new_one(recognizer):
    vocabulary = set(recognizer._engine.analyzers["nl"].vocabulary)  # noqa: SLF001
    removed = set(sorted(vocabulary)[::7])
    added = {"koffiepauze", "theeschenking", "wederopbouwfonds"}
    updated = TypoCorrector(vocabulary).updated((vocabulary - removed) | added)
    fresh = TypoCorrector((vocabulary - removed) | added)
    rng = random.Random(3)
    for word in [mistyped(w, rng) for w in sorted(vocabulary | added) if len(w) >= MIN_LENGTH]:
        assert updated.closest(word) == fresh.closest(word), word
    assert updated.closest("koffiepuaze") == "koffiepauze"
