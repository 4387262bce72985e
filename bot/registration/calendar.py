"""A personal iCalendar (.ics, RFC 5545) file per registration, served at an unguessable URL.

`GET /calendar/{token}.ics`: the token is the registration's `calendar_token` (secrets.token_urlsafe(32));
unknown tokens and cancelled registrations get 404. The `icalendar` library writes the file (escaping,
folding at 75 octets, date formats); times carry TZID with a VTIMEZONE of the session's time zone
(Europe/Amsterdam) that lists the zone's real transitions.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.i18n import Catalog, language_for_locale, normalize_language
from bot.sessions import Session, SessionBook
from storage.registration.models import ACTIVE_STATUSES, CONFIRMED, Registration
from storage.registration.repository import Registrar

if TYPE_CHECKING:  # icalendar is imported when a calendar file is made, not at start-up
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

log = logging.getLogger(__name__)

PRODID = "-//VNG International//VNG Oekraine-assistent//NL"
CONTENT_TYPE = "text/calendar; charset=utf-8"
TOKEN_PATTERN = r"[A-Za-z0-9_-]{20,100}"


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


def vtimezone(tz: ZoneInfo, around: datetime) -> Timezone:
    """A VTIMEZONE with the zone's real transitions from the year before the event to its end of year, so
    every client knows the offset at the event (no RRULE guesses).

    Not icalendar's `Timezone.from_tzinfo`: it gives a DAYLIGHT onset in the new offset's wall time (03:00 for
    Amsterdam), where RFC 5545 wants the onset in TZOFFSETFROM's (02:00), an hour off for clients that use it.
    """
    year = around.astimezone(tz).year
    window_start = datetime(year - 1, 1, 1, tzinfo=UTC)
    window_end = datetime(year + 1, 1, 1, tzinfo=UTC)
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard  # noqa: PLC0415 - see the imports

    component = Timezone()
    component.add("tzid", tz.key)
    transitions = _transitions(tz, window_start, window_end)
    if not transitions:
        local = around.astimezone(tz)
        offset = local.utcoffset() or timedelta(0)
        onset = datetime(1970, 1, 1)  # noqa: DTZ001 - an observance's onset is a local time, written without zone
        component.add_component(_observance(TimezoneStandard(), onset, offset, offset, local.tzname() or tz.key))
    for instant in transitions:
        before = (instant - timedelta(minutes=1)).astimezone(tz)
        after = instant.astimezone(tz)
        offset_from, offset_to = before.utcoffset() or timedelta(0), after.utcoffset() or timedelta(0)
        onset = (instant + offset_from).replace(tzinfo=None)  # wall time in the old offset
        kind = TimezoneDaylight() if after.dst() else TimezoneStandard()
        component.add_component(_observance(kind, onset, offset_from, offset_to, after.tzname() or tz.key))
    return component


def _observance(
    kind: TimezoneStandard | TimezoneDaylight, onset: datetime, offset_from: timedelta, offset_to: timedelta, name: str
) -> TimezoneStandard | TimezoneDaylight:
    kind.add("dtstart", onset)
    kind.add("tzoffsetfrom", offset_from)
    kind.add("tzoffsetto", offset_to)
    kind.add("tzname", name)
    return kind


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
    from icalendar import Calendar, Event  # noqa: PLC0415 - see the imports

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", session.start.astimezone(tz))
    event.add("dtend", session.end.astimezone(tz))
    event.add("sequence", sequence)
    event.add("status", "CONFIRMED" if confirmed else "TENTATIVE")
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", location)
    if url:
        event.add("url", url)
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vtimezone(tz, session.start))
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


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
