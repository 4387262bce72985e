"""Registration for the information sessions: the form, 'my registration', calendar files, reminders and
'a place came free' messages.

Public interface (for app.py, other features and tests):
- `install(app, core)`: wires the feature;
- `REGISTRATION`: the app key of the `RegistrationDesk`; other features may ask it `is_registered(user_key)`.
The feature reads sessions only through the sessions feature's `SessionBook`, and reacts to the events
`CapacityChanged` (an organizer changed a capacity: move the waitlist up into free seats) and `WaitlistMoved` (people moved up
elsewhere, e.g. by an erasure: tell them).
"""

from __future__ import annotations

from aiohttp import web

from bot.core.background import JobRuns
from bot.core.events import CapacityChanged, WaitlistMoved
from bot.core.wiring import Core
from bot.registration.calendar import TOKEN_PATTERN, calendar_handler
from bot.registration.cards import ACTION_CHOOSE, ACTION_KEEP, ACTION_NOTIFY, RegistrationCards
from bot.registration.desk import RegistrationDesk
from bot.registration.reminders import ReminderScheduler, parse_offsets
from bot.sessions import SESSION_BOOK
from dialogs.registration.my_registration import MyRegistrationDialog
from dialogs.registration.registration import RegistrationActions, RegistrationDialog
from storage.registration.repository import Registrar

__all__ = ["REGISTRATION", "RegistrationDesk", "install"]

REGISTRATION = web.AppKey("registration", RegistrationDesk)


def install(app: web.Application, core: Core) -> None:
    """Dialogs and jobs, card actions, the calendar route, the reminder scheduler and the event handlers.
    Installed after the core, so the scheduler starts after the migrations and stops before the engine."""
    settings = core.settings
    book = app[SESSION_BOOK]
    cards = RegistrationCards(
        core.catalog,
        public_base_url=settings.effective_public_base_url,
        privacy_url=settings.privacy_url or f"{settings.effective_public_base_url}/privacy",
        contact_email=settings.organizer_contact_email,
    )
    registrar = Registrar(core.db)
    scheduler = ReminderScheduler(
        db=core.db,
        book=book,
        cards=cards,
        messenger=core.messenger,
        clock=core.clock,
        offsets=parse_offsets(settings.reminder_offsets),
        interval=settings.reminder_interval_seconds,
    )
    desk = RegistrationDesk(book=book, registrar=registrar, cards=cards, clock=core.clock, scheduler=scheduler)

    router = core.router
    core.dialogs.add(RegistrationDialog(core.services, desk))
    router.add_job_dialog("register", RegistrationDialog.ID, personal=True)
    core.dialogs.add(MyRegistrationDialog(core.services, desk))
    router.add_job_dialog("my_registration", MyRegistrationDialog.ID, personal=True)
    actions = RegistrationActions(core.services, desk)
    router.add_action(f"{RegistrationDialog.ID}.confirm", actions.confirm_again)
    router.add_action(ACTION_NOTIFY, actions.notify_me)
    router.add_action(ACTION_KEEP, actions.keep_waitlist)
    router.add_action(ACTION_CHOOSE, actions.choose)
    core.events.subscribe(CapacityChanged, desk.on_capacity_changed)
    core.events.subscribe(WaitlistMoved, desk.on_waitlist_moved)

    app.router.add_get(
        f"/calendar/{{token:{TOKEN_PATTERN}}}.ics",
        calendar_handler(registrar=registrar, book=book, catalog=core.catalog, public_base_url=settings.effective_public_base_url),
    )
    app[REGISTRATION] = desk

    async def lifetime(_app: web.Application):
        scheduler.start(runs=JobRuns(core.db))  # one instance sends each round (the messages are claimed too)
        yield
        await scheduler.stop()
        await desk.close()

    app.cleanup_ctx.append(lifetime)
