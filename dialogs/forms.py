"""Declared forms: a guided conversation that fills named fields, by one Adaptive Card or by typing.

A feature declares its fields (`FormSpec`) and what happens on confirmation (`FormDialog.on_confirm`);
this module does the rest, the same way for every form:

- start: one card with every field (prefilled where known, e.g. name and e-mail from the Teams profile),
  and, for those who prefer typing, the first open question as a message;
- a card submit is validated as a whole; problems come back on the same card, next to the field, with
  everything already entered kept;
- a typed answer fills the field that was asked; an invalid one gets a friendly re-ask that keeps the rest;
- when all is filled: a summary to confirm, change any field (by card or by typing), or cancel;
- confirming calls `on_confirm(turn_context, values, token)` once; the token is the same for a double click
  on the same summary card, so a feature can store idempotently;
- started with options {"utterance": "..."} (the message that started the task), what that message already
  says (an amount, a municipality, a choice's words) fills the matching fields: said once, shown in the
  summary, never stored without confirmation;
- "terug"/"back" asks the previous question again; a near-miss municipality is asked back ("Bedoelt u ...?");
  "ja" to an optional question ("Wilt u nog iets meegeven?") asks what, rather than storing "ja".

Before a typed message reaches a field, `GuidedDialog` (dialogs/base.py) asks `accepts(...)` whether it is an
answer at all; a question, a command or another task is handled there, the same way in every form.

Texts: `<form id>.form.*` and `<form id>.fields.<field>.label|prompt` in the catalog, plus the shared `form.*`.
Card actions are named `<form id>.<verb>`, so the router hands them to the active form.
"""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from botbuilder.core import MessageFactory, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.dialogs import Dialog, DialogContext, DialogTurnResult
from botbuilder.schema import ActivityTypes

from bot.core.cards import CARD_ID, IN_PLACE, card, card_activity, heading, paragraph, replace_or_send, submit
from bot.core.i18n import Catalog
from bot.core.turn import card_value, clean_text, lang_of
from dialogs import validators
from dialogs.base import GuidedDialog
from dialogs.prompts import YesNo
from dialogs.services import DialogServices
from dialogs.validators import Invalid, Suggest

Options = Callable[[str], list[tuple[str, str]]]
KINDS = ("text", "longtext", "role", "email", "phone", "municipality", "choice", "multichoice", "number", "amount", "consent")
FREE_TEXT = ("text", "longtext", "role")
_AMOUNT = re.compile(r"(?:€|\beur(?:o)?\b)\s*(\d[\d.,]*\d|\d)|(\d[\d.,]*\d|\d)\s*(?:€|\beuro?s?\b|\beur\b)", re.IGNORECASE)
_NUMBER_BEFORE = re.compile(r"\b(\d{1,4})((?:\s+[\w'-]+){1,3})", re.UNICODE)  # "2 housing experts": the count, what it counts
_NAME_CUES = frozenset({"gemeente", "municipality", "namens", "van", "from", "of", "for", "voor", "city", "stad", "council"})
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*|\([^)]*\)", re.UNICODE)
MAX_CHOICE_BUTTONS = 3  # more options than this are typed (numbered list) or chosen in the form
MAX_ACTIONS = 6  # buttons Teams shows in one action set


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"
    required: bool = True
    options: Options | None = None  # lang -> [(value, label)] for choice kinds
    when: Callable[[dict[str, Any]], bool] | None = None  # asked only when this holds for the values so far
    prefill: str | None = None  # "name" | "email": from the Teams profile
    max_length: int = 200
    minimum: int = 1
    maximum: int = 1000
    other_field: str | None = None  # for (multi)choice: the text field that says what "other" means
    takes_questions: bool = False  # the answer may itself be a question (an organizer typing an FAQ question)
    # Catalog key of the words that say this field in a message that starts the form: for a (multi)choice
    # `<words>.<option value>` lists each option's phrasings; for a number, the nouns it counts ("experts").
    words: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: unknown kind {self.kind!r}")
        if self.kind in ("choice", "multichoice") and self.options is None:
            raise ValueError(f"field {self.name}: a choice needs options")

    def applies(self, values: dict[str, Any]) -> bool:
        return self.when is None or bool(self.when(values))


@dataclass(frozen=True)
class FormSpec:
    id: str
    fields: tuple[Field, ...]
    summary_extra: Callable[[dict[str, Any], str], list[tuple[str, str]]] | None = field(default=None)

    def get(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)


class FormDialog(GuidedDialog):
    """Subclass with a `FormSpec` and an `on_confirm`; start it with options {"values": {...}} to edit."""

    spec: FormSpec

    def __init__(self, spec: FormSpec, services: DialogServices):
        super().__init__(spec.id, services)
        self.spec = spec
        self.yes_no = YesNo(services.catalog)
        self._number_words: dict[str, str] | None = None
        self.add_dialog(_FormEngine(f"{spec.id}.engine", self))
        self.initial_dialog_id = f"{spec.id}.engine"

    async def on_confirm(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> bool | None:
        """Store the values and tell the user. Return False when nothing could be stored: the form then
        stays open at its summary, with everything the user entered."""
        raise NotImplementedError

    def check_together(self, lang: str, values: dict[str, Any]) -> dict[str, str]:
        """Problems between fields that are each valid (an end before the start): field name -> message.
        Checked before the summary; the form keeps every value."""
        return {}

    async def prefill(self, turn_context: TurnContext) -> dict[str, str]:
        """Name and e-mail from the Teams profile (TeamsInfo), else from the activity."""
        activity = turn_context.activity
        found: dict[str, str] = {}
        if activity.from_property is not None and activity.from_property.name:
            found["name"] = activity.from_property.name
        if activity.channel_id == "msteams" and activity.from_property is not None:
            try:
                members = self.services.members
                if members is not None:
                    member = await members.get(turn_context, activity.from_property.id)
                else:
                    member = await TeamsInfo.get_member(turn_context, activity.from_property.id)
            except Exception:  # noqa: BLE001 - the profile is a convenience; the user can type it
                member = None
            if member is not None:
                if member.name:
                    found["name"] = member.name
                mail = member.email or getattr(member, "user_principal_name", None)
                if mail:
                    with contextlib.suppress(Invalid):
                        found["email"] = validators.email(mail)
        return found

    # --- what a message that starts the form already says ---------------------------------------
    def understand(self, utterance: str, lang: str, known: dict[str, Any] | None = None) -> dict[str, Any]:
        """Field values a message states ("we'd like to give 25.000 euro" -> amount), for fields not known yet."""
        known = dict(known or {})
        found: dict[str, Any] = {}
        for item in self.spec.fields:
            if item.name in known or not item.applies({**known, **found}):
                continue
            value = self._understand_field(item, utterance, lang)
            if value not in (None, "", []):
                found[item.name] = value
        return found

    def _understand_field(self, item: Field, utterance: str, lang: str) -> Any:
        catalog = self.services.catalog
        if item.kind == "amount":
            match = _AMOUNT.search(utterance)
            if match:
                with contextlib.suppress(Invalid):
                    return validators.euro_amount(match.group(1) or match.group(2))
            return None
        if item.kind == "municipality":
            return find_municipality(utterance, self.services.municipalities)
        if item.kind == "number" and item.words:
            nouns = {_fold(w) for code in ("nl", "en") for w in catalog.raw(code, item.words).split(",") if w.strip()}
            for match in _NUMBER_BEFORE.finditer(self.numbers_in_digits(utterance)):
                # "stedenbouwkundigen", "waterspecialisten": a compound ends in one of the nouns.
                if any(_fold(w) in nouns or any(_fold(w).endswith(n) for n in nouns if len(n) >= 6) for w in match.group(2).split()):
                    with contextlib.suppress(Invalid):
                        return validators.whole_number(match.group(1), minimum=item.minimum, maximum=item.maximum)
            return None
        if item.kind not in ("choice", "multichoice"):
            return None
        text = f" {_fold(utterance)} "
        picked: list[str] = []
        # A word in more than one option's label ("management") says none of them.
        owners: dict[str, set[str]] = {}
        for code in ("nl", "en"):
            for value, label in self.options(code, item):
                for part in _fold(label).split():
                    owners.setdefault(part, set()).add(value)
        shared = frozenset(part for part, values in owners.items() if len(values) > 1)
        for value, _ in self.options(lang, item):
            if value == "other":
                continue
            if item.words:
                if any(f" {_fold(p)} " in text for p in self.option_phrases(item, value)):
                    picked.append(value)
            elif item.kind == "multichoice" and _label_mentioned(
                text, [label for code in ("nl", "en") for v, label in self.options(code, item) if v == value], shared
            ):
                picked.append(value)
        if item.kind == "choice":
            return picked[0] if len(picked) == 1 else None
        return picked

    def numbers_in_digits(self, text: str) -> str:
        """"twee experts" -> "2 experts": the numbers one to twelve written as words (`form.number_words`)."""
        if self._number_words is None:
            found: dict[str, str] = {}
            for code in ("nl", "en"):
                for number, variants in enumerate(self.services.catalog.raw(code, "form.number_words").split(","), start=1):
                    found.update((_fold(v), str(number)) for v in variants.split("|") if v.strip())
            self._number_words = found
        words = self._number_words
        return _WORD.sub(lambda m: words.get(_fold(m.group(0)), m.group(0)), text)

    def detail_phrases(self) -> set[str]:
        """Phrases that give a field's value in a message that starts the form ("online", "in person", "Engels",
        "Water en riolering"), in both languages: the details of a task, not the task (bot/core/router.py
        reads the task with them left out). A number's `words` are the nouns it counts ("experts"): those say
        the task, so they stay."""
        found: set[str] = set()
        for item in self.spec.fields:
            if item.kind not in ("choice", "multichoice"):
                continue
            for code in ("nl", "en"):
                for value, label in self.options(code, item):
                    if value == "other":
                        continue
                    if item.words:
                        found.update(self.option_phrases(item, value))
                    elif item.kind == "multichoice":
                        found.add(label)
        return {phrase for phrase in found if "{" not in phrase}

    def option_phrases(self, item: Field, value: str) -> list[str]:
        """The phrasings of one option of a field with `words` (`<words>.<value>`), in both languages."""
        catalog = self.services.catalog
        key = f"{item.words}.{value}"
        return [p.strip() for code in ("nl", "en") if catalog.has(key, code) for p in catalog.raw(code, key).split(",") if p.strip()]

    def prefilled_note(self, lang: str, values: dict[str, Any]) -> str | None:
        """The message that says which fields a message filled in already (None when none)."""
        shown = [f"{self.label(lang, item)}: {self.engine.display(lang, item, values[item.name])}"
                 for item in self.spec.fields if item.name in values]
        return self.t(lang, "form.prefilled", values="; ".join(shown)) if shown else None

    @property
    def engine(self) -> _FormEngine:
        found = self._dialogs.find_dialog(f"{self.spec.id}.engine")
        assert isinstance(found, _FormEngine)
        return found

    # --- texts --------------------------------------------------------------------------------
    def t(self, lang: str, key: str, **params: Any) -> str:
        return self.services.catalog.text(lang, key, **params)

    def label(self, lang: str, item: Field) -> str:
        return self.t(lang, f"{self.spec.id}.fields.{item.name}.label")

    def options(self, lang: str, item: Field) -> list[tuple[str, str]]:
        return item.options(lang) if item.options else []


class _FormEngine(Dialog):
    """The state machine behind a FormDialog; its state is plain JSON in the dialog instance."""

    def __init__(self, dialog_id: str, form: FormDialog):
        super().__init__(dialog_id)
        self.form = form

    @property
    def spec(self) -> FormSpec:
        return self.form.spec

    @property
    def catalog(self) -> Catalog:
        return self.form.services.catalog

    # --- dialog lifecycle ---------------------------------------------------------------------
    async def begin_dialog(self, dc: DialogContext, options: object = None) -> DialogTurnResult:
        given = options.get("values") if isinstance(options, dict) else None
        state = dc.active_dialog.state
        state["values"] = dict(given or {})
        state["editing"] = bool(given)
        lang = lang_of(dc.context)
        said: dict[str, Any] = {}
        if not given:
            for name, value in (await self.form.prefill(dc.context)).items():
                if any(f.name == name for f in self.spec.fields):
                    state["values"].setdefault(name, value)
            utterance = options.get("utterance") if isinstance(options, dict) else None
            if isinstance(utterance, str) and utterance.strip():
                said = self.form.understand(utterance, lang, state["values"])
                state["values"].update(said)
        if state["editing"] and self._missing(state["values"]) is None:
            # Changing something stored: choose what to change, with the values as they are now. Nothing to
            # confirm before anything changed; coming back unchanged, the form says so and ends.
            state["initial"] = _comparable(state["values"])
            state["phase"], state["current"] = "pick_change", None
            payload = self._change_card(lang, state["values"], show_current=True)
            await replace_or_send(dc.context, state, card_activity(payload), replace=False)
            return Dialog.end_of_turn
        missing = self._missing(state["values"])
        state["phase"], state["current"] = "collect", missing.name if missing else None
        payload = self._form_card(lang, state["values"], first=missing)
        await replace_or_send(dc.context, state, card_activity(payload), replace=False)
        note = self.form.prefilled_note(lang, said)
        if note:
            await dc.context.send_activity(MessageFactory.text(note))
        return Dialog.end_of_turn

    async def continue_dialog(self, dc: DialogContext) -> DialogTurnResult:
        activity = dc.context.activity
        if activity.type != ActivityTypes.message:
            return Dialog.end_of_turn
        value = card_value(activity)
        if value is not None:
            return await self._on_card(dc, value)
        return await self._on_text(dc, clean_text(activity))

    async def reprompt_dialog(self, context: TurnContext, instance) -> None:
        lang = lang_of(context)
        state = instance.state
        if state.get("phase") == "summary":
            await context.send_activity(card_activity(self._summary_card(lang, state["values"], state.get("token", ""))))
        elif state.get("phase") == "pick_change":
            await context.send_activity(card_activity(self._change_card(lang, state["values"])))
        elif state.get("suggest"):
            await context.send_activity(self._suggestion(lang, state["suggest"]["value"]))
        elif state.get("current"):
            await context.send_activity(self._question(lang, self.spec.get(state["current"]), state["values"]))

    # --- card submits -------------------------------------------------------------------------
    async def _on_card(self, dc: DialogContext, value: dict[str, Any]) -> DialogTurnResult:
        state = dc.active_dialog.state
        lang = lang_of(dc.context)
        verb = value["action"].split(".", 1)[1] if "." in value["action"] else ""
        if verb == "submit":
            values, errors = self._validate_card(lang, value, state["values"])
            state["values"] = values
            if errors:
                await replace_or_send(dc.context, state, card_activity(self._form_card(lang, values, errors)))
                return Dialog.end_of_turn
            return await self._after_answer(dc)
        if verb == "confirm":
            if state.get("phase") == "summary" and value.get("token") == state.get("token"):
                return await self._confirm(dc)
            return await self._show_summary(dc) if self._missing(state["values"]) is None else await self._ask_next(dc)
        if verb == "change":
            return await self._pick_change(dc)
        if verb == "field":
            picked = value.get("field")
            return await self._ask_field(dc, picked) if isinstance(picked, str) and picked else await self._pick_change(dc)
        if verb == "answer" and isinstance(value.get("field"), str) and state.get("current") == value["field"]:
            return await self._on_text(dc, str(value.get("value", "")))
        if verb == "suggested" and state.get("suggest") and value.get("answer") in ("yes", "no"):
            return await self._on_suggestion(dc, value["answer"] == "yes")
        if verb == "cancel":
            await dc.context.send_activity(MessageFactory.text(self.form.t(lang, "cancel.done")))
            return await dc.end_dialog(None)
        await dc.context.send_activity(MessageFactory.text(self.form.t(lang, "dialog.stale_card")))
        await self.reprompt_dialog(dc.context, dc.active_dialog)
        return Dialog.end_of_turn

    def _validate_card(self, lang: str, value: dict[str, Any], current: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        values = dict(current)
        errors: dict[str, str] = {}
        for item in self.spec.fields:
            raw = value.get(item.name)
            if item.kind == "consent":
                raw = "yes" if str(raw).lower() == "true" else ""
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                values.pop(item.name + "__raw", None)
                if item.required:
                    values.pop(item.name, None)
                else:
                    values[item.name] = [] if item.kind == "multichoice" else ""
                continue
            try:
                values[item.name] = self._clean(lang, item, str(raw))
                values.pop(item.name + "__raw", None)
            except Invalid as problem:  # a Suggest too: "Did you mean ...?" next to the field
                values[item.name + "__raw"] = validators.echo(raw, max(validators.ECHO_CHARS, min(item.max_length, 2000)))
                errors[item.name] = self.form.t(lang, problem.key, **problem.params)
        for item in self.spec.fields:
            if item.name not in values and item.name not in errors and item.required and item.applies(values):
                errors[item.name] = self.form.t(lang, "form.invalid.required")
        for item in self.spec.fields:
            if not item.applies(values):
                values.pop(item.name, None)
                errors.pop(item.name, None)
        if not errors and self._missing(values) is None:
            errors = self.form.check_together(lang, values)
        return values, errors

    # --- typed answers ------------------------------------------------------------------------
    async def _on_text(self, dc: DialogContext, text: str) -> DialogTurnResult:
        state = dc.active_dialog.state
        lang = lang_of(dc.context)
        phase = state.get("phase")
        if phase == "summary":
            answer = self.form.yes_no.match(text, lang)
            if answer is True:
                return await self._confirm(dc)
            if answer is False or self._is_change_word(lang, text):
                return await self._pick_change(dc)
            await dc.context.send_activity(MessageFactory.text(self.form.t(lang, "form.summary_hint")))
            return Dialog.end_of_turn
        if phase == "pick_change":
            names = [(f.name, self.form.label(lang, f)) for f in self._visible(state["values"])]
            try:
                picked = validators.choice(text, names)
            except Invalid:
                await dc.context.send_activity(MessageFactory.text(self.form.t(lang, "form.invalid.choice")))
                await dc.context.send_activity(card_activity(self._change_card(lang, state["values"])))
                return Dialog.end_of_turn
            return await self._ask_field(dc, picked)
        current = state.get("current")
        if not current:
            return await self._ask_next(dc)
        item = self.spec.get(current)
        if state.get("suggest"):
            answer = self.form.yes_no.match(text, lang)
            if answer is not None and _is_only_yes_no(self.form.yes_no, text, lang):
                return await self._on_suggestion(dc, answer)
            state.pop("suggest", None)  # a new answer instead
        if not text:
            await dc.context.send_activity(MessageFactory.text(self.form.t(lang, "dialog.text_expected")))
            await dc.context.send_activity(self._question(lang, item, state["values"]))
            return Dialog.end_of_turn
        if not item.required and self._is_skip_word(lang, text):
            state["values"][item.name] = "" if item.kind != "multichoice" else []
            state["values"].pop(item.name + "__raw", None)
            return await self._answered(dc, item.name)
        if not item.required and item.kind in FREE_TEXT and self.form.yes_no.match(text, lang) is True and _is_only_yes_no(self.form.yes_no, text, lang):
            # "ja" to "Wilt u nog iets meegeven?": ask what, store nothing yet.
            await dc.context.send_activity(MessageFactory.text(self.form.t(lang, "form.remark_what")))
            return Dialog.end_of_turn
        try:
            state["values"][item.name] = self._clean(lang, item, text)
            state["values"].pop(item.name + "__raw", None)
        except Suggest as problem:
            state["suggest"] = {"field": item.name, "value": problem.value}
            await dc.context.send_activity(self._suggestion(lang, problem.value))
            return Dialog.end_of_turn
        except Invalid as problem:
            await dc.context.send_activity(
                MessageFactory.text(self.form.t(lang, "form.retry", problem=self.form.t(lang, problem.key, **problem.params)))
            )
            await dc.context.send_activity(self._question(lang, item, state["values"]))
            return Dialog.end_of_turn
        return await self._answered(dc, item.name)

    async def _answered(self, dc: DialogContext, name: str) -> DialogTurnResult:
        history: list[str] = dc.active_dialog.state.setdefault("history", [])
        if name in history:
            history.remove(name)
        history.append(name)
        return await self._after_answer(dc)

    async def _on_suggestion(self, dc: DialogContext, accepted: bool) -> DialogTurnResult:
        state = dc.active_dialog.state
        lang = lang_of(dc.context)
        suggestion = state.pop("suggest")
        item = self.spec.get(suggestion["field"])
        if accepted:
            state["values"][item.name] = suggestion["value"]
            state["values"].pop(item.name + "__raw", None)
            return await self._answered(dc, item.name)
        await dc.context.send_activity(MessageFactory.text(self.form.t(lang, "form.municipality.not_meant")))
        await dc.context.send_activity(self._question(lang, item, state["values"]))
        return Dialog.end_of_turn

    async def go_back(self, dc: DialogContext) -> DialogTurnResult:
        """'terug'/'back': the previous question again (its answer stays until a new one is given)."""
        state = dc.active_dialog.state
        state.pop("suggest", None)
        history: list[str] = state.setdefault("history", [])
        current = state.get("current")
        if current in history:
            history.remove(current)
        visible = {f.name for f in self._visible(state["values"])}
        while history and history[-1] not in visible:
            history.pop()
        if not history:
            await dc.context.send_activity(MessageFactory.text(self.form.t(lang_of(dc.context), "turn.back_first")))
            await self.reprompt_dialog(dc.context, dc.active_dialog)
            return Dialog.end_of_turn
        previous = history.pop()
        state["phase"], state["current"] = "collect", previous
        await dc.context.send_activity(self._question(lang_of(dc.context), self.spec.get(previous), state["values"]))
        return Dialog.end_of_turn

    def names_option(self, state: dict[str, Any], text: str, lang: str) -> bool:
        """Whether the message is one of the options the form asks to choose from now ("Engels" for the
        working languages): then it is the answer, even where it would also be a command."""
        current = state.get("current") if state.get("phase") == "collect" else None
        if not current:
            return False
        item = self.spec.get(current)
        if item.kind not in ("choice", "multichoice"):
            return False
        try:
            self._clean(lang, item, text)
        except (Invalid, Suggest):
            return False
        return True

    def accepts(self, state: dict[str, Any], text: str, lang: str) -> bool:
        """Whether a typed message answers what the form asks right now (see GuidedDialog.accepts)."""
        yes_no = self.form.yes_no
        phase = state.get("phase")
        if phase == "summary":
            return yes_no.match(text, lang) is not None or self._is_change_word(lang, text)
        if phase == "pick_change":
            names = [(f.name, self.form.label(lang, f)) for f in self._visible(state["values"])]
            try:
                validators.choice(text, names)
            except Invalid:
                return False
            return True
        current = state.get("current")
        if not current:
            return True
        if state.get("suggest") and yes_no.match(text, lang) is not None:
            return True
        item = self.spec.get(current)
        if not item.required and self._is_skip_word(lang, text):
            return True
        if item.kind in FREE_TEXT:
            if item.takes_questions:
                return True
            if not item.required and yes_no.match(text, lang) is True and _is_only_yes_no(yes_no, text, lang):
                return True
            return not self.form.services.recognizer.is_question(text, lang)
        try:
            self._clean(lang, item, text)
        except Suggest:
            return True
        except Invalid:
            return False
        return True

    def _clean(self, lang: str, item: Field, raw: str) -> Any:
        kind = item.kind
        if kind == "text":
            if "?" in raw and not item.takes_questions and self.form.services.recognizer.is_question(raw, lang):
                raise Invalid("form.invalid.question")  # a question is no name, title or place
            return validators.text(raw, max_length=item.max_length, required=item.required)
        if kind == "longtext":
            return validators.long_text(raw, max_length=item.max_length, required=item.required)
        if kind == "role":
            if self.form.services.recognizer.is_question(raw, lang):
                raise Invalid("form.invalid.role")
            return validators.role(raw, max_length=item.max_length)
        if kind == "email":
            return validators.email(raw)
        if kind == "phone":
            return validators.phone(raw)
        if kind == "municipality":
            return validators.municipality(raw, self.form.services.municipalities)
        if kind == "number":
            return validators.whole_number(self.form.numbers_in_digits(raw), minimum=item.minimum, maximum=item.maximum)
        if kind == "amount":
            try:
                return validators.euro_amount(raw)
            except Invalid:
                said = _amount_in_words(raw)  # "ongeveer 5000", "about 10k", "rond de 2,5 duizend euro"
                if said is None:
                    raise
                return said
        if kind == "choice":
            said = self._said_option(item, raw)
            return said if said is not None else validators.choice(raw, self.form.options(lang, item))
        if kind == "multichoice":
            options = self.form.options(lang, item)
            # A card multi-select sends "a,b": values never contain commas, so split on them first.
            known = {value for value, _ in options}
            parts = [p.strip() for p in raw.split(",")]
            if parts and all(p in known for p in parts):
                return parts
            return validators.choices(raw, options)
        if kind == "consent":
            answer = self.form.yes_no.match(raw, lang)
            if answer is True:
                return "yes"
            raise Invalid("form.invalid.consent")
        raise Invalid("form.invalid.required")

    # --- flow ---------------------------------------------------------------------------------
    def _said_option(self, item: Field, raw: str) -> str | None:
        """The option whose phrasings (`Field.words`) the whole answer is: "in persoon" for "Fysiek in Den Haag"."""
        if not item.words:
            return None
        folded = _fold(raw)
        for value, _ in self.form.options("nl", item):
            if any(folded == _fold(w) for w in self.form.option_phrases(item, value)):
                return value
        return None

    def _suggestion(self, lang: str, value: str):
        text = self.form.t(lang, "form.municipality.suggest", value=value)
        actions = [
            submit(self.form.t(lang, "yesno.answer_yes"), f"{self.spec.id}.suggested", answer="yes"),
            submit(self.form.t(lang, "yesno.answer_no"), f"{self.spec.id}.suggested", answer="no"),
        ]
        return card_activity(card([paragraph(text)], fallback=text, actions=actions))

    async def _after_answer(self, dc: DialogContext) -> DialogTurnResult:
        state = dc.active_dialog.state
        if self._missing(state["values"]) is None:
            lang = lang_of(dc.context)
            problems = self.form.check_together(lang, state["values"])
            if problems:  # ask the first field with a problem again; everything else stays
                name, problem = next((f.name, problems[f.name]) for f in self.spec.fields if f.name in problems)
                state["phase"], state["current"] = "change", name
                await dc.context.send_activity(MessageFactory.text(self.form.t(lang, "form.retry", problem=problem)))
                await dc.context.send_activity(self._question(lang, self.spec.get(name), state["values"]))
                return Dialog.end_of_turn
        if state.get("phase") == "change" and self._missing(state["values"]) is None:
            return await self._show_summary(dc)
        return await self._ask_next(dc)

    async def _ask_next(self, dc: DialogContext) -> DialogTurnResult:
        state = dc.active_dialog.state
        lang = lang_of(dc.context)
        missing = self._missing(state["values"])
        if missing is None:
            return await self._show_summary(dc)
        state["phase"], state["current"] = "collect", missing.name
        await dc.context.send_activity(self._question(lang, missing, state["values"]))
        return Dialog.end_of_turn

    async def _ask_field(self, dc: DialogContext, name: str) -> DialogTurnResult:
        state = dc.active_dialog.state
        try:
            item = self.spec.get(name)
        except KeyError:
            return await self._pick_change(dc)
        state["phase"], state["current"] = "change", item.name
        await dc.context.send_activity(self._question(lang_of(dc.context), item, state["values"]))
        return Dialog.end_of_turn

    async def _pick_change(self, dc: DialogContext) -> DialogTurnResult:
        state = dc.active_dialog.state
        state["phase"], state["current"] = "pick_change", None
        await dc.context.send_activity(card_activity(self._change_card(lang_of(dc.context), state["values"])))
        return Dialog.end_of_turn

    async def _show_summary(self, dc: DialogContext) -> DialogTurnResult:
        state = dc.active_dialog.state
        from_card = card_value(dc.context.activity) is not None
        if state.get("initial") is not None and _comparable(state["values"]) == state["initial"]:
            text = MessageFactory.text(self.form.t(lang_of(dc.context), "form.unchanged"))
            await replace_or_send(dc.context, state, text, replace=from_card)
            return await dc.end_dialog(None)
        state["phase"], state["current"] = "summary", None
        state["token"] = uuid.uuid4().hex
        payload = self._summary_card(lang_of(dc.context), state["values"], state["token"])
        await replace_or_send(dc.context, state, card_activity(payload), replace=from_card)
        return Dialog.end_of_turn

    async def _confirm(self, dc: DialogContext) -> DialogTurnResult:
        state = dc.active_dialog.state
        values = {k: v for k, v in state["values"].items() if not k.endswith("__raw")}
        # One message per step: confirmed on the summary card, the outcome the feature sends with
        # `send_in_place` (bot/core/cards.py) takes the summary's place.
        if card_value(dc.context.activity) is not None and state.get(CARD_ID):
            dc.context.turn_state[IN_PLACE] = state[CARD_ID]
        try:
            saved = await self.form.on_confirm(dc.context, values, state["token"])
        finally:
            dc.context.turn_state.pop(IN_PLACE, None)
        if saved is False:
            return await self._show_summary(dc)  # not saved (the feature said why): everything stays
        return await dc.end_dialog(values)

    def _missing(self, values: dict[str, Any]) -> Field | None:
        for item in self.spec.fields:
            if item.applies(values) and item.name not in values:
                return item
        return None

    def _visible(self, values: dict[str, Any]) -> list[Field]:
        return [f for f in self.spec.fields if f.applies(values)]

    def _is_skip_word(self, lang: str, text: str) -> bool:
        words = [w.strip().lower() for w in self.form.t(lang, "form.skip_words").split(",")]
        return text.strip().lower().rstrip(".!") in words

    def _is_change_word(self, lang: str, text: str) -> bool:
        words = [w.strip().lower() for w in self.form.t(lang, "form.change_words").split(",")]
        first = text.strip().lower().split(" ", 1)[0] if text.strip() else ""
        return first in words

    # --- cards and questions ------------------------------------------------------------------
    def _question(self, lang: str, item: Field, values: dict[str, Any]):
        prompt = self.form.t(lang, f"{self.spec.id}.fields.{item.name}.prompt")
        current = values.get(item.name)
        lines = [prompt]
        if item.kind in ("choice", "multichoice"):
            options = self.form.options(lang, item)
            lines.append("\n".join(f"{i}. {label}" for i, (_, label) in enumerate(options, start=1)))
            lines.append(self.form.t(lang, "form.multi_hint" if item.kind == "multichoice" else "form.choice_hint"))
        if not item.required:
            lines.append(self.form.t(lang, "form.optional_hint"))
        if current not in (None, "", []):
            lines.append(self.form.t(lang, "form.current_value", value=self._display(lang, item, current)))
        text = "\n\n".join(lines)
        if item.kind == "choice" and len(self.form.options(lang, item)) <= MAX_CHOICE_BUTTONS:
            actions = [submit(label, f"{self.spec.id}.answer", field=item.name, value=value) for value, label in self.form.options(lang, item)]
            return card_activity(card([heading(prompt), *(paragraph(line) for line in lines[1:] if line)], fallback=text, actions=actions))
        return MessageFactory.text(text)

    def display(self, lang: str, item: Field, value: Any) -> str:
        return self._display(lang, item, value)

    def _display(self, lang: str, item: Field, value: Any) -> str:
        if value in (None, "", []):
            return self.form.t(lang, "form.empty_value")
        if item.kind in ("choice", "multichoice"):
            labels = dict(self.form.options(lang, item))
            chosen: list[str] = value if isinstance(value, list) else [value]
            return ", ".join(labels.get(v, v) for v in chosen)
        if item.kind == "consent":
            return self.form.t(lang, "form.consent_given")
        if item.kind == "amount":
            return self.form.t(lang, "form.amount_display", amount=_euro(value, lang))
        return str(value)

    def _form_card(
        self, lang: str, values: dict[str, Any], errors: dict[str, str] | None = None, *, first: Field | None = None
    ) -> dict[str, Any]:
        """The whole form. With `first` (the card that starts the form), a hint for those who type: the first question."""
        errors = errors or {}
        body: list[dict[str, Any]] = [heading(self.form.t(lang, f"{self.spec.id}.form.title"))]
        if errors:
            body.append(paragraph(f"⚠ {self.form.t(lang, 'form.fix_errors')}", color="Attention", weight="Bolder"))
        body.append(paragraph(self.form.t(lang, f"{self.spec.id}.form.intro")))
        for item in self.spec.fields:
            if item.name in errors:
                body.append(paragraph(f"⚠ {errors[item.name]}", color="Attention", weight="Bolder", spacing="Medium"))
            if item.kind == "consent":  # the statement itself, readable in full; the toggle says "I agree"
                body.append(paragraph(self.form.t(lang, f"{self.spec.id}.fields.{item.name}.prompt"), spacing="Medium"))
            body.append(self._input(lang, item, values))
        if first is not None:
            prompt = self.form.t(lang, f"{self.spec.id}.fields.{first.name}.prompt")
            body.append(paragraph(self.form.t(lang, "form.how", question=prompt), isSubtle=True, spacing="Medium"))
        return card(
            body,
            fallback=self.form.t(lang, "form.card_fallback"),
            actions=[
                submit(self.form.t(lang, "form.next"), f"{self.spec.id}.submit", style="positive"),
                submit(self.form.t(lang, "form.cancel"), f"{self.spec.id}.cancel", validate=False),
            ],
        )

    def _placeholder(self, lang: str, item: Field) -> str | None:
        catalog = self.form.services.catalog
        for key in (f"{self.spec.id}.fields.{item.name}.placeholder", f"form.placeholder.{item.kind}"):
            if catalog.has(key, lang):
                return catalog.text(lang, key)
        return None

    def _input(self, lang: str, item: Field, values: dict[str, Any]) -> dict[str, Any]:
        label = self.form.label(lang, item)
        current = values.get(item.name + "__raw", values.get(item.name))
        # A field asked only in some cases (e.g. "other area" when "other" is chosen) is checked by the bot,
        # not by the card: the card cannot know whether it applies, and must stay sendable without it.
        required = item.required and item.when is None
        base: dict[str, Any] = {"id": item.name, "label": label, "isRequired": required}
        if required:
            base["errorMessage"] = self.form.t(lang, "form.invalid.required")
        if item.kind in ("choice", "multichoice"):
            options = self.form.options(lang, item)
            chosen = current if isinstance(current, list) else ([current] if current else [])
            base.update(
                type="Input.ChoiceSet",
                choices=[{"title": title, "value": value} for value, title in options],
                style="expanded" if len(options) <= 5 or item.kind == "multichoice" else "compact",
                isMultiSelect=item.kind == "multichoice",
                wrap=True,
            )
            if chosen:
                base["value"] = ",".join(str(c) for c in chosen)
            return base
        if item.kind == "consent":
            base.update(type="Input.Toggle", title=self.form.t(lang, "form.consent_agree"), wrap=True,
                        valueOn="true", valueOff="false", value="true" if current == "yes" else "false")
            return base
        if item.kind == "number":
            base["type"] = "Input.Number"
            if required:  # an empty optional number must stay valid in the card (the renderer flags it otherwise)
                base.update(min=item.minimum, max=item.maximum)
            placeholder = self._placeholder(lang, item)
            if placeholder:
                base["placeholder"] = placeholder
            number = _as_number(current)
            if number is not None:  # Input.Number takes a number; unreadable input is left out, not echoed
                base["value"] = number
            return base
        base.update(type="Input.Text", maxLength=item.max_length if item.kind in ("text", "longtext") else 254)
        if item.kind == "email":
            base["style"] = "Email"
        elif item.kind == "phone":
            base["style"] = "Tel"
        elif item.kind == "longtext":
            base["isMultiline"] = True
        placeholder = self._placeholder(lang, item)
        if placeholder:
            base["placeholder"] = placeholder
        if current not in (None, "", []):
            base["value"] = str(current)
        return base

    def _facts(self, lang: str, values: dict[str, Any]) -> list[dict[str, str]]:
        facts = [
            {"title": self.form.label(lang, item), "value": self._display(lang, item, values.get(item.name))}
            for item in self._visible(values)
        ]
        if self.spec.summary_extra:
            facts = [{"title": t, "value": v} for t, v in self.spec.summary_extra(values, lang)] + facts
        return facts

    def _summary_card(self, lang: str, values: dict[str, Any], token: str) -> dict[str, Any]:
        facts = self._facts(lang, values)
        fallback = "\n".join(f"{f['title']}: {f['value']}" for f in facts)
        return card(
            [
                heading(self.form.t(lang, f"{self.spec.id}.form.summary_title")),
                {"type": "FactSet", "facts": facts},
                paragraph(self.form.t(lang, "form.summary_hint"), isSubtle=True),
            ],
            fallback=f"{self.form.t(lang, f'{self.spec.id}.form.summary_title')}\n{fallback}",
            actions=[
                submit(self.form.t(lang, "form.confirm"), f"{self.spec.id}.confirm", style="positive", token=token),
                submit(self.form.t(lang, "form.change"), f"{self.spec.id}.change"),
                submit(self.form.t(lang, "form.cancel"), f"{self.spec.id}.cancel", validate=False, style="destructive"),
            ],
        )

    def _change_card(self, lang: str, values: dict[str, Any], *, show_current: bool = False) -> dict[str, Any]:
        """What to change: a numbered choice, or the whole form. `show_current`: the values as they are now
        above it (a form that opens here, to change something that exists)."""
        visible = self._visible(values)
        listing = "\n".join(f"{i}. {self.form.label(lang, f)}" for i, f in enumerate(visible, start=1))
        text = self.form.t(lang, "form.change_which")
        whole_form = self._form_card(lang, values)
        whole_form.pop("$schema", None)
        whole_form["body"] = whole_form["body"][1:]  # one heading per card: the form inside goes without its own
        # A numbered list to choose from (the numbers are what those who type can answer with).
        choices = {
            "type": "Input.ChoiceSet",
            "id": "field",
            "label": self.form.t(lang, "form.change_field"),
            "style": "expanded",
            "wrap": True,
            "choices": [{"title": f"{i}. {self.form.label(lang, f)}", "value": f.name} for i, f in enumerate(visible, start=1)],
        }
        title = self.form.t(lang, f"{self.spec.id}.form.title" if show_current else "form.change_title")
        body: list[dict[str, Any]] = [heading(title)]
        fallback = f"{text}\n{listing}"
        if show_current:
            facts = self._facts(lang, values)
            body.append({"type": "FactSet", "facts": facts})
            fallback = "\n".join([*(f"{f['title']}: {f['value']}" for f in facts), fallback])
        return card(
            [*body, paragraph(text), choices],
            fallback=fallback,
            actions=[
                submit(self.form.t(lang, "form.change"), f"{self.spec.id}.field", style="positive"),
                {"type": "Action.ShowCard", "title": self.form.t(lang, "form.change_all"), "card": whole_form},
                submit(self.form.t(lang, "form.cancel"), f"{self.spec.id}.cancel", validate=False),
            ],
        )


def _comparable(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as compared to tell whether an edit changed anything: empty ones left out, numbers and
    texts alike, the order of a multiple choice ignored."""
    plain: dict[str, Any] = {}
    for name, value in values.items():
        if name.endswith("__raw") or value in (None, "", []):
            continue
        plain[name] = sorted(str(v) for v in value) if isinstance(value, list) else str(value)
    return plain


def _as_number(value: Any) -> int | float | None:
    """A number to prefill Input.Number with (the user's own, even when out of range, so the card shows what
    to fix): finite and at most twelve digits, else None (left empty)."""
    if isinstance(value, bool) or value is None:
        return None
    number: int | float
    if isinstance(value, (int, float)):
        number = value
    else:
        text = str(value).strip().replace(",", ".")
        if not re.fullmatch(r"-?[0-9]{1,12}(?:\.[0-9]{1,6})?", text):
            return None  # "nan", "Infinity", "1e400", words
        number = int(text) if "." not in text else float(text)
    if not math.isfinite(number) or abs(number) >= 10**12:
        return None
    return number


_AMOUNT_IN_TEXT = re.compile(r"(?<![\w.,-])(\d[\d.,]*)\s*(k|duizend|thousand|miljoen|million)?(?![\w])", re.IGNORECASE)
_MULTIPLIERS = {"k": 1000, "duizend": 1000, "thousand": 1000, "miljoen": 1_000_000, "million": 1_000_000}


def _amount_in_words(text: str) -> str | None:
    """The one amount a typed answer names among other words ("ongeveer 5000", "about 10k"), else None."""
    found = _AMOUNT_IN_TEXT.findall(text)
    if len(found) != 1:
        return None
    number, multiplier = found[0]
    try:
        amount = Decimal(validators.euro_amount(number)) * _MULTIPLIERS.get(multiplier.lower(), 1)
        return validators.euro_amount(f"{amount:.2f}")
    except Invalid:
        return None


def _euro(value: str, lang: str) -> str:
    return format_currency(value, "EUR", locale="nl_NL" if lang == "nl" else "en_GB")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", plain))


def _is_only_yes_no(yes_no: YesNo, text: str, lang: str) -> bool:
    """'ja' or 'nee graag', not 'ja, we willen in januari contact': the whole message is the answer."""
    words = _fold(text).split()
    return 0 < len(words) <= 2 and yes_no.match(text, lang) is not None


_LABEL_STOP = frozenset({"and", "en", "the", "het", "de", "van", "of", "alleen", "only", "ook", "also"})


def _label_mentioned(folded_text: str, labels: list[str], shared: frozenset[str] = frozenset()) -> bool:
    """A label word (five letters or more, and in no other option's label: `shared`) begins a word of the
    text: "afvalbeheer" mentions "Afval"; "water management" does not mention "Crisis management"."""
    words = folded_text.split()
    for label in labels:
        for part in _fold(label).split():
            if len(part) < 5 or part in _LABEL_STOP or part in shared:
                continue
            stem = part[:6]
            if any(word.startswith(stem) for word in words):
                return True
    return False


def find_municipality(utterance: str, known: validators.Municipalities | None) -> str | None:
    """A municipality a message names after a cue ("gemeente Utrecht", "namens Zwolle", "our municipality
    Deventer"): the official name, or None when the message names none (or more than one)."""
    if known is None:
        return None
    words = [m.group(0) for m in _WORD.finditer(utterance)]
    found: set[str] = set()
    for start in range(1, len(words)):
        cued = _fold(words[start - 1]) in _NAME_CUES or (
            start >= 2 and _fold(words[start - 2]) in _NAME_CUES and _fold(words[start - 1]) in ("de", "the")
        )
        if not cued:
            continue
        for length in (4, 3, 2, 1):
            piece = words[start : start + length]
            if len(piece) < length or (not piece[0][:1].isupper() and not piece[0].startswith("'")):
                continue
            name = known.exact(" ".join(piece))
            if name is not None:
                found.add(name)
                break
    return found.pop() if len(found) == 1 else None
