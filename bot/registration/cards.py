"""Adaptive Cards (1.5) of the session registration: privacy notice, confirmation, waitlist offer, overview
('my registration'), reminders, promotion, closed registration. Texts come from the catalog
(`registration.*`, `my_registration.*`); every submit names its action.

Actions on these cards:
- `job.start` (router): register / my_registration;
- `my_registration.choose` with `choice`: handled by the 'my registration' dialog (it starts when needed);
- `my_registration.confirm` with `answer` yes/no: the cancellation question;
- `registration.notify`, `registration.keep`: handled by the registration feature (bot/registration/desk.py).
"""

from __future__ import annotations

from typing import Any

from bot.core.cards import ACTION_JOB_START, buttons, card, heading, open_url, paragraph, submit
from bot.core.i18n import Catalog, format_clock, format_day
from bot.sessions import Session
from dialogs.registration.my_registration import ACTION_CHOOSE, Listed, RegistrationLike, switch_choice

ACTION_CONFIRM_CANCEL = "my_registration.confirm"
ACTION_NOTIFY = "registration.notify"
ACTION_KEEP = "registration.keep"


class RegistrationCards:
    def __init__(self, catalog: Catalog, *, public_base_url: str, privacy_url: str = "", contact_email: str = ""):
        self._catalog = catalog
        self._base = public_base_url.rstrip("/")
        self._privacy_url = privacy_url
        self._contact_email = contact_email

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self._catalog.text(lang, key, **params)

    # --- building blocks ----------------------------------------------------------------------
    def mode_label(self, lang: str, mode: str, session: Session | None = None, *, city: str | None = None) -> str:
        if mode == "in_person":
            place = city if city is not None else (session.city_for(lang) if session else "")
            return self.t(lang, "registration.modes.in_person", city=place) if place else self.t(lang, "registration.modes.in_person_any")
        return self.t(lang, "registration.modes.online")

    def session_label(self, lang: str, session: Session) -> str:
        return self.t(lang, "registration.session_option", title=session.title_for(lang), date=format_day(session.local_start, lang))

    def time_range(self, lang: str, session: Session) -> str:
        return self.t(
            lang, "registration.time_range", start=format_clock(session.local_start, lang), end=format_clock(session.local_end, lang)
        )

    def calendar_url(self, registration: RegistrationLike) -> str:
        return f"{self._base}/calendar/{registration.calendar_token}.ics"

    def _facts(self, lang: str, item: Listed) -> list[dict[str, str]]:
        reg, session = item.registration, item.session
        facts = [
            (self.t(lang, "registration.facts.session"), session.title_for(lang)),
            (self.t(lang, "registration.facts.date"), format_day(session.local_start, lang)),
            (self.t(lang, "registration.facts.time"), self.time_range(lang, session)),
            (self.t(lang, "registration.facts.mode"), self.mode_label(lang, reg.mode, session)),
        ]
        if reg.mode == "in_person":
            venue = session.venue_address or self.t(lang, "registration.venue_unknown", city=session.city_for(lang))
            facts.append((self.t(lang, "registration.facts.venue"), venue))
        else:
            join = "registration.join_ready" if session.join_url else "registration.join_follows"
            facts.append((self.t(lang, "registration.facts.online"), self.t(lang, join)))
        status = (
            self.t(lang, "registration.status_confirmed")
            if reg.status == "confirmed"
            else self.t(lang, "registration.status_waitlisted", position=item.position or 1)
        )
        facts.append((self.t(lang, "registration.facts.status"), status))
        return [{"type": "Fact", "title": title, "value": value} for title, value in facts]

    def _links(self, lang: str, item: Listed) -> list[dict[str, Any]]:
        """Join button (online, when a link is configured) and the calendar file (confirmed seats)."""
        links: list[dict[str, Any]] = []
        reg, session = item.registration, item.session
        if reg.status != "confirmed":
            return links
        if reg.mode == "online" and session.join_url:
            links.append(open_url(self.t(lang, "registration.buttons.join"), session.join_url))
        links.append(open_url(self.t(lang, "registration.buttons.calendar"), self.calendar_url(reg)))
        return links

    def _manage(self, lang: str) -> dict[str, Any]:
        return submit(self.t(lang, "registration.buttons.manage"), ACTION_JOB_START, job="my_registration")

    def _fallback(self, lang: str, title: str, item: Listed, *extra: str) -> str:
        session = item.session
        first = self.t(
            lang,
            "registration.card_fallback",
            title=title,
            session=session.title_for(lang),
            date=format_day(session.local_start, lang),
            time=self.time_range(lang, session),
            mode=self.mode_label(lang, item.registration.mode, session),
        )
        return " ".join([first, *extra])

    def _registration_card(
        self, lang: str, item: Listed, *, title: str, lines: list[str], actions: list[dict[str, Any]]
    ) -> dict[str, Any]:
        body = [heading(title), *(paragraph(line) for line in lines), {"type": "FactSet", "facts": self._facts(lang, item)}]
        return card(body, fallback=self._fallback(lang, title, item, *lines), actions=actions)

    # --- cards --------------------------------------------------------------------------------
    def privacy(self, lang: str) -> dict[str, Any]:
        title = self.t(lang, "registration.privacy.title")
        contact = (
            self.t(lang, "registration.privacy.contact_email", email=self._contact_email)
            if self._contact_email
            else self.t(lang, "registration.privacy.contact_bot")
        )
        lines = [self.t(lang, "registration.privacy.body"), self.t(lang, "registration.privacy.rights"), contact]
        actions = [open_url(self.t(lang, "registration.privacy.link"), self._privacy_url)] if self._privacy_url else None
        return card([heading(title), *(paragraph(line, isSubtle=True) for line in lines)], fallback=" ".join([title, *lines]), actions=actions)

    def confirmation(self, lang: str, item: Listed, *, existing: bool = False, free_mode: str | None = None) -> dict[str, Any]:
        """After the form: registered, already registered, or on the waitlist (with the other mode offered)."""
        reg, session = item.registration, item.session
        if existing:
            title, lines = self.t(lang, "registration.existing.title"), [self.t(lang, "registration.existing.intro")]
        elif reg.status == "confirmed":
            title, lines = self.t(lang, "registration.confirmed.title"), [self.t(lang, "registration.confirmed.intro")]
        else:
            mode = self.mode_label(lang, reg.mode, session)
            title = self.t(lang, "registration.waitlisted.title")
            lines = [self.t(lang, "registration.waitlisted.intro", mode=mode, position=item.position or 1)]
        actions = self._links(lang, item)
        if reg.status == "waitlisted" and not existing:
            if free_mode is not None:
                other = self.mode_label(lang, free_mode, session)
                lines.append(self.t(lang, "registration.waitlisted.other_mode", mode=other))
                actions.append(submit(self.t(lang, "registration.buttons.switch", mode=other), ACTION_CHOOSE, choice=switch_choice(session.id, free_mode)))
            actions.append(submit(self.t(lang, "registration.buttons.keep_waitlist"), ACTION_KEEP))
        actions.append(self._manage(lang))
        return self._registration_card(lang, item, title=title, lines=lines, actions=actions)

    def promoted(self, lang: str, item: Listed) -> dict[str, Any]:
        title = self.t(lang, "registration.promoted.title")
        return self._registration_card(
            lang, item, title=title, lines=[self.t(lang, "registration.promoted.intro")], actions=[*self._links(lang, item), self._manage(lang)]
        )

    def reminder(self, lang: str, item: Listed) -> dict[str, Any]:
        session = item.session
        title = self.t(lang, "registration.reminder.title", title=session.title_for(lang))
        lines = [
            self.t(lang, "registration.reminder.intro", date=format_day(session.local_start, lang), start=format_clock(session.local_start, lang)),
            self.t(lang, "registration.reminder.in_person" if item.registration.mode == "in_person" else "registration.reminder.online"),
        ]
        if item.registration.mode == "online" and not session.join_url:
            lines.append(self.t(lang, "registration.join_follows"))
        lines.append(self.t(lang, "registration.reminder.cancel_hint"))
        return self._registration_card(lang, item, title=title, lines=lines, actions=[*self._links(lang, item), self._manage(lang)])

    def overview(self, lang: str, items: list[Listed], options: list[tuple[str, str]]) -> dict[str, Any]:
        """'My registration': every active registration, then the choices (buttons, or type the number)."""
        title = self.t(lang, "my_registration.title")
        body: list[dict[str, Any]] = [heading(title)]
        links: list[dict[str, Any]] = []
        for item in items:
            body.append({"type": "FactSet", "facts": self._facts(lang, item), "separator": len(body) > 1})
            links.extend(self._links(lang, item))
        choose = self.t(lang, "my_registration.choose")
        listing = "\n".join(f"{i}. {label}" for i, (_, label) in enumerate(options, start=1))
        body.append(paragraph(choose, weight="Bolder", spacing="Medium"))
        body.extend(buttons([submit(label, ACTION_CHOOSE, choice=value) for value, label in options]))
        fallback = " ".join(self._fallback(lang, title, item) for item in items)
        return card(body, fallback=f"{fallback}\n{choose}\n{listing}", actions=links or None)

    def cancel_question(self, lang: str, session: Session) -> dict[str, Any]:
        text = self.t(lang, "my_registration.cancel_question", date=format_day(session.local_start, lang))
        return card(
            [heading(text)],
            fallback=text,
            actions=[
                submit(self.t(lang, "my_registration.cancel_yes"), ACTION_CONFIRM_CANCEL, style="destructive", answer="yes"),
                submit(self.t(lang, "my_registration.cancel_no"), ACTION_CONFIRM_CANCEL, answer="no"),
            ],
        )

    def closed(self, lang: str, *, session_closed: bool, others_open: bool) -> dict[str, Any]:
        """Registration is closed: register for another open session, or ask to hear about the next one."""
        title = self.t(lang, "registration.closed.title")
        lines = [self.t(lang, "registration.closed.session_closed" if session_closed else "registration.closed.none_open")]
        if others_open:
            lines.append(self.t(lang, "registration.closed.other_open"))
            actions = [submit(self.t(lang, "registration.buttons.register"), ACTION_JOB_START, job="register")]
        else:
            lines.append(self.t(lang, "registration.closed.notify_offer"))
            actions = [submit(self.t(lang, "registration.buttons.notify"), ACTION_NOTIFY)]
        return card([heading(title), *(paragraph(line) for line in lines)], fallback=" ".join([title, *lines]), actions=actions)

    def not_registered(self, lang: str, *, can_register: bool) -> dict[str, Any]:
        lines = [self.t(lang, "my_registration.none")]
        actions = None
        if can_register:
            lines.append(self.t(lang, "my_registration.none_register"))
            actions = [submit(self.t(lang, "registration.buttons.register"), ACTION_JOB_START, job="register")]
        return card([paragraph(line) for line in lines], fallback=" ".join(lines), actions=actions)

    def new_session(self, lang: str, session: Session) -> dict[str, Any]:
        title = self.t(lang, "registration.new_session.title")
        intro = self.t(lang, "registration.new_session.intro")
        facts = [
            (self.t(lang, "registration.facts.session"), session.title_for(lang)),
            (self.t(lang, "registration.facts.date"), format_day(session.local_start, lang)),
            (self.t(lang, "registration.facts.time"), self.time_range(lang, session)),
        ]
        return card(
            [heading(title), paragraph(intro), {"type": "FactSet", "facts": [{"type": "Fact", "title": k, "value": v} for k, v in facts]}],
            fallback=" ".join([title, intro, *(f"{k}: {v}." for k, v in facts)]),
            actions=[submit(self.t(lang, "registration.buttons.register"), ACTION_JOB_START, job="register")],
        )
