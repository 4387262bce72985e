"""Sentence mood: is a message a question ("waar kan ik doneren?") or a wish or command ("ik wil doneren")?"""

from __future__ import annotations

from collections.abc import Sequence

from .lexicon import LanguageProfile
from .text import has_question_mark

QUESTION = "#question"  # the mood term added to an analyzed text
STATEMENT = "#statement"
# A question word makes a question only among the first words: "who" in "we have planners who could
# help" does not.
QUESTION_WORD_WINDOW = 2


def mood(text: str, words: Sequence[str], profile: LanguageProfile) -> str:
    """QUESTION when `text` has a question mark, opens with a question word, or opens with a verb that
    starts yes/no questions ("kan ik ...", "are you ..."), except a request to the bot: a modal verb
    followed by an addressee ("kun je ...", "can you ...")."""
    if has_question_mark(text) or any(w in profile.question_words for w in words[:QUESTION_WORD_WINDOW]):
        return QUESTION
    if not words:
        return STATEMENT
    if words[0] in profile.request_openers and len(words) > 1 and words[1] in profile.addressees:
        return STATEMENT
    if words[0] in profile.question_openers:
        return QUESTION
    return STATEMENT
