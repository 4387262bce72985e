"""Service metrics in the Prometheus text format (version 0.0.4), served at `/metrics` when METRICS_ENABLED is set.

One registry per process (`REGISTRY`), as Prometheus clients do: every app instance in the process counts into
it, and `/metrics` shows the process's totals. Labels are closed sets chosen by the code (a turn kind, an HTTP
status, a job name, an exception class), never a user's id, name, text or a conversation id.

What is counted, and who calls it:
- turns by kind and their latency: the `TurnMetrics` middleware (bot/core/wiring.py adds it first), with the
  kind the router sets (`set_turn_kind`);
- connector errors and retries: `connector_error(status)` and `connector_retry()`, called by the code that sends
  to the Bot Connector (bot/core/connector.py counts every failed attempt and every retry, bot/core/proactive.py
  its own retries of a proactive message);
- database errors: `database_error(error)`, called by `storage.db.Database` through its error hook;
- background jobs: `job_started(job, lag)` and `job_finished(job, outcome, seconds)` from `TicksPeriodically`;
- NLU outcomes: `nlu_outcome("answered" | "did_you_mean" | "fallback")` from the answerer.

Nothing here imports a third-party metrics library: the format is small and stable, and a process-wide registry
of our own keeps tests free of global collector clashes.
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from aiohttp import web
from botbuilder.core import Middleware, TurnContext

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
TURN_KIND_KEY = "vng.turn_kind"
# Seconds; a FAQ turn takes milliseconds, an export a few seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0)
NLU_OUTCOMES = ("answered", "did_you_mean", "fallback")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _labels(names: Sequence[str], values: Sequence[str], extra: tuple[str, str] | None = None) -> str:
    pairs = [f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True)]
    if extra is not None:
        pairs.append(f'{extra[0]}="{_escape(extra[1])}"')
    return "{" + ",".join(pairs) + "}" if pairs else ""


class _Metric:
    kind = "untyped"

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = ()):
        self.name = name
        self.help = help_text
        self.label_names = tuple(labels)
        self._lock = threading.Lock()

    def _key(self, labels: dict[str, str]) -> tuple[str, ...]:
        if set(labels) != set(self.label_names):
            raise ValueError(f"{self.name} takes the labels {self.label_names}, not {tuple(labels)}")
        return tuple(str(labels[n]) for n in self.label_names)

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.kind}"]

    def lines(self) -> Iterable[str]:
        raise NotImplementedError


class Counter(_Metric):
    kind = "counter"

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = ()):
        super().__init__(name, help_text, labels)
        self._values: dict[tuple[str, ...], float] = {} if self.label_names else {(): 0.0}  # shown from the start

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        key = self._key(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, **labels: str) -> float:
        return self._values.get(self._key(labels), 0.0)

    def lines(self) -> Iterable[str]:
        with self._lock:
            items = sorted(self._values.items())
        for key, value in items:
            yield f"{self.name}{_labels(self.label_names, key)} {_number(value)}"


class Gauge(_Metric):
    kind = "gauge"

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = ()):
        super().__init__(name, help_text, labels)
        self._values: dict[tuple[str, ...], float] = {}

    def set(self, value: float, **labels: str) -> None:
        key = self._key(labels)
        with self._lock:
            self._values[key] = float(value)

    def value(self, **labels: str) -> float | None:
        return self._values.get(self._key(labels))

    def lines(self) -> Iterable[str]:
        with self._lock:
            items = sorted(self._values.items())
        for key, value in items:
            yield f"{self.name}{_labels(self.label_names, key)} {_number(value)}"


class Histogram(_Metric):
    kind = "histogram"

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = (), buckets: Sequence[float] = LATENCY_BUCKETS):
        super().__init__(name, help_text, labels)
        self.buckets = tuple(sorted(buckets))
        self._series: dict[tuple[str, ...], tuple[list[int], list[float]]] = {}  # counts per bucket, [sum, count]

    def observe(self, value: float, **labels: str) -> None:
        key = self._key(labels)
        with self._lock:
            counts, totals = self._series.setdefault(key, ([0] * len(self.buckets), [0.0, 0.0]))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[i] += 1
            totals[0] += value
            totals[1] += 1

    def count(self, **labels: str) -> int:
        series = self._series.get(self._key(labels))
        return int(series[1][1]) if series else 0

    def lines(self) -> Iterable[str]:
        with self._lock:
            items = sorted((key, (list(c), list(t))) for key, (c, t) in self._series.items())
        for key, (counts, (total, count)) in items:
            for bound, n in zip(self.buckets, counts, strict=True):
                yield f"{self.name}_bucket{_labels(self.label_names, key, ('le', _number(bound)))} {n}"
            yield f"{self.name}_bucket{_labels(self.label_names, key, ('le', '+Inf'))} {_number(count)}"
            yield f"{self.name}_sum{_labels(self.label_names, key)} {_number(total)}"
            yield f"{self.name}_count{_labels(self.label_names, key)} {_number(count)}"


class Registry:
    def __init__(self) -> None:
        self._metrics: dict[str, _Metric] = {}

    def register(self, metric: _Metric) -> Any:
        if metric.name in self._metrics:
            raise ValueError(f"metric {metric.name} is registered twice")
        self._metrics[metric.name] = metric
        return metric

    def render(self) -> str:
        out: list[str] = []
        for metric in self._metrics.values():
            out.extend(metric.header())
            out.extend(metric.lines())
        return "\n".join(out) + "\n"


REGISTRY = Registry()
TURNS: Counter = REGISTRY.register(Counter("vng_turns_total", "Turns handled, by kind.", ["kind"]))
TURN_SECONDS: Histogram = REGISTRY.register(
    Histogram("vng_turn_duration_seconds", "Time from the start of a turn's middleware to its end, by kind.", ["kind"])
)
TURN_FAILURES: Counter = REGISTRY.register(
    Counter("vng_turn_failures_total", "Turns that ended in an unhandled error, by kind.", ["kind"])
)
CONNECTOR_ERRORS: Counter = REGISTRY.register(
    Counter("vng_connector_errors_total", "Failed calls to the Bot Connector, by HTTP status (unreachable: no answer).", ["status"])
)
CONNECTOR_RETRIES: Counter = REGISTRY.register(
    Counter("vng_connector_retries_total", "Calls to the Bot Connector tried again after a failure.")
)
DATABASE_ERRORS: Counter = REGISTRY.register(
    Counter("vng_database_errors_total", "Database errors in units of work and health checks, by exception class.", ["error"])
)
JOB_RUNS: Counter = REGISTRY.register(
    Counter(
        "vng_background_job_runs_total",
        "Runs of periodic background jobs, by job and outcome (ok, failed, skipped: another instance ran it).",
        ["job", "outcome"],
    )
)
JOB_LAG: Gauge = REGISTRY.register(
    Gauge("vng_background_job_lag_seconds", "How late the last run of a periodic job started, against its schedule.", ["job"])
)
JOB_LAST_SUCCESS: Gauge = REGISTRY.register(
    Gauge("vng_background_job_last_success_timestamp_seconds", "Unix time of the last successful run of a periodic job.", ["job"])
)
JOB_SECONDS: Histogram = REGISTRY.register(
    Histogram("vng_background_job_duration_seconds", "How long a periodic job run took.", ["job"], JOB_BUCKETS)
)
NLU_RESULTS: Counter = REGISTRY.register(
    Counter("vng_nlu_outcomes_total", "Questions the recognizer answered, answered with 'did you mean', or could not answer.", ["outcome"])
)
EXPORT_ROWS: Counter = REGISTRY.register(
    Counter("vng_export_rows_total", "Rows written to organizers' export files, by format.", ["format"])
)


# --- the small API other code calls ---------------------------------------------------------------------------
def connector_error(status: int | str | None) -> None:
    """A call to the Bot Connector failed: `status` is the HTTP status, or None when there was no answer."""
    CONNECTOR_ERRORS.inc(status="unreachable" if status is None else str(int(status)))


def connector_retry() -> None:
    CONNECTOR_RETRIES.inc()


def database_error(error: BaseException) -> None:
    DATABASE_ERRORS.inc(error=type(error).__name__)


def nlu_outcome(outcome: str) -> None:
    if outcome not in NLU_OUTCOMES:
        raise ValueError(f"unknown NLU outcome {outcome!r}")
    NLU_RESULTS.inc(outcome=outcome)


def job_started(job: str, lag: float) -> None:
    JOB_LAG.set(max(lag, 0.0), job=job)


def job_finished(job: str, outcome: str, seconds: float) -> None:
    JOB_RUNS.inc(job=job, outcome=outcome)
    if outcome == "ok":
        JOB_SECONDS.observe(seconds, job=job)
        JOB_LAST_SUCCESS.set(time.time(), job=job)


def export_rows(fmt: str, rows: int) -> None:
    EXPORT_ROWS.inc(rows, format=fmt)


def set_turn_kind(turn_context: TurnContext, kind: str) -> None:
    """What the router did with a message (card, command, dialog, job, question, smalltalk, empty): a closed set."""
    turn_context.turn_state[TURN_KIND_KEY] = kind


def turn_kind(turn_context: TurnContext) -> str:
    kind = turn_context.turn_state.get(TURN_KIND_KEY)
    if kind:
        return str(kind)
    activity_type = turn_context.activity.type or "unknown"
    return activity_type if activity_type.isidentifier() and len(activity_type) <= 32 else "other"


class TurnMetrics(Middleware):
    """Counts and times every turn (the first middleware, so the time covers the whole pipeline)."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        self._clock = clock

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable]) -> None:
        started = self._clock()
        try:
            await logic()
        except BaseException:
            TURN_FAILURES.inc(kind=turn_kind(context))
            raise
        finally:
            kind = turn_kind(context)
            TURNS.inc(kind=kind)
            TURN_SECONDS.observe(self._clock() - started, kind=kind)


# --- the endpoint ---------------------------------------------------------------------------------------------
def metrics_handler(token: str = "", registry: Registry = REGISTRY):
    """`GET /metrics`; with a token, only for `Authorization: Bearer <token>` (compared in constant time)."""
    expected = f"Bearer {token}".encode() if token else b""

    async def metrics(request: web.Request) -> web.Response:
        if expected and not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected):
            return web.Response(status=401, text="unauthorized", headers={"WWW-Authenticate": "Bearer"})
        return web.Response(body=registry.render().encode("utf-8"), headers={"Content-Type": CONTENT_TYPE, "Cache-Control": "no-store"})

    return metrics
