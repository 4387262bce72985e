"""An organizer adds a session from Teams, by card (Dutch) or by typing (English): it is stored once, audited,
shown in the overview, and people can register for it at once (with two open sessions they choose)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app import SERVICES
from bot.registration import REGISTRATION
from storage.sessions.models import InfoSession, InfoSessionChange
from tests.registration.conftest import card_with, confirm_token, form_values, person
from tests.sessions.conftest import (
    NEW_SESSION_CARD,
    ORGANIZER,
    action_data,
    audit_entries,
    confirm,
    desk,
    organizer,
    registrations,
)
from tests.support import all_text, cards, elements
from tests.wording import msg, msg_part


async def _rows(client, model):
    async with client.app[SERVICES].db.transaction() as session:
        return list((await session.execute(select(model))).scalars())


async def test_add_by_card_then_people_choose_between_two_sessions(org_client, connector):
    olga = organizer(org_client, connector)
    replies = await olga.say("sessies")
    assert msg("nl", "session_add.form.title") in all_text(replies)
    replies = await olga.submit(action_data(replies, "session_desk.add"))
    form = card_with(replies, "session_add.submit")
    inputs = {i["id"]: i for i in form["body"] if i.get("type", "").startswith("Input.")}
    assert inputs["date"]["type"] == "Input.Date" and inputs["start"]["type"] == "Input.Time"
    assert inputs["join_url"]["style"] == "Url" and inputs["capacity_online"]["type"] == "Input.Number"
    assert msg("nl", "session_add.fields.title_nl.prompt") in all_text(replies)  # for those who type

    replies = await olga.submit({**NEW_SESSION_CARD, "capacity_in_person": "25"})
    summary = card_with(replies, "session_add.confirm")
    facts = {f["title"]: f["value"] for f in summary["body"][1]["facts"]}
    assert facts[msg("nl", "session_add.fields.date.label")] == "dinsdag 15 november 2022" and facts[msg("nl", "session_add.fields.start.label")] == "10:00"
    assert facts[msg("nl", "session_add.fields.capacity_in_person.label")] == "25"
    assert facts[msg("nl", "session_add.fields.capacity_online.label")] == msg("nl", "session_desk.no_limit")
    assert facts[msg("nl", "session_add.fields.join_url.label")] == msg("nl", "facts.no_session")
    assert facts[msg("nl", "session_add.fields.deadline.label")] == msg("nl", "session_desk.deadline_empty")

    replies = await confirm(olga, replies, "session_add")
    assert msg("nl", "session_desk.saved.added_title") in all_text(replies) and "dinsdag 15 november 2022" in all_text(replies)
    (row,) = await _rows(org_client, InfoSession)
    assert row.id == "info-2022-11-15" and row.origin == "organizer" and row.city_nl == "Utrecht"
    assert row.capacity_in_person == 25 and row.capacity_online is None and row.modes == "in_person,online"
    assert row.start_at == datetime.fromisoformat("2022-11-15T10:00:00+01:00")  # Dutch winter time
    added = desk(org_client).book.get("info-2022-11-15")
    assert added.local_start.isoformat() == "2022-11-15T10:00:00+01:00" and added.capacity_for("in_person") == 25
    saved = [e for e in await audit_entries(org_client) if e.action == "sessions.added"]
    assert len(saved) == 1 and saved[0].actor_aad_object_id == ORGANIZER["aadObjectId"] and saved[0].target == row.id

    # The overview shows both, the new one as added in Teams.
    text = all_text(await olga.say("sessies"))
    assert "2. Tweede informatiebijeenkomst" in text and msg("nl", "session_desk.source.added") in text

    # Someone registering now chooses between the two open sessions, and can take the new one.
    sam = person(org_client, connector, 31)
    replies = await sam.say("aanmelden")
    form = card_with(replies, "register.submit")
    session_input = next(i for i in form["body"] if i.get("id") == "session")
    assert "value" not in session_input and [c["value"] for c in session_input["choices"]] == ["info-2022-10-04", "info-2022-11-15"]
    assert msg("nl", "register.fields.session.prompt") in all_text(replies)
    replies = await sam.submit(form_values(session="info-2022-11-15"))
    replies = await sam.submit({"action": "register.confirm", "token": confirm_token(replies)})
    assert msg("nl", "registration.confirmed.title") in all_text(replies) and "dinsdag 15 november 2022" in all_text(replies)
    assert "Utrecht" in all_text(replies)
    (registration,) = await registrations(org_client)
    assert registration.session_id == "info-2022-11-15" and registration.status == "confirmed"
    assert org_client.app[REGISTRATION].session("info-2022-11-15") is added


async def test_a_double_click_stores_one_session(org_client, connector):
    olga = organizer(org_client, connector)
    await olga.submit({"action": "session_desk.add"})
    summary = await olga.submit(NEW_SESSION_CARD)
    confirm_data = action_data(summary, "session_add.confirm")
    assert msg("nl", "session_desk.saved.added_title") in all_text(await olga.submit(confirm_data))
    assert msg_part("nl", "session_desk.saved.again") in all_text(await olga.submit(confirm_data))
    assert len(await _rows(org_client, InfoSession)) == 1 and len(await _rows(org_client, InfoSessionChange)) == 1
    # A second session on the same day gets its own id.
    await olga.say("sessie toevoegen")
    replies = await olga.submit({**NEW_SESSION_CARD, "start": "14:00", "end": "16:00"})
    await confirm(olga, replies, "session_add")
    assert sorted(r.id for r in await _rows(org_client, InfoSession)) == ["info-2022-11-15", "info-2022-11-15-2"]


async def test_add_by_typing_in_english_with_mistakes_on_the_way(org_client, connector):
    olga = organizer(org_client, connector, lang="en")
    replies = await olga.say("add session")
    assert msg("en", "session_add.fields.title_nl.prompt") in all_text(replies)
    assert msg("en", "session_add.fields.title_en.prompt") in all_text(await olga.say("Online informatiesessie"))
    assert msg_part("en", "session_add.fields.date.prompt") in all_text(await olga.say("Online information session"))
    assert msg_part("en", "session_desk.invalid.date") in all_text(await olga.say("31-02-2022"))
    assert msg_part("en", "session_add.fields.start.prompt") in all_text(await olga.say("Tuesday 15 November 2022"))
    assert msg_part("en", "session_add.fields.end.prompt") in all_text(await olga.say("10 am"))
    replies = await olga.say("9:00")  # before the start: caught before the summary, once every field is in
    assert "1. " + msg("en", "session_add.modes.in_person") in all_text(replies) and "2. " + msg("en", "session_add.modes.online") in all_text(replies)
    assert msg("en", "session_add.fields.join_url.prompt") in all_text(await olga.say("2"))
    assert msg_part("en", "session_desk.invalid.url") in all_text(await olga.say("http://teams.microsoft.com/l/meetup-join/abc"))
    assert msg_part("en", "session_add.fields.capacity_online.prompt") in all_text(await olga.say("https://teams.microsoft.com/l/meetup-join/abc"))
    assert msg_part("en", "session_desk.invalid.capacity") in all_text(await olga.say("lots"))
    assert msg_part("en", "session_add.fields.deadline.prompt") in all_text(await olga.say("no limit"))
    assert msg_part("en", "session_desk.invalid.moment") in all_text(await olga.say("14-11-2022"))
    replies = await olga.say("14 November 2022 at 17:00")
    text = all_text(replies)
    assert msg_part("en", "session_desk.invalid.end_before_start") in text and msg_part("en", "session_add.fields.end.prompt") in text
    assert "session_add.confirm" not in str(replies)  # no summary to confirm with an end before the start
    replies = await olga.say("12.00")
    facts = {f["title"]: f["value"] for f in card_with(replies, "session_add.confirm")["body"][1]["facts"]}
    assert facts[msg("en", "session_add.fields.deadline.label")] == "Monday 14 November 2022, 17:00"
    assert facts[msg("en", "session_add.fields.capacity_online.label")] == msg("en", "session_desk.no_limit")
    assert facts[msg("en", "session_add.fields.title_en.label")] == "Online information session"  # nothing lost
    assert msg("en", "session_add.fields.city.label") not in facts  # online only: no city, no venue, no seats at a venue
    replies = await olga.say("yes")
    assert msg("en", "session_desk.saved.added_title") in all_text(replies)
    session = desk(org_client).book.get("info-2022-11-15")
    assert session.modes == ("online",) and session.join_url == "https://teams.microsoft.com/l/meetup-join/abc"
    assert session.title_for("en") == "Online information session" and session.title_for("nl") == "Online informatiesessie"
    assert session.local_end.strftime("%H:%M") == "12:00" and session.capacity == {"online": None}
    assert session.registration_deadline.isoformat() == "2022-11-14T16:00:00+00:00"


async def test_a_session_in_the_past_or_with_a_late_deadline_is_refused(org_client, connector):
    olga = organizer(org_client, connector)
    await olga.submit({"action": "session_desk.add"})
    # A date in the past: the form itself says so, keeps every value, and shows no summary.
    replies = await olga.submit({**NEW_SESSION_CARD, "date": "2022-09-01"})
    assert msg("nl", "session_desk.invalid.date_past") in all_text(replies) and "session_add.confirm" not in str(replies)
    [form] = cards(replies)
    filled = {i["id"]: i.get("value") for i in elements([form], "Input.Text")}
    assert filled["title_nl"] == NEW_SESSION_CARD["title_nl"] and filled["city"] == NEW_SESSION_CARD["city"]
    # Earlier today (the clock: 20 September 2022, 10:15): the start has passed.
    replies = await olga.submit({**NEW_SESSION_CARD, "date": "2022-09-20", "start": "09:00", "end": "11:00"})
    assert msg("nl", "session_desk.invalid.start_past") in all_text(replies) and "session_add.confirm" not in str(replies)
    # An end before the start (or at it).
    replies = await olga.submit({**NEW_SESSION_CARD, "start": "11:00", "end": "10:00"})
    assert msg("nl", "session_desk.invalid.end_before_start") in all_text(replies) and "session_add.confirm" not in str(replies)
    assert msg("nl", "session_desk.invalid.date_past") not in all_text(replies)
    replies = await olga.submit({**NEW_SESSION_CARD, "start": "11:00", "end": "11:00"})
    assert msg("nl", "session_desk.invalid.end_before_start") in all_text(replies)
    replies = await olga.submit({**NEW_SESSION_CARD, "date": "2022-09-01"})
    assert msg("nl", "session_desk.invalid.date_past") in all_text(replies)
    replies = await olga.submit({**NEW_SESSION_CARD, "action": "session_add.submit", "deadline": "15-11-2022 10:30"})
    replies = await confirm(olga, replies, "session_add")
    assert msg_part("nl", "session_desk.problems.deadline_after_start") in all_text(replies)
    assert await _rows(org_client, InfoSession) == []
    assert len(cards(replies)) == 1


async def test_the_form_refuses_a_past_date_and_an_early_end_in_english(org_client, connector):
    olga = organizer(org_client, connector, lang="en")
    await olga.submit({"action": "session_desk.add"})
    replies = await olga.submit({**NEW_SESSION_CARD, "date": "2022-09-19", "start": "11:00", "end": "10:00"})
    text = all_text(replies)
    assert msg("en", "session_desk.invalid.date_past") in text and msg("en", "session_desk.invalid.end_before_start") in text
    assert msg("en", "form.fix_errors") in text and "session_add.confirm" not in str(replies)
    values = {i["id"]: i.get("value") for i in elements(cards(replies), "Input.Time")}
    assert values == {"start": "11:00", "end": "10:00"}  # what was filled stays
    replies = await olga.submit(NEW_SESSION_CARD)
    assert msg_part("en", "session_add.form.summary_title") in all_text(replies) and "session_add.confirm" in str(replies)
    assert await _rows(org_client, InfoSession) == []


async def test_choosing_which_session_to_change(org_client, connector, clock):
    olga = organizer(org_client, connector)
    await olga.submit({"action": "session_desk.add"})
    await confirm(olga, await olga.submit(NEW_SESSION_CARD), "session_add")
    replies = await olga.say("sessie wijzigen")  # two upcoming sessions: which one?
    assert msg_part("nl", "session_desk.pick_number") in all_text(replies) and "2. Tweede informatiebijeenkomst" in all_text(replies)
    assert msg_part("nl", "session_desk.pick_number") in all_text(await olga.say("sessie wijzigen 3"))
    replies = await olga.say("change session 2")
    assert "Tweede informatiebijeenkomst, dinsdag 15 november 2022" in all_text(replies) and "session_edit.field" in str(replies)
    assert "session_edit.confirm" not in str(replies)  # nothing changed yet: nothing to confirm
    assert msg_part("nl", "session_desk.unknown_session") in all_text(await olga.submit({"action": "session_desk.change", "session": "nope"}))
    clock.set(datetime.fromisoformat("2022-10-04T16:00:00+02:00"))  # the first session is over
    assert msg("nl", "session_desk.ended") in all_text(await olga.submit({"action": "session_desk.change", "session": "info-2022-10-04"}))
    text = all_text(await olga.say("sessies"))
    assert "1. Tweede informatiebijeenkomst" in text and "Informatiebijeenkomst lokale" not in text


async def test_people_who_asked_for_a_next_session_hear_of_an_added_one(org_client, connector, clock):
    clock.set(datetime.fromisoformat("2022-10-05T09:00:00+02:00"))  # the announced session is over
    waiting = person(org_client, connector, 32)
    replies = await waiting.say("aanmelden")
    await waiting.submit(action_data(replies, "registration.notify"))
    before = len(connector.by_conversation[waiting.conversation_id])
    olga = organizer(org_client, connector)
    await olga.submit({"action": "session_desk.add"})
    await confirm(olga, await olga.submit(NEW_SESSION_CARD), "session_add")
    report = await org_client.app[REGISTRATION].scheduler.tick()  # the registration feature's own scheduler
    assert report.kinds == ["new_session"]
    message = connector.by_conversation[waiting.conversation_id][before:]
    assert "Tweede informatiebijeenkomst" in all_text(message) and "dinsdag 15 november 2022" in all_text(message)
