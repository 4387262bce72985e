"""Sends each message to the one part that owns it.

- a card submit -> the active dialog when the card's action belongs to it, else the registered action handler;
- an active guided conversation -> continue it (the dialog itself tells answers from questions, commands and
  other tasks: dialogs/base.py, which asks this router to answer, switch language or name a job: `TurnPort`);
- new text is understood first (`_understand`):
  - no words (an emoji) or an acknowledgement ("oké, duidelijk") -> a short friendly reply;
  - another language than Dutch or English -> which languages the assistant speaks, in that language where the
    catalog has it, and in Dutch and English; thanks in another language -> "you're welcome";
  - clearly Dutch or English -> replies in that language for this turn, whatever the locale;
  - a greeting or thanks around a request is taken off, and the rest handled ("Hallo, waar is het?");
  - a request plus a question ("Ik wil me aanmelden. Waar is het?") -> the answer, then the task;
  - a task in plain words, also when names and amounts make the recognizer unsure ("Wij willen 25.000 euro
    bijdragen"), or asked of the assistant as a question ("could you sign me up?") -> the task, started with
    the message so the form can pre-fill what it says;
  - else one recognizer decides: start a job (intent) or answer a question. An answer may be replaced by a
    feature (`add_answer_override`): registration help when no session is open, say.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from botbuilder.core import MessageFactory, StatePropertyAccessor, TurnContext
from botbuilder.dialogs import DialogContext, DialogSet

from bot.core.cards import ACTION_JOB_START, CoreCards, card_activity
from bot.core.i18n import LANGUAGES, Catalog
from bot.core.metrics import set_turn_kind
from bot.core.personal_chat import PersonalChat
from bot.core.profile import UserProfile
from bot.core.turn import card_value, clean_text, is_group, lang_of, set_lang
from bot.nlu.commands import CommandWords
from bot.nlu.langguess import OtherLanguages

log = logging.getLogger(__name__)

ActionHandler = Callable[[DialogContext, dict[str, Any]], Awaitable[None]]
JobHandler = Callable[[DialogContext], Awaitable[None]]
CommandMatcher = Callable[[TurnContext, str], bool]
AnswerOverride = Callable[[TurnContext], Awaitable[bool]]  # True: it replied instead of the answer
# Numbers and names (capitalized words after the first) carry the details of a task, not the task. An amount
# of money is money, though: it reads as the word "euro" (a money word in content/knowledge/synonyms.yaml), so
# "De gemeente Almere wil 10.000 euro geven" reads "De gemeente wil euro geven", a contribution.
_MONEY = re.compile(r"€\s*\d[\d.,]*|\d[\d.,]*\s*(?:€|k\b|euros?\b|eur\b)", re.IGNORECASE)
_DETAILS = re.compile(r"\d[\d.,]*(?:st|nd|rd|th|ste|de|e)?\b")  # "25.000", "the 4th", "de 4e"
MIN_PLAIN_TASK_WORDS = 2
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CLAUSE = re.compile(r"[,;.!?]+")
_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)
# Built-in jobs that are conversation, not tasks a form could be started for.
SMALL_JOBS = frozenset({"greeting", "thanks", "menu", "help", "cancel", "lang_en", "lang_nl"})


class Answerer(Protocol):
    async def respond(self, turn_context: TurnContext, text: str, recognition: Any) -> None: ...

    async def overrides_intent(self, turn_context: TurnContext, text: str, recognition: Any) -> bool:
        """True when a message recognized as a task asks questions instead (several, or a claim to check)."""
        ...

    async def task_started(self, turn_context: TurnContext, job: str) -> None:
        """A task is starting: what it is about becomes the topic that follow-ups ("en hoe laat?") refer to."""
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
        other_languages: OtherLanguages | None = None,
        personal_chat: PersonalChat | None = None,
        is_organizer: Callable[[TurnContext], bool] = lambda _turn: False,
    ):
        self._is_organizer = is_organizer
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
        self._overrides: dict[str, AnswerOverride] = {}
        self._other_languages = other_languages or OtherLanguages(())
        self._detail_phrases: set[str] = set()  # field values forms read from a request ("online", "Engels")
        self._details: re.Pattern[str] | None = None
        self._ack_words = CommandWords.from_catalog(catalog, {True: "smalltalk.ack_words"}, LANGUAGES)

    # --- wiring -------------------------------------------------------------------------------
    def set_answerer(self, answerer: Answerer) -> None:
        self._answerer = answerer

    def add_job_dialog(self, job: str, dialog_id: str, *, personal: bool = False) -> None:
        """A job done by a guided conversation (its card actions are named `<dialog_id>.*`). A `personal` job
        (it shows or asks for personal data) is never done in a channel or group chat: it moves to a personal chat."""
        self._job_dialogs[job] = dialog_id
        if personal:
            self._personal_jobs.add(job)
        dialog = self._dialogs.find_dialog(dialog_id)
        phrases = getattr(dialog, "detail_phrases", None)
        if callable(phrases):
            self._detail_phrases.update(phrases())
            self._details = None  # compiled again on first use

    @property
    def personal_jobs(self) -> frozenset[str]:
        """The jobs done in a personal chat only (registered with `personal=True`)."""
        return frozenset(self._personal_jobs)

    def add_job(self, job: str, handler: JobHandler, *, personal: bool = False) -> None:
        """A job done by a handler; a `personal` one moves to a personal chat like a personal job dialog."""
        self._jobs[job] = handler
        if personal:
            self._personal_jobs.add(job)

    def add_action(self, action: str, handler: ActionHandler) -> None:
        self._actions[action] = handler

    def add_command(self, matches: CommandMatcher, handler: JobHandler) -> None:
        """A strict command (the whole typed message, e.g. an organizer command in a channel), checked before
        an active dialog and intent recognition; `matches(turn_context, clean_text)` must be cheap and exact."""
        self._commands.append((matches, handler))

    def add_answer_override(self, entry_id: str, handler: AnswerOverride) -> None:
        """Before the answer `entry_id` is sent, `handler` may reply instead (True) — e.g. registration help
        that follows the clock."""
        self._overrides[entry_id] = handler

    def knows_job(self, job: str) -> bool:
        return job in self._job_dialogs or job in self._jobs

    # --- what guided conversations ask of the router (dialogs.services.TurnPort) ------------------
    async def answer_question(self, turn_context: TurnContext, text: str, recognition: Any) -> None:
        """The one question-answering entry point, for free text and for questions asked mid-form."""
        entry_id = getattr(recognition, "entry_id", None)
        if recognition.kind == "answer" and entry_id in self._overrides and await self._overrides[entry_id](turn_context):
            return
        if self._answerer is not None:
            await self._answerer.respond(turn_context, text, recognition)

    async def switch_language(self, turn_context: TurnContext, lang: str) -> None:
        profile: UserProfile = await self._profile.get(turn_context, UserProfile)
        profile.language = lang
        await self._profile.set(turn_context, profile)
        set_lang(turn_context, lang)
        await turn_context.send_activity(MessageFactory.text(self._catalog.text(lang, "language.switched")))

    async def run_job(self, dc: DialogContext, job: str) -> None:
        handler = self._jobs.get(job)
        if handler is None:
            await self._coming_soon(dc, job)
        else:
            await handler(dc)

    def dialog_for(self, job: str) -> str | None:
        return self._job_dialogs.get(job)

    def job_label(self, lang: str, job: str) -> str:
        """A job's name ("Aanmelden voor de bijeenkomst"); a dialog id is read as the job it does, and a
        form no job starts (an organizer's) is named by its title."""
        for name, dialog_id in self._job_dialogs.items():
            if dialog_id == job and not self._catalog.has(f"jobs.{job}", lang):
                job = name
        for key in (f"jobs.{job}", f"{job}.form.title"):
            if self._catalog.has(key, lang):
                return self._catalog.text(lang, key)
        return job

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
        await self._understand(dc, text)

    async def _understand(self, dc: DialogContext, text: str) -> None:
        """A new message, no conversation under way: see the module doc."""
        context = dc.context
        set_turn_kind(context, "smalltalk")  # until it turns out to be a job or a question
        if not _HAS_WORD.search(text):  # an emoji, "!!", "..."
            await self._acknowledge(dc)
            return
        other = self._other_languages.spot(text)
        if other is not None:
            await self._other_language(dc, *other)
            return
        clear = self._recognizer.clear_language(text)
        if clear is not None and clear != lang_of(context):
            set_lang(context, clear)  # this turn only: the person's chosen language stays as it is
        lang = lang_of(context)
        courtesy, rest = self._recognizer.split_courtesy(text)
        if courtesy is not None and not rest:
            await (self._thanks(dc) if courtesy == "thanks" else self._welcome(dc))
            return
        if rest in self._ack_words or (rest and all(word in self._ack_words for word in re.findall(r"[^\W_]+", rest))):
            await self._acknowledge(dc)
            return
        sentences = [s for s in _SENTENCE.split(rest) if _HAS_WORD.search(s)]
        if len(sentences) > 1 and await self._request_and_questions(dc, sentences, rest):
            return
        recognition = self._recognizer.recognize(rest, lang)
        if courtesy is not None:  # the greeting may have carried meaning after all: take the surer reading
            whole = self._recognizer.recognize(text, lang)
            if whole.kind in ("answer", "intent") and whole.intent not in SMALL_JOBS and whole.score > recognition.score:
                recognition = whole
        asked = self._asked_to_do(rest, lang)  # "Kunt u mij inschrijven? Ik kom naar Den Haag.": a request
        if recognition.kind != "intent" or asked is not None:
            task = asked or self.task_in_plain_words(rest, lang, details=True)
            if task is not None:
                set_turn_kind(context, "job")
                await self.start_job(dc, task, utterance=rest)
                return
        if (
            recognition.kind == "intent"
            and self._answerer is not None
            and await self._answerer.overrides_intent(context, rest, recognition)
        ):
            set_turn_kind(context, "question")
            await self.answer_question(context, rest, recognition)
            return
        set_turn_kind(context, "job" if recognition.kind == "intent" and recognition.intent else "question")
        if recognition.kind == "intent" and recognition.intent and self.knows_job(recognition.intent):
            await self.start_job(dc, recognition.intent, utterance=rest)
        elif recognition.kind == "intent" and recognition.intent:
            await self._coming_soon(dc, recognition.intent)
        elif self._answerer is not None:
            await self.answer_question(context, rest, recognition)
        else:
            await self._menu(dc)

    def task_in_plain_words(self, text: str, lang: str, *, details: bool = False) -> str | None:
        """A task said with details the recognizer does not know ("Wij willen 25.000 euro bijdragen", "namens
        de gemeente Utrecht", "in person"): recognized once the numbers and names are left out, and amounts read
        as money; with `details`, a new message's, also the phrases forms read field values from
        (`FormDialog.detail_phrases`; not in a form, whose text fields may hold them: "Online information session").
        What is left must say the task in a few words: "wijzig 1" is a choice from a list, not "wijzig".
        Also asked by guided conversations, for a task said in the middle of another one (`TurnPort`)."""
        money = _MONEY.sub(" euro ", text)
        words = _DETAILS.sub(" ", self._without_details(money) if details else money).split()
        plain = " ".join(w for i, w in enumerate(words) if i == 0 or not w[:1].isupper())
        if len(plain.split()) < MIN_PLAIN_TASK_WORDS or plain == " ".join(text.split()) or self._recognizer.is_question(text, lang):
            return None
        recognition = self._recognizer.recognize(plain, lang)
        job = recognition.intent if recognition.kind == "intent" else None
        return job if job is not None and job not in SMALL_JOBS and self.knows_job(job) else None

    def _asked_to_do(self, text: str, lang: str) -> str | None:
        """"Hi! I'll join via Teams, could you sign me up?": a part of the message that asks the assistant to do
        a task ("could you ...", "kunt u ...": `Recognizer.request_to_bot`) is a request for that task,
        whatever else the message says."""
        for clause in _CLAUSE.split(text):
            asked = self._recognizer.request_to_bot(clause)
            if asked is None:
                continue
            recognition = self._recognizer.recognize(self._without_details(asked), lang)
            job = recognition.intent if recognition.kind == "intent" else None
            if job is not None and job not in SMALL_JOBS and self.knows_job(job):
                return job
        return None

    def _without_details(self, text: str) -> str:
        """The text without the phrases forms read field values from: "I'd like to attend in person" is a
        registration whatever the recognizer makes of "in person" (a question about the location)."""
        if not self._detail_phrases:
            return text
        if self._details is None:
            alternatives = sorted((re.escape(p) for p in self._detail_phrases), key=len, reverse=True)
            self._details = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)
        return self._details.sub(" ", text)

    async def _request_and_questions(self, dc: DialogContext, sentences: list[str], whole: str) -> bool:
        """"Ik wil me aanmelden. Waar is het?": every question answered, then the one task started."""
        lang = lang_of(dc.context)
        jobs: list[tuple[str, str]] = []
        questions: list[tuple[str, Any]] = []
        for sentence in sentences:
            recognition = self._recognizer.recognize(sentence, lang)
            if recognition.kind == "intent" and recognition.intent not in SMALL_JOBS and self.knows_job(recognition.intent):
                jobs.append((recognition.intent, sentence))
            elif recognition.kind == "answer" and self._recognizer.is_question(sentence, lang):
                questions.append((sentence, recognition))
        if len({job for job, _ in jobs}) != 1 or not questions:
            return False
        for sentence, recognition in questions:
            await self.answer_question(dc.context, sentence, recognition)
        await self.start_job(dc, jobs[0][0], utterance=jobs[0][1])
        return True

    async def _acknowledge(self, dc: DialogContext) -> None:
        await dc.context.send_activity(MessageFactory.text(self._catalog.text(lang_of(dc.context), "smalltalk.ack")))

    async def _other_language(self, dc: DialogContext, code: str, thanks: bool) -> None:
        lang = lang_of(dc.context)
        if thanks:
            await self._thanks(dc)
            return
        lines = [self._catalog.text(lang, f"language.other.{code}")] if self._catalog.has(f"language.other.{code}", lang) else []
        lines += [self._catalog.text(other, "language.other.spoken") for other in (lang, *(o for o in LANGUAGES if o != lang))]
        await dc.context.send_activity(MessageFactory.text("\n\n".join(lines)))

    async def start_job(self, dc: DialogContext, job: str, *, utterance: str | None = None) -> None:
        """Start a job; `utterance`, the message that asked for it, lets its form pre-fill what it says."""
        if job in self._personal_jobs and self._personal_chat is not None and is_group(dc.context.activity):
            await self._personal_chat.move(dc.context, job)
            return
        if self._answerer is not None and job not in SMALL_JOBS:
            await self._answerer.task_started(dc.context, job)
        dialog_id = self._job_dialogs.get(job)
        if dialog_id is not None:
            if dc.active_dialog is not None:
                await dc.cancel_all_dialogs()
                await dc.context.send_activity(self._catalog.text(lang_of(dc.context), "cancel.replaced"))
            await dc.begin_dialog(dialog_id, {"utterance": utterance} if utterance else None)
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
        await dc.context.send_activity(card_activity(self._cards.welcome(lang_of(dc.context), organizer=self._is_organizer(dc.context))))

    async def _menu(self, dc: DialogContext) -> None:
        await dc.context.send_activity(card_activity(self._cards.menu(lang_of(dc.context))))

    async def _help(self, dc: DialogContext) -> None:
        await dc.context.send_activity(card_activity(self._cards.help(lang_of(dc.context), organizer=self._is_organizer(dc.context))))

    async def _thanks(self, dc: DialogContext) -> None:
        await dc.context.send_activity(MessageFactory.text(self._catalog.text(lang_of(dc.context), "thanks.reply")))

    async def _nothing_to_cancel(self, dc: DialogContext) -> None:
        await dc.context.send_activity(MessageFactory.text(self._catalog.text(lang_of(dc.context), "cancel.nothing")))

    async def _switch_language(self, dc: DialogContext, lang: str) -> None:
        await self.switch_language(dc.context, lang)

    async def _coming_soon(self, dc: DialogContext, job: str) -> None:
        lang = lang_of(dc.context)
        label = self._catalog.text(lang, f"jobs.{job}") if self._catalog.has(f"jobs.{job}", lang) else job
        await dc.context.send_activity(
            card_activity(self._cards.menu(lang, note=self._catalog.text(lang, "menu.coming_soon", job=label)))
        )


