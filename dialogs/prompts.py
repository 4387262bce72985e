"""Prompts with deterministic matching (botbuilder's ConfirmPrompt is unreliable for Dutch)."""

from __future__ import annotations

import re
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs.prompts import Prompt, PromptOptions, PromptRecognizerResult
from botbuilder.schema import ActivityTypes

from bot.core.i18n import LANGUAGES, Catalog
from bot.core.turn import card_value, clean_text, lang_of

_WORD_EDGE = re.compile(r"[^\w\s']+")


class YesNo:
    """Yes/no from an ordered list of phrases per language (the user's language first).
    Same input, same answer, in every process (no set iteration, unlike botbuilder's ConfirmPrompt)."""

    def __init__(self, catalog: Catalog):
        self._phrases: dict[str, list[tuple[str, bool]]] = {}
        for lang in LANGUAGES:
            pairs = [(p, True) for p in _split(catalog.raw(lang, "yesno.yes_words"))]
            pairs += [(p, False) for p in _split(catalog.raw(lang, "yesno.no_words"))]
            # Longer phrases first, so "liever niet" is tried before shorter ones; the order is fixed.
            self._phrases[lang] = sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))

    def match(self, text: str, lang: str | None = None) -> bool | None:
        normalized = " ".join(_WORD_EDGE.sub(" ", text.lower()).split())
        if not normalized:
            return None
        order = [lang] if lang in self._phrases else []
        order += [other for other in LANGUAGES if other not in order]
        for code in order:
            for phrase, answer in self._phrases[code]:
                if normalized == phrase or normalized.startswith(phrase + " "):
                    return answer
        return None


class MessagePrompt(Prompt):
    """A prompt that sends its (retry) prompt as is and recognizes message activities with `recognize`,
    which returns the value, or None to ask again."""

    async def on_prompt(self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions, is_retry: bool):
        activity = options.retry_prompt if is_retry and options.retry_prompt else options.prompt
        if activity is not None:
            await turn_context.send_activity(activity)

    async def on_recognize(self, turn_context: TurnContext, state: dict[str, Any], options: PromptOptions) -> PromptRecognizerResult:
        result = PromptRecognizerResult()
        if turn_context.activity.type != ActivityTypes.message:
            return result
        value = await self.recognize(turn_context, state, options)
        if value is not None:
            result.succeeded, result.value = True, value
        return result

    async def recognize(self, turn_context: TurnContext, state: dict[str, Any], options: PromptOptions) -> Any:
        raise NotImplementedError


class YesNoPrompt(MessagePrompt):
    """A yes/no prompt on `YesNo`; also takes a card submit whose data has `answer: "yes" | "no"`."""

    def __init__(self, dialog_id: str, catalog: Catalog):
        super().__init__(dialog_id)
        self._yes_no = YesNo(catalog)

    async def recognize(self, turn_context: TurnContext, state: dict[str, Any], options: PromptOptions) -> bool | None:
        value = card_value(turn_context.activity)
        if value is not None and value.get("answer") in ("yes", "no"):
            return value["answer"] == "yes"
        return self._yes_no.match(clean_text(turn_context.activity), lang_of(turn_context))


def _split(words: str) -> list[str]:
    return [w.strip().lower() for w in words.split(",") if w.strip()]


async def has_text(prompt_context) -> bool:
    """TextPrompt validator: some non-blank text."""
    value = prompt_context.recognized.value
    return bool(prompt_context.recognized.succeeded and isinstance(value, str) and value.strip())
