"""'Mijn aanbod' / 'my offers': the user's active expertise offers and intentions to contribute, each to change
(opens the form with the stored values) or to withdraw (after a deterministic yes/no). A user reaches only
their own records. The feature is wired by `bot.offers.install`.

Diagram: my_offers.mmd.
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import Dialog, DialogTurnResult, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions

from bot.core.cards import card_activity
from bot.core.i18n import LANGUAGES, Catalog
from bot.core.turn import card_value, clean_text, lang_of, user_key
from bot.nlu.commands import CommandWords, command_key
from dialogs.base import GuidedDialog, StepWaterfall
from dialogs.offers.contribution import ContributionDialog, contribution_values
from dialogs.offers.expertise_offer import ExpertiseOfferDialog, OffersDeps, offer_values
from dialogs.prompts import MessagePrompt, YesNoPrompt
from dialogs.services import DialogServices
from dialogs.validators import database_id
from storage.offers.models import ACTIVE
from storage.offers.repository import ContributionIntentions, ContributionView, ExpertiseOffers, OfferView

OFFER, CONTRIBUTION = "offer", "contribution"
EDIT, WITHDRAW, DONE, CLOSE = "edit", "withdraw", "done", "close"
MAX_MISSES = 2
_CARD_VERBS = {"my_offers.edit": EDIT, "my_offers.withdraw": WITHDRAW, "my_offers.done": DONE}


def _words(catalog: Catalog, key: str) -> CommandWords[bool]:
    return CommandWords.from_catalog(catalog, {True: key}, LANGUAGES)


def choice_from_card(value: dict[str, Any]) -> dict[str, Any] | None:
    """{"verb", "kind", "id"} from a list card's button, or None when the data is not usable."""
    verb = _CARD_VERBS.get(value.get("action", ""))
    if verb == DONE:
        return {"verb": DONE}
    if verb is None or value.get("kind") not in (OFFER, CONTRIBUTION):
        return None
    record_id = database_id(value.get("id"))
    if record_id is None:
        return None  # not an id of ours (e.g. 20 digits): the list is shown again
    return {"verb": verb, "kind": value["kind"], "id": record_id}


class PickPrompt(MessagePrompt):
    """Which listed record to change or withdraw: a list-card button, or typed ('wijzig 1', 'withdraw 2', 'klaar').
    The listed records come in `PromptOptions.validations` as [{"kind", "id"}], in display order."""

    def __init__(self, dialog_id: str, catalog: Catalog):
        super().__init__(dialog_id)
        self._edit = _words(catalog, "my_offers.edit_words")
        self._withdraw = _words(catalog, "my_offers.withdraw_words")
        self._done = _words(catalog, "my_offers.done_words")

    async def recognize(self, turn_context: TurnContext, state: dict[str, Any], options: PromptOptions) -> dict[str, Any] | None:
        activity = turn_context.activity
        value = card_value(activity)
        choice = choice_from_card(value) if value is not None else self._from_text(clean_text(activity), options.validations or [])
        if choice is None and value is None:
            # Not a choice twice in a row: the user has probably moved on; close the list rather than trap them.
            state["misses"] = int(state.get("misses", 0)) + 1
            if state["misses"] >= MAX_MISSES:
                choice = {"verb": CLOSE}
        return choice

    def _from_text(self, text: str, items: list[dict[str, Any]]) -> dict[str, Any] | None:
        normalized = command_key(text)
        if normalized in self._done:
            return {"verb": DONE}
        words = normalized.split()
        verbs = {EDIT for w in words if w in self._edit} | {WITHDRAW for w in words if w in self._withdraw}
        numbers = [int(w) for w in words if w.isdecimal()]
        if len(verbs) != 1 or len(numbers) > 1:
            return None
        number = numbers[0] if numbers else (1 if len(items) == 1 else 0)
        if not 1 <= number <= len(items):
            return None
        item = items[number - 1]
        return {"verb": verbs.pop(), "kind": item["kind"], "id": item["id"]}


class MyOffersDialog(GuidedDialog):
    ID = "my_offers"

    def __init__(self, services: DialogServices, deps: OffersDeps):
        super().__init__(self.ID, services)
        self.deps = deps
        self.add_dialog(PickPrompt(f"{self.ID}.pick", services.catalog))
        self.add_dialog(YesNoPrompt(f"{self.ID}.confirm", services.catalog))
        self.add_dialog(StepWaterfall(f"{self.ID}.steps", [self.list_step, self.act_step, self.withdraw_step]))
        self.initial_dialog_id = f"{self.ID}.steps"

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self.services.catalog.text(lang, key, **params)

    async def list_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Shows the user's active records and asks which to change or withdraw (skipped when started with a choice)."""
        given = step.options.get("choice") if isinstance(step.options, dict) else None
        if isinstance(given, dict):
            return await step.next(given)
        lang = lang_of(step.context)
        items = await self._items(step.context)
        if not items:
            await step.context.send_activity(card_activity(self.deps.cards.empty(lang)))
            return await step.end_dialog()
        listed = [{"kind": item.kind, "id": item.id} for item in items]
        return await step.prompt(
            f"{self.ID}.pick",
            PromptOptions(
                prompt=card_activity(self.deps.cards.my_list(lang, items)),
                retry_prompt=MessageFactory.text(self.t(lang, "my_offers.pick_retry")),
                validations=listed,
            ),
        )

    async def act_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Stores the chosen record in the step values; opens it in its form, or asks to confirm the withdrawal."""
        choice: dict[str, Any] = step.result
        lang = lang_of(step.context)
        if choice["verb"] in (DONE, CLOSE):
            key = "my_offers.done_reply" if choice["verb"] == DONE else "my_offers.closed"
            await step.context.send_activity(MessageFactory.text(self.t(lang, key)))
            return await step.end_dialog()
        item = await self._item(step.context, choice["kind"], choice["id"])
        if item is None or item.status != ACTIVE:
            await step.context.send_activity(MessageFactory.text(self.t(lang, "my_offers.not_found")))
            return await step.end_dialog()
        if choice["verb"] == EDIT:
            form_id, values = (
                (ExpertiseOfferDialog.ID, offer_values(item)) if isinstance(item, OfferView)
                else (ContributionDialog.ID, contribution_values(item))
            )
            # The form must be the top dialog (its card actions are routed by its id), so it takes our place.
            await step.parent.replace_dialog(form_id, {"values": values})
            return Dialog.end_of_turn
        step.values["target"] = {"kind": choice["kind"], "id": choice["id"]}
        return await step.prompt(
            f"{self.ID}.confirm",
            PromptOptions(
                prompt=card_activity(self.deps.cards.withdraw_confirm(lang, item)),
                retry_prompt=MessageFactory.text(self.t(lang, "yesno.retry")),
            ),
        )

    async def withdraw_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Withdraws the record when confirmed (erasing contact details) and tells the organizers; ends."""
        lang = lang_of(step.context)
        if not step.result:
            await step.context.send_activity(MessageFactory.text(self.t(lang, "my_offers.kept")))
            return await step.end_dialog()
        target = step.values["target"]
        key, now = user_key(step.context.activity), self.services.clock.now()
        view: OfferView | ContributionView | None
        async with self.services.db.transaction() as session:
            if target["kind"] == OFFER:
                view, outcome = await ExpertiseOffers(session).withdraw(user_key=key, offer_id=target["id"], now=now)
            else:
                view, outcome = await ContributionIntentions(session).withdraw(user_key=key, intention_id=target["id"], now=now)
        if outcome == "changed":
            await step.context.send_activity(MessageFactory.text(self.t(lang, f"my_offers.withdrawn_{target['kind']}")))
            self.deps.organizers.announce("withdrawn", view)  # type: ignore[arg-type]
        elif outcome == "unchanged":
            await step.context.send_activity(MessageFactory.text(self.t(lang, "my_offers.already_withdrawn")))
        else:
            await step.context.send_activity(MessageFactory.text(self.t(lang, "my_offers.not_found")))
        return await step.end_dialog()

    # --- the user's records -------------------------------------------------------------------
    async def _items(self, turn_context: TurnContext) -> list[OfferView | ContributionView]:
        key = user_key(turn_context.activity)
        async with self.services.db.transaction() as session:
            offers = await ExpertiseOffers(session).active_for(key)
            intentions = await ContributionIntentions(session).active_for(key)
        return [*offers, *intentions]

    async def _item(self, turn_context: TurnContext, kind: str, record_id: int) -> OfferView | ContributionView | None:
        key = user_key(turn_context.activity)
        async with self.services.db.transaction() as session:
            if kind == OFFER:
                return await ExpertiseOffers(session).get(key, record_id)
            return await ContributionIntentions(session).get(key, record_id)
