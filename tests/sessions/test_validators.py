"""The session forms' validators: links, dates, times, moments and seats, as organizers type them."""

from __future__ import annotations

from functools import partial

import pytest

from dialogs.sessions.validators import capacity, clock_time, day, https_url, moment
from dialogs.validators import Invalid

TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%22x%22%7d"
NO_LIMIT = {"geen limiet", "no limit", "onbeperkt"}


def _key(call) -> str:
    with pytest.raises(Invalid) as problem:
        call()
    return problem.value.key


def test_links_must_be_https_web_addresses():
    assert https_url(f"  <{TEAMS}> ") == TEAMS
    assert https_url("https://vng.nl/bijeenkomst") == "https://vng.nl/bijeenkomst"
    for bad in ("http://teams.microsoft.com/l/x", "teams.microsoft.com/l/x", "https://", "https://localhost/x",
                "https://teams microsoft.com", "link volgt", "javascript:alert(1)", "https://" + "a" * 2000 + ".nl"):
        assert _key(partial(https_url, bad)) == "session_desk.invalid.url", bad
    assert _key(lambda: https_url("  ")) == "form.invalid.required"


@pytest.mark.parametrize("text", ["15-11-2022", "15/11/2022", "15.11.2022", "2022-11-15", "15 november 2022",  # input, not from content/
                                  "di 15 nov 2022", "dinsdag 15 november 2022", "Tuesday 15 November 2022",
                                  "November 15, 2022", "15 Nov. 2022"])
def test_dates_day_first(text):
    assert day(text) == "2022-11-15"


@pytest.mark.parametrize("text", ["31-02-2022", "15 november", "morgen", "15-13-2022", "2022/11/15 10:00", "1511"])
def test_dates_that_are_refused(text):
    assert _key(lambda: day(text)) == "session_desk.invalid.date"


@pytest.mark.parametrize(("text", "value"), [("14:00", "14:00"), ("14.00", "14:00"), ("14u", "14:00"), ("14 uur", "14:00"),
                                             ("9:30", "09:30"), ("14u30", "14:30"), ("2 pm", "14:00"), ("12 am", "00:00"),
                                             ("10", "10:00"), ("14:00 uur", "14:00")])
def test_times(text, value):
    assert clock_time(text) == value


@pytest.mark.parametrize("text", ["25:00", "14:60", "half drie", "13 pm", "14:5"])
def test_times_that_are_refused(text):
    assert _key(lambda: clock_time(text)) == "session_desk.invalid.time"


@pytest.mark.parametrize("text", ["14-11-2022 17:00", "14 november 2022 om 17.00 uur", "2022-11-14T17:00",
                                  "14/11/2022, 17:00", "ma 14 nov 2022 17u", "14 November 2022 at 5 pm"])
def test_moments(text):
    assert moment(text) == "2022-11-14T17:00"


@pytest.mark.parametrize("text", ["14-11-2022", "17:00", "volgende week", "14-11-2022 25:00"])
def test_moments_that_are_refused(text):
    assert _key(lambda: moment(text)) == "session_desk.invalid.moment"


def test_seats():
    assert capacity("40", NO_LIMIT) == 40 and capacity("0", NO_LIMIT) == 0
    assert capacity("", NO_LIMIT) == "" and capacity("Geen limiet.", NO_LIMIT) == ""
    for bad in ("-1", "veel", "1000001", "4.5"):
        assert _key(partial(capacity, bad, NO_LIMIT)) == "session_desk.invalid.capacity", bad
