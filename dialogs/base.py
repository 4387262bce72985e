"""The base of every guided conversation: before a step takes a typed message as its answer, the message is
understood, the same way in every form and prompt.

- 'help', 'menu' and 'stop'/'annuleren'/'cancel' work at any step (whole-message commands);
- 'English please' / 'Nederlands' switches the language and asks the same question again, except where the
  question asks to choose a language: there "Engels" is the answer;
- 'terug' / 'back' goes to the previous question (`go_back`; a form goes one field back);
- when the message is not an answer to what was asked (`accepts`), or clearly asks for another task even where
  the field would take any text (a remark, a role, a question to forward: "mijn gegevens" is no remark), it may be
  - a question: it is answered (the bot's one question-answering entry point) and the question is asked again;
  - another task ("ik wil liever expertise aanbieden", also in plain words with details: "Wij willen 25.000 euro
    bijdragen"): the person is asked whether to leave this one; what was filled in stays. Yes: the other task
    runs, pre-filled from that message, and afterwards this one continues where it was. No: this one goes on,
    and the next answer is taken as it is;
  - thanks or a greeting: a short reply, and the question again;
  (a message that is not an answer and is clearly Dutch or English gets its reply, and the question again, in
  that language this turn; an answer never changes the language: a title may well be English);
  - anything else: the step's own handling (its "please try again").
"""

from __future__ import annotations

import re
from typing import Any

from botbuilder.core import MessageFactory
from botbuilder.dialogs import (
    ComponentDialog,
    DialogContext,
    DialogReason,
    DialogTurnResult,
    DialogTurnStatus,
    WaterfallDialog,
)
from botbuilder.dialogs.prompts import Prompt
from botbuilder.schema import ActivityTypes

from bot.core.cards import card, card_activity, paragraph, submit
from bot.core.i18n import LANGUAGES
from bot.core.turn import card_value, clean_text, lang_of, set_lang
from bot.nlu.commands import CommandWords
from bot.nlu.text import tokens
from dialogs.prompts import YesNo, YesNoPrompt
from dialogs.services import DialogServices

INTERRUPTIONS = ("cancel", "help", "menu")
LANGUAGE_SWITCHES = {"lang_en": "en", "lang_nl": "nl"}
SMALL_TALK = ("thanks", "greeting")
MIN_SWITCH_WORDS = 3
# A message a field would take as its answer is still another task when it is clearly one: one of the task's
# own phrasings of two words or more ("mijn gegevens", "delete my data"), or a sure recognition ("ik wil ook
# expertise aanbieden"); not a role such as "medewerker", nor a remark that mentions a task in passing.
SURE_TASK_SCORE = 0.85
MIN_TASK_WORDS = 2
PENDING_SWITCH = "vng.switch_to"  # in the dialog's own state: the job the person was asked to switch to
PENDING_UTTERANCE = "vng.switch_said"  # ... and the message that asked for it (the other task pre-fills from it)
TAKE_NEXT = "vng.take_next"  # the person chose to stay: their next answer is taken as it is
# Jobs that are not tasks to leave this one for: they are answered in place (or are this dialog's own).
NOT_TASKS = frozenset({*INTERRUPTIONS, *LANGUAGE_SWITCHES, *SMALL_TALK, "ask_question"})
# A longer message says its parts between commas and full stops, or around "maar"/"but".
_CLAUSES = re.compile(r"[,;.!?]+|\s(?:maar|but)\s", re.IGNORECASE)


def _folded_phrases(phrases: str) -> list[str]:
    """A catalog's comma-separated phrases as folded words ("Laat maar, I meant" -> ["laat maar", "i meant"])."""
    return [folded for folded in (" ".join(tokens(p)) for p in phrases.split(",")) if folded]


STEP_INPUT = "vng.step_input"  # in a StepWaterfall's state: what its current step was run with
_PLAIN = (str, bool, int, float, type(None))


class StepWaterfall(WaterfallDialog):
    """A waterfall that remembers what each step was run with (a plain value: the previous prompt's answer),
    so that its current step can be run again: after a language switch, the question is asked anew in the
    new language, cards included (`GuidedDialog.ask_in_new_language`)."""

    async def run_step(self, dialog_context: DialogContext, index: int, reason: DialogReason, result: object) -> DialogTurnResult:
        if dialog_context.active_dialog is not None and isinstance(result, _PLAIN):
            dialog_context.active_dialog.state[STEP_INPUT] = result
        return await super().run_step(dialog_context, index, reason, result)

    async def run_again(self, dialog_context: DialogContext) -> DialogTurnResult:
        state = dialog_context.active_dialog.state
        return await self.run_step(dialog_context, state[self.StepIndex], DialogReason.ReplaceCalled, state.get(STEP_INPUT))


class GuidedDialog(ComponentDialog):
    """A ComponentDialog whose `on_continue_dialog` first understands the message (see the module doc)."""

    def __init__(self, dialog_id: str, services: DialogServices):
        super().__init__(dialog_id)
        self.services = services
        self._back_words = CommandWords.from_catalog(services.catalog, {True: "turn.back_words"}, LANGUAGES)
        self._yes_no = YesNo(services.catalog)
        catalog = services.catalog
        self._switch_cues = tuple(dict.fromkeys(c for code in LANGUAGES for c in _folded_phrases(catalog.raw(code, "turn.switch_cues"))))
        self._openers = {code: _folded_phrases(catalog.raw(code, "turn.request_openers")) for code in LANGUAGES}

    # --- hooks a dialog may override --------------------------------------------------------------
    def accepts(self, inner_dc: DialogContext, text: str) -> bool:
        """Whether `text` answers what this dialog asks now. Default: a yes/no prompt wants yes or no; a text
        prompt takes anything (it asks for a question, or free text); a form asks its engine."""
        active = inner_dc.active_dialog
        if active is None:
            return True
        dialog = self._dialogs.find_dialog(active.id)
        accepts = getattr(dialog, "accepts", None)
        if callable(accepts):
            return bool(accepts(active.state, text, lang_of(inner_dc.context)))
        if isinstance(dialog, YesNoPrompt):
            return self._yes_no.match(text, lang_of(inner_dc.context)) is not None
        return True  # a text prompt (a question, free text) or a dialog that reads its own words

    def names_option(self, inner_dc: DialogContext, text: str) -> bool:
        """Whether the message names one of the options the step asks to choose from ("English" when asked
        for working languages): then it is the answer, not the command it would also be."""
        active = inner_dc.active_dialog
        dialog = self._dialogs.find_dialog(active.id) if active is not None else None
        names_option = getattr(dialog, "names_option", None)
        return active is not None and callable(names_option) and bool(names_option(active.state, text, lang_of(inner_dc.context)))

    async def go_back(self, inner_dc: DialogContext) -> DialogTurnResult:
        """'terug'/'back'. A form goes one field back; elsewhere there is nothing to go back to."""
        active = inner_dc.active_dialog
        dialog = self._dialogs.find_dialog(active.id) if active is not None else None
        go_back = getattr(dialog, "go_back", None)
        if callable(go_back):
            return await go_back(inner_dc)
        await inner_dc.context.send_activity(MessageFactory.text(self.services.catalog.text(lang_of(inner_dc.context), "turn.back_none")))
        await self.ask_again(inner_dc)
        return DialogTurnResult(DialogTurnStatus.Waiting)

    async def ask_again(self, inner_dc: DialogContext) -> None:
        """Repeat the question this dialog is waiting on."""
        await inner_dc.reprompt_dialog()

    async def ask_in_new_language(self, inner_dc: DialogContext) -> None:
        """After a language switch: a prompt of a `StepWaterfall` is asked anew (its step runs again, in the
        new language); a form renders its question in the language of the turn anyway."""
        stack = inner_dc.stack
        if len(stack) >= 2 and isinstance(self._dialogs.find_dialog(stack[0].id), Prompt):
            waterfall = self._dialogs.find_dialog(stack[1].id)
            if isinstance(waterfall, StepWaterfall) and STEP_INPUT in stack[1].state:
                stack.pop(0)  # the prompt in the old language: the step asks it again
                await waterfall.run_again(inner_dc)
                return
        await self.ask_again(inner_dc)

    # --- the turn --------------------------------------------------------------------------------
    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        interrupted = await self._interrupt(inner_dc)
        if interrupted is not None:
            return interrupted
        return await super().on_continue_dialog(inner_dc)

    async def resume_dialog(self, dialog_context: DialogContext, reason: DialogReason, result: object = None) -> DialogTurnResult:
        """Another task the person switched to has ended: back to this one, where it was."""
        lang = lang_of(dialog_context.context)
        turns = self.services.turns
        label = turns.job_label(lang, self.id) if turns is not None else self.id
        await dialog_context.context.send_activity(MessageFactory.text(self.services.catalog.text(lang, "turn.resumed", task=label)))
        return await super().resume_dialog(dialog_context, reason, result)

    def _own_state(self, inner_dc: DialogContext) -> dict[str, Any]:
        parent = inner_dc.parent
        instance = parent.active_dialog if parent is not None else None
        return instance.state if instance is not None else {}

    async def _interrupt(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        activity = inner_dc.context.activity
        if activity.type != ActivityTypes.message:
            return None
        state = self._own_state(inner_dc)
        value = card_value(activity)
        if value is not None:
            if state.get(PENDING_SWITCH) and value["action"] == f"{self.id}.switch" and value.get("answer") in ("yes", "no"):
                return await self._on_switch_answer(inner_dc, state, value["answer"] == "yes")
            return None
        text = clean_text(activity)
        if not text:
            return None
        recognizer = self.services.recognizer
        lang = lang_of(inner_dc.context)
        catalog, cards = self.services.catalog, self.services.cards
        command = recognizer.match_command(text, INTERRUPTIONS)
        if command == "cancel":
            for key in (PENDING_SWITCH, PENDING_UTTERANCE, TAKE_NEXT):
                state.pop(key, None)
            await inner_dc.context.send_activity(MessageFactory.text(catalog.text(lang, "cancel.done")))
            return await inner_dc.cancel_all_dialogs()
        if command == "help":
            await inner_dc.context.send_activity(card_activity(cards.help(lang)))
            await self.ask_again(inner_dc)
            return DialogTurnResult(DialogTurnStatus.Waiting)
        if command == "menu":  # show the choices; the user may go on where they were or pick another job
            await inner_dc.context.send_activity(card_activity(cards.menu(lang, note=catalog.text(lang, "dialog.menu_hint"))))
            return DialogTurnResult(DialogTurnStatus.Waiting)
        if state.get(PENDING_SWITCH):
            answer = self._yes_no.match(text, lang)
            if answer is not None:
                return await self._on_switch_answer(inner_dc, state, answer)
            state.pop(PENDING_SWITCH, None)  # something else: the question lapses
            state.pop(PENDING_UTTERANCE, None)
        switch = recognizer.match_command(text, tuple(LANGUAGE_SWITCHES))
        turns = self.services.turns
        if switch is not None and turns is not None and not self.names_option(inner_dc, text):
            await turns.switch_language(inner_dc.context, LANGUAGE_SWITCHES[switch])
            await self.ask_in_new_language(inner_dc)
            return DialogTurnResult(DialogTurnStatus.Waiting)
        if text in self._back_words:
            return await self.go_back(inner_dc)
        if turns is None:
            return None
        take_as_answer = state.pop(TAKE_NEXT, False)
        if self.accepts(inner_dc, text) and (take_as_answer or not self._asks_other_task(text, lang)):
            return None
        return await self._not_an_answer(inner_dc, state, text)

    def _asks_other_task(self, text: str, lang: str) -> bool:
        """Whether a message the step would take as its answer clearly asks for another task (see SURE_TASK_SCORE)."""
        turns = self.services.turns
        assert turns is not None
        _courtesy, rest = self.services.recognizer.split_courtesy(text)
        rest = rest or text
        recognition = self.services.recognizer.recognize(rest, lang)
        job = recognition.intent if recognition.kind == "intent" else None
        sure = job is not None and recognition.score >= SURE_TASK_SCORE and len(rest.split()) >= MIN_TASK_WORDS
        if not sure:
            job = turns.task_in_plain_words(rest, lang)
        if job is None or job in NOT_TASKS:
            found = self._task_instead(rest, lang)
            job = found[0] if found is not None else job
        return job is not None and job not in NOT_TASKS and turns.knows_job(job) and turns.dialog_for(job) != self.id

    def _task_instead(self, text: str, lang: str) -> tuple[str, str] | None:
        """(job, the part that asks for it) when a message says it wants something else instead, in one of its
        parts: "Hmm, laat maar, ik wil toch liever geld geven", "actually, can I offer an expert instead?".
        Only with a word that says so (`turn.switch_cues`); a question that opens as a request ("kan ik",
        `turn.request_openers`) is read as the wish it is ("ik wil ..."). The last part that asks for a task wins."""
        turns = self.services.turns
        assert turns is not None
        folded = " ".join(tokens(text))
        cues = self._switch_cues
        if not any(f" {cue} " in f" {folded} " for cue in cues):
            return None
        recognizer = self.services.recognizer
        found: tuple[str, str] | None = None
        for clause in (c.strip() for c in _CLAUSES.split(text)):
            words = " ".join(tokens(clause))
            for cue in cues:
                words = f" {words} ".replace(f" {cue} ", " ").strip()
            if len(words.split()) < MIN_TASK_WORDS:
                continue
            for code in LANGUAGES:
                opener = next((o for o in self._openers[code] if words.startswith(o + " ")), None)
                if opener is not None:
                    wish = self.services.catalog.text(code, "turn.request_wish")
                    words = f"{wish} {words[len(opener):].strip()}"
                    break
            recognition = recognizer.recognize(words, lang)
            job = recognition.intent if recognition.kind == "intent" else turns.task_in_plain_words(clause, lang)
            if job is not None and job not in NOT_TASKS and turns.knows_job(job) and turns.dialog_for(job) != self.id:
                found = (job, clause)
        return found

    async def _not_an_answer(self, inner_dc: DialogContext, state: dict[str, Any], text: str) -> DialogTurnResult | None:
        """The message does not answer the question: a question, another task, small talk, or a mistake."""
        turns = self.services.turns
        assert turns is not None
        context = inner_dc.context
        catalog = self.services.catalog
        recognizer = self.services.recognizer
        clear = recognizer.clear_language(text)
        if clear is not None and clear != lang_of(context):
            set_lang(context, clear)  # a question in English in a Dutch chat: answered, and asked again, in English
        lang = lang_of(context)
        courtesy, rest = recognizer.split_courtesy(text)
        if courtesy is not None and not rest:
            if courtesy == "thanks":
                await context.send_activity(MessageFactory.text(catalog.text(lang, "turn.thanks_mid_task")))
            await self.ask_again(inner_dc)
            return DialogTurnResult(DialogTurnStatus.Waiting)
        recognition = recognizer.recognize(rest or text, lang)
        job = recognition.intent if recognition.kind == "intent" else None
        plain = None if job is not None and job not in NOT_TASKS else turns.task_in_plain_words(rest or text, lang)
        if plain is None and (job is None or job in NOT_TASKS or recognition.kind != "intent"):
            instead = self._task_instead(rest or text, lang)  # "laat maar, ik wil liever geld geven"
            if instead is not None:
                plain, rest = instead
        if plain is not None:  # "Wij willen graag 25.000 euro bijdragen": a task with details
            job = plain
        elif job in LANGUAGE_SWITCHES:  # "Can we continue in English?"
            await turns.switch_language(context, LANGUAGE_SWITCHES[job])
            await self.ask_in_new_language(inner_dc)
            return DialogTurnResult(DialogTurnStatus.Waiting)
        if job is not None and job not in NOT_TASKS and turns.dialog_for(job) is None and turns.knows_job(job):
            # A job done in one reply ("mijn gegevens") leaves nothing: do it, then ask the question again.
            await turns.run_job(inner_dc.parent or inner_dc, job)
            await self.ask_again(inner_dc)
            return DialogTurnResult(DialogTurnStatus.Waiting)
        # Another task, when said in so many words or in one of its own phrasings ("medewerker"); "call me"
        # at a phone number is a poor answer, not a wish to leave.
        said = plain is not None or recognition.score >= 1.0 or len((rest or text).split()) >= MIN_SWITCH_WORDS
        if said and job is not None and job not in NOT_TASKS and job != self.id and turns.dialog_for(job) not in (None, self.id):
            state[PENDING_SWITCH] = job
            state[PENDING_UTTERANCE] = rest or text
            question = catalog.text(lang, "turn.switch.question", current=turns.job_label(lang, self.id), other=turns.job_label(lang, job))
            actions = [
                submit(catalog.text(lang, "turn.switch.yes"), f"{self.id}.switch", answer="yes"),
                submit(catalog.text(lang, "turn.switch.no"), f"{self.id}.switch", answer="no"),
            ]
            await context.send_activity(card_activity(card([paragraph(question)], fallback=question, actions=actions)))
            return DialogTurnResult(DialogTurnStatus.Waiting)
        # A question the field cannot take is answered whatever the recognizer made of it: the answerer also
        # checks premises ("het is toch op donderdag?"), derives facts and says honestly what is not known.
        if recognition.kind in ("answer", "suggest") or recognizer.is_question(rest or text, lang):
            await turns.answer_question(context, rest or text, recognition)
            await self.ask_again(inner_dc)
            return DialogTurnResult(DialogTurnStatus.Waiting)
        return None

    async def _on_switch_answer(self, inner_dc: DialogContext, state: dict[str, Any], yes: bool) -> DialogTurnResult:
        job = state.pop(PENDING_SWITCH)
        utterance = state.pop(PENDING_UTTERANCE, None)
        turns = self.services.turns
        lang = lang_of(inner_dc.context)
        if not yes or turns is None:
            state[TAKE_NEXT] = True
            await inner_dc.context.send_activity(MessageFactory.text(self.services.catalog.text(lang, "turn.switch.stayed")))
            await self.ask_again(inner_dc)
            return DialogTurnResult(DialogTurnStatus.Waiting)
        parent = inner_dc.parent
        assert parent is not None
        dialog_id = turns.dialog_for(job)
        if dialog_id is not None:
            # On top of this one: when the other task ends, this one goes on with what was filled in.
            await parent.begin_dialog(dialog_id, {"utterance": utterance} if utterance else None)
        else:  # a job done in one reply ("my data"): do it, then ask this dialog's question again
            await turns.run_job(parent, job)
            await self.ask_again(inner_dc)
        return DialogTurnResult(DialogTurnStatus.Waiting)
