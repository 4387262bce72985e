"""Other users' FAQ turns while an organizer downloads a large export, on loopback only.

Seeds `--rows` registrations (default 50,000), then measures the FAQ turn latency of `--users` simulated users
(each sends `--messages` questions, one after the other, all users at once) twice: alone, and while an
organizer downloads the registrations export over and over (CSV and XLSX in turn) through the real
`/exports/{token}` route. Target: the p99 with an export running is at most 2x the p99 without one.
Runs on a temporary SQLite file and, when a PostgreSQL URL is given (`--postgresql` or TEST_DATABASE_URL), on
a fresh schema there too. Prints the figures and writes them as JSON (`--json`).

    .venv/bin/python benchmarks/export_benchmark.py [--rows 50000] [--users 16] [--messages 30] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from bot.core.wiring import CORE  # noqa: E402
from bot.organizers import ORGANIZER_DESK  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.registration.models import Registration  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "teams" / "personal_message.json"
ORGANIZER = "00000000-0000-4000-8000-00000000beef"
SESSION = "info-2022-10-04"
TARGET_RATIO = 2.0


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def seed(db: Database, rows: int) -> float:
    started = time.perf_counter()
    now = datetime(2022, 9, 20, 8, 0, tzinfo=UTC)
    batch: list[dict[str, Any]] = []
    for i in range(rows):
        batch.append(dict(
            session_id=SESSION, user_key=f"aad:bench-{i}", aad_object_id=f"bench-{i}", mode="online" if i % 3 else "in_person",
            status="confirmed" if i % 10 else "waitlisted", name=f"Deelnemer {i}", email=f"deelnemer{i}@example.nl",
            municipality="Súdwest-Fryslân", role="Beleidsmedewerker", accessibility="", dietary="", language="nl",
            confirm_token=None, calendar_token=secrets.token_urlsafe(24), revision=0,
            created_at=now + timedelta(seconds=i), updated_at=now + timedelta(seconds=i), cancelled_at=None,
        ))
        if len(batch) == 5000 or i == rows - 1:
            async with db.transaction() as session:
                await session.execute(insert(Registration), batch)
            batch = []
    return time.perf_counter() - started


async def run(database_url: str, schema: str | None, args: argparse.Namespace, tmp: str) -> dict[str, Any]:
    posted = 0

    async def reply(request: web.Request) -> web.Response:
        nonlocal posted
        await request.read()
        posted += 1
        return web.json_response({"id": f"r{posted}"})

    connector = web.Application()
    connector.router.add_post("/v3/conversations/{cid}/activities/{aid}", reply)
    connector.router.add_post("/v3/conversations/{cid}/activities", reply)
    connector_runner = web.AppRunner(connector)
    await connector_runner.setup()
    connector_site = web.TCPSite(connector_runner, "127.0.0.1", 0)
    await connector_site.start()
    connector_port = connector_site._server.sockets[0].getsockname()[1]  # noqa: SLF001

    settings = Settings(
        _env_file=None, database_url=database_url, database_schema=schema, data_dir=Path(tmp), microsoft_app_id="",
        reminder_interval_seconds=0, retention_interval_seconds=0, knowledge_refresh_seconds=0,
        organizer_aad_ids=[ORGANIZER], public_base_url="http://127.0.0.1:1",
    )
    app = create_app(settings)
    bot_runner = web.AppRunner(app)
    await bot_runner.setup()
    bot_site = web.TCPSite(bot_runner, "127.0.0.1", 0)
    await bot_site.start()
    bot = f"http://127.0.0.1:{bot_site._server.sockets[0].getsockname()[1]}"  # noqa: SLF001
    seconds_to_seed = await seed(app[CORE].db, args.rows)

    base = json.loads(FIXTURE.read_text(encoding="utf-8"))
    base["serviceUrl"] = f"http://127.0.0.1:{connector_port}/"
    feature = app[ORGANIZER_DESK]

    async def export_path(fmt: str) -> str:
        link = await feature.links.create(ORGANIZER, "registrations", fmt, "nl")
        return link.url.split("127.0.0.1:1", 1)[1]

    async def users(session: ClientSession, tag: str) -> list[float]:
        latencies: list[float] = []

        async def user(index: int) -> None:
            for n in range(args.messages):
                activity = copy.deepcopy(base)
                activity["id"] = f"{tag}-{index}-{n}"
                activity["conversation"]["id"] = f"a:bench-{index}"
                activity["from"]["id"] = f"29:bench-{index}"
                activity["from"]["aadObjectId"] = f"00000000-0000-4000-8000-{index:012d}"
                activity["text"] = args.text
                started = time.perf_counter()
                async with session.post(f"{bot}/api/messages", json=activity) as response:
                    await response.read()
                    assert response.status < 300, response.status
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(user(i) for i in range(args.users)))
        return latencies

    exports: list[dict[str, Any]] = []

    async def download(session: ClientSession, fmt: str) -> None:
        path = await export_path(fmt)
        started = time.perf_counter()
        first_byte = None
        size = 0
        async with session.get(f"{bot}{path}") as response:
            assert response.status == 200, await response.text()
            async for chunk in response.content.iter_chunked(65536):
                first_byte = first_byte if first_byte is not None else time.perf_counter() - started
                size += len(chunk)
        exports.append({"format": fmt, "seconds": round(time.perf_counter() - started, 3),
                        "first_byte_seconds": round(first_byte or 0.0, 3), "bytes": size})

    async with ClientSession() as session:
        await users(session, "warm")  # warm-up: connections, caches
        for fmt in ("csv", "xlsx"):  # each alone, once
            await download(session, fmt)
        alone = list(exports)
        exports.clear()
        baseline = await users(session, "alone")

        stop = asyncio.Event()

        async def exporting() -> None:
            formats = ("csv", "xlsx")
            n = 0
            while not stop.is_set():
                await download(session, formats[n % 2])
                n += 1

        exporter = asyncio.create_task(exporting())
        await asyncio.sleep(0.2)  # the export is under way before the users start
        loaded = await users(session, "loaded")
        stop.set()
        await exporter

    await bot_runner.cleanup()
    await connector_runner.cleanup()
    ratio = p99(loaded) / p99(baseline)
    return {
        "rows": args.rows,
        "seed_seconds": round(seconds_to_seed, 1),
        "users": args.users,
        "messages_per_user": args.messages,
        "faq_p50_ms_alone": round(statistics.median(baseline) * 1000, 1),
        "faq_p99_ms_alone": round(p99(baseline) * 1000, 1),
        "faq_p50_ms_during_export": round(statistics.median(loaded) * 1000, 1),
        "faq_p99_ms_during_export": round(p99(loaded) * 1000, 1),
        "p99_ratio": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
        "exports_alone": alone,
        "exports_during_turns": exports,
    }


async def on_postgresql(url: str, args: argparse.Namespace, tmp: str) -> dict[str, Any]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        return await run(url, schema, args, tmp)
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def show(backend: str, result: dict[str, Any]) -> None:
    print(f"[{backend}] {result['rows']} registrations (seeded in {result['seed_seconds']} s); "
          f"{result['users']} users x {result['messages_per_user']} FAQ questions")
    for item in result["exports_alone"]:
        print(f"  export {item['format']} alone: {item['seconds']} s, first byte after {item['first_byte_seconds']} s, {item['bytes']} bytes")
    print(f"  FAQ turn alone:         p50 {result['faq_p50_ms_alone']} ms, p99 {result['faq_p99_ms_alone']} ms")
    print(f"  FAQ turn during export: p50 {result['faq_p50_ms_during_export']} ms, p99 {result['faq_p99_ms_during_export']} ms "
          f"({len(result['exports_during_turns'])} exports ran meanwhile)")
    print(f"  p99 ratio {result['p99_ratio']} (target <= {TARGET_RATIO}): {'met' if result['met'] else 'MISSED'}")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--messages", type=int, default=30, help="FAQ questions per user, in each phase")
    parser.add_argument("--text", default="wanneer is de bijeenkomst?")
    parser.add_argument("--postgresql", default=os.environ.get("TEST_DATABASE_URL"), help="a PostgreSQL URL (default: TEST_DATABASE_URL)")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "export.json")
    args = parser.parse_args()

    report: dict[str, Any] = {
        "benchmark": "export_under_load", "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "results": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        result = await run(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", None, args, tmp)
        show("sqlite", result)
        report["results"]["sqlite"] = result
        if args.postgresql:
            result = await on_postgresql(args.postgresql, args, tmp)
            show("postgresql", result)
            report["results"]["postgresql"] = result
        else:
            print("[postgresql] skipped: no --postgresql URL and no TEST_DATABASE_URL")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"report written to {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0 if all(r["met"] for r in report["results"].values()) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
