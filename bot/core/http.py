"""The HTTP edge: `/api/messages` with strict request checks (4xx, never 500, for bad requests), and `/healthz`."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import re
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from botbuilder.core import Bot
from botbuilder.core.serializer_helper import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.core.connector import ConnectorError
from bot.core.turn import TurnNotCompleted
from storage.db import Database

log = logging.getLogger(__name__)

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


def messages_handler(adapter: CloudAdapter, bot: Bot, *, local_mode: bool):
    async def messages(request: web.Request) -> web.StreamResponse:
        if request.content_type != "application/json":
            return _problem(415, "Content-Type must be application/json")
        raw = await request.read()
        if not raw.strip():
            return _problem(400, "empty body")
        try:
            body: Any = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return _problem(400, "body is not valid JSON")
        if not isinstance(body, dict):
            return _problem(400, "body must be a JSON object (an activity)")
        try:
            activity = Activity().deserialize(body)
        except Exception:  # noqa: BLE001 - msrest raises several kinds for malformed activities
            return _problem(400, "body is not a valid activity")
        if not activity.type:
            return _problem(400, "activity has no type")
        if not activity.service_url or activity.conversation is None or not activity.conversation.id:
            return _problem(400, "activity needs serviceUrl and conversation.id")
        auth_header = request.headers.get("Authorization", "")
        if auth_header and not _looks_like_jwt(auth_header):
            return _problem(401, "Authorization header is not a bearer JWT")
        if local_mode:
            auth_header = ""  # no app id: tokens cannot be checked, as with the Bot Framework Emulator
        try:
            invoke_response = await adapter.process_activity(auth_header, activity, bot.on_turn)
        except PermissionError:
            return _problem(401, "not authorized")
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
