"""Questions: answering what people ask (FAQ from the knowledge base, with the changing facts filled in;
several questions in one message, claims checked against the facts, derived facts, follow-ups and honest
unknowns composed by `composer.py` from content/facts.yaml and content/description.yaml),
asking a question and forwarding it to the organizers, and the organizers' question desk (answer forwarded
questions, grow the knowledge base).

Public interface: `install(app, core)`; `QUESTIONS`, the app key of what was built (tests). The feature is
the router's answerer for messages that start no job, and reads sessions through the `SessionBook`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

from bot.core.wiring import Core
from bot.questions.answering import QuestionAnswering
from bot.questions.composer import Composer
from bot.questions.desk import ACTION_ANSWER, ACTION_LIST, ACTION_RESEND, FORM_VERBS, QuestionDesk
from bot.questions.knowledge import KnowledgeStore
from bot.sessions import SESSION_BOOK
from dialogs.questions.answer_question import AnswerQuestionDialog, KnowledgeEntryDialog
from dialogs.questions.ask_question import AskQuestionDialog
from dialogs.questions.forward_question import ForwardQuestionDialog

__all__ = ["QUESTIONS", "QUESTION_DESK", "QuestionsFeature", "install"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QuestionsFeature:
    """What `install` built; tests reach it through `app[QUESTIONS]`."""

    qa: QuestionAnswering
    desk: QuestionDesk


QUESTIONS = web.AppKey("questions", QuestionsFeature)
QUESTION_DESK = web.AppKey("question_desk", QuestionDesk)


def install(app: web.Application, core: Core) -> None:
    """Question answering (the router's answerer and its card actions), the ask and forward dialogs, and
    the organizers' desk: the list command and card actions, the answer and knowledge forms, and the
    knowledge store (stored entries loaded after the migrations, then refreshed every
    KNOWLEDGE_REFRESH_SECONDS)."""
    router, services = core.router, core.services
    composer = Composer.from_content(
        core.settings.content_dir, recognizer=core.recognizer, catalog=core.catalog, settings=core.settings
    )
    qa = QuestionAnswering(
        recognizer=core.recognizer, catalog=core.catalog, settings=core.settings, book=app[SESSION_BOOK],
        db=core.db, clock=core.clock, composer=composer, last_topic=core.private_state.create_property("LastTopic"),
    )
    router.set_answerer(qa)
    for action, handler in qa.actions().items():
        router.add_action(action, handler)
    core.dialogs.add(AskQuestionDialog(services, qa))
    router.add_job_dialog("ask_question", AskQuestionDialog.ID)
    core.dialogs.add(ForwardQuestionDialog(services, qa))
    router.add_job_dialog("human", ForwardQuestionDialog.ID)

    knowledge = KnowledgeStore(
        db=core.db, recognizer=core.recognizer, clock=core.clock, interval=core.settings.knowledge_refresh_seconds,
    )
    desk = QuestionDesk(
        db=core.db,
        clock=core.clock,
        catalog=core.catalog,
        core_cards=core.cards,
        messenger=core.messenger,
        organizers=core.organizers,
        knowledge=knowledge,
    )
    core.dialogs.add(AnswerQuestionDialog(services, desk))
    core.dialogs.add(KnowledgeEntryDialog(services, desk))
    router.add_command(desk.matches, desk.on_command)
    router.add_action(ACTION_LIST, desk.on_list)
    router.add_action(ACTION_ANSWER, desk.on_answer)
    router.add_action(ACTION_RESEND, desk.on_resend)
    for form_id in (AnswerQuestionDialog.ID, KnowledgeEntryDialog.ID):
        for verb in FORM_VERBS:
            router.add_action(f"{form_id}.{verb}", desk.on_stale_form_card)
    app[QUESTIONS] = QuestionsFeature(qa=qa, desk=desk)
    app[QUESTION_DESK] = desk

    async def lifetime(_app: web.Application):
        try:
            await knowledge.load()
        except Exception as error:  # noqa: BLE001 - the bot still starts; the refresh loop tries again
            log.error("stored knowledge entries not loaded at start-up: %s", type(error).__name__)
        knowledge.start()
        yield
        await knowledge.stop()

    app.cleanup_ctx.append(lifetime)
