"""An organizer answers a forwarded question, and may add it to the knowledge base.

Two declared forms (dialogs/forms.py), card and typing alike:

- `answer_question`: the answer to the asker, and "also in the knowledge base?" (yes/no). Started by the
  list's "Answer" button with the question in its values. On confirm the desk claims the question, sends
  the answer and reports delivery (bot/questions/desk.py).
- `knowledge_entry`: follows when the organizer chose yes; the question and answer in Dutch and English,
  with the question and answer in the asker's language filled in already. On confirm the desk stores and
  indexes the entry.

Both forms check on every turn that the sender is still an organizer. No SQL and no sentences here.
Diagram: answer_question.mmd.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext, DialogTurnResult

from bot.core.organizers import Organizers
from bot.core.turn import lang_of
from dialogs.forms import Field, FormDialog, FormSpec
from dialogs.services import DialogServices

ADD_TO_KB = "add_to_kb"
_NEXT_FORM = "answer_question.next"  # turn state: the knowledge form's options, when it follows
MAX_ANSWER = 3000
MAX_QUESTION = 1000


@dataclass(frozen=True)
class AnswerOutcome:
    stay: bool = False  # nothing was stored: the form stays at its summary
    knowledge: dict[str, Any] | None = None  # options for the knowledge form, when it follows


class AnswerDesk(Protocol):
    """What these forms need from the question desk (bot/questions/desk.py)."""

    organizers: Organizers

    async def answer(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> AnswerOutcome: ...
    async def add_knowledge(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> bool: ...


class _OrganizerForm(FormDialog):
    """A form only organizers may fill in: checked again on every turn (the list may change mid-form)."""

    desk: AnswerDesk

    async def continue_dialog(self, dc: DialogContext) -> DialogTurnResult:
        """Refuses (and audits) a sender who is no longer an organizer, and closes the form."""
        if not self.desk.organizers.sender_is_organizer(dc.context):
            await self.desk.organizers.authorize(dc.context, f"{self.id}.continue")
            return await dc.end_dialog()
        return await super().continue_dialog(dc)


class AnswerQuestionDialog(_OrganizerForm):
    ID = "answer_question"

    def __init__(self, services: DialogServices, desk: AnswerDesk):
        self.desk = desk
        spec = FormSpec(
            id=self.ID,
            fields=(
                Field("answer", kind="longtext", max_length=MAX_ANSWER, takes_questions=True),
                Field(ADD_TO_KB, kind="choice", options=self._kb_options),
            ),
            summary_extra=self._summary_question,
        )
        super().__init__(spec, services)

    def _kb_options(self, lang: str) -> list[tuple[str, str]]:
        return [(value, self.t(lang, f"answer_question.kb_options.{value}")) for value in ("yes", "no")]

    def _summary_question(self, values: dict[str, Any], lang: str) -> list[tuple[str, str]]:
        question = values.get("question")
        return [(self.t(lang, "answer_question.question_label"), str(question))] if question else []

    async def prefill(self, turn_context: TurnContext) -> dict[str, str]:
        return {}  # nothing from the organizer's profile belongs in an answer

    async def on_confirm(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> bool | None:
        """Claims the question, sends the answer, reports delivery; the knowledge form follows if chosen."""
        outcome = await self.desk.answer(turn_context, values, token)
        if outcome.stay:
            return False
        if outcome.knowledge is not None:
            turn_context.turn_state[_NEXT_FORM] = outcome.knowledge
        return None

    async def end_component(self, outer_dc: DialogContext, result: object) -> DialogTurnResult:
        """Hands over to the knowledge form (at the top of the stack, so its card actions reach it)."""
        follow = outer_dc.context.turn_state.pop(_NEXT_FORM, None)
        if follow is not None:
            return await outer_dc.replace_dialog(KnowledgeEntryDialog.ID, follow)
        return await super().end_component(outer_dc, result)


class KnowledgeEntryDialog(_OrganizerForm):
    ID = "knowledge_entry"

    def __init__(self, services: DialogServices, desk: AnswerDesk):
        self.desk = desk
        spec = FormSpec(
            id=self.ID,
            fields=(
                Field("question_nl", max_length=MAX_QUESTION, takes_questions=True),
                Field("question_en", max_length=MAX_QUESTION, takes_questions=True),
                Field("answer_nl", kind="longtext", max_length=MAX_ANSWER, takes_questions=True),
                Field("answer_en", kind="longtext", max_length=MAX_ANSWER, takes_questions=True),
            ),
            summary_extra=self._summary_original,
        )
        super().__init__(spec, services)

    def _summary_original(self, values: dict[str, Any], lang: str) -> list[tuple[str, str]]:
        original = values.get("original")
        return [(self.t(lang, "question_desk.knowledge.original"), str(original))] if original else []

    async def prefill(self, turn_context: TurnContext) -> dict[str, str]:
        return {}

    async def begin_dialog(self, dc: DialogContext, options: object = None) -> DialogTurnResult:
        """Says what comes now; the form then opens with what is known filled in."""
        await dc.context.send_activity(MessageFactory.text(self.t(lang_of(dc.context), "question_desk.knowledge.next")))
        return await super().begin_dialog(dc, options)

    async def on_confirm(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> bool | None:
        """Stores the entry once and indexes it, so the bot answers the question from the next message on."""
        return None if await self.desk.add_knowledge(turn_context, values, token) else False
