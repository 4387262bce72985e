"""Organizers manage the information sessions from Teams: list them, add one, change one; registrants hear
about a change in their own language.

- Strict commands (whole message, personal chat, organizers only; refused and audited for anyone else):
  "sessies" / "sessions" shows the overview card (buttons: add a session, change a session);
  "sessie toevoegen" / "add session" and "sessie wijzigen 2" / "change session 2" start the forms directly.
- The forms are in dialogs/sessions/edit_session.py; their confirmation comes back here (`save_new`, `save_change`):
  one transaction in storage/sessions/repository.py, then the session book is refreshed (bot/sessions/book.py),
  a changed capacity is published as `CapacityChanged` (the registration feature moves its waitlist up into
  free seats and tells those people), and registrants are told what changed: a new join link (online
  seats), a new venue (seats at the venue), a new deadline.
- Notices to registrants: a row per registration and change, claimed before sending, so two instances never
  send one twice; a failed send is released for a later tick, GONE is final. Sent right after the change,
  in the background, and by every `tick()` (which also refreshes the session list from the table, for
  changes made on other instances).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext
from sqlalchemy.exc import SQLAlchemyError

from bot.core.background import BackgroundTasks, DeliveryReport, TicksPeriodically
from bot.core.cards import ACTION_JOB_START, card, card_activity, heading, open_url, paragraph, send_in_place, submit
from bot.core.clock import Clock
from bot.core.events import CapacityChanged, EventBus
from bot.core.i18n import LANGUAGES, Catalog, format_clock, format_day, format_moment
from bot.core.organizers import Organizers
from bot.core.proactive import Delivery, Messenger, receiver_language
from bot.core.turn import clean_text, is_group, lang_of, user_ids
from bot.nlu.commands import CommandWords
from bot.sessions.book import DEFAULT_TIMEZONE, SessionBook
from dialogs.sessions.edit_session import SESSION_KEY, AddSessionDialog, EditSessionDialog
from storage.db import Database
from storage.models import NoticeStatus
from storage.registration.models import CONFIRMED, Registration
from storage.repositories import ConversationReferences
from storage.sessions.models import (
    CAPACITY_IN_PERSON,
    CAPACITY_ONLINE,
    CITY,
    DEADLINE,
    END,
    FIELDS,
    GONE,
    JOIN,
    PENDING,
    SENT,
    SKIPPED,
    START,
    TITLE,
    VENUE,
    InfoSessionChange,
)
from storage.sessions.models import (
    MODES as MODES_FIELD,
)
from storage.sessions.repository import CAPACITY_FIELDS, SessionStore, audience
from storage.sessions.schedule import MODES, Origin, Session

log = logging.getLogger(__name__)

ACTION_LIST = "session_desk.list"
ACTION_ADD = "session_desk.add"
ACTION_CHANGE = "session_desk.change"
Verb = Literal["list", "add", "change"]
LIST: Verb = "list"
ADD: Verb = "add"
CHANGE: Verb = "change"
_OUTCOME = {Delivery.SENT: SENT, Delivery.GONE: GONE, Delivery.FAILED: PENDING}
MAX_LISTED = 8


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


# --- cards --------------------------------------------------------------------------------------------
class SessionDeskCards:
    def __init__(self, catalog: Catalog):
        self._catalog = catalog

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self._catalog.text(lang, key, **params)

    def modes_label(self, lang: str, session: Session) -> str:
        labels = []
        for mode in session.modes:
            if mode == "in_person":
                city = session.city_for(lang)
                labels.append(self.t(lang, "session_desk.modes.in_person", city=city) if city else self.t(lang, "session_desk.modes.in_person_any"))
            else:
                labels.append(self.t(lang, "session_desk.modes.online"))
        return self.t(lang, "session_desk.modes.joiner").join(labels)

    def mode_name(self, lang: str, mode: str) -> str:
        return self.t(lang, f"session_desk.mode_names.{mode}")

    def capacity_text(self, lang: str, capacity: int | None) -> str:
        return self.t(lang, "session_desk.no_limit") if capacity is None else str(capacity)

    def deadline_text(self, lang: str, session: Session) -> str:
        if session.registration_deadline is None:
            return self.t(lang, "session_desk.deadline_at_start")
        local = session.registration_deadline.astimezone(session.timezone)
        return self.t(lang, "session_desk.deadline_until", moment=format_moment(local, lang))

    def time_range(self, lang: str, session: Session) -> str:
        return self.t(lang, "session_desk.time_range", start=format_clock(session.local_start, lang), end=format_clock(session.local_end, lang))

    def overview(self, lang: str, listed: list[tuple[Session, Origin, dict[tuple[str, str], int]]]) -> dict[str, Any]:
        t = lambda key, **p: self.t(lang, key, **p)  # noqa: E731
        body: list[dict[str, Any]] = [heading(t("session_desk.overview.title"))]
        lines: list[str] = [t("session_desk.overview.title")]
        if not listed:
            body.append(paragraph(t("session_desk.overview.none")))
            lines.append(t("session_desk.overview.none"))
        else:
            body.append(paragraph(t("session_desk.overview.intro"), isSubtle=True))
        for number, (session, origin, counts) in enumerate(listed, start=1):
            name = t("session_desk.overview.item", number=number, title=session.title_for(lang))
            facts = [
                (t("session_desk.facts.date"), format_day(session.local_start, lang)),
                (t("session_desk.facts.time"), self.time_range(lang, session)),
                (t("session_desk.facts.modes"), self.modes_label(lang, session)),
            ]
            if "in_person" in session.modes:
                facts.append((t("session_desk.facts.venue"), session.venue_address or t("session_desk.not_known")))
            if "online" in session.modes:
                facts.append((t("session_desk.facts.join"), t("session_desk.join_set") if session.join_url else t("session_desk.not_known")))
            for mode in session.modes:
                facts.append((
                    t("session_desk.facts.seats", mode=self.mode_name(lang, mode)),
                    t("session_desk.seats",
                      confirmed=counts.get((mode, "confirmed"), 0),
                      waitlisted=counts.get((mode, "waitlisted"), 0),
                      capacity=self.capacity_text(lang, session.capacity_for(mode))),
                ))
            facts.append((t("session_desk.facts.deadline"), self.deadline_text(lang, session)))
            facts.append((t("session_desk.facts.source"), t(f"session_desk.source.{origin}")))
            body.append(paragraph(name, weight="Bolder", spacing="Large", separator=True))
            body.append({"type": "FactSet", "facts": [{"type": "Fact", "title": k, "value": v} for k, v in facts]})
            body.append({"type": "ActionSet", "actions": [submit(t("session_desk.buttons.change_this", number=number), ACTION_CHANGE, session=session.id)]})
            lines.append(name + ": " + "; ".join(f"{k}: {v}" for k, v in facts))
        body.append(paragraph(t("session_desk.overview.typing_hint"), isSubtle=True, spacing="Medium"))
        lines.append(t("session_desk.overview.typing_hint"))
        return card(body, fallback="\n".join(lines), actions=[submit(t("session_desk.buttons.add"), ACTION_ADD)])

    def saved(self, lang: str, session: Session, *, title_key: str, lines: list[str]) -> dict[str, Any]:
        title = self.t(lang, title_key)
        facts = [
            (self.t(lang, "session_desk.facts.session"), session.title_for(lang)),
            (self.t(lang, "session_desk.facts.date"), format_day(session.local_start, lang)),
            (self.t(lang, "session_desk.facts.time"), self.time_range(lang, session)),
            (self.t(lang, "session_desk.facts.modes"), self.modes_label(lang, session)),
        ]
        return card(
            [heading(title), *(paragraph(line) for line in lines),
             {"type": "FactSet", "facts": [{"type": "Fact", "title": k, "value": v} for k, v in facts]}],
            fallback=" ".join([title, *lines, *(f"{k}: {v}." for k, v in facts)]),
            actions=[submit(self.t(lang, "session_desk.buttons.list"), ACTION_LIST)],
        )

    def notice(self, lang: str, session: Session, items: set[str]) -> dict[str, Any]:
        """To one registrant: what changed about their session."""
        t = lambda key, **p: self.t(lang, key, **p)  # noqa: E731
        title = t("session_desk.notice.title", title=session.title_for(lang))
        lines = [t("session_desk.notice.intro", date=format_day(session.local_start, lang), time=self.time_range(lang, session))]
        fallback_extra: list[str] = []
        actions: list[dict[str, Any]] = []
        if JOIN in items:
            lines.append(t("session_desk.notice.join"))
            fallback_extra.append(t("session_desk.notice.join_link", url=session.join_url))
            actions.append(open_url(t("session_desk.buttons.join"), session.join_url))
        if VENUE in items:
            lines.append(t("session_desk.notice.venue", venue=session.venue_address))
        if DEADLINE in items:
            lines.append(t("session_desk.notice.deadline", moment=self.deadline_text(lang, session)))
        lines.append(t("session_desk.notice.manage_hint"))
        actions.append(submit(t("session_desk.buttons.manage"), ACTION_JOB_START, job="my_registration"))
        return card(
            [heading(title), *(paragraph(line) for line in lines)],
            fallback=" ".join([title, *lines, *fallback_extra]),
            actions=actions,
        )


# --- the desk -----------------------------------------------------------------------------------------
@dataclass
class SessionDesk(TicksPeriodically):
    TICK_NAME = "session desk"

    book: SessionBook
    store: SessionStore
    events: EventBus
    organizers: Organizers
    messenger: Messenger
    catalog: Catalog
    cards: SessionDeskCards
    db: Database
    clock: Clock
    interval: float = 60.0
    lease: timedelta = timedelta(minutes=10)
    _commands: CommandWords[Verb] = field(default_factory=CommandWords)
    background: BackgroundTasks = field(default_factory=lambda: BackgroundTasks("session notices"))
    _task: asyncio.Task | None = None

    def __post_init__(self) -> None:
        self._interval = self.interval  # what TicksPeriodically reads
        self._commands = CommandWords.from_catalog(
            self.catalog, {verb: f"session_desk.words.{verb}" for verb in (LIST, ADD, CHANGE)}, LANGUAGES
        )

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self.catalog.text(lang, key, **params)

    # --- commands -------------------------------------------------------------------------------
    def command_of(self, text: str) -> tuple[Verb, int | None] | None:
        """(verb, number) when the whole message is a session command: 'sessies', 'sessie wijzigen 2'."""
        verb = self._commands.get(text)
        if verb is not None:
            return verb, None
        numbered = self._commands.numbered(text)
        return (CHANGE, numbered[1]) if numbered is not None and numbered[0] == CHANGE else None

    def matches(self, _turn_context: TurnContext, text: str) -> bool:
        return self.command_of(text) is not None

    async def on_command(self, dc: DialogContext) -> None:
        found = self.command_of(clean_text(dc.context.activity))
        if found is None:
            return
        verb, number = found
        if not await self._allowed(dc.context, f"sessions.{verb}"):
            return
        if verb == LIST:
            await self.show_overview(dc.context)
        elif verb == ADD:
            await self._begin(dc, AddSessionDialog.ID)
        else:
            await self.book.refresh()  # number as in the overview, which shows the table's latest state
            listed = self.upcoming()
            if number is None and len(listed) == 1:
                number = 1
            if number is None or not 1 <= number <= len(listed):
                lang = lang_of(dc.context)
                await dc.context.send_activity(MessageFactory.text(self.t(lang, "session_desk.pick_number")))
                await self.show_overview(dc.context)
                return
            await self._begin_change(dc, listed[number - 1])

    async def _allowed(self, turn_context: TurnContext, action: str, *, target: str | None = None) -> bool:
        """An organizer in a personal chat. Everyone else is refused (and audited by `Organizers`)."""
        if not await self.organizers.authorize(turn_context, action, target=target):
            return False
        if is_group(turn_context.activity):
            await turn_context.send_activity(MessageFactory.text(self.t(lang_of(turn_context), "session_desk.personal_only")))
            return False
        return True

    # --- card actions ---------------------------------------------------------------------------
    async def on_list(self, dc: DialogContext, _value: dict[str, Any]) -> None:
        if await self._allowed(dc.context, "sessions.list"):
            await self.show_overview(dc.context)

    async def on_add(self, dc: DialogContext, _value: dict[str, Any]) -> None:
        if await self._allowed(dc.context, "sessions.add"):
            await self._begin(dc, AddSessionDialog.ID)

    async def on_change(self, dc: DialogContext, value: dict[str, Any]) -> None:
        session_id = value.get("session")
        target = session_id if isinstance(session_id, str) and len(session_id) <= 64 else None  # ids are short
        if not await self._allowed(dc.context, "sessions.change", target=target):
            return
        await self.book.refresh()
        session = self.book.get(target)
        lang = lang_of(dc.context)
        if session is None:
            await dc.context.send_activity(MessageFactory.text(self.t(lang, "session_desk.unknown_session")))
            return
        if session.end <= self.clock.now():
            await dc.context.send_activity(MessageFactory.text(self.t(lang, "session_desk.ended")))
            return
        await self._begin_change(dc, session)

    async def on_confirm_again(self, dc: DialogContext, value: dict[str, Any]) -> None:
        """A form's confirm clicked again after it ended (a double click): say it was stored once."""
        if not await self._allowed(dc.context, "sessions.confirm_again"):
            return
        lang = lang_of(dc.context)
        token = value.get("token")
        change = await self.store.change_by_key(token) if isinstance(token, str) and token else None
        key = "session_desk.saved.again" if change is not None else "dialog.stale_card"
        await dc.context.send_activity(MessageFactory.text(self.t(lang, key)))

    async def _begin(self, dc: DialogContext, dialog_id: str, options: dict[str, Any] | None = None) -> None:
        if dc.active_dialog is not None:
            await dc.cancel_all_dialogs()
            await dc.context.send_activity(MessageFactory.text(self.t(lang_of(dc.context), "cancel.replaced")))
        await dc.begin_dialog(dialog_id, options)

    async def _begin_change(self, dc: DialogContext, session: Session) -> None:
        await self._begin(dc, EditSessionDialog.ID, {"values": edit_values(session)})

    def session(self, session_id: object) -> Session | None:
        return self.book.get(session_id)

    # --- the overview ---------------------------------------------------------------------------
    def upcoming(self) -> list[Session]:
        now = self.clock.now()
        return [s for s in self.book.sessions if s.end > now][:MAX_LISTED]

    async def show_overview(self, turn_context: TurnContext) -> None:
        await self.book.refresh()
        listed = [(s, self.book.origin(s.id), await self.store.seats(s.id)) for s in self.upcoming()]
        await turn_context.send_activity(card_activity(self.cards.overview(lang_of(turn_context), listed)))

    # --- saving (called by the forms) -----------------------------------------------------------
    async def save_new(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> bool | None:
        """Stores a new session (once per confirmation) and shows it; False keeps the form at its summary."""
        lang = lang_of(turn_context)
        if not await self._allowed(turn_context, "sessions.add.save"):
            return None
        await self.book.refresh()  # the ids taken on other instances too
        tz = ZoneInfo(DEFAULT_TIMEZONE)
        start = _local(values["date"], values["start"], tz)
        end = _local(values["date"], values["end"], tz)
        deadline = _deadline(values.get("deadline"), tz)
        problem = self._problem(start=start, end=end, deadline=deadline, new=True)
        if problem is not None:
            await turn_context.send_activity(MessageFactory.text(self.t(lang, problem[0], **problem[1])))
            return False
        modes = tuple(m for m in MODES if m in values["modes"])
        city = values.get("city") or ""
        stored = {
            TITLE: {"nl": values["title_nl"], "en": values["title_en"]},
            CITY: {"nl": city, "en": city} if city else {"nl": None, "en": None},
            START: _utc(start),
            END: _utc(end),
            MODES_FIELD: modes,
            VENUE: values.get("venue_address") or "",
            JOIN: values.get("join_url") or "",
            CAPACITY_IN_PERSON: _seats(values.get("capacity_in_person")),
            CAPACITY_ONLINE: _seats(values.get("capacity_online")),
            DEADLINE: _utc(deadline),
        }
        base = f"info-{start.date().isoformat()}"
        taken = self.book.taken_ids()
        candidates = [c for c in [base, *(f"{base}-{n}" for n in range(2, 30))] if c not in taken]
        try:
            saved = await self.store.add(
                change_key=token, candidate_ids=candidates, values=stored, timezone=DEFAULT_TIMEZONE,
                actor=self._actor(turn_context), now=self.clock.now(),
            )
        except (SQLAlchemyError, RuntimeError) as error:
            log.error("a new session could not be saved: %s", type(error).__name__)
            await turn_context.send_activity(MessageFactory.text(self.t(lang, "session_desk.saved.error")))
            return False
        await self.book.refresh(force=True)
        session = self.book.get(saved.session_id)
        log.info("session %s added by an organizer (%s)", saved.session_id, saved.kind)
        if saved.kind == "existing" or session is None:
            await send_in_place(turn_context, MessageFactory.text(self.t(lang, "session_desk.saved.again")))
            return None
        lines = [self.t(lang, "session_desk.saved.added")]
        await send_in_place(turn_context, card_activity(self.cards.saved(lang, session, title_key="session_desk.saved.added_title", lines=lines)))
        return None

    async def save_change(self, turn_context: TurnContext, session_id: str, values: dict[str, Any], token: str) -> bool | None:
        """Stores what differs from the session now (once per confirmation); a capacity below the confirmed
        seats, or a deadline after the start, is refused with the reason and the form stays at its summary."""
        lang = lang_of(turn_context)
        if not await self._allowed(turn_context, "sessions.change.save", target=session_id):
            return None
        await self.book.refresh()  # compare with the latest state, also when another instance changed it
        session = self.book.get(session_id)
        if session is None:
            await turn_context.send_activity(MessageFactory.text(self.t(lang, "session_desk.unknown_session")))
            return None
        changes = self._differences(session, values)
        if not changes:
            await send_in_place(turn_context, MessageFactory.text(self.t(lang, "session_desk.saved.nothing")))
            return None
        if DEADLINE in changes:
            problem = self._problem(start=session.start, end=session.end, deadline=changes[DEADLINE], new=False)
            if problem is not None:
                await turn_context.send_activity(MessageFactory.text(self.t(lang, problem[0], **problem[1])))
                return False
        now = self.clock.now()
        try:
            saved = await self.store.change(
                change_key=token, session_id=session_id, values=changes, actor=self._actor(turn_context), now=now
            )
        except SQLAlchemyError as error:
            log.error("a session change could not be saved: %s", type(error).__name__)
            await turn_context.send_activity(MessageFactory.text(self.t(lang, "session_desk.saved.error")))
            return False
        if saved.kind == "below_confirmed":
            for mode, confirmed in sorted(saved.confirmed.items()):
                await turn_context.send_activity(MessageFactory.text(
                    self.t(lang, "session_desk.problems.below_confirmed", mode=self.cards.mode_name(lang, mode), confirmed=confirmed)
                ))
            return False
        if saved.kind == "existing":
            await send_in_place(turn_context, MessageFactory.text(self.t(lang, "session_desk.saved.again")))
            return None
        await self.book.refresh(force=True)
        promoted = await self._fill_waitlists(session_id, changes, now)
        log.info("session %s changed by an organizer: %s; %d notice(s), %d promoted",
                 session_id, ",".join(saved.fields), saved.notices, promoted)
        if saved.notices:
            self.background.spawn(self.deliver_notices())
        changed = self.book.get(session_id) or session
        lines = [self.t(lang, "session_desk.saved.changed")]
        lines += [self._change_line(lang, changed, name) for name in FIELDS if name in saved.fields]
        lines.append(self.t(lang, "session_desk.saved.notices", count=saved.notices) if saved.notices else self.t(lang, "session_desk.saved.no_notices"))
        if promoted:
            lines.append(self.t(lang, "session_desk.saved.promoted", count=promoted))
        await send_in_place(turn_context, card_activity(self.cards.saved(lang, changed, title_key="session_desk.saved.changed_title", lines=lines)))
        return None

    def _change_line(self, lang: str, session: Session, name: str) -> str:
        cards = self.cards
        if name == JOIN:
            return self.t(lang, "session_desk.changed.join_url", value=session.join_url or self.t(lang, "session_desk.not_known"))
        if name == VENUE:
            return self.t(lang, "session_desk.changed.venue_address", value=session.venue_address or self.t(lang, "session_desk.not_known"))
        if name == DEADLINE:
            return self.t(lang, "session_desk.changed.registration_deadline", value=cards.deadline_text(lang, session))
        mode = next(m for m, f in CAPACITY_FIELDS.items() if f == name)
        return self.t(lang, "session_desk.changed.capacity", mode=cards.mode_name(lang, mode), value=cards.capacity_text(lang, session.capacity_for(mode)))

    def _differences(self, session: Session, values: dict[str, Any]) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if "join_url" in values and (values["join_url"] or "") != session.join_url:
            changes[JOIN] = values["join_url"] or ""
        if "venue_address" in values and (values["venue_address"] or "") != session.venue_address:
            changes[VENUE] = values["venue_address"] or ""
        for mode, name in CAPACITY_FIELDS.items():
            if name in values and mode in session.modes and _seats(values[name]) != session.capacity_for(mode):
                changes[name] = _seats(values[name])
        if "deadline" in values:
            deadline = _deadline(values["deadline"], session.timezone)
            if _utc(deadline) != _utc(session.registration_deadline):
                changes[DEADLINE] = _utc(deadline)
        return changes

    def _problem(self, *, start: datetime, end: datetime, deadline: datetime | None, new: bool) -> tuple[str, dict[str, Any]] | None:
        now = self.clock.now()
        if new and start <= now:
            return "session_desk.problems.past", {}
        if end <= start:
            return "session_desk.problems.end_before_start", {}
        if deadline is not None and deadline >= start:
            return "session_desk.problems.deadline_after_start", {}
        if new and deadline is not None and deadline <= now:
            return "session_desk.problems.deadline_past", {}
        return None

    async def _fill_waitlists(self, session_id: str, changes: dict[str, Any], now: datetime) -> int:
        """Publishes each changed capacity; when it went up, the registration feature moves its waitlist up
        (and tells those people after this reply). How many moved up."""
        promoted = 0
        for mode, name in CAPACITY_FIELDS.items():
            if name in changes:
                counts = await self.events.publish(CapacityChanged(session_id=session_id, mode=mode, capacity=changes[name], at=now))
                promoted += sum(count or 0 for count in counts)
        return promoted

    @staticmethod
    def _actor(turn_context: TurnContext) -> str:
        return user_ids(turn_context.activity)[1] or "unknown"

    # --- notices to registrants -----------------------------------------------------------------
    async def deliver_notices(self, report: DeliveryReport | None = None) -> DeliveryReport:
        report = report or DeliveryReport()
        now = self.clock.now()
        for notice_id in await self.store.open_notices(now, self.lease):
            claimed = await self.store.claim_notice(notice_id, now, self.lease)
            if claimed is None:
                continue  # another instance (or task) has it
            _notice, change, registration = claimed
            try:
                status = await self._send_notice(change, registration, now)
            except Exception as error:  # noqa: BLE001 - release the claim; a later tick tries again
                log.error("notice %d could not be sent: %s", notice_id, type(error).__name__)
                status = PENDING
            await self.store.finish_notice(notice_id, status, self.clock.now())
            report.count(status)
        return report

    async def _send_notice(self, change: InfoSessionChange, registration: Registration | None, now: datetime) -> NoticeStatus:
        session = self.book.get(change.session_id)
        if registration is None or session is None or registration.status != CONFIRMED or session.end <= now:
            return SKIPPED
        items = audience(registration.mode, change.fields.split(","))
        if not session.join_url:
            items.discard(JOIN)
        if not session.venue_address:
            items.discard(VENUE)
        if not items:
            return SKIPPED
        if not registration.aad_object_id:
            return GONE
        async with self.db.transaction() as db_session:
            reference = await ConversationReferences(db_session).personal_for(registration.aad_object_id)
        if reference is None:
            return GONE  # no personal chat with the bot: nothing to retry
        remembered = registration.language

        async def build(turn_context: TurnContext):
            return card_activity(self.cards.notice(receiver_language(turn_context, remembered), session, items))

        return _OUTCOME[await self.messenger.send(reference.reference, build)]

    # --- the loop -------------------------------------------------------------------------------
    async def tick(self) -> DeliveryReport:
        """Refresh the session list from the table (changes of other instances), then send due notices."""
        await self.book.refresh()
        return await self.deliver_notices()

    async def stop(self) -> None:
        await super().stop()
        await self.background.close()

    async def idle(self) -> None:
        """Wait for background work (tests)."""
        await self.background.idle()


def edit_values(session: Session) -> dict[str, Any]:
    """The change form's starting values: the session as it is now."""
    values: dict[str, Any] = {SESSION_KEY: session.id}
    if "online" in session.modes:
        values["join_url"] = session.join_url
    if "in_person" in session.modes:
        values["venue_address"] = session.venue_address
    for mode in session.modes:
        capacity = session.capacity_for(mode)
        values[f"capacity_{mode}"] = "" if capacity is None else capacity
    deadline = session.registration_deadline
    values["deadline"] = deadline.astimezone(session.timezone).strftime("%Y-%m-%dT%H:%M") if deadline else ""
    return values


def _local(day: str, clock: str, tz) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=tz)


def _deadline(value: Any, tz) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value)).replace(tzinfo=tz)


def _seats(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)
