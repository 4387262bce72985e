"""The organizers' desk: the overview of everything that came in, and exports as download links.

Public interface: `install(app, core)`; `ORGANIZER_DESK`, the app key of what was built (tests). The
feature reads sessions through the `SessionBook` and labels offers with the offers feature's
`OFFER_OPTIONS`. (Who is an organizer is the core's `Organizers`, shared by every organizer function.)
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.core.cards import OrganizerCommand
from bot.core.wiring import Core
from bot.offers import OFFER_OPTIONS
from bot.organizers.cards import ACTION_EXPORT, ACTION_OVERVIEW, OrganizerCards
from bot.organizers.desk import OrganizerDesk
from bot.organizers.exports import Exporter, ExportLinks, download_handler
from bot.sessions import SESSION_BOOK

__all__ = ["ORGANIZER_DESK", "OrganizerDeskFeature", "install"]


@dataclass(frozen=True)
class OrganizerDeskFeature:
    """What `install` built; tests reach it through `app[ORGANIZER_DESK]`."""

    desk: OrganizerDesk
    links: ExportLinks
    exporter: Exporter


ORGANIZER_DESK = web.AppKey("organizer_desk", OrganizerDeskFeature)


def install(app: web.Application, core: Core) -> None:
    """The organizers' commands and card actions, and the `/exports/{token}` download route."""
    settings, catalog, organizers = core.settings, core.catalog, core.organizers
    book, options = app[SESSION_BOOK], app[OFFER_OPTIONS]
    exporter = Exporter(catalog=catalog, options=options, book=book, recognizer=core.recognizer)
    links = ExportLinks(settings=settings, db=core.db, clock=core.clock)
    desk = OrganizerDesk(
        catalog=catalog,
        settings=settings,
        db=core.db,
        clock=core.clock,
        organizers=organizers,
        cards=OrganizerCards(catalog, options, book, exporter),
        links=links,
    )
    core.router.add_command(desk.matches, desk.handle)
    core.cards.add_organizer_command(OrganizerCommand(
        "overview.words", "organizer_cards.commands.overview", button_key="organizer_cards.buttons.overview", action=ACTION_OVERVIEW
    ))
    core.cards.add_organizer_command(OrganizerCommand("export.words", "organizer_cards.commands.export"))
    core.router.add_action(ACTION_OVERVIEW, desk.on_overview)
    core.router.add_action(ACTION_EXPORT, desk.on_export)
    app.router.add_get(
        "/exports/{token}",
        download_handler(
            links=links, exporter=exporter, organizers=organizers, settings=settings, db=core.db,
            clock=core.clock, catalog=catalog,
        ),
        allow_head=False,
    )
    app[ORGANIZER_DESK] = OrganizerDeskFeature(desk=desk, links=links, exporter=exporter)
