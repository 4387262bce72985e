"""Bot state (dialog stacks, user profile) in the database (storage/bot_state.py), with e-tag optimistic concurrency.

Implements the botbuilder `Storage` contract so ConversationState, UserState and PrivateConversationState
persist in SQLite or PostgreSQL, and several bot instances can serve the same user turn by turn:
- a write whose e-tag matches the stored one succeeds and gets a new e-tag;
- a write with a stale e-tag raises `StateConflictError` (nothing is written);
- e-tag "*" or no e-tag overwrites.

State is stored as plain JSON (`encode`/`decode`): JSON values as they are, objects (dialog stacks, prompt
options, activities, dataclasses) as `{"$o": "module:Class", "d": {...attributes}}`, tuples, sets, dates and
times tagged likewise. Rows written by earlier versions with jsonpickle (`"py/object"`) are still read.

A turn reads its state rows together with its redelivery claim (bot/core/turn_store.py): what it read is
kept for the turn (`TurnRows`), so the state objects' loads cost no further query.
"""

from __future__ import annotations

import contextvars
import dataclasses
import enum
import importlib
import json
import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from botbuilder.core import BotState, ConversationState, PrivateConversationState, Storage, TurnContext, UserState
from botbuilder.core.bot_state import CachedBotState
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.bot_state import BotStates
from storage.db import Database


class StateConflictError(Exception):
    """Another turn changed this state since it was read."""


class TurnRows:
    """The state rows one turn read (key -> (e-tag, data), None: no row), valid until the turn ends."""

    def __init__(self, rows: dict[str, tuple[str, str] | None]):
        self.rows = rows
        self.active = True


_turn_rows: contextvars.ContextVar[TurnRows | None] = contextvars.ContextVar("turn_state_rows", default=None)


def use_turn_rows(rows: TurnRows | None) -> contextvars.Token:
    return _turn_rows.set(rows)


def end_turn_rows(token: contextvars.Token) -> None:
    rows = _turn_rows.get()
    if rows is not None:
        rows.active = False  # tasks started during the turn copied the variable; they read the database again
    _turn_rows.reset(token)


class SqlStorage(Storage):
    def __init__(self, db: Database, now: Callable[[], datetime]):
        super().__init__()
        self._db = db
        self._now = now

    async def read(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        cached = _turn_rows.get()
        if cached is not None and cached.active and all(key in cached.rows for key in keys):
            rows = {key: row for key in keys if (row := cached.rows[key]) is not None}
        else:
            async with self._db.transaction() as session:
                rows = await BotStates(session).read(keys)
        return self.decode_rows(rows)

    @staticmethod
    def decode_rows(rows: dict[str, tuple[str, str]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, (etag, data) in rows.items():
            item = decode(data)
            _set_etag(item, etag)
            result[key] = item
        return result

    async def write(self, changes: dict[str, Any]) -> None:
        """All changes in one transaction: a stale e-tag anywhere writes none of them."""
        if changes is None:
            raise ValueError("changes are required when writing")
        if not changes:
            return
        async with self._db.transaction() as session:
            new_etags = await self.write_in(session, changes)
        self.written(changes, new_etags)

    async def write_in(self, session: AsyncSession | AsyncConnection, changes: dict[str, Any]) -> dict[str, tuple[str, str]]:
        """Write `changes` in the caller's transaction; key -> (new e-tag, data). Call `written` after the commit."""
        written: dict[str, tuple[str, str]] = {}
        repo = BotStates(session)
        now = self._now()
        for key, item in changes.items():
            expected = _get_etag(item)
            new_etag = uuid.uuid4().hex
            data = encode_text(item)
            if expected in (None, "*"):
                await repo.put(key, new_etag, data, now)
            elif not await repo.replace(key, expected, new_etag, data, now):
                raise StateConflictError(f"state {key!r} was changed by another turn")
            written[key] = (new_etag, data)
        return written

    @staticmethod
    def written(changes: dict[str, Any], new_rows: dict[str, tuple[str, str]]) -> None:
        cached = _turn_rows.get()
        for key, row in new_rows.items():
            _set_etag(changes[key], row[0])
            if cached is not None:
                cached.rows[key] = row

    async def delete(self, keys: list[str]) -> None:
        if not keys:
            return
        async with self._db.transaction() as session:
            await BotStates(session).delete(keys)
        cached = _turn_rows.get()
        if cached is not None:
            for key in keys:
                cached.rows[key] = None


# --- bot state objects whose change check uses the JSON codec (botbuilder's uses jsonpickle) ---------


class _Cached(CachedBotState):
    def compute_hash(self, obj: object) -> str:
        return encode_text(obj)


class _JsonStateMixin:
    """`load` as botbuilder's, with the JSON change check; `pending_changes` for a save in one transaction."""

    _storage: Storage
    _context_service_key: str

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        cached_state = turn_context.turn_state.get(self._context_service_key)
        if force or not cached_state or not cached_state.state:
            storage_key = self.get_storage_key(turn_context)  # type: ignore[attr-defined]
            items = await self._storage.read([storage_key])
            turn_context.turn_state[self._context_service_key] = _Cached(items.get(storage_key))

    def pending_change(self, turn_context: TurnContext) -> tuple[str, Any, CachedBotState] | None:
        """(storage key, state, cache) when this turn changed the state, else None."""
        cached_state = turn_context.turn_state.get(self._context_service_key)
        if cached_state is None or not cached_state.is_changed:
            return None
        return self.get_storage_key(turn_context), cached_state.state, cached_state  # type: ignore[attr-defined]


class JsonConversationState(_JsonStateMixin, ConversationState):
    pass


class JsonUserState(_JsonStateMixin, UserState):
    pass


class JsonPrivateConversationState(_JsonStateMixin, PrivateConversationState):
    pass


def pending_changes(turn_context: TurnContext, states: tuple[BotState, ...]) -> list[tuple[str, Any, CachedBotState]]:
    found = []
    for state in states:
        if isinstance(state, _JsonStateMixin):
            change = state.pending_change(turn_context)
            if change is not None:
                found.append(change)
    return found


# --- the codec -------------------------------------------------------------------------------------

_TRUSTED_MODULES = ("botbuilder.", "botframework.", "bot.", "dialogs.", "storage.")
_classes: dict[str, type] = {}


def encode_text(item: Any) -> str:
    flat = encode(item)
    if isinstance(flat, dict):
        flat.pop("e_tag", None)
    return json.dumps(flat, separators=(",", ":"), ensure_ascii=False)


def decode(data: str) -> Any:
    if '"py/' in data:  # written by jsonpickle (before plain JSON state)
        from jsonpickle import Unpickler  # noqa: PLC0415 - only for rows of earlier versions

        return Unpickler().restore(json.loads(data), reset=True)
    return _decode(json.loads(data))


def encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"$map": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": [encode(v) for v in value], "frozen": isinstance(value, frozenset)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, enum.Enum):
        return {"$enum": _name_of(type(value)), "v": encode(value.value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"$o": _name_of(type(value)), "d": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if hasattr(value, "__dict__"):
        return {"$o": _name_of(type(value)), "d": {k: encode(v) for k, v in vars(value).items()}}
    raise TypeError(f"cannot store a {type(value).__name__} in bot state")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$o" in value:
        cls: Any = _class(value["$o"])
        fields = {k: _decode(v) for k, v in value["d"].items()}
        obj = cls.__new__(cls)
        if dataclasses.is_dataclass(cls) and getattr(cls, "__slots__", None):
            for k, v in fields.items():
                object.__setattr__(obj, k, v)
        else:
            obj.__dict__.update(fields)
        return obj
    if "$tuple" in value:
        return tuple(_decode(v) for v in value["$tuple"])
    if "$map" in value:
        return {_decode(k): _decode(v) for k, v in value["$map"]}
    if "$set" in value:
        items = [_decode(v) for v in value["$set"]]
        return frozenset(items) if value.get("frozen") else set(items)
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$time" in value:
        return time.fromisoformat(value["$time"])
    if "$decimal" in value:
        return Decimal(value["$decimal"])
    if "$enum" in value:
        return _class(value["$enum"])(_decode(value["v"]))
    return {k: _decode(v) for k, v in value.items()}


def _name_of(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _class(name: str) -> type:
    cls = _classes.get(name)
    if cls is None:
        module_name, _, qualname = name.partition(":")
        if not module_name.startswith(_TRUSTED_MODULES):
            raise ValueError(f"bot state names a class outside the bot: {name}")
        found: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            found = getattr(found, part)
        if not isinstance(found, type):
            raise ValueError(f"bot state names something that is not a class: {name}")
        cls = _classes[name] = found
    return cls


def _get_etag(item: Any) -> str | None:
    if isinstance(item, dict):
        return item.get("e_tag")
    return getattr(item, "e_tag", None)


def _set_etag(item: Any, etag: str) -> None:
    if isinstance(item, dict):
        item["e_tag"] = etag
    elif hasattr(item, "e_tag") or hasattr(item, "__dict__"):
        item.e_tag = etag
