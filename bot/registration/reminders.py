"""Proactive messages about registrations, sent by a scheduler: reminders before a session, 'a place came
free' to people promoted from the waitlist, and 'there is a new session' to those who asked.

- One `tick()` does all due work; it can be called directly (tests) and runs every N seconds in the app
  (`start()`/`stop()`, from an aiohttp cleanup_ctx).
- State lives in the database: every message is claimed with a unique (registration, kind) row before it
  is sent, so a restart does not send it again and several instances never send it twice. A FAILED send
  releases the claim for a later tick; GONE (the user removed the app) is final. A claim whose sender died
  is taken over after `lease`.
- Which reminder: offsets such as "24h,1h" (REMINDER_OFFSETS). Only the nearest due one is sent, and only
  to registrations made before that reminder moment (no 'tomorrow' message right after registering).
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta

from botbuilder.core import TurnContext

from bot.core.background import DeliveryReport, TicksPeriodically
from bot.core.cards import card_activity
from bot.core.clock import Clock
from bot.core.proactive import Delivery, Messenger, receiver_language
from bot.registration.cards import Listed, RegistrationCards
from bot.sessions import Session, SessionBook
from storage.db import Database
from storage.models import NoticeStatus
from storage.registration.models import CONFIRMED, GONE, PENDING, SENT, SKIPPED, Registration
from storage.registration.repository import PROMOTED, Registrations
from storage.repositories import ConversationReferences

log = logging.getLogger(__name__)

_OFFSET = re.compile(r"^\s*(\d+)\s*([dhm])\s*$", re.IGNORECASE)
_UNITS = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_OUTCOME = {Delivery.SENT: SENT, Delivery.GONE: GONE, Delivery.FAILED: PENDING}


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """'24h,1h' -> (24 hours, 1 hour), largest first. Units: d, h, m. Empty text: no reminders."""
    offsets: list[timedelta] = []
    for part in (p for p in text.split(",") if p.strip()):
        match = _OFFSET.match(part)
        if not match or int(match.group(1)) == 0:
            raise ValueError(f"reminder offset {part.strip()!r}: use a positive number with d, h or m, e.g. 24h")
        offsets.append(int(match.group(1)) * _UNITS[match.group(2).lower()])
    return tuple(sorted(set(offsets), reverse=True))


def reminder_kind(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"reminder:{minutes // 60}h" if minutes % 60 == 0 else f"reminder:{minutes}m"


class ReminderScheduler(TicksPeriodically):
    TICK_NAME = "reminder"

    def __init__(
        self,
        *,
        db: Database,
        book: SessionBook,
        cards: RegistrationCards,
        messenger: Messenger,
        clock: Clock,
        offsets: tuple[timedelta, ...],
        interval: float = 60.0,
        lease: timedelta = timedelta(minutes=10),
    ):
        self._db = db
        self._book = book
        self._cards = cards
        self._messenger = messenger
        self._clock = clock
        self._offsets = offsets
        self._interval = interval
        self._lease = lease
        self._task: asyncio.Task | None = None

    async def tick(self) -> DeliveryReport:
        report = DeliveryReport()
        now = self._clock.now()
        await self.send_reminders(now, report)
        await self.deliver_promotions(report)
        await self.notify_interests(now, report)
        return report

    # --- reminders ----------------------------------------------------------------------------
    async def send_reminders(self, now: datetime, report: DeliveryReport) -> None:
        if not self._offsets:
            return
        horizon = now + self._offsets[0]
        upcoming = {s.id: s for s in self._book.sessions if now < s.start <= horizon}
        if not upcoming:
            return
        async with self._db.transaction() as session:
            repo = Registrations(session)
            registrations = await repo.confirmed_in(list(upcoming))
            due: dict[int, str] = {}
            for registration in registrations:
                event = upcoming[registration.session_id]
                offsets = [o for o in self._offsets if event.start - o <= now and registration.created_at < event.start - o]
                if offsets:
                    due[registration.id] = reminder_kind(min(offsets))
            settled = await repo.settled_notices(list(due), now, self._lease)  # read first: no write per tick
        for registration in registrations:
            kind = due.get(registration.id)
            if kind is None or (registration.id, kind) in settled:
                continue
            event = upcoming[registration.session_id]
            async with self._db.transaction() as session:
                claimed = await Registrations(session).claim_notice(registration.id, kind, now, self._lease)
            if claimed:
                status = await self._send(registration, event, self._cards.reminder)
                await self._finish(registration.id, kind, status, report)

    # --- promotions from the waitlist ---------------------------------------------------------
    async def deliver_promotions(self, report: DeliveryReport | None = None) -> DeliveryReport:
        report = report or DeliveryReport()
        now = self._clock.now()
        async with self._db.transaction() as session:
            waiting = await Registrations(session).open_notices(PROMOTED, now, self._lease)
        for registration_id, kind in waiting:
            async with self._db.transaction() as session:
                repo = Registrations(session)
                if not await repo.claim_notice(registration_id, kind, now, self._lease):
                    continue
                registration = await repo.get(registration_id)
            event = self._book.get(registration.session_id) if registration else None
            if registration is None or event is None or registration.status != CONFIRMED or event.has_started(now):
                status = SKIPPED
            else:
                status = await self._send(registration, event, self._cards.promoted)
            await self._finish(registration_id, kind, status, report)
        return report

    # --- 'tell me about the next session' -----------------------------------------------------
    async def notify_interests(self, now: datetime, report: DeliveryReport) -> None:
        available = self._book.open(now)
        if not available:
            return
        event = available[0]
        async with self._db.transaction() as session:
            interests = await Registrations(session).open_interests(now, self._lease)
        for interest in interests:
            async with self._db.transaction() as session:
                repo = Registrations(session)
                if not await repo.claim_interest(interest.id, now, self._lease):
                    continue
                registered = await repo.active_for(event.id, interest.user_key) is not None
            if registered or not interest.aad_object_id:
                status = SKIPPED
            else:
                status = await self._deliver(
                    interest.aad_object_id, interest.language, lambda lang: self._cards.new_session(lang, event)
                )
            async with self._db.transaction() as session:
                await Registrations(session).finish_interest(interest.id, status, event.id, self._clock.now())
            report.count(status, "new_session")

    # --- sending ------------------------------------------------------------------------------
    async def _send(self, registration: Registration, event: Session, build_card) -> NoticeStatus:
        if not registration.aad_object_id:
            return GONE
        item = Listed(registration, event)  # only confirmed registrations get these messages
        return await self._deliver(registration.aad_object_id, registration.language, lambda lang: build_card(lang, item))

    async def _deliver(self, aad_object_id: str, remembered_language: str, build_card) -> NoticeStatus:
        async with self._db.transaction() as session:
            reference = await ConversationReferences(session).personal_for(aad_object_id)
        if reference is None:
            return GONE  # no personal chat with the bot: nothing to retry

        async def build(turn_context: TurnContext):
            return card_activity(build_card(receiver_language(turn_context, remembered_language)))

        delivery = await self._messenger.send(reference.reference, build)
        return _OUTCOME[delivery]

    async def _finish(self, registration_id: int, kind: str, status: NoticeStatus, report: DeliveryReport) -> None:
        async with self._db.transaction() as session:
            await Registrations(session).finish_notice(registration_id, kind, status, self._clock.now())
        report.count(status, kind)
