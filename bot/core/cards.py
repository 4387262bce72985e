"""Adaptive Card builders (schema 1.5). Texts come from the catalog; every action carries an explicit name.

Feature modules add their own builders beside these, using the helpers here so every card has the same
shape: version 1.5, a plain-text `fallbackText`, and `Action.Submit` data with an `action` key.
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity, Attachment

from bot.core.i18n import Catalog

CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

# The jobs of the main menu, in display order; each is also an intent name.
MENU_JOBS = ("ask_question", "register", "offer_expertise", "contribute", "my_data", "help")

ACTION_JOB_START = "job.start"


def card(body: list[dict[str, Any]], *, fallback: str, actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "fallbackText": fallback,
        "body": body,
    }
    if actions:
        payload["actions"] = actions
    return payload


def heading(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "size": "Medium", "weight": "Bolder", "wrap": True, "style": "heading"}


def paragraph(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def submit(title: str, action: str, *, validate: bool = True, **data: Any) -> dict[str, Any]:
    """An Action.Submit whose data names the action; Teams merges input values into this data.
    `validate=False` (e.g. Cancel) sends without the inputs, so required inputs left empty do not block it."""
    action_json: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": {"action": action, **data}}
    if not validate:
        action_json["associatedInputs"] = "none"
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


class CoreCards:
    """Welcome, menu and help cards."""

    def __init__(self, catalog: Catalog):
        self._catalog = catalog

    def _menu_actions(self, lang: str) -> list[dict[str, Any]]:
        labels = self._catalog.lines(lang, "jobs")
        return [submit(labels[job], ACTION_JOB_START, job=job) for job in MENU_JOBS]

    def welcome(self, lang: str) -> dict[str, Any]:
        t = lambda key: self._catalog.text(lang, key)  # noqa: E731
        return card(
            [
                heading(t("welcome.title")),
                paragraph(t("welcome.intro")),
                paragraph(t("welcome.person"), isSubtle=True),
                paragraph(t("welcome.choose"), weight="Bolder"),
            ],
            fallback=t("welcome.fallback"),
            actions=self._menu_actions(lang),
        )

    def menu(self, lang: str, *, note: str | None = None) -> dict[str, Any]:
        body = [heading(self._catalog.text(lang, "menu.title"))]
        if note:
            body.insert(0, paragraph(note))
        return card(body, fallback=self._catalog.text(lang, "menu.fallback"), actions=self._menu_actions(lang))

    def help(self, lang: str) -> dict[str, Any]:
        t = lambda key: self._catalog.text(lang, key)  # noqa: E731
        return card(
            [heading(t("help.title")), paragraph(t("help.body")), paragraph(t("help.commands")), paragraph(t("help.person"))],
            fallback=t("help.fallback"),
            actions=self._menu_actions(lang),
        )
