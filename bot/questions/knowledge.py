"""Knowledge entries that organizers add at run time: stored in the database, indexed in the recognizer.

- `add(...)` stores a new entry (once per confirm token and per forwarded question) and indexes it at once,
  so this instance answers it from the next message on.
- `load()` indexes every stored entry that the recognizer does not have in this form yet; it runs at
  start-up (after the migrations) so entries survive a restart.
- `tick()` compares a cheap fingerprint of the table (count, latest change, revisions) with the one seen
  last and loads only when it changed: other instances pick up an entry within one interval. `start()` runs
  it every `interval` seconds (0: no loop; tests call `tick()`).

Indexing an entry is incremental (only the new entry and the texts whose words read differently with the
new vocabulary are analyzed again; tens of milliseconds for this knowledge base, a few hundred with 2,000
entries), and it runs in a worker thread (`asyncio.to_thread`); recognition keeps using the previous index
until the new one is swapped in.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

from bot.core.background import TicksPeriodically
from bot.core.clock import Clock
from bot.nlu import KnowledgeDataError, KnowledgeEntry, Recognizer
from bot.nlu.commands import command_key
from storage.db import Database
from storage.questions.knowledge import KnowledgeEntries, Signature, StoredEntry

log = logging.getLogger(__name__)

LANGUAGES = ("nl", "en")
ID_PREFIX = "kb_"


def new_entry_id() -> str:
    """A fresh id the knowledge validator accepts: lowercase letters, digits and '_', starting with a letter."""
    return ID_PREFIX + uuid.uuid4().hex[:16]


def as_template(text: str) -> str:
    """An organizer's answer as an answer template: braces are literal text, not fact placeholders."""
    return text.replace("{", "{{").replace("}", "}}")


def from_template(text: str) -> str:
    return text.replace("{{", "{").replace("}}", "}")


def examples_for(question: dict[str, str], extra: dict[str, list[str]]) -> dict[str, list[str]]:
    """Other phrasings per language, without repeating the question itself or each other (case and
    punctuation aside)."""
    found: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        seen = {command_key(question.get(lang, ""))}
        for text in extra.get(lang, []):
            folded = command_key(text)
            if folded and folded not in seen:
                seen.add(folded)
                found.setdefault(lang, []).append(" ".join(text.split()))
    return found


def to_entry(stored: StoredEntry) -> KnowledgeEntry:
    return KnowledgeEntry(
        id=stored.entry_id,
        question=dict(stored.question),
        answer={lang: as_template(text) for lang, text in stored.answer.items()},
        examples={lang: tuple(items) for lang, items in stored.examples.items() if lang in LANGUAGES},
    )


def _same(a: KnowledgeEntry, b: KnowledgeEntry) -> bool:
    return (
        dict(a.question) == dict(b.question)
        and dict(a.answer) == dict(b.answer)
        and {k: tuple(v) for k, v in a.examples.items() if v} == {k: tuple(v) for k, v in b.examples.items() if v}
        and tuple(a.follow_ups) == tuple(b.follow_ups)
    )


@dataclass(frozen=True)
class Added:
    entry: StoredEntry
    created: bool  # False: this token or this question had an entry already; nothing new was stored


class KnowledgeStore(TicksPeriodically):
    TICK_NAME = "knowledge refresh"

    def __init__(self, *, db: Database, recognizer: Recognizer, clock: Clock, interval: float = 60.0):
        self._db = db
        self._recognizer = recognizer
        self._clock = clock
        self._interval = interval
        self._signature: Signature | None = None
        self._stored_ids: set[str] = set()  # the entries indexed here that came from the table
        self._loading = asyncio.Lock()
        self._task: asyncio.Task | None = None

    # --- adding ---------------------------------------------------------------------------------
    async def add(
        self,
        *,
        question: dict[str, str],
        answer: dict[str, str],
        examples: dict[str, list[str]],
        source_question_id: int | None,
        created_by: str,
        token: str,
    ) -> Added:
        """Store the entry once and index it here; raises KnowledgeDataError when the recognizer refuses it
        (the stored row is then removed again)."""
        clean_question = {lang: " ".join(question[lang].split()) for lang in LANGUAGES}
        async with self._db.transaction() as session:
            stored, created = await KnowledgeEntries(session).add(
                entry_id=new_entry_id(),
                question=clean_question,
                answer={lang: answer[lang].strip() for lang in LANGUAGES},
                examples=examples_for(clean_question, examples),
                source_question_id=source_question_id,
                created_by=created_by,
                token=token,
                now=self._clock.now(),
            )
        try:
            await self._index(to_entry(stored))
        except KnowledgeDataError:
            if created:
                async with self._db.transaction() as session:
                    await KnowledgeEntries(session).remove(stored.entry_id)
            raise
        self._stored_ids.add(stored.entry_id)
        return Added(stored, created)

    def _has(self, entry: KnowledgeEntry) -> bool:
        """Whether the recognizer has `entry` in this form already."""
        try:
            return _same(self._recognizer.entry(entry.id), entry)
        except KeyError:
            return False

    async def _index(self, entry: KnowledgeEntry) -> bool:
        """Index `entry` unless the recognizer has it in this form already; True when it re-indexed."""
        if self._has(entry):
            return False
        await asyncio.to_thread(self._recognizer.add_entry, entry)
        return True

    # --- loading and refreshing -----------------------------------------------------------------
    async def load(self) -> int:
        """Index every stored entry that is new or changed here; returns how many were (re-)indexed."""
        async with self._loading:
            async with self._db.transaction() as session:
                repo = KnowledgeEntries(session)
                signature = await repo.signature()
                stored = await repo.all()
            changed = [entry for entry in map(to_entry, stored) if not self._has(entry)]
            await self._forget(self._stored_ids - {row.entry_id for row in stored})
            self._stored_ids = {row.entry_id for row in stored}
            indexed = 0
            try:
                await asyncio.to_thread(self._recognizer.add_entries, changed)  # one re-index for all
                indexed = len(changed)
            except KnowledgeDataError:
                for entry in changed:  # find the unusable one(s); index the rest
                    try:
                        indexed += await self._index(entry)
                    except KnowledgeDataError as error:
                        log.error("stored knowledge entry %s is not usable: %s", entry.id, "; ".join(error.problems))
            self._signature = signature
            if indexed:
                log.info("indexed %d stored knowledge entr%s", indexed, "y" if indexed == 1 else "ies")
            return indexed

    async def _forget(self, gone: set[str]) -> None:
        """Take entries whose rows were removed (by an erasure, say) out of the index here too."""
        for entry_id in sorted(gone):
            try:
                await asyncio.to_thread(self._recognizer.remove_entry, entry_id)
            except KeyError:
                pass
            except KnowledgeDataError as error:
                log.error("removed knowledge entry %s is still needed: %s", entry_id, "; ".join(error.problems))

    async def tick(self) -> int:
        """Load the stored entries when the table changed since the last look; returns how many were indexed."""
        async with self._db.transaction() as session:
            signature = await KnowledgeEntries(session).signature()
        if signature == self._signature:
            return 0
        return await self.load()

