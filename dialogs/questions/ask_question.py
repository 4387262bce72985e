"""Ask a question: asks for the question, then answers it (or offers to forward it)."""

from __future__ import annotations

from botbuilder.core import MessageFactory
from botbuilder.dialogs import DialogTurnResult, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt

from bot.core.turn import lang_of
from dialogs.base import GuidedDialog, StepWaterfall
from dialogs.prompts import has_text
from dialogs.services import DialogServices


class AskQuestionDialog(GuidedDialog):
    ID = "ask_question"

    def __init__(self, services: DialogServices, qa):
        super().__init__(self.ID, services)
        self._qa = qa
        self.add_dialog(TextPrompt(f"{self.ID}.text", has_text))
        self.add_dialog(StepWaterfall(f"{self.ID}.steps", [self.ask_step, self.answer_step]))
        self.initial_dialog_id = f"{self.ID}.steps"

    async def ask_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Stores nothing; asks for the question."""
        lang = lang_of(step.context)
        catalog = self.services.catalog
        return await step.prompt(
            f"{self.ID}.text",
            PromptOptions(
                prompt=MessageFactory.text(catalog.text(lang, "ask.prompt")),
                retry_prompt=MessageFactory.text(catalog.text(lang, "ask.retry")),
            ),
        )

    async def answer_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Answers the question through the same engine as free text; ends."""
        text: str = step.result.strip()
        recognition = self.services.recognizer.recognize(text, lang_of(step.context))
        await self._qa.respond(step.context, text, recognition)
        return await step.end_dialog()
