"""The organizers' session forms: add a session, change a session. Declared forms (dialogs/forms.py): one card
with every field, or one question at a time by typing; a summary to confirm, change or cancel.

- Add (`session_add`): title in Dutch and English, date, start and end time, how people take part
  (in person, online, both), the city, and optionally the venue address, the Teams join link, seats per
  mode (empty: no limit) and the registration deadline (empty: until the start). Times are Dutch time
  (Europe/Amsterdam).
- Change (`session_edit`, started with the session's current values, so it opens at the summary): the join
  link, the venue address, seats per mode, the registration deadline.

The fields that are not plain text use the validators of dialogs/sessions/validators.py, and cards show a
date picker and time pickers. Confirming hands the values to the session desk (`SessionForms`, implemented
by bot/sessions/desk.py), which checks the organizer again, stores once per confirmation and tells registrants. Only organizers can start
these forms; a turn from anyone else ends them. Diagram: edit_session.mmd.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, Protocol

from botbuilder.core import TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogTurnResult

from bot.core.clock import DISPLAY_TZ
from bot.core.i18n import format_day, format_moment
from bot.core.organizers import Organizers
from dialogs.forms import Field, FormDialog, FormSpec, _FormEngine
from dialogs.services import DialogServices
from dialogs.sessions import validators as session_validators
from storage.sessions.schedule import MODES, Session


class SessionForms(Protocol):
    """What these forms need from the sessions feature: the organizer check, the sessions, and saving."""

    organizers: Organizers

    def session(self, session_id: object) -> Session | None: ...

    async def save_new(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> bool | None: ...

    async def save_change(self, turn_context: TurnContext, session_id: str, values: dict[str, Any], token: str) -> bool | None: ...

SESSION_KEY = "session_id"  # in the change form's values: which session (not a form field)
DATE_FIELDS = ("date",)
TIME_FIELDS = ("start", "end")
MOMENT_FIELDS = ("deadline",)
CAPACITY_FIELDS = ("capacity_in_person", "capacity_online")
LATER_FIELDS = ("join_url", "venue_address")  # empty: not known yet


class _SessionFormEngine(_FormEngine):
    """The form engine with this feature's validators, date and time pickers, and readable values."""

    form: SessionForm

    def _clean(self, lang: str, item: Field, raw: str) -> Any:
        check = self.form.checks.get(item.name)
        if check is None:
            return super()._clean(lang, item, raw)
        return check(raw.strip(), lang)

    def _display(self, lang: str, item: Field, value: Any) -> str:
        t = self.form.t
        if item.name in CAPACITY_FIELDS and value in (None, ""):
            return t(lang, "session_desk.no_limit")
        if item.name in MOMENT_FIELDS:
            if not value:
                return t(lang, "session_desk.deadline_empty")
            moment = _parse_iso(str(value))
            if moment is not None:
                return format_moment(moment, lang)
        if item.name in LATER_FIELDS and not value:
            return t(lang, "session_desk.not_known")
        if item.name in DATE_FIELDS and value:
            moment = _parse_iso(str(value))
            if moment is not None:
                return format_day(moment, lang)
        return super()._display(lang, item, value)

    def _input(self, lang: str, item: Field, values: dict[str, Any]) -> dict[str, Any]:
        base = super()._input(lang, item, values)
        current = values.get(item.name + "__raw", values.get(item.name))
        if item.name in DATE_FIELDS or item.name in TIME_FIELDS:
            base.pop("maxLength", None)
            base.pop("value", None)
            base["type"] = "Input.Date" if item.name in DATE_FIELDS else "Input.Time"
            valid = values.get(item.name) if item.name + "__raw" not in values else None
            if valid:
                base["value"] = str(valid)
        elif item.name in MOMENT_FIELDS:
            base["placeholder"] = self.form.t(lang, "session_desk.placeholders.deadline")
            moment = _parse_iso(str(current)) if current else None
            if moment is not None:
                base["value"] = moment.strftime("%d-%m-%Y %H:%M")
        elif item.name in CAPACITY_FIELDS:
            base["placeholder"] = self.form.t(lang, "session_desk.placeholders.capacity")
        elif item.name == "join_url":
            base["style"] = "Url"
            base["placeholder"] = "https://teams.microsoft.com/l/meetup-join/..."
        return base


class SessionForm(FormDialog):
    """A form of the session desk: organizers only, with per-field checks (`checks`: name -> (raw, lang) -> value)."""

    ID = ""

    def __init__(self, spec: FormSpec, services: DialogServices, desk: SessionForms):
        self.desk = desk
        no_limit = {w.strip().casefold() for lang in ("nl", "en") for w in services.catalog.raw(lang, "session_desk.no_limit_words").split(",") if w.strip()}
        self.checks: dict[str, Callable[[str, str], Any]] = {
            "date": lambda raw, _lang: session_validators.day(raw),
            "start": lambda raw, _lang: session_validators.clock_time(raw),
            "end": lambda raw, _lang: session_validators.clock_time(raw),
            "deadline": lambda raw, _lang: session_validators.moment(raw),
            "join_url": lambda raw, _lang: session_validators.https_url(raw),
            "capacity_in_person": lambda raw, _lang: session_validators.capacity(raw, no_limit),
            "capacity_online": lambda raw, _lang: session_validators.capacity(raw, no_limit),
        }
        super().__init__(spec, services)

    def add_dialog(self, dialog: Dialog) -> object:
        if type(dialog) is _FormEngine:  # FormDialog adds the standard engine: use this feature's one
            dialog = _SessionFormEngine(dialog.id, self)
        return super().add_dialog(dialog)

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        """Every turn of the form is an organizer's: anyone else is refused (and audited) and the form ends."""
        if not self.desk.organizers.sender_is_organizer(inner_dc.context):
            await self.desk.organizers.authorize(inner_dc.context, f"sessions.{self.ID}")
            return await inner_dc.cancel_all_dialogs()
        return await super().on_continue_dialog(inner_dc)

    async def prefill(self, turn_context: TurnContext) -> dict[str, str]:
        """Nothing from the Teams profile: these forms are about a session, not about the person."""
        return {}

    def mode_options(self, lang: str) -> list[tuple[str, str]]:
        return [(mode, self.t(lang, f"session_add.modes.{mode}")) for mode in MODES]


class AddSessionDialog(SessionForm):
    ID = "session_add"

    def __init__(self, services: DialogServices, desk: SessionForms):
        in_person = lambda values: "in_person" in (values.get("modes") or [])  # noqa: E731
        online = lambda values: "online" in (values.get("modes") or [])  # noqa: E731
        spec = FormSpec(
            id=self.ID,
            fields=(
                Field("title_nl", max_length=150),
                Field("title_en", max_length=150),
                Field("date"),
                Field("start"),
                Field("end"),
                Field("modes", kind="multichoice", options=self.mode_options),
                Field("city", max_length=80, when=in_person),
                Field("venue_address", required=False, max_length=300, when=in_person),
                Field("join_url", required=False, max_length=session_validators.MAX_URL, when=online),
                Field("capacity_in_person", kind="number", required=False, minimum=0, maximum=session_validators.MAX_CAPACITY, when=in_person),
                Field("capacity_online", kind="number", required=False, minimum=0, maximum=session_validators.MAX_CAPACITY, when=online),
                Field("deadline", required=False, max_length=40),
            ),
        )
        super().__init__(spec, services, desk)

    def check_together(self, lang: str, values: dict[str, Any]) -> dict[str, str]:
        """A session that starts in the future (by the clock; Dutch time) and ends after it starts."""
        try:
            day = date.fromisoformat(str(values["date"]))
            start = datetime.combine(day, time.fromisoformat(str(values["start"])), DISPLAY_TZ)
            end = datetime.combine(day, time.fromisoformat(str(values["end"])), DISPLAY_TZ)
        except (KeyError, ValueError):
            return {}
        problems: dict[str, str] = {}
        now = self.services.clock.now()
        if day < now.astimezone(DISPLAY_TZ).date():
            problems["date"] = self.t(lang, "session_desk.invalid.date_past")
        elif start <= now:
            problems["start"] = self.t(lang, "session_desk.invalid.start_past")
        if end <= start:
            problems["end"] = self.t(lang, "session_desk.invalid.end_before_start")
        return problems

    async def on_confirm(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> bool | None:
        """Stores the new session through the desk (which checks the times and the organizer again)."""
        return await self.desk.save_new(turn_context, values, token)


class EditSessionDialog(SessionForm):
    ID = "session_edit"

    def __init__(self, services: DialogServices, desk: SessionForms):
        spec = FormSpec(
            id=self.ID,
            fields=(
                Field("join_url", required=False, max_length=session_validators.MAX_URL, when=self._has("online")),
                Field("venue_address", required=False, max_length=300, when=self._has("in_person")),
                Field("capacity_in_person", kind="number", required=False, minimum=0, maximum=session_validators.MAX_CAPACITY, when=self._has("in_person")),
                Field("capacity_online", kind="number", required=False, minimum=0, maximum=session_validators.MAX_CAPACITY, when=self._has("online")),
                Field("deadline", required=False, max_length=40),
            ),
            summary_extra=self._which,
        )
        super().__init__(spec, services, desk)

    def _session(self, values: dict[str, Any]) -> Session | None:
        return self.desk.session(values.get(SESSION_KEY))

    def _has(self, mode: str) -> Callable[[dict[str, Any]], bool]:
        def applies(values: dict[str, Any]) -> bool:
            session = self._session(values)
            return session is not None and mode in session.modes

        return applies

    def _which(self, values: dict[str, Any], lang: str) -> list[tuple[str, str]]:
        session = self._session(values)
        if session is None:
            return []
        return [(self.t(lang, "session_desk.facts.session"),
                 self.t(lang, "session_desk.session_label", title=session.title_for(lang), date=format_day(session.local_start, lang)))]

    async def on_confirm(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> bool | None:
        """Stores what differs from the session now, through the desk; registrants are told."""
        return await self.desk.save_change(turn_context, str(values.get(SESSION_KEY, "")), values, token)


def _parse_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if "T" in text else datetime.combine(date.fromisoformat(text), datetime.min.time())
    except ValueError:
        return None

