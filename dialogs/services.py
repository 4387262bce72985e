"""What guided conversations need from the rest of the bot, handed in through their constructors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from botbuilder.core import TurnContext
from botbuilder.dialogs import DialogContext

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.i18n import Catalog
from storage.db import Database

if TYPE_CHECKING:
    from bot.core.cards import CoreCards
    from bot.core.members import TeamsMembers
    from bot.nlu import Recognizer
    from dialogs.validators import Municipalities


class TurnPort(Protocol):
    """What a guided conversation asks of the router when a message is not an answer to its question
    (implemented by `bot.core.router.Router`)."""

    async def answer_question(self, turn_context: TurnContext, text: str, recognition: Any) -> None:
        """Answer a question through the bot's one question-answering entry point."""

    async def switch_language(self, turn_context: TurnContext, lang: str) -> None:
        """Remember the user's language and use it from this turn on."""

    async def run_job(self, dc: DialogContext, job: str) -> None:
        """Do a job that is not a guided conversation (it answers in one reply)."""

    def knows_job(self, job: str) -> bool:
        """Whether some part of the bot does this job."""

    def dialog_for(self, job: str) -> str | None:
        """The dialog that does this job, if a guided conversation does it."""

    def job_label(self, lang: str, job: str) -> str:
        """The job's name as people read it."""

    def task_in_plain_words(self, text: str, lang: str) -> str | None:
        """The task a message asks for in plain words, with details the recognizer does not know ("Wij willen
        25.000 euro bijdragen"), or None."""


@dataclass(frozen=True)
class DialogServices:
    settings: Settings
    catalog: Catalog
    recognizer: Recognizer
    cards: CoreCards
    db: Database
    clock: Clock
    municipalities: Municipalities | None = None  # None: any plausible name is taken
    turns: TurnPort | None = None  # None: only the strict commands interrupt a guided conversation
    members: TeamsMembers | None = None  # the roster call, remembered a while (None: asked every time)
