"""The Bot Framework adapter (CloudAdapter) and the turn error handler."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from botbuilder.core import BotState, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.config import Settings
from bot.i18n import Catalog, language_for_locale
from bot.turn import LANG_KEY
from storage.bot_state import StateConflictError

log = logging.getLogger(__name__)


def build_adapter(settings: Settings) -> CloudAdapter:
    if settings.local_mode:
        log.warning("MicrosoftAppId is not set: running in local mode without token checks (Bot Framework Emulator)")
    configuration = SimpleNamespace(
        APP_ID=settings.microsoft_app_id,
        APP_PASSWORD=settings.microsoft_app_password,
        APP_TYPE=settings.microsoft_app_type if not settings.local_mode else "MultiTenant",
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )
    return CloudAdapter(ConfigurationBotFrameworkAuthentication(configuration))


def install_error_handler(adapter: CloudAdapter, catalog: Catalog, states_to_clear: list[BotState]) -> None:
    """Log (no personal data), apologize in the user's language, and clear the broken conversation state."""

    async def on_turn_error(context: TurnContext, error: Exception) -> None:
        activity = context.activity
        lang = context.turn_state.get(LANG_KEY) or language_for_locale(activity.locale)
        if isinstance(error, StateConflictError):
            log.warning("bot state conflict in a %s turn; asked the user to resend", activity.type)
            await _safe_send(context, catalog.text(lang, "error.conflict"))
            return
        log.error(
            "unhandled %s in a %s turn (channel %s)",
            type(error).__name__,
            activity.type,
            activity.channel_id,
            exc_info=(type(error), error, error.__traceback__),
        )
        await _safe_send(context, catalog.text(lang, "error.generic"))
        for state in states_to_clear:
            try:
                await state.load(context)  # delete() expects the state to be cached in the turn
                await state.delete(context)
            except Exception:  # noqa: BLE001 - clearing is best effort; the turn already failed
                log.warning("could not clear %s after an error", type(state).__name__)

    adapter.on_turn_error = on_turn_error


async def _safe_send(context: TurnContext, text: str) -> None:
    if context.activity.type not in ("message", "invoke"):
        return
    try:
        await context.send_activity(MessageFactory.text(text))
    except Exception:  # noqa: BLE001 - the connector itself may be the failure
        log.warning("could not send the apology to the user")
