"""The organizers' question desk: open forwarded questions, answering them, and growing the knowledge base.

- An organizer types "open vragen" / "open questions" (a strict command) or presses a button with the
  action `questions.list`: a card with the open questions, newest first, a page at a time, each with an
  "Answer" button (`questions.answer`). Only in a personal chat: the card shows names and questions.
- "Answer" starts the answer form (dialogs/questions/answer_question.py). On confirm the question is claimed in the
  database (once, whoever confirms first), the answer goes to the asker's conversation through `Messenger`
  in the question's language, and the organizer hears whether it arrived (sent, the app was removed, or
  failed: with a "send again" button, `questions.resend`).
- Optionally the knowledge form follows: the question and answer in Dutch and English become a knowledge
  entry, stored and indexed at once (bot/questions/knowledge.py); other instances pick it up on their refresh.

Every organizer function checks the organizer list on every call (`Organizers.authorize`) and is audited.
Logs carry record ids only. Wired by `bot.questions.install`.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext
from sqlalchemy.exc import SQLAlchemyError

from bot.core.cards import CoreCards, card, card_activity, heading, paragraph, send_in_place, submit
from bot.core.clock import DISPLAY_TZ, Clock
from bot.core.i18n import LANGUAGES, Catalog, format_moment, normalize_language
from bot.core.organizers import Organizers
from bot.core.proactive import Delivery, Messenger
from bot.core.turn import is_group, lang_of, user_ids
from bot.nlu import KnowledgeDataError
from bot.nlu.commands import CommandWords
from bot.questions.knowledge import KnowledgeStore
from dialogs.questions.answer_question import ADD_TO_KB, AnswerOutcome, AnswerQuestionDialog
from storage.db import Database
from storage.questions.knowledge import KnowledgeEntries
from storage.questions.repository import ANSWERED, OPEN, QuestionDeskRecords, QuestionView

log = logging.getLogger(__name__)

ACTION_LIST = "questions.list"
ACTION_ANSWER = "questions.answer"
ACTION_RESEND = "questions.resend"
PAGE_SIZE = 5
SHOWN_CHARS = 500  # of a question on the list card (the answer form shows it whole)
FORM_VERBS = ("submit", "confirm", "change", "field", "answer", "cancel")


def _shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None  # a database id (INTEGER), or nothing usable


class QuestionDeskCards:
    def __init__(self, catalog: Catalog):
        self._catalog = catalog

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self._catalog.text(lang, f"question_desk.{key}", **params)

    def asker(self, lang: str, question: QuestionView) -> str:
        if not question.asker_name:
            return self.t(lang, "asker.unknown")
        if question.municipality:
            return self.t(lang, "asker.with_place", name=question.asker_name, municipality=question.municipality)
        return self.t(lang, "asker.name_only", name=question.asker_name)

    def when(self, lang: str, moment: datetime) -> str:
        return format_moment(moment.astimezone(DISPLAY_TZ), lang)

    def language_name(self, lang: str, code: str) -> str:
        return self.t(lang, f"language.{normalize_language(code)}")

    def open_list(self, lang: str, questions: list[QuestionView], *, total: int, page: int, pages: int) -> dict[str, Any]:
        if not questions:
            return card(
                [heading(self.t(lang, "list.title")), paragraph(self.t(lang, "list.empty"))],
                fallback=self.t(lang, "list.empty_fallback"),
            )
        body: list[dict[str, Any]] = [
            heading(self.t(lang, "list.title")),
            paragraph(self.t(lang, "list.count", count=total, page=page, pages=pages), isSubtle=True),
        ]
        for question in questions:
            meta = self.t(lang, "list.meta", language=self.language_name(lang, question.language), date=self.when(lang, question.created_at))
            body.append(
                {
                    "type": "Container",
                    "separator": True,
                    "spacing": "Medium",
                    "items": [
                        paragraph(self.asker(lang, question), weight="Bolder"),
                        paragraph(meta, isSubtle=True, spacing="None"),
                        paragraph(_shorten(question.question)),
                        {"type": "ActionSet", "actions": [submit(self.t(lang, "list.answer"), ACTION_ANSWER, question=question.id)]},
                    ],
                }
            )
        actions = []
        if page > 1:
            actions.append(submit(self.t(lang, "list.previous"), ACTION_LIST, page=page - 1))
        if page < pages:
            actions.append(submit(self.t(lang, "list.next"), ACTION_LIST, page=page + 1))
        return card(body, fallback=self.t(lang, "list.fallback", count=total), actions=actions or None)

    def question(self, lang: str, question: QuestionView) -> dict[str, Any]:
        asker = self.asker(lang, question)
        meta = self.t(lang, "question.meta", language=self.language_name(lang, question.language), date=self.when(lang, question.created_at))
        return card(
            [heading(self.t(lang, "question.title", asker=asker)), paragraph(meta, isSubtle=True, spacing="None"), paragraph(question.question)],
            fallback=self.t(lang, "question.fallback", asker=asker, question=_shorten(question.question)),
        )

    def to_asker(self, lang: str, *, question: str, answer: str) -> dict[str, Any]:
        return card(
            [
                heading(self.t(lang, "to_asker.title")),
                paragraph(answer),
                paragraph(self.t(lang, "to_asker.your_question", question=_shorten(question)), isSubtle=True, spacing="Medium"),
                paragraph(self.t(lang, "to_asker.from"), isSubtle=True),
            ],
            fallback=self.t(lang, "to_asker.fallback", answer=answer),
        )

    def delivery_failed(self, lang: str, question_id: int) -> dict[str, Any]:
        text = self.t(lang, "answer.failed")
        return card([paragraph(text)], fallback=text, actions=[submit(self.t(lang, "answer.resend"), ACTION_RESEND, question=question_id)])


class QuestionDesk:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        catalog: Catalog,
        core_cards: CoreCards,
        messenger: Messenger,
        organizers: Organizers,
        knowledge: KnowledgeStore,
    ):
        self.db = db
        self.clock = clock
        self.catalog = catalog
        self.core_cards = core_cards
        self.messenger = messenger
        self.organizers = organizers
        self.knowledge = knowledge
        self.cards = QuestionDeskCards(catalog)
        self._commands = CommandWords.from_catalog(catalog, {True: "question_desk.list_words"}, LANGUAGES)

    def _say(self, turn_context: TurnContext, key: str, **params: Any):
        return turn_context.send_activity(MessageFactory.text(self.cards.t(lang_of(turn_context), key, **params)))

    async def _outcome(self, turn_context: TurnContext, key: str, **params: Any) -> None:
        """A form's outcome, in place of the summary it confirms (bot/core/cards.py: send_in_place)."""
        await send_in_place(turn_context, MessageFactory.text(self.cards.t(lang_of(turn_context), key, **params)))

    async def _personal_only(self, turn_context: TurnContext) -> bool:
        """True (and says why) in a group chat or channel: the desk shows names and questions."""
        if is_group(turn_context.activity):
            await self._say(turn_context, "personal_only")
            return True
        return False

    # --- the list -----------------------------------------------------------------------------
    def matches(self, _turn_context: TurnContext, text: str) -> bool:
        return text in self._commands

    async def on_command(self, dc: DialogContext) -> None:
        await self.show_list(dc.context, 1)

    async def on_list(self, dc: DialogContext, value: dict[str, Any]) -> None:
        await self.show_list(dc.context, _int(value.get("page")) or 1)

    async def show_list(self, turn_context: TurnContext, page: int) -> None:
        """The open questions, newest first, one page (organizers only, personal chat only)."""
        if not await self.organizers.authorize(turn_context, ACTION_LIST, target=f"page:{page}"):
            return
        if await self._personal_only(turn_context):
            return
        async with self.db.transaction() as session:
            repo = QuestionDeskRecords(session)
            questions, total = await repo.open_page(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
            pages = max(1, math.ceil(total / PAGE_SIZE))
            if page > pages:  # the list shrank since this button was made: show the last page
                page = pages
                questions, total = await repo.open_page(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        lang = lang_of(turn_context)
        await turn_context.send_activity(card_activity(self.cards.open_list(lang, questions, total=total, page=page, pages=pages)))

    # --- answering ----------------------------------------------------------------------------
    async def on_answer(self, dc: DialogContext, value: dict[str, Any]) -> None:
        """'Answer' on the list: shows the question and starts the answer form for it."""
        context = dc.context
        question_id = _int(value.get("question"))
        if not await self.organizers.authorize(context, "questions.answer.open", target=f"forwarded_question:{question_id}"):
            return
        if await self._personal_only(context):
            return
        if question_id is None:
            await context.send_activity(card_activity(self.core_cards.menu(lang_of(context), note=self.catalog.text(lang_of(context), "dialog.unknown_card"))))
            return
        async with self.db.transaction() as session:
            question = await QuestionDeskRecords(session).get(question_id)
        if question is None:
            await self._say(context, "answer.not_found")
            return
        if question.status == ANSWERED:
            await self._say(context, "answer.already_answered")
            return
        if question.status != OPEN:  # erased by the asker ('delete my data'): nobody to answer
            await self._say(context, "answer.not_found")
            return
        if dc.active_dialog is not None:
            await dc.cancel_all_dialogs()
            await context.send_activity(MessageFactory.text(self.catalog.text(lang_of(context), "cancel.replaced")))
        lang = lang_of(context)
        await context.send_activity(card_activity(self.cards.question(lang, question)))
        await dc.begin_dialog(
            AnswerQuestionDialog.ID,
            {"values": {"question_id": question.id, "question": question.question, "language": normalize_language(question.language)}},
        )

    async def answer(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> AnswerOutcome:
        """The answer form's confirmation: claim the question, send the answer, report, audit."""
        question_id = _int(values.get("question_id"))
        target = f"forwarded_question:{question_id}"
        if not await self.organizers.authorize(turn_context, "questions.answer", target=target) or question_id is None:
            return AnswerOutcome()
        organizer = user_ids(turn_context.activity)[1] or ""
        text = str(values.get("answer") or "").strip()
        try:
            async with self.db.transaction() as session:
                repo = QuestionDeskRecords(session)
                claim = await repo.claim_answer(
                    question_id=question_id, answer=text, answered_by=organizer, token=token, now=self.clock.now()
                )
                question = await repo.get(question_id) if claim.outcome == "claimed" else None
        except SQLAlchemyError as error:
            log.error("answer to question %s not saved: %s", question_id, type(error).__name__)
            await self._say(turn_context, "answer.error")
            return AnswerOutcome(stay=True)
        if claim.outcome == "repeat":
            await self._outcome(turn_context, "answer.already_sent")
            return AnswerOutcome()
        if claim.outcome == "missing":
            await self._outcome(turn_context, "answer.not_found")
            return AnswerOutcome()
        if claim.outcome == "answered" or question is None:
            await self._outcome(turn_context, "answer.already_answered")
            return AnswerOutcome()
        delivery = await self.deliver(question, text)
        await self.organizers.audit(organizer, "questions.answer.delivery", target=target, detail={"delivery": delivery.value})
        await self._report(turn_context, question, delivery)
        if values.get(ADD_TO_KB) != "yes":
            return AnswerOutcome()
        source = normalize_language(question.language)
        return AnswerOutcome(
            knowledge={
                "values": {
                    "question_id": question.id,
                    "source_language": source,
                    "original": question.question,
                    f"question_{source}": " ".join(question.question.split()),
                    f"answer_{source}": text,
                }
            }
        )

    async def deliver(self, question: QuestionView, answer: str) -> Delivery:
        """Send the answer to the asker's conversation, in the language the question was asked in."""
        lang = normalize_language(question.language)

        async def build(_turn_context: TurnContext):
            return card_activity(self.cards.to_asker(lang, question=question.question, answer=answer))

        try:
            delivery = await self.messenger.send(question.conversation_reference, build)
        except Exception as error:  # noqa: BLE001 - a broken reference or connector: stored answer, report failure
            log.warning("answer to question %s not delivered (%s)", question.id, type(error).__name__)
            delivery = Delivery.FAILED
        try:
            async with self.db.transaction() as session:
                await QuestionDeskRecords(session).set_delivery(question.id, delivery.value, self.clock.now())
        except SQLAlchemyError as error:
            log.error("delivery status of question %s not saved: %s", question.id, type(error).__name__)
        log.info("answer to question %s: %s", question.id, delivery.value)
        return delivery

    async def _report(self, turn_context: TurnContext, question: QuestionView, delivery: Delivery) -> None:
        lang = lang_of(turn_context)
        asker = self.cards.asker(lang, question)
        if delivery is Delivery.SENT:
            await self._outcome(turn_context, "answer.sent", asker=asker)
        elif delivery is Delivery.GONE:
            await self._outcome(turn_context, "answer.gone", asker=asker)
        else:
            await send_in_place(turn_context, card_activity(self.cards.delivery_failed(lang, question.id)))

    async def on_resend(self, dc: DialogContext, value: dict[str, Any]) -> None:
        """'Send again' after a failed delivery: one more attempt, once, whoever presses first."""
        context = dc.context
        question_id = _int(value.get("question"))
        target = f"forwarded_question:{question_id}"
        if not await self.organizers.authorize(context, ACTION_RESEND, target=target):
            return
        if question_id is None:
            await self._say(context, "answer.nothing_to_resend")
            return
        async with self.db.transaction() as session:
            repo = QuestionDeskRecords(session)
            answer = await repo.claim_resend(question_id)
            question = await repo.get(question_id) if answer is not None else None
        if answer is None or question is None or not question.answer or not question.conversation_reference:
            await self._say(context, "answer.nothing_to_resend")
            return
        delivery = await self.deliver(question, question.answer)
        await self.organizers.audit(user_ids(context.activity)[1] or "", "questions.answer.delivery", target=target,
                                    detail={"delivery": delivery.value, "resend": True})
        await self._report(context, question, delivery)

    # --- the knowledge base -------------------------------------------------------------------
    async def add_knowledge(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> bool:
        """The knowledge form's confirmation: store and index the entry once. False: keep the form open."""
        question_id = _int(values.get("question_id"))
        if not await self.organizers.authorize(turn_context, "knowledge.add", target=f"forwarded_question:{question_id}"):
            return True
        organizer = user_ids(turn_context.activity)[1] or ""
        source = normalize_language(str(values.get("source_language") or ""))
        original = str(values.get("original") or "").strip()
        try:
            added = await self.knowledge.add(
                question={lang: str(values[f"question_{lang}"]) for lang in LANGUAGES},
                answer={lang: str(values[f"answer_{lang}"]) for lang in LANGUAGES},
                examples={source: [original]} if original else {},
                source_question_id=question_id,
                created_by=organizer,
                token=token,
            )
        except KnowledgeDataError as error:
            log.error("knowledge entry for question %s refused: %s", question_id, "; ".join(error.problems))
            await self._say(turn_context, "knowledge.error")
            return True
        except (SQLAlchemyError, LookupError, KeyError) as error:
            log.error("knowledge entry for question %s not saved: %s", question_id, type(error).__name__)
            await self._say(turn_context, "knowledge.error")
            return False
        if not added.created:
            await self._outcome(turn_context, "knowledge.already_added")
            return True
        entry_id = added.entry.entry_id
        if question_id is not None:
            async with self.db.transaction() as session:
                await QuestionDeskRecords(session).link_knowledge(question_id, entry_id)
        await self.organizers.audit(organizer, "knowledge.add.done", target=f"knowledge_entry:{entry_id}",
                                    detail={"question": question_id})
        log.info("knowledge entry %s added from question %s", entry_id, question_id)
        await self._outcome(turn_context, "knowledge.added")
        return True

    # --- buttons of forms that are no longer open -----------------------------------------------
    async def on_stale_form_card(self, dc: DialogContext, value: dict[str, Any]) -> None:
        """A button of an answer or knowledge form that has ended (a double click on 'confirm', an old card):
        organizers only; a repeated confirm says it was done already; nothing is done twice."""
        context = dc.context
        action: str = value["action"]
        if not await self.organizers.authorize(context, action):
            return
        token = value.get("token")
        if action.endswith(".confirm") and isinstance(token, str) and token:
            async with self.db.transaction() as session:
                if action.startswith(AnswerQuestionDialog.ID):
                    done = await QuestionDeskRecords(session).answer_by_token(token) is not None
                    key = "answer.already_sent"
                else:
                    done = await KnowledgeEntries(session).by_token(token) is not None
                    key = "knowledge.already_added"
            if done:
                await self._say(context, key)
                return
        lang = lang_of(context)
        await context.send_activity(card_activity(self.core_cards.menu(lang, note=self.catalog.text(lang, "dialog.stale_card"))))
