"""A turn's database work in as few round trips as correctness allows (middleware, and the save at the end).

At the start, one transaction: the redelivery claim (an activity id is processed once; Teams re-sends
slow turns), the conversation reference (for proactive messages; messages only), and the turn's bot state
rows (conversation, user, private), kept for the turn so that loading the state objects costs no query.
At the end, one transaction when the turn changed state: the state rows and the claim's "finished" mark.
A turn that changed no state does not wait for its finished mark: the mark rides along with the next
transaction of this process (the next turn's start), or is written in the background `finish_delay` after
the turn at the latest, so a plain turn costs one round trip on its way and the mark is durable within a
fraction of a second (another instance, or this one restarted, drops a late re-delivery of that activity
instead of answering it twice).

Claims:
- the first turn for an activity id takes the claim; the claim records when;
- a re-delivery of a finished turn is dropped (201: Teams stops re-sending);
- a re-delivery while the claim is in progress gets `TurnNotCompleted` (the edge answers 503 and Teams
  re-sends later), unless the claim is older than the lease: then its turn died (a process killed
  mid-turn) or hung, and the re-delivery takes the claim over;
- a turn that fails releases its claim, so a re-delivery is processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from botbuilder.core import BotState, Middleware, TurnContext
from botbuilder.schema import ActivityTypes

from bot.core.adapter import BatchingTurnContext
from bot.core.clock import Clock
from bot.core.connector import to_json
from bot.core.state_storage import SqlStorage, TurnRows, end_turn_rows, pending_changes, use_turn_rows
from bot.core.turn import TurnNotCompleted, tenant_id, user_ids
from storage.bot_state import BotStates
from storage.db import Database
from storage.repositories import ConversationReferences, ProcessedActivities

log = logging.getLogger(__name__)

NextFn = Callable[[], Awaitable[None]]
PRUNE_AFTER = timedelta(days=2)
DEFAULT_LEASE = timedelta(seconds=30)  # Teams waits 15 s for a turn; a claim older than this is a dead turn's
DEFAULT_FINISH_DELAY = 0.2  # seconds: finished marks of turns without state changes are written together
_CLAIM_KEY = "vng.claim"
_FINISHED_KEY = "vng.claim_finished"
_CLAIMED_TYPES = (ActivityTypes.message, ActivityTypes.invoke)


class TurnStore(Middleware):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        storage: SqlStorage,
        states: tuple[BotState, ...],
        *,
        lease: timedelta = DEFAULT_LEASE,
        finish_delay: float = DEFAULT_FINISH_DELAY,
    ):
        self._db = db
        self._clock = clock
        self._storage = storage
        self._states = states
        self._lease = lease
        self._unflushed: set[str] = set()  # claims whose turns finished, not yet marked in the database
        self.finish_delay = finish_delay  # seconds until the background write of finished marks
        self._flusher: asyncio.Task[None] | None = None  # writes `_unflushed` soon when no turn takes it along
        self._claims = 0

    async def on_turn(self, context: TurnContext, logic: NextFn):
        token = use_turn_rows(None)
        try:
            return await self._turn(context, logic)
        finally:
            end_turn_rows(token)

    async def _turn(self, context: TurnContext, logic: NextFn):
        activity = context.activity
        key = None
        if activity.id and activity.type in _CLAIMED_TYPES:
            conversation_id = activity.conversation.id if activity.conversation else ""
            key = ProcessedActivities.key_for(activity.channel_id or "", conversation_id, activity.id)
            if key in self._unflushed:
                log.info("dropped a re-delivered activity")
                return
        state_keys = self._state_keys(context)
        now = self._clock.now()
        finishing, self._unflushed = self._unflushed, set()
        try:
            async with self._db.transaction() as session:
                if finishing:
                    await ProcessedActivities(session).finish(sorted(finishing), now)
                taken, finished = True, False
                if key is not None:
                    repo = ProcessedActivities(session)
                    taken = await repo.claim(key, now, now - self._lease)
                    self._claims += 1
                    if taken and self._claims % 500 == 0:
                        await repo.prune(now - PRUNE_AFTER)
                    if not taken:
                        finished = await repo.is_finished(key)
                if taken:
                    rows = await BotStates(session).read(state_keys) if state_keys else {}
                    if activity.type == ActivityTypes.message:
                        await self._remember_conversation(session, context)
        except BaseException:
            self._unflushed |= finishing
            raise
        if not taken:
            if finished:
                log.info("dropped a re-delivered activity")
                return
            log.info("a re-delivered activity arrived while its turn is in progress; asked for a later re-send")
            raise TurnNotCompleted("the turn for this activity is still in progress")
        use_turn_rows(TurnRows({k: rows.get(k) for k in state_keys}))
        if key is not None:
            context.turn_state[_CLAIM_KEY] = key
        batching = key is not None and isinstance(context, BatchingTurnContext)
        if batching:
            context.start_batch()  # the step's replies go out together, before its state is saved
        try:
            await logic()
            if batching:
                await context.flush_batch()
        except BaseException:
            if batching:
                context.discard_batch()  # a failed turn's replies are not sent; the apology is
            if key is not None and not context.turn_state.get(_FINISHED_KEY):
                async with self._db.transaction() as session:
                    await ProcessedActivities(session).release(key)
            raise
        if key is not None and not context.turn_state.get(_FINISHED_KEY):
            self._unflushed.add(key)  # marked with the next transaction, or soon (see the module text)
            self._flush_soon()
        return

    def _flush_soon(self) -> None:
        if self._flusher is None or self._flusher.done():
            # A fresh context: the background write is no part of this turn (its rows, its trace).
            self._flusher = asyncio.create_task(self._flush_later(), context=contextvars.Context())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self.finish_delay)
        try:
            await self._write_finished()
        except Exception:  # the database is away: the marks stay for the next transaction
            log.warning("could not mark finished turns now; they are marked with the next transaction", exc_info=True)

    async def save(self, context: TurnContext) -> None:
        """Send the step's replies, then save the state this turn changed and mark its claim finished, in one
        transaction. Without changes, nothing is written now (the claim is marked with the next transaction).
        Replies that cannot be delivered raise before anything is saved."""
        if isinstance(context, BatchingTurnContext):
            await context.flush_batch()
        changes = pending_changes(context, self._states)
        if not changes:
            return
        items = {storage_key: state for storage_key, state, _cache in changes}
        key = context.turn_state.get(_CLAIM_KEY)
        async with self._db.transaction() as session:
            rows = await self._storage.write_in(session, items)
            if key is not None:
                await ProcessedActivities(session).finish([key], self._clock.now())
        self._storage.written(items, rows)
        for _storage_key, state, cache in changes:
            cache.hash = cache.compute_hash(state)
        if key is not None:
            context.turn_state[_FINISHED_KEY] = True

    async def flush(self) -> None:
        """Mark the finished claims not yet marked (at shutdown)."""
        flusher, self._flusher = self._flusher, None
        if flusher is not None and not flusher.done():
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
        await self._write_finished()

    async def _write_finished(self) -> None:
        finishing, self._unflushed = self._unflushed, set()
        if not finishing:
            return
        try:
            async with self._db.transaction() as session:
                await ProcessedActivities(session).finish(sorted(finishing), self._clock.now())
        except BaseException:
            self._unflushed |= finishing
            raise

    def _state_keys(self, context: TurnContext) -> list[str]:
        keys = []
        for state in self._states:
            try:
                keys.append(state.get_storage_key(context))
            except Exception:  # noqa: BLE001 - this activity has no user or conversation for that scope
                continue
        return keys

    async def _remember_conversation(self, session: Any, context: TurnContext) -> None:
        """Keep the conversation reference fresh, for proactive messages (reminders, answers, posts)."""
        await remember_conversation(session, context, self._clock)


async def remember_conversation(session: Any, context: TurnContext, clock: Clock) -> None:
    activity = context.activity
    if activity.conversation is None or not activity.service_url:
        return
    reference = TurnContext.get_conversation_reference(activity)
    user_id, aad_object_id = user_ids(activity)
    conversation_type = activity.conversation.conversation_type or ("group" if activity.conversation.is_group else "personal")
    await ConversationReferences(session).upsert(
        conversation_id=activity.conversation.id,
        conversation_type=conversation_type,
        user_id=user_id if conversation_type == "personal" else None,
        aad_object_id=aad_object_id if conversation_type == "personal" else None,
        tenant_id=tenant_id(activity),
        service_url=activity.service_url,
        reference_json=json.dumps(to_json(reference)),  # what msrest's serialize() gives, cheaper
        now=clock.now(),
    )
