"""Changing something stored, through /api/messages: the change form opens at what to change (with the values
as they are), never at 'Klopt dit?'. Sent back without a change, it says nothing changed, saves nothing and
ends; the organizers' channel hears nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dialogs.test_one_message_per_step import ORGANIZER, _chat, org_client  # noqa: F401 - the fixture
from tests.offers.conftest import OFFER_CARD
from tests.sessions.conftest import change_fields
from tests.support import all_text, cards, elements, submit_actions
from tests.wording import msg, msg_part


def _whole_form(replies: list[dict[str, Any]]) -> dict[str, Any]:
    """The values of the whole form behind 'Alles in één formulier wijzigen', as the card would send them."""
    (show,) = elements(cards(replies), "Action.ShowCard")
    values = {i["id"]: i.get("value", "") for i in show["card"]["body"] if i.get("type", "").startswith("Input.")}
    return {k: "" if v is None else str(v) for k, v in values.items()}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_an_offer_sent_back_unchanged(org_client, connector, lang):  # noqa: F811
    anna = _chat(org_client, connector, lang)
    await anna.submit({"action": "job.start", "job": "offer_expertise"})
    summary = await anna.submit(OFFER_CARD)
    confirm = next(a["data"] for c in cards(summary) for a in submit_actions(c) if a["data"]["action"] == "offer.confirm")
    await anna.submit(confirm)

    listing = await anna.say("mijn aanbod" if lang == "nl" else "my offers")
    edit = next(a["data"] for c in cards(listing) for a in submit_actions(c) if a["data"]["action"] == "my_offers.edit")
    opened = await anna.submit(edit)
    text = all_text(opened)
    assert msg_part(lang, "form.change_which") in text and "anna.devries@utrecht.example.nl" in text
    assert msg(lang, "offer.form.summary_title") not in text and "offer.confirm" not in str(opened)

    before = len(connector.posted)
    back = await anna.submit({"action": "offer.submit", **_whole_form(opened)})
    assert msg(lang, "form.unchanged") in all_text(back)
    assert msg(lang, "offer.form.summary_title") not in all_text(back) and "offer.confirm" not in str(back)
    assert len(connector.posted) - before == len(back)  # nothing else: no post to the organizers
    assert msg(lang, "offer.form.title") not in all_text(await anna.say("ja" if lang == "nl" else "yes"))  # the form ended


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_sessie_wijzigen_sent_back_unchanged(org_client, connector, lang):  # noqa: F811
    olga = _chat(org_client, connector, lang, ORGANIZER)
    back = await change_fields(olga)
    assert msg(lang, "form.unchanged") in all_text(back)
    assert msg(lang, "session_edit.form.summary_title") not in all_text(back) and "session_edit.confirm" not in str(back)
    changed = await change_fields(olga, venue_address="Nassaulaan 12, 2514 JS Den Haag")
    assert msg(lang, "session_edit.form.summary_title") in all_text(changed)  # a real change is confirmed first
