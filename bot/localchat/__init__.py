"""Try the bot without Teams: a chat page at `/`, in local mode only (no MicrosoftAppId).

Public interface: `install(app, core)`, `LOCAL_CHATS` (the page's conversations, for tests).

The page runs Microsoft's Bot Framework Web Chat against a small Direct Line 3.0 endpoint of this app
(`directline.py`); what the tester types goes through the core's adapter, middleware and router as a Teams
activity would, and the bot's replies and proactive messages come back through a loopback Bot Connector
(`/localchat/connector/`, the conversations' `serviceUrl`). In production none of these routes exist.
"""

from __future__ import annotations

import logging

from aiohttp import web
from botbuilder.schema import Activity

from bot.core.wiring import Core
from bot.localchat.directline import LocalChats, connector_routes, directline_routes
from bot.localchat.page import page_handler, webchat_bundle

__all__ = ["LOCAL_CHATS", "install"]

log = logging.getLogger(__name__)

LOCAL_CHATS = web.AppKey("local_chats", LocalChats)


def install(app: web.Application, core: Core) -> None:
    if not core.settings.local_mode:
        return
    tenants = core.settings.allowed_tenants
    chats = LocalChats(tenants[0]) if tenants else LocalChats()
    app[LOCAL_CHATS] = chats

    async def process(activity: Activity) -> None:
        """One turn through the same adapter and pipeline as Teams' (no token in local mode)."""
        await core.adapter.process_activity("", activity, core.bot.on_turn)

    app.router.add_get("/", page_handler(core.catalog, chats, core.settings.organizer_aad_ids))
    app.router.add_get("/localchat/webchat.js", webchat_bundle)
    directline_routes(app, chats, process)
    connector_routes(app, chats)
    log.info("local chat page: %s/", core.settings.effective_public_base_url)
