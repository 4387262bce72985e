"""Expertise offers and financial contributions: the offer and contribution forms, 'my offers', and the
organizers' channel where new, changed and withdrawn offers are posted.

Public interface (for app.py, other features and tests):
- `install(app, core)`: wires the feature;
- `OFFER_OPTIONS`: the app key of the `OfferOptions` (the labels of areas, languages and ways of working),
  which the privacy and organizers features show; `OfferOptions` and `euro` to build them into cards;
- `OFFERS`: the app key of what was built (tests: `drain()` waits for the organizer posts).
The feature posts `RecordWithdrawn` events (an erasure) to the organizers' channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from botbuilder.core import MessageFactory
from botbuilder.dialogs import DialogContext

from bot.core.events import RecordWithdrawn
from bot.core.turn import lang_of
from bot.core.wiring import Core
from bot.offers.cards import OfferCards, OfferOptions, euro
from bot.offers.channel import OffersChannel
from dialogs.offers.contribution import ContributionDialog
from dialogs.offers.expertise_offer import ExpertiseOfferDialog, OffersDeps
from dialogs.offers.my_offers import DONE, MyOffersDialog, choice_from_card

__all__ = ["OFFERS", "OFFER_OPTIONS", "OfferOptions", "OffersFeature", "euro", "install"]


@dataclass(frozen=True)
class OffersFeature:
    """What `install` built; tests reach it through `app[OFFERS]`."""

    deps: OffersDeps
    channel: OffersChannel

    async def drain(self) -> None:
        """Wait until the organizer posts under way are done."""
        await self.channel.drain()


OFFERS = web.AppKey("offers", OffersFeature)
OFFER_OPTIONS = web.AppKey("offer_options", OfferOptions)


def install(app: web.Application, core: Core) -> None:
    """The offer, contribution and 'my offers' dialogs, their jobs and card actions, and the organizers'
    'notifications here' command."""
    catalog = core.catalog
    options = OfferOptions.load(catalog, core.settings.content_dir)
    cards = OfferCards(catalog, options)
    channel = OffersChannel(
        db=core.db, clock=core.clock, catalog=catalog, settings=core.settings,
        messenger=core.messenger, cards=cards, organizers=core.organizers,
    )
    deps = OffersDeps(options=options, cards=cards, organizers=channel)
    router = core.router
    core.dialogs.add(ExpertiseOfferDialog(core.services, deps))
    core.dialogs.add(ContributionDialog(core.services, deps))
    core.dialogs.add(MyOffersDialog(core.services, deps))
    router.add_job_dialog("offer_expertise", ExpertiseOfferDialog.ID, personal=True)
    router.add_job_dialog("contribute", ContributionDialog.ID, personal=True)
    router.add_job_dialog("my_offers", MyOffersDialog.ID, personal=True)
    router.add_command(channel.matches, channel.handle)
    core.events.subscribe(RecordWithdrawn, channel.on_withdrawn)

    # Buttons of cards whose conversation has ended (an old list, an old explanation) still work.
    async def restart(dc: DialogContext, dialog_id: str, options: dict[str, Any] | None = None) -> None:
        if dc.active_dialog is not None:
            await dc.cancel_all_dialogs()
            await dc.context.send_activity(MessageFactory.text(catalog.text(lang_of(dc.context), "cancel.replaced")))
        await dc.begin_dialog(dialog_id, options)

    async def on_list_button(dc: DialogContext, value: dict[str, Any]) -> None:
        choice = choice_from_card(value)
        await restart(dc, MyOffersDialog.ID, {"choice": choice} if choice and choice["verb"] != DONE else None)

    async def on_contribute_answer(dc: DialogContext, value: dict[str, Any]) -> None:
        if value.get("answer") == "yes":
            await restart(dc, ContributionDialog.ID, {"pledge": True})
        else:
            await dc.context.send_activity(MessageFactory.text(catalog.text(lang_of(dc.context), "contribute.intro.declined")))

    async def on_contribute_mine(dc: DialogContext, _value: dict[str, Any]) -> None:
        await restart(dc, MyOffersDialog.ID)

    router.add_action("my_offers.edit", on_list_button)
    router.add_action("my_offers.withdraw", on_list_button)
    router.add_action("contribute.intro", on_contribute_answer)
    router.add_action("contribute.mine", on_contribute_mine)

    app[OFFERS] = OffersFeature(deps, channel)
    app[OFFER_OPTIONS] = options
    app.on_shutdown.append(channel.on_shutdown)
