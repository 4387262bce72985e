"""Facts about the current turn that every part of the bot needs: language, clean text, tenant, scope."""

from __future__ import annotations

import html
import re
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.core.i18n import DEFAULT_LANGUAGE

LANG_KEY = "vng.lang"
# Turn state: callables run once the step's replies are sent (a batched reply's id is known only then).
AFTER_SEND = "vng.after_send"


class TurnNotCompleted(Exception):
    """The turn could not be done now (e.g. the same activity is still being processed): the HTTP edge
    answers 503, and Teams re-sends the activity later."""

_AT_TAG = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def lang_of(turn_context: TurnContext) -> str:
    return turn_context.turn_state.get(LANG_KEY, DEFAULT_LANGUAGE)


def set_lang(turn_context: TurnContext, lang: str) -> None:
    turn_context.turn_state[LANG_KEY] = lang


def is_group(activity: Activity) -> bool:
    conversation = activity.conversation
    if conversation is None:
        return False
    return bool(conversation.is_group) or conversation.conversation_type in ("channel", "groupChat")


def mentions_bot(activity: Activity) -> bool:
    recipient_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        props = entity.additional_properties or {}
        if entity.type == "mention":
            mentioned = props.get("mentioned") or {}
            if recipient_id is None or mentioned.get("id") == recipient_id:
                return True
    return False


def clean_text(activity: Activity) -> str:
    """The user's words: bot mention and markup removed, entities unescaped, spaces folded."""
    text = activity.text or ""
    text = _AT_TAG.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text).replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def card_value(activity: Activity) -> dict[str, Any] | None:
    """The data of an Adaptive Card Action.Submit (a message with `value`), if this is one."""
    value = activity.value
    if isinstance(value, dict) and isinstance(value.get("action"), str):
        return value
    return None


def tenant_id(activity: Activity) -> str | None:
    """The tenant from `channelData.tenant.id` (botbuilder 4.17.1 drops `conversation.tenantId`)."""
    channel_data = activity.channel_data
    if isinstance(channel_data, dict):
        tenant = channel_data.get("tenant")
        if isinstance(tenant, dict) and tenant.get("id"):
            return str(tenant["id"])
    conversation = activity.conversation
    return getattr(conversation, "tenant_id", None) if conversation else None


def user_ids(activity: Activity) -> tuple[str | None, str | None]:
    """(channel user id, Entra object id) of the sender."""
    sender = activity.from_property
    if sender is None:
        return None, None
    return sender.id, sender.aad_object_id


def user_key(activity: Activity) -> str:
    """A stable key for the sender: the Entra object id in Teams, else channel and channel user id."""
    channel_user, aad_object_id = user_ids(activity)
    if aad_object_id:
        return f"aad:{aad_object_id.lower()}"
    return f"{activity.channel_id or 'unknown'}:{channel_user or 'anonymous'}"
