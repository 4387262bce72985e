"""Composition root: read settings, build the Teams core (bot/core), then let every feature install itself.

`python app.py` serves on HOST:PORT (default 127.0.0.1:3978).
"""

from __future__ import annotations

from aiohttp import web

import bot.localchat
import bot.offers
import bot.organizers
import bot.privacy
import bot.questions
import bot.registration
import bot.sessions
from bot.core.clock import Clock
from bot.core.config import Settings, UnsafeSettings
from bot.core.content import ContentError
from bot.core.http import RedactedAccessLogger
from bot.core.i18n import Catalog
from bot.core.logs import configure_logging, install_redaction
from bot.core.version import package_version
from bot.core.wiring import CORE, build_core, install_core
from bot.nlu import KnowledgeDataError, Recognizer

SERVICES = CORE  # the core, as tests and tools reach it

# In this order: a feature may use the public services of the features installed before it (the session
# book first); events need no order. The local chat page comes last and installs nothing in production (it
# needs local mode: no MicrosoftAppId).
FEATURES = (bot.sessions, bot.registration, bot.questions, bot.offers, bot.organizers, bot.privacy, bot.localchat)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    catalog: Catalog | None = None,
    recognizer: Recognizer | None = None,
) -> web.Application:
    """Build one app instance (tests pass a shared catalog and recognizer, and a fixed clock)."""
    settings = settings or Settings()
    install_redaction()  # no conversation ids, addresses or tokens in any log line (bot/core/logs.py)
    core = build_core(settings, clock=clock, catalog=catalog, recognizer=recognizer)
    app = web.Application()
    install_core(app, core, version=package_version())
    for feature in FEATURES:
        feature.install(app, core)
    return app


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    try:
        app = create_app(settings)
    except (ContentError, KnowledgeDataError) as error:  # a broken content file: say which, and where
        raise SystemExit(f"The bot cannot start: fix the content file named below.\n{error}") from None
    except UnsafeSettings as error:
        raise SystemExit(f"The bot refuses to start: {error}") from None
    web.run_app(app, host=settings.host, port=settings.port, access_log_class=RedactedAccessLogger)


if __name__ == "__main__":
    main()
