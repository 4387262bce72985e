"""No personal data in logs: the main flows (a question, a forwarded question, a registration, an expertise
offer, 'my data', 'delete my data'), with every logger at DEBUG, leave no name, e-mail address, phone number or
typed question text in any log record (its message, its arguments or its exception text)."""

from __future__ import annotations

import contextlib
import logging

from bot.offers import OFFERS
from bot.registration import REGISTRATION
from tests.conftest import new_conversation
from tests.privacy.conftest import ANNA, MENTION, ORGANIZER, forward_question, offer_by_card, person, register
from tests.support import all_text
from tests.wording import msg

NAME = "Anna de Vries"
EMAIL = "anna.devries@utrecht.nl"
OFFER_EMAIL = "anna.devries@utrecht.example.nl"
PHONE = "06 12345678"
QUESTION = "Mogen wij een tolk Oekraïens meenemen naar de zaal in Den Haag?"
SECRETS = (NAME, EMAIL, OFFER_EMAIL, PHONE, QUESTION, "Anna", "devries", "0612345678", "tolk Oekraïens")


def _leaks(records: list[logging.LogRecord]) -> list[str]:
    found = []
    for record in records:
        parts = [str(record.msg)]
        with contextlib.suppress(Exception):  # a broken format string still must not hide a leak
            parts.append(record.getMessage())
        parts.append(repr(record.args))
        parts.append(record.exc_text or "")
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        text = "\n".join(parts)
        found += [f"{record.name} ({record.pathname}:{record.lineno}): {secret!r}" for secret in SECRETS if secret in text]
    return found


async def test_the_main_flows_log_no_personal_data(make_client, connector, caplog):
    caplog.set_level(logging.DEBUG)
    client = await make_client(organizer_aad_ids=[ORGANIZER["aadObjectId"]])
    await new_conversation(client, connector, "channel_message_mention.json", **{"from": ORGANIZER}).say(MENTION + "meldingen hier")
    connector.members[ANNA["id"]] = {"id": ANNA["id"], "name": NAME, "email": EMAIL, "userPrincipalName": EMAIL,
                                     "aadObjectId": ANNA["aadObjectId"]}
    anna = person(client, connector, ANNA)

    assert "4 oktober" in all_text(await anna.say("Wanneer is de informatiebijeenkomst?"))  # a question
    await forward_question(anna, QUESTION)  # typed, forwarded
    await register(anna, name=NAME, email=EMAIL)  # a registration
    await offer_by_card(anna, name=NAME, email=OFFER_EMAIL, phone=PHONE)  # an offer (posted to the organizers)
    await client.app[OFFERS].drain()
    assert EMAIL in str(await anna.say("mijn gegevens"))  # my data
    await anna.say("verwijder mijn gegevens")  # delete
    assert msg("nl", "delete_my_data.done.intro") in all_text(await anna.say("ja"))
    await client.app[REGISTRATION].idle()
    await client.app[OFFERS].drain()

    assert len(caplog.records) > 20  # the loggers did speak
    assert _leaks(caplog.records) == []
    # aiosqlite writes SQL parameters into its DEBUG records; the app keeps it at INFO whatever the root level.
    assert logging.getLogger("aiosqlite").getEffectiveLevel() >= logging.INFO


def test_the_leak_check_finds_a_leak():
    record = logging.LogRecord("x", logging.DEBUG, __file__, 1, "saved %s", (f"<{EMAIL}>",), None)
    assert f"x ({__file__}:1): {EMAIL!r}" in _leaks([record])
