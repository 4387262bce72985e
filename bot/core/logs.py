"""Logging set-up for the service: plain text lines (default) or one JSON object per line (LOG_FORMAT=json).

The JSON lines carry the time (UTC, ISO 8601), level, logger, message, and the exception's class and
traceback when there is one; `extra={...}` fields of a log call are added as they are. What is logged is the
same in both formats, and it carries no personal data (see the log calls throughout the code).

Whatever a library logs passes `redact` as well (installed as the log record factory, so it holds for every
logger and handler): Teams conversation and user ids ("a:…", "19:…", "29:…" and the ids in Bot Connector
paths), IP addresses (aiohttp's "Error handling request from …", access lines), bearer tokens and JWTs, and
the secret part of calendar and export links are replaced by "…", in messages and in tracebacks.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Attributes every LogRecord has; anything else on a record came from `extra=` and is written as a field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


_SECRETS = (
    (re.compile(r"(/v3/conversations/)[^\s'\"?#]+"), r"\1…"),
    (re.compile(r"(/(?:calendar|exports)/)[^\s'\"?#]+"), r"\1…"),
    (re.compile(r"\b(?:a|8|19|28|29):(?=[^\s'\",;)\]}]*[A-Za-z])[^\s'\",;)\]}]{6,}"), "…"),
    (re.compile(r"\b(Bearer)\s+[^\s'\",;]+", re.IGNORECASE), r"\1 …"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "…"),
    (re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"), "…"),
    (re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])"), None),  # IPv6 addresses: checked by _ipv6
)


def redact(text: str) -> str:
    """`text` without conversation ids, client addresses, tokens or link secrets."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(_ipv6 if replacement is None else replacement, text)
    return text


def _ipv6(match: re.Match[str]) -> str:
    try:
        ipaddress.IPv6Address(match.group(0))
    except ValueError:
        return match.group(0)
    return "…"


def _redacted_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken log call: leave it to the handler to report
        return record
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


_installed = False


def install_redaction() -> None:
    """Redact every log record the process makes from now on (idempotent)."""
    global _installed  # noqa: PLW0603 - one record factory per process
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        return _redacted_record(make_record(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
            entry["traceback"] = record.exc_text or self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Replace the root logger's handlers with one on stderr in the chosen format."""
    install_redaction()
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
