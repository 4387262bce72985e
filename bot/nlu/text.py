"""Language-independent text folding: case, accents, apostrophes and tokenization."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['\u2018\u2019`\u00b4]")
_TOKEN = re.compile(r"[a-z0-9]+")
_QUESTION_MARK = re.compile(r"[?\u00bf\uff1f]")
_LINK = re.compile(r"\b\w+://\S+|\bwww\.\S+")


def fold(text: str) -> str:
    """Lowercase `text` and strip accents, so that "Oekraïne" and "oekraine" compare equal."""
    if text.isascii():  # nothing to decompose (the common case, and the cheap one)
        return _APOSTROPHES.sub(" ", text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _APOSTROPHES.sub(" ", bare.casefold())


def tokens(text: str) -> list[str]:
    """Folded word tokens of `text` (letters and digits; punctuation separates)."""
    return _TOKEN.findall(fold(text))


_RAW_TOKEN = re.compile(r"[^\W_]+")


def capitalized_words(text: str) -> frozenset[str]:
    """Folded words written with a capital letter other than at the start of the text ("in Gaza").

    Such words that the knowledge data does not know are probably names of other places or things.
    """
    raw = _RAW_TOKEN.findall(_APOSTROPHES.sub(" ", text))
    return frozenset(fold(word) for word in raw[1:] if word[0].isupper())


def has_question_mark(text: str) -> bool:
    """A question mark of the writer's own: one in a pasted link ("...meetup-join/...?context=") does not count."""
    if _QUESTION_MARK.search(text) is None:
        return False
    return _QUESTION_MARK.search(_LINK.sub(" ", text)) is not None
