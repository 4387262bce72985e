"""The roster call behind a form's prefilled name and e-mail (issue 14): asked once per user, not on every
start of a form."""

from __future__ import annotations

from tests.registration.conftest import aad, card_with, person
from tests.support import all_text
from tests.wording import msg


def _prefilled(replies) -> dict[str, str]:
    form = card_with(replies, "register.submit")
    return {i["id"]: i.get("value") for i in form["body"] if i.get("type", "").startswith("Input.")}


async def test_starting_a_form_again_asks_teams_for_the_profile_once(client, connector):
    anna = person(client, connector, 1)
    connector.members["29:user-1"] = {"id": "29:user-1", "name": "Anna de Vries", "email": "Anna.deVries@Utrecht.NL",
                                      "aadObjectId": aad(1)}
    first = await anna.say("aanmelden")
    assert connector.member_calls == 1
    assert _prefilled(first)["name"] == "Anna de Vries"
    assert msg("nl", "cancel.done") in all_text(await anna.say("stop"))

    again = await anna.say("aanmelden")
    assert _prefilled(again)["name"] == "Anna de Vries" and _prefilled(again)["email"] == "Anna.deVries@utrecht.nl"
    assert connector.member_calls == 1  # remembered: no second roster call


async def test_a_failed_roster_call_is_not_remembered(client, connector):
    anna = person(client, connector, 2)
    first = await anna.say("aanmelden")  # Teams does not know the member (404): the user types the name
    assert connector.member_calls == 1 and not _prefilled(first).get("email")
    await anna.say("stop")
    connector.members["29:user-2"] = {"id": "29:user-2", "name": "Bram Jansen", "email": "bram@example.nl"}
    again = await anna.say("aanmelden")
    assert connector.member_calls == 2 and _prefilled(again)["name"] == "Bram Jansen"
