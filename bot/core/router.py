"""Sends each message to the one part that owns it.

- a card submit -> the active dialog when the card's action belongs to it, else the registered action handler;
- an active guided conversation -> continue it;
- new text -> one recognizer decides: start a job (intent) or answer a question.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from botbuilder.core import MessageFactory, StatePropertyAccessor, TurnContext
from botbuilder.dialogs import DialogContext, DialogSet

from bot.core.cards import ACTION_JOB_START, CoreCards, card_activity
from bot.core.i18n import Catalog
from bot.core.metrics import set_turn_kind
from bot.core.personal_chat import PersonalChat
from bot.core.profile import UserProfile
from bot.core.turn import card_value, clean_text, is_group, lang_of, set_lang

log = logging.getLogger(__name__)

ActionHandler = Callable[[DialogContext, dict[str, Any]], Awaitable[None]]
JobHandler = Callable[[DialogContext], Awaitable[None]]
CommandMatcher = Callable[[TurnContext, str], bool]


class Answerer(Protocol):
    async def respond(self, turn_context: TurnContext, text: str, recognition: Any) -> None: ...

    async def overrides_intent(self, turn_context: TurnContext, text: str, recognition: Any) -> bool:
        """True when a message recognized as a task asks questions instead (several, or a claim to check)."""
        ...


class Router:
    def __init__(
        self,
        *,
        catalog: Catalog,
        cards: CoreCards,
        recognizer: Any,
        dialogs: DialogSet,
        profile: StatePropertyAccessor,
        answerer: Answerer | None = None,
        personal_chat: PersonalChat | None = None,
    ):
        self._catalog = catalog
        self._cards = cards
        self._recognizer = recognizer
        self._dialogs = dialogs
        self._profile = profile
        self._answerer = answerer
        self._job_dialogs: dict[str, str] = {}
        self._personal_jobs: set[str] = set()  # done in a personal chat only (bot/core/personal_chat.py)
        self._personal_chat = personal_chat
        self._jobs: dict[str, JobHandler] = {
            "greeting": self._welcome,
            "menu": self._menu,
            "help": self._help,
            "thanks": self._thanks,
            "cancel": self._nothing_to_cancel,
            "lang_en": lambda dc: self._switch_language(dc, "en"),
            "lang_nl": lambda dc: self._switch_language(dc, "nl"),
        }
        self._actions: dict[str, ActionHandler] = {ACTION_JOB_START: self._on_job_start}
        self._commands: list[tuple[CommandMatcher, JobHandler]] = []

    # --- wiring -------------------------------------------------------------------------------
    def set_answerer(self, answerer: Answerer) -> None:
        self._answerer = answerer

    def add_job_dialog(self, job: str, dialog_id: str, *, personal: bool = False) -> None:
        """A job done by a guided conversation (its card actions are named `<dialog_id>.*`). A `personal` job
        (it shows or asks for personal data) is never done in a channel or group chat: it moves to a personal chat."""
        self._job_dialogs[job] = dialog_id
        if personal:
            self._personal_jobs.add(job)

    def add_job(self, job: str, handler: JobHandler) -> None:
        self._jobs[job] = handler

    def add_action(self, action: str, handler: ActionHandler) -> None:
        self._actions[action] = handler

    def add_command(self, matches: CommandMatcher, handler: JobHandler) -> None:
        """A strict command (the whole typed message, e.g. an organizer command in a channel), checked before
        an active dialog and intent recognition; `matches(turn_context, clean_text)` must be cheap and exact."""
        self._commands.append((matches, handler))

    def knows_job(self, job: str) -> bool:
        return job in self._job_dialogs or job in self._jobs

    # --- routing ------------------------------------------------------------------------------
    async def route(self, turn_context: TurnContext) -> None:
        dc = await self._dialogs.create_context(turn_context)
        value = card_value(turn_context.activity)
        if value is not None:
            set_turn_kind(turn_context, "card")
            await self._on_card(dc, value)
            return
        text = clean_text(turn_context.activity)
        for matches, handler in self._commands:
            if text and matches(turn_context, text):
                set_turn_kind(turn_context, "command")
                await handler(dc)
                return
        if dc.active_dialog is not None:
            set_turn_kind(turn_context, "dialog")
            await dc.continue_dialog()
            return
        lang = lang_of(turn_context)
        if not text:
            set_turn_kind(turn_context, "empty")
            await turn_context.send_activity(card_activity(self._cards.menu(lang, note=self._catalog.text(lang, "dialog.text_expected"))))
            return
        recognition = self._recognizer.recognize(text, lang)
        if (
            recognition.kind == "intent"
            and self._answerer is not None
            and await self._answerer.overrides_intent(turn_context, text, recognition)
        ):
            set_turn_kind(turn_context, "question")
            await self._answerer.respond(turn_context, text, recognition)
            return
        set_turn_kind(turn_context, "job" if recognition.kind == "intent" and recognition.intent else "question")
        if recognition.kind == "intent" and recognition.intent and self.knows_job(recognition.intent):
            await self.start_job(dc, recognition.intent)
        elif recognition.kind == "intent" and recognition.intent:
            await self._coming_soon(dc, recognition.intent)
        elif self._answerer is not None:
            await self._answerer.respond(turn_context, text, recognition)
        else:
            await self._menu(dc)

    async def start_job(self, dc: DialogContext, job: str) -> None:
        if job in self._personal_jobs and self._personal_chat is not None and is_group(dc.context.activity):
            await self._personal_chat.move(dc.context, job)
            return
        dialog_id = self._job_dialogs.get(job)
        if dialog_id is not None:
            if dc.active_dialog is not None:
                await dc.cancel_all_dialogs()
                await dc.context.send_activity(self._catalog.text(lang_of(dc.context), "cancel.replaced"))
            await dc.begin_dialog(dialog_id)
            return
        handler = self._jobs.get(job)
        if handler is None:
            await self._coming_soon(dc, job)
            return
        await handler(dc)

    async def _on_card(self, dc: DialogContext, value: dict[str, Any]) -> None:
        action: str = value["action"]
        namespace = action.split(".", 1)[0]
        active = dc.active_dialog
        if active is not None and active.id == namespace:
            await dc.continue_dialog()
            return
        handler = self._actions.get(action)
        if handler is not None:
            await handler(dc, value)
            return
        lang = lang_of(dc.context)
        key = "dialog.stale_card" if namespace in self._job_dialogs.values() else "dialog.unknown_card"
        log.info("card action %s has no owner right now", action)
        await dc.context.send_activity(card_activity(self._cards.menu(lang, note=self._catalog.text(lang, key))))

    async def _on_job_start(self, dc: DialogContext, value: dict[str, Any]) -> None:
        job = value.get("job")
        if not isinstance(job, str) or not job:
            lang = lang_of(dc.context)
            await dc.context.send_activity(card_activity(self._cards.menu(lang, note=self._catalog.text(lang, "dialog.unknown_card"))))
            return
        await self.start_job(dc, job)

    # --- built-in jobs ------------------------------------------------------------------------
    async def _welcome(self, dc: DialogContext) -> None:
        await dc.context.send_activity(card_activity(self._cards.welcome(lang_of(dc.context))))

    async def _menu(self, dc: DialogContext) -> None:
        await dc.context.send_activity(card_activity(self._cards.menu(lang_of(dc.context))))

    async def _help(self, dc: DialogContext) -> None:
        await dc.context.send_activity(card_activity(self._cards.help(lang_of(dc.context))))

    async def _thanks(self, dc: DialogContext) -> None:
        await dc.context.send_activity(MessageFactory.text(self._catalog.text(lang_of(dc.context), "thanks.reply")))

    async def _nothing_to_cancel(self, dc: DialogContext) -> None:
        await dc.context.send_activity(MessageFactory.text(self._catalog.text(lang_of(dc.context), "cancel.nothing")))

    async def _switch_language(self, dc: DialogContext, lang: str) -> None:
        profile: UserProfile = await self._profile.get(dc.context, UserProfile)
        profile.language = lang
        await self._profile.set(dc.context, profile)
        set_lang(dc.context, lang)
        await dc.context.send_activity(MessageFactory.text(self._catalog.text(lang, "language.switched")))

    async def _coming_soon(self, dc: DialogContext, job: str) -> None:
        lang = lang_of(dc.context)
        label = self._catalog.text(lang, f"jobs.{job}") if self._catalog.has(f"jobs.{job}", lang) else job
        await dc.context.send_activity(
            card_activity(self._cards.menu(lang, note=self._catalog.text(lang, "menu.coming_soon", job=label)))
        )


