"""`/metrics` (Prometheus text format) through the real app: who may read it, what it counts, and that it holds
no personal data; JSON logs; tracing off by default; periodic jobs run once across instances."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from datetime import datetime

import pytest
from sqlalchemy import text

from app import SERVICES
from bot.core import metrics
from bot.core.background import JobRuns, TicksPeriodically
from bot.core.logs import JsonFormatter, configure_logging
from bot.core.proactive import Delivery, Messenger
from storage.repositories import ConversationReferences
from tests.conftest import new_conversation
from tests.support import fixture

_SAMPLE = re.compile(r'^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>[-+0-9.eInf]+)$')


def parse(body: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a Prometheus text exposition; fails on a line that is not a comment or a sample."""
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for line in body.splitlines():
        if not line or line.startswith("#"):
            assert line.startswith(("# HELP ", "# TYPE ")) or not line, line
            continue
        found = _SAMPLE.match(line)
        assert found, f"not a sample line: {line!r}"
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', found["labels"] or ""))
        samples[(found["name"], labels)] = float(found["value"])
    return samples


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(client, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.get("/metrics", headers=headers)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return parse(await response.text())


def faq_question(recognizer, lang: str = "nl") -> str:
    """A question the recognizer answers with an entry (taken from the data, not typed here)."""
    for entry in recognizer.entries():
        question = entry.question[lang]
        if recognizer.recognize(question, lang).kind == "answer":
            return question
    raise AssertionError("no entry's own question is answered")


async def test_metrics_are_off_unless_enabled(client):
    assert (await client.get("/metrics")).status == 404


async def test_metrics_count_turns_by_kind_and_nlu_outcomes_without_personal_data(make_client, connector, shared_content):
    client = await make_client(metrics_enabled=True)
    conversation = new_conversation(client, connector)
    before = await scrape(client)
    question = faq_question(shared_content["recognizer"])
    await conversation.say(question)
    await conversation.say("qwxz vrbl zzyzx")  # nothing the knowledge base knows
    after = await scrape(client)

    assert value(after, "vng_turns_total", kind="question") - value(before, "vng_turns_total", kind="question") == 2
    assert value(after, "vng_nlu_outcomes_total", outcome="answered") - value(before, "vng_nlu_outcomes_total", outcome="answered") == 1
    assert value(after, "vng_nlu_outcomes_total", outcome="fallback") - value(before, "vng_nlu_outcomes_total", outcome="fallback") == 1
    count = "vng_turn_duration_seconds_count"
    assert value(after, count, kind="question") - value(before, count, kind="question") == 2
    assert value(after, "vng_turn_duration_seconds_bucket", kind="question", le="+Inf") == value(after, count, kind="question")
    assert value(after, "vng_turn_duration_seconds_sum", kind="question") > 0

    body = await (await client.get("/metrics")).text()
    activity = conversation.activity()
    for personal in (conversation.conversation_id, activity["from"]["id"], activity["from"]["aadObjectId"], question, "zzyzx"):
        assert personal not in body


async def test_a_metrics_token_is_required_when_set(make_client):
    client = await make_client(metrics_enabled=True, metrics_token="s3cret-token-for-scrapers")
    assert (await client.get("/metrics")).status == 401
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status == 401
    samples = await scrape(client, "s3cret-token-for-scrapers")
    assert ("vng_connector_retries_total", frozenset()) in samples


async def test_connector_errors_and_retries_are_counted(make_client, connector):
    client = await make_client(metrics_enabled=True)
    conversation = new_conversation(client, connector)
    await conversation.say("hallo")
    services = client.app[SERVICES]
    async with services.db.transaction() as session:
        record = await ConversationReferences(session).personal_for(fixture("personal_message.json")["from"]["aadObjectId"])

    async def no_sleep(_seconds):
        return None

    messenger = Messenger(services.adapter, app_id="", db=services.db, clock=services.clock, sleep=no_sleep)
    before = await scrape(client)
    connector.fail_next = [429, 503]

    async def build(_tc):
        return "hello"

    assert await messenger.send(record.reference, build) is Delivery.SENT
    after = await scrape(client)
    for status in ("429", "503"):
        assert value(after, "vng_connector_errors_total", status=status) - value(before, "vng_connector_errors_total", status=status) == 1
    assert value(after, "vng_connector_retries_total") - value(before, "vng_connector_retries_total") == 2


async def test_database_errors_are_counted_by_class(make_client):
    client = await make_client(metrics_enabled=True)
    db = client.app[SERVICES].db
    before = await scrape(client)
    with pytest.raises(Exception, match="no_such_table"):
        async with db.transaction() as session:
            await session.execute(text("SELECT * FROM no_such_table"))
    after = await scrape(client)
    errors = {labels: n for (name, labels), n in after.items() if name == "vng_database_errors_total"}
    assert sum(errors.values()) - sum(n for (name, _l), n in before.items() if name == "vng_database_errors_total") == 1
    assert all(dict(labels)["error"].isidentifier() for labels in errors)


class _Job(TicksPeriodically):
    TICK_NAME = "test_job"

    def __init__(self) -> None:
        self._interval = 60.0
        self._task = None
        self.ticks = 0

    async def tick(self) -> None:
        self.ticks += 1


async def test_a_periodic_job_runs_once_per_slot_across_instances(db):
    """Two instances' loops on one database, at the same moments: each slot is run by one of them."""
    first, second = _Job(), _Job()
    runs = JobRuns(db)
    first.start(runs)  # sets up the claims; the real loop sleeps a minute, stopped below
    second.start(runs)
    await first.stop()
    await second.stop()
    before_skipped = metrics.JOB_RUNS.value(job="test_job", outcome="skipped")
    for job in (first, second):
        rounds: list[float] = []

        async def sleep(_seconds, rounds=rounds):
            if len(rounds) == 3:
                raise TimeoutError
            rounds.append(60.0 * len(rounds) + 1.0)  # the wall clock of three consecutive slots

        with pytest.raises(TimeoutError):
            await job.run(sleep=sleep, wall=lambda rounds=rounds: rounds[-1])
    assert first.ticks == 3 and second.ticks == 0
    assert metrics.JOB_RUNS.value(job="test_job", outcome="skipped") - before_skipped == 3
    assert metrics.JOB_LAST_SUCCESS.value(job="test_job") is not None
    assert metrics.JOB_LAG.value(job="test_job") is not None


def test_json_logs_are_one_object_per_line():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.json_logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("export %s downloaded (%d rows)", "offers.csv", 12, extra={"rows": 12})
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "export offers.csv downloaded (12 rows)" and first["level"] == "WARNING"
    assert first["logger"] == "tests.json_logs" and first["rows"] == 12
    assert datetime.fromisoformat(first["time"]).tzinfo is not None
    assert second["exception"] == "ValueError" and "boom" in second["traceback"]


def test_log_format_json_replaces_the_root_handler():
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    try:
        configure_logging("INFO", "json")
        assert [type(h.formatter) for h in root.handlers] == [JsonFormatter]
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)
        root.setLevel(level)


async def test_tracing_is_off_by_default_and_a_missing_extra_only_warns(make_client, caplog):
    await make_client()
    assert not any(name == "opentelemetry" or name.startswith("opentelemetry.") for name in sys.modules)
    caplog.set_level(logging.WARNING, logger="bot.core.tracing")
    client = await make_client(otel_enabled=True)
    assert (await client.get("/healthz")).status == 200
    if "opentelemetry.sdk" not in sys.modules:  # the [otel] extra is not installed here
        assert any("OTEL_ENABLED" in record.getMessage() for record in caplog.records)


def test_the_registry_renders_valid_exposition():
    registry = metrics.Registry()
    counter = registry.register(metrics.Counter("x_total", "X.", ["kind"]))
    counter.inc(kind='a"b\\c')
    histogram = registry.register(metrics.Histogram("y_seconds", "Y.", [], (0.1, 1.0)))
    histogram.observe(0.5)
    samples = parse(registry.render())
    assert value(samples, "y_seconds_bucket", le="0.1") == 0 and value(samples, "y_seconds_bucket", le="1") == 1
    assert value(samples, "y_seconds_count") == 1
    assert ("x_total", frozenset({("kind", 'a\\"b\\\\c')})) in samples
