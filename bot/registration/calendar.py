"""A personal iCalendar (.ics, RFC 5545) file per registration, served at an unguessable URL.

`GET /calendar/{token}.ics`: the token is the registration's `calendar_token` (secrets.token_urlsafe(32));
unknown tokens and cancelled registrations get 404. Times carry TZID with a VTIMEZONE built from the
session's time zone (Europe/Amsterdam); lines are folded at 75 octets and text values escaped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.i18n import Catalog, language_for_locale, normalize_language
from bot.sessions import Session, SessionBook
from storage.registration.models import ACTIVE_STATUSES, CONFIRMED, Registration
from storage.registration.repository import Registrar

log = logging.getLogger(__name__)

PRODID = "-//VNG International//VNG Oekraine-assistent//NL"
CONTENT_TYPE = "text/calendar; charset=utf-8"
TOKEN_PATTERN = r"[A-Za-z0-9_-]{20,100}"


def escape_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line at `limit` octets (UTF-8), never inside a character; continuation lines start
    with one space."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        room = limit if not parts else limit - 1
        if size + width > room:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta(0)).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _transitions(tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """UTC instants in [start, end) where the zone's UTC offset changes (found to the minute)."""
    found: list[datetime] = []
    step = timedelta(hours=6)
    moment = start
    before = moment.astimezone(tz).utcoffset()
    while moment < end:
        after_moment = moment + step
        after = after_moment.astimezone(tz).utcoffset()
        if after != before:
            low, high = moment, after_moment
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
        moment, before = after_moment, after
    return found


def vtimezone(tz: ZoneInfo, around: datetime) -> list[str]:
    """A VTIMEZONE with the zone's real transitions from the year before the event to its end of year,
    so every client knows the offset at the event (no RRULE guesses)."""
    year = around.astimezone(tz).year
    window_start = datetime(year - 1, 1, 1, tzinfo=timezone.utc)
    window_end = datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tz.key}"]
    transitions = _transitions(tz, window_start, window_end)
    if not transitions:
        offset = _offset(around.astimezone(tz).utcoffset())
        name = around.astimezone(tz).tzname() or tz.key
        lines += ["BEGIN:STANDARD", "DTSTART:19700101T000000", f"TZOFFSETFROM:{offset}", f"TZOFFSETTO:{offset}", f"TZNAME:{name}", "END:STANDARD"]
    for instant in transitions:
        before = (instant - timedelta(minutes=1)).astimezone(tz)
        after = instant.astimezone(tz)
        kind = "DAYLIGHT" if after.dst() else "STANDARD"
        onset = (instant + (before.utcoffset() or timedelta(0))).replace(tzinfo=None)  # wall time in the old offset
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{_local(onset)}",
            f"TZOFFSETFROM:{_offset(before.utcoffset())}",
            f"TZOFFSETTO:{_offset(after.utcoffset())}",
            f"TZNAME:{after.tzname()}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return lines


def build_ics(
    *,
    uid: str,
    session: Session,
    summary: str,
    description: str,
    location: str,
    url: str | None,
    stamp: datetime,
    sequence: int,
    confirmed: bool,
) -> str:
    tz = session.timezone
    event = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_stamp(stamp)}",
        f"DTSTART;TZID={tz.key}:{_local(session.start.astimezone(tz))}",
        f"DTEND;TZID={tz.key}:{_local(session.end.astimezone(tz))}",
        f"SEQUENCE:{sequence}",
        f"STATUS:{'CONFIRMED' if confirmed else 'TENTATIVE'}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"LOCATION:{escape_text(location)}",
    ]
    if url:
        event.append(f"URL:{url}")
    event.append("END:VEVENT")
    lines: Iterable[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *vtimezone(tz, session.start),
        *event,
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def registration_ics(catalog: Catalog, registration: Registration, session: Session, *, host: str) -> str:
    """The calendar entry of one registration, in the language the person registered in."""
    lang = normalize_language(registration.language)
    t = lambda key, **params: catalog.text(lang, key, **params)  # noqa: E731
    city = session.city_for(lang)
    topic = session.topic.get(lang) or session.title_for(lang)
    parts = [t("calendar.description", topic=topic)]
    url: str | None = None
    if registration.mode == "online":
        parts.append(t("calendar.description_online"))
        if session.join_url:
            url = session.join_url
            parts.append(t("calendar.description_join", url=session.join_url))
            location = session.join_url
        else:
            parts.append(t("calendar.description_join_follows"))
            location = t("calendar.location_online")
    else:
        parts.append(t("calendar.description_in_person", city=city))
        location = session.venue_address or t("calendar.location_follows", city=city)
    return build_ics(
        uid=f"registration-{registration.id}-{session.id}@{host}",
        session=session,
        summary=session.title_for(lang),
        description="\n".join(parts),
        location=location,
        url=url,
        stamp=registration.updated_at,
        sequence=registration.revision,
        confirmed=registration.status == CONFIRMED,
    )


def calendar_handler(*, registrar: Registrar, book: SessionBook, catalog: Catalog, public_base_url: str):
    host = urlparse(public_base_url).hostname or "vng-oekraine-assistent"

    async def calendar(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        registration = await registrar.by_calendar_token(token)
        session = book.get(registration.session_id) if registration is not None else None
        if registration is None or registration.status not in ACTIVE_STATUSES or session is None:
            lang = language_for_locale((request.headers.get("Accept-Language") or "").split(",")[0].split(";")[0])
            return web.Response(status=404, text=catalog.text(lang, "calendar.not_found"), headers=_PRIVATE)
        body = registration_ics(catalog, registration, session, host=host)
        headers = {**_PRIVATE, "Content-Disposition": f'attachment; filename="{session.id}.ics"'}
        return web.Response(body=body.encode("utf-8"), content_type="text/calendar", charset="utf-8", headers=headers)

    return calendar


# A personal file: not cached by shared caches, not indexed, no referrer leaking the token.
_PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}
