"""An organizer changes a session from Teams: registrants hear what changed for them (in their own language,
once), answers and registration follow at once, raised capacity lets the waitlist move up, and a capacity
below the confirmed seats is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import SERVICES
from bot.registration import REGISTRATION
from storage.audit.models import AuditEntry
from storage.sessions.models import InfoSession, InfoSessionChange, InfoSessionNotice
from tests.registration.conftest import card_with, open_urls, person, register, session_yaml
from tests.sessions.conftest import (
    NEW_JOIN,
    NEW_SESSION_CARD,
    SESSION_ID,
    action_data,
    audit_entries,
    change_fields,
    confirm,
    desk,
    details,
    organizer,
    registrations,
)
from tests.support import all_text, cards, elements
from tests.wording import msg, msg_part

NEW_VENUE = "Nassaulaan 12, 2514 JS Den Haag"


def _new(connector, conversation, before: int) -> list[dict]:
    return connector.by_conversation[conversation.conversation_id][before:]


def _count(connector, conversation) -> int:
    return len(connector.by_conversation[conversation.conversation_id])


async def _rows(client, model):
    async with client.app[SERVICES].db.transaction() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


async def test_a_new_join_link_reaches_online_registrants_in_their_language(org_client, connector):
    online_nl, online_en = person(org_client, connector, 41), person(org_client, connector, 42, lang="en")
    in_person, cancelled = person(org_client, connector, 43), person(org_client, connector, 44)
    await register(online_nl, mode="online")
    await register(online_en, mode="online")
    await register(in_person)
    await register(cancelled, mode="online")
    await cancelled.submit({"action": "my_registration.choose", "choice": f"cancel:{SESSION_ID}"})
    await cancelled.say("ja")
    before = {c.conversation_id: _count(connector, c) for c in (online_nl, online_en, in_person, cancelled)}

    # By typing: the only upcoming session opens at what to change (no summary to confirm yet); change the link; confirm.
    olga = organizer(org_client, connector)
    replies = await olga.say("sessie wijzigen")
    text = all_text(replies)
    assert msg_part("nl", "form.change_which") in text and "Informatiebijeenkomst lokale herstelplannen" in text
    assert msg_part("nl", "session_edit.form.summary_title") not in text and "session_edit.confirm" not in str(replies)
    assert msg("nl", "session_edit.fields.join_url.prompt") in all_text(await olga.say(msg("nl", "session_edit.fields.join_url.label")))
    assert msg_part("nl", "session_desk.invalid.url") in all_text(await olga.say("teams link volgt"))
    replies = await olga.say(f"<a href=\"{NEW_JOIN}\">{NEW_JOIN.replace('&', '&amp;')}</a>")
    facts = {f["title"]: f["value"] for f in card_with(replies, "session_edit.confirm")["body"][1]["facts"]}
    assert facts[msg("nl", "session_edit.fields.join_url.label")] == NEW_JOIN
    replies = await olga.say("ja")
    text = all_text(replies)
    assert msg("nl", "session_desk.saved.changed_title") in text
    assert msg("nl", "session_desk.changed.join_url", value=NEW_JOIN) in text and msg_part("nl", "session_desk.saved.notices") in text
    await desk(org_client).idle()

    nl_msg, en_msg = _new(connector, online_nl, before[online_nl.conversation_id]), _new(connector, online_en, before[online_en.conversation_id])
    assert len(nl_msg) == len(en_msg) == 1
    assert msg("nl", "session_desk.notice.title", title="Informatiebijeenkomst lokale herstelplannen Oekraïne") in all_text(nl_msg)
    assert msg_part("nl", "session_desk.notice.join") in all_text(nl_msg)
    assert open_urls(cards(nl_msg)[0])[msg("nl", "registration.buttons.join")] == NEW_JOIN
    assert msg_part("en", "session_desk.notice.join") in all_text(en_msg) and open_urls(cards(en_msg)[0])[msg("en", "registration.buttons.join")] == NEW_JOIN
    assert NEW_JOIN in cards(en_msg)[0]["fallbackText"]  # clients without cards still get the link
    assert _new(connector, in_person, before[in_person.conversation_id]) == []  # nothing about a link for them
    assert _new(connector, cancelled, before[cancelled.conversation_id]) == []

    assert (await desk(org_client).tick()).sent == 0  # told once
    (change,) = await _rows(org_client, InfoSessionChange)
    assert change.fields == "join_url"
    assert sorted(n.status for n in await _rows(org_client, InfoSessionNotice)) == ["sent", "sent"]
    # 'My registration' and the registration card now carry the new link too.
    replies = await online_nl.say("mijn aanmelding")
    assert NEW_JOIN in str(replies)
    entry = next(e for e in await audit_entries(org_client) if e.action == "sessions.changed")
    assert details(entry) == {"change": change.id, "fields": ["join_url"], "notices": 2} and entry.target == SESSION_ID


@pytest.mark.wording  # the session facts are checked inside the knowledge answers
async def test_answers_follow_the_changes(org_client, connector):
    anna = person(org_client, connector, 45)
    assert NEW_JOIN not in all_text(await anna.say("hoe kan ik online meedoen"))
    assert NEW_VENUE not in all_text(await anna.say("waar is de bijeenkomst"))
    olga = organizer(org_client, connector)
    replies = await change_fields(olga, join_url=NEW_JOIN, venue_address=NEW_VENUE)
    assert msg("nl", "session_desk.saved.changed_title") in all_text(await confirm(olga, replies, "session_edit"))
    assert NEW_JOIN in all_text(await anna.say("hoe kan ik online meedoen"))
    assert NEW_VENUE in all_text(await anna.say("waar is de bijeenkomst"))
    assert "dinsdag 4 oktober 2022" in all_text(await anna.say("wanneer is de bijeenkomst"))

    # A second session, and registration for the first one closed now: the answers speak of the second.
    await olga.submit({"action": "session_desk.add"})
    await confirm(olga, await olga.submit(NEW_SESSION_CARD), "session_add")
    replies = await change_fields(olga, deadline="20-09-2022 10:00")  # the clock stands at 20 September, 10:15
    assert msg("nl", "session_desk.saved.changed_title") in all_text(await confirm(olga, replies, "session_edit"))
    assert "dinsdag 15 november 2022, van 10:00 tot 12:00" in all_text(await anna.say("wanneer is de bijeenkomst"))
    replies = await anna.say("aanmelden")
    form = card_with(replies, "register.submit")
    assert next(i for i in form["body"] if i.get("id") == "session")["value"] == "info-2022-11-15"  # the only open one


async def test_a_new_venue_goes_to_people_at_the_venue_and_a_new_deadline_to_everyone(org_client, connector):
    at_venue, online = person(org_client, connector, 46), person(org_client, connector, 47, lang="en")
    await register(at_venue)
    await register(online, mode="online")
    before_venue, before_online = _count(connector, at_venue), _count(connector, online)
    olga = organizer(org_client, connector)
    replies = await confirm(olga, await change_fields(olga, venue_address=NEW_VENUE), "session_edit")
    assert msg_part("nl", "session_desk.saved.notices") in all_text(replies)
    await desk(org_client).idle()
    message = _new(connector, at_venue, before_venue)
    assert len(message) == 1 and msg("nl", "session_desk.notice.venue", venue=NEW_VENUE) in all_text(message)
    assert _new(connector, online, before_online) == []

    replies = await confirm(olga, await change_fields(olga, deadline="3 oktober 2022 om 12:00"), "session_edit")
    until = msg("nl", "session_desk.deadline_until", moment="maandag 3 oktober 2022, 12:00")
    assert msg_part("nl", "session_desk.changed.registration_deadline") in all_text(replies) and until in all_text(replies)
    assert msg_part("nl", "session_desk.saved.notices") in all_text(replies)
    await desk(org_client).idle()
    (to_venue,) = _new(connector, at_venue, before_venue + 1)
    (to_online,) = _new(connector, online, before_online)
    assert msg_part("nl", "session_desk.notice.deadline") in all_text([to_venue]) and "maandag 3 oktober 2022, 12:00" in all_text([to_venue])
    assert msg_part("nl", "session_desk.notice.venue") not in all_text([to_venue])  # only what changed this time
    assert msg_part("en", "session_desk.notice.deadline") in all_text([to_online]) and "Monday 3 October 2022, 12:00" in all_text([to_online])
    assert "new link" not in all_text([to_online])


async def test_raised_capacity_moves_the_waitlist_up(make_client, org_settings, connector, content):
    client = await make_client(**org_settings, content_dir=content(session_yaml(capacity={"in_person": 1, "online": None})))
    first, second, third = (person(client, connector, n) for n in (51, 52, 53))
    for someone in (first, second, third):
        await register(someone)
    assert [r.status for r in await registrations(client)] == ["confirmed", "waitlisted", "waitlisted"]
    before = _count(connector, second)

    olga = organizer(client, connector)
    replies = await confirm(olga, await change_fields(olga, capacity_in_person="2"), "session_edit")
    text = all_text(replies)
    mode = msg("nl", "session_desk.mode_names.in_person")
    assert msg("nl", "session_desk.changed.capacity", mode=mode, value="2") in text and msg_part("nl", "session_desk.saved.promoted") in text
    await client.app[REGISTRATION].idle()
    assert [r.status for r in await registrations(client)] == ["confirmed", "confirmed", "waitlisted"]
    assert msg("nl", "registration.promoted.title") in all_text(_new(connector, second, before))
    assert client.app[REGISTRATION].session(SESSION_ID).capacity_for("in_person") == 2

    replies = await confirm(olga, await change_fields(olga, capacity_in_person=""), "session_edit")  # no limit
    assert msg("nl", "session_desk.changed.capacity", mode=mode, value=msg("nl", "session_desk.no_limit")) in all_text(replies)
    await client.app[REGISTRATION].idle()
    assert [r.status for r in await registrations(client)] == ["confirmed"] * 3


async def test_capacity_below_the_confirmed_seats_is_refused(org_client, connector):
    for n in (54, 55):
        await register(person(org_client, connector, n))
    olga = organizer(org_client, connector)
    replies = await confirm(olga, await change_fields(olga, capacity_in_person="1"), "session_edit")
    assert msg_part("nl", "session_desk.problems.below_confirmed") in all_text(replies)
    assert "session_edit.confirm" in str(replies)  # back at the summary, with what was entered
    assert await _rows(org_client, InfoSession) == [] and await _rows(org_client, InfoSessionChange) == []
    assert desk(org_client).book.get(SESSION_ID).capacity_for("in_person") is None

    replies = await olga.submit({"action": "session_edit.change"})
    whole = elements(cards(replies), "Action.ShowCard")[0]["card"]
    seats = next(i for i in whole["body"] if i.get("id") == "capacity_in_person")
    assert seats["value"] == 1  # what the organizer typed is kept
    replies = await olga.submit({"action": "session_edit.submit", "capacity_in_person": "2", "capacity_online": "0"})
    replies = await confirm(olga, replies, "session_edit")
    assert msg("nl", "session_desk.saved.changed_title") in all_text(replies)
    session = desk(org_client).book.get(SESSION_ID)
    assert session.capacity == {"in_person": 2, "online": 0}


async def test_a_deadline_after_the_start_and_nothing_changed(org_client, connector):
    olga = organizer(org_client, connector)
    replies = await confirm(olga, await change_fields(olga, deadline="4-10-2022 15:00"), "session_edit")
    assert msg_part("nl", "session_desk.problems.deadline_after_start") in all_text(replies)
    await olga.submit({"action": "session_edit.cancel"})
    replies = await change_fields(olga)  # sent back unchanged: said at once, nothing to confirm
    assert msg("nl", "form.unchanged") in all_text(replies) and "session_edit.confirm" not in str(replies)
    assert await _rows(org_client, InfoSessionChange) == []


async def test_a_double_click_on_a_change_stores_and_tells_once(org_client, connector):
    online = person(org_client, connector, 56)
    await register(online, mode="online")
    before = _count(connector, online)
    olga = organizer(org_client, connector)
    summary = await change_fields(olga, join_url=NEW_JOIN)
    confirm_data = action_data(summary, "session_edit.confirm")
    assert msg("nl", "session_desk.saved.changed_title") in all_text(await olga.submit(confirm_data))
    assert msg_part("nl", "session_desk.saved.again") in all_text(await olga.submit(confirm_data))
    await desk(org_client).idle()
    assert len(await _rows(org_client, InfoSessionChange)) == 1 and len(await _rows(org_client, InfoSessionNotice)) == 1
    assert len(_new(connector, online, before)) == 1
    async with org_client.app[SERVICES].db.transaction() as session:
        actions = [e.action for e in (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars()]
    assert actions.count("sessions.changed") == 1 and "sessions.confirm_again" in actions
