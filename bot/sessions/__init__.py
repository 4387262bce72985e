"""The information sessions: the session book (content/sessions.yaml merged with organizers' changes made in
Teams) and the organizers' session desk (list, add, change; registrants hear what changed).

Public interface (for app.py, other features and tests):
- `install(app, core)`: wires the feature;
- `SESSION_BOOK`: the app key of the `SessionBook`, the one owner of the session list; other features read
  sessions only through it (`sessions`, `get`, `open`, `refresh`);
- `Session`, `Mode`, `MODES`: the frozen session value and its attendance modes;
- `answer_facts`, `FUND_NAME`: the changing facts that answers and cards show;
- `FactBase` (content/facts.yaml: the initiative's facts and the words of claims about them), `tense_of`,
  `duration_parts`, `featured_session`: what composed answers derive from a session;
- `SESSION_DESK`: the app key of the desk (tests).
It tells the core's welcome, menu and help cards whether the session is coming, past or closed
(`session_outlook`). The feature publishes `CapacityChanged` when an organizer changes a capacity.
"""

from __future__ import annotations

from aiohttp import web

from bot.core.cards import OrganizerCommand, SessionOutlook
from bot.core.clock import Clock
from bot.core.i18n import Catalog
from bot.core.wiring import Core
from bot.sessions.book import SessionBook
from bot.sessions.desk import ACTION_ADD, ACTION_CHANGE, ACTION_LIST, SessionDesk, SessionDeskCards
from bot.sessions.facts import FUND_NAME, FactBase, answer_facts, duration_parts, session_facts, tense_of
from dialogs.sessions.edit_session import AddSessionDialog, EditSessionDialog
from storage.sessions.repository import SessionStore
from storage.sessions.schedule import MODES, Mode, Session, featured_session

__all__ = [
    "FUND_NAME", "MODES", "SESSION_BOOK", "SESSION_DESK", "FactBase", "Mode", "Session", "SessionBook", "answer_facts",
    "duration_parts", "featured_session", "install", "tense_of",
]

SESSION_BOOK = web.AppKey("session_book", SessionBook)
SESSION_DESK = web.AppKey("session_desk", SessionDesk)


def session_outlook(book: SessionBook, clock: Clock, catalog: Catalog, lang: str) -> SessionOutlook:
    """The session the cards talk about (the next open one, else the last one) and its state now."""
    now = clock.now()
    session = featured_session(book.sessions, now)
    if session is None:
        return SessionOutlook("closed")
    facts = session_facts(catalog, session, lang)
    if session.is_open(now):
        return SessionOutlook("coming", facts)
    return SessionOutlook("past" if tense_of(session, now) == "past" else "closed", facts)


def install(app: web.Application, core: Core) -> None:
    """The session book, the forms, the commands and card actions, and the refresh-and-notify loop.
    Installed after the core, so the book is refreshed after the migrations."""
    settings = core.settings
    book = SessionBook.from_file(
        settings.content_dir / "sessions.yaml",
        db=core.db,
        default_venue_address=settings.session_venue_address,
        default_join_url=settings.session_join_url,
    )
    desk = SessionDesk(
        book=book,
        store=SessionStore(core.db),
        events=core.events,
        organizers=core.organizers,
        messenger=core.messenger,
        catalog=core.catalog,
        cards=SessionDeskCards(core.catalog),
        db=core.db,
        clock=core.clock,
        interval=settings.reminder_interval_seconds,
    )
    router = core.router
    core.dialogs.add(AddSessionDialog(core.services, desk))
    core.dialogs.add(EditSessionDialog(core.services, desk))
    router.add_command(desk.matches, desk.on_command)
    for words, text, extra in (
        ("list", "sessions", {"button_key": "organizer_cards.buttons.sessions", "action": ACTION_LIST}),
        ("add", "add_session", {}),
        ("change", "change_session", {"suffix": "1"}),
    ):
        core.cards.add_organizer_command(OrganizerCommand(f"session_desk.words.{words}", f"organizer_cards.commands.{text}", **extra))
    router.add_action(ACTION_LIST, desk.on_list)
    router.add_action(ACTION_ADD, desk.on_add)
    router.add_action(ACTION_CHANGE, desk.on_change)
    router.add_action(f"{AddSessionDialog.ID}.confirm", desk.on_confirm_again)
    router.add_action(f"{EditSessionDialog.ID}.confirm", desk.on_confirm_again)
    core.cards.set_session_outlook(lambda lang: session_outlook(book, core.clock, core.catalog, lang))
    app[SESSION_BOOK] = book
    app[SESSION_DESK] = desk

    async def lifetime(_app: web.Application):
        await book.refresh(force=True)  # after the migrations (the core's database lifetime runs first)
        desk.start()
        yield
        await desk.stop()

    app.cleanup_ctx.append(lifetime)
