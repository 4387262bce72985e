"""Contribute money: explains how to donate through the VNG Fonds (with the donation details an organizer
configured, never invented ones), then asks whether to record an intention to contribute; if so, a declared
form (municipality, contact, optional indicative amount, remarks, consent) stores it once and tells the
organizers. Started with options {"values": {...}} it changes a stored intention; with {"pledge": True} it
skips the explanation.

Diagram: contribution.mmd.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext, DialogTurnResult, DialogTurnStatus

from bot.core.cards import card_activity
from bot.core.i18n import LANGUAGES
from bot.core.turn import card_value, clean_text, lang_of, user_key
from bot.nlu.commands import CommandWords
from dialogs.forms import Field, FormSpec
from dialogs.offers.expertise_offer import RECORD_ID, OffersDeps, OffersForm
from dialogs.prompts import YesNo
from dialogs.services import DialogServices
from storage.offers.repository import ContributionFields, ContributionIntentions, ContributionView

MY_OFFERS_DIALOG = "my_offers"  # the id of the "my offers" dialog, which is also the name of its intent
_UTTERANCE = "vng.utterance"  # in the dialog's state: the message that started it, until the form begins

CONTRIBUTION_SPEC = FormSpec(
    id="contribute",
    fields=(
        Field("municipality", kind="municipality"),
        Field("name", prefill="name"),
        Field("email", kind="email", prefill="email"),
        Field("amount", kind="amount", required=False),
        Field("remarks", kind="longtext", required=False, max_length=1000),
        Field("consent", kind="consent"),
    ),
)


def contribution_fields(values: dict[str, Any]) -> ContributionFields:
    amount = values.get("amount") or ""
    return ContributionFields(
        municipality=values["municipality"],
        contact_name=values["name"],
        contact_email=values["email"],
        amount_cents=int(Decimal(amount) * 100) if amount else None,
        remarks=values.get("remarks") or None,
    )


def contribution_values(intention: ContributionView) -> dict[str, Any]:
    """The form values of a stored intention, to change it."""
    return {
        RECORD_ID: intention.id,
        "municipality": intention.municipality,
        "name": intention.contact_name or "",
        "email": intention.contact_email or "",
        "amount": f"{Decimal(intention.amount_cents) / 100:.2f}" if intention.amount_cents else "",
        "remarks": intention.remarks or "",
        "consent": "yes",
    }


class ContributionDialog(OffersForm):
    ID = "contribute"

    def __init__(self, services: DialogServices, deps: OffersDeps):
        super().__init__(CONTRIBUTION_SPEC, services, deps)
        self._answers = YesNo(services.catalog)
        self._mine_words = CommandWords.from_catalog(services.catalog, {True: "contribute.intro.mine_words"}, LANGUAGES)

    # --- the explanation before the form ------------------------------------------------------
    async def on_begin_dialog(self, inner_dc: DialogContext, options: object = None) -> DialogTurnResult:
        """Explains how to donate and asks whether to record an intention (skipped when editing or pledging)."""
        if isinstance(options, dict) and (options.get("values") or options.get("pledge")):
            return await super().on_begin_dialog(inner_dc, options)
        await self._send_intro(inner_dc.context)
        utterance = options.get("utterance") if isinstance(options, dict) else None
        if isinstance(utterance, str) and utterance.strip():
            # What the message said ("25.000 euro") is shown now and fills the form when the person goes on.
            self._own_state(inner_dc)[_UTTERANCE] = utterance
            note = self.prefilled_note(lang_of(inner_dc.context), self.understand(utterance, lang_of(inner_dc.context)))
            if note:
                await inner_dc.context.send_activity(MessageFactory.text(note))
        return DialogTurnResult(DialogTurnStatus.Waiting)

    async def ask_again(self, inner_dc: DialogContext) -> None:
        if inner_dc.active_dialog is None:  # still at the explanation: its question again
            await inner_dc.context.send_activity(MessageFactory.text(self.t(lang_of(inner_dc.context), "contribute.intro.question")))
            return
        await super().ask_again(inner_dc)

    def accepts(self, inner_dc: DialogContext, text: str) -> bool:
        if inner_dc.active_dialog is None:  # the explanation's yes/no, or "my contributions"
            return self._answers.match(text, lang_of(inner_dc.context)) is not None or text in self._mine_words
        return super().accepts(inner_dc, text)

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        if inner_dc.active_dialog is not None:  # the form is under way
            return await super().on_continue_dialog(inner_dc)
        return await self._on_intro_answer(inner_dc)

    async def _on_intro_answer(self, inner_dc: DialogContext) -> DialogTurnResult:
        """Yes: starts the form. No: ends. 'My contributions': shows the user's list instead."""
        interrupted = await self._interrupt(inner_dc)
        if interrupted is not None:
            return interrupted
        context = inner_dc.context
        lang = lang_of(context)
        value = card_value(context.activity)
        if value is not None:
            answer = {"yes": True, "no": False}.get(str(value.get("answer"))) if value["action"] == "contribute.intro" else None
            mine = value["action"] == "contribute.mine"
        else:
            text = clean_text(context.activity)
            answer = self._answers.match(text, lang)
            mine = text in self._mine_words or (
                self.services.recognizer.match_command(text, (MY_OFFERS_DIALOG,)) is not None if text else False
            )
        if mine:
            await inner_dc.parent.replace_dialog(MY_OFFERS_DIALOG)
            return DialogTurnResult(DialogTurnStatus.Waiting)
        if answer is True:
            utterance = self._own_state(inner_dc).pop(_UTTERANCE, None)
            return await inner_dc.begin_dialog(self.initial_dialog_id, {"utterance": utterance} if utterance else None)
        if answer is False:
            await context.send_activity(MessageFactory.text(self.t(lang, "contribute.intro.declined")))
            return DialogTurnResult(DialogTurnStatus.Complete)
        await context.send_activity(MessageFactory.text(self.t(lang, "contribute.intro.retry")))
        return DialogTurnResult(DialogTurnStatus.Waiting)

    async def _send_intro(self, turn_context: TurnContext) -> None:
        lang = lang_of(turn_context)
        settings = self.services.settings
        details = settings.donation_details_en if lang == "en" else settings.donation_details_nl
        async with self.services.db.transaction() as session:
            has_mine = bool(await ContributionIntentions(session).active_for(user_key(turn_context.activity)))
        await turn_context.send_activity(
            card_activity(self.deps.cards.contribute_intro(lang, details=details or "", has_mine=has_mine))
        )

    # --- the form's confirmation --------------------------------------------------------------
    async def on_confirm(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> None:
        """Stores the intention or its change; tells the user and the organizers."""
        await self.store(
            turn_context, values, token, repository=ContributionIntentions, fields=contribution_fields(values),
            id_keyword="intention_id", messages="contribute",
        )
