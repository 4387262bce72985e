"""A real crash mid-turn (issue 13, defect 4): `python app.py` in local mode on a loopback port, on this test's
SQLite file or PostgreSQL schema, is killed with SIGKILL while a turn waits for the Bot Connector to take its
reply. A new process on the same database gets the activity again, as Teams re-sends it: it is processed
(the reply arrives) and the form the person had open before the crash is still there. That process is
started beside the first one (start-up takes seconds) and has never seen the activity, like a restarted one.

The fake Bot Connector (tests/support.py) hangs on the replies to one activity id, so the test knows the
turn is inside the send when it kills the process. The claim lease is short here (TURN_CLAIM_LEASE_SECONDS):
re-deliveries get 503 while it runs, as Teams' would, and the test re-sends like Teams until one is taken.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from storage.db import Database
from storage.models import ProcessedActivity
from storage.offers.models import ExpertiseOffer
from tests.offers.conftest import OFFER_CARD
from tests.support import FakeConnector, all_text, cards, fixture, submit_actions
from tests.wording import msg_part

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 1.5


class HangingConnector(FakeConnector):
    """A fake Bot Connector that, while `hang_on` is set, does not answer a reply (a new message or an update
    of the card the step replaces) in the conversation `hang_on` names."""

    def __init__(self) -> None:
        super().__init__()
        self.hang_on: str | None = None
        self.hanging = asyncio.Event()  # a reply to `hang_on` arrived (and waits until the connector closes)
        self._closing = asyncio.Event()

    async def _post_activity(self, request: web.Request) -> web.Response:
        if self.hang_on is not None and request.match_info.get("cid") == self.hang_on:
            self.hanging.set()
            await self._closing.wait()  # the bot's process is killed meanwhile
            return web.Response(status=503)
        return await super()._post_activity(request)

    async def close(self) -> None:
        self._closing.set()
        await super().close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(db_target, workdir: Path, port: int) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("Microsoft", "DATABASE_", "BOT_"))}
    env.update(
        MicrosoftAppId="", HOST="127.0.0.1", PORT=str(port), DATABASE_URL=db_target.url,
        DATABASE_SCHEMA=db_target.schema or "", DATA_DIR=str(workdir), TURN_CLAIM_LEASE_SECONDS=str(LEASE_SECONDS),
        REMINDER_INTERVAL_SECONDS="0", RETENTION_INTERVAL_SECONDS="0", KNOWLEDGE_REFRESH_SECONDS="0",
        ALLOWED_TENANTS="", ORGANIZER_AAD_IDS="", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT),
    )
    log = (workdir / f"bot-{port}.log").open("w")
    try:
        return subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()


def _logs(workdir: Path) -> str:
    return "\n".join(path.read_text() for path in sorted(workdir.glob("bot-*.log")))


async def _wait_healthy(http: aiohttp.ClientSession, base: str, process: subprocess.Popen, workdir: Path) -> None:
    deadline = time.monotonic() + 60  # imports take seconds, more on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the bot stopped at start-up:\n" + _logs(workdir))
        try:
            async with http.get(base + "/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not start")


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


async def test_a_turn_killed_inside_its_send_is_processed_when_teams_resends(db_target, tmp_path):
    connector = HangingConnector()
    await connector.start()
    base_activity = fixture("personal_message.json")
    conversation_id = f"a:crash-{uuid.uuid4().hex[:8]}"

    def activity(**changes: Any) -> dict[str, Any]:
        data = {**base_activity, "id": f"act-{uuid.uuid4().hex[:12]}", "serviceUrl": connector.url}
        data["conversation"] = {**base_activity["conversation"], "id": conversation_id}
        data.update(changes)
        return data

    submit = activity(value=dict(OFFER_CARD))
    submit.pop("text")
    processes: list[subprocess.Popen] = []
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
            # The process that will take over starts now, beside the first (starting costs seconds): it has
            # never seen the activity, as a process restarted after the crash would not have.
            port, next_port = _free_port(), _free_port()
            first = _start(db_target, tmp_path, port)
            second = _start(db_target, tmp_path, next_port)
            processes += [first, second]
            base = f"http://127.0.0.1:{port}"
            await _wait_healthy(http, base, first, tmp_path)
            async with http.post(base + "/api/messages", json=activity(text="expertise aanbieden")) as response:
                assert response.status == 201
            form = connector.by_conversation[conversation_id][-1]
            assert [a for c in cards([form]) for a in submit_actions(c) if a["data"]["action"] == "offer.submit"]

            # The person submits the filled-in card; the reply (the summary) never gets through.
            connector.hang_on = conversation_id
            posted = asyncio.ensure_future(http.post(base + "/api/messages", json=submit))
            await asyncio.wait_for(connector.hanging.wait(), 20)
            _kill(first)  # inside the send: nothing after it ran
            with pytest.raises(aiohttp.ClientError):
                await posted  # Teams gets no answer, so it sends the activity again
            connector.hang_on = None

            base = f"http://127.0.0.1:{next_port}"
            await _wait_healthy(http, base, second, tmp_path)
            before = len(connector.by_conversation[conversation_id])
            statuses = []
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:  # Teams re-sends until it gets a 2xx
                async with http.post(base + "/api/messages", json=submit) as response:
                    statuses.append(response.status)
                if response.status != 503:
                    break
                await asyncio.sleep(0.25)
            assert statuses[-1] == 201, statuses
            assert set(statuses[:-1]) <= {503}, statuses  # before the lease ran out: "come again", never lost

            # Processed from where the person was: the summary of the same form, with its confirm button.
            replies = connector.by_conversation[conversation_id][before:]
            [confirm] = [a for c in cards(replies) for a in submit_actions(c) if a["data"]["action"] == "offer.confirm"]
            async with http.post(base + "/api/messages", json=activity(value=confirm["data"])) as response:
                assert response.status == 201
            assert msg_part("nl", "offer.saved") in all_text(connector.by_conversation[conversation_id][-1:])
            async with http.post(base + "/api/messages", json=submit) as response:
                assert response.status == 201  # the re-sent activity is done now: dropped
            _kill(second)
        db = Database(db_target.url, schema=db_target.schema)
        try:
            async with db.transaction() as session:
                offers = (await session.execute(select(func.count()).select_from(ExpertiseOffer))).scalar_one()
                unfinished = (
                    await session.execute(select(func.count()).where(ProcessedActivity.finished_at.is_(None)))
                ).scalar_one()
        finally:
            await db.dispose()
        assert offers == 1
        assert unfinished == 0  # every turn's claim is finished, also the one killed and taken over
    finally:
        for process in processes:
            _kill(process)
        await connector.close()
    assert connector.card_problems == []
