"""Forward a question to the organizers: asks the question, confirms it, stores it."""

from __future__ import annotations

from botbuilder.core import MessageFactory
from botbuilder.dialogs import DialogTurnResult, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt

from bot.core.cards import IN_PLACE, card, card_activity, paragraph, send_in_place, submit
from bot.core.turn import card_value, lang_of
from dialogs.base import GuidedDialog, StepWaterfall
from dialogs.prompts import YesNoPrompt, has_text
from dialogs.services import DialogServices
from dialogs.validators import echo


class ForwardQuestionDialog(GuidedDialog):
    ID = "forward_question"

    def __init__(self, services: DialogServices, qa):
        super().__init__(self.ID, services)
        self._qa = qa
        self.add_dialog(TextPrompt(f"{self.ID}.text", has_text))
        self.add_dialog(YesNoPrompt(f"{self.ID}.confirm", services.catalog))
        self.add_dialog(StepWaterfall(f"{self.ID}.steps", [self.question_step, self.confirm_step, self.save_step]))
        self.initial_dialog_id = f"{self.ID}.steps"

    async def question_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Asks for the question (skipped when the dialog was started with one)."""
        given = step.options.get("question") if isinstance(step.options, dict) else None
        if isinstance(given, str) and given.strip():
            return await step.next(given.strip())
        lang, catalog = lang_of(step.context), self.services.catalog
        return await step.prompt(
            f"{self.ID}.text",
            PromptOptions(
                prompt=MessageFactory.text(catalog.text(lang, "qa.forward_prompt")),
                retry_prompt=MessageFactory.text(catalog.text(lang, "qa.forward_empty")),
            ),
        )

    async def confirm_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Stores the question in the step values; asks to confirm it (yes/no, by button or typing)."""
        question: str = step.result.strip()
        step.values["question"] = question
        lang, catalog = lang_of(step.context), self.services.catalog
        text = catalog.text(lang, "qa.forward_confirm", question=echo(question, 1000))
        prompt = card(
            [paragraph(text)],
            fallback=text,
            actions=[
                submit(catalog.text(lang, "yesno.answer_yes"), f"{self.ID}.confirm", answer="yes"),
                submit(catalog.text(lang, "yesno.answer_no"), f"{self.ID}.confirm", answer="no"),
            ],
        )
        return await step.prompt(
            f"{self.ID}.confirm",
            PromptOptions(prompt=card_activity(prompt), retry_prompt=MessageFactory.text(catalog.text(lang, "yesno.retry"))),
        )

    async def save_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Stores the question for the organizers when confirmed; ends. Answered on the card, the outcome takes
        the card's place (one message per step); Teams names that card in the submit's `replyToId`."""
        activity = step.context.activity
        if card_value(activity) is not None and activity.reply_to_id:
            step.context.turn_state[IN_PLACE] = activity.reply_to_id
        try:
            if step.result:
                await self._qa.forward(step.context, step.values["question"])
            else:
                text = self.services.catalog.text(lang_of(step.context), "qa.forward_declined")
                await send_in_place(step.context, MessageFactory.text(text))
        finally:
            step.context.turn_state.pop(IN_PLACE, None)
        return await step.end_dialog()
