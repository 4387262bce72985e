"""The Bot Framework adapter (CloudAdapter) and the turn error handler."""

from __future__ import annotations

import copy
import logging
from types import SimpleNamespace

from botbuilder.core import BotState, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes, DeliveryModes, ResourceResponse
from botframework.connector.auth import AuthenticateRequestResult, ConnectorFactory

from bot.core.auth import SigningKeys, TokenValidator
from bot.core.config import Settings
from bot.core.connector import RETRY_STATUSES, AppTokens, AsyncConnectorFactory, ConnectorError, Connectors, HttpSession
from bot.core.i18n import Catalog, language_for_locale
from bot.core.state_storage import StateConflictError
from bot.core.turn import AFTER_SEND, LANG_KEY, TurnNotCompleted
from storage.db import is_unavailable

log = logging.getLogger(__name__)


class _Authentication(ConfigurationBotFrameworkAuthentication):
    """The configured authentication (botbuilder checks the inbound tokens), with our async connector
    clients (bot/core/connector.py) for everything the bot sends."""

    def __init__(self, configuration, connectors: Connectors, validator: TokenValidator | None = None):
        super().__init__(configuration)
        self.connectors = connectors
        self._token_clients: dict[tuple, object] = {}
        self.validator = validator

    async def _authenticate(self, activity, auth_header) -> AuthenticateRequestResult:
        """botbuilder's check fetches keys synchronously on the event loop: bot/core/auth.py checks instead."""
        assert self.validator is not None
        result = AuthenticateRequestResult()
        result.claims_identity = await self.validator.identity(auth_header, activity.channel_id, activity.service_url)
        result.audience = self.get_originating_audience()
        result.caller_id = getattr(self._inner, "_caller_id", None)
        result.connector_factory = self.create_connector_factory(result.claims_identity)
        return result

    async def create_user_token_client(self, claims_identity):
        # Built for every turn by CloudAdapter (its msrest configuration costs milliseconds of CPU);
        # it depends only on the bot's identity, so one per identity serves every turn.
        claims = claims_identity.claims or {}
        key = (claims.get("aud"), claims.get("appid"), claims.get("azp"), claims_identity.is_authenticated)
        client = self._token_clients.get(key)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            self._token_clients[key] = client
        return client

    async def authenticate_request(self, activity, auth_header):
        if self.validator is not None:
            return await self._authenticate(activity, auth_header)  # connectors are reused already
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = AsyncConnectorFactory(self.connectors, _app_id_of(result.connector_factory))
        return result

    def create_connector_factory(self, claims_identity):
        return AsyncConnectorFactory(self.connectors, _app_id_of(super().create_connector_factory(claims_identity)))

    async def close(self) -> None:
        if self.validator is not None:
            await self.validator.close()
        await self.connectors.close()


class BatchingTurnContext(TurnContext):
    """A turn context that can hold a turn's replies and send them together at the end of the step
    (`start_batch`, `flush_batch`): the turn's work is done before the first reply goes out, and when the
    replies cannot be delivered nothing of the turn is saved (the handler flushes before it saves).

    Replies are copied shallowly (botbuilder deep-copies every reply, card and all, only to set the
    addressing fields on the copy). A held reply's response gets its id when the batch is sent; then the
    callables in turn_state[AFTER_SEND] run (e.g. to remember a card's id, to update it in place later)."""

    _batch: list[Activity] | None = None
    _held: list[ResourceResponse]

    def start_batch(self) -> None:
        self._batch = []
        self._held = []

    def discard_batch(self) -> None:
        self._batch = None
        self._held = []
        self.turn_state.pop(AFTER_SEND, None)

    async def flush_batch(self) -> None:
        batch = self._batch
        if batch:
            self._batch = []
            held, self._held = self._held, []
            responses = await self.adapter.send_activities(self, batch) or []
            for placeholder, response in zip(held, responses, strict=False):
                placeholder.id = getattr(response, "id", None) or ""
        for callback in self.turn_state.pop(AFTER_SEND, None) or []:
            callback()

    async def send_activities(self, activities: list[Activity]) -> list[ResourceResponse]:
        if self.activity.delivery_mode == DeliveryModes.expect_replies or self._on_send_activities:
            return await super().send_activities(activities)  # botbuilder's own path for these
        reference = TurnContext.get_conversation_reference(self.activity)
        output = []
        for activity in activities:
            reply = TurnContext.apply_conversation_reference(copy.copy(activity), reference)
            reply.type = reply.type or ActivityTypes.message
            reply.input_hint = reply.input_hint or "acceptingInput"
            reply.id = None
            output.append(reply)
        if any(reply.type != ActivityTypes.trace for reply in output):
            self.responded = True
        if self._batch is not None and all(reply.type == ActivityTypes.message for reply in output):
            self._batch.extend(output)
            held = [ResourceResponse(id="") for _ in output]  # the ids follow when the batch is sent
            self._held.extend(held)
            return held
        await self.flush_batch()  # keep the order
        return await self.adapter.send_activities(self, output)


class _Adapter(CloudAdapter):
    def _create_turn_context(
        self, activity, claims_identity, oauth_scope, connector_client, user_token_client, logic, connector_factory
    ) -> TurnContext:
        context = BatchingTurnContext(self, activity)
        context.turn_state[self.BOT_IDENTITY_KEY] = claims_identity
        context.turn_state[self.BOT_CONNECTOR_CLIENT_KEY] = connector_client
        context.turn_state[self.USER_TOKEN_CLIENT_KEY] = user_token_client
        context.turn_state[self.BOT_CALLBACK_HANDLER_KEY] = logic
        context.turn_state[self.CONNECTOR_FACTORY_KEY] = connector_factory
        context.turn_state[self.BOT_OAUTH_SCOPE_KEY] = oauth_scope
        return context


def _app_id_of(factory: ConnectorFactory) -> str | None:
    """The app id botbuilder's factory would have used for its credentials (empty in local mode)."""
    return getattr(factory, "_app_id", None) or None


def build_connectors(settings: Settings) -> Connectors:
    http = HttpSession()
    tokens = None
    if not settings.local_mode:
        tenant = settings.microsoft_app_tenant_id if settings.microsoft_app_type.lower() == "singletenant" else None
        tokens = AppTokens(
            http, app_id=settings.microsoft_app_id, password=settings.microsoft_app_password, tenant=tenant or None
        )
    return Connectors(http, tokens)


def build_adapter(settings: Settings) -> CloudAdapter:
    if settings.local_mode:
        log.warning("MicrosoftAppId is not set: running in local mode without token checks (Bot Framework Emulator)")
    configuration = SimpleNamespace(
        APP_ID=settings.microsoft_app_id,
        APP_PASSWORD=settings.microsoft_app_password,
        APP_TYPE=settings.microsoft_app_type if not settings.local_mode else "MultiTenant",
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )
    validator = None
    if not settings.local_mode:
        keys = SigningKeys(
            settings.openid_metadata_url,
            timeout=settings.auth_http_timeout_seconds,
            ttl=settings.keys_cache_hours * 3600,
        )
        validator = TokenValidator(settings.microsoft_app_id, keys)
    return _Adapter(_Authentication(configuration, build_connectors(settings), validator))


def connectors_of(adapter: CloudAdapter) -> Connectors:
    """The adapter's connector clients (their retry policy and `sleep` are what tests adjust)."""
    authentication = adapter.bot_framework_authentication
    assert isinstance(authentication, _Authentication)
    return authentication.connectors


async def close_adapter(adapter: CloudAdapter) -> None:
    """Close the shared HTTP session of the connector clients (at shutdown)."""
    authentication = adapter.bot_framework_authentication
    if isinstance(authentication, _Authentication):
        await authentication.close()


def install_error_handler(adapter: CloudAdapter, catalog: Catalog, states_to_clear: list[BotState]) -> None:
    """Log (no personal data), apologize in the user's language, and clear the broken conversation state.

    A reply the Bot Connector would not take is no bug in the conversation: the state stays as it was
    before the turn (nothing of the turn is saved). When the connector was throttling or failing, the
    error goes on to the HTTP edge, which answers 503 so that Teams re-sends the activity (its claim is
    released); when it refused the reply itself, the user gets an apology."""

    async def on_turn_error(context: TurnContext, error: Exception) -> None:
        activity = context.activity
        lang = context.turn_state.get(LANG_KEY) or language_for_locale(activity.locale)
        if isinstance(error, StateConflictError):
            log.warning("bot state conflict in a %s turn; asked the user to resend", activity.type)
            await _safe_send(context, catalog.text(lang, "error.conflict"))
            return
        if isinstance(error, TurnNotCompleted):
            raise error  # the HTTP edge answers 503; nothing of this turn happened
        if isinstance(error, ConnectorError):
            if error.status is None or error.status in RETRY_STATUSES:
                log.warning("the connector answered %s to a reply; the turn is left for a re-delivery", error.status)
                raise error
            log.warning("the connector refused a reply with status %s; the conversation state is kept", error.status)
            await _safe_send(context, catalog.text(lang, "error.generic"))
            return
        if is_unavailable(error):
            # The database is slow or away: the state saved before this turn is still there; keep it.
            log.warning("the database did not answer in time in a %s turn (%s)", activity.type, type(error).__name__)
            await _safe_send(context, catalog.text(lang, "error.busy"))
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
