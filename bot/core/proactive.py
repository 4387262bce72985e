"""Proactive messages (reminders, answers to forwarded questions, organizer posts).

A message goes to a stored conversation reference. The turn runs through the same middleware, so the
text can be built in the receiver's language. A user who removed the app (403/404) is marked and not
retried; throttling (429) and passing connector failures (5xx) are retried with back-off.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ConversationReference

from bot.core import metrics
from bot.core.clock import Clock
from bot.core.connector import ConnectorError, RetryPolicy, retry_policy
from bot.core.i18n import DEFAULT_LANGUAGE, normalize_language
from bot.core.turn import lang_of
from storage.db import Database
from storage.repositories import ConversationReferences

log = logging.getLogger(__name__)

BuildReply = Callable[[TurnContext], Awaitable[Activity | str | list[Activity | str]]]
GONE_STATUSES = (403, 404)
RETRY_STATUSES = (429, 500, 502, 503, 504)
_ONE_TRY = RetryPolicy(attempts=1)


class Delivery(enum.Enum):
    SENT = "sent"
    GONE = "gone"  # the user removed the app or the conversation no longer exists: do not retry
    FAILED = "failed"  # gave up after retries; a later run may try again


class Messenger:
    def __init__(
        self,
        adapter: CloudAdapter,
        *,
        app_id: str,
        db: Database,
        clock: Clock,
        attempts: int = 4,
        base_delay: float = 1.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ):
        self._adapter = adapter
        self._app_id = app_id
        self._db = db
        self._clock = clock
        self._attempts = attempts
        self._base_delay = base_delay
        self._sleep = sleep

    async def send(self, reference_json: str, build: BuildReply) -> Delivery:
        reference = ConversationReference().deserialize(json.loads(reference_json))
        outcome: dict[str, Any] = {}

        async def logic(turn_context: TurnContext) -> None:
            replies = await build(turn_context)
            outcome["replies"] = replies if isinstance(replies, list) else [replies]

        # Build once (inside a turn, for the receiver's language), then deliver with retries.
        for attempt in range(1, self._attempts + 1):
            outcome.pop("error", None)
            with retry_policy(_ONE_TRY):  # this loop backs off itself, for longer than a turn may wait
                await self._adapter.continue_conversation(reference, lambda tc: self._deliver(tc, logic, outcome), self._app_id)
            error: ConnectorError | None = outcome.get("error")
            if error is None:
                return Delivery.SENT
            # None: the connector could not be reached at all (refused, name lookup, time-out)
            status = error.status if error.status is not None else 503
            retry_after = min(error.retry_after, 60.0) if error.retry_after is not None else None
            if status in GONE_STATUSES:
                log.info("proactive message not delivered: the conversation is gone (%s)", status)
                async with self._db.transaction() as session:
                    await ConversationReferences(session).mark_removed(reference.conversation.id, self._clock.now())
                return Delivery.GONE
            if status not in RETRY_STATUSES or attempt == self._attempts:
                log.warning("proactive message failed with status %s after %d attempt(s)", status, attempt)
                return Delivery.FAILED
            metrics.connector_retry()  # the failed attempt itself was counted by the connector client
            await self._sleep(retry_after if retry_after is not None else self._base_delay * 2 ** (attempt - 1))
        return Delivery.FAILED

    @staticmethod
    async def _deliver(turn_context: TurnContext, logic, outcome: dict[str, Any]) -> None:
        """Runs inside the proactive turn; a connector error is kept for the caller, not raised
        (the adapter would hand it to the turn error handler, which would message the user)."""
        if "replies" not in outcome:
            await logic(turn_context)
        try:
            await turn_context.send_activities(
                [Activity(type="message", text=r) if isinstance(r, str) else r for r in outcome["replies"]]
            )
        except ConnectorError as error:
            outcome["error"] = error


def receiver_language(turn_context: TurnContext, remembered: str) -> str:
    """The receiver's language in a proactive turn. botbuilder 4.17.1 leaves the stored reference's locale
    out of the continuation activity, so the middleware knows only a language the person chose explicitly
    and otherwise falls back to Dutch; then the language the person used with this feature is the better
    guess."""
    lang = lang_of(turn_context)
    if turn_context.activity.locale is None and lang == DEFAULT_LANGUAGE:
        return normalize_language(remembered)
    return lang
