"""Cold start: a fresh Python process from the first import to the first answer.

Each run starts a new interpreter (`python -c`), which imports `app`, builds the app (settings, catalogs,
knowledge data and its index, every feature), starts it (migrations on a new SQLite file in a temporary
folder, background work) and answers a first question through the recognizer and the answer template.
The script prints the median of `--runs` runs per phase, in wall-clock time and in CPU time of the process
(CPU time includes the interpreter's own start; it is what other processes on a busy machine do not
disturb), and exits with status 1 when the total wall-clock time is not under the target.

    .venv/bin/python benchmarks/cold_start.py [--runs 5] [--json test-artifacts/cold_start.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.5

_RUN = r"""
import time
start = time.perf_counter()
cpu = [time.process_time()]
import asyncio, json, sys
from aiohttp import web
import app as application
from bot.core.config import Settings
from bot.core.wiring import CORE
imported = time.perf_counter()
cpu.append(time.process_time())
settings = Settings(database_url="sqlite+aiosqlite:///" + sys.argv[1])
built_app = application.create_app(settings)
built = time.perf_counter()
cpu.append(time.process_time())

async def first_answer():
    runner = web.AppRunner(built_app)
    await runner.setup()  # start-up: migrations, content, background work
    started = time.perf_counter()
    cpu.append(time.process_time())
    core = built_app[CORE]
    result = core.recognizer.recognize("wanneer is de bijeenkomst?", "nl")
    answered = time.perf_counter()
    cpu.append(time.process_time())
    await runner.cleanup()
    return started, answered, result.kind

started, answered, kind = asyncio.run(first_answer())
print(json.dumps({"import": imported - start, "build": built - imported, "start": started - built,
                  "first_answer": answered - started, "total": answered - start, "kind": kind,
                  "cpu_import": cpu[1], "cpu_build": cpu[2] - cpu[1], "cpu_start": cpu[3] - cpu[2],
                  "cpu_first_answer": cpu[4] - cpu[3], "cpu_total": cpu[4]}))
"""


PROJECT_CODE = ("app.py", "bot", "dialogs", "storage", "manifest")


def compile_project(python: str) -> None:
    """Byte code for the project's modules, as the image has it (Dockerfile: `compileall`). Without it, with
    PYTHONDONTWRITEBYTECODE set, every start compiles every module of the project again."""
    subprocess.run([python, "-m", "compileall", "-q", *PROJECT_CODE], cwd=ROOT, check=True)


def run_once(python: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        started = subprocess.run(
            [python, "-c", _RUN, str(Path(folder) / "bot.db")],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )
        return json.loads(started.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=ROOT / "test-artifacts" / "cold_start.json")
    args = parser.parse_args(argv)
    compile_project(sys.executable)
    run_once(sys.executable)  # warm the file system cache; not counted
    runs = [run_once(sys.executable) for _ in range(max(1, args.runs))]
    phases = ("import", "build", "start", "first_answer", "total")
    medians = {phase: statistics.median(run[phase] for run in runs) for phase in phases}
    medians.update({f"cpu_{phase}": statistics.median(run[f"cpu_{phase}"] for run in runs) for phase in phases})
    print(f"cold start, median of {len(runs)} runs (new process each):  wall-clock    CPU")
    for phase in phases:
        print(f"  {phase:<13} {medians[phase] * 1000:17.0f} ms {medians[f'cpu_{phase}'] * 1000:6.0f} ms")
    ok = medians["total"] < TARGET_S and all(run["kind"] == "answer" for run in runs)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {"runs": runs, "median_s": medians, "target_s": TARGET_S, "ok": ok}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print("result: " + ("target met" if ok else f"FAILED: total not under {TARGET_S} s"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
