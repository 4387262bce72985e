"""A small in-process event bus: one feature tells what happened, the features that care react.

Features never call into each other's objects for a side effect; they publish a frozen event and the
subscriber (wired by its own `install()`) does its part. `publish` awaits the handlers in the order they
subscribed and returns what they report (e.g. how many people moved up), so the publisher can say so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

Event = TypeVar("Event")
Handler = Callable[[Any], Awaitable[Any]]


@dataclass(frozen=True)
class CapacityChanged:
    """An organizer changed the capacity of one mode of a session (`capacity` None: no limit any more):
    when it went up, people on its waitlist move up. Handlers report how many moved up."""

    session_id: str
    mode: str
    capacity: int | None
    at: datetime


@dataclass(frozen=True)
class WaitlistMoved:
    """People were moved up from a waitlist inside another feature's transaction (e.g. an erasure freed
    their seat): they are to be told. `registration_ids` are the promoted registrations."""

    registration_ids: tuple[int, ...]


@dataclass(frozen=True)
class RecordWithdrawn:
    """An active offer or contribution intention was withdrawn outside the offers feature (an erasure);
    `item` is the storage view of the record as it was."""

    item: Any


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type[Event], handler: Callable[[Event], Awaitable[Any]]) -> None:
        self._handlers[event_type].append(handler)

    async def publish(self, event: object) -> list[Any]:
        """Runs every handler of the event's type, in subscription order; their results, in that order."""
        return [await handler(event) for handler in self._handlers.get(type(event), ())]
