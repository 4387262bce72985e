"""What the registration conversations share: the sessions, the registrar (storage), the cards, and the
follow-up work that runs after a reply (telling promoted people that a place came free)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core.clock import Clock
from bot.registration.cards import Listed, RegistrationCards
from bot.registration.reminders import ReminderScheduler
from bot.sessions.model import Session, find_session, open_sessions
from storage.registration.models import WAITLISTED, Registration
from storage.registration.repository import Registrar, RegistrationOutcome

log = logging.getLogger(__name__)


@dataclass
class RegistrationDesk:
    sessions: list[Session]
    registrar: Registrar
    cards: RegistrationCards
    clock: Clock
    scheduler: ReminderScheduler
    _tasks: set[asyncio.Task] = field(default_factory=set)
    # Set by the sessions desk: re-reads organizers' session changes (cheap when nothing changed), so a seat
    # is never taken against a capacity another instance has just lowered.
    refresh_sessions: Callable[[], Awaitable[Any]] | None = None

    async def current_sessions(self) -> None:
        if self.refresh_sessions is not None:
            await self.refresh_sessions()

    def open_sessions(self) -> list[Session]:
        return open_sessions(self.sessions, self.clock.now())

    def session(self, session_id: object) -> Session | None:
        return find_session(self.sessions, session_id)

    async def listed(self, registration: Registration) -> Listed | None:
        session = self.session(registration.session_id)
        if session is None:
            return None
        position = await self.registrar.waitlist_position(registration) if registration.status == WAITLISTED else None
        return Listed(registration, session, position)

    async def listed_for_user(self, user_key: str) -> list[Listed]:
        """The person's active registrations for sessions that have not ended, soonest first."""
        now = self.clock.now()
        found = []
        for registration in await self.registrar.active_for_user(user_key):
            item = await self.listed(registration)
            if item is not None and item.session.end > now:
                found.append(item)
        return sorted(found, key=lambda item: item.session.start)

    def after_change(self, outcome: RegistrationOutcome) -> None:
        """People promoted from a waitlist are told after this turn's reply, in the background; the
        scheduler's tick picks up whatever this misses (e.g. a restart)."""
        if outcome.promoted:
            task = asyncio.create_task(self._deliver_promotions())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver_promotions(self) -> None:
        try:
            await self.scheduler.deliver_promotions()
        except Exception as error:  # noqa: BLE001 - the next scheduler tick tries again
            log.error("could not deliver promotion messages now: %s", type(error).__name__)

    async def idle(self) -> None:
        """Wait for background work (tests; shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self, grace: float = 5.0) -> None:
        """At shutdown: let running deliveries finish for a moment, then stop them (their claims are taken
        over by a later tick)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=grace)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
