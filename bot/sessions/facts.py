"""Facts that change (session date, venue, join link, donation details), localized for answer texts.

Answers in `content/knowledge/` name these facts as `{placeholders}`; an organizer changes a fact in one
place (sessions.yaml or the settings) and every answer follows. What is not configured is never invented:
the catalog says it will follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.config import Settings
from bot.core.i18n import Catalog, format_clock, format_day
from storage.sessions.schedule import Session, featured_session

FUND_NAME = "VNG Fonds voor Noodhulp, Wederopbouw en Vredesbevordering"


def session_facts(catalog: Catalog, session: Session | None, lang: str) -> dict[str, str]:
    if session is None:
        unknown = catalog.text(lang, "facts.no_session")
        return dict.fromkeys(("session_date", "session_start", "session_end", "session_city", "session_venue", "session_join"), unknown)
    start, end = session.start.astimezone(session.timezone), session.end.astimezone(session.timezone)
    venue = session.venue_address or catalog.text(lang, "facts.venue_unknown")
    join = (
        catalog.text(lang, "facts.join_link", url=session.join_url)
        if session.join_url
        else catalog.text(lang, "facts.join_after_registration")
    )
    return {
        "session_date": format_day(start, lang),
        "session_start": format_clock(start, lang),
        "session_end": format_clock(end, lang),
        "session_city": session.city.get(lang) or session.city.get("nl", ""),
        "session_venue": venue,
        "session_join": join,
    }


def answer_facts(catalog: Catalog, settings: Settings, sessions: Sequence[Session], lang: str, now: datetime) -> dict[str, str]:
    facts = session_facts(catalog, featured_session(sessions, now), lang)
    donation = settings.donation_details_en if lang == "en" else settings.donation_details_nl
    facts["donation_details"] = donation.strip() or catalog.text(lang, "facts.donation_unknown")
    facts["fund_name"] = FUND_NAME
    return facts
