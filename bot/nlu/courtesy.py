"""Courtesy around a request: greetings and thanks at the start or end of a message are taken off, so the
rest can be handled ("Hallo, ik wil me aanmelden" is a registration; "Top, dank je wel!" is thanks)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .text import fold

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_COURTESY_WORDS = 4
_BREAK = re.compile("[,.;:!?\\-\u2013\u2014]")  # punctuation, hyphen, en and em dash


class Courtesy:
    def __init__(self, phrases: Mapping[str, Iterable[str]], extras: Iterable[str] = ()) -> None:
        """`phrases[kind]`: phrasings of a courtesy kind ("greeting", "thanks"); `extras`: words that may
        stand with them without changing their kind ("top", "super", "oké")."""
        self._kinds: dict[tuple[str, ...], str] = {}
        for kind, items in phrases.items():
            for phrase in items:
                key = tuple(_WORD.findall(fold(phrase)))
                if key and len(key) <= MAX_COURTESY_WORDS:
                    self._kinds.setdefault(key, kind)
        self._extras = frozenset(w for word in extras for w in _WORD.findall(fold(word)))
        self._longest = max((len(k) for k in self._kinds), default=0)

    def split(self, text: str) -> tuple[str | None, str]:
        """(kind, the rest of the message): kind is "greeting" or "thanks" when the message opens or ends
        with one (thanks wins when both), else None; the rest keeps its spelling and a question mark."""
        spans = [(m.start(), m.end(), fold(m.group(0))) for m in _WORD.finditer(text)]
        words = [s[2] for s in spans]
        kinds: list[str] = []
        start, end = 0, len(spans)
        while start < end:  # at the start: "Hallo", "top, dank je wel", "hi there"
            skip = start
            while skip < end and words[skip] in self._extras:
                skip += 1
            length = self._match(words, skip, end)
            if not length:
                break
            kinds.append(self._kinds[tuple(words[skip : skip + length])])
            start = skip + length
        while start < end:  # at the end, after a comma or full stop: "..., bedankt!"
            length = next(
                (n for n in range(min(self._longest, end - start), 0, -1)
                 if tuple(words[end - n : end]) in self._kinds
                 and (end - n == start or _BREAK.search(text[spans[end - n - 1][1] : spans[end - n][0]]))),
                0,
            )
            if not length:
                break
            kinds.append(self._kinds[tuple(words[end - length : end])])
            end -= length
        if not kinds:
            return None, text.strip()
        if all(word in self._extras for word in words[start:end]):
            return ("thanks" if "thanks" in kinds else kinds[0]), ""
        rest = text[spans[start][0] : spans[end - 1][1]]
        after = text[spans[end - 1][1] : spans[end][0]] if end < len(spans) else text[spans[end - 1][1] :]
        if "?" in after:
            rest += "?"
        return ("thanks" if "thanks" in kinds else kinds[0]), rest.strip()

    def _match(self, words: list[str], start: int, end: int) -> int:
        for length in range(min(self._longest, end - start), 0, -1):
            if tuple(words[start : start + length]) in self._kinds:
                return length
        return 0
