"""A tour of the bot through `/api/messages`, as people meet it in Teams: every card it sends, collected.

For each language a new user (and a second one, who ends up on the waitlist) is welcomed, opens the menu and
help, registers (with a correction), is told about the waitlist and a promotion from it, cancels, offers
expertise and money (the organizers' channel hears of it), lists, changes and withdraws offers, asks
questions and forwards one, reads the privacy notice and the full statement, sees their data and starts
deleting it; someone @mentions the bot in a channel. An organizer gets the welcome and help, the overview, a
download link, answers the forwarded question (and adds it to the knowledge base), and adds and changes a
session. Then time passes: registrants are told about a changed session and reminded, registration closes,
and people who asked hear about a new session. Used by tests/cards/test_cards_in_browser.py, which renders
every card in a real browser and checks that every kind of card (EXPECTED_KINDS) was met.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
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


# A person per language and role: the tour never meets someone who did something in the other language.
def _person(lang: str, who: str, n: int) -> dict[str, str]:
    return {"id": f"29:tour-{who}-{lang}", "name": f"{who.capitalize()} Tour {lang.upper()}", "aadObjectId": f"7a7a7a7a-0000-4000-8000-{n:012d}"}


USERS = {lang: {who: _person(lang, who, 10 * i + j) for j, who in enumerate(("anna", "ben", "cor", "dirk"))} for i, lang in enumerate(("nl", "en"))}
SESSION_ID = "info-2022-10-04"
LOCALES = {"nl": "nl-NL", "en": "en-US"}
NEW_JOIN = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NEW%40thread.v2/0?context=%7b%22Tid%22%3a%22t%22%7d"
DAY_BEFORE = datetime.fromisoformat("2022-10-03T14:00:00+02:00")
ALL_PAST = datetime.fromisoformat("2022-12-01T09:00:00+02:00")  # after every session of the tour
LATER_SESSION = {**NEW_SESSION_CARD, "title_nl": "Derde informatiebijeenkomst", "title_en": "Third information session", "date": "2023-01-17"}
NEW_VENUE = "Nassaulaan 12, 2514 JS Den Haag"


@dataclass
class Tour:
    connector: FakeConnector
    seen: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # card JSON -> (step, card)
    swept: int = 0  # how much of everything the connector received is recorded

    def keep(self, step: str, replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for payload in cards(replies):
            self.seen.setdefault(json.dumps(payload, sort_keys=True, ensure_ascii=False), (step, payload))
        return replies

    def sweep(self, step: str) -> None:
        """Every card the bot sent since the last sweep, in any conversation: replies, updates in place,
        proactive messages (reminders, promotions, answers, notices) and the organizers' channel posts."""
        self.keep(step, self.connector.posted[self.swept :])
        self.swept = len(self.connector.posted)

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


async def _idle(client: Any) -> None:
    """Wait for what the bot does after its reply: promotions, notices, channel posts."""
    from bot.offers import OFFERS
    from bot.registration import REGISTRATION
    from bot.sessions import SESSION_DESK

    await client.app[REGISTRATION].idle()
    await client.app[SESSION_DESK].idle()
    await client.app[OFFERS].drain()


async def _step(tour: Tour, who: Conversation, label: str, *, say: str | None = None, value: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    replies = await (who.say(say) if say is not None else who.submit(value or {}))
    await _idle(who.client)
    tour.sweep(label)
    return replies


async def _confirm(tour: Tour, who: Conversation, label: str, replies: list[dict[str, Any]], form: str) -> list[dict[str, Any]]:
    return await _step(tour, who, label, value=_action(replies, f"{form}.confirm"))


def _chat(client: Any, tour: Tour, lang: str, who: dict[str, str]) -> Conversation:
    fixture_name = "personal_message_en.json" if lang == "en" else "personal_message.json"
    return new_conversation(client, tour.connector, fixture_name, **{"from": who})


async def _register(tour: Tour, who: Conversation, lang: str, label: str, **values: Any) -> list[dict[str, Any]]:
    await _step(tour, who, f"{lang} {label} form", value={"action": "job.start", "job": "register"})
    summary = await _step(tour, who, f"{lang} {label} summary", value=form_values(**values))
    return await _confirm(tour, who, f"{lang} {label} confirmation", summary, "register")


async def user_tour(tour: Tour, client: Any, lang: str) -> None:
    words, people = WORDS[lang], USERS[lang]
    me = _chat(client, tour, lang, people["anna"])
    install = me.activity(type="conversationUpdate", membersAdded=[{"id": me.base["recipient"]["id"]}])
    install.pop("text", None)
    await me.post(install)
    tour.sweep(f"{lang} welcome")
    for word in ("menu", "help"):
        await _step(tour, me, f"{lang} {word}", say=words[word])

    # registration: the form, a correction, the summary, the confirmation; the last seat in person is taken
    await _step(tour, me, f"{lang} registration form", value={"action": "job.start", "job": "register"})
    await _step(tour, me, f"{lang} registration correction", value=form_values(email="anna@"))
    summary = await _step(tour, me, f"{lang} registration summary", value=form_values())
    await _confirm(tour, me, f"{lang} registration confirmation", summary, "register")
    # a second person finds it full: the waitlist; the first cancels, and the second is told they have a seat
    ben = _chat(client, tour, lang, people["ben"])
    await _register(tour, ben, lang, "waitlist", name="Ben Tour", email="ben.tour@utrecht.nl")
    await _step(tour, me, f"{lang} my registration", say=words["my_registration"])
    question = await _step(tour, me, f"{lang} cancel registration question", value={"action": "my_registration.choose", "choice": f"cancel:{SESSION_ID}"})
    await _step(tour, me, f"{lang} cancel registration", value=_action(question, "my_registration.confirm"))
    await _step(tour, ben, f"{lang} registered again", value={"action": "job.start", "job": "register"})
    await _step(tour, ben, f"{lang} registered again stop", say="stop")
    if lang == "nl":  # the seat comes free again for the English tour
        question = await _step(tour, ben, f"{lang} waitlisted cancels", value={"action": "my_registration.choose", "choice": f"cancel:{SESSION_ID}"})
        await _step(tour, ben, f"{lang} waitlisted cancels yes", value=_action(question, "my_registration.confirm"))

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
    summary = await _step(tour, me, f"{lang} my offer changed summary", value={**OFFER_CARD, "experts": "5"})
    await _confirm(tour, me, f"{lang} my offer changed", summary, "offer")
    listing = await _step(tour, me, f"{lang} my offers again", say=words["my_offers"])
    question = await _step(tour, me, f"{lang} my offer withdraw", value=_action(listing, "my_offers.withdraw", 1))
    await _step(tour, me, f"{lang} my offer withdrawn", value=_action(question, "my_offers.confirm"))

    # questions: a clear one, a vague one, one the bot cannot answer (forwarded to the organizers)
    for word in ("question", "vague"):
        await _step(tour, me, f"{lang} question {word}", say=words[word])
    unknown = await _step(tour, me, f"{lang} question unknown", say=words["unknown"])
    forward = {"action": "question.forward", "question": words["unknown"]}  # as its button (when it is offered) sends
    await _step(tour, me, f"{lang} question forwarded", value=_action(unknown, "question.forward") if _form_action(unknown, "question.forward") else forward)

    notice = await _step(tour, me, f"{lang} privacy", say=words["privacy"])
    await _step(tour, me, f"{lang} privacy statement", value=_action(notice, "privacy.show"))
    await _step(tour, me, f"{lang} my data", say=words["my_data"])
    await _step(tour, me, f"{lang} delete my data", say=words["delete"])
    await _step(tour, me, f"{lang} delete my data stop", say="stop")

    # the same person in a channel: nothing personal may be posted there; a personal chat opens
    team = new_conversation(client, tour.connector, "channel_message_mention.json", **{"from": people["anna"]}, locale=LOCALES[lang])
    await _step(tour, team, f"{lang} channel register", say=MENTION + words["register"])


async def organizer_tour(tour: Tour, client: Any, lang: str) -> None:
    words = WORDS[lang]
    olga = _chat(client, tour, lang, ORGANIZER)
    install = olga.activity(type="conversationUpdate", membersAdded=[{"id": olga.base["recipient"]["id"]}])
    install.pop("text", None)
    await olga.post(install)
    tour.sweep(f"{lang} organizer welcome")
    for word in ("help", "overview", "export"):
        await _step(tour, olga, f"{lang} organizer {word}", say=words[word])
    await _step(tour, olga, f"{lang} organizer download link", value={"action": "organizer_desk.export", "dataset": "offers", "format": "xlsx"})

    # the question the user forwarded: the answer form, its summary, the answer sent (and, in Dutch, the
    # knowledge form that follows)
    listing = await _step(tour, olga, f"{lang} organizer open questions", say=words["open_questions"])
    await _step(tour, olga, f"{lang} organizer answer form", value=_action(listing, "questions.answer"))
    add = "yes" if lang == "en" else "no"  # after the English user asked: the entry would answer them
    summary = await _step(tour, olga, f"{lang} organizer answer summary", value={"action": "answer_question.submit", "answer": ANSWERS[lang], "add_to_kb": add})
    knowledge = await _confirm(tour, olga, f"{lang} organizer answer sent", summary, "answer_question")
    if add == "yes":
        summary = await _step(tour, olga, f"{lang} organizer knowledge summary", value={"action": "knowledge_entry.submit", **KNOWLEDGE})
        await _confirm(tour, olga, f"{lang} organizer knowledge added", summary, "knowledge_entry")
    del knowledge

    listing = await _step(tour, olga, f"{lang} organizer sessions", say=words["sessions"])
    await _step(tour, olga, f"{lang} organizer add session form", value=_action(listing, "session_desk.add"))
    summary = await _step(tour, olga, f"{lang} organizer add session summary", value=NEW_SESSION_CARD)
    await _confirm(tour, olga, f"{lang} organizer add session confirmation", summary, "session_add")
    listing = await _step(tour, olga, f"{lang} organizer sessions again", say=words["sessions"])
    await _step(tour, olga, f"{lang} organizer change session", value=_action(listing, "session_desk.change"))
    await _step(tour, olga, f"{lang} organizer change session stop", say="stop")


LATER_QUESTION = "Mogen experts hun partner meenemen naar Oekraïne?"
KNOWLEDGE_LATER = {
    "question_nl": LATER_QUESTION, "question_en": "Can experts bring their partner to Ukraine?",
    "answer_nl": "Dat spreken de organisatoren per reis af.", "answer_en": "The organizers agree on that for each trip.",
}
ANSWERS = {"nl": "Nee, dat kan niet. Honden gaan niet mee op reis.", "en": "No, that is not possible. Dogs do not come along."}
KNOWLEDGE = {
    "question_nl": "Mag mijn hond mee op reis?", "question_en": "May my dog come on the trip?",
    "answer_nl": ANSWERS["nl"], "answer_en": ANSWERS["en"],
}


async def channel_tour(tour: Tour, client: Any, lang: str) -> None:
    """An organizer has the offers posted in a channel (from then on in this language)."""
    team = new_conversation(client, tour.connector, "channel_message_mention.json", **{"from": ORGANIZER}, locale=LOCALES[lang])
    await _step(tour, team, f"{lang} organizers' channel", say=MENTION + ("meldingen hier" if lang == "nl" else "notifications here"))


async def time_tour(tour: Tour, client: Any, clock: Any) -> None:
    """What happens later: a changed session, reminders, registration closed, a new session announced."""
    from bot.registration import REGISTRATION

    for lang in ("nl", "en"):  # one more registrant per language, online
        cor = _chat(client, tour, lang, USERS[lang]["cor"])
        await _register(tour, cor, lang, "online registration", mode="online", name="Cor Tour", email="cor.tour@utrecht.nl")
    olga = _chat(client, tour, "nl", ORGANIZER)
    changing = await _step(tour, olga, "organizer change session form", value={"action": "session_desk.change", "session": SESSION_ID})
    whole = next(a["card"] for c in cards(changing) for a in _show_cards(c))
    current = {i["id"]: ("" if i.get("value") is None else i.get("value", "")) for i in whole["body"] if i.get("type", "").startswith("Input.")}
    changes = {"venue_address": NEW_VENUE, "join_url": NEW_JOIN}  # registrants in person and online are told
    summary = await _step(tour, olga, "organizer change session summary", value={"action": "session_edit.submit", **current, **changes})
    await _confirm(tour, olga, "organizer change session saved (registrants told)", summary, "session_edit")

    # a Dutch organizer answers a Dutch question and adds it to the knowledge base
    asker = _chat(client, tour, "nl", USERS["nl"]["cor"])
    await _step(tour, asker, "nl question forwarded later", value={"action": "question.forward", "question": LATER_QUESTION})
    listing = await _step(tour, olga, "nl organizer open questions later", say=WORDS["nl"]["open_questions"])
    await _step(tour, olga, "nl organizer answer form later", value=_action(listing, "questions.answer"))
    answer = {"action": "answer_question.submit", "answer": ANSWERS["nl"], "add_to_kb": "yes"}
    summary = await _step(tour, olga, "nl organizer answer summary later", value=answer)
    await _confirm(tour, olga, "nl organizer answer sent later", summary, "answer_question")
    summary = await _step(tour, olga, "nl organizer knowledge summary", value={"action": "knowledge_entry.submit", **KNOWLEDGE_LATER})
    await _confirm(tour, olga, "nl organizer knowledge added", summary, "knowledge_entry")

    clock.set(DAY_BEFORE)
    await client.app[REGISTRATION].scheduler.tick()
    tour.sweep("reminders")

    clock.set(ALL_PAST)
    for lang in ("nl", "en"):
        dirk = _chat(client, tour, lang, USERS[lang]["dirk"])
        closed = await _step(tour, dirk, f"{lang} registration closed", say=WORDS[lang]["register"])
        await _step(tour, dirk, f"{lang} tell me about a new session", value=_action(closed, "registration.notify"))
    listing = await _step(tour, olga, "organizer sessions later", say="sessies")
    await _step(tour, olga, "organizer add a later session", value=_action(listing, "session_desk.add"))
    summary = await _step(tour, olga, "organizer add a later session summary", value=LATER_SESSION)
    await _confirm(tour, olga, "organizer add a later session confirmation", summary, "session_add")
    await client.app[REGISTRATION].scheduler.tick()
    tour.sweep("a new session announced")


def _show_cards(card: dict[str, Any]) -> list[dict[str, Any]]:
    from tests.support import elements

    return elements(card, "Action.ShowCard")


async def take(client: Any, connector: FakeConnector, clock: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every distinct card of the tour, in both languages, with the step that showed it first."""
    tour = Tour(connector)
    for lang in ("nl", "en"):
        await channel_tour(tour, client, lang)
        await user_tour(tour, client, lang)
        await organizer_tour(tour, client, lang)
    await time_tour(tour, client, clock)
    return tour.cards()
