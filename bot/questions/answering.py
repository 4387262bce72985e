"""Answering questions: an answer card, a "did you mean" card, or an honest "I don't know" with the
offer to forward the question to the organizers. Feedback and forwarded questions are stored."""

from __future__ import annotations

import json
import logging
from typing import Any

from botbuilder.core import MessageFactory, StatePropertyAccessor, TurnContext
from botbuilder.dialogs import DialogContext

from bot.core.cards import card, card_activity, heading, paragraph, send_in_place, stacked, submit
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.i18n import Catalog
from bot.core.metrics import nlu_outcome
from bot.core.turn import lang_of, tenant_id, user_ids, user_key
from bot.nlu import Recognition, Recognizer
from bot.questions.composer import Composer, Composition, Part
from bot.sessions import SessionBook
from storage.db import Database
from storage.repositories import Feedback, ForwardedQuestions

log = logging.getLogger(__name__)

ACTION_SHOW = "faq.show"
ACTION_FEEDBACK = "faq.feedback"
ACTION_FORWARD = "question.forward"
ACTION_FORWARD_DECLINE = "question.decline"
MAX_FOLLOW_UPS = 3
MAX_QUESTION_CHARS = 1000
COMPOSITION = "questions.composition"  # turn_state key: the message composed once per turn


class QaCards:
    def __init__(self, catalog: Catalog):
        self._catalog = catalog

    def answer(self, lang: str, *, entry_id: str, question: str, answer: str, follow_ups: list[tuple[str, str]]) -> dict[str, Any]:
        t = lambda key: self._catalog.text(lang, key)  # noqa: E731
        body: list[dict[str, Any]] = [heading(question), paragraph(answer)]
        if follow_ups:
            body.append(paragraph(t("qa.follow_ups"), weight="Bolder", spacing="Medium"))
            body.extend(stacked([submit(title, ACTION_SHOW, entry=fid) for fid, title in follow_ups[:MAX_FOLLOW_UPS]]))
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

    def unknown(self, lang: str, *, question: str, intro_key: str = "qa.unknown", intro: str | None = None) -> dict[str, Any]:
        t = lambda key: self._catalog.text(lang, key)  # noqa: E731
        intro = intro or t(intro_key)
        return card(
            [heading(t("qa.unknown_title")), paragraph(intro), paragraph(t("qa.offer_forward"))],
            fallback=f"{intro} {t('qa.offer_forward')}",
            actions=[
                submit(t("qa.forward_yes"), ACTION_FORWARD, question=question),
                submit(t("qa.forward_no"), ACTION_FORWARD_DECLINE),
            ],
        )


    def composed(self, lang: str, *, parts: list[Part], question: str, feedback_entry: str | None) -> dict[str, Any]:
        """Several answered parts in one card; the offer to forward when a part is not known yet."""
        t = lambda key: self._catalog.text(lang, key)  # noqa: E731
        body: list[dict[str, Any]] = []
        for part in parts:
            if part.title:
                body.append(paragraph(part.title, weight="Bolder", spacing="Medium"))
            body.append(paragraph(part.text))
        fallback = " ".join(p.text for p in parts)
        if any(p.label == "unknown" for p in parts):
            body.append(paragraph(t("qa.offer_forward"), spacing="Medium"))
            actions = [submit(t("qa.forward_yes"), ACTION_FORWARD, question=question), submit(t("qa.forward_no"), ACTION_FORWARD_DECLINE)]
            return card(body, fallback=f"{fallback} {t('qa.offer_forward')}", actions=actions)
        if feedback_entry is None:
            return card(body, fallback=fallback)
        body.append(paragraph(t("qa.feedback_question"), isSubtle=True, spacing="Medium"))
        return card(
            body,
            fallback=fallback,
            actions=[
                submit(t("qa.feedback_yes"), ACTION_FEEDBACK, entry=feedback_entry, helpful=True),
                submit(t("qa.feedback_no"), ACTION_FEEDBACK, entry=feedback_entry, helpful=False),
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
        composer: Composer,
        last_topic: StatePropertyAccessor,
    ):
        self._composer = composer
        self._last_topic = last_topic
        self._recognizer = recognizer
        self._catalog = catalog
        self._settings = settings
        self._book = book
        self._db = db
        self._clock = clock
        self.cards = QaCards(catalog)

    def _known(self, entry_id: str) -> bool:
        return self._recognizer.has_entry(entry_id)

    def actions(self) -> dict[str, Any]:
        return {
            ACTION_SHOW: self._on_show,
            ACTION_FEEDBACK: self._on_feedback,
            ACTION_FORWARD: self._on_forward,
            ACTION_FORWARD_DECLINE: self._on_decline,
        }

    async def _compose(self, turn_context: TurnContext, text: str, recognition: Recognition) -> Composition:
        """The message composed once per turn, read against the conversation's last topic."""
        cached = turn_context.turn_state.get(COMPOSITION)
        if isinstance(cached, Composition):
            return cached
        last = await self._last_topic.get(turn_context, lambda: None)
        composition = self._composer.compose(
            text, lang_of(turn_context), self._clock.now(), self._book.sessions, last if isinstance(last, str) else None,
            recognition,
        )
        turn_context.turn_state[COMPOSITION] = composition
        return composition

    async def overrides_intent(self, turn_context: TurnContext, text: str, recognition: Recognition) -> bool:
        """Whether a message the recognizer took for a task asks questions instead (several, a claim to check,
        a fact): then it is answered, not started."""
        composition = await self._compose(turn_context, text, recognition)
        return composition.composed

    async def task_started(self, turn_context: TurnContext, job: str) -> None:
        """The entry that explains a task (content/facts.yaml `task_answers`) becomes the last topic, so that a
        follow-up after the task ("en hoe laat?", "wat is het doel ervan?") is read against it."""
        topic = self._composer.topic_of_task(job)
        if topic is not None and self._known(topic):
            await self._last_topic.set(turn_context, topic)

    async def respond(self, turn_context: TurnContext, text: str, recognition: Recognition) -> None:
        lang = lang_of(turn_context)
        composition = await self._compose(turn_context, text, recognition)
        if composition.topic:
            await self._last_topic.set(turn_context, composition.topic)
        parts = list(composition.parts)
        question = composition.question[:MAX_QUESTION_CHARS]
        first = parts[0]
        if len(parts) == 1 and first.label == first.topic and first.topic and self._known(first.topic):
            nlu_outcome("answered")
            await self._send_entry(turn_context, first.topic, first.text)
        elif len(parts) == 1 and first.label == "unknown":
            nlu_outcome("fallback")
            await turn_context.send_activity(card_activity(self.cards.unknown(lang, question=question, intro=first.text)))
        elif any(p.answered and p.text for p in parts):
            nlu_outcome("answered")
            shown = [p for p in parts if p.answered and p.text]
            feedback = next((p.topic for p in shown if p.topic and self._known(p.topic)), None)
            payload = self.cards.composed(lang, parts=shown, question=question, feedback_entry=feedback)
            await turn_context.send_activity(card_activity(payload))
        elif first.label == "suggest" and first.candidates:
            nlu_outcome("did_you_mean")
            candidates = [(cid, self._recognizer.entry(cid).question[lang]) for cid in first.candidates[:3]]
            await turn_context.send_activity(card_activity(self.cards.did_you_mean(lang, candidates=candidates, question=question)))
        else:
            nlu_outcome("fallback")
            await turn_context.send_activity(card_activity(self.cards.unknown(lang, question=question)))

    async def send_answer(self, turn_context: TurnContext, entry_id: str) -> None:
        lang = lang_of(turn_context)
        text = self._composer.render_entry(entry_id, lang, self._clock.now(), self._book.sessions)
        await self._last_topic.set(turn_context, entry_id)
        await self._send_entry(turn_context, entry_id, text)

    async def _send_entry(self, turn_context: TurnContext, entry_id: str, text: str) -> None:
        lang = lang_of(turn_context)
        entry = self._recognizer.entry(entry_id)
        follow_ups = [
            (fid, self._recognizer.entry(fid).question[lang]) for fid in entry.follow_ups if self._known(fid)
        ]
        payload = self.cards.answer(lang, entry_id=entry.id, question=entry.question[lang], answer=text, follow_ups=follow_ups)
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
        await send_in_place(turn_context, MessageFactory.text(self._catalog.text(lang, key)))

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
