"""Facts that change (session date, venue, join link, donation details), localized for answer texts.

Answers in `content/knowledge/` name these facts as `{placeholders}`; an organizer changes a fact in one
place (sessions.yaml or the settings) and every answer follows. What is not configured is never invented:
the catalog says it will follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field

from bot.core.config import Settings
from bot.core.content import ContentError, ContentModel, load
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


# --- the fact base: content/facts.yaml ---------------------------------------------------------------------

Words = tuple[str, ...]


class _Initiative(ContentModel):
    organiser: dict[str, str]
    partner: dict[str, str]
    funder: dict[str, str]
    programme: dict[str, str]
    fund: dict[str, str]


class _Words(ContentModel):
    weekdays: dict[str, Words]
    months: dict[str, Words]
    funder: Words
    other_payers: Words
    session_city: Words
    not_places: Words
    only_online: Words
    only_in_person: Words
    paying: Words = ()
    paid_for: Words = ()
    follow_openers: Words
    # Words before a date that name the session by it rather than claim it ("de bijeenkomst van 4 oktober").
    names_date: Words = ()
    refer_back: Words
    purpose: Words
    # Parts of the day as people name them in a claim ("'s ochtends", "in the afternoon"): morning ends at
    # 12:00, afternoon at 18:00.
    day_parts: dict[Literal["morning", "afternoon", "evening"], Words] = Field(default_factory=dict)


Configured = Literal["venue_address", "join_url", "donation_details"]


class Unknown(ContentModel):
    """A question the data cannot answer yet: every group of `all` must be met by one of its words, and no
    word of `except_` may occur. `unless`: a fact organizers may configure (the venue address, the join
    link, the donation details); once it is set, the question is no longer unknown and the FAQ answers it."""

    id: str
    all: tuple[Words, ...]
    except_: Words = Field(default=(), alias="except")
    unless: Configured | None = None
    about: dict[str, str]


class OffTopic(ContentModel):
    """A kind of question the assistant never answers, though it shares words with the initiative (what a
    ministry does in general, how to plan a Teams meeting, the weather, the news of the war): every group
    of `all` met by one of its words and no word of `except_`. It gets no answer (the organizers are offered)."""

    id: str
    all: tuple[Words, ...]
    except_: Words = Field(default=(), alias="except")


class TaskQuestions(ContentModel):
    """A question about a task rather than a request to start it: it opens with one of `opens` ("hoe meld ik
    me aan", "how do I sign up") or asks with one of `still` whether it can still be done ("kan ik me nog
    aanmelden?"). It is answered with the entry that explains the task (`task_answers`)."""

    opens: Words = ()
    still: Words = ()


class QuestionType(ContentModel):
    """A kind of question about the initiative (why, what for): every group of `all` met by one of its
    words and no word of `except_` there. It is answered by the entry of `answers` the question is most
    like, or by `default` when it shares no word with any of them."""

    id: str
    all: tuple[Words, ...]
    except_: Words = Field(default=(), alias="except")
    answers: Words
    default: str


class FactBase(ContentModel):
    """content/facts.yaml: the initiative's facts and the words people use to ask about them."""

    initiative: _Initiative
    words: _Words
    derived: dict[str, tuple[Words, ...]]
    derived_except: dict[str, Words] = Field(default_factory=dict)
    session_words: Words
    unknowns: tuple[Unknown, ...]
    asked: dict[str, tuple[Words, ...]]
    purpose_of: dict[str, str]
    task_answers: dict[str, str]
    aspects: dict[str, Words]
    question_types: tuple[QuestionType, ...] = ()
    off_topic: tuple[OffTopic, ...] = ()
    task_questions: TaskQuestions = Field(default_factory=TaskQuestions)
    # The words a topic lends a short follow-up about it ("what's its full name?" after donating: the fund's).
    topic_words: dict[str, Words] = Field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> FactBase:
        base = load(cls, path)
        problems = [f"initiative.{name}: needs nl and en" for name, value in base.initiative if set(value) != {"nl", "en"}]
        problems += [f"unknowns ({u.id}).about: needs nl and en" for u in base.unknowns if set(u.about) != {"nl", "en"}]
        if base.initiative.fund["nl"] != FUND_NAME:
            problems.append("initiative.fund: must be the fund's name the answers use")
        problems += [f"question_types ({t.id}).default: must be one of its answers" for t in base.question_types
                     if t.default not in t.answers]
        if "default" not in base.purpose_of:
            problems.append("purpose_of: needs a default")
        if problems:
            raise ContentError(path, problems)
        return base

    def initiative_facts(self, lang: str) -> dict[str, str]:
        return {name: value.get(lang) or value["nl"] for name, value in self.initiative}


Tense = Literal["past", "now", "coming"]


def tense_of(session: Session, now: datetime) -> Tense:
    """Whether the session is over, going on, or still to come at `now`."""
    if now >= session.end:
        return "past"
    return "now" if now >= session.start else "coming"


def duration_parts(session: Session) -> tuple[int, int]:
    """The session's length in whole hours and remaining minutes."""
    minutes = int((session.end - session.start).total_seconds() // 60)
    return minutes // 60, minutes % 60
