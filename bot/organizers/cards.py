"""Adaptive Cards of the organizers' desk: the overview, the export choice and the download link.

Cards follow bot/core/cards.py (version 1.5, a fallback text, an explicit action on every submit). Lists are cut to
the top few with "and N more", so the overview stays far below the Teams size limit however much comes in.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from bot.core.cards import card, heading, open_url, paragraph, submit
from bot.core.clock import DISPLAY_TZ
from bot.core.i18n import Catalog, format_clock, format_day, format_moment
from bot.offers import OfferOptions, euro
from bot.organizers.exports import DATASETS, FORMATS, Exporter, Link
from bot.sessions import MODES, SessionBook
from storage.organizers.reporting import Overview, RegistrationCount
from storage.registration.models import CANCELLED, CONFIRMED, WAITLISTED

ACTION_OVERVIEW = "organizer_desk.overview"
ACTION_EXPORT = "organizer_desk.export"
ACTION_QUESTIONS = "questions.list"  # owned by the forwarded-questions feature

TOP = 8  # rows per list on the overview
MAX_SESSIONS = 6
MAX_TITLE = 90  # characters of a question or name shown as a fact title


def _cut(text: str, limit: int = MAX_TITLE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _section(title: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True, "separator": True, "spacing": "Large"}


def _facts(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": _cut(title), "value": value} for title, value in pairs]}


class OrganizerCards:
    def __init__(self, catalog: Catalog, options: OfferOptions, book: SessionBook, exporter: Exporter):
        self._catalog = catalog
        self._options = options
        self._book = book
        self._exporter = exporter

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self._catalog.text(lang, key, **params)

    # --- the overview -------------------------------------------------------------------------------------
    def overview(self, lang: str, overview: Overview, *, now: datetime, link_minutes: int) -> dict[str, Any]:
        local = now.astimezone(DISPLAY_TZ)
        body: list[dict[str, Any]] = [
            heading(self.t(lang, "overview.title")),
            paragraph(self.t(lang, "overview.as_of", moment=format_moment(local, lang)), isSubtle=True),
        ]
        body += self._registrations(lang, overview.registrations)
        body += self._offers(lang, overview)
        body += self._contributions(lang, overview)
        body += [
            _section(self.t(lang, "overview.questions.title")),
            paragraph(self.t(lang, "overview.questions.open", count=overview.open_questions)),
            {"type": "ActionSet", "actions": [submit(self.t(lang, "overview.questions.button"), ACTION_QUESTIONS)]},
        ]
        body += self._feedback(lang, overview)
        del link_minutes  # the export is a card of its own (the button below, or the command "export")
        return card(
            body,
            fallback=self.t(lang, "overview.fallback"),
            actions=[
                submit(self.t(lang, "overview.refresh"), ACTION_OVERVIEW),
                submit(self.t(lang, "overview.export_button"), ACTION_EXPORT, style="positive"),
            ],
        )

    def _more(self, lang: str, hidden: int) -> list[dict[str, Any]]:
        return [paragraph(self.t(lang, "overview.more", count=hidden), isSubtle=True, spacing="Small")] if hidden > 0 else []

    def _registrations(self, lang: str, counts: tuple[RegistrationCount, ...]) -> list[dict[str, Any]]:
        blocks = [_section(self.t(lang, "overview.registrations.title"))]
        if not counts:
            return [*blocks, paragraph(self.t(lang, "overview.registrations.none"))]
        by_session: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
        for c in counts:
            by_session[c.session_id][(c.mode, c.status)] = c.count
        known = {s.id: s for s in self._book.sessions}
        # Sessions from sessions.yaml first (in date order), then ids no longer listed there.
        order = [s.id for s in self._book.sessions if s.id in by_session] + sorted(i for i in by_session if i not in known)
        for session_id in order[:MAX_SESSIONS]:
            session = known.get(session_id)
            numbers = by_session[session_id]
            title = session.title_for(lang) if session else self.t(lang, "overview.registrations.unknown_session", id=session_id)
            if session:
                title += f" ({format_day(session.local_start, lang)})"
            modes = session.modes if session else tuple(m for m in MODES if any(k[0] == m for k in numbers))
            facts = []
            for mode in modes:
                n = {status: numbers.get((mode, status), 0) for status in (CONFIRMED, WAITLISTED, CANCELLED)}
                capacity = session.capacity_for(mode) if session else None
                if capacity is not None:
                    value = self.t(lang, "overview.registrations.capacity", confirmed=n[CONFIRMED], capacity=capacity,
                                   waitlisted=n[WAITLISTED], cancelled=n[CANCELLED])
                else:
                    value = self.t(lang, "overview.registrations.counts", confirmed=n[CONFIRMED],
                                   waitlisted=n[WAITLISTED], cancelled=n[CANCELLED])
                facts.append((self._exporter.value_label(lang, "modes", mode), value))
            blocks += [paragraph(_cut(title, 160), weight="Bolder", spacing="Small"), _facts(facts)]
        return blocks + self._more(lang, len(order) - MAX_SESSIONS)

    def _offers(self, lang: str, overview: Overview) -> list[dict[str, Any]]:
        offers = overview.offers
        blocks = [_section(self.t(lang, "overview.offers.title"))]
        if offers.offers == 0:
            return [*blocks, paragraph(self.t(lang, "overview.offers.none"))]
        blocks.append(paragraph(self.t(lang, "overview.offers.total", offers=offers.offers, experts=offers.experts)))
        areas = dict(self._options.areas(lang))
        no_names: dict[str, str] = {}  # municipalities are shown as they were entered
        for key, tallies, names in (
            ("overview.offers.by_area", offers.by_area, areas),
            ("overview.offers.by_municipality", offers.by_municipality, no_names),
        ):
            blocks.append(paragraph(self.t(lang, key), weight="Bolder", spacing="Small"))
            blocks.append(
                _facts([
                    (names.get(tally.key, tally.key), self.t(lang, "overview.offers.tally", offers=tally.offers, experts=tally.experts))
                    for tally in tallies[:TOP]
                ])
            )
            blocks += self._more(lang, len(tallies) - TOP)
        return blocks

    def _contributions(self, lang: str, overview: Overview) -> list[dict[str, Any]]:
        summary = overview.contributions
        blocks = [_section(self.t(lang, "overview.contributions.title"))]
        if summary.intentions == 0:
            return [*blocks, paragraph(self.t(lang, "overview.contributions.none"))]
        blocks.append(paragraph(self.t(lang, "overview.contributions.total", count=summary.intentions, total=euro(summary.total_cents, lang))))
        without = summary.intentions - summary.with_amount
        if without:
            blocks.append(paragraph(self.t(lang, "overview.contributions.without_amount", count=without), isSubtle=True))
        return blocks

    def _feedback(self, lang: str, overview: Overview) -> list[dict[str, Any]]:
        blocks = [_section(self.t(lang, "overview.feedback.title"))]
        if not overview.feedback:
            return [*blocks, paragraph(self.t(lang, "overview.feedback.none"))]
        blocks.append(
            _facts([
                (self._exporter.question_of(lang, f.entry_id) or f.entry_id,
                 self.t(lang, "overview.feedback.counts", helpful=f.helpful, not_helpful=f.not_helpful))
                for f in overview.feedback[:TOP]
            ])
        )
        return blocks + self._more(lang, len(overview.feedback) - TOP)

    # --- exports ------------------------------------------------------------------------------------------
    def _export_inputs(self, lang: str, link_minutes: int, fmt: str | None = None) -> list[dict[str, Any]]:
        return [
            paragraph(self.t(lang, "export.intro", minutes=link_minutes)),
            {
                "type": "Input.ChoiceSet",
                "id": "dataset",
                "label": self.t(lang, "export.dataset_label"),
                "style": "compact",
                "value": DATASETS[0],
                "isRequired": True,
                "errorMessage": self.t(lang, "export.dataset_error"),
                "choices": [{"title": self._exporter.dataset_label(lang, d), "value": d} for d in DATASETS],
            },
            {
                "type": "Input.ChoiceSet",
                "id": "format",
                "label": self.t(lang, "export.format_label"),
                "style": "expanded",
                "value": fmt if fmt in FORMATS else FORMATS[0],
                "isRequired": True,
                "errorMessage": self.t(lang, "export.format_error"),
                "choices": [{"title": self._exporter.format_label(lang, f), "value": f} for f in FORMATS],
            },
            paragraph(self.t(lang, "export.typing"), isSubtle=True, spacing="Small"),
            {"type": "ActionSet", "actions": [submit(self.t(lang, "export.create"), ACTION_EXPORT)]},
        ]

    def export_choice(self, lang: str, *, link_minutes: int, note: str | None = None, fmt: str | None = None) -> dict[str, Any]:
        body = [heading(self.t(lang, "export.title"))]
        if note:
            body.append(paragraph(note))
        return card(body + self._export_inputs(lang, link_minutes, fmt), fallback=self.t(lang, "export.fallback"))

    def export_link(self, lang: str, *, dataset: str, fmt: str, link: Link, link_minutes: int) -> dict[str, Any]:
        until = format_clock(link.expires_at.astimezone(DISPLAY_TZ), lang)
        return card(
            [
                heading(self.t(lang, "export.link.title")),
                paragraph(self.t(lang, "export.link.body", dataset=self._exporter.dataset_label(lang, dataset),
                                 format=self._exporter.format_label(lang, fmt), time=until, minutes=link_minutes)),
                paragraph(self.t(lang, "export.link.careful"), isSubtle=True),
            ],
            fallback=self.t(lang, "export.link.fallback", minutes=link_minutes, url=link.url),
            actions=[open_url(self.t(lang, "export.link.open"), link.url)],
        )
