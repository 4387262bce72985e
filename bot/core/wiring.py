"""The Teams core every feature builds on, made once per app instance: database, catalog, recognizer,
bot state, dialog set, router, adapter with its middleware, proactive messenger, organizer list and the
event bus. `install_core` adds the HTTP edge (`/api/messages`, `/healthz`, `/metrics` when enabled) and the database's lifetime;
then app.py calls each feature's `install(app, core)`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from aiohttp import web
from botbuilder.core import BotState, StatePropertyAccessor
from botbuilder.dialogs import DialogSet
from botbuilder.integration.aiohttp import CloudAdapter

from bot.core.adapter import build_adapter, close_adapter, install_error_handler
from bot.core.cards import CoreCards
from bot.core.clock import Clock, FixedClock
from bot.core.config import Settings
from bot.core.content import read_yaml
from bot.core.events import EventBus
from bot.core.handler import VngBot
from bot.core.http import healthz_handler, messages_handler
from bot.core.i18n import Catalog
from bot.core.members import TeamsMembers
from bot.core.metrics import TurnMetrics, database_error, metrics_handler
from bot.core.middleware import ChooseLanguage, MentionRule, TenantGuard
from bot.core.organizers import Organizers
from bot.core.personal_chat import PersonalChat
from bot.core.proactive import Messenger
from bot.core.router import Router
from bot.core.state_storage import JsonConversationState, JsonPrivateConversationState, JsonUserState, SqlStorage
from bot.core.turn_store import TurnStore
from bot.nlu import Recognizer
from bot.nlu.langguess import OtherLanguages
from dialogs.services import DialogServices
from dialogs.validators import Municipalities
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Core:
    """Everything the features share (tests reach in through `app[CORE]`)."""

    settings: Settings
    clock: Clock
    db: Database
    catalog: Catalog
    recognizer: Recognizer
    cards: CoreCards
    services: DialogServices
    dialogs: DialogSet
    router: Router
    profile: StatePropertyAccessor
    user_state: BotState
    private_state: BotState
    adapter: CloudAdapter
    bot: VngBot
    turn_store: TurnStore
    messenger: Messenger
    organizers: Organizers
    events: EventBus


CORE = web.AppKey("core", Core)
MUNICIPALITIES_FILE = "municipalities.yaml"  # the current Dutch municipalities, for form fields
OTHER_LANGUAGES_FILE = "other_languages.yaml"  # languages the assistant recognizes but does not speak


def load_other_languages(path: Path) -> OtherLanguages:
    data = read_yaml(path) if path.exists() else None
    return OtherLanguages.from_data((data or {}).get("languages") or {})


def build_clock(settings: Settings) -> Clock:
    if settings.bot_fake_now is not None:
        log.warning("BOT_FAKE_NOW is set: the bot's clock is frozen at %s", settings.bot_fake_now.isoformat())
        return FixedClock(settings.bot_fake_now)
    return Clock()


def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    catalog: Catalog | None = None,
    recognizer: Recognizer | None = None,
) -> Core:
    """The catalog and recognizer are read from `settings.content_dir` unless given (tests share one
    across many instances; loading and indexing takes a fifth of a second)."""
    settings.check_safe()
    clock = clock or build_clock(settings)
    db = Database(
        settings.effective_database_url,
        schema=settings.database_schema,
        connect_timeout=settings.database_connect_timeout_seconds,
        statement_timeout=settings.database_statement_timeout_seconds,
    )
    db.on_error = database_error
    catalog = catalog or Catalog.load(settings.content_dir / "messages")
    recognizer = recognizer or Recognizer.load(settings.content_dir / "knowledge")

    storage = SqlStorage(db, clock.now)
    conversation_state = JsonConversationState(storage)
    user_state = JsonUserState(storage)
    private_state = JsonPrivateConversationState(storage)
    turn_store = TurnStore(
        db, clock, storage, (conversation_state, user_state, private_state),
        lease=timedelta(seconds=settings.turn_claim_lease_seconds),
    )
    profile = user_state.create_property("UserProfile")
    dialogs = DialogSet(private_state.create_property("DialogState"))

    cards = CoreCards(catalog)
    organizers = Organizers(settings=settings, catalog=catalog, db=db, clock=clock)
    router = Router(
        catalog=catalog, cards=cards, recognizer=recognizer, dialogs=dialogs, profile=profile,
        other_languages=load_other_languages(settings.content_dir / OTHER_LANGUAGES_FILE),
        personal_chat=PersonalChat(catalog, app_id=settings.microsoft_app_id or ""),
        is_organizer=organizers.sender_is_organizer,
    )
    services = DialogServices(
        settings=settings, catalog=catalog, recognizer=recognizer, cards=cards, db=db, clock=clock,
        municipalities=Municipalities.from_file(settings.content_dir / MUNICIPALITIES_FILE), turns=router,
        members=TeamsMembers(),
    )
    bot = VngBot(
        router=router,
        cards=cards,
        is_organizer=organizers.sender_is_organizer,
        conversation_state=conversation_state,
        user_state=user_state,
        private_state=private_state,
        db=db,
        clock=clock,
        turn_store=turn_store,
    )
    adapter = build_adapter(settings)
    adapter.use(TurnMetrics())
    if settings.otel_enabled:
        from bot.core.tracing import TurnTracing, start_tracing  # noqa: PLC0415 - OpenTelemetry only when enabled

        tracer = start_tracing()
        if tracer is not None:
            adapter.use(TurnTracing(tracer))
    adapter.use(
        TenantGuard(settings.allowed_tenants, catalog, production=not settings.local_mode, channels=settings.allowed_channels)
    )
    adapter.use(MentionRule())
    adapter.use(turn_store)
    adapter.use(ChooseLanguage(profile))
    install_error_handler(adapter, catalog, [conversation_state, private_state])

    return Core(
        settings=settings,
        clock=clock,
        db=db,
        catalog=catalog,
        recognizer=recognizer,
        cards=cards,
        services=services,
        dialogs=dialogs,
        router=router,
        profile=profile,
        user_state=user_state,
        private_state=private_state,
        adapter=adapter,
        bot=bot,
        turn_store=turn_store,
        messenger=Messenger(adapter, app_id=settings.microsoft_app_id, db=db, clock=clock),
        organizers=organizers,
        events=EventBus(),
    )


def install_core(app: web.Application, core: Core, *, version: str) -> None:
    """The HTTP edge and the database's lifetime (migrated before, disposed after every feature's own
    lifetime: features register theirs later, so they start after the migrations and stop first)."""
    app[CORE] = core
    app.router.add_post("/api/messages", messages_handler(core.adapter, core.bot, local_mode=core.settings.local_mode))
    app.router.add_get("/healthz", healthz_handler(core.db, version))
    if core.settings.metrics_enabled:
        app.router.add_get("/metrics", metrics_handler(core.settings.metrics_token))

    async def database_lifetime(_app: web.Application) -> AsyncIterator[None]:
        await core.db.migrate()
        yield
        await core.turn_store.close()
        await close_adapter(core.adapter)
        await core.db.dispose()

    app.cleanup_ctx.append(database_lifetime)
