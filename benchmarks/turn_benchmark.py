"""Turn throughput and latency through the real HTTP edge, on loopback only.

Starts the bot (create_app, a temporary SQLite file or DATABASE_URL) and a fake Bot Connector on 127.0.0.1,
then posts Teams-shaped messages from several simulated users at once and reports activities per second
and p50/p99 turn latency (the turn includes posting the replies to the connector, as in Teams).

    .venv/bin/python benchmarks/turn_benchmark.py [--users 20] [--messages 10] [--text "wanneer is de bijeenkomst?"]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from bot.core.config import Settings  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "teams" / "personal_message.json"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--messages", type=int, default=10, help="messages per user")
    parser.add_argument("--text", default="wanneer is de bijeenkomst?")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

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

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,
            database_url=args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3",
            microsoft_app_id="",
            reminder_interval_seconds=0,
        )
        bot_runner = web.AppRunner(create_app(settings))
        await bot_runner.setup()
        bot_site = web.TCPSite(bot_runner, "127.0.0.1", 0)
        await bot_site.start()
        bot_port = bot_site._server.sockets[0].getsockname()[1]  # noqa: SLF001

        base = json.loads(FIXTURE.read_text(encoding="utf-8"))
        base["serviceUrl"] = f"http://127.0.0.1:{connector_port}/"
        latencies: list[float] = []
        statuses: dict[int, int] = {}

        async def user(session: ClientSession, index: int) -> None:
            for n in range(args.messages):
                activity = copy.deepcopy(base)
                activity["id"] = f"bench-{index}-{n}"
                activity["conversation"]["id"] = f"a:bench-{index}"
                activity["from"]["id"] = f"29:bench-{index}"
                activity["from"]["aadObjectId"] = f"00000000-0000-4000-8000-{index:012d}"
                activity["text"] = args.text
                started = time.perf_counter()
                async with session.post(f"http://127.0.0.1:{bot_port}/api/messages", json=activity) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                latencies.append(time.perf_counter() - started)

        async with ClientSession() as session:
            await user(session, 10_000)  # warm-up
            latencies.clear()
            statuses.clear()
            started = time.perf_counter()
            await asyncio.gather(*(user(session, i) for i in range(args.users)))
            elapsed = time.perf_counter() - started

        await bot_runner.cleanup()
    await connector_runner.cleanup()

    total = args.users * args.messages
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"activities: {total} from {args.users} concurrent users; HTTP statuses: {statuses}")
    print(f"throughput: {total / elapsed:.1f} activities/s")
    print(f"turn latency: p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
