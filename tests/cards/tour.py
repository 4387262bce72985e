"""A tour of the bot through `/api/messages`, as people meet it in Teams: every card it sends, collected.

A user (Dutch and English) is welcomed, opens the menu and help, registers (with a correction), looks at and
cancels the registration, offers expertise and money, lists and changes offers, asks questions, reads the
privacy statement, sees their data and starts deleting it; someone @mentions the bot in a channel. An
organizer gets the welcome and help, the overview, the export, open questions, and adds and changes a
session. Used by tests/cards/test_cards_in_browser.py, which renders every card in a real browser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import new_conversation
from tests.offers.conftest import CONTRIBUTION_CARD, OFFER_CARD, ORGANIZER
from tests.registration.conftest import form_values
from tests.sessions.conftest import NEW_SESSION_CARD
from tests.support import Conversation, FakeConnector, cards, submit_actions

MENTION = "<at>VNG Oekraine-assistent</at> "
WORDS = {
    "nl": {
        "menu": "menu", "help": "help", "my_registration": "mijn aanmelding",
        "contribute": "bijdragen", "my_offers": "mijn aanbod", "my_data": "mijn gegevens", "privacy": "privacy",
        "delete": "verwijder mijn gegevens", "question": "Wanneer is de informatiebijeenkomst?",
        "vague": "Hoe zit het met de bijdrage?", "unknown": "Mag ik mijn hond meenemen naar de reis?",
        "overview": "overzicht", "export": "export", "open_questions": "open vragen", "sessions": "sessies",
        "register": "aanmelden",
    },
    "en": {
        "menu": "menu", "help": "help", "my_registration": "my registration",
        "contribute": "contribute", "my_offers": "my offers", "my_data": "my data", "privacy": "privacy",
        "delete": "delete my data", "question": "When is the information session?",
        "vague": "What about the contribution?", "unknown": "May I bring my dog on the trip?",
        "overview": "overview", "export": "export", "open_questions": "open questions", "sessions": "sessions",
        "register": "register",
    },
}


@dataclass
class Tour:
    connector: FakeConnector
    seen: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # card JSON -> (step, card)

    def keep(self, step: str, replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for payload in cards(replies):
            self.seen.setdefault(json.dumps(payload, sort_keys=True, ensure_ascii=False), (step, payload))
        return replies

    def keep_updates(self, step: str, before: int) -> None:
        """Cards the bot put in place of earlier ones (update_activity), recorded by the fake connector."""
        self.keep(step, [a for a in self.connector.posted[before:] if a.get("_updated")])

    def cards(self) -> list[tuple[str, dict[str, Any]]]:
        return list(self.seen.values())


def _action(replies: list[dict[str, Any]], name: str, index: int = 0) -> dict[str, Any]:
    found = [a["data"] for payload in cards(replies) for a in submit_actions(payload) if a["data"].get("action") == name]
    assert len(found) > index, f"no {name!r} button in the replies"
    return found[index]


def _form_action(replies: list[dict[str, Any]], suffix: str) -> str | None:
    for payload in cards(replies):
        for action in submit_actions(payload):
            name = str(action["data"].get("action"))
            if name.endswith(suffix):
                return name
    return None


async def _step(tour: Tour, who: Conversation, label: str, *, say: str | None = None, value: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    before = len(tour.connector.posted)
    replies = await (who.say(say) if say is not None else who.submit(value or {}))
    tour.keep(label, replies)
    tour.keep_updates(label, before)
    return replies


async def _confirm(tour: Tour, who: Conversation, label: str, replies: list[dict[str, Any]], form: str) -> list[dict[str, Any]]:
    return await _step(tour, who, label, value=_action(replies, f"{form}.confirm"))


async def user_tour(tour: Tour, client: Any, lang: str) -> None:
    fixture_name = "personal_message_en.json" if lang == "en" else "personal_message.json"
    words = WORDS[lang]
    me = new_conversation(client, tour.connector, fixture_name)
    install = me.activity(type="conversationUpdate", membersAdded=[{"id": me.base["recipient"]["id"]}])
    install.pop("text", None)
    tour.keep(f"{lang} welcome", await me.post(install))
    for word in ("menu", "help"):
        await _step(tour, me, f"{lang} {word}", say=words[word])

    # registration: the form, a correction, the summary, the confirmation
    await _step(tour, me, f"{lang} registration form", value={"action": "job.start", "job": "register"})
    await _step(tour, me, f"{lang} registration correction", value=form_values(email="anna@"))
    summary = await _step(tour, me, f"{lang} registration summary", value=form_values())
    await _confirm(tour, me, f"{lang} registration confirmation", summary, "register")
    mine = await _step(tour, me, f"{lang} my registration", say=words["my_registration"])
    await _step(tour, me, f"{lang} cancel registration question", value={"action": "my_registration.choose", "choice": "cancel:info-2022-10-04"})
    await _step(tour, me, f"{lang} keep registration", say="nee" if lang == "nl" else "no")
    del mine

    # expertise: the form, the summary, the confirmation; then the list and a change
    await _step(tour, me, f"{lang} offer form", value={"action": "job.start", "job": "offer_expertise"})
    summary = await _step(tour, me, f"{lang} offer summary", value=OFFER_CARD)
    await _step(tour, me, f"{lang} offer change choice", value={"action": "offer.change"})
    await _step(tour, me, f"{lang} offer change field", value={"action": "offer.field", "field": "experts"})
    summary = await _step(tour, me, f"{lang} offer summary again", say="4")
    await _confirm(tour, me, f"{lang} offer confirmation", summary, "offer")

    # money: the intro, the form, the summary, the confirmation
    intro = await _step(tour, me, f"{lang} contribution intro", say=words["contribute"])
    if _form_action(intro, "contribute.intro"):
        await _step(tour, me, f"{lang} contribution form", value={"action": "contribute.intro", "answer": "yes"})
    summary = await _step(tour, me, f"{lang} contribution summary", value=CONTRIBUTION_CARD)
    await _confirm(tour, me, f"{lang} contribution confirmation", summary, "contribute")

    listing = await _step(tour, me, f"{lang} my offers", say=words["my_offers"])
    await _step(tour, me, f"{lang} my offer edit", value=_action(listing, "my_offers.edit"))
    await _step(tour, me, f"{lang} my offer edit stop", say="stop")
    listing = await _step(tour, me, f"{lang} my offers again", say=words["my_offers"])
    await _step(tour, me, f"{lang} my offer withdraw", value=_action(listing, "my_offers.withdraw"))
    await _step(tour, me, f"{lang} my offer withdraw stop", say="stop")

    # questions: a clear one, a vague one, one the bot cannot answer
    for word in ("question", "vague", "unknown"):
        await _step(tour, me, f"{lang} question {word}", say=words[word])
    await _step(tour, me, f"{lang} question stop", say="stop")

    await _step(tour, me, f"{lang} privacy", say=words["privacy"])
    await _step(tour, me, f"{lang} my data", say=words["my_data"])
    await _step(tour, me, f"{lang} delete my data", say=words["delete"])
    await _step(tour, me, f"{lang} delete my data stop", say="stop")

    # the same person in a channel: nothing personal may be posted there
    team = new_conversation(client, tour.connector, "channel_message_mention.json")
    await _step(tour, team, f"{lang} channel register", say=MENTION + words["register"])
    for created in tour.connector.created:  # the personal chat the bot opened for it
        tour.keep(f"{lang} personal chat opened from a channel", tour.connector.by_conversation[created["_id"]])


async def organizer_tour(tour: Tour, client: Any, lang: str) -> None:
    fixture_name = "personal_message_en.json" if lang == "en" else "personal_message.json"
    words = WORDS[lang]
    olga = new_conversation(client, tour.connector, fixture_name, **{"from": ORGANIZER})
    install = olga.activity(type="conversationUpdate", membersAdded=[{"id": olga.base["recipient"]["id"]}])
    install.pop("text", None)
    tour.keep(f"{lang} organizer welcome", await olga.post(install))
    for word in ("help", "overview", "export", "open_questions"):
        await _step(tour, olga, f"{lang} organizer {word}", say=words[word])
    listing = await _step(tour, olga, f"{lang} organizer sessions", say=words["sessions"])
    await _step(tour, olga, f"{lang} organizer add session form", value=_action(listing, "session_desk.add"))
    summary = await _step(tour, olga, f"{lang} organizer add session summary", value=NEW_SESSION_CARD)
    await _confirm(tour, olga, f"{lang} organizer add session confirmation", summary, "session_add")
    listing = await _step(tour, olga, f"{lang} organizer sessions again", say=words["sessions"])
    await _step(tour, olga, f"{lang} organizer change session", value=_action(listing, "session_desk.change"))
    await _step(tour, olga, f"{lang} organizer change session stop", say="stop")


async def take(client: Any, connector: FakeConnector) -> list[tuple[str, dict[str, Any]]]:
    """Every distinct card of the tour, in both languages, with the step that showed it first."""
    tour = Tour(connector)
    for lang in ("nl", "en"):
        await user_tour(tour, client, lang)
        await organizer_tour(tour, client, lang)
    return tour.cards()
