"""Composition root: read settings, build database, adapter, state, dialogs and bot, register routes.

`python app.py` serves on HOST:PORT (default 127.0.0.1:3978).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web
from botbuilder.core import ConversationState, PrivateConversationState, UserState
from botbuilder.dialogs import DialogSet
from botbuilder.integration.aiohttp import CloudAdapter

from bot.core.adapter import build_adapter, close_adapter, install_error_handler
from bot.core.cards import CoreCards
from bot.core.clock import Clock, FixedClock
from bot.core.config import Settings
from bot.core.content import ContentError
from bot.core.handler import VngBot
from bot.core.http import RedactedAccessLogger, healthz_handler, messages_handler
from bot.core.i18n import Catalog
from bot.core.middleware import ChooseLanguage, DropRedelivered, MentionRule, TenantGuard
from bot.nlu import KnowledgeDataError, Recognizer
from bot.core.organizers import Organizers
from bot.privacy.desk import install_privacy
from bot.organizers.desk import install_organizer_desk
from bot.core.proactive import Messenger
from bot.questions.desk import install_question_desk
from bot.questions.answering import QuestionAnswering
from bot.core.router import Router
from bot.core.version import package_version
from bot.sessions.book import SessionBook
from bot.sessions.desk import install_session_desk
from dialogs.questions.ask_question import AskQuestionDialog
from dialogs.questions.forward_question import ForwardQuestionDialog
from dialogs.registration.registration import REGISTRATION, install_registration
from dialogs.offers.my_offers import OFFERS, install_offers
from dialogs.services import DialogServices
from storage.bot_state import SqlStorage
from storage.db import Database

log = logging.getLogger("app")


@dataclass(frozen=True)
class Services:
    """Everything built for one app instance (tests reach in through `app[SERVICES]`)."""

    settings: Settings
    clock: Clock
    db: Database
    catalog: Catalog
    recognizer: Recognizer
    adapter: CloudAdapter
    bot: VngBot
    router: Router
    qa: QuestionAnswering
    messenger: Messenger
    organizers: Organizers


SERVICES = web.AppKey("services", Services)


def build_clock(settings: Settings) -> Clock:
    if settings.bot_fake_now is not None:
        log.warning("BOT_FAKE_NOW is set: the bot's clock is frozen at %s", settings.bot_fake_now.isoformat())
        return FixedClock(settings.bot_fake_now)
    return Clock()


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    catalog: Catalog | None = None,
    recognizer: Recognizer | None = None,
) -> web.Application:
    """Build one app instance. The catalog and recognizer are read from `settings.content_dir` unless
    given (tests share one across many instances; loading and indexing takes a fifth of a second)."""
    settings = settings or Settings()
    clock = clock or build_clock(settings)
    db = Database(settings.effective_database_url, schema=settings.database_schema)
    catalog = catalog or Catalog.load(settings.content_dir / "messages")
    recognizer = recognizer or Recognizer.load(settings.content_dir / "knowledge")
    # One shared session list: content/sessions.yaml merged with organizers' changes, kept up to date in place.
    book = SessionBook.from_file(
        settings.content_dir / "sessions.yaml",
        db=db,
        default_venue_address=settings.session_venue_address,
        default_join_url=settings.session_join_url,
    )
    sessions = book.sessions

    storage = SqlStorage(db, clock.now)
    conversation_state = ConversationState(storage)
    user_state = UserState(storage)
    private_state = PrivateConversationState(storage)
    profile = user_state.create_property("UserProfile")
    dialogs = DialogSet(private_state.create_property("DialogState"))

    cards = CoreCards(catalog)
    services = DialogServices(settings=settings, catalog=catalog, recognizer=recognizer, cards=cards, db=db, clock=clock)
    qa = QuestionAnswering(recognizer=recognizer, catalog=catalog, settings=settings, sessions=sessions, db=db, clock=clock)
    router = Router(catalog=catalog, cards=cards, recognizer=recognizer, dialogs=dialogs, profile=profile, answerer=qa)
    for action, handler in qa.actions().items():
        router.add_action(action, handler)
    dialogs.add(AskQuestionDialog(services, qa))
    router.add_job_dialog("ask_question", AskQuestionDialog.ID)
    dialogs.add(ForwardQuestionDialog(services, qa))
    router.add_job_dialog("human", ForwardQuestionDialog.ID)

    bot = VngBot(
        router=router,
        cards=cards,
        conversation_state=conversation_state,
        user_state=user_state,
        private_state=private_state,
        db=db,
        clock=clock,
    )
    adapter = build_adapter(settings)
    adapter.use(TenantGuard(settings.allowed_tenants, catalog))
    adapter.use(MentionRule())
    adapter.use(DropRedelivered(db, clock))
    adapter.use(ChooseLanguage(profile))
    install_error_handler(adapter, catalog, [conversation_state, private_state])

    messenger = Messenger(adapter, app_id=settings.microsoft_app_id, db=db, clock=clock)

    app = web.Application()
    app[SERVICES] = Services(
        settings=settings,
        clock=clock,
        db=db,
        catalog=catalog,
        recognizer=recognizer,
        adapter=adapter,
        bot=bot,
        router=router,
        qa=qa,
        messenger=messenger,
        organizers=Organizers(settings=settings, catalog=catalog, db=db, clock=clock),
    )
    # Expertise offers and financial contributions (dialogs, jobs, card actions, organizer channel posts).
    install_offers(
        app, dialogs=dialogs, services=services, router=router, messenger=messenger, organizers=app[SERVICES].organizers, qa=qa
    )
    app.router.add_post("/api/messages", messages_handler(adapter, bot, local_mode=settings.local_mode))
    app.router.add_get("/healthz", healthz_handler(db, package_version()))
    app.cleanup_ctx.append(_database_lifetime)
    # Session registration: form, 'my registration', calendar files, reminders (after the database's lifetime,
    # so its scheduler stops before the engine is disposed).
    install_registration(app, dialogs=dialogs, router=router, services=services, sessions=sessions, messenger=messenger)
    # Organizers' overview and exports: strict commands, card actions, the /exports/{token} download route.
    install_organizer_desk(app, router=router, services=services, sessions=sessions, organizers=app[SERVICES].organizers)
    # Forwarded questions: organizers list and answer them, and may add them to the knowledge base (stored
    # entries are loaded after the database's lifetime has migrated, then refreshed on a timer).
    install_question_desk(app, dialogs=dialogs, router=router, services=services, messenger=messenger,
                          organizers=app[SERVICES].organizers)
    # Privacy: 'my data', 'delete my data', the privacy statement (command, card, /privacy and /terms) and the
    # retention task (after the database's lifetime, so the task stops before the engine is disposed).
    install_privacy(app, dialogs=dialogs, router=router, services=services, sessions=sessions, messenger=messenger,
                    profile=profile, user_state=user_state, private_state=private_state,
                    registration_desk=app[REGISTRATION], organizer_channel=app[OFFERS].organizers,
                    offer_options=app[OFFERS].deps.options)
    # Sessions managed by organizers from Teams: the list is refreshed after the migrations, after a change,
    # and on a timer (changes made on other instances); registrants are told what changed.
    install_session_desk(app, book=book, dialogs=dialogs, router=router, services=services, messenger=messenger,
                         organizers=app[SERVICES].organizers, registration=app[REGISTRATION],
                         interval=settings.reminder_interval_seconds)
    return app


async def _database_lifetime(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    await services.db.migrate()
    yield
    await close_adapter(services.adapter)
    await services.db.dispose()


def main() -> None:
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = create_app(settings)
    except (ContentError, KnowledgeDataError) as error:  # a broken content file: say which, and where
        raise SystemExit(f"The bot cannot start: fix the content file named below.\n{error}") from None
    web.run_app(app, host=settings.host, port=settings.port, access_log_class=RedactedAccessLogger)


if __name__ == "__main__":
    main()
