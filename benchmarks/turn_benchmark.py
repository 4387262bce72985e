"""Whole turns through the HTTP edge, against the canonical botbuilder echo bot, on loopback only.

Each bot runs as its own aiohttp server on 127.0.0.1 in a separate process: this bot (create_app, local mode,
on a temporary SQLite file and, when a PostgreSQL URL is given, on a fresh schema there) and the canonical
echo bot (microsoft/BotBuilder-Samples samples/python/02.echo-bot as it is: CloudAdapter with
ConfigurationBotFrameworkAuthentication, built here line for line). All post their replies to one fake Bot
Connector, a process of its own that takes replies without parsing them. The driver (this process) sends
prebuilt activities on keep-alive connections; its own CPU and the connector's are reported too, so a
driver that is the bottleneck shows. Simulated Teams users (16 at once by default) send, in interleaved rounds:
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
from urllib.parse import quote

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
    """The canonical Python echo bot, built as microsoft/BotBuilder-Samples samples/python/02.echo-bot builds it
    (app.py, config.py, bots/echo_bot.py as of 2025-04): CloudAdapter with ConfigurationBotFrameworkAuthentication
    from the sample's DefaultConfig (no app id: local mode), the sample's on_turn_error, EchoBot (welcome on
    members added, "Echo: <text>"), aiohttp_error_middleware, `ADAPTER.process(req, BOT)`. Nothing tuned either
    way: the adapter makes its connector client per turn, as the sample's does."""
    import traceback  # noqa: PLC0415 - each process imports only its own bot

    from botbuilder.core import ActivityHandler, MessageFactory, TurnContext  # noqa: PLC0415
    from botbuilder.core.integration import aiohttp_error_middleware  # noqa: PLC0415
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication  # noqa: PLC0415
    from botbuilder.schema import Activity, ActivityTypes  # noqa: PLC0415

    class DefaultConfig:
        PORT = 3978
        APP_ID = os.environ.get("MicrosoftAppId", "")  # noqa: SIM112 - the sample's names
        APP_PASSWORD = os.environ.get("MicrosoftAppPassword", "")  # noqa: SIM112
        APP_TYPE = os.environ.get("MicrosoftAppType", "MultiTenant")  # noqa: SIM112
        APP_TENANTID = os.environ.get("MicrosoftAppTenantId", "")  # noqa: SIM112

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(DefaultConfig()))

    async def on_error(context: TurnContext, error: Exception):
        print(f"\n [on_turn_error] unhandled error: {error}", file=sys.stderr)
        traceback.print_exc()
        await context.send_activity("The bot encountered an error or bug.")
        await context.send_activity("To continue to run this bot, please fix the bot source code.")
        if context.activity.channel_id == "emulator":
            trace_activity = Activity(label="TurnError", name="on_turn_error Trace", timestamp=datetime.now(UTC),
                                      type=ActivityTypes.trace, value=f"{error}",
                                      value_type="https://www.botframework.com/schemas/error")
            await context.send_activity(trace_activity)

    adapter.on_turn_error = on_error

    class EchoBot(ActivityHandler):
        async def on_members_added_activity(self, members_added, turn_context: TurnContext):
            for member in members_added:
                if member.id != turn_context.activity.recipient.id:
                    await turn_context.send_activity("Hello and welcome!")

        async def on_message_activity(self, turn_context: TurnContext):
            return await turn_context.send_activity(MessageFactory.text(f"Echo: {turn_context.activity.text}"))

    bot = EchoBot()

    async def messages(req: web.Request) -> web.Response:
        return await adapter.process(req, bot)

    app = web.Application(middlewares=[aiohttp_error_middleware])
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

        profiler = cProfile.Profile(time.process_time)  # CPU time: the figures do not depend on the load
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "echo":
            runner = await serve_echo()
        elif kind == "connector":
            runner = serve_connector()
            profiler = None
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


# --- the fake Bot Connector (its own process) ------------------------------------------------------

_REPLY_ID = b'{"id":"r"}'
_MEMBER = json.dumps({"id": "29:member", "name": "Anna de Vries", "email": "anna.devries@utrecht.nl"}).encode()


def serve_connector() -> web.AppRunner:
    """The Bot Connector on loopback, as cheap as it can be: a reply is taken without parsing it (only one
    that carries a registration's confirm button is read, for its token, which the driver asks for with
    `/_token/{cid}`); the roster call gets a fixed member. `/_counts` says how many replies and roster calls
    came in, so the driver can check that the bots' replies arrived and count roster calls."""
    counts = {"replies": 0, "roster_calls": 0}
    tokens: dict[str, str] = {}

    async def post(request: web.Request) -> web.Response:
        body = await request.read()
        counts["replies"] += 1
        if b"register.confirm" in body:
            token = _confirm_token(json.loads(body))
            if token:
                tokens[request.match_info["cid"]] = token
        return web.Response(body=_REPLY_ID, content_type="application/json")

    async def member(_request: web.Request) -> web.Response:
        counts["roster_calls"] += 1
        return web.Response(body=_MEMBER, content_type="application/json")

    async def token(request: web.Request) -> web.Response:
        return web.Response(text=tokens.pop(request.match_info["cid"], "none"))

    async def counted(_request: web.Request) -> web.Response:
        return web.json_response(counts)

    app = web.Application()
    app.router.add_post("/v3/conversations/{cid}/activities/{aid}", post)
    app.router.add_post("/v3/conversations/{cid}/activities", post)
    app.router.add_get("/v3/conversations/{cid}/members/{uid}", member)
    app.router.add_get("/_token/{cid}", token)
    app.router.add_get("/_counts", counted)
    return web.AppRunner(app, access_log=None)


# --- the driver ------------------------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    """The children run without an app id (local mode), whatever this shell has set."""
    return {k: v for k, v in os.environ.items() if not k.startswith("MicrosoftApp") and k != "DATABASE_URL"}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, every thread (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
        self.process = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=_child_env()
        )
        assert self.process.stdout is not None
        line = (await asyncio.wait_for(self.process.stdout.readline(), 120)).decode()
        if not line.startswith("PORT "):
            raise RuntimeError(f"{self.name} did not start: {line!r}")
        self.port = int(line.split()[1])

    def cpu_seconds(self) -> float:
        assert self.process is not None
        return _cpu_seconds(self.process.pid)

    async def stop(self) -> None:
        if self.process is not None and self.process.stdin is not None:
            self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()


_JSON = {"Content-Type": "application/json"}
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class Load:
    """The simulated users: activities built from the Teams fixture by changing a few fields (no deep copies)
    and sent as bytes on keep-alive connections."""

    def __init__(self, session: ClientSession, connector: Server):
        self.session = session
        self.connector = connector
        self.connector_url = f"http://127.0.0.1:{connector.port}"
        self.base = json.loads(FIXTURE.read_text(encoding="utf-8"))
        self.base["serviceUrl"] = self.connector_url + "/"
        self.run_id = uuid.uuid4().hex[:6]

    def activity(self, user: str, n: int, **changes: Any) -> bytes:
        base = self.base
        activity = dict(base)
        activity["id"] = f"{user}-{n}"
        activity["conversation"] = {**base["conversation"], "id": f"a:{user}"}
        activity["from"] = {**base["from"], "id": f"29:{user}", "aadObjectId": str(uuid.uuid5(uuid.NAMESPACE_URL, user))}
        activity.update(changes)
        return _dumps(activity).encode()

    async def post(self, server: Server, activity: bytes, latencies: list[float], statuses: dict[int, int]) -> None:
        started = time.perf_counter()
        async with self.session.post(f"http://127.0.0.1:{server.port}/api/messages", data=activity, headers=_JSON) as response:
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
            await self.post(server, self.activity(person, 1, type="message", value=values, text=None), latencies, statuses)
            async with self.session.get(f"{self.connector_url}/_token/{quote(f'a:{person}', safe='')}") as response:
                token = await response.text()
            confirm = {"action": "register.confirm", "token": token}
            await self.post(server, self.activity(person, 2, type="message", value=confirm, text=None), latencies, statuses)

    async def counts(self) -> dict[str, int]:
        async with self.session.get(f"{self.connector_url}/_counts") as response:
            return await response.json()

    async def measure(self, server: Server, scenario: str, users: int, per_user: int, round_no: int) -> dict[str, Any]:
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        prefix = f"{self.run_id}-{server.name}-{scenario}-{round_no}"
        counts_before = await self.counts()
        cpu_before = server.cpu_seconds()
        connector_cpu_before = self.connector.cpu_seconds()
        driver_cpu_before = time.process_time()
        started = time.perf_counter()
        if scenario == "faq":
            await asyncio.gather(*(self.faq_user(server, f"{prefix}-{u}", per_user, latencies, statuses) for u in range(users)))
        else:
            await asyncio.gather(*(self.registering_user(server, f"{prefix}-{u}", per_user, latencies, statuses) for u in range(users)))
        elapsed = time.perf_counter() - started
        driver_cpu = time.process_time() - driver_cpu_before
        connector_cpu = self.connector.cpu_seconds() - connector_cpu_before
        cpu = server.cpu_seconds() - cpu_before
        counts_after = await self.counts()
        ordered = sorted(latencies)
        turns = len(latencies)
        return {
            "turns": turns,
            "throughput": turns / elapsed,
            "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[min(turns - 1, int(turns * 0.99))] * 1000,
            "cpu_ms_per_turn": cpu * 1000 / turns,
            "driver_cpu_ms_per_turn": driver_cpu * 1000 / turns,
            "connector_cpu_ms_per_turn": connector_cpu * 1000 / turns,
            "replies_per_turn": (counts_after["replies"] - counts_before["replies"]) / turns,
            "roster_calls": counts_after["roster_calls"] - counts_before["roster_calls"],
            "statuses": statuses,
        }


def _confirm_token(replies: Any) -> str | None:
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
    keys = ("throughput", "p50_ms", "p99_ms", "cpu_ms_per_turn", "driver_cpu_ms_per_turn", "connector_cpu_ms_per_turn",
            "replies_per_turn")
    result: dict[str, Any] = {key: statistics.median(r[key] for r in rounds) for key in keys}
    result["turns_per_round"] = rounds[0]["turns"]
    result["roster_calls_per_round"] = statistics.median(r["roster_calls"] for r in rounds)
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
    connector = Server("connector", "connector")
    raw: dict[str, dict[str, list[dict[str, Any]]]] = {s.name: {"faq": [], "registration": []} for s in servers}
    try:
        load_before = os.getloadavg()
        await asyncio.gather(connector.start(), *(s.start() for s in servers))
        async with ClientSession(timeout=ClientTimeout(total=120)) as session:
            load = Load(session, connector)
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
        load_after = os.getloadavg()
        for server in servers:
            await server.stop()
        await connector.stop()
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
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "note": "each bot, the fake connector and the driver in its own process on 127.0.0.1; medians over "
            "interleaved rounds; no access logs; other work on the machine not controlled (see the load averages); "
            "driver_cpu_ms_per_turn and connector_cpu_ms_per_turn are the load generator's and the fake "
            "connector's own CPU per turn",
        },
        "targets": TARGETS,
        "medians": medians,
        "rounds": raw,
        "ratios": {},
    }
    failed = False
    print(f"load average before {report['conditions']['load_average_before']}, after {report['conditions']['load_average_after']}")
    print(f"{'target':<12} {'scenario':<13} {'turns/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/turn':>12} "
          f"{'driver':>7} {'connector':>9} {'replies':>8} {'roster':>7}  statuses")
    for name, by in medians.items():
        for scenario, m in by.items():
            print(f"{name:<12} {scenario:<13} {m['throughput']:8.1f} {m['p50_ms']:8.1f} {m['p99_ms']:8.1f} "
                  f"{m['cpu_ms_per_turn']:12.2f} {m['driver_cpu_ms_per_turn']:7.2f} {m['connector_cpu_ms_per_turn']:9.2f} "
                  f"{m['replies_per_turn']:8.2f} {m['roster_calls_per_round']:7.0f}  {m['statuses']}")
    print("(CPU ms per turn: the server process; driver and connector: the load generator's and the fake connector's own)")
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
        bad_statuses |= any(sc["replies_per_turn"] < 1 for sc in ours.values())  # every turn must have replied
        report["ratios"][name] = {"values": ratios, "met": met, "non_2xx_statuses": bad_statuses}
        failed |= not all(met.values()) or bad_statuses
        print(
            f"{name}: FAQ throughput {ratios['faq_throughput_ratio']:.2f}x echo (target >= 3), "
            f"FAQ p99 {ratios['faq_p99_ratio']:.2f} of echo (target <= 0.33), "
            f"registration step {ratios['registration_throughput_ratio']:.2f}x echo (target >= 1.5), "
            f"FAQ CPU {ratios['faq_cpu_ms']:.2f} ms/turn (target <= 4)"
        )
        for key, ok in met.items():
            print(f"  {'PASS' if ok else 'FAIL'}  {name} {key}")
        if bad_statuses:
            print(f"  FAIL  {name}: turns answered with an error status or without a reply")
    if not pg_url:
        print("PostgreSQL not measured: set --postgres-url, BENCH_POSTGRES_URL or TEST_DATABASE_URL")
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")  # noqa: ASYNC240 - once, after the run
    print(f"report: {out}")
    print("result: " + ("every target met" if not failed else "FAILED: a target was missed (see FAIL above)"))
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
    parser.add_argument("--serve", choices=["echo", "ours", "connector"], help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--schema", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(child(args.serve, args.database_url, args.schema, args.profile))
        return
    sys.exit(asyncio.run(drive(args)))


if __name__ == "__main__":
    main()
