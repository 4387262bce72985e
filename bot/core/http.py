"""The HTTP edge: `/api/messages` with strict request checks (4xx, never 500, for bad requests), and `/healthz`."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import re
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from botbuilder.core import Bot
from botbuilder.core.serializer_helper import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.core.auth import AuthUnavailable
from bot.core.config import is_loopback_host
from bot.core.connector import ConnectorError, from_json
from bot.core.turn import TurnNotCompleted
from storage.db import Database

log = logging.getLogger(__name__)

# Teams posts activities of a few kilobytes (a card submit with long texts stays far below); the Bot Framework
# limits an activity to about 256 KB.
MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32
_JWT = re.compile(r"^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$")


def _problem(status: int, detail: str, *, retry_after: float | None = None) -> web.Response:
    headers = {"Retry-After": str(max(1, math.ceil(retry_after)))} if retry_after is not None else None
    return web.json_response({"error": detail}, status=status, headers=headers)


def _looks_like_jwt(header: str) -> bool:
    match = _JWT.match(header.strip())
    if not match:
        return False
    segment = match.group(1)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded


class _NotFinite(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotFinite(name)  # NaN, Infinity, -Infinity: not JSON, though Python's json module accepts them


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NotFinite(text)  # 1e400
    return value


def json_depth_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than `limit` (checked on the bytes, before parsing recursively)."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def strip_nul(value: Any) -> Any:
    """The parsed body without NUL characters in any string (PostgreSQL cannot store them in text)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {strip_nul(k): strip_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_nul(v) for v in value]
    return value


def parse_body(raw: bytes) -> tuple[Any, str | None]:
    """The request body as JSON, or a reason why it is not acceptable."""
    if not raw.strip():
        return None, "empty body"
    if json_depth_exceeds(raw):
        return None, "body nests too deep"
    try:
        body = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
    except _NotFinite:
        return None, "body holds a number that is not finite"
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, "body is not valid JSON"
    return strip_nul(body), None


def is_loopback_url(url: str) -> bool:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return is_loopback_host(host)


def normalize_channel(channel_id: str | None) -> str:
    return (channel_id or "").strip().lower()


async def _read_at_most(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or None when it is longer than `limit` bytes (read in chunks: one read may be partial)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


def messages_handler(adapter: CloudAdapter, bot: Bot, *, local_mode: bool):
    async def messages(request: web.Request) -> web.StreamResponse:
        if request.content_type != "application/json":
            return _problem(415, "Content-Type must be application/json")
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return _problem(413, "body too large")
        raw = await _read_at_most(request, MAX_BODY_BYTES)
        if raw is None:
            return _problem(413, "body too large")
        body, problem = parse_body(raw)
        if problem is not None:
            return _problem(400, problem)
        if not isinstance(body, dict):
            return _problem(400, "body must be a JSON object (an activity)")
        try:
            activity = from_json(Activity, body)  # as msrest reads it, faster; msrest decides what is invalid
        except Exception:  # noqa: BLE001 - msrest raises several kinds for malformed activities
            return _problem(400, "body is not a valid activity")
        if not activity.type:
            return _problem(400, "activity has no type")
        if not activity.service_url or activity.conversation is None or not activity.conversation.id:
            return _problem(400, "activity needs serviceUrl and conversation.id")
        if not isinstance(activity.service_url, str) or not isinstance(activity.channel_id, (str, type(None))):
            return _problem(400, "serviceUrl and channelId must be strings")
        activity.channel_id = normalize_channel(activity.channel_id)  # compared exactly from here on
        if not activity.channel_id:
            return _problem(400, "activity needs a channelId")
        sender = activity.from_property
        if sender is None or not isinstance(sender.id, str) or not sender.id.strip():
            return _problem(400, "activity needs from.id")
        if not isinstance(activity.conversation.id, str) or not isinstance(activity.type, str):
            return _problem(400, "conversation.id and type must be strings")
        if local_mode and not is_loopback_url(activity.service_url):
            # Without an app id nothing is checked: never post replies to an address someone handed us.
            log.warning("local mode: refused an activity whose serviceUrl is not a loopback address")
            return _problem(403, "in local mode only loopback serviceUrls are served")
        auth_header = request.headers.get("Authorization", "")
        if auth_header and not _looks_like_jwt(auth_header):
            return _problem(401, "Authorization header is not a bearer JWT")
        if local_mode:
            auth_header = ""  # no app id: tokens cannot be checked, as with the Bot Framework Emulator
        try:
            invoke_response = await adapter.process_activity(auth_header, activity, bot.on_turn)
        except PermissionError:
            return _problem(401, "not authorized")
        except AuthUnavailable:
            return _problem(503, "cannot check the token now")
        except ConnectorError as error:
            # The replies could not be delivered (throttled, connector down): Teams re-sends on a 5xx, and the
            # re-sent activity is processed again (its claim was released, the state not saved).
            log.warning("the turn did not complete: the connector answered %s", error.status)
            return _problem(503, "could not deliver the reply now", retry_after=error.retry_after)
        except TurnNotCompleted:
            return _problem(503, "the activity is being processed")
        except Exception:
            log.exception("could not authenticate or process an activity")
            return _problem(503, "could not process the activity now")
        if invoke_response:
            return web.json_response(data=serializer_helper(invoke_response.body), status=invoke_response.status)
        return web.Response(status=201)

    return messages


def healthz_handler(db: Database, version: str):
    async def healthz(_request: web.Request) -> web.Response:
        if await db.ping():
            return web.json_response({"status": "ok", "database": "ok", "version": version})
        return web.json_response({"status": "unavailable", "database": "down", "version": version}, status=503)

    return healthz


class RedactedAccessLogger(AbstractAccessLogger):
    """Access log without secrets or personal data: no client address, and the token part of links the bot
    serves itself (calendar files, exports) left out."""

    _SECRET_PATHS = ("/calendar/", "/exports/")

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = request.path
        for prefix in self._SECRET_PATHS:
            if path.startswith(prefix):
                path = prefix + "…"
        self.logger.info("%s %s %s %.1f ms", request.method, path, response.status, time * 1000)
