"""`make bench`: every benchmark in turn, each in its own process, with one summary report.

Runs the question-answering benchmark, the cold start, the turn benchmark and the export benchmark
(`BENCHMARKS` below).
A script that takes `--json PATH` (its `--help` says so) writes its own report to
`benchmarks/results/<name>.json`; for every script the summary `benchmarks/results/bench.json` records the
command, exit status, duration and printed output. Extra arguments for one script come from the environment:
QA_BENCH_ARGS, COLD_BENCH_ARGS, TURN_BENCH_ARGS, EXPORT_BENCH_ARGS. Exits 1 when any script did (a missed target).
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
BENCHMARKS = (("qa", "qa_benchmark.py", "QA_BENCH_ARGS"), ("cold_start", "cold_start.py", "COLD_BENCH_ARGS"),
              ("turn", "turn_benchmark.py", "TURN_BENCH_ARGS"), ("export", "export_benchmark.py", "EXPORT_BENCH_ARGS"))


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary: dict = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
                     "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "benchmarks": {}}
    failed = False
    for name, script, variable in BENCHMARKS:
        path = ROOT / "benchmarks" / script
        command = [sys.executable, str(path), *shlex.split(os.environ.get(variable, ""))]
        takes_json = "--json" in subprocess.run([sys.executable, str(path), "--help"], check=False, capture_output=True, text=True, cwd=ROOT).stdout
        if takes_json and "--json" not in command:
            command += ["--json", str(RESULTS / f"{name}.json")]
        print(f"== {name}: {shlex.join(command[1:])}", flush=True)
        started = time.perf_counter()
        done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT)
        print(done.stdout, end="", flush=True)
        if done.returncode:
            print(done.stderr[-4000:], end="", file=sys.stderr)
        failed = failed or done.returncode != 0
        summary["benchmarks"][name] = {
            "command": shlex.join(["python", *command[1:]]).replace(str(ROOT) + "/", ""),
            "exit_status": done.returncode, "seconds": round(time.perf_counter() - started, 1), "output": done.stdout,
            "report": f"benchmarks/results/{name}.json" if takes_json else None,
        }
    (RESULTS / "bench.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"summary written to {(RESULTS / 'bench.json').relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
