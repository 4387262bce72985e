"""Turns text of one language into index terms.

Per word: informal spellings and fixed expressions from the data; stop words out; question words kept as
light "?" terms; compounds split into known parts; Snowball stemming; typo correction against the known
vocabulary when a word is unknown. Then synonym phrases from the data become one concept term
("~session"), longest phrase first, and the sentence's mood is added. Everything the data determines is
computed when the analyzer is built; words seen later are cached (bounded).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import snowballstemmer

from .compounds import CompoundSplitter
from .errors import KnowledgeDataError
from .lexicon import LanguageProfile, SynonymGroup
from .mood import mood
from .text import capitalized_words, tokens
from .typos import TypoCorrector

# Dutch: the classic Porter-style Snowball stemmer strips suffixes only; the newer "dutch" algorithm also
# strips prefixes such as ge-, which merges "gegevens" (data) with "geven" (to give).
_STEMMERS = {"nl": "dutch_porter", "en": "english"}
CONCEPT_PREFIX = "~"
ENTITY_PREFIX = "!"  # an unknown word written with a capital: probably a name ("!gaza")
QUESTION_WORD_PREFIX = "?"  # question words become "?wanneer", "?where": weighed as function words
_CACHE_LIMIT = 50_000
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|e|de|ste)$")


def replace_longest(items: list[str], table: Mapping[tuple[str, ...], str], longest: int, *, shortest: int) -> list[str]:
    """`items` left to right, each longest run of `shortest` to `longest` items that `table` knows replaced by
    its value ("ten behoeve van" -> one word; "gemeente" -> its concept)."""
    out: list[str] = []
    i = 0
    while i < len(items):
        for n in range(min(longest, len(items) - i), shortest - 1, -1):
            found = table.get(tuple(items[i : i + n]))
            if found is not None:
                out.append(found)
                i += n
                break
        else:
            out.append(items[i])
            i += 1
    return out


class WordSplitter:
    """`Analyzer.words` of one language's word lists: it does not depend on the vocabulary."""

    def __init__(self, profile: LanguageProfile) -> None:
        self._profile = profile
        self._longest = max((len(key) for key in profile.multiwords), default=1)

    def __call__(self, text: str) -> list[str]:
        """Folded words of `text`, informal spellings replaced and fixed expressions joined into one word."""
        spellings = self._profile.spellings
        words = [part for word in map(_plain_number, tokens(text)) for part in spellings.get(word, (word,))]
        return replace_longest(words, self._profile.multiwords, self._longest, shortest=2)


class Analyzer:
    """Analyzer for one language, built from the vocabulary of all data texts in that language."""

    def __init__(
        self,
        lang: str,
        profile: LanguageProfile,
        synonyms: Sequence[SynonymGroup],
        texts: Iterable[str] = (),
        *,
        text_words: Iterable[str] = (),
        previous: Analyzer | None = None,
    ) -> None:
        """`texts`: the phrasings of this language, whose words make the vocabulary; or, already split,
        `text_words`: their words as `words()` gives them. `previous`: an analyzer of the same language and
        word lists for another vocabulary, whose stems and typo indexes are reused (an update)."""
        self.lang = lang
        self._profile = profile
        self._stemmer = snowballstemmer.stemmer(_STEMMERS[lang])
        # Stems depend on the word alone: an update shares them with the analyzer it replaces.
        self._stems: dict[str, str] = previous._stems if previous is not None else {}  # noqa: SLF001
        self._split = WordSplitter(profile)

        vocabulary: set[str] = set(profile.compound_parts)
        self.text_words = tuple(sorted(set(text_words)))
        vocabulary.update(self.text_words)
        for text in texts:
            vocabulary.update(self.words(text))
        for group in synonyms:
            for term in group.terms.get(lang, ()):
                vocabulary.update(self.words(term))
        for compound, parts in profile.compounds.items():
            vocabulary.add(compound)
            vocabulary.update(parts)
        vocabulary -= profile.stopwords
        self.vocabulary = tuple(sorted(w for w in vocabulary if len(w) > 1 or w.isdigit()))
        self._splitter = CompoundSplitter(self.vocabulary, self._stem)

        base = {word: self._base(word) for word in self.vocabulary}
        self._phrases, self._longest_phrase = self._build_phrases(synonyms)
        own_terms = {term for terms in base.values() for term in terms}
        # Terms of the other language's synonyms count as known (they are not corrected), but a
        # correction only ever leads to this language's own words.
        self.known_terms = frozenset(own_terms | {term for key in self._phrases for term in key})
        self._resolved: dict[str, tuple[str, ...]] = dict(base)
        if previous is None:
            self._word_typos = TypoCorrector(self.vocabulary)
            self._term_typos = TypoCorrector(own_terms)
        else:
            self._word_typos = previous._word_typos.updated(self.vocabulary)  # noqa: SLF001
            self._term_typos = previous._term_typos.updated(own_terms)  # noqa: SLF001

    def same_reading(self, other: Analyzer, word: str) -> bool:
        """Whether `word` (from `words()`) gives the same terms here as in `other` (an analyzer of the same
        language built from another vocabulary), also where a capital makes a name of it."""
        mine, theirs = self.resolve(word), other.resolve(word)
        return mine == theirs and (
            len(mine) != 1 or (mine[0] in self.known_terms) == (theirs[0] in other.known_terms)
        )

    def same_phrases(self, other: Analyzer) -> bool:
        """Whether the synonym phrases read the same here as in `other`."""
        return self._phrases == other._phrases

    # -- public -------------------------------------------------------------------------------------

    def analyze(self, text: str) -> tuple[str, ...]:
        """Index terms of `text`: stems, compound parts and concept terms in text order, then its mood."""
        words = self.words(text)
        names = capitalized_words(text)
        terms: list[str] = []
        for word in words:
            resolved = self.resolve(word)
            if word in names and len(resolved) == 1 and resolved[0] not in self.known_terms:
                resolved = (ENTITY_PREFIX + resolved[0],)
            terms.extend(resolved)
        concepts = self._apply_synonyms(terms)
        if len(concepts) < 2:
            return concepts  # a single keyword has no mood
        return (*concepts, mood(text, words, self._profile))

    def question_terms(self) -> frozenset[str]:
        """The terms that question words become."""
        return question_terms(self._profile)

    def words(self, text: str) -> list[str]:
        """Folded words of `text`, informal spellings replaced and fixed expressions joined into one word."""
        return self._split(text)

    def resolve(self, word: str) -> tuple[str, ...]:
        """Terms for one folded word, with typo correction for unknown words."""
        cached = self._resolved.get(word)
        if cached is not None:
            return cached
        terms = self._base(word)
        if len(terms) == 1 and terms[0] not in self.known_terms:
            terms = self._correct(word, terms[0]) or terms
        if len(self._resolved) < _CACHE_LIMIT:
            self._resolved[word] = terms
        return terms

    # -- building blocks ----------------------------------------------------------------------------

    def _stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = word if word in self._profile.unstemmed else self._stemmer.stemWord(word)
            if len(self._stems) < _CACHE_LIMIT:
                self._stems[word] = stem
        return stem

    def _base(self, word: str) -> tuple[str, ...]:
        """Terms for a word without typo correction."""
        profile = self._profile
        if word in profile.stopwords:
            return ()
        if word in profile.question_words:
            return (QUESTION_WORD_PREFIX + word,)
        parts = profile.compounds.get(word) or self._splitter.split(word)
        if parts:
            return tuple(self._stem(part) for part in parts if part not in profile.stopwords)
        return (self._stem(word),)

    def _correct(self, word: str, stem: str) -> tuple[str, ...] | None:
        """Terms of the closest known word, or the closest known stem, within the typo budget."""
        match = self._word_typos.closest(word)
        if match is not None:
            return self._resolved.get(match) or self._base(match)
        match = self._term_typos.closest(stem)
        return (match,) if match is not None else None

    def _build_phrases(self, synonyms: Sequence[SynonymGroup]) -> tuple[dict[tuple[str, ...], str], int]:
        """Term sequences of every synonym, mapped to their concept term.

        The terms of this language come first and must not clash; terms of other languages are added
        where they do not clash with anything already mapped.
        """
        phrases: dict[tuple[str, ...], str] = {}
        problems: list[str] = []
        languages = [self.lang, *sorted({lang for g in synonyms for lang in g.terms} - {self.lang})]
        for lang in languages:
            for group in synonyms:
                concept = CONCEPT_PREFIX + group.concept
                for term in group.terms.get(lang, ()):
                    key = tuple(t for word in self.words(term) for t in self._base(word))
                    if not key:
                        continue
                    other = phrases.setdefault(key, concept)
                    if other != concept and lang == self.lang:
                        problems.append(
                            f"synonyms: {lang} term {term!r} means both {other[1:]!r} and "
                            f"{group.concept!r} ({' '.join(key)})"
                        )
        if problems:
            raise KnowledgeDataError(problems)
        longest = max((len(key) for key in phrases), default=1)
        return phrases, longest

    def _apply_synonyms(self, terms: list[str]) -> tuple[str, ...]:
        return tuple(replace_longest(terms, self._phrases, self._longest_phrase, shortest=1))


def question_terms(profile: LanguageProfile) -> frozenset[str]:
    """The terms that the question words of a language become."""
    return frozenset(QUESTION_WORD_PREFIX + word for word in profile.question_words)


def _plain_number(word: str) -> str:
    """"4th", "4e" and "4de" are read as "4"."""
    match = _ORDINAL.match(word)
    return match.group(1) if match else word
