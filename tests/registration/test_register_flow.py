"""Registering through /api/messages with Teams-shaped activities: by card (Dutch) and by typing (English),
the deadline, double submits, full modes and the waitlist."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app import SERVICES
from bot.core.clock import FixedClock
from storage.registration.models import Registration, SessionInterest
from tests.card_rules import card_problems
from tests.registration.conftest import (
    JOIN_URL,
    SESSION_ID,
    aad,
    card_with,
    confirm_token,
    form_values,
    open_urls,
    person,
    register,
    session_yaml,
    to_summary,
)
from tests.support import all_text, cards, submit_actions
from tests.wording import msg, msg_part


async def _registrations(client) -> list[Registration]:
    async with client.app[SERVICES].db.transaction() as session:
        return list((await session.execute(select(Registration).order_by(Registration.id))).scalars())


def _assert_cards_valid(replies):
    for card in cards(replies):
        assert card_problems(card) == [], card_problems(card)


async def test_register_by_card_in_dutch(client, connector):
    anna = person(client, connector, 1)
    connector.members["29:user-1"] = {"id": "29:user-1", "name": "Anna de Vries", "email": "Anna.deVries@Utrecht.NL",
                                      "userPrincipalName": "anna.devries@utrecht.nl", "aadObjectId": aad(1)}
    replies = await anna.say("aanmelden")
    _assert_cards_valid(replies)
    text = all_text(replies)
    assert msg("nl", "registration.privacy.title") in text and msg("nl", "registration.privacy.rights") in text  # privacy first
    form = card_with(replies, "register.submit")
    inputs = {i["id"]: i for i in form["body"] if i.get("type", "").startswith("Input.")}
    assert inputs["session"]["value"] == SESSION_ID  # the only open session is chosen already
    assert inputs["name"]["value"] == "Anna de Vries" and inputs["email"]["value"] == "Anna.deVries@utrecht.nl"
    assert [c["title"] for c in inputs["mode"]["choices"]] == [msg("nl", "registration.modes.in_person", city="Den Haag"),
                                                               msg("nl", "registration.modes.online")]
    assert all(i["label"] for i in inputs.values())
    assert msg_part("nl", "register.fields.mode.prompt") in text  # the first open question, for those who type

    replies = await anna.submit(form_values(dietary="vegetarisch", accessibility="Ringleiding graag"))
    _assert_cards_valid(replies)
    summary = card_with(replies, "register.confirm")
    facts = {f["title"]: f["value"] for f in summary["body"][1]["facts"]}
    assert facts[msg("nl", "register.fields.municipality.label")] == "Utrecht"
    assert facts[msg("nl", "register.fields.mode.label")] == msg("nl", "registration.modes.in_person", city="Den Haag")
    assert facts[msg("nl", "register.fields.dietary.label")] == "vegetarisch"

    replies = await anna.submit({"action": "register.confirm", "token": confirm_token(replies)})
    _assert_cards_valid(replies)
    text = all_text(replies)
    assert msg("nl", "registration.confirmed.title") in text and "dinsdag 4 oktober 2022" in text
    assert msg("nl", "registration.time_range", start="14:00", end="16:00") in text
    assert msg("nl", "registration.venue_unknown", city="Den Haag") in text  # no venue configured: never invented
    links = open_urls(card_with(replies, msg("nl", "registration.confirmed.title")))
    assert list(links) == [msg("nl", "registration.buttons.calendar")]  # in person: no Teams button
    stored = await _registrations(client)
    assert len(stored) == 1
    record = stored[0]
    assert (record.status, record.mode, record.municipality, record.dietary, record.language) == (
        "confirmed", "in_person", "Utrecht", "vegetarisch", "nl")
    assert record.user_key == f"aad:{aad(1)}" and record.aad_object_id == aad(1)
    assert links[msg("nl", "registration.buttons.calendar")] == f"http://127.0.0.1:3978/calendar/{record.calendar_token}.ics"
    assert len(record.calendar_token) >= 43


async def test_register_by_typing_in_english_with_a_join_link(make_client, connector):
    client = await make_client(session_join_url=JOIN_URL)
    sam = person(client, connector, 2, lang="en")
    replies = await sam.say("register me for the session")
    assert msg("en", "registration.privacy.title") in all_text(replies)
    assert msg_part("en", "register.fields.mode.prompt") in all_text(replies)
    assert msg("en", "my_data.modes.online") in all_text(replies)
    assert msg_part("en", "register.fields.email.prompt") in all_text(await sam.say("online"))  # name came from Teams
    replies = await sam.say("sam@@example")
    assert msg_part("en", "form.invalid.email") in all_text(replies)
    assert msg_part("en", "register.fields.municipality.prompt") in all_text(await sam.say("Sam.Jansen@Example.org"))
    assert msg("en", "register.fields.role.prompt") in all_text(await sam.say("municipality of Utrecht"))
    assert msg("en", "register.fields.accessibility.prompt") in all_text(await sam.say("Policy adviser"))
    replies = await sam.say("none")  # optional; dietary requirements are not asked online
    summary = card_with(replies, "register.confirm")
    facts = {f["title"]: f["value"] for f in summary["body"][1]["facts"]}
    assert facts[msg("en", "register.fields.municipality.label")] == "Utrecht" and facts[msg("en", "register.fields.name.label")] == "Deelnemer 2"
    assert msg("en", "register.fields.dietary.label") not in facts
    replies = await sam.say("yes")
    _assert_cards_valid(replies)
    text = all_text(replies)
    assert msg("en", "registration.confirmed.title") in text and "Tuesday 4 October 2022" in text
    assert msg("en", "registration.time_range", start="14:00", end="16:00") in text
    assert open_urls(card_with(replies, msg("en", "registration.confirmed.title")))[msg("en", "registration.buttons.join")] == JOIN_URL
    (record,) = await _registrations(client)
    assert (record.mode, record.email, record.language, record.dietary) == ("online", "Sam.Jansen@example.org", "en", "")


async def test_online_without_a_join_link_says_it_follows(client, connector):
    replies = await register(person(client, connector, 3), mode="online")
    assert msg_part("nl", "calendar.description_join_follows") in all_text(replies)
    assert msg("nl", "registration.buttons.join") not in all_text(replies)


async def test_double_click_and_redelivery_store_one_registration(client, connector):
    anna = person(client, connector, 4)
    token = await to_summary(anna)
    confirm = anna.activity(type="message", value={"action": "register.confirm", "token": token})
    confirm.pop("text", None)
    first = await anna.post(confirm)
    assert msg("nl", "registration.confirmed.title") in all_text(first)
    assert await anna.post(dict(confirm)) == []  # the same activity re-delivered by Teams: dropped
    second = await anna.submit({"action": "register.confirm", "token": token})  # a double click
    assert msg("nl", "registration.confirmed.title") in all_text(second)  # the same confirmation again, nothing new stored
    assert len(await _registrations(client)) == 1
    # Starting again: already registered, no second form.
    replies = await anna.say("aanmelden")
    assert msg("nl", "registration.existing.title") in all_text(replies) and "register.submit" not in str(replies)
    assert len(await _registrations(client)) == 1


async def test_the_deadline_before_at_and_after(make_client, connector, content):
    deadline = "2022-10-03T12:00:00+02:00"
    folder = content(session_yaml(registration_deadline="2022-10-03T12:00"))
    clock = FixedClock(datetime.fromisoformat("2022-10-03T11:59:59+02:00"))
    client = await make_client(content_dir=folder, clock=clock)
    early = person(client, connector, 5)
    assert "register.submit" in str(await early.say("aanmelden"))  # before: the form
    late = person(client, connector, 6)
    token = await to_summary(late)
    clock.set(datetime.fromisoformat(deadline))  # at the deadline: closed
    replies = await late.submit({"action": "register.confirm", "token": token})
    assert msg_part("nl", "registration.closed.session_closed") in all_text(replies)
    assert await _registrations(client) == []
    replies = await person(client, connector, 7).say("aanmelden")
    _assert_cards_valid(replies)
    assert msg_part("nl", "registration.closed.none_open") in all_text(replies)
    notify = next(a for a in submit_actions(cards(replies)[0]) if a["data"]["action"] == "registration.notify")
    clock.set(datetime.fromisoformat("2022-10-05T09:00:00+02:00"))  # after: still closed
    later = person(client, connector, 8)
    assert msg("nl", "registration.buttons.notify") in all_text(await later.say("aanmelden"))
    for _ in range(2):  # idempotent per person
        assert msg_part("nl", "registration.notify.saved") in all_text(await later.submit(notify["data"]))
    async with client.app[SERVICES].db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(SessionInterest))).scalar_one() == 1


async def test_a_full_mode_offers_the_waitlist_or_the_other_mode(make_client, connector, content):
    client = await make_client(content_dir=content(session_yaml(capacity={"in_person": 1, "online": None})))
    await register(person(client, connector, 10))
    ben = person(client, connector, 11)
    replies = await register(ben)
    _assert_cards_valid(replies)
    text = all_text(replies)
    assert msg("nl", "registration.waitlisted.title") in text and msg_part("nl", "registration.waitlisted.intro") in text
    assert msg("nl", "registration.waitlisted.other_mode", mode=msg("nl", "registration.modes.online")) in text
    card = card_with(replies, msg("nl", "registration.waitlisted.title"))
    buttons = {a["title"]: a["data"] for a in submit_actions(card)}
    assert msg("nl", "registration.buttons.calendar") not in open_urls(card)  # no calendar entry without a seat
    assert msg_part("nl", "registration.waitlisted.kept") in all_text(await ben.submit(buttons[msg("nl", "registration.buttons.keep_waitlist")]))
    replies = await ben.submit(buttons[msg("nl", "registration.buttons.switch", mode=msg("nl", "registration.modes.online"))])
    _assert_cards_valid(replies)
    assert msg("nl", "my_registration.switched", mode=msg("nl", "registration.modes.online")) in all_text(replies)
    assert msg("nl", "registration.confirmed.title") in all_text(replies)
    statuses = [(r.mode, r.status) for r in await _registrations(client)]
    assert statuses == [("in_person", "confirmed"), ("online", "confirmed")]


async def test_nothing_saved_when_the_form_is_cancelled(client, connector):
    anna = person(client, connector, 12)
    await anna.say("aanmelden")
    assert msg("nl", "cancel.done") in all_text(await anna.say("stop"))
    assert await _registrations(client) == []


async def test_a_failed_save_keeps_everything_and_can_be_confirmed_again(client, connector, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from bot.registration import REGISTRATION

    registrar = client.app[REGISTRATION].registrar
    real = registrar.register

    async def broken(**_kwargs):
        raise OperationalError("INSERT ...", {}, Exception("database is away"))

    anna = person(client, connector, 13)
    token = await to_summary(anna, role="Wethouder")
    monkeypatch.setattr(registrar, "register", broken)
    replies = await anna.submit({"action": "register.confirm", "token": token})
    assert msg_part("nl", "registration.error") in all_text(replies)
    facts = {f["title"]: f["value"] for f in card_with(replies, "register.confirm")["body"][1]["facts"]}
    assert facts[msg("nl", "export.columns.registrations.role")] == "Wethouder"  # the summary again, with everything entered
    monkeypatch.setattr(registrar, "register", real)
    replies = await anna.submit({"action": "register.confirm", "token": confirm_token(replies)})
    assert msg("nl", "registration.confirmed.title") in all_text(replies)
    assert [r.role for r in await _registrations(client)] == ["Wethouder"]
