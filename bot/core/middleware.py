"""Turn middleware: tenant guard, language choice, group-chat mention rule (the re-delivery claim and the
turn's state rows: bot/core/turn_store.py)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from botbuilder.core import Middleware, StatePropertyAccessor, TurnContext
from botbuilder.schema import ActivityTypes

from bot.core.i18n import Catalog, language_for_locale, normalize_language
from bot.core.profile import UserProfile
from bot.core.turn import card_value, is_group, mentions_bot, set_lang, tenant_id

log = logging.getLogger(__name__)

NextFn = Callable[[], Awaitable[None]]
PRUNE_AFTER = timedelta(days=2)


class TenantGuard(Middleware):
    """Who may talk to the bot. In production (with an app id) only the `msteams` channel and the channels
    ALLOWED_CHANNELS names are served; others are dropped. With ALLOWED_TENANTS set, activities from other
    tenants, on any channel, get a polite refusal and nothing else. Channel ids and tenant ids are compared
    exactly after folding case and surrounding spaces."""

    def __init__(self, allowed: list[str], catalog: Catalog, *, production: bool = False, channels: Sequence[str] = ()):
        self._allowed = {t.strip().lower() for t in allowed if t.strip()}
        self._catalog = catalog
        self._production = production
        self._channels = {"msteams", *(c.strip().lower() for c in channels if c.strip())}

    async def on_turn(self, context: TurnContext, logic: NextFn):
        if _is_continuation(context):
            return await logic()
        channel = (context.activity.channel_id or "").strip().lower()
        if self._production and channel not in self._channels:
            log.info("dropped an activity from a channel that is not allowed")
            return None
        if not self._allowed:
            return await logic()
        tenant = (tenant_id(context.activity) or "").strip().lower()
        if tenant in self._allowed:
            return await logic()
        log.info("refused activity from a tenant that is not allowed")
        if context.activity.type == ActivityTypes.message:
            lang = language_for_locale(context.activity.locale)
            await context.send_activity(self._catalog.text(lang, "tenant.refused"))
        return None


class ChooseLanguage(Middleware):
    """The user's chosen language, else the client's locale (English locales -> en, else nl)."""

    def __init__(self, profile: StatePropertyAccessor):
        self._profile = profile

    async def on_turn(self, context: TurnContext, logic: NextFn):
        locale = context.activity.locale
        if locale is None and _is_continuation(context) and context.activity.relates_to is not None:
            locale = context.activity.relates_to.locale  # a proactive turn: the locale of the stored reference
        lang = language_for_locale(locale)
        if context.activity.from_property is not None and context.activity.conversation is not None:
            profile: UserProfile | None = await self._profile.get(context)  # no default: nothing stored for a mere read
            if profile is not None and profile.language:
                lang = normalize_language(profile.language)
        set_lang(context, lang)
        return await logic()


class MentionRule(Middleware):
    """In group chats and channels, typed messages count only when they @mention the bot."""

    async def on_turn(self, context: TurnContext, logic: NextFn):
        activity = context.activity
        if (
            activity.type == ActivityTypes.message
            and is_group(activity)
            and card_value(activity) is None
            and not mentions_bot(activity)
        ):
            return None
        return await logic()


def _is_continuation(context: TurnContext) -> bool:
    """A proactive turn the bot started itself (it carries no tenant of its own)."""
    return context.activity.type == ActivityTypes.event and context.activity.name == "ContinueConversation"
