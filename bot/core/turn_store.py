"""A turn's database work in as few round trips as correctness allows (middleware, and the save at the end).

At the start, one transaction: the redelivery claim (an activity id is processed once; Teams re-sends
slow turns), the conversation reference (for proactive messages; messages only), and the turn's bot state
rows (conversation, user, private), kept for the turn so that loading the state objects costs no query.
At the end, one transaction when the turn changed state: the state rows and the claim's "finished" mark.
A turn that changed no state leaves its finished mark for a later transaction of this process: the marks
ride along with the first turn that starts at least `finish_delay` (a quarter of a second) after the oldest
waiting one, or are written on their own after that delay, or at shutdown; so a plain turn costs one round
trip, and under load one statement marks the turns of a quarter second. (A re-delivery in the meantime is
dropped by this process, which knows the mark; another instance answers 503 and Teams sends it again.)
The conversation reference is written when it changed, and otherwise once every `reference_refresh`
(a minute) per conversation; a reference this process marked removed or deleted is written again at once.
These transactions use a bare connection with Core statements built once (storage/repositories.py), as
units of work that on SQLite run in one hop to the database thread (`Database.core_unit`).

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
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from botbuilder.core import BotState, Middleware, TurnContext
from botbuilder.schema import ActivityTypes
from sqlalchemy.ext.asyncio import AsyncConnection

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
FINISH_DELAY = 0.25  # seconds a finished mark may wait for a transaction to ride along with (far below the lease)
REFERENCE_REFRESH = 60.0  # seconds: an unchanged conversation reference is written again after this
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
        finish_delay: float = FINISH_DELAY,
        reference_refresh: float = REFERENCE_REFRESH,
    ):
        self._db = db
        self._clock = clock
        self._storage = storage
        self._states = states
        self._lease = lease
        self.finish_delay = finish_delay
        self.reference_refresh = reference_refresh
        self._unflushed: set[str] = set()  # claims whose turns finished, not yet marked in the database
        self._unflushed_since = 0.0  # when the oldest of them finished (time.monotonic)
        self._flush_timer: asyncio.TimerHandle | None = None
        self._references: dict[str, tuple[tuple, float]] = {}  # conversation -> (what was written, when)
        self._references_at = ConversationReferences.changes
        self._claims = 0
        self._flushing: set[asyncio.Task] = set()

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
        finishing: set[str] = set()
        if self._unflushed and time.monotonic() - self._unflushed_since >= self.finish_delay:
            finishing, self._unflushed = self._unflushed, set()
        reference = self._reference_to_write(context) if activity.type == ActivityTypes.message else None
        prune = False
        if key is not None:
            self._claims += 1
            prune = self._claims % 500 == 0

        async def start(conn: AsyncConnection) -> tuple[bool, bool, dict[str, tuple[str, str]]]:
            if finishing:
                await ProcessedActivities(conn).finish(sorted(finishing), now)
            taken, finished, rows = True, False, {}
            if key is not None:
                repo = ProcessedActivities(conn)
                taken = await repo.claim(key, now, now - self._lease)
                if taken and prune:
                    await repo.prune(now - PRUNE_AFTER)
                if not taken:
                    finished = await repo.is_finished(key)
            if taken:
                rows = await BotStates(conn).read(state_keys) if state_keys else {}
                if reference is not None:
                    await ConversationReferences(conn).upsert(**reference[1], now=now)
            return taken, finished, rows

        try:
            taken, finished, rows = await self._db.core_unit(start)
        except BaseException:
            self._unflushed |= finishing
            raise
        if taken and reference is not None:
            self._references[reference[0]] = (reference[2], time.monotonic())
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
            self._mark_later(key)
        return

    def _mark_later(self, key: str) -> None:
        """The turn of `key` finished without a transaction of its own: mark it with a later one (module text)."""
        if not self._unflushed:
            self._unflushed_since = time.monotonic()
        self._unflushed.add(key)
        if self._flush_timer is None:
            self._flush_timer = asyncio.get_running_loop().call_later(self.finish_delay * 2, self._flush_soon)

    def _flush_soon(self) -> None:
        self._flush_timer = None
        if self._unflushed:
            task = asyncio.get_running_loop().create_task(self._flush_quietly())
            self._flushing.add(task)
            task.add_done_callback(self._flushing.discard)

    async def _flush_quietly(self) -> None:
        try:
            await self.flush()
        except Exception:  # noqa: BLE001 - the marks stay waiting for the next transaction
            log.warning("could not mark finished turns now; they ride along with the next turn")

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
        finishing = [key] if key is not None else []
        now = self._clock.now()

        async def write(conn: AsyncConnection) -> dict[str, tuple[str, str]]:
            rows = await self._storage.write_in(conn, items)
            if finishing:
                await ProcessedActivities(conn).finish(finishing, now)
            return rows

        rows = await self._db.core_unit(write)
        self._storage.written(items, rows)
        for _storage_key, state, cache in changes:
            cache.hash = cache.compute_hash(state)
        if key is not None:
            context.turn_state[_FINISHED_KEY] = True

    async def flush(self) -> None:
        """Mark the finished claims not yet marked (after `finish_delay`, and at shutdown); when it returns,
        every turn finished before the call is marked."""
        current = asyncio.current_task()
        for task in list(self._flushing):
            if task is not current:
                await asyncio.shield(task)  # marks a timed write took are written once it is done
        if self._flush_timer is not None and not self._unflushed:
            self._flush_timer.cancel()
            self._flush_timer = None
        finishing, self._unflushed = self._unflushed, set()
        if finishing:
            try:
                now = self._clock.now()
                await self._db.core_unit(lambda conn: ProcessedActivities(conn).finish(sorted(finishing), now))
            except BaseException:
                self._unflushed |= finishing
                raise

    async def close(self) -> None:
        """At shutdown: no more timed marks; the waiting ones are written now."""
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        await self.flush()

    def _reference_to_write(self, context: TurnContext) -> tuple[str, dict[str, Any], tuple] | None:
        """(conversation id, the row's values, what identifies them) when the conversation reference must be
        written in this turn: new to this process, changed, or last written `reference_refresh` ago."""
        found = reference_values(context)
        if found is None:
            return None
        values, written = found
        if self._references_at != ConversationReferences.changes:  # this process removed or deleted references
            self._references.clear()
            self._references_at = ConversationReferences.changes
        known = self._references.get(values["conversation_id"])
        if known is not None and known[0] == written and time.monotonic() - known[1] < self.reference_refresh:
            return None
        if len(self._references) > 50_000:
            self._references.clear()  # bounded: an unknown conversation only costs one write
        return values["conversation_id"], values, written

    def _state_keys(self, context: TurnContext) -> list[str]:
        keys = []
        for state in self._states:
            try:
                keys.append(state.get_storage_key(context))
            except Exception:  # noqa: BLE001 - this activity has no user or conversation for that scope
                continue
        return keys


def reference_values(context: TurnContext) -> tuple[dict[str, Any], tuple] | None:
    """The conversation reference row of this activity's conversation, and what identifies where it leads
    (the same row but for the id of the message it came with); None when the activity has no reference."""
    activity = context.activity
    if activity.conversation is None or not activity.service_url:
        return None
    reference = TurnContext.get_conversation_reference(activity)
    message_id, reference.activity_id = reference.activity_id, None
    data = to_json(reference)  # what msrest's serialize() gives, cheaper
    where = json.dumps(data)
    if message_id is not None:
        data["activityId"] = message_id
    user_id, aad_object_id = user_ids(activity)
    conversation_type = activity.conversation.conversation_type or ("group" if activity.conversation.is_group else "personal")
    values = {
        "conversation_id": activity.conversation.id,
        "conversation_type": conversation_type,
        "user_id": user_id if conversation_type == "personal" else None,
        "aad_object_id": aad_object_id if conversation_type == "personal" else None,
        "tenant_id": tenant_id(activity),
        "service_url": activity.service_url,
    }
    fingerprint = (*values.values(), where)
    values["reference_json"] = json.dumps(data) if message_id is not None else where
    return values, fingerprint


async def remember_conversation(session: Any, context: TurnContext, clock: Clock) -> None:
    found = reference_values(context)
    if found is not None:
        await ConversationReferences(session).upsert(**found[0], now=clock.now())
