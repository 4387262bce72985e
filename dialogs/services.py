"""What guided conversations need from the rest of the bot, handed in through their constructors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.i18n import Catalog
from storage.db import Database

if TYPE_CHECKING:
    from bot.core.cards import CoreCards
    from bot.nlu import Recognizer


@dataclass(frozen=True)
class DialogServices:
    settings: Settings
    catalog: Catalog
    recognizer: Recognizer
    cards: CoreCards
    db: Database
    clock: Clock
