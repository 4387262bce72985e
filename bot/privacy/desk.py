"""Privacy: the privacy statement (a card, and the web pages `/privacy` and `/terms`), 'my data' (one card with
everything stored about the user), 'delete my data' (dialogs/privacy/my_data.py; the work is done here and in
storage/privacy/personal_data.py), and the retention task that anonymizes registrations of past sessions.

- The statement is shown for the strict commands 'privacy' / 'privacyverklaring' / 'privacy statement' (also
  in the middle of a guided conversation, which then asks its question again) and the card action
  `privacy.show`. Its texts live in content/messages/*/privacy.yaml; the web pages use the same texts.
- 'My data' shows only the sender's own records, and only in a personal chat: asked in a group chat or a
  channel, the card goes to the user's personal chat (when the bot can reach them there) and nothing else.
- Erasing publishes `WaitlistMoved` (the registration feature tells the people who moved up, in the
  background) and `RecordWithdrawn` per active offer or intention (the offers feature tells the organizers'
  channel, without any personal data).
- Retention: every RETENTION_INTERVAL_SECONDS, registrations of sessions that ended more than
  RETENTION_DAYS_AFTER_SESSION days ago lose their personal data (storage/privacy/personal_data.py says what stays).
  Idempotent, so several instances may run it at once without claims.

Logs carry counts and kinds only, never names, addresses or message texts.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from aiohttp import web
from botbuilder.core import BotState, StatePropertyAccessor, TurnContext
from botbuilder.dialogs import DialogContext

from bot.core.background import TicksPeriodically
from bot.core.cards import ACTION_JOB_START, card, card_activity, heading, open_url, paragraph, submit
from bot.core.clock import DISPLAY_TZ, Clock
from bot.core.events import EventBus, RecordWithdrawn, WaitlistMoved
from bot.core.i18n import LANGUAGES, Catalog, format_day
from bot.core.profile import UserProfile
from bot.core.turn import lang_of, user_ids, user_key
from bot.nlu.commands import CommandWords
from bot.offers import euro
from bot.sessions import SessionBook
from storage.db import Database
from storage.offers.repository import ContributionView, OfferView
from storage.privacy.personal_data import Erasure, Person, PersonalData, PersonalRecords, RegistrationRecord

log = logging.getLogger(__name__)

ACTION_SHOW = "privacy.show"
STATEMENT_CHAPTERS = ("who", "what", "basis", "receivers", "retention", "rights")
TERMS_CHAPTERS = ("what", "answers", "use", "availability", "privacy", "contact")
AP_URL = "https://autoriteitpersoonsgegevens.nl"
MAX_CARD_BYTES = 19_000  # Teams refuses messages over about 28 KB; the house rule is 20 KB per card
MAX_ITEMS = 5  # per list on the 'my data' card, newest first
MAX_TEXT = 300  # characters of a long text (a question, a description) on the card


# --- the statement and the terms, as chapters (shared by the card and the web pages) --------------------------
@dataclass(frozen=True)
class Chapter:
    title: str
    paragraphs: tuple[str, ...]


def chapters(catalog: Catalog, lang: str, prefix: str, names: tuple[str, ...], *, contact_email: str, days: int) -> list[Chapter]:
    """The chapters under `prefix` in catalog order; a contact paragraph fits the configured contact."""
    found: list[Chapter] = []
    for name in names:
        texts = catalog.lines(lang, f"{prefix}.{name}")
        title = texts.pop("title")
        paragraphs = []
        for key in texts:
            if (key == "contact_email" and not contact_email) or (key == "contact_bot" and contact_email):
                continue
            paragraphs.append(catalog.text(lang, f"{prefix}.{name}.{key}", email=contact_email, days=days))
        found.append(Chapter(title, tuple(paragraphs)))
    return found


class Labels(Protocol):
    def area_labels(self, lang: str, areas: tuple[str, ...] | list[str], other: str | None) -> str: ...
    def language_labels(self, lang: str, codes: tuple[str, ...] | list[str]) -> str: ...
    def work_mode_label(self, lang: str, mode: str) -> str: ...


# --- cards -----------------------------------------------------------------------------------------------------
class PrivacyCards:
    def __init__(
        self,
        catalog: Catalog,
        *,
        book: SessionBook,
        offer_labels: Labels,
        entry_title: Callable[[str, str], str | None],
        contact_email: str,
        retention_days: int,
        statement_url: str,
    ):
        self._catalog = catalog
        self._book = book
        self._offer_labels = offer_labels
        self._entry_title = entry_title
        self.contact_email = contact_email
        self.retention_days = retention_days
        self._statement_url = statement_url

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self._catalog.text(lang, key, **params)

    # --- the statement ------------------------------------------------------------------------
    def statement_chapters(self, lang: str) -> list[Chapter]:
        return chapters(self._catalog, lang, "privacy.statement", STATEMENT_CHAPTERS,
                        contact_email=self.contact_email, days=self.retention_days)

    def notice(self, lang: str) -> dict[str, Any]:
        """The short notice (the first layer): what, why, how long, your rights; the full statement on request,
        in the chat or on the web page."""
        t = lambda key, **kw: self.t(lang, f"privacy.notice.{key}", **kw)  # noqa: E731
        lines = [t("what"), t("why"), t("how_long", days=self.retention_days), t("rights")]
        actions = [submit(t("full"), ACTION_SHOW, full=True)]
        if self._statement_url:
            actions.append(open_url(self.t(lang, "privacy.statement.buttons.online"), self._statement_url))
        actions += [
            submit(self.t(lang, "privacy.statement.buttons.my_data"), ACTION_JOB_START, job="my_data"),
            submit(self.t(lang, "privacy.statement.buttons.delete"), ACTION_JOB_START, job="delete_my_data"),
        ]
        return card([heading(t("title")), *(paragraph(line) for line in lines)], fallback=" ".join([t("title"), *lines]), actions=actions)

    def statement(self, lang: str) -> dict[str, Any]:
        """The full statement (the second layer), as on the web page."""
        body: list[dict[str, Any]] = [heading(self.t(lang, "privacy.statement.title")), paragraph(self.t(lang, "privacy.statement.intro"))]
        for chapter in self.statement_chapters(lang):
            body.append(paragraph(chapter.title, weight="Bolder", spacing="Medium"))
            body.extend(paragraph(text) for text in chapter.paragraphs)
        actions = [
            submit(self.t(lang, "privacy.statement.buttons.my_data"), ACTION_JOB_START, job="my_data"),
            submit(self.t(lang, "privacy.statement.buttons.delete"), ACTION_JOB_START, job="delete_my_data"),
        ]
        if self._statement_url:
            actions.append(open_url(self.t(lang, "privacy.statement.buttons.online"), self._statement_url))
        return card(body, fallback=self.t(lang, "privacy.statement.fallback"), actions=actions)

    # --- 'my data' ----------------------------------------------------------------------------
    def my_data(self, lang: str, records: PersonalRecords, *, language: str | None) -> dict[str, Any]:
        """Everything in `records`, newest first; long lists and texts are cut so the card stays small."""
        limit, text_limit = MAX_ITEMS, MAX_TEXT
        while True:
            payload = self._my_data(lang, records, language=language, limit=limit, text_limit=text_limit)
            if _size(payload) <= MAX_CARD_BYTES or (limit == 1 and text_limit <= 60):
                return payload
            if limit > 1:
                limit -= 1
            else:
                text_limit //= 2

    def _my_data(self, lang: str, records: PersonalRecords, *, language: str | None, limit: int, text_limit: int) -> dict[str, Any]:
        t = lambda key, **p: self.t(lang, key, **p)  # noqa: E731
        short = lambda text: self._short(lang, text, text_limit)  # noqa: E731
        body: list[dict[str, Any]] = [heading(t("my_data.title")), paragraph(t("my_data.intro"))]

        # Registrations and 'tell me about the next session'.
        blocks = [self._registration_facts(lang, r) for r in records.registrations[:limit]]
        extra = [paragraph(t("my_data.registrations.next_session"))] if records.asked_for_next_session else []
        body += self._section(lang, "my_data.registrations.title", len(records.registrations), blocks, extra=extra)

        blocks = [self._offer_facts(lang, o, short) for o in records.offers[:limit]]
        body += self._section(lang, "my_data.offers.title", len(records.offers), blocks)

        blocks = [self._contribution_facts(lang, c, short) for c in records.contributions[:limit]]
        body += self._section(lang, "my_data.contributions.title", len(records.contributions), blocks)

        blocks = []
        for q in records.questions[:limit]:
            status = {"open": "my_data.questions.open", "answered": "my_data.questions.answered"}.get(q.status, "my_data.questions.closed")
            blocks.append(
                [
                    (t("my_data.questions.asked"), self._day(lang, q.created_at)),
                    (t("my_data.questions.question"), short(q.question)),
                    (t("my_data.questions.status"), t(status)),
                    (t("my_data.questions.answer"), short(q.answer or "")),
                ]
            )
        body += self._section(lang, "my_data.questions.title", len(records.questions), blocks)

        feedback = records.feedback
        if feedback:
            helpful = sum(1 for f in feedback if f.helpful)
            lines = [paragraph(t("my_data.feedback.summary", helpful=helpful, unhelpful=len(feedback) - helpful))]
            blocks = [
                [(t("my_data.feedback.helpful" if f.helpful else "my_data.feedback.unhelpful"), self._entry_title(f.entry_id, lang) or f.entry_id)]
                for f in feedback[:limit]
            ]
            body += self._section(lang, "my_data.feedback.title", len(feedback), blocks, extra=lines, extra_first=True)
        else:
            body += self._section(lang, "my_data.feedback.title", 0, [])

        technical = [
            (t("my_data.technical.language"), t(f"my_data.technical.language_{language}") if language in LANGUAGES else t("my_data.technical.language_auto")),
            (t("my_data.technical.reference"), t("my_data.technical.reference_yes" if records.has_personal_reference else "my_data.technical.reference_no")),
        ]
        if records.audit_entries:
            technical.append((t("my_data.technical.audit"), t("my_data.technical.audit_count", count=records.audit_entries)))
        body += [paragraph(t("my_data.technical.title"), weight="Bolder", spacing="Medium", separator=True), _facts(technical)]

        fallback = t(
            "my_data.fallback",
            registrations=len(records.registrations),
            offers=len(records.offers),
            contributions=len(records.contributions),
            questions=len(records.questions),
            feedback=len(records.feedback),
        )
        actions = [
            submit(t("my_data.buttons.delete"), ACTION_JOB_START, job="delete_my_data"),
            submit(t("my_data.buttons.privacy"), ACTION_SHOW),
        ]
        return card(body, fallback=fallback, actions=actions)

    def _section(
        self, lang: str, title_key: str, count: int, blocks: list[list[tuple[str, str]]], *,
        extra: list[dict[str, Any]] | None = None, extra_first: bool = False,
    ) -> list[dict[str, Any]]:
        part: list[dict[str, Any]] = [paragraph(self.t(lang, title_key, count=count), weight="Bolder", spacing="Medium", separator=True)]
        if extra_first and extra:
            part += extra
        if count == 0 and not extra:
            part.append(paragraph(self.t(lang, "my_data.nothing"), isSubtle=True))
        if count > len(blocks) and blocks:
            part.append(paragraph(self.t(lang, "my_data.newest", shown=len(blocks), count=count), isSubtle=True))
        part += [_facts(block) for block in blocks]
        if extra and not extra_first:
            part += extra
        return part

    def _registration_facts(self, lang: str, r: RegistrationRecord) -> list[tuple[str, str]]:
        t = lambda key: self.t(lang, key)  # noqa: E731
        session = self._book.get(r.session_id)
        label = f"{session.title_for(lang)}, {format_day(session.local_start, lang)}" if session else r.session_id
        mode_key, status_key = f"my_data.modes.{r.mode}", f"my_data.statuses.{r.status}"
        return [
            (t("my_data.registrations.session"), label),
            (t("my_data.registrations.mode"), t(mode_key) if self._catalog.has(mode_key, lang) else r.mode),
            (t("my_data.registrations.status"), t(status_key) if self._catalog.has(status_key, lang) else r.status),
            (t("my_data.registrations.name"), r.name),
            (t("my_data.registrations.email"), r.email),
            (t("my_data.registrations.municipality"), r.municipality),
            (t("my_data.registrations.role"), r.role),
            (t("my_data.registrations.accessibility"), r.accessibility),
            (t("my_data.registrations.dietary"), r.dietary),
            (t("my_data.registrations.created"), self._day(lang, r.created_at)),
        ]

    def _offer_facts(self, lang: str, o: OfferView, short: Callable[[str], str]) -> list[tuple[str, str]]:
        t = lambda key: self.t(lang, key)  # noqa: E731
        labels = self._offer_labels
        return [
            (t("my_data.offers.municipality"), o.municipality),
            (t("my_data.offers.status"), self._item_status(lang, o.status)),
            (t("my_data.offers.name"), o.contact_name or ""),
            (t("my_data.offers.email"), o.contact_email or ""),
            (t("my_data.offers.phone"), o.contact_phone or ""),
            (t("my_data.offers.areas"), short(labels.area_labels(lang, o.areas, o.other_area))),
            (t("my_data.offers.experts"), str(o.expert_count)),
            (t("my_data.offers.description"), short(o.description)),
            (t("my_data.offers.availability"), short(o.availability)),
            (t("my_data.offers.languages"), labels.language_labels(lang, o.working_languages)),
            (t("my_data.offers.work_mode"), labels.work_mode_label(lang, o.work_mode)),
            (t("my_data.offers.created"), self._day(lang, o.created_at)),
        ]

    def _contribution_facts(self, lang: str, c: ContributionView, short: Callable[[str], str]) -> list[tuple[str, str]]:
        t = lambda key: self.t(lang, key)  # noqa: E731
        return [
            (t("my_data.contributions.municipality"), c.municipality),
            (t("my_data.contributions.status"), self._item_status(lang, c.status)),
            (t("my_data.contributions.name"), c.contact_name or ""),
            (t("my_data.contributions.email"), c.contact_email or ""),
            (t("my_data.contributions.amount"), euro(c.amount_cents, lang) if c.amount_cents else t("my_data.contributions.no_amount")),
            (t("my_data.contributions.remarks"), short(c.remarks or "")),
            (t("my_data.contributions.created"), self._day(lang, c.created_at)),
        ]

    def _item_status(self, lang: str, status: str) -> str:
        key = f"my_data.item_statuses.{status}"
        return self.t(lang, key) if self._catalog.has(key, lang) else status

    def _short(self, lang: str, text: str, limit: int) -> str:
        text = " ".join(text.split())
        if len(text) <= limit:
            return text
        return self.t(lang, "my_data.shortened", text=text[: max(limit - 1, 1)].rstrip() + "…")

    @staticmethod
    def _day(lang: str, moment: datetime) -> str:
        return format_day(moment.astimezone(DISPLAY_TZ), lang)

    # --- 'delete my data' ---------------------------------------------------------------------
    def delete_question(self, lang: str, *, registered: bool, action: str) -> dict[str, Any]:
        t = lambda key: self.t(lang, key)  # noqa: E731
        body = [heading(t("delete_my_data.question.title")), paragraph(t("delete_my_data.question.body"))]
        if registered:
            body.append(paragraph(t("delete_my_data.question.registered"), weight="Bolder"))
        body.append(paragraph(t("delete_my_data.question.final")))
        return card(
            body,
            fallback=t("delete_my_data.question.fallback"),
            actions=[
                submit(t("delete_my_data.question.yes"), action, answer="yes"),
                submit(t("delete_my_data.question.no"), action, answer="no"),
            ],
        )

    def erased(self, lang: str, erasure: Erasure) -> str:
        """What was done, per kind (kinds with nothing erased are left out)."""
        lines = [self.t(lang, "delete_my_data.done.intro")]
        counts = (
            ("registrations", erasure.registrations),
            ("offers", erasure.offers),
            ("contributions", erasure.contributions),
            ("questions", erasure.questions),
            ("feedback", erasure.feedback),
        )
        lines += [f"- {self.t(lang, f'delete_my_data.done.{kind}', count=count)}" for kind, count in counts if count]
        if erasure.next_session_requests:
            lines.append(f"- {self.t(lang, 'delete_my_data.done.next_session_requests')}")
        if not erasure.records:
            lines.append(self.t(lang, "delete_my_data.done.nothing"))
        lines.append(self.t(lang, "delete_my_data.done.technical"))
        return "\n\n".join(lines)


def _facts(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs if value]}


def _size(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))


# --- web pages -------------------------------------------------------------------------------------------------
_CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;line-height:1.5;max-width:44rem;"
    "margin:2rem auto;padding:0 1rem;color:#1b1b1b}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:1.6rem}"
    "article+article{margin-top:3rem;border-top:1px solid #ccc;padding-top:1rem}a{color:#0b5394}"
)


def render_page(
    catalog: Catalog, *, kind: str, lang: str, contact_email: str, days: int
) -> str:
    """The privacy statement (`kind` "statement") or the terms ("terms") as one HTML page: first in `lang`,
    then in the other language. Every text is escaped."""
    prefix, names = ("privacy.statement", STATEMENT_CHAPTERS) if kind == "statement" else ("privacy.terms", TERMS_CHAPTERS)
    order = [lang] + [other for other in LANGUAGES if other != lang]
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(catalog.text(lang, f'{prefix}.title'))}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    for other in order[1:]:
        parts.append(f'<p><a href="#{other}" hreflang="{other}" lang="{other}">{esc(catalog.text(other, "privacy.page.read_here"))}</a></p>')
    for code in order:
        parts.append(f'<article id="{code}" lang="{code}">')
        parts.append(f"<h1>{esc(catalog.text(code, f'{prefix}.title'))}</h1>")
        parts.append(f"<p>{esc(catalog.text(code, f'{prefix}.intro'))}</p>")
        for chapter in chapters(catalog, code, prefix, names, contact_email=contact_email, days=days):
            parts.append("<section>")
            parts.append(f"<h2>{esc(chapter.title)}</h2>")
            parts.extend(f"<p>{_linked(text, contact_email)}</p>" for text in chapter.paragraphs)
            parts.append("</section>")
        parts.append(
            f'<p><a href="/privacy?lang={code}">{esc(catalog.text(code, "privacy.page.privacy_link"))}</a> · '
            f'<a href="/terms?lang={code}">{esc(catalog.text(code, "privacy.page.terms_link"))}</a></p>'
        )
        parts.append("</article>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _linked(text: str, contact_email: str) -> str:
    """Escaped text, with the contact address and the Autoriteit Persoonsgegevens as links."""
    escaped = html.escape(text)
    if contact_email:
        address = html.escape(contact_email)
        escaped = escaped.replace(address, f'<a href="mailto:{html.escape(contact_email, quote=True)}">{address}</a>')
    domain = AP_URL.removeprefix("https://")
    return escaped.replace(domain, f'<a href="{AP_URL}">{domain}</a>')


def page_handler(catalog: Catalog, *, kind: str, contact_email: str, days: int):
    async def page(request: web.Request) -> web.Response:
        lang = request.query.get("lang", "")
        lang = lang if lang in LANGUAGES else "nl"
        text = render_page(catalog, kind=kind, lang=lang, contact_email=contact_email, days=days)
        return web.Response(
            text=text,
            content_type="text/html",
            charset="utf-8",
            headers={
                "Content-Language": lang,
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "public, max-age=3600",
            },
        )

    return page


# --- retention -------------------------------------------------------------------------------------------------
class RetentionScheduler(TicksPeriodically):
    """Anonymizes registrations of sessions that ended more than `days` ago; `tick()` once, or every
    `interval` seconds from `start()` (0: no loop)."""
    TICK_NAME = "retention"

    def __init__(self, *, personal_data: PersonalData, book: SessionBook, clock: Clock, days: int, interval: float):
        self._data = personal_data
        self._book = book
        self._clock = clock
        self._window = timedelta(days=days)
        self._interval = interval
        self._task: asyncio.Task | None = None

    async def tick(self) -> int:
        now = self._clock.now()
        ended = [s.id for s in self._book.sessions if s.end + self._window < now]
        count = await self._data.anonymize_registrations(
            ended_sessions=ended,
            known_sessions=[s.id for s in self._book.sessions],
            stale_before=now - self._window,
            now=now,
        )
        if count:
            log.info("retention: anonymized %d registration(s) of past sessions", count)
        return count



# --- the desk: what the commands, the job and the dialog call ----------------------------------------------------
class PrivacyDesk:
    def __init__(
        self,
        *,
        catalog: Catalog,
        cards: PrivacyCards,
        personal_data: PersonalData,
        db: Database,
        clock: Clock,
        book: SessionBook,
        profile: StatePropertyAccessor,
        states: tuple[BotState, ...],
        is_registered: Callable[[str], Awaitable[bool]],
        events: EventBus,
        retention: RetentionScheduler,
    ):
        self._catalog = catalog
        self.cards = cards
        self.personal_data = personal_data
        self._db = db
        self._clock = clock
        self._book = book
        self._profile = profile
        self._states = states
        self._is_registered = is_registered
        self._events = events
        self.retention = retention
        self._words = CommandWords.from_catalog(catalog, {True: "privacy.command_words"}, LANGUAGES)

    @staticmethod
    def person(turn_context: TurnContext) -> Person:
        activity = turn_context.activity
        channel_user, aad_object_id = user_ids(activity)
        return Person(user_key=user_key(activity), aad_object_id=aad_object_id, channel_id=activity.channel_id or "", channel_user_id=channel_user)

    # --- the statement ------------------------------------------------------------------------
    def matches(self, _turn_context: TurnContext, text: str) -> bool:
        return text in self._words

    async def show_statement(self, dc: DialogContext, value: dict[str, Any] | None = None) -> None:
        """The short notice, or the full statement when asked for (its button); a guided conversation under way
        then asks its question again."""
        lang = lang_of(dc.context)
        full = isinstance(value, dict) and value.get("full") is True
        await dc.context.send_activity(card_activity(self.cards.statement(lang) if full else self.cards.notice(lang)))
        if dc.active_dialog is not None:
            await dc.reprompt_dialog()

    # --- 'my data' ----------------------------------------------------------------------------
    async def show_my_data(self, dc: DialogContext) -> None:
        """The user's own records on one card. A personal job: asked for in a channel or group chat, the router
        moves it to a personal chat (bot/core/personal_chat.py) and nothing is shown here."""
        context = dc.context
        lang = lang_of(context)
        records = await self.personal_data.collect(self.person(context))
        profile: UserProfile = await self._profile.get(context, UserProfile)
        await context.send_activity(card_activity(self.cards.my_data(lang, records, language=profile.language)))

    # --- 'delete my data' ---------------------------------------------------------------------
    async def is_registered(self, turn_context: TurnContext) -> bool:
        return await self._is_registered(user_key(turn_context.activity))

    async def erase(self, turn_context: TurnContext) -> Erasure:
        """Erase everything about the sender (storage/privacy/personal_data.py), including this turn's bot state (else
        the end of the turn would write it back); then publish who moved up and what was withdrawn."""
        capacities = {s.id: dict(s.capacity) for s in self._book.sessions}
        erasure = await self.personal_data.erase(self.person(turn_context), capacities, now=self._clock.now())
        for state in self._states:
            if state.get_cached_state(turn_context) is not None:
                await state.delete(turn_context)
        if erasure.promoted:
            await self._events.publish(WaitlistMoved(erasure.promoted))
        for item in erasure.withdrawn:
            await self._events.publish(RecordWithdrawn(item))
        log.info(
            "erased a user's data: %d registration(s), %d offer(s), %d intention(s), %d question(s), %d feedback, "
            "%d reference(s), %d state record(s); %d promoted",
            erasure.registrations, erasure.offers, erasure.contributions, erasure.questions, erasure.feedback,
            erasure.references, erasure.state_records, len(erasure.promoted),
        )
        return erasure
