"""'My registration': see it, switch between in person and online, or cancel (after a yes/no question).

Started by the intent `my_registration`, a 'My registration' button, or a choice button on an older card
(then it starts with that choice). Choices are buttons or typed numbers/labels. Diagram:
dialogs/registration/registration.mmd.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogTurnResult, WaterfallStepContext
from botbuilder.dialogs.prompts import Prompt, PromptOptions, PromptRecognizerResult
from botbuilder.schema import ActivityTypes

from bot.core.cards import card_activity
from bot.core.clock import Clock
from bot.core.turn import card_value, clean_text, lang_of, user_key
from bot.sessions import Session
from dialogs import validators
from dialogs.base import GuidedDialog, StepWaterfall
from dialogs.prompts import YesNoPrompt
from dialogs.services import DialogServices
from storage.registration.models import Registration
from storage.registration.repository import Registrar

ACTION_CHOOSE = "my_registration.choose"
KEEP_CHOICE = "keep"


def switch_choice(session_id: str, mode: str) -> str:
    return f"mode:{session_id}:{mode}"


def cancel_choice(session_id: str) -> str:
    return f"cancel:{session_id}"


class RegistrationLike(Protocol):
    session_id: str
    mode: str
    status: str
    calendar_token: str


@dataclass(frozen=True)
class Listed:
    """One registration as shown to its owner."""

    registration: RegistrationLike
    session: Session
    position: int | None = None  # place on the waitlist


class RegistrationPort(Protocol):
    """What the registration dialogs need from the feature (bot/registration/desk.py's `RegistrationDesk`)."""

    cards: Any  # bot/registration/cards.py's RegistrationCards
    registrar: Registrar
    clock: Clock

    def open_sessions(self) -> list[Session]: ...
    def session(self, session_id: object) -> Session | None: ...
    async def current_sessions(self) -> None: ...
    async def listed(self, registration: Registration) -> Listed | None: ...
    async def listed_for_user(self, user_key: str) -> list[Listed]: ...
    def tell_promoted(self, promoted: tuple[int, ...]) -> None: ...

class OptionPrompt(Prompt):
    """One of the options in `PromptOptions.validations` ([value, label] pairs): by button (`choice`) or
    typed (number, value or label)."""

    async def on_prompt(self, turn_context: TurnContext, state: dict, options: PromptOptions, is_retry: bool):
        activity = options.retry_prompt if is_retry and options.retry_prompt else options.prompt
        if activity is not None:
            await turn_context.send_activity(activity)

    async def on_recognize(self, turn_context: TurnContext, state: dict, options: PromptOptions) -> PromptRecognizerResult:
        result = PromptRecognizerResult()
        activity = turn_context.activity
        if activity.type != ActivityTypes.message:
            return result
        choices = [(str(v), str(label)) for v, label in (options.validations or [])]
        value = card_value(activity)
        if value is not None:
            if value.get("action") == ACTION_CHOOSE and value.get("choice") in {v for v, _ in choices}:
                result.succeeded, result.value = True, value["choice"]
            return result
        try:
            result.value = validators.choice(clean_text(activity), choices)
            result.succeeded = True
        except validators.Invalid:
            pass
        return result


class MyRegistrationDialog(GuidedDialog):
    ID = "my_registration"

    def __init__(self, services: DialogServices, desk: RegistrationPort):
        super().__init__(self.ID, services)
        self.desk = desk
        self.add_dialog(OptionPrompt(f"{self.ID}.choose"))
        self.add_dialog(YesNoPrompt(f"{self.ID}.confirm", services.catalog))
        self.add_dialog(StepWaterfall(f"{self.ID}.steps", [self.overview_step, self.act_step, self.cancel_step]))
        self.initial_dialog_id = f"{self.ID}.steps"

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self.services.catalog.text(lang, key, **params)

    def _options(self, lang: str, items: list[Listed]) -> list[tuple[str, str]]:
        cards = self.desk.cards
        options: list[tuple[str, str]] = []
        for item in items:
            session, registration = item.session, item.registration
            own: list[tuple[str, str]] = []
            for mode in session.modes:
                if mode != registration.mode:
                    label = self.t(lang, "my_registration.options.switch", mode=cards.mode_label(lang, mode, session))
                    own.append((switch_choice(session.id, mode), label))
            own.append((cancel_choice(session.id), self.t(lang, "my_registration.options.cancel")))
            if len(items) > 1:
                name = cards.session_label(lang, session)
                own = [(value, self.t(lang, "my_registration.options.for_session", session=name, option=label)) for value, label in own]
            options.extend(own)
        options.append((KEEP_CHOICE, self.t(lang, "my_registration.options.keep")))
        return options

    async def overview_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Shows the person's registrations and asks what to do; a choice given at the start skips this."""
        lang = lang_of(step.context)
        given = step.options.get("choice") if isinstance(step.options, dict) else None
        if isinstance(given, str) and given:
            return await step.next(given)
        items = await self.desk.listed_for_user(user_key(step.context.activity))
        if not items:
            card = self.desk.cards.not_registered(lang, can_register=bool(self.desk.open_sessions()))
            await step.context.send_activity(card_activity(card))
            return await step.end_dialog()
        options = self._options(lang, items)
        listing = "\n".join(f"{i}. {label}" for i, (_, label) in enumerate(options, start=1))
        return await step.prompt(
            f"{self.ID}.choose",
            PromptOptions(
                prompt=card_activity(self.desk.cards.overview(lang, items, options)),
                retry_prompt=MessageFactory.text(f"{self.t(lang, 'my_registration.retry')}\n\n{listing}"),
                validations=[list(pair) for pair in options],
            ),
        )

    async def act_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Carries out the choice: nothing, switch mode, or (after a question) cancel."""
        lang = lang_of(step.context)
        choice = str(step.result)
        if choice == KEEP_CHOICE:
            await step.context.send_activity(MessageFactory.text(self.t(lang, "my_registration.kept")))
            return await step.end_dialog()
        verb, _, rest = choice.partition(":")
        session_id, _, mode = rest.partition(":") if verb == "mode" else (rest, "", "")
        item = next((i for i in await self.desk.listed_for_user(user_key(step.context.activity)) if i.session.id == session_id), None)
        if item is None or verb not in ("mode", "cancel") or (verb == "mode" and mode not in item.session.modes):
            await step.context.send_activity(MessageFactory.text(self.t(lang, "my_registration.gone")))
            return await step.end_dialog()
        if item.session.has_started(self.desk.clock.now()):
            await step.context.send_activity(MessageFactory.text(self.t(lang, "my_registration.started")))
            return await step.end_dialog()
        if verb == "mode":
            await self._switch(step.context, item, mode)
            return await step.end_dialog()
        step.values["session"] = session_id
        return await step.prompt(
            f"{self.ID}.confirm",
            PromptOptions(
                prompt=card_activity(self.desk.cards.cancel_question(lang, item.session)),
                retry_prompt=MessageFactory.text(self.t(lang, "yesno.retry")),
            ),
        )

    async def cancel_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Cancels when the answer was yes; the freed seat goes to the waitlist (told in the background)."""
        lang = lang_of(step.context)
        if not step.result:
            await step.context.send_activity(MessageFactory.text(self.t(lang, "my_registration.not_cancelled")))
            return await step.end_dialog()
        session = self.desk.session(step.values["session"])
        if session is None:
            await step.context.send_activity(MessageFactory.text(self.t(lang, "my_registration.gone")))
            return await step.end_dialog()
        outcome = await self.desk.registrar.cancel(
            session_id=session.id, user_key=user_key(step.context.activity), capacity=session.capacity, now=self.desk.clock.now()
        )
        key = "my_registration.cancelled" if outcome.kind == "cancelled" else "my_registration.gone"
        await step.context.send_activity(MessageFactory.text(self.t(lang, key)))
        self.desk.tell_promoted(outcome.promoted)
        return await step.end_dialog()

    async def _switch(self, context: TurnContext, item: Listed, mode: str) -> None:
        lang = lang_of(context)
        await self.desk.current_sessions()
        session = self.desk.session(item.session.id) or item.session
        label = self.desk.cards.mode_label(lang, mode, session)
        outcome = await self.desk.registrar.switch_mode(
            session_id=session.id, user_key=user_key(context.activity), to_mode=mode, capacity=session.capacity, now=self.desk.clock.now()
        )
        if outcome.kind == "switched":
            await context.send_activity(MessageFactory.text(self.t(lang, "my_registration.switched", mode=label)))
            assert outcome.registration is not None  # a switch returns the switched registration
            updated = await self.desk.listed(outcome.registration)
            if updated is not None:  # None when the session has left the list since the card was shown
                await context.send_activity(card_activity(self.desk.cards.confirmation(lang, updated)))
            self.desk.tell_promoted(outcome.promoted)
        elif outcome.kind == "same":
            await context.send_activity(MessageFactory.text(self.t(lang, "my_registration.switch_same", mode=label)))
        elif outcome.kind == "full":
            await context.send_activity(MessageFactory.text(self.t(lang, "my_registration.switch_full", mode=label)))
        else:
            await context.send_activity(MessageFactory.text(self.t(lang, "my_registration.gone")))

