"""The core's event bus and background-task helper, on their own."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from bot.core.background import BackgroundTasks, DeliveryReport
from bot.core.events import CapacityChanged, EventBus, WaitlistMoved

AT = datetime(2022, 10, 1, 12, tzinfo=UTC)


async def test_publish_runs_the_handlers_of_that_event_type_in_order_and_returns_their_reports():
    bus, seen = EventBus(), []

    async def first(event: CapacityChanged) -> int:
        seen.append(("first", event.mode))
        return 2

    async def second(event: CapacityChanged) -> int:
        seen.append(("second", event.mode))
        return 1

    async def other(event: WaitlistMoved) -> None:
        seen.append(("other", event.registration_ids))

    bus.subscribe(CapacityChanged, first)
    bus.subscribe(CapacityChanged, second)
    bus.subscribe(WaitlistMoved, other)
    assert await bus.publish(CapacityChanged("s1", "online", 5, AT)) == [2, 1]
    assert seen == [("first", "online"), ("second", "online")]
    assert await bus.publish(WaitlistMoved((7,))) == [None]
    assert await bus.publish(object()) == []  # nobody listens: nothing happens


async def test_background_work_runs_after_the_caller_and_a_failure_is_logged_by_kind_only(caplog):
    tasks, done = BackgroundTasks("test work"), []

    async def work(n: int) -> None:
        await asyncio.sleep(0)
        done.append(n)

    async def broken() -> None:
        raise ValueError("Anna de Vries, anna@example.org")

    tasks.spawn(work(1))
    tasks.spawn(broken())
    assert done == []  # spawned, not awaited
    with caplog.at_level(logging.ERROR, logger="bot.core.background"):
        await tasks.idle()
    assert done == [1]
    assert "test work: background work failed: ValueError" in caplog.text and "Anna" not in caplog.text


async def test_close_waits_a_moment_then_cancels():
    tasks, started = BackgroundTasks("slow"), asyncio.Event()

    async def slow() -> None:
        started.set()
        await asyncio.sleep(60)

    tasks.spawn(slow())
    await started.wait()
    await asyncio.wait_for(tasks.close(grace=0.01), timeout=5)
    await tasks.idle()  # nothing left running


def test_a_delivery_report_counts_by_stored_status():
    report = DeliveryReport()
    for status, kind in [("sent", "reminder:24h"), ("gone", "x"), ("pending", "x"), ("skipped", "x"), ("sent", "promoted")]:
        report.count(status, kind)
    assert (report.sent, report.gone, report.failed, report.skipped) == (2, 1, 1, 1)
    assert report.kinds == ["reminder:24h", "promoted"]
