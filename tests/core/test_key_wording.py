"""The few messages whose wording matters on purpose, checked word for word.

Every other test looks texts up in the catalog (`tests/wording.py`) so that organizers can edit
`content/messages` freely; this is the one file allowed to quote it (see `test_no_pinned_wording.py`).
An edit that fails here changes something the project promised: say so in the change, then update the test.
"""

from __future__ import annotations

import re

import pytest

from tests.support import all_text
from tests.wording import answers, catalog, msg

pytestmark = pytest.mark.wording  # wording checked on purpose: these may fail against an edited content copy

_INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie)\b", re.IGNORECASE)


async def test_the_first_message_says_it_is_an_automated_assistant_not_a_person(nl, en):
    dutch = all_text(await nl.say("hallo"))
    assert "digitale assistent" in dutch and "geen mens" in dutch
    english = all_text(await en.say("hello"))
    assert "digital assistant" in english and "not a person" in english


def test_dutch_addresses_the_reader_as_u():
    # `language.other.<code>` is written in that other language ("Désolé, je ne parle que ..."), not in Dutch.
    # Word lists (`*_words`, `turn.switch_cues`, `turn.request_openers`...) are what people type, not what the bot says.
    foreign = {key for key in catalog().keys("nl") if key.startswith("language.other.") and key != "language.other.spoken"}
    foreign |= {key for key in catalog().keys("nl") if key.rsplit(".", 1)[-1].endswith(("words", "cues", "openers"))}
    texts = {key: catalog().raw("nl", key) for key in catalog().keys("nl") if key not in foreign}
    texts.update({f"answer {entry_id}": answer["nl"] for entry_id, answer in answers().items()})
    assert {key: text for key, text in texts.items() if _INFORMAL.search(text)} == {}


def test_the_first_message_tells_how_to_reach_a_person():
    assert "'medewerker'" in msg("nl", "welcome.person") and "'person'" in msg("en", "welcome.person")


def test_refusals_name_who_may_do_it():
    assert msg("nl", "organizer.refused") == "Sorry, dit kan alleen een organisator van VNG International doen."
    assert msg("en", "organizer.refused") == "Sorry, only an organizer at VNG International can do this."


def test_the_privacy_statement_names_the_supervisory_authority():
    assert "Autoriteit Persoonsgegevens" in msg("nl", "privacy.statement.rights.complaint")
    assert "Dutch Data Protection Authority" in msg("en", "privacy.statement.rights.complaint")


def test_deleting_all_data_warns_that_it_cannot_be_undone():
    assert "niet ongedaan maken" in msg("nl", "delete_my_data.question.final")
    assert "cannot undo" in msg("en", "delete_my_data.question.final")


def test_a_pledge_is_called_indicative_not_a_payment():
    assert "(indicatief, geen betaling)" in msg("nl", "overview.contributions.total")
    assert "(indicative, not a payment)" in msg("en", "overview.contributions.total")
