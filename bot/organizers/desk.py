"""The organizers' desk: an overview of everything that came in, and exports as download links.

In a personal chat an organizer types a strict command: "overzicht" / "overview" (also "organisator" /
"organizer") for the overview card, "export" for the export choice, or "export aanmeldingen xlsx" /
"export registrations csv" for a link straight away. The overview card has the same export choice, a button
to the forwarded questions (`questions.list`, owned by that feature) and a refresh button.

Every command and card action checks ORGANIZER_AAD_IDS on every call (`Organizers.authorize`), which also
writes the audit trail; anyone else gets a polite refusal and nothing else. In a group chat or channel an
organizer is sent to the personal chat: the overview and the files carry personal data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext

from bot.core.cards import card_activity
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.i18n import LANGUAGES, Catalog
from bot.core.organizers import Organizers
from bot.core.turn import clean_text, is_group, lang_of, user_ids
from bot.nlu.commands import CommandWords, command_key
from bot.organizers.cards import OrganizerCards
from bot.organizers.exports import AUDIT_LINK, DATASETS, FORMATS, ExportLinks, link_target, new_link_id
from storage.db import Database
from storage.organizers.reporting import Reporting

log = logging.getLogger(__name__)

CommandKind = Literal["overview", "export"]
OVERVIEW: CommandKind = "overview"
EXPORT: CommandKind = "export"
DEFAULT_FORMAT = "xlsx"
AUDIT_OVERVIEW = "overview.show"
AUDIT_EXPORT_CHOICE = "export.choose"


@dataclass(frozen=True)
class OrganizerCommand:
    kind: CommandKind
    dataset: str | None = None
    fmt: str | None = None


class OrganizerCommands:
    """The strict commands, in every language (from the catalog): the whole message must be one of them."""

    def __init__(self, catalog: Catalog):
        def words(keys: dict[str, str]) -> CommandWords[str]:
            return CommandWords.from_catalog(catalog, keys, LANGUAGES)

        self.overview = words({OVERVIEW: "overview.words"})
        self.export = words({EXPORT: "export.words"})
        self.formats = words({fmt: f"export.{fmt}_words" for fmt in FORMATS})
        self.datasets = words({d: f"export.datasets.{d}.words" for d in DATASETS})

    def parse(self, text: str) -> OrganizerCommand | None:
        normalized = command_key(text)
        if not normalized:
            return None
        if normalized in self.overview:
            return OrganizerCommand(OVERVIEW)
        first, *rest = normalized.split()
        if first not in self.export:
            return None
        dataset = fmt = None
        for word in rest:
            if word in self.formats and fmt is None:
                fmt = self.formats.get(word)
            elif word in self.datasets and dataset is None:
                dataset = self.datasets.get(word)
            else:
                return None  # anything else: not this command, but a sentence for the recognizer
        return OrganizerCommand(EXPORT, dataset, fmt)


class OrganizerDesk:
    def __init__(
        self,
        *,
        catalog: Catalog,
        settings: Settings,
        db: Database,
        clock: Clock,
        organizers: Organizers,
        cards: OrganizerCards,
        links: ExportLinks,
    ):
        self._catalog = catalog
        self._settings = settings
        self._db = db
        self._clock = clock
        self._organizers = organizers
        self._cards = cards
        self._links = links
        self._words = OrganizerCommands(catalog)

    # --- strict commands ------------------------------------------------------------------------------
    def matches(self, turn_context: TurnContext, text: str) -> bool:
        return self._words.parse(text) is not None

    async def handle(self, dc: DialogContext) -> None:
        """Runs a typed command; an active dialog stays where it was."""
        command = self._words.parse(clean_text(dc.context.activity))
        if command is None:
            return
        if command.kind == OVERVIEW:
            await self.show_overview(dc.context)
        elif command.dataset is None:
            await self.show_export_choice(dc.context, fmt_given=command.fmt)
        else:
            await self.create_link(dc.context, command.dataset, command.fmt or DEFAULT_FORMAT)

    # --- card actions ---------------------------------------------------------------------------------
    async def on_overview(self, dc: DialogContext, _value: dict[str, Any]) -> None:
        await self.show_overview(dc.context)

    async def on_export(self, dc: DialogContext, value: dict[str, Any]) -> None:
        dataset, fmt = value.get("dataset"), value.get("format")
        if dataset is None and fmt is None:  # the overview's "Export" button: the export card of its own
            await self.show_export_choice(dc.context)
            return
        await self.create_link(dc.context, dataset if isinstance(dataset, str) else "", fmt if isinstance(fmt, str) else "")

    # --- the work -------------------------------------------------------------------------------------
    async def show_overview(self, turn_context: TurnContext) -> None:
        group = is_group(turn_context.activity)
        if not await self._organizers.authorize(turn_context, AUDIT_OVERVIEW, target="group" if group else "personal"):
            return
        lang = lang_of(turn_context)
        if group:
            await self._personal_only(turn_context)
            return
        async with self._db.transaction() as session:
            overview = await Reporting(session).overview()
        payload = self._cards.overview(lang, overview, now=self._clock.now(), link_minutes=self._settings.export_link_minutes)
        await turn_context.send_activity(card_activity(payload))

    async def show_export_choice(self, turn_context: TurnContext, *, fmt_given: str | None = None, note: str | None = None) -> None:
        group = is_group(turn_context.activity)
        if not await self._organizers.authorize(turn_context, AUDIT_EXPORT_CHOICE, target="group" if group else "personal"):
            return
        if group:
            await self._personal_only(turn_context)
            return
        lang = lang_of(turn_context)
        payload = self._cards.export_choice(lang, link_minutes=self._settings.export_link_minutes, note=note, fmt=fmt_given)
        await turn_context.send_activity(card_activity(payload))

    async def create_link(self, turn_context: TurnContext, dataset: str, fmt: str) -> None:
        """A signed, short-lived download link for one dataset in one format (audited with the link's id)."""
        group = is_group(turn_context.activity)
        valid = dataset in DATASETS and fmt in FORMATS
        link_id = new_link_id()
        target = "group" if group else (link_target(dataset, fmt, link_id) if valid else "invalid")
        if not await self._organizers.authorize(turn_context, AUDIT_LINK, target=target):
            return
        lang = lang_of(turn_context)
        if group:
            await self._personal_only(turn_context)
            return
        if not valid:
            payload = self._cards.export_choice(
                lang, link_minutes=self._settings.export_link_minutes, note=self._catalog.text(lang, "export.unknown_choice")
            )
            await turn_context.send_activity(card_activity(payload))
            return
        _, aad_object_id = user_ids(turn_context.activity)
        link = await self._links.create(aad_object_id or "", dataset, fmt, lang, link_id=link_id)
        log.info("export link created for %s.%s", dataset, fmt)
        payload = self._cards.export_link(lang, dataset=dataset, fmt=fmt, link=link, link_minutes=self._settings.export_link_minutes)
        await turn_context.send_activity(card_activity(payload, summary=self._catalog.text(lang, "export.link.title")))

    async def _personal_only(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(self._catalog.text(lang_of(turn_context), "overview.personal_only")))
