"""Whole turns through the HTTP edge, against the canonical botbuilder echo bot, on loopback only.

Each bot runs as its own aiohttp server on 127.0.0.1 in a separate process: this bot (create_app, local mode,
on a temporary SQLite file and, when a PostgreSQL URL is given, on a fresh schema there) and the echo bot
(BotFrameworkAdapter + ActivityHandler echoing the text, as in the botbuilder samples, built here). Both post
their replies to the same fake Bot Connector in this process. Simulated Teams users (16 at once by default)
send, in interleaved rounds:
- FAQ turns: a question the bot answers from its knowledge ("wanneer is de bijeenkomst?");
- registration steps: start the form, submit it, confirm (each user registers as a new person; the bot's
  clock is frozen before the session's deadline with BOT_FAKE_NOW).
The echo bot gets the same messages. Per target and scenario: turns per second, p50/p99 latency (the turn
includes posting the replies to the connector, as in Teams) and the server process's CPU ms per turn
(/proc). The medians over the rounds are compared: FAQ throughput >= 3x the echo bot's, FAQ p99 <= 1/3 of
its p99, registration step throughput >= 1.5x, FAQ CPU <= 4 ms per turn. The figures are printed and
written to benchmarks/results/turn.json.

    .venv/bin/python benchmarks/turn_benchmark.py [--users 16] [--rounds 3] [--postgres-url URL]

`--postgres-url` defaults to BENCH_POSTGRES_URL or TEST_DATABASE_URL (a schema is created and dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIXTURE = ROOT / "tests" / "fixtures" / "teams" / "personal_message.json"
RESULTS = ROOT / "benchmarks" / "results" / "turn.json"
FAQ_TEXT = "wanneer is de bijeenkomst?"
SESSION_ID = "info-2022-10-04"
FAKE_NOW = "2022-09-20T10:00:00+02:00"  # before the announced session's registration deadline
TARGETS = {"faq_throughput_ratio": 3.0, "faq_p99_ratio": 1 / 3, "registration_throughput_ratio": 1.5, "faq_cpu_ms": 4.0}


# --- the servers (child processes) -----------------------------------------------------------------


async def serve_echo() -> web.AppRunner:
    """The canonical echo bot of the botbuilder samples (BotFrameworkAdapter, ActivityHandler)."""
    from botbuilder.core import (  # noqa: PLC0415 - each process imports only its own bot
        ActivityHandler,
        BotFrameworkAdapter,
        BotFrameworkAdapterSettings,
        MessageFactory,
        TurnContext,
    )
    from botbuilder.schema import Activity  # noqa: PLC0415 - each process imports only its own bot

    class EchoBot(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext):
            return await turn_context.send_activity(MessageFactory.text(f"Echo: {turn_context.activity.text}"))

    adapter = BotFrameworkAdapter(BotFrameworkAdapterSettings("", ""))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        body = await request.json()
        activity = Activity().deserialize(body)
        auth_header = request.headers.get("Authorization", "")
        response = await adapter.process_activity(activity, auth_header, bot.on_turn)
        if response:
            return web.json_response(data=response.body, status=response.status)
        return web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return web.AppRunner(app, access_log=None)


async def serve_ours(database_url: str, schema: str | None, data_dir: str) -> web.AppRunner:
    from app import create_app  # noqa: PLC0415 - each process imports only its own bot
    from bot.core.config import Settings  # noqa: PLC0415 - each process imports only its own bot

    settings = Settings(
        _env_file=None,
        database_url=database_url,
        database_schema=schema,
        data_dir=data_dir,
        microsoft_app_id="",
        bot_fake_now=FAKE_NOW,
        reminder_interval_seconds=0,
        retention_interval_seconds=0,
        knowledge_refresh_seconds=0,
    )
    return web.AppRunner(create_app(settings), access_log=None)


async def child(kind: str, database_url: str | None, schema: str | None, profile: str | None) -> None:
    profiler = None
    if profile:
        import cProfile  # noqa: PLC0415

        profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "echo":
            runner = await serve_echo()
        else:
            runner = await serve_ours(database_url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", schema, tmp)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001
        print(f"PORT {port}", flush=True)
        if profiler is not None:
            profiler.enable()
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the driver closes stdin
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        await runner.cleanup()


# --- the driver ------------------------------------------------------------------------------------


class FakeConnector:
    """The Bot Connector on loopback: takes replies, answers the roster call, keeps each conversation's last replies."""

    def __init__(self) -> None:
        self.replies: dict[str, list[dict[str, Any]]] = {}
        self.posted = 0

    async def post(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.posted += 1
        self.replies.setdefault(request.match_info["cid"], []).append(body)
        return web.json_response({"id": f"r{self.posted}"})

    async def member(self, request: web.Request) -> web.Response:
        uid = request.match_info["uid"]
        return web.json_response({"id": uid, "name": "Anna de Vries", "email": "anna.devries@utrecht.nl"})

    async def start(self) -> tuple[web.AppRunner, int]:
        app = web.Application()
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self.post)
        app.router.add_post("/v3/conversations/{cid}/activities", self.post)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self.member)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, site._server.sockets[0].getsockname()[1]  # noqa: SLF001


class Server:
    def __init__(self, name: str, kind: str, database_url: str | None = None, schema: str | None = None, profile: str | None = None):
        self.name, self.kind, self.database_url, self.schema, self.profile = name, kind, database_url, schema, profile
        self.process: asyncio.subprocess.Process | None = None
        self.port = 0

    async def start(self) -> None:
        args = [sys.executable, __file__, "--serve", self.kind]
        if self.database_url:
            args += ["--database-url", self.database_url]
        if self.schema:
            args += ["--schema", self.schema]
        if self.profile:
            args += ["--profile", f"{self.profile}/{self.name}.pstats"]
        self.process = await asyncio.create_subprocess_exec(*args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        assert self.process.stdout is not None
        line = (await asyncio.wait_for(self.process.stdout.readline(), 120)).decode()
        if not line.startswith("PORT "):
            raise RuntimeError(f"{self.name} did not start: {line!r}")
        self.port = int(line.split()[1])

    def cpu_seconds(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        if self.process is not None and self.process.stdin is not None:
            self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()


class Load:
    def __init__(self, session: ClientSession, connector: FakeConnector, connector_url: str):
        self.session = session
        self.connector = connector
        self.base = json.loads(FIXTURE.read_text(encoding="utf-8"))
        self.base["serviceUrl"] = connector_url
        self.run_id = uuid.uuid4().hex[:6]

    def activity(self, user: str, n: int, **changes: Any) -> dict[str, Any]:
        activity = copy.deepcopy(self.base)
        activity["id"] = f"{user}-{n}"
        activity["conversation"]["id"] = f"a:{user}"
        activity["from"]["id"] = f"29:{user}"
        activity["from"]["aadObjectId"] = str(uuid.uuid5(uuid.NAMESPACE_URL, user))
        activity.update(changes)
        return activity

    async def post(self, server: Server, activity: dict[str, Any], latencies: list[float], statuses: dict[int, int]) -> None:
        started = time.perf_counter()
        async with self.session.post(f"http://127.0.0.1:{server.port}/api/messages", json=activity) as response:
            await response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
        latencies.append(time.perf_counter() - started)

    async def faq_user(self, server: Server, user: str, messages: int, latencies, statuses) -> None:
        for n in range(messages):
            await self.post(server, self.activity(user, n, type="message", text=FAQ_TEXT), latencies, statuses)

    async def registering_user(self, server: Server, user: str, people: int, latencies, statuses) -> None:
        for p in range(people):
            person = f"{user}-p{p}"
            await self.post(server, self.activity(person, 0, type="message", text="aanmelden"), latencies, statuses)
            values = {"action": "register.submit", "session": SESSION_ID, "mode": "online", "name": "Anna de Vries",
                      "email": "anna.devries@utrecht.nl", "municipality": "gemeente Utrecht", "role": "Beleidsadviseur",
                      "accessibility": "", "dietary": ""}
            before = len(self.connector.replies.get(f"a:{person}", []))
            await self.post(server, self.activity(person, 1, type="message", value=values, text=None), latencies, statuses)
            token = _confirm_token(self.connector.replies.get(f"a:{person}", [])[before:]) or "none"
            confirm = {"action": "register.confirm", "token": token}
            await self.post(server, self.activity(person, 2, type="message", value=confirm, text=None), latencies, statuses)

    async def measure(self, server: Server, scenario: str, users: int, per_user: int, round_no: int) -> dict[str, Any]:
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        prefix = f"{self.run_id}-{server.name}-{scenario}-{round_no}"
        cpu_before = server.cpu_seconds()
        started = time.perf_counter()
        if scenario == "faq":
            await asyncio.gather(*(self.faq_user(server, f"{prefix}-{u}", per_user, latencies, statuses) for u in range(users)))
        else:
            await asyncio.gather(*(self.registering_user(server, f"{prefix}-{u}", per_user, latencies, statuses) for u in range(users)))
        elapsed = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu_before
        ordered = sorted(latencies)
        return {
            "turns": len(latencies),
            "throughput": len(latencies) / elapsed,
            "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
            "cpu_ms_per_turn": cpu * 1000 / len(latencies),
            "statuses": statuses,
        }


def _confirm_token(replies: list[dict[str, Any]]) -> str | None:
    def walk(node: Any) -> str | None:
        if isinstance(node, dict):
            data = node.get("data")
            if node.get("type") == "Action.Submit" and isinstance(data, dict) and data.get("action") == "register.confirm":
                return data.get("token")
            for value in node.values():
                found = walk(value)
                if found:
                    return found
        elif isinstance(node, list):
            for item in node:
                found = walk(item)
                if found:
                    return found
        return None

    return walk(replies)


async def _pg_schema(url: str, create: bool, schema: str) -> None:
    from sqlalchemy import text  # noqa: PLC0415 - each process imports only its own bot
    from sqlalchemy.ext.asyncio import create_async_engine  # noqa: PLC0415 - each process imports only its own bot

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"' if create else f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()


def _median(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("throughput", "p50_ms", "p99_ms", "cpu_ms_per_turn")
    result: dict[str, Any] = {key: statistics.median(r[key] for r in rounds) for key in keys}
    result["turns_per_round"] = rounds[0]["turns"]
    result["statuses"] = {}
    for r in rounds:
        for status, count in r["statuses"].items():
            result["statuses"][str(status)] = result["statuses"].get(str(status), 0) + count
    return result


async def drive(args: argparse.Namespace) -> int:
    pg_url = args.postgres_url or os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL")
    schema = f"bench_{uuid.uuid4().hex[:10]}" if pg_url else None
    servers = [Server("echo", "echo", profile=args.profile), Server("sqlite", "ours", profile=args.profile)]
    if pg_url and schema:
        await _pg_schema(pg_url, True, schema)
        servers.append(Server("postgresql", "ours", pg_url, schema, profile=args.profile))
    connector = FakeConnector()
    connector_runner, connector_port = await connector.start()
    raw: dict[str, dict[str, list[dict[str, Any]]]] = {s.name: {"faq": [], "registration": []} for s in servers}
    try:
        await asyncio.gather(*(s.start() for s in servers))
        async with ClientSession(timeout=ClientTimeout(total=120)) as session:
            load = Load(session, connector, f"http://127.0.0.1:{connector_port}/")
            for server in servers:  # warm-up: first turns load lazily imported code, caches, connections
                await load.measure(server, "faq", 4, 5, -1)
                await load.measure(server, "registration", 4, 1, -1)
            for round_no in range(args.rounds):
                for server in servers:
                    raw[server.name]["faq"].append(await load.measure(server, "faq", args.users, args.messages, round_no))
                    raw[server.name]["registration"].append(
                        await load.measure(server, "registration", args.users, args.registrations, round_no)
                    )
    finally:
        for server in servers:
            await server.stop()
        await connector_runner.cleanup()
        if pg_url and schema:
            await _pg_schema(pg_url, False, schema)

    medians = {name: {scenario: _median(rounds) for scenario, rounds in by.items()} for name, by in raw.items()}
    echo = medians["echo"]
    report: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["benchmarks/turn_benchmark.py", *sys.argv[1:]]),
        "conditions": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "users": args.users,
            "rounds": args.rounds,
            "faq_messages_per_user": args.messages,
            "registrations_per_user": args.registrations,
            "note": "each bot in its own process on 127.0.0.1; fake connector and load in the driver process; "
            "medians over interleaved rounds; no access logs; other work on the machine not controlled",
        },
        "targets": TARGETS,
        "medians": medians,
        "rounds": raw,
        "ratios": {},
    }
    failed = False
    print(f"{'target':<12} {'scenario':<13} {'turns/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/turn':>12}  statuses")
    for name, by in medians.items():
        for scenario, m in by.items():
            print(f"{name:<12} {scenario:<13} {m['throughput']:8.1f} {m['p50_ms']:8.1f} {m['p99_ms']:8.1f} "
                  f"{m['cpu_ms_per_turn']:12.2f}  {m['statuses']}")
    for name, ours in medians.items():
        if name == "echo":
            continue
        ratios = {
            "faq_throughput_ratio": ours["faq"]["throughput"] / echo["faq"]["throughput"],
            "faq_p99_ratio": ours["faq"]["p99_ms"] / echo["faq"]["p99_ms"],
            "registration_throughput_ratio": ours["registration"]["throughput"] / echo["registration"]["throughput"],
            "faq_cpu_ms": ours["faq"]["cpu_ms_per_turn"],
        }
        met = {
            "faq_throughput_ratio": ratios["faq_throughput_ratio"] >= TARGETS["faq_throughput_ratio"],
            "faq_p99_ratio": ratios["faq_p99_ratio"] <= TARGETS["faq_p99_ratio"],
            "registration_throughput_ratio": ratios["registration_throughput_ratio"] >= TARGETS["registration_throughput_ratio"],
            "faq_cpu_ms": ratios["faq_cpu_ms"] <= TARGETS["faq_cpu_ms"],
        }
        bad_statuses = any(s not in ("200", "201") for sc in ours.values() for s in sc["statuses"])
        report["ratios"][name] = {"values": ratios, "met": met, "non_2xx_statuses": bad_statuses}
        failed |= not all(met.values()) or bad_statuses
        print(
            f"{name}: FAQ throughput {ratios['faq_throughput_ratio']:.2f}x echo (target >= 3), "
            f"FAQ p99 {ratios['faq_p99_ratio']:.2f} of echo (target <= 0.33), "
            f"registration step {ratios['registration_throughput_ratio']:.2f}x echo (target >= 1.5), "
            f"FAQ CPU {ratios['faq_cpu_ms']:.2f} ms/turn (target <= 4)"
            + ("" if all(met.values()) else "  -- MISSED: " + ", ".join(k for k, v in met.items() if not v))
        )
    if not pg_url:
        print("PostgreSQL not measured: set --postgres-url, BENCH_POSTGRES_URL or TEST_DATABASE_URL")
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")  # noqa: ASYNC240 - once, after the run
    print(f"report: {out}")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=16, help="simulated users at once")
    parser.add_argument("--messages", type=int, default=25, help="FAQ messages per user per round")
    parser.add_argument("--registrations", type=int, default=5, help="people each user registers per round (3 steps each)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--profile", default=None, help="a folder: each server writes cProfile stats there (<name>.pstats)")
    parser.add_argument("--serve", choices=["echo", "ours"], help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--schema", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(child(args.serve, args.database_url, args.schema, args.profile))
        return
    sys.exit(asyncio.run(drive(args)))


if __name__ == "__main__":
    main()
