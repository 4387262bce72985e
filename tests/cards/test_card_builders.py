"""Every Adaptive Card the bot can send, built by the bot's own card builders in both languages with
realistic data, meets the card rules (tests/card_rules.py): Microsoft's Adaptive Cards library finds nothing
unknown or newer than 1.5, a label on every input, a fallback text, named submit actions, under 20 KB."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from app import SERVICES
from bot.core.cards import CoreCards
from bot.core.config import Settings
from bot.offers.cards import OfferCards, OfferOptions
from bot.questions.answering import QaCards
from bot.registration.cards import Listed, RegistrationCards
from bot.sessions.facts import answer_facts
from bot.sessions.file import load_sessions
from dialogs.forms import FormDialog
from storage.offers.repository import ContributionView, OfferView
from tests.card_rules import card_problems
from tests.wording import msg_part

LANGS = ("nl", "en")
NOW = datetime(2022, 9, 20, 8, 0, tzinfo=UTC)
SAMPLE = {
    "text": "Beleidsadviseur internationale zaken",
    "role": "Beleidsadviseur",
    "longtext": "Wij hebben twee ervaren ingenieurs voor water en riolering.\nBeschikbaar vanaf november.",
    "email": "anna.devries@utrecht.example.nl",
    "phone": "+31 6 12345678",
    "municipality": "'s-Hertogenbosch",
    "number": 3,
    "amount": "2500.00",
    "consent": "yes",
}


def _assert_ok(payload: dict[str, Any], what: str) -> None:
    problems = card_problems(payload)
    assert problems == [], f"{what}: {problems}"


@pytest.fixture
def settings_pair(tmp_path) -> list[Settings]:
    unconfigured = Settings(_env_file=None, data_dir=tmp_path)
    configured = Settings(
        _env_file=None, data_dir=tmp_path, session_venue_address="Voorbeeldstraat 1, 2500 AA Den Haag",
        session_join_url="https://teams.microsoft.com/l/meetup-join/example", donation_details_nl="Zie de website van het fonds.",
        donation_details_en="See the fund's website.",
    )
    return [unconfigured, configured]


def test_core_cards(shared_content):
    cards = CoreCards(shared_content["catalog"])
    for lang in LANGS:
        _assert_ok(cards.welcome(lang), f"welcome {lang}")
        _assert_ok(cards.menu(lang), f"menu {lang}")
        _assert_ok(cards.menu(lang, note=msg_part("nl", "dialog.stale_card")), f"menu+note {lang}")
        _assert_ok(cards.help(lang), f"help {lang}")


def test_answer_card_for_every_knowledge_entry(shared_content, settings_pair):
    catalog, recognizer = shared_content["catalog"], shared_content["recognizer"]
    cards = QaCards(catalog)
    for settings in settings_pair:
        sessions = load_sessions(settings.content_dir / "sessions.yaml", default_venue_address=settings.session_venue_address,
                                 default_join_url=settings.session_join_url)
        for lang in LANGS:
            facts = answer_facts(catalog, settings, sessions, lang, NOW)
            for entry in recognizer.entries():
                follow_ups = [(f, recognizer.entry(f).question[lang]) for f in entry.follow_ups]
                payload = cards.answer(lang, entry_id=entry.id, question=entry.question[lang], answer=entry.render(lang, facts),
                                       follow_ups=follow_ups)
                _assert_ok(payload, f"answer {entry.id} {lang}")
            entries = recognizer.entries()[:3]
            _assert_ok(cards.did_you_mean(lang, candidates=[(e.id, e.question[lang]) for e in entries], question="sessie?"), "did you mean")
            _assert_ok(cards.unknown(lang, question="Wat is het beste recept voor appeltaart?"), "unknown")
            _assert_ok(cards.unknown(lang, question="x", intro_key="qa.feedback_sorry"), "feedback sorry")


async def test_every_form_in_every_state(client):
    """The forms registered in the app: empty, filled, with an error at every field, summary, change, questions."""
    services = client.app[SERVICES]
    dialog_set = services.router._dialogs  # noqa: SLF001 - the app's own DialogSet
    forms = [d for d in dialog_set._dialogs.values() if isinstance(d, FormDialog)]  # noqa: SLF001
    assert {f.spec.id for f in forms} >= {"register", "offer", "contribute"}
    for form in forms:
        engine = next(iter(form._dialogs._dialogs.values()))  # noqa: SLF001 - the form's engine
        for lang in LANGS:
            values: dict[str, Any] = {}
            for field in form.spec.fields:
                if field.kind in ("choice", "multichoice"):
                    options = form.options(lang, field)
                    assert options, f"{form.spec.id}.{field.name} has no options in {lang}"
                    values[field.name] = options[0][0] if field.kind == "choice" else [o[0] for o in options[:2]]
                else:
                    values[field.name] = SAMPLE[field.kind]
            errors = {field.name: services.catalog.text(lang, "form.invalid.required") for field in form.spec.fields}
            _assert_ok(engine._form_card(lang, {}), f"{form.spec.id} empty {lang}")  # noqa: SLF001
            _assert_ok(engine._form_card(lang, values), f"{form.spec.id} filled {lang}")  # noqa: SLF001
            _assert_ok(engine._form_card(lang, values, errors), f"{form.spec.id} errors {lang}")  # noqa: SLF001
            _assert_ok(engine._summary_card(lang, values, "token"), f"{form.spec.id} summary {lang}")  # noqa: SLF001
            _assert_ok(engine._change_card(lang, values), f"{form.spec.id} change {lang}")  # noqa: SLF001
            for field in form.spec.fields:
                question = engine._question(lang, field, values)  # noqa: SLF001
                for attachment in question.attachments or []:
                    _assert_ok(attachment.content, f"{form.spec.id}.{field.name} question {lang}")


def test_registration_cards(shared_content, settings_pair):
    catalog = shared_content["catalog"]
    for settings in settings_pair:
        sessions = load_sessions(settings.content_dir / "sessions.yaml", default_venue_address=settings.session_venue_address,
                                 default_join_url=settings.session_join_url)
        session = sessions[0]
        capped = replace(session, capacity={"in_person": 10, "online": None})
        cards = RegistrationCards(catalog, public_base_url="http://127.0.0.1:3978", privacy_url="https://bot.example.nl/privacy",
                                  contact_email="oekraine@example.nl")
        for lang in LANGS:
            _assert_ok(cards.privacy(lang), "privacy")
            for mode in ("in_person", "online"):
                for status, position in (("confirmed", None), ("waitlisted", 4)):
                    registration = SimpleNamespace(session_id=session.id, mode=mode, status=status, calendar_token="tok-" + "x" * 40)
                    item = Listed(registration, capped, position)
                    _assert_ok(cards.confirmation(lang, item), f"confirmation {mode} {status} {lang}")
                    _assert_ok(cards.confirmation(lang, item, existing=True, free_mode="online"), "confirmation existing")
                    _assert_ok(cards.promoted(lang, item), "promoted")
                    _assert_ok(cards.reminder(lang, item), "reminder")
                    _assert_ok(cards.overview(lang, [item, item], [("cancel", "Afmelden"), ("switch", "Wisselen")]), "overview")
            _assert_ok(cards.cancel_question(lang, session), "cancel question")
            for closed, others in ((True, True), (True, False), (False, False)):
                _assert_ok(cards.closed(lang, session_closed=closed, others_open=others), "closed")
            for can in (True, False):
                _assert_ok(cards.not_registered(lang, can_register=can), "not registered")
            _assert_ok(cards.new_session(lang, session), "new session")


def test_offer_cards(shared_content, settings_pair):
    catalog = shared_content["catalog"]
    cards = OfferCards(catalog, OfferOptions.load(catalog, settings_pair[0].content_dir))
    for lang in LANGS:
        areas = (*tuple(a for a, _ in cards.options.areas(lang))[:3], "other")
        offer = OfferView(
            id=7, status="active", language=lang, municipality="Súdwest-Fryslân", contact_name="Anna de Vries",
            contact_email=SAMPLE["email"], contact_phone=SAMPLE["phone"], areas=areas, other_area="Archieven",
            description=SAMPLE["longtext"], expert_count=2, availability="2 dagen per maand, voorjaar 2023",
            working_languages=("en", "de"), work_mode=cards.options.work_modes(lang)[0][0], created_at=NOW, updated_at=NOW,
            withdrawn_at=None,
        )
        pledge = ContributionView(
            id=8, status="active", language=lang, municipality="Utrecht", contact_name="Anna de Vries", contact_email=SAMPLE["email"],
            amount_cents=250000, remarks="Na besluit van het college.", created_at=NOW, updated_at=NOW, withdrawn_at=None,
        )
        for key in ("offers.saved_offer", "offers.saved_contribution"):
            if catalog.has(key, lang):
                _assert_ok(cards.saved(lang, key), key)
        for details in ("", "Zie de website van het fonds."):
            for has_mine in (True, False):
                _assert_ok(cards.contribute_intro(lang, details=details, has_mine=has_mine), "contribute intro")
        _assert_ok(cards.my_list(lang, [offer, pledge]), "my list")
        _assert_ok(cards.my_list(lang, [offer] * 30), "my list, long")
        _assert_ok(cards.empty(lang), "empty")
        for item in (offer, pledge):
            _assert_ok(cards.withdraw_confirm(lang, item), "withdraw confirm")
            for event in ("created", "changed", "withdrawn"):
                _assert_ok(cards.organizer_post(lang, event, item), f"organizer post {event}")
