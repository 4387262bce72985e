"""The base of every guided conversation: 'help', 'menu' and 'stop'/'annuleren'/'cancel' work at any step."""

from __future__ import annotations

from botbuilder.core import MessageFactory
from botbuilder.dialogs import ComponentDialog, DialogContext, DialogTurnResult, DialogTurnStatus
from botbuilder.schema import ActivityTypes

from bot.core.cards import card_activity
from bot.core.turn import card_value, clean_text, lang_of
from dialogs.services import DialogServices

INTERRUPTIONS = ("cancel", "help", "menu")


class GuidedDialog(ComponentDialog):
    """A ComponentDialog whose `on_continue_dialog` first checks for interruptions."""

    def __init__(self, dialog_id: str, services: DialogServices):
        super().__init__(dialog_id)
        self.services = services

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        interrupted = await self._interrupt(inner_dc)
        if interrupted is not None:
            return interrupted
        return await super().on_continue_dialog(inner_dc)

    async def _interrupt(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        activity = inner_dc.context.activity
        if activity.type != ActivityTypes.message or card_value(activity) is not None:
            return None
        text = clean_text(activity)
        command = self.services.recognizer.match_command(text, INTERRUPTIONS) if text else None
        if command is None:
            return None
        lang = lang_of(inner_dc.context)
        catalog, cards = self.services.catalog, self.services.cards
        if command == "cancel":
            await inner_dc.context.send_activity(MessageFactory.text(catalog.text(lang, "cancel.done")))
            return await inner_dc.cancel_all_dialogs()
        if command == "help":
            await inner_dc.context.send_activity(card_activity(cards.help(lang)))
            await inner_dc.reprompt_dialog()
        else:  # menu: show the choices; the user may go on where they were or pick another job
            await inner_dc.context.send_activity(card_activity(cards.menu(lang, note=catalog.text(lang, "dialog.menu_hint"))))
        return DialogTurnResult(DialogTurnStatus.Waiting)
