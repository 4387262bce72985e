"""Adaptive Card builders (schema 1.5). Texts come from the catalog; every action carries an explicit name.

Feature modules add their own builders beside these, using the helpers here so every card has the same
shape: version 1.5, a plain-text `fallbackText`, and `Action.Submit` data with an `action` key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Literal

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, Attachment

from bot.core.i18n import Catalog
from bot.core.turn import AFTER_SEND

CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

# The jobs of the main menu, in display order; each is also an intent name.
MENU_JOBS = ("ask_question", "register", "offer_expertise", "contribute", "my_data", "help")
# Teams' card guidance: at most three primary actions. The welcome and help show these; the other jobs are
# behind "More" (an Action.ShowCard with a vertical list). The menu itself lists every job, one a line.
PRIMARY_JOBS = ("register", "offer_expertise", "contribute")
MAX_PRIMARY_ACTIONS = 3

ACTION_JOB_START = "job.start"
# Where a guided conversation keeps the id of the card it shows, to update that card in place.
CARD_ID = "card_id"
# Turn state: the id of the card that the step's outcome replaces (set by the form engine while a summary's
# confirmation is handled; `send_in_place` uses it once).
IN_PLACE = "cards.in_place"
# Teams shows a card's buttons side by side in one row and cuts off titles that do not fit. Buttons are
# kept side by side only when there are at most three and each title fits its share of the row (in
# characters, for a card about 450 px wide); otherwise they are stacked, one full-width button a line.
_FITS_SIDE_BY_SIDE = {1: 40, 2: 18, 3: 11}

log = logging.getLogger(__name__)


def _fits_side_by_side(actions: list[dict[str, Any]]) -> bool:
    limit = _FITS_SIDE_BY_SIDE.get(len(actions))
    return limit is not None and all(len(str(action.get("title", ""))) <= limit for action in actions)


MAX_HEADING_CHARS = 120


def _ensure_heading(body: list[dict[str, Any]]) -> None:
    """Every card has one heading: a card of a few plain sentences gets its first, short one as heading."""
    if any(block.get("style") == "heading" for block in body if block.get("type") == "TextBlock"):
        return
    first = body[0] if body else None
    if first and first.get("type") == "TextBlock" and len(str(first.get("text", ""))) <= MAX_HEADING_CHARS:
        body[0] = {**{k: v for k, v in first.items() if k not in ("weight", "size", "color", "isSubtle")}, **heading(str(first["text"]))}


def buttons(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Buttons for a card's body: side by side when they fit in one row, else a vertical list."""
    if _fits_side_by_side(actions):
        return [{"type": "ActionSet", "actions": actions}]
    return stacked(actions)


def stacked(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Buttons as a vertical list: one action set (one full-width button) a line."""
    return [{"type": "ActionSet", "actions": [action], "spacing": "Small"} for action in actions]


def card(body: list[dict[str, Any]], *, fallback: str, actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "fallbackText": fallback,
        "body": body,
    }
    _ensure_heading(body)
    if actions and _fits_side_by_side(actions):
        payload["actions"] = actions
    elif actions:
        body.extend(stacked(actions))
    return payload


def heading(text: str) -> dict[str, Any]:
    """The card's one heading: larger than the bold sub-headings, in the accent colour."""
    return {"type": "TextBlock", "text": text, "size": "Large", "weight": "Bolder", "color": "Accent", "wrap": True, "style": "heading"}


def paragraph(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def submit(title: str, action: str, *, validate: bool = True, style: str | None = None, **data: Any) -> dict[str, Any]:
    """An Action.Submit whose data names the action; Teams merges input values into this data.
    `validate=False` (e.g. Cancel) sends without the inputs, so required inputs left empty do not block it.
    `style`: "positive" (the step forward: send, confirm) or "destructive" (cancel a registration, delete)."""
    action_json: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": {"action": action, **data}}
    if not validate:
        action_json["associatedInputs"] = "none"
    if style:
        action_json["style"] = style
    return action_json


def open_url(title: str, url: str) -> dict[str, Any]:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def attachment(payload: dict[str, Any]) -> Attachment:
    return CardFactory.adaptive_card(payload)


def card_activity(payload: dict[str, Any], *, summary: str | None = None) -> Activity:
    """A message carrying one card; `summary` (defaults to the card's fallback) shows in notifications."""
    activity = MessageFactory.attachment(attachment(payload))
    activity.summary = summary or payload.get("fallbackText")
    return activity


async def replace_or_send(
    context: TurnContext, state: MutableMapping[str, Any], activity: Activity, *, replace: bool = True
) -> None:
    """One message per step: put `activity` in place of the card whose id `state` holds (a form's corrections,
    its summary), else send it and remember its id. A card that can no longer be updated is sent anew."""
    card_id = state.get(CARD_ID)
    if replace and card_id and await _updated(context, activity, card_id):
        return
    response = await context.send_activity(activity)
    if response is None:
        return
    if response.id:
        state[CARD_ID] = response.id
        return

    def remember() -> None:  # a reply held until the end of the step: its id is known once it is sent
        if response.id:
            state[CARD_ID] = response.id

    context.turn_state.setdefault(AFTER_SEND, []).append(remember)


async def send_in_place(context: TurnContext, activity: Activity) -> None:
    """A step's outcome in place of the card it answers (a form's confirmation replaces its summary): the
    first reply of the turn sent this way updates the card whose id `IN_PLACE` holds in the turn state; any
    other is sent as a new message. A card that can no longer be updated is sent anew."""
    card_id = context.turn_state.pop(IN_PLACE, None)
    if card_id and await _updated(context, activity, card_id):
        return
    await context.send_activity(activity)


async def _updated(context: TurnContext, activity: Activity, card_id: str) -> bool:
    """Put `activity` in place of the message `card_id`; False (and `activity` a new message again) when that
    message can no longer be updated."""
    activity.id = card_id
    try:
        await context.update_activity(activity)
        return True
    except Exception:  # noqa: BLE001 - e.g. the message was deleted: a new one is as good
        log.info("could not update card %s; sending a new one", card_id)
        activity.id = None
        return False


@dataclass(frozen=True)
class OrganizerCommand:
    """A command an organizer can type, as listed on the organizers' welcome and help (a feature adds its own).
    `words_key`: the catalog key of the command's phrasings (the first one of the user's language is shown, so
    the list always names a command the bot understands); `text_key`: what it does; `suffix`: an example
    argument ("1" for "sessie wijzigen 1"); `button_key` and `action`: an optional button to do it at once."""

    words_key: str
    text_key: str
    suffix: str = ""
    button_key: str | None = None
    action: str | None = None


MAX_ORGANIZER_BUTTONS = MAX_PRIMARY_ACTIONS


@dataclass(frozen=True)
class SessionOutlook:
    """What the welcome, menu and help say about the information session at this moment: `coming`, one can
    still register for it; `past`, the last one is over; `closed`, none takes registrations now.
    `facts`: the session's facts as answers show them ({session_date})."""

    state: Literal["coming", "past", "closed"]
    facts: Mapping[str, str] = field(default_factory=dict)


REGISTER_JOB = "register"


class CoreCards:
    """Welcome, menu and help cards (the organizers' own welcome and help list their commands). What they
    say about the information session follows the clock and the session data (`set_session_outlook`)."""

    def __init__(self, catalog: Catalog):
        self._catalog = catalog
        self._organizer_commands: list[OrganizerCommand] = []
        self._outlook: Callable[[str], SessionOutlook] | None = None

    def set_session_outlook(self, outlook: Callable[[str], SessionOutlook]) -> None:
        """Called by the sessions feature's install: the session's state and facts now, in a language."""
        self._outlook = outlook

    def _session_outlook(self, lang: str) -> SessionOutlook | None:
        return self._outlook(lang) if self._outlook is not None else None

    def add_organizer_command(self, command: OrganizerCommand) -> None:
        """Called by a feature's install: its command is listed on the organizers' welcome and help."""
        self._organizer_commands.append(command)

    @property
    def organizer_commands(self) -> tuple[OrganizerCommand, ...]:
        return tuple(self._organizer_commands)

    def organizer_command_word(self, lang: str, command: OrganizerCommand) -> str:
        """The command as the organizer types it: the first phrasing in this language, plus the example."""
        first = self._catalog.raw(lang, command.words_key).split(",")[0].strip()
        return f"{first} {command.suffix}".strip()

    def _organizer_card(self, lang: str, prefix: str) -> dict[str, Any]:
        t = lambda key, **params: self._catalog.text(lang, key, **params)  # noqa: E731
        lines = [
            t("organizer_cards.command_line", command=self.organizer_command_word(lang, c), text=t(c.text_key))
            for c in self._organizer_commands
        ]
        body = [
            heading(t(f"{prefix}.title")),
            paragraph(t(f"{prefix}.intro")),
            paragraph("\n".join(f"- {line}" for line in lines)),
            paragraph(t("organizer_cards.personal"), isSubtle=True),
            paragraph(t("organizer_cards.participants"), isSubtle=True),
        ]
        actions = [
            submit(t(c.button_key), c.action)
            for c in self._organizer_commands
            if c.button_key and c.action
        ][:MAX_ORGANIZER_BUTTONS]
        fallback = "\n".join([t(f"{prefix}.title"), *lines])
        return card(body, fallback=fallback, actions=actions or None)

    def _job_labels(self, lang: str) -> dict[str, str]:
        labels = dict(self._catalog.lines(lang, "jobs"))
        outlook = self._session_outlook(lang)
        if outlook is not None and outlook.state != "coming":  # no session to register for: ask to hear of one
            labels[REGISTER_JOB] = self._catalog.text(lang, "menu.register_later")
        return labels

    def _job_actions(self, lang: str, jobs: tuple[str, ...]) -> list[dict[str, Any]]:
        labels = self._job_labels(lang)
        return [submit(labels[job], ACTION_JOB_START, job=job) for job in jobs]

    def _menu_actions(self, lang: str) -> list[dict[str, Any]]:
        return self._job_actions(lang, MENU_JOBS)

    def _primary_actions(self, lang: str) -> list[dict[str, Any]]:
        """The three primary jobs as buttons, then "More": the other jobs, one a line, shown on click."""
        primary = self._job_actions(lang, PRIMARY_JOBS)
        others = self._job_actions(lang, tuple(job for job in MENU_JOBS if job not in PRIMARY_JOBS))
        more = {
            "type": "AdaptiveCard",
            "version": CARD_VERSION,
            "body": [paragraph(self._catalog.text(lang, "menu.more_intro")), *stacked(others)],
        }
        return [*primary, {"type": "Action.ShowCard", "title": self._catalog.text(lang, "menu.more"), "card": more}]

    def welcome(self, lang: str, *, organizer: bool = False) -> dict[str, Any]:
        if organizer:
            return self._organizer_card(lang, "organizer_cards.welcome")
        t = lambda key: self._catalog.text(lang, key)  # noqa: E731
        return card(
            [
                heading(t("welcome.title")),
                paragraph(t("welcome.intro")),
                paragraph(t("welcome.person"), isSubtle=True),
                paragraph(t("welcome.choose"), weight="Bolder"),
            ],
            fallback=t("welcome.fallback"),
            actions=self._primary_actions(lang),
        )

    def menu(self, lang: str, *, note: str | None = None) -> dict[str, Any]:
        body = [heading(self._catalog.text(lang, "menu.title"))]
        if note:
            body.insert(0, paragraph(note))
        return card(body, fallback=self._catalog.text(lang, "menu.fallback"), actions=self._menu_actions(lang))

    def help(self, lang: str, *, organizer: bool = False) -> dict[str, Any]:
        if organizer:
            return self._organizer_card(lang, "organizer_cards.help")
        t = lambda key: self._catalog.text(lang, key)  # noqa: E731
        body = [heading(t("help.title")), paragraph(t("help.body"))]
        outlook = self._session_outlook(lang)
        if outlook is not None:
            body.append(paragraph(self._catalog.text(lang, f"help.session.{outlook.state}", **outlook.facts)))
        return card(
            [*body, paragraph(t("help.commands")), paragraph(t("help.person"))],
            fallback=t("help.fallback"),
            actions=self._primary_actions(lang),
        )
