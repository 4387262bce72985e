"""Answering questions: an answer card, a "did you mean" card, or an honest "I don't know" with the
offer to forward the question to the organizers. Feedback and forwarded questions are stored."""

from __future__ import annotations

import json
import logging
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext

from bot.core.cards import card, card_activity, heading, paragraph, submit
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.i18n import Catalog
from bot.core.metrics import nlu_outcome
from bot.core.turn import lang_of, tenant_id, user_ids, user_key
from bot.nlu import Recognition, Recognizer
from bot.sessions import SessionBook, answer_facts
from storage.db import Database
from storage.repositories import Feedback, ForwardedQuestions

log = logging.getLogger(__name__)

ACTION_SHOW = "faq.show"
ACTION_FEEDBACK = "faq.feedback"
ACTION_FORWARD = "question.forward"
ACTION_FORWARD_DECLINE = "question.decline"
MAX_FOLLOW_UPS = 3
MAX_QUESTION_CHARS = 1000


class QaCards:
    def __init__(self, catalog: Catalog):
        self._catalog = catalog

    def answer(self, lang: str, *, entry_id: str, question: str, answer: str, follow_ups: list[tuple[str, str]]) -> dict[str, Any]:
        t = lambda key: self._catalog.text(lang, key)  # noqa: E731
        body: list[dict[str, Any]] = [heading(question), paragraph(answer)]
        if follow_ups:
            body.append(paragraph(t("qa.follow_ups"), weight="Bolder", spacing="Medium"))
            body.append(
                {
                    "type": "ActionSet",
                    "actions": [submit(title, ACTION_SHOW, entry=fid) for fid, title in follow_ups[:MAX_FOLLOW_UPS]],
                }
            )
        body.append(paragraph(t("qa.feedback_question"), isSubtle=True, spacing="Medium"))
        return card(
            body,
            fallback=self._catalog.text(lang, "qa.answer_fallback", question=question, answer=answer),
            actions=[
                submit(t("qa.feedback_yes"), ACTION_FEEDBACK, entry=entry_id, helpful=True),
                submit(t("qa.feedback_no"), ACTION_FEEDBACK, entry=entry_id, helpful=False),
            ],
        )

    def did_you_mean(self, lang: str, *, candidates: list[tuple[str, str]], question: str) -> dict[str, Any]:
        t = lambda key: self._catalog.text(lang, key)  # noqa: E731
        actions = [submit(title, ACTION_SHOW, entry=cid) for cid, title in candidates]
        actions.append(submit(t("qa.none_of_these"), ACTION_FORWARD, question=question))
        return card([paragraph(t("qa.did_you_mean"), weight="Bolder")], fallback=t("qa.did_you_mean_fallback"), actions=actions)

    def unknown(self, lang: str, *, question: str, intro_key: str = "qa.unknown") -> dict[str, Any]:
        t = lambda key: self._catalog.text(lang, key)  # noqa: E731
        return card(
            [paragraph(t(intro_key)), paragraph(t("qa.offer_forward"))],
            fallback=f"{t(intro_key)} {t('qa.offer_forward')}",
            actions=[
                submit(t("qa.forward_yes"), ACTION_FORWARD, question=question),
                submit(t("qa.forward_no"), ACTION_FORWARD_DECLINE),
            ],
        )


class QuestionAnswering:
    """Responds to a recognized question and owns the cards' actions (show, feedback, forward)."""

    def __init__(
        self,
        *,
        recognizer: Recognizer,
        catalog: Catalog,
        settings: Settings,
        book: SessionBook,
        db: Database,
        clock: Clock,
    ):
        self._recognizer = recognizer
        self._catalog = catalog
        self._settings = settings
        self._book = book
        self._db = db
        self._clock = clock
        self.cards = QaCards(catalog)

    def _known(self, entry_id: str) -> bool:
        try:
            self._recognizer.entry(entry_id)
        except KeyError:
            return False
        return True

    def actions(self) -> dict[str, Any]:
        return {
            ACTION_SHOW: self._on_show,
            ACTION_FEEDBACK: self._on_feedback,
            ACTION_FORWARD: self._on_forward,
            ACTION_FORWARD_DECLINE: self._on_decline,
        }

    async def respond(self, turn_context: TurnContext, text: str, recognition: Recognition) -> None:
        lang = lang_of(turn_context)
        if recognition.kind == "answer" and recognition.entry_id:
            nlu_outcome("answered")
            await self.send_answer(turn_context, recognition.entry_id)
        elif recognition.kind == "suggest" and recognition.candidates:
            nlu_outcome("did_you_mean")
            candidates = [(cid, self._recognizer.entry(cid).question[lang]) for cid in recognition.candidates[:3]]
            await turn_context.send_activity(card_activity(self.cards.did_you_mean(lang, candidates=candidates, question=text)))
        else:
            nlu_outcome("fallback")
            await turn_context.send_activity(card_activity(self.cards.unknown(lang, question=text[:MAX_QUESTION_CHARS])))

    async def send_answer(self, turn_context: TurnContext, entry_id: str) -> None:
        lang = lang_of(turn_context)
        entry = self._recognizer.entry(entry_id)
        facts = answer_facts(self._catalog, self._settings, self._book.sessions, lang, self._clock.now())
        follow_ups = [
            (fid, self._recognizer.entry(fid).question[lang]) for fid in entry.follow_ups if self._known(fid)
        ]
        payload = self.cards.answer(
            lang, entry_id=entry.id, question=entry.question[lang], answer=entry.render(lang, facts), follow_ups=follow_ups
        )
        await turn_context.send_activity(card_activity(payload))

    async def forward(self, turn_context: TurnContext, question: str) -> None:
        """Store the question for the organizers (once per user and wording) and tell the user."""
        activity = turn_context.activity
        lang = lang_of(turn_context)
        _, aad_object_id = user_ids(activity)
        reference = TurnContext.get_conversation_reference(activity)
        async with self._db.transaction() as session:
            _, created = await ForwardedQuestions(session).add(
                question=question[:MAX_QUESTION_CHARS],
                language=lang,
                user_key=user_key(activity),
                aad_object_id=aad_object_id,
                asker_name=activity.from_property.name if activity.from_property else None,
                tenant_id=tenant_id(activity),
                conversation_id=activity.conversation.id,
                conversation_reference=json.dumps(reference.serialize()),
                now=self._clock.now(),
            )
        log.info("forwarded a question to the organizers (new: %s)", created)
        key = "qa.forward_done" if created else "qa.forward_already"
        await turn_context.send_activity(MessageFactory.text(self._catalog.text(lang, key)))

    # --- card actions -------------------------------------------------------------------------
    async def _on_show(self, dc: DialogContext, value: dict[str, Any]) -> None:
        entry_id = value.get("entry")
        if isinstance(entry_id, str) and self._known(entry_id):
            await self.send_answer(dc.context, entry_id)
        else:
            lang = lang_of(dc.context)
            await dc.context.send_activity(card_activity(self.cards.unknown(lang, question="")))

    async def _on_feedback(self, dc: DialogContext, value: dict[str, Any]) -> None:
        activity = dc.context.activity
        lang = lang_of(dc.context)
        entry_id = value.get("entry")
        helpful = value.get("helpful")
        if not isinstance(entry_id, str) or not self._known(entry_id) or not isinstance(helpful, bool):
            await dc.context.send_activity(MessageFactory.text(self._catalog.text(lang, "dialog.unknown_card")))
            return
        _, aad_object_id = user_ids(activity)
        now = self._clock.now()
        async with self._db.transaction() as session:
            await Feedback(session).record(
                entry_id=entry_id,
                helpful=helpful,
                user_key=user_key(activity),
                aad_object_id=aad_object_id,
                message_key=activity.reply_to_id or "",
                language=lang,
                now=now,
            )
        if helpful:
            await dc.context.send_activity(MessageFactory.text(self._catalog.text(lang, "qa.feedback_thanks")))
        else:
            question = self._recognizer.entry(entry_id).question[lang]
            await dc.context.send_activity(card_activity(self.cards.unknown(lang, question=question, intro_key="qa.feedback_sorry")))

    async def _on_forward(self, dc: DialogContext, value: dict[str, Any]) -> None:
        question = value.get("question")
        if isinstance(question, str) and question.strip():
            await self.forward(dc.context, question.strip())
        else:
            await dc.begin_dialog("forward_question")

    async def _on_decline(self, dc: DialogContext, _value: dict[str, Any]) -> None:
        await dc.context.send_activity(MessageFactory.text(self._catalog.text(lang_of(dc.context), "qa.forward_declined")))
