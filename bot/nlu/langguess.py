"""Guesses whether a message is Dutch or English from words that belong to one language only."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .text import fold, tokens


class LanguageGuesser:
    def __init__(self, words: Mapping[str, frozenset[str]]) -> None:
        """`words[lang]`: folded words seen in that language's data (stop words included)."""
        langs = sorted(words)
        self._exclusive = {
            lang: frozenset(words[lang].difference(*(words[o] for o in langs if o != lang)))
            for lang in langs
        }

    def guess(self, text: str) -> str | None:
        """The language with the most words exclusive to it; None when no language leads."""
        counts = dict.fromkeys(self._exclusive, 0)
        for word in tokens(text):
            for lang, exclusive in self._exclusive.items():
                if word in exclusive:
                    counts[lang] += 1
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def clear(self, text: str, *, at_least: int = 2) -> str | None:
        """The language when at least `at_least` words are exclusive to it and none to another language."""
        counts = dict.fromkeys(self._exclusive, 0)
        for word in tokens(text):
            for lang, exclusive in self._exclusive.items():
                if word in exclusive:
                    counts[lang] += 1
        leaders = [lang for lang, count in counts.items() if count >= at_least]
        if len(leaders) == 1 and all(count == 0 for lang, count in counts.items() if lang != leaders[0]):
            return leaders[0]
        return None


@dataclass(frozen=True)
class OtherLanguage:
    code: str
    letters: str = ""
    script: str = ""
    words: frozenset[str] = frozenset()
    thanks: frozenset[str] = frozenset()


class OtherLanguages:
    """Spots messages in a language the assistant does not speak (content/other_languages.yaml)."""

    def __init__(self, languages: Sequence[OtherLanguage]) -> None:
        self._languages = tuple(languages)

    @classmethod
    def from_data(cls, data: Mapping[str, Mapping[str, object]]) -> OtherLanguages:
        found = []
        for code, item in data.items():
            words = item.get("words") or []
            thanks = item.get("thanks") or []
            assert isinstance(words, list) and isinstance(thanks, list)
            found.append(OtherLanguage(
                code=str(code), letters=str(item.get("letters") or "").casefold(), script=str(item.get("script") or "").upper(),
                words=frozenset(_words(" ".join(map(str, words)))), thanks=frozenset(" ".join(_words(str(t))) for t in thanks),
            ))
        return cls(found)

    def spot(self, text: str) -> tuple[str, bool] | None:
        """(language code, whether the message is only thanks) for a message in another language, else None.
        The code is "other" for a script no listed language claims (the reply is then Dutch and English only)."""
        words = _words(text)
        if not words:
            return None
        letters = [c for c in text.casefold() if c.isalpha()]
        latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
        joined = " ".join(words)
        best: tuple[int, OtherLanguage] | None = None
        for language in self._languages:
            if joined in language.thanks:
                return language.code, True
            if language.letters and any(c in language.letters for c in letters):
                return language.code, False
            count = sum(1 for w in words if w in language.words)
            if language.script:
                is_it = sum(1 for c in letters if language.script in unicodedata.name(c, "")) > len(letters) / 2 and count > 0
            else:
                is_it = count >= min(2, len(words)) and latin == len(letters)
            if is_it and (best is None or count > best[0]):  # shared words: the language with the most
                best = (count, language)
        if best is not None:
            return best[1].code, joined in best[1].thanks
        if latin < len(letters) / 2:
            return "other", False
        return None


def _words(text: str) -> list[str]:
    """Lowercase words of any script (accents kept for non-Latin letters, dropped for Latin ones)."""
    return [fold(w) if w.isascii() or all("LATIN" in unicodedata.name(c, "LATIN") for c in w) else w.casefold()
            for w in re.findall(r"[^\W_]+", text)]
