"""Two real app processes (`python app.py`) on one PostgreSQL database send each reminder once.

Both run the reminder and retention loops every 0.3 s on loopback ports, with the bot's clock frozen a day before
the announced session; the fake Bot Connector (loopback) counts what arrives. Each registered person must get
exactly one reminder, both processes must have run their loops (each slot is claimed by one of them), and
both write JSON logs (LOG_FORMAT=json). Skipped without TEST_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import Database
from storage.registration.repository import Attendee, Registrar
from storage.repositories import ConversationReferences
from tests.core.test_metrics import parse, value
from tests.support import FakeConnector

PG_URL = os.environ.get("TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parents[2]
SESSION = "info-2022-10-04"  # the announced session in content/sessions.yaml (14:00, Europe/Amsterdam)
NOW = "2022-10-03T15:00:00+02:00"  # the 24-hour reminder is due, the 1-hour one is not
PEOPLE = 6

pytestmark = pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _seed(db: Database, service_url: str) -> list[str]:
    registered = datetime.fromisoformat("2022-09-20T10:00:00+02:00")
    conversations = []
    registrar = Registrar(db)
    for i in range(PEOPLE):
        aad = f"00000000-0000-4000-8000-{i:012d}"
        conversation_id = f"a:two-instances-{i}"
        attendee = Attendee(user_key=f"aad:{aad}", aad_object_id=aad, name="Deelnemer", email=f"d{i}@example.nl",
                            municipality="Utrecht", role="Beleid")
        await registrar.register(session_id=SESSION, mode="online", capacity=None, attendee=attendee, token=f"tok-{i}", now=registered)
        reference = {
            "activityId": f"act-{i}", "user": {"id": f"29:user-{i}", "aadObjectId": aad}, "bot": {"id": "28:bot", "name": "bot"},
            "conversation": {"id": conversation_id, "conversationType": "personal", "tenantId": "tenant"},
            "channelId": "msteams", "serviceUrl": service_url, "locale": "nl-NL",
        }
        async with db.transaction() as session:
            await ConversationReferences(session).upsert(
                conversation_id=conversation_id, conversation_type="personal", user_id=f"29:user-{i}", aad_object_id=aad,
                tenant_id="tenant", service_url=service_url, reference_json=json.dumps(reference), now=registered,
            )
        conversations.append(conversation_id)
    return conversations


def _start(port: int, schema: str, workdir: Path) -> subprocess.Popen:
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("Microsoft", "DATABASE_", "REMINDER_", "RETENTION_", "METRICS_", "LOG_", "OTEL_"))
    }
    env.update(
        HOST="127.0.0.1", PORT=str(port), DATABASE_URL=PG_URL or "", DATABASE_SCHEMA=schema, BOT_FAKE_NOW=NOW,
        REMINDER_INTERVAL_SECONDS="0.3", RETENTION_INTERVAL_SECONDS="0.3", KNOWLEDGE_REFRESH_SECONDS="0",
        METRICS_ENABLED="true", LOG_FORMAT="json", LOG_LEVEL="INFO", PYTHONPATH=str(ROOT),
    )
    workdir.mkdir(parents=True, exist_ok=True)  # no .env here: only the settings above
    return subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")], cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


async def _wait_healthy(http: aiohttp.ClientSession, port: int, process: subprocess.Popen, timeout: float = 90.0) -> None:
    # Start-up imports botbuilder, SQLAlchemy and the NLU: seconds on a quiet machine, over 30 s on a loaded one.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1].decode()[-3000:]
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"the instance on port {port} did not become healthy")


async def test_two_processes_send_each_reminder_once(tmp_path):
    schema = f"two_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    connector = FakeConnector()
    await connector.start()
    processes: list[subprocess.Popen] = []
    try:
        db = Database(PG_URL, schema=schema)
        await db.migrate()
        conversations = await _seed(db, connector.url)
        await db.dispose()

        ports = [free_port(), free_port()]
        processes = [_start(port, schema, tmp_path / f"instance-{n}") for n, port in enumerate(ports)]
        async with aiohttp.ClientSession() as http:
            for port, process in zip(ports, processes, strict=True):
                await _wait_healthy(http, port, process)
            for _ in range(200):  # at most 20 s
                if sum(len(connector.by_conversation[c]) for c in conversations) >= PEOPLE:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(2.0)  # several more rounds on both: nothing may arrive twice
            scraped = []
            for port in ports:
                async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                    scraped.append(parse(await response.text()))

        assert {c: len(connector.by_conversation[c]) for c in conversations} == dict.fromkeys(conversations, 1)
        assert connector.card_problems == []
        for job in ("reminder", "retention"):
            ran = [value(s, "vng_background_job_runs_total", job=job, outcome="ok") for s in scraped]
            skipped = [value(s, "vng_background_job_runs_total", job=job, outcome="skipped") for s in scraped]
            assert all(r + k > 0 for r, k in zip(ran, skipped, strict=True)), (job, ran, skipped)  # both loops ran
            assert sum(ran) > 0 and sum(skipped) > 0, (job, ran, skipped)  # rounds were shared, not doubled
    finally:
        logs = []
        for process in processes:
            process.terminate()
            try:
                _out, err = process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                _out, err = process.communicate()
            logs.append(err.decode("utf-8"))
        await connector.close()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
    for log in logs:
        lines = [line for line in log.splitlines() if line.strip()]
        assert lines, "an instance wrote no log"
        entries = [json.loads(line) for line in lines]  # every line is one JSON object (LOG_FORMAT=json)
        assert all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
