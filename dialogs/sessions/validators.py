"""Validators for the organizers' session forms: each returns the clean value or raises `Invalid` with a
catalog key (`session_desk.invalid.*`), for typed answers and card inputs alike.

Dates are day-first, as in the Netherlands ("15-11-2022", "15 november 2022", "di 15 nov 2022"); card date
pickers send ISO ("2022-11-15"). Times: "14:00", "14.00", "14u", "14 uur", "2 pm". Values come back in ISO
form, local to the session's time zone: "2022-11-15", "14:00", "2022-11-14T17:00".
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from urllib.parse import urlsplit

from dialogs.validators import Invalid

MAX_URL = 2000
MAX_CAPACITY = 100_000

_MONTHS = {
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7, "augustus": 8,
    "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "okt": 10,
    "nov": 11, "dec": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "october": 10,
    "mar": 3, "oct": 10,
}
_WEEKDAYS = {
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
    "ma", "di", "wo", "do", "vr", "za", "zo",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
}
_CONNECTORS = {"om", "at", "op", "on", "-", "t"}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.hu](\d{2}))?\s*(uur|u|h|hrs|am|pm|a\.m\.|p\.m\.)?$")


def https_url(value: str) -> str:
    """A web address that starts with https:// (a Teams meeting link starts with https://teams.microsoft.com/)."""
    cleaned = value.strip().strip("<>").strip()
    if not cleaned:
        raise Invalid("form.invalid.required")
    if len(cleaned) > MAX_URL or any(c.isspace() for c in cleaned):
        raise Invalid("session_desk.invalid.url")
    try:
        parts = urlsplit(cleaned)
        host = parts.hostname or ""
    except ValueError:
        raise Invalid("session_desk.invalid.url") from None
    if parts.scheme.lower() != "https" or "." not in host or host.startswith(".") or host.endswith("."):
        raise Invalid("session_desk.invalid.url")
    return cleaned


def day(value: str) -> str:
    """A calendar date, returned as 'YYYY-MM-DD'."""
    return _parse_date(value).isoformat()


def clock_time(value: str) -> str:
    """A time of day, returned as 'HH:MM'."""
    return _parse_time(value).strftime("%H:%M")


def moment(value: str) -> str:
    """A date and a time ('3-10-2022 17:00', '3 oktober 2022 om 17.00', '2022-10-03T17:00'), returned as
    'YYYY-MM-DDTHH:MM' (local time)."""
    cleaned = " ".join(value.replace(",", " ").split())
    if not cleaned:
        raise Invalid("form.invalid.required")
    cleaned = re.sub(r"^(\d{4}-\d{1,2}-\d{1,2})[tT](\d)", r"\1 \2", cleaned)
    tokens = cleaned.split(" ")
    for cut in range(len(tokens) - 1, 0, -1):
        date_part = tokens[:cut]
        while date_part and date_part[-1].lower() in _CONNECTORS:
            date_part.pop()
        time_part = " ".join(tokens[cut:])
        try:
            found_time = _parse_time(time_part)
            found_date = _parse_date(" ".join(date_part))
        except Invalid:
            continue
        return datetime.combine(found_date, found_time).strftime("%Y-%m-%dT%H:%M")
    raise Invalid("session_desk.invalid.moment")


def capacity(value: str, no_limit_words: set[str]) -> int | str:
    """A whole number of seats (0 or more), or '' for no limit (empty, or a word such as 'geen limiet')."""
    cleaned = " ".join(value.casefold().split()).strip(" .!")
    if not cleaned or cleaned in no_limit_words:
        return ""
    if not re.fullmatch(r"\d{1,6}", cleaned) or int(cleaned) > MAX_CAPACITY:
        raise Invalid("session_desk.invalid.capacity", max=MAX_CAPACITY)
    return int(cleaned)


# --- parsing ----------------------------------------------------------------------------------------
def _parse_date(value: str) -> date:
    cleaned = " ".join(value.casefold().replace(",", " ").split())
    if not cleaned:
        raise Invalid("form.invalid.required")
    words = cleaned.split(" ")
    if words and words[0].rstrip(".") in _WEEKDAYS:
        words = words[1:]
    text = " ".join(words)
    try:
        match = _ISO_DATE.match(text)
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _NUMERIC_DATE.match(text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if len(words) == 3:
            first, second, year = words
            if not re.fullmatch(r"\d{4}", year):
                raise Invalid("session_desk.invalid.date")
            if first.isdigit() and second.rstrip(".") in _MONTHS:  # 15 november 2022
                return date(int(year), _MONTHS[second.rstrip(".")], int(first))
            if second.isdigit() and first.rstrip(".") in _MONTHS:  # November 15 2022
                return date(int(year), _MONTHS[first.rstrip(".")], int(second))
    except ValueError:  # e.g. 31 February
        raise Invalid("session_desk.invalid.date") from None
    raise Invalid("session_desk.invalid.date")


def _parse_time(value: str) -> time:
    cleaned = " ".join(value.casefold().split())
    if not cleaned:
        raise Invalid("form.invalid.required")
    match = _TIME.match(cleaned)
    if not match:
        raise Invalid("session_desk.invalid.time")
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").replace(".", "")
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise Invalid("session_desk.invalid.time")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise Invalid("session_desk.invalid.time")
    return time(hour, minute)
