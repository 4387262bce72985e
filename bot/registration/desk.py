"""What the registration conversations share: the session book (read through the sessions feature's public
interface), the registrar (storage), the cards, and the follow-up work that runs after a reply (telling
promoted people that a place came free)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from bot.core.background import BackgroundTasks
from bot.core.clock import Clock
from bot.core.events import CapacityChanged, WaitlistMoved
from bot.registration.cards import Listed, RegistrationCards
from bot.registration.reminders import ReminderScheduler
from bot.sessions import Session, SessionBook
from storage.registration.models import WAITLISTED, Registration
from storage.registration.repository import Registrar

log = logging.getLogger(__name__)


@dataclass
class RegistrationDesk:
    book: SessionBook
    registrar: Registrar
    cards: RegistrationCards
    clock: Clock
    scheduler: ReminderScheduler
    background: BackgroundTasks = field(default_factory=lambda: BackgroundTasks("registration"))

    async def current_sessions(self) -> None:
        """Re-read organizers' session changes (cheap when nothing changed), so a seat is never taken
        against a capacity another instance has just lowered."""
        await self.book.refresh()

    def open_sessions(self) -> list[Session]:
        return self.book.open(self.clock.now())

    def session(self, session_id: object) -> Session | None:
        return self.book.get(session_id)

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

    async def is_registered(self, user_key: str) -> bool:
        """Whether the person holds a seat or a waitlist place for a session that has not ended."""
        return bool(await self.listed_for_user(user_key))

    def tell_promoted(self, promoted: tuple[int, ...]) -> None:
        """People promoted from a waitlist are told after this turn's reply, in the background; the
        scheduler's tick picks up whatever this misses (e.g. a restart)."""
        if promoted:
            self.background.spawn(self.scheduler.deliver_promotions())

    # --- events of other features -------------------------------------------------------------
    async def on_capacity_changed(self, event: CapacityChanged) -> int:
        """A changed capacity: free seats go to the waitlist (one transaction); the promoted are told after
        this reply. How many moved up."""
        try:
            promoted = await self.registrar.fill(session_id=event.session_id, mode=event.mode, capacity=event.capacity, now=event.at)
        except SQLAlchemyError as error:
            log.error("the waitlist of session %s (%s) could not move up: %s", event.session_id, event.mode, type(error).__name__)
            return 0
        self.tell_promoted(promoted)
        return len(promoted)

    async def on_waitlist_moved(self, event: WaitlistMoved) -> None:
        self.tell_promoted(event.registration_ids)

    async def idle(self) -> None:
        """Wait for background work (tests)."""
        await self.background.idle()

    async def close(self) -> None:
        await self.background.close()
