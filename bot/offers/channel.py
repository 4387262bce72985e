"""The organizers' channel for offers: learning where it is, and posting there.

An organizer (Entra object id in ORGANIZER_AAD_IDS) @mentions the bot in a Teams channel or chat with a
strict command ("meldingen hier" / "notifications here"); the bot stores that conversation, and from then on
posts a card there for every new, changed or withdrawn offer or intention. "meldingen uit" /
"notifications off" stops it. Anyone else gets a polite refusal.

Posts run after the user's turn, in the background, through `Messenger` (retries, 403/429 handling): a slow
or failing post never holds up or breaks the user's turn. Failures are logged with record ids only.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext

from bot.core.background import BackgroundTasks
from bot.core.cards import card_activity
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.events import RecordWithdrawn
from bot.core.i18n import LANGUAGES, Catalog
from bot.core.organizers import Organizers
from bot.core.proactive import Delivery, Messenger
from bot.core.turn import clean_text, lang_of, tenant_id, user_ids
from bot.nlu.commands import CommandWords
from bot.offers.cards import Item, OfferCards
from dialogs.offers.expertise_offer import OfferEvent
from storage.db import Database
from storage.offers.repository import OrganizerChannels

log = logging.getLogger(__name__)

PURPOSE = "offers"
ChannelCommand = Literal["set", "stop"]
SET: ChannelCommand = "set"
STOP: ChannelCommand = "stop"
_THREAD = ";messageid="


def channel_root(conversation_id: str) -> str:
    """A channel message's conversation id names its thread; posts go to the channel itself, as new threads."""
    return conversation_id.split(_THREAD, 1)[0]


class OffersChannel:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        catalog: Catalog,
        settings: Settings,
        messenger: Messenger,
        cards: OfferCards,
        organizers: Organizers,
    ):
        self._db = db
        self._clock = clock
        self._catalog = catalog
        self._settings = settings
        self._messenger = messenger
        self._cards = cards
        self._organizers = organizers
        self._commands: CommandWords[tuple[ChannelCommand, str]] = CommandWords()
        for lang in LANGUAGES:
            for command, key in ((SET, "offers.channel.set_words"), (STOP, "offers.channel.stop_words")):
                self._commands.add(catalog.raw(lang, key), (command, lang))
        self._background = BackgroundTasks("organizer posts")

    # --- the command ----------------------------------------------------------------------------
    def command_of(self, text: str) -> tuple[ChannelCommand, str] | None:
        """(command, language of the phrasing) when the whole message is one of the command phrasings."""
        return self._commands.get(text)

    def matches(self, turn_context: TurnContext, text: str) -> bool:
        return self.command_of(text) is not None

    async def handle(self, dc: DialogContext) -> None:
        """Store or forget this conversation as the organizers' channel (organizers only)."""
        context = dc.context
        activity = context.activity
        lang = lang_of(context)
        found = self.command_of(clean_text(activity))
        if found is None or activity.conversation is None:
            return
        command, post_lang = found
        if not await self._organizers.authorize(context, f"organizer_channel.{command}", refusal_key="offers.channel.refused"):
            return
        conversation_id = channel_root(activity.conversation.id)
        async with self._db.transaction() as session:
            channels = OrganizerChannels(session)
            if command == SET:
                await channels.set(
                    purpose=PURPOSE,
                    conversation_id=conversation_id,
                    conversation_type=activity.conversation.conversation_type or "personal",
                    tenant_id=tenant_id(activity),
                    reference_json=self._reference_json(context, conversation_id),
                    language=post_lang,
                    set_by_aad_object_id=user_ids(activity)[1],
                    now=self._clock.now(),
                )
                key = "offers.channel.set_done"
            else:
                key = "offers.channel.stop_done" if await channels.clear(PURPOSE, conversation_id) else "offers.channel.stop_nothing"
        log.info("organizer channel command %s handled", command)
        await context.send_activity(MessageFactory.text(self._catalog.text(lang, key)))

    @staticmethod
    def _reference_json(context: TurnContext, conversation_id: str) -> str:
        reference = TurnContext.get_conversation_reference(context.activity)
        reference.conversation.id = conversation_id
        reference.activity_id = None  # a new post, not a reply to the command
        return json.dumps(reference.serialize())

    # --- posting --------------------------------------------------------------------------------
    def announce(self, event: OfferEvent, item: Item) -> None:
        """Post `event` about `item` after this turn, in the background."""
        self._background.spawn(self._post(event, item))

    async def on_withdrawn(self, event: RecordWithdrawn) -> None:
        """An offer or intention withdrawn by another feature (an erasure)."""
        self.announce("withdrawn", event.item)

    async def drain(self) -> None:
        """Wait for the posts under way (tests)."""
        await self._background.idle()

    async def on_shutdown(self, _app: Any) -> None:
        await self._background.close(grace=10)

    async def _post(self, event: OfferEvent, item: Item) -> None:
        try:
            async with self._db.transaction() as session:
                channel = await OrganizerChannels(session).get(PURPOSE)
            if channel is None:
                log.info("no organizer channel set: %s %s %d not posted", item.kind, event, item.id)
                return

            async def build(_turn_context: TurnContext):
                return card_activity(self._cards.organizer_post(channel.language, event, item))

            delivery = await self._messenger.send(channel.reference, build)
            if delivery is Delivery.SENT:
                log.info("posted %s %s %d to the organizers", item.kind, event, item.id)
            else:
                log.warning("organizer post of %s %s %d not delivered (%s)", item.kind, event, item.id, delivery.value)
        except Exception as error:  # noqa: BLE001 - a post must never break anything; log without personal data
            log.warning("organizer post of %s %s %d failed (%s)", item.kind, event, item.id, type(error).__name__)
