"""The personal .ics file: parsed back with icalendar (VTIMEZONE, TZID, folding, escaping) and the HTTP route."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from app import SERVICES
from bot.core.i18n import Catalog
from bot.registration.calendar import build_ics, registration_ics, vtimezone
from bot.sessions.file import load_sessions
from tests.registration.conftest import JOIN_URL, SESSION_ID, card_with, open_urls, person, register
from tests.wording import content_dir, msg, msg_part

CONTENT = content_dir()  # the bot's content (CONTENT_DIR), as tests/wording.py reads it
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _session(**changes):
    session = load_sessions(CONTENT / "sessions.yaml")[0]
    return session if not changes else type(session)(**{**session.__dict__, **changes})


def _event(ics: str) -> Event:
    """The one event of a file, after checking the file's lines: CRLF, at most 75 octets."""
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in ics.split("\r\n"))
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return event


def _registration(**changes):
    values = dict(id=7, session_id=SESSION_ID, mode="online", status="confirmed", language="nl", revision=2,
                  updated_at=datetime(2022, 9, 20, 8, 15, tzinfo=UTC), calendar_token="x" * 43)
    values.update(changes)
    return SimpleNamespace(**values)


def _observances(component) -> list[tuple[str, ...]]:
    """(kind, DTSTART, TZOFFSETFROM, TZOFFSETTO, TZNAME) per observance, as written in the file."""
    read_back = Calendar.from_ical(component.to_ical())
    return [
        (sub.name, *(_ical(sub[key]) for key in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME")))
        for sub in read_back.subcomponents
    ]


def _ical(value) -> str:
    text = value.to_ical()
    return text.decode() if isinstance(text, bytes) else text


def test_vtimezone_of_amsterdam_has_the_real_transitions():
    """Onsets in the wall time of the offset they leave (RFC 5545 3.6.5): 02:00 into summer time, 03:00 out."""
    zone = vtimezone(AMSTERDAM, datetime(2022, 10, 4, 12, tzinfo=UTC))
    assert str(zone["TZID"]) == "Europe/Amsterdam"
    observances = _observances(zone)
    assert ("DAYLIGHT", "20220327T020000", "+0100", "+0200", "CEST") in observances
    assert ("STANDARD", "20221030T030000", "+0200", "+0100", "CET") in observances
    assert ("STANDARD", "20211031T030000", "+0200", "+0100", "CET") in observances  # a January event is covered too


def test_the_zone_read_back_gives_the_real_offsets():
    zone = vtimezone(AMSTERDAM, datetime(2022, 10, 4, 12, tzinfo=UTC)).to_tz()
    for when in ((2022, 1, 15, 12), (2022, 10, 4, 14), (2022, 12, 1, 9)):
        assert datetime(*when, tzinfo=zone).utcoffset() == datetime(*when, tzinfo=AMSTERDAM).utcoffset()


def test_vtimezone_without_daylight_saving():
    zone = vtimezone(ZoneInfo("Asia/Tokyo"), datetime(2022, 10, 4, tzinfo=UTC))
    assert _observances(zone) == [("STANDARD", "19700101T000000", "+0900", "+0900", "JST")]


def test_the_event_in_dutch_online_with_a_join_link():
    catalog = Catalog.load(CONTENT / "messages")
    ics = registration_ics(catalog, _registration(), _session(join_url=JOIN_URL), host="bot.example.nl")
    calendar = Calendar.from_ical(ics)
    assert (str(calendar["VERSION"]), str(calendar["METHOD"])) == ("2.0", "PUBLISH")
    event = _event(ics)
    assert event.start == datetime(2022, 10, 4, 14, tzinfo=AMSTERDAM) and event.start.tzinfo.key == "Europe/Amsterdam"
    assert event.end - event.start == timedelta(hours=2)
    assert "DTSTART;TZID=Europe/Amsterdam:20221004T140000" in ics.replace("\r\n ", "")
    assert str(event["UID"]) == f"registration-7-{SESSION_ID}@bot.example.nl"
    assert event["DTSTAMP"].dt == datetime(2022, 9, 20, 8, 15, tzinfo=UTC)
    assert event["SEQUENCE"] == 2 and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == _session().title_for("nl")
    assert str(event["LOCATION"]) == JOIN_URL and str(event["URL"]) == JOIN_URL
    assert catalog.text("nl", "calendar.description_join", url=JOIN_URL) in str(event["DESCRIPTION"]).split("\n")
    assert any(line.startswith(" ") for line in ics.split("\r\n"))  # the long join link was folded


def test_the_event_in_english_in_person_without_an_address():
    catalog = Catalog.load(CONTENT / "messages")
    session = _session()
    event = _event(registration_ics(catalog, _registration(mode="in_person", language="en"), session, host="h"))
    assert str(event["LOCATION"]) == catalog.text("en", "calendar.location_follows", city=session.city_for("en"))
    assert str(event["SUMMARY"]) == session.title_for("en")
    assert "URL" not in event
    venue = registration_ics(catalog, _registration(mode="in_person"), _session(venue_address="Nassaulaan 12, Den Haag"), host="h")
    assert "LOCATION:Nassaulaan 12\\, Den Haag" in venue.split("\r\n")  # a comma in TEXT is escaped
    assert str(_event(venue)["LOCATION"]) == "Nassaulaan 12, Den Haag"


def test_long_text_is_folded_without_splitting_a_character():
    description = "Oekraïne – ПЛАН відновлення, " * 10  # noqa: RUF001 - multi-byte characters on purpose
    ics = build_ics(uid="u", session=_session(), summary="s", description=description, location="l", url=None,
                    stamp=datetime(2022, 9, 20, tzinfo=UTC), sequence=0, confirmed=True)
    ics.encode("utf-8").decode("utf-8")
    assert str(_event(ics)["DESCRIPTION"]) == description


def test_build_ics_marks_a_waitlisted_place_tentative():
    ics = build_ics(uid="u", session=_session(), summary="s", description="d", location="l", url=None,
                    stamp=datetime(2022, 9, 20, tzinfo=UTC), sequence=0, confirmed=False)
    assert str(_event(ics)["STATUS"]) == "TENTATIVE"


async def test_the_route_serves_the_file_and_404s_for_unknown_and_cancelled(client, connector):
    anna = person(client, connector, 60)
    replies = await register(anna, mode="online")
    url = open_urls(card_with(replies, msg("nl", "registration.confirmed.title")))[msg("nl", "registration.buttons.calendar")]
    path = url.removeprefix("http://127.0.0.1:3978")
    response = await client.get(path)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    body = await response.text()
    assert "BEGIN:VEVENT" in body and f"LOCATION:{msg('nl', 'calendar.location_online')}" in body
    assert (await client.get("/calendar/" + "A" * 43 + ".ics")).status == 404
    assert (await client.get("/calendar/not.a.token.ics")).status == 404
    missing = await client.get("/calendar/" + "B" * 43 + ".ics", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert msg_part("en", "calendar.not_found") in await missing.text()
    await anna.submit({"action": "my_registration.choose", "choice": f"cancel:{SESSION_ID}"})
    await anna.say("ja")
    assert (await client.get(path)).status == 404
    assert client.app[SERVICES].settings.effective_public_base_url == "http://127.0.0.1:3978"
