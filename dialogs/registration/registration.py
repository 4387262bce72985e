"""Register for the information session: in person (Den Haag) or online (Microsoft Teams).

A declared form (dialogs/forms.py): the engine asks by card or by typing, validates, shows the summary and
calls `on_confirm` once per summary. Before the form: is any session open, is the person registered
already, and the privacy notice. On confirm: one transaction in storage/registration/repository.py (a seat or the
waitlist; the form's token makes a double submit store once), then the confirmation card.

Diagram: dialogs/registration/registration.mmd. Wired by `bot.registration.install`.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext, DialogTurnResult
from sqlalchemy.exc import SQLAlchemyError

from bot.core.cards import card_activity, send_in_place
from bot.core.turn import lang_of, user_ids, user_key
from bot.sessions import MODES, Session
from dialogs.forms import Field, FormDialog, FormSpec
from dialogs.registration.my_registration import Listed, MyRegistrationDialog, RegistrationPort
from dialogs.services import DialogServices
from storage.registration.models import ACTIVE_STATUSES, WAITLISTED
from storage.registration.repository import Attendee

log = logging.getLogger(__name__)

_AVAILABLE = "registration.available"  # turn state: open sessions the person can still register for


class RegistrationDialog(FormDialog):
    ID = "register"

    def __init__(self, services: DialogServices, desk: RegistrationPort):
        self.desk = desk
        spec = FormSpec(
            id=self.ID,
            fields=(
                Field("session", kind="choice", options=self._session_options),
                Field("mode", kind="choice", options=self._mode_options, when=self._asks_mode, words="registration.mode_words"),
                Field("name", prefill="name", max_length=200),
                Field("email", kind="email", prefill="email"),
                Field("municipality", kind="municipality"),
                Field("role", kind="role", max_length=200),
                Field("accessibility", kind="longtext", required=False, max_length=500),
                Field("dietary", required=False, max_length=300, when=self._comes_in_person),
            ),
        )
        super().__init__(spec, services)

    # --- the form's choices -------------------------------------------------------------------
    def _session_options(self, lang: str) -> list[tuple[str, str]]:
        return [(s.id, self.desk.cards.session_label(lang, s)) for s in self.desk.open_sessions()]

    def _mode_options(self, lang: str) -> list[tuple[str, str]]:
        cities = {s.city_for(lang) for s in self.desk.open_sessions()}
        city = cities.pop() if len(cities) == 1 else ""
        return [(mode, self.desk.cards.mode_label(lang, mode, city=city)) for mode in MODES]

    def _chosen(self, values: dict[str, Any]) -> Session | None:
        return self.desk.session(values.get("session"))

    def _asks_mode(self, values: dict[str, Any]) -> bool:
        session = self._chosen(values)
        return session is None or len(session.modes) > 1

    def _mode_of(self, values: dict[str, Any]) -> str | None:
        session = self._chosen(values)
        if session is not None and len(session.modes) == 1:
            return session.modes[0]
        return values.get("mode")

    def _comes_in_person(self, values: dict[str, Any]) -> bool:
        return self._mode_of(values) == "in_person"

    # --- before the form ----------------------------------------------------------------------
    async def begin_dialog(self, dc: DialogContext, options: object = None) -> DialogTurnResult:
        """Checks that a session is open and the person is not registered yet; shows the privacy notice."""
        editing = isinstance(options, dict) and bool(options.get("values"))
        if not editing:
            context = dc.context
            lang = lang_of(context)
            available = self.desk.open_sessions()
            if not available:
                await context.send_activity(card_activity(self.desk.cards.closed(lang, session_closed=False, others_open=False)))
                return await dc.end_dialog()
            registered = await self.desk.listed_for_user(user_key(context.activity))
            taken = {item.session.id for item in registered}
            remaining = [s for s in available if s.id not in taken]
            if not remaining:
                for item in registered:
                    if item.session.is_open(self.desk.clock.now()):
                        await context.send_activity(card_activity(self.desk.cards.confirmation(lang, item, existing=True)))
                return await dc.end_dialog()
            context.turn_state[_AVAILABLE] = remaining
            await context.send_activity(card_activity(self.desk.cards.privacy(lang)))
        return await super().begin_dialog(dc, options)

    async def prefill(self, turn_context: TurnContext) -> dict[str, str]:
        """Name and e-mail from Teams; the session when only one is open to this person."""
        found = await super().prefill(turn_context)
        remaining = turn_context.turn_state.get(_AVAILABLE) or []
        if len(remaining) == 1:
            found["session"] = remaining[0].id
        return found

    # --- on confirm ---------------------------------------------------------------------------
    async def on_confirm(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> bool | None:
        """Stores the registration (a seat, or the waitlist when the mode is full); sends the confirmation."""
        lang = lang_of(turn_context)
        cards = self.desk.cards
        now = self.desk.clock.now()
        await self.desk.current_sessions()
        session = self._chosen(values)
        if session is None or not session.is_open(now):
            others = [s for s in self.desk.open_sessions() if session is None or s.id != session.id]
            await send_in_place(turn_context, card_activity(cards.closed(lang, session_closed=True, others_open=bool(others))))
            return None
        mode = self._mode_of(values) or session.modes[0]
        _, aad_object_id = user_ids(turn_context.activity)
        attendee = Attendee(
            user_key=user_key(turn_context.activity),
            aad_object_id=aad_object_id,
            name=values["name"],
            email=values["email"],
            municipality=values["municipality"],
            role=values["role"],
            accessibility=values.get("accessibility") or "",
            dietary=(values.get("dietary") or "") if mode == "in_person" else "",
            language=lang,
        )
        try:
            outcome = await self.desk.registrar.register(
                session_id=session.id, mode=mode, capacity=session.capacity_for(mode), attendee=attendee, token=token, now=now
            )
        except SQLAlchemyError as error:
            log.error("a registration could not be saved: %s", type(error).__name__)
            await turn_context.send_activity(MessageFactory.text(self.services.catalog.text(lang, "registration.error")))
            return False
        registration = outcome.registration
        assert registration is not None  # register() always returns the new or the existing registration
        item = Listed(registration, session, await self.desk.registrar.waitlist_position(registration) if registration.status == WAITLISTED else None)
        existing = outcome.kind == "existing" and registration.confirm_token != token
        free_mode = None
        if registration.status == WAITLISTED:
            for other in session.modes:
                if other != registration.mode and await self.desk.registrar.has_seat(session.id, other, session.capacity_for(other)):
                    free_mode = other
        await send_in_place(turn_context, card_activity(cards.confirmation(lang, item, existing=existing, free_mode=free_mode)))
        return None


class RegistrationActions:
    """Card actions outside the form: a confirm clicked again later, 'tell me about the next session',
    'stay on the waitlist', and 'my registration' choices from older cards."""

    def __init__(self, services: DialogServices, desk: RegistrationPort):
        self._services = services
        self._desk = desk

    def _t(self, lang: str, key: str, **params: Any) -> str:
        return self._services.catalog.text(lang, key, **params)

    async def confirm_again(self, dc: DialogContext, value: dict[str, Any]) -> None:
        """A summary's confirm after the form ended (double click, re-delivery): show what was stored."""
        lang = lang_of(dc.context)
        token = value.get("token")
        registration = await self._desk.registrar.by_confirm_token(token) if isinstance(token, str) and token else None
        item = await self._desk.listed(registration) if registration is not None else None
        if registration is None or item is None or registration.user_key != user_key(dc.context.activity) or registration.status not in ACTIVE_STATUSES:
            note = self._t(lang, "dialog.stale_card")
            await dc.context.send_activity(card_activity(self._services.cards.menu(lang, note=note)))
            return
        await dc.context.send_activity(card_activity(self._desk.cards.confirmation(lang, item)))

    async def notify_me(self, dc: DialogContext, _value: dict[str, Any]) -> None:
        """Stores 'tell me about the next session' (once per person); when one is open already, says so."""
        lang = lang_of(dc.context)
        available = self._desk.open_sessions()
        if available:
            await dc.context.send_activity(card_activity(self._desk.cards.new_session(lang, available[0])))
            return
        _, aad_object_id = user_ids(dc.context.activity)
        await self._desk.registrar.add_interest(user_key(dc.context.activity), aad_object_id, lang, self._desk.clock.now())
        await dc.context.send_activity(MessageFactory.text(self._t(lang, "registration.notify.saved")))

    async def keep_waitlist(self, dc: DialogContext, _value: dict[str, Any]) -> None:
        await dc.context.send_activity(MessageFactory.text(self._t(lang_of(dc.context), "registration.waitlisted.kept")))

    async def choose(self, dc: DialogContext, value: dict[str, Any]) -> None:
        """A 'my registration' button while that conversation is not running: start it with the choice."""
        if dc.active_dialog is not None:
            await dc.cancel_all_dialogs()
            await dc.context.send_activity(MessageFactory.text(self._t(lang_of(dc.context), "cancel.replaced")))
        choice = value.get("choice")
        await dc.begin_dialog(MyRegistrationDialog.ID, {"choice": choice if isinstance(choice, str) else None})
