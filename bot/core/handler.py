"""The Teams activity handler: thin. It records where users can be reached, welcomes new users,
hands messages to the router, and saves bot state after every turn."""

from __future__ import annotations

import logging

from botbuilder.core import ConversationState, PrivateConversationState, TurnContext, UserState
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import ChannelAccount
from botbuilder.schema.teams import TeamInfo

from bot.core.cards import CoreCards, card_activity
from bot.core.clock import Clock
from bot.core.router import Router
from bot.core.turn import lang_of
from bot.core.turn_store import TurnStore, remember_conversation
from storage.db import Database
from storage.repositories import ConversationReferences

log = logging.getLogger(__name__)


class VngBot(TeamsActivityHandler):
    def __init__(
        self,
        *,
        router: Router,
        cards: CoreCards,
        conversation_state: ConversationState,
        user_state: UserState,
        private_state: PrivateConversationState,
        db: Database,
        clock: Clock,
        turn_store: TurnStore,
    ):
        super().__init__()
        self._router = router
        self._cards = cards
        self._states = (conversation_state, user_state, private_state)
        self._db = db
        self._clock = clock
        self._turn_store = turn_store

    async def on_turn(self, turn_context: TurnContext):
        await super().on_turn(turn_context)
        await self._turn_store.save(turn_context)  # every changed state and the claim, in one transaction

    async def on_message_activity(self, turn_context: TurnContext):
        # The conversation reference was stored with the turn's claim (bot/core/turn_store.py).
        await self._router.route(turn_context)

    async def on_teams_members_added(  # pylint: disable=arguments-differ
        self, teams_members_added: list, team_info: TeamInfo, turn_context: TurnContext
    ):
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(member.id == bot_id for member in teams_members_added):
            await self._remember_conversation(turn_context)
            await turn_context.send_activity(card_activity(self._cards.welcome(lang_of(turn_context))))

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext):
        # Non-Teams channels (Bot Framework Emulator): welcome when the bot joins the conversation.
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(member.id == bot_id for member in members_added):
            await turn_context.send_activity(card_activity(self._cards.welcome(lang_of(turn_context))))

    async def on_installation_update_remove(self, turn_context: TurnContext):
        conversation = turn_context.activity.conversation
        if conversation is None:
            return
        async with self._db.transaction() as session:
            await ConversationReferences(session).mark_removed(conversation.id, self._clock.now())

    async def _remember_conversation(self, turn_context: TurnContext) -> None:
        """Keep the conversation reference fresh, for proactive messages (reminders, answers, posts)."""
        async with self._db.transaction() as session:
            await remember_conversation(session, turn_context, self._clock)
