"""Personal flows belong in a personal chat, never in a channel or group chat.

Registering, offering, "my registration", "my offers", "my data" and "delete my data" show a person's name,
e-mail and more. Asked for in a channel or group chat (by text, a command or a card button), the router does
not start them there: it opens a one-to-one chat with the person the Teams way (the connector's
create_conversation, with the tenant and the person's id) and posts a card there with a button that starts
the flow. The channel only gets a short note, without anything personal. When the one-to-one chat cannot be
opened, the note says how to open it: a Teams link to a chat with the bot.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import ChannelAccount, ConversationParameters

from bot.core.cards import ACTION_JOB_START, card, card_activity, heading, paragraph, submit
from bot.core.i18n import Catalog
from bot.core.turn import lang_of, tenant_id

log = logging.getLogger(__name__)

TEAMS_CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0?users={bot}"


class PersonalChat:
    def __init__(self, catalog: Catalog, *, app_id: str):
        self._catalog = catalog
        self._app_id = app_id

    def start_card(self, lang: str, job: str) -> dict:
        """The first message in the personal chat: what the person asked for, and a button to start it."""
        t = lambda key, **kw: self._catalog.text(lang, key, **kw)  # noqa: E731
        label = t(f"jobs.{job}") if self._catalog.has(f"jobs.{job}", lang) else job
        return card(
            [heading(t("group.personal.title")), paragraph(t("group.personal.body", job=label))],
            fallback=t("group.personal.body", job=label),
            actions=[submit(t("group.personal.start"), ACTION_JOB_START, style="positive", job=job)],
        )

    async def move(self, turn_context: TurnContext, job: str) -> None:
        """Open the personal chat (or say how to), and tell the group only that."""
        lang = lang_of(turn_context)
        opened = await self._open(turn_context, lang, job)
        if opened:
            text = self._catalog.text(lang, "group.moved")
        else:
            bot = turn_context.activity.recipient.id if turn_context.activity.recipient else ""
            text = self._catalog.text(lang, "group.go_personal", link=TEAMS_CHAT_LINK.format(bot=quote(bot or "", safe=":")))
        await turn_context.send_activity(MessageFactory.text(text))

    async def _open(self, turn_context: TurnContext, lang: str, job: str) -> bool:
        activity = turn_context.activity
        person = activity.from_property
        if person is None or not person.id or not activity.service_url:
            return False
        tenant = tenant_id(activity)
        parameters = ConversationParameters(
            is_group=False,
            bot=activity.recipient,
            members=[ChannelAccount(id=person.id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        sent = False

        async def first_message(personal: TurnContext) -> None:
            nonlocal sent
            await personal.send_activity(card_activity(self.start_card(lang, job)))
            sent = True

        create = getattr(turn_context.adapter, "create_conversation", None)
        if create is None:
            return False
        try:
            await create(self._app_id, first_message, parameters, activity.channel_id, activity.service_url, None)
        except Exception:
            log.info("could not open a personal chat for a personal flow asked for in a group", exc_info=True)
            return False
        return sent
