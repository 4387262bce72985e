"""Background work: a periodic `tick()` started and stopped with the app, work spawned after a reply, and
one report type for the proactive messages such work sends."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.core import metrics
from storage.jobs import JobRuns

__all__ = ["INSTANCE", "BackgroundTasks", "DeliveryReport", "JobRuns", "TicksPeriodically"]
log = logging.getLogger(__name__)
INSTANCE = f"{socket.gethostname()}:{os.getpid()}"[:64]  # names this process in job-run claims

@dataclass
class DeliveryReport:
    """Counts of one round of proactive messages; `kinds` lists the kinds that were sent, in order."""

    sent: int = 0
    gone: int = 0
    failed: int = 0
    skipped: int = 0
    kinds: list[str] = field(default_factory=list)

    def count(self, status: str, kind: str = "") -> None:
        """`status` as stored on the message's claim: sent, gone, pending (failed, to retry) or skipped."""
        if status == "sent":
            self.sent += 1
            if kind:
                self.kinds.append(kind)
        elif status == "gone":
            self.gone += 1
        elif status == "pending":
            self.failed += 1
        else:
            self.skipped += 1


class BackgroundTasks:
    """Work started after a reply (so Teams gets its answer fast). A failure is logged by kind only; the
    periodic tick that owns the same work picks up whatever was missed."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, work: Awaitable[Any]) -> None:
        async def guarded() -> None:
            try:
                await work
            except Exception as error:  # noqa: BLE001 - the next tick tries again
                log.error("%s: background work failed: %s", self._name, type(error).__name__)

        task = asyncio.create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until no work is running (tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self, grace: float = 5.0) -> None:
        """At shutdown: let running work finish for a moment, then stop it (its claims are taken over by a
        later tick)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=grace)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)


class TicksPeriodically:
    """Mix-in for a class with `async def tick()`, an `_interval` in seconds (0: no loop; ticks only when
    called, as in tests) and a `_task` attribute initialised to None. `TICK_NAME` names it in the log and in
    /metrics (runs, lag, duration, last success).

    Started with `start(runs=JobRuns(db))`, a tick of the loop runs on one instance only: each interval is a
    slot, and only the instance that claims the slot in the database ticks (the others count it as skipped).
    Jobs whose tick also refreshes what this instance holds in memory start without it."""

    TICK_NAME = "periodic"
    _interval: float
    _task: asyncio.Task | None
    _runs: JobRuns | None = None

    async def tick(self) -> Any:
        raise NotImplementedError

    async def run(
        self, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep, wall: Callable[[], float] = time.time
    ) -> None:
        """Tick every interval until cancelled; a failing tick is logged (no personal data) and the loop goes on."""
        while True:
            due = time.monotonic() + self._interval
            await sleep(self._interval)
            metrics.job_started(self.TICK_NAME, time.monotonic() - due)
            started = time.perf_counter()
            slot: int | None = None
            try:
                if self._runs is not None:
                    slot = int(wall() // self._interval)
                    if not await self._runs.claim(self.TICK_NAME, slot, INSTANCE, datetime.now(UTC)):
                        metrics.job_finished(self.TICK_NAME, "skipped", 0.0)
                        continue
                await self.tick()
                if self._runs is not None and slot is not None:
                    await self._runs.finish(self.TICK_NAME, slot, datetime.now(UTC))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - the next tick tries again
                log.error("%s tick failed: %s", self.TICK_NAME, type(error).__name__)
                metrics.job_finished(self.TICK_NAME, "failed", time.perf_counter() - started)
            else:
                metrics.job_finished(self.TICK_NAME, "ok", time.perf_counter() - started)

    def start(self, runs: JobRuns | None = None) -> None:
        """Start the loop; with `runs`, each interval's tick runs on one instance only (see the class)."""
        if self._interval > 0 and self._task is None:
            self._runs = runs
            self._task = asyncio.create_task(self.run())

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
