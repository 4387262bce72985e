"""Background work on a timer: a `tick()` every few seconds, started and stopped with the app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)


class TicksPeriodically:
    """Mix-in for a class with `async def tick()`, an `_interval` in seconds (0: no loop; ticks only when
    called, as in tests) and a `_task` attribute initialised to None. `TICK_NAME` names it in the log."""

    TICK_NAME = "periodic"
    _interval: float
    _task: asyncio.Task | None

    async def tick(self) -> Any:
        raise NotImplementedError

    async def run(self, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        """Tick every interval until cancelled; a failing tick is logged (no personal data) and the loop goes on."""
        while True:
            await sleep(self._interval)
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - the next tick tries again
                log.error("%s tick failed: %s", self.TICK_NAME, type(error).__name__)

    def start(self) -> None:
        if self._interval > 0 and self._task is None:
            self._task = asyncio.create_task(self.run())

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
