"""The personal .ics file: RFC 5545 shape (VTIMEZONE, TZID, folding, escaping) and the HTTP route."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from app import SERVICES
from bot.registration.calendar import build_ics, escape_text, fold, registration_ics, vtimezone
from bot.core.i18n import Catalog
from bot.sessions.model import load_sessions
from tests.registration.conftest import JOIN_URL, SESSION_ID, card_with, open_urls, person, register
from tests.wording import content_dir, msg, msg_part

CONTENT = content_dir()  # the bot's content (CONTENT_DIR), as tests/wording.py reads it
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _session(**changes):
    session = load_sessions(CONTENT / "sessions.yaml")[0]
    return session if not changes else type(session)(**{**session.__dict__, **changes})


def _unfold(text: str) -> list[str]:
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def _property(lines: list[str], name: str) -> str:
    return next(line.split(":", 1)[1] for line in lines if line.split(":", 1)[0].split(";")[0] == name)


def _registration(**changes):
    values = dict(id=7, session_id=SESSION_ID, mode="online", status="confirmed", language="nl", revision=2,
                  updated_at=datetime(2022, 9, 20, 8, 15, tzinfo=timezone.utc), calendar_token="x" * 43)
    values.update(changes)
    return SimpleNamespace(**values)


def test_text_escaping_and_folding():
    assert escape_text("a,b;c\\d\nnieuwe regel") == "a\\,b\\;c\\\\d\\nnieuwe regel"
    long = "DESCRIPTION:" + "Oekraïne – ПЛАН відновлення, " * 10
    folded = fold(long)
    for line in folded.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
        line.encode("utf-8").decode("utf-8")  # never split inside a character
    assert folded.replace("\r\n ", "") == long


def test_vtimezone_of_amsterdam_has_the_real_transitions():
    lines = vtimezone(AMSTERDAM, datetime(2022, 10, 4, 12, tzinfo=timezone.utc))
    text = "\n".join(lines)
    assert "TZID:Europe/Amsterdam" in text
    assert "BEGIN:DAYLIGHT\nDTSTART:20220327T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST" in text
    assert "BEGIN:STANDARD\nDTSTART:20221030T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET" in text
    assert "DTSTART:20211031T030000" in text  # the year before: a January event is covered too


def test_vtimezone_without_daylight_saving():
    lines = vtimezone(ZoneInfo("Asia/Tokyo"), datetime(2022, 10, 4, tzinfo=timezone.utc))
    assert lines[2:5] == ["BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0900"]


def test_the_event_in_dutch_online_with_a_join_link():
    catalog = Catalog.load(CONTENT / "messages")
    ics = registration_ics(catalog, _registration(), _session(join_url=JOIN_URL), host="bot.example.nl")
    lines = _unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and "METHOD:PUBLISH" in lines
    assert "DTSTART;TZID=Europe/Amsterdam:20221004T140000" in lines
    assert "DTEND;TZID=Europe/Amsterdam:20221004T160000" in lines
    assert _property(lines, "UID") == f"registration-7-{SESSION_ID}@bot.example.nl"
    assert _property(lines, "DTSTAMP") == "20220920T081500Z"
    assert _property(lines, "SEQUENCE") == "2" and _property(lines, "STATUS") == "CONFIRMED"
    assert _property(lines, "SUMMARY") == "Informatiebijeenkomst lokale herstelplannen Oekraïne"
    assert _property(lines, "LOCATION") == escape_text(JOIN_URL)
    assert _property(lines, "URL") == JOIN_URL
    assert "\\nDeelnemen: https://teams.microsoft.com" in _property(lines, "DESCRIPTION")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert any(line.startswith(" ") for line in ics.split("\r\n"))  # the long join link was folded


def test_the_event_in_english_in_person_without_an_address():
    catalog = Catalog.load(CONTENT / "messages")
    lines = _unfold(registration_ics(catalog, _registration(mode="in_person", language="en"), _session(), host="h"))
    assert _property(lines, "LOCATION") == msg("en", "calendar.location_follows", city="The Hague (Den Haag)")
    assert _property(lines, "SUMMARY") == "Information session on local recovery plans in Ukraine"
    assert "URL" not in [line.split(":")[0] for line in lines]
    venue = _unfold(registration_ics(catalog, _registration(mode="in_person"), _session(venue_address="Nassaulaan 12, Den Haag"), host="h"))
    assert _property(venue, "LOCATION") == "Nassaulaan 12\\, Den Haag"


def test_build_ics_marks_a_waitlisted_place_tentative():
    ics = build_ics(uid="u", session=_session(), summary="s", description="d", location="l", url=None,
                    stamp=datetime(2022, 9, 20, tzinfo=timezone.utc), sequence=0, confirmed=False)
    assert "STATUS:TENTATIVE" in _unfold(ics)


async def test_the_route_serves_the_file_and_404s_for_unknown_and_cancelled(client, connector):
    anna = person(client, connector, 60)
    replies = await register(anna, mode="online")
    url = open_urls(card_with(replies, "U bent aangemeld"))[msg("nl", "registration.buttons.calendar")]
    path = url.removeprefix("http://127.0.0.1:3978")
    response = await client.get(path)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    body = await response.text()
    assert "BEGIN:VEVENT" in body and "LOCATION:Microsoft Teams" in body
    assert (await client.get("/calendar/" + "A" * 43 + ".ics")).status == 404
    assert (await client.get("/calendar/not.a.token.ics")).status == 404
    missing = await client.get("/calendar/" + "B" * 43 + ".ics", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert msg_part("en", "calendar.not_found") in await missing.text()
    await anna.submit({"action": "my_registration.choose", "choice": f"cancel:{SESSION_ID}"})
    await anna.say("ja")
    assert (await client.get(path)).status == 404
    assert client.app[SERVICES].settings.effective_public_base_url == "http://127.0.0.1:3978"
