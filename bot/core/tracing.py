"""Optional OpenTelemetry tracing (OTEL_ENABLED, off by default).

The OpenTelemetry packages are an optional extra (`pip install '.[otel]'`) and are imported only when the
setting is on: without it nothing of OpenTelemetry is loaded. When on, every turn is one span
(`bot.turn`, with the activity type and the turn kind as attributes: no ids, no text), exported with the
OTLP exporter when the extra's exporter is installed and OTEL_EXPORTER_OTLP_ENDPOINT is set, else to the
console. The standard OTEL_* variables (service name, endpoint, headers, sampling) are read by the SDK.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import Middleware, TurnContext

from bot.core.metrics import turn_kind

log = logging.getLogger(__name__)


def start_tracing(service_name: str = "vng-oekraine-assistent") -> Any | None:
    """Set up a tracer provider and return a tracer, or None (logged) when the extra is not installed."""
    try:
        from opentelemetry import trace  # noqa: PLC0415 - optional extra, only when enabled
        from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
        from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter  # noqa: PLC0415
    except ImportError:
        log.warning("OTEL_ENABLED is set but OpenTelemetry is not installed (pip install '.[otel]'); tracing is off")
        return None
    exporter: Any = None
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: PLC0415
        except ImportError:
            log.warning("OTEL_EXPORTER_OTLP_ENDPOINT is set but the OTLP exporter is not installed; spans go to the console")
        else:
            exporter = OTLPSpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name)}))
    provider.add_span_processor(BatchSpanProcessor(exporter or ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)
    log.info("OpenTelemetry tracing is on")
    return trace.get_tracer("vng.bot")


class TurnTracing(Middleware):
    """One span per turn."""

    def __init__(self, tracer: Any):
        self._tracer = tracer

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable]) -> None:
        with self._tracer.start_as_current_span("bot.turn") as span:
            span.set_attribute("bot.activity_type", context.activity.type or "unknown")
            try:
                await logic()
            finally:
                span.set_attribute("bot.turn_kind", turn_kind(context))
