"""'Verwijder mijn gegevens' / 'delete my data': one yes/no question (card buttons or typing, deterministic), then
everything stored about the user is erased or anonymized and the bot says what it did, per kind.

'Mijn gegevens' / 'my data' itself is a single card (no conversation): `PrivacyDesk.show_my_data` in
bot/privacy/desk.py. The desk is also the `Eraser` this dialog is given: it erases through
storage/privacy/personal_data.py. Diagram: dialogs/privacy/my_data.mmd.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogTurnResult, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions
from sqlalchemy.exc import SQLAlchemyError

from bot.core.cards import card_activity
from bot.core.turn import lang_of
from dialogs.base import GuidedDialog, StepWaterfall
from dialogs.prompts import YesNoPrompt
from dialogs.services import DialogServices
from storage.privacy.personal_data import Erasure


class ErasureCards(Protocol):
    def delete_question(self, lang: str, *, registered: bool, action: str) -> dict[str, Any]: ...
    def erased(self, lang: str, erasure: Erasure) -> str: ...


class Eraser(Protocol):
    """What this dialog needs from the privacy feature: its cards, whether the sender is registered, erasing."""

    @property
    def cards(self) -> ErasureCards: ...

    async def is_registered(self, turn_context: TurnContext) -> bool: ...
    async def erase(self, turn_context: TurnContext) -> Erasure: ...

log = logging.getLogger(__name__)


class DeleteMyDataDialog(GuidedDialog):
    ID = "delete_my_data"

    def __init__(self, services: DialogServices, desk: Eraser):
        super().__init__(self.ID, services)
        self.desk = desk
        self.add_dialog(YesNoPrompt(f"{self.ID}.confirm", services.catalog))
        self.add_dialog(StepWaterfall(f"{self.ID}.steps", [self.confirm_step, self.erase_step]))
        self.initial_dialog_id = f"{self.ID}.steps"

    async def confirm_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Asks whether to erase everything (yes/no); says so when a registration would be cancelled."""
        lang = lang_of(step.context)
        registered = await self.desk.is_registered(step.context)
        question = self.desk.cards.delete_question(lang, registered=registered, action=f"{self.ID}.confirm")
        return await step.prompt(
            f"{self.ID}.confirm",
            PromptOptions(
                prompt=card_activity(question),
                retry_prompt=MessageFactory.text(self.services.catalog.text(lang, "delete_my_data.retry")),
            ),
        )

    async def erase_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Erases everything when the answer was yes and reports the counts per kind; ends."""
        lang = lang_of(step.context)
        catalog = self.services.catalog
        if not step.result:
            await step.context.send_activity(MessageFactory.text(catalog.text(lang, "delete_my_data.declined")))
            return await step.end_dialog()
        try:
            erasure = await self.desk.erase(step.context)
        except SQLAlchemyError as error:
            # Each step of the erasure is its own transaction and can run again: asking again finishes the job.
            log.error("erasing a user's data failed: %s", type(error).__name__)
            await step.context.send_activity(MessageFactory.text(catalog.text(lang, "delete_my_data.error")))
            return await step.end_dialog()
        await step.context.send_activity(MessageFactory.text(self.desk.cards.erased(lang, erasure)))
        return await step.end_dialog()
