"""An async Bot Connector client on one shared aiohttp session (instead of msrest and `requests` in a thread).

What botbuilder's CloudAdapter and TeamsInfo call on `connector_client.conversations` is implemented here
over plain JSON: sending and replying, updating and deleting an activity, creating a conversation and
reading members. Every call
- carries the app's Bearer token in production mode (client credentials, fetched asynchronously on the
  same session and cached until shortly before it expires; none in local mode, without an app id);
- is retried with back-off on 429, 500, 502, 503, 504 and on connection failures, waiting what
  `Retry-After` asks (capped), within a bounded total time, so an inbound turn still finishes before
  Teams gives up on it;
- raises `ConnectorError` (status, Retry-After) when it finally fails, so the caller can tell a
  throttled or broken connector from a bug.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar, cast
from urllib.parse import quote

import aiohttp
import botbuilder.schema as _schema
from botbuilder.schema import Activity, ChannelAccount, ConversationResourceResponse, ResourceResponse
from botframework.connector.auth import ConnectorFactory
from msrest.serialization import Model

from bot.core import metrics

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
LOGIN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
MULTI_TENANT = "botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com"
USER_AGENT = "vng-oekraine-assistent (aiohttp)"


class ConnectorError(Exception):
    """A Bot Connector call failed for good: `status` is the HTTP status (None: the connector could not be
    reached), `retry_after` what the connector last asked to wait (seconds), if anything."""

    def __init__(self, operation: str, status: int | None, retry_after: float | None = None, detail: str = ""):
        super().__init__(f"{operation} failed with status {status if status is not None else 'unreachable'}")
        self.operation = operation
        self.status = status
        self.retry_after = retry_after
        self.detail = detail


@dataclass(frozen=True)
class RetryPolicy:
    """How one connector call is retried: at most `attempts` tries, waits growing from `base_delay`
    (or what Retry-After asks, at most `max_delay`), all waits together at most `total_delay` seconds."""

    attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 4.0
    total_delay: float = 8.0

    def without_retries(self) -> RetryPolicy:
        return replace(self, attempts=1)


_policy_override: contextvars.ContextVar[RetryPolicy | None] = contextvars.ContextVar("connector_retry_policy", default=None)


@contextlib.contextmanager
def retry_policy(policy: RetryPolicy) -> Iterator[None]:
    """Use `policy` for the connector calls made inside the block (e.g. a caller with its own, longer back-off)."""
    token = _policy_override.set(policy)
    try:
        yield
    finally:
        _policy_override.reset(token)


def retry_after_seconds(value: str | None, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> float | None:
    """`Retry-After` as seconds: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now()).total_seconds())


class HttpSession:
    """The one aiohttp session of the process for outgoing calls (made lazily, inside the running loop)."""

    def __init__(self, *, timeout: float = 10.0, limit: int = 100):
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=min(5.0, timeout))
        self._limit = limit
        self._session: aiohttp.ClientSession | None = None

    def get(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=self._limit, ttl_dns_cache=300),
                headers={"User-Agent": USER_AGENT},
                json_serialize=_dumps,
            )
        return self._session

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()


class AppTokens:
    """The bot's own access tokens (OAuth client credentials) per scope, cached until a few minutes before
    they expire; one fetch at a time per scope, whatever the number of turns waiting for it."""

    REFRESH_MARGIN = 300.0

    def __init__(self, http: HttpSession, *, app_id: str, password: str, tenant: str | None, token_url: str | None = None):
        self._http = http
        self.app_id = app_id
        self._password = password
        self._url = token_url or LOGIN_URL.format(tenant=tenant or MULTI_TENANT)
        self._cache: dict[str, tuple[str, float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def token(self, scope: str) -> str:
        cached = self._cache.get(scope)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        lock = self._locks.setdefault(scope, asyncio.Lock())
        async with lock:
            cached = self._cache.get(scope)
            if cached is not None and cached[1] > time.monotonic():
                return cached[0]
            token, lifetime = await self._fetch(scope)
            self._cache[scope] = (token, time.monotonic() + max(0.0, lifetime - self.REFRESH_MARGIN))
            return token

    def forget(self, scope: str) -> None:
        self._cache.pop(scope, None)

    async def _fetch(self, scope: str) -> tuple[str, float]:
        full_scope = scope if scope.endswith("/.default") else scope.rstrip("/") + "/.default"
        form = {"grant_type": "client_credentials", "client_id": self.app_id, "client_secret": self._password, "scope": full_scope}
        try:
            async with self._http.get().post(self._url, data=form) as response:
                body = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise ConnectorError("token", None, detail=type(error).__name__) from error
        if status != 200 or not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            code = body.get("error") if isinstance(body, dict) else None
            raise ConnectorError("token", status, detail=str(code or ""))
        try:
            lifetime = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            lifetime = 3600.0
        return body["access_token"], lifetime


class ConnectorClient:
    """What botbuilder calls on a connector client, for one service URL."""

    def __init__(self, connectors: Connectors, service_url: str, scope: str | None):
        self.base_url = service_url.rstrip("/") + "/"
        self._connectors = connectors
        self._scope = scope
        self.conversations = _Conversations(self)

    async def call(self, operation: str, method: str, path: str, body: Any = None) -> Any:
        return await self._connectors.call(operation, method, self.base_url + path, body, self._scope)

    # Used as an async context manager by some botbuilder code paths.
    async def __aenter__(self) -> ConnectorClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None


def _q(value: str) -> str:
    return quote(value, safe="")


class _Conversations:
    def __init__(self, client: ConnectorClient):
        self._client = client

    async def send_to_conversation(self, conversation_id: str, activity: Activity, **_kw: Any) -> ResourceResponse:
        data = await self._client.call("send", "POST", f"v3/conversations/{_q(conversation_id)}/activities", to_json(activity))
        return _resource(data)

    async def reply_to_activity(self, conversation_id: str, activity_id: str, activity: Activity, **_kw: Any) -> ResourceResponse:
        path = f"v3/conversations/{_q(conversation_id)}/activities/{_q(activity_id)}"
        return _resource(await self._client.call("reply", "POST", path, to_json(activity)))

    async def update_activity(self, conversation_id: str, activity_id: str, activity: Activity, **_kw: Any) -> ResourceResponse:
        path = f"v3/conversations/{_q(conversation_id)}/activities/{_q(activity_id)}"
        return _resource(await self._client.call("update", "PUT", path, to_json(activity)))

    async def delete_activity(self, conversation_id: str, activity_id: str, **_kw: Any) -> None:
        await self._client.call("delete", "DELETE", f"v3/conversations/{_q(conversation_id)}/activities/{_q(activity_id)}")

    async def create_conversation(self, parameters: Model, **_kw: Any) -> ConversationResourceResponse:
        data = await self._client.call("create conversation", "POST", "v3/conversations", to_json(parameters))
        data = data if isinstance(data, dict) else {}
        return ConversationResourceResponse(id=data.get("id"), activity_id=data.get("activityId"), service_url=data.get("serviceUrl"))

    async def get_conversation_member(self, conversation_id: str, member_id: str, **_kw: Any) -> ChannelAccount:
        path = f"v3/conversations/{_q(conversation_id)}/members/{_q(member_id)}"
        return ChannelAccount().deserialize(await self._client.call("get member", "GET", path) or {})

    async def get_conversation_members(self, conversation_id: str, **_kw: Any) -> list[ChannelAccount]:
        data = await self._client.call("get members", "GET", f"v3/conversations/{_q(conversation_id)}/members")
        return [ChannelAccount().deserialize(item) for item in data or [] if isinstance(item, dict)]

    async def get_activity_members(self, conversation_id: str, activity_id: str, **_kw: Any) -> list[ChannelAccount]:
        path = f"v3/conversations/{_q(conversation_id)}/activities/{_q(activity_id)}/members"
        data = await self._client.call("get activity members", "GET", path)
        return [ChannelAccount().deserialize(item) for item in data or [] if isinstance(item, dict)]


def _resource(data: Any) -> ResourceResponse:
    return ResourceResponse(id=data.get("id") if isinstance(data, dict) else None)


class Connectors:
    """Connector clients per (service URL, scope) for the life of the process, one HTTP session, one token
    cache, one retry policy. `sleep` is replaceable (tests record the waits instead of sleeping)."""

    def __init__(
        self,
        http: HttpSession,
        tokens: AppTokens | None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ):
        self.http = http
        self.tokens = tokens
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self._clients: dict[tuple[str, str | None], ConnectorClient] = {}

    def client(self, service_url: str, app_id: str | None, audience: str | None = None) -> ConnectorClient:
        # No token without an app id (local mode, the Emulator), as botbuilder does.
        scope = (audience or BOT_FRAMEWORK_SCOPE) if (app_id and self.tokens is not None) else None
        key = (service_url, scope)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = ConnectorClient(self, service_url, scope)
        return client

    async def call(self, operation: str, method: str, url: str, body: Any, scope: str | None) -> Any:
        policy = _policy_override.get() or self.policy
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            status, retry_after, data, detail = await self._once(method, url, body, scope)
            if status is not None and 200 <= status < 300:
                return data
            metrics.connector_error(status)  # every failed attempt, by status (/metrics)
            if status == 401 and scope is not None and attempt == 1 and self.tokens is not None:
                self.tokens.forget(scope)  # a token revoked early: fetch a new one once
                continue
            retryable = status is None or status in RETRY_STATUSES
            if not retryable or attempt >= policy.attempts:
                raise ConnectorError(operation, status, retry_after, detail)
            delay = retry_after if retry_after is not None else policy.base_delay * 2 ** (attempt - 1)
            delay = min(delay, policy.max_delay)
            if waited + delay > policy.total_delay:
                raise ConnectorError(operation, status, retry_after, detail)
            log.info("connector %s answered %s; retrying in %.2f s", operation, status or "nothing", delay)
            waited += delay
            metrics.connector_retry()
            await self.sleep(delay)

    async def _once(self, method: str, url: str, body: Any, scope: str | None) -> tuple[int | None, float | None, Any, str]:
        headers: dict[str, str] = {}
        if scope is not None and self.tokens is not None:
            headers["Authorization"] = "Bearer " + await self.tokens.token(scope)
        try:
            async with self.http.get().request(method, url, json=body, headers=headers) as response:
                raw = await response.read()
                status = response.status
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        except (aiohttp.ClientError, TimeoutError) as error:
            return None, None, None, type(error).__name__
        data: Any = None
        if raw:
            try:
                data = _loads(raw)
            except ValueError:
                data = None
        return status, retry_after, data, ""

    async def close(self) -> None:
        self._clients.clear()
        await self.http.close()


class AsyncConnectorFactory(ConnectorFactory):
    """What CloudAdapter asks for a connector client: ours, for the identity botbuilder authenticated."""

    def __init__(self, connectors: Connectors, app_id: str | None):
        self._connectors = connectors
        self._app_id = app_id

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        return self._connectors.client(service_url, self._app_id, audience)


# --- JSON ------------------------------------------------------------------------------------------
# msrest's Model.serialize validates and converts through a generic serializer: milliseconds per card.
# This walks the same attribute maps directly and gives the same JSON (tests compare the two).

_dumps_raw = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_loads = json.loads


def _dumps(value: Any) -> str:
    return _dumps_raw(value)


def to_json(value: Any) -> Any:
    """A botbuilder schema object (or anything holding them) as plain JSON values, as msrest would send it."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Model):
        return _model(value)
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, datetime):
        return _iso(value)
    return value


def _model(model: Model) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for attr, desc in type(model)._attribute_map.items():  # noqa: SLF001 - msrest's public-by-convention map
        value = getattr(model, attr, None)
        if value is None:
            continue
        key = desc["key"]
        if attr == "additional_properties" and key == "":
            result.update(to_json(value))
            continue
        result[key.replace("\\.", ".")] = _datetime_typed(value) if desc["type"] == "iso-8601" else to_json(value)
    return result


def _datetime_typed(value: Any) -> Any:
    return _iso(value) if isinstance(value, datetime) else to_json(value)


def _iso(value: datetime) -> str:
    utc = value.astimezone(UTC) if value.tzinfo is not None else value
    micro = str(utc.microsecond).rjust(6, "0").rstrip("0").ljust(3, "0")
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + "." + micro + "Z"


class _NotPlain(Exception):
    """The JSON does not fit the model plainly: leave it to msrest (which accepts or refuses it)."""


_json_keys: dict[type, dict[str, tuple[str, str]]] = {}


_M = TypeVar("_M", bound=Model)


def from_json(cls: type[_M], data: Any) -> _M:
    """`cls().deserialize(data)` without msrest's generic machinery for the JSON it reads plainly (every
    field of the declared JSON type); anything else goes through msrest, so what it refuses is refused."""
    try:
        return cast(_M, _from_model(cls, data))
    except (_NotPlain, ValueError, TypeError, AttributeError):
        return cls().deserialize(data)


def _keys_of(cls: type[Model]) -> dict[str, tuple[str, str]]:
    keys = _json_keys.get(cls)
    if keys is None:
        keys = {}
        for attr, desc in cls._attribute_map.items():
            if desc["key"] == "" or "." in desc["key"].replace("\\.", ""):
                raise _NotPlain(cls.__name__)
            keys[desc["key"].replace("\\.", ".")] = (attr, desc["type"])
        _json_keys[cls] = keys
    return keys


def _from_model(cls: type[Model], data: Any) -> Model:
    if not isinstance(data, dict) or getattr(cls, "_subtype_map", None):
        raise _NotPlain(cls.__name__)
    keys = _keys_of(cls)
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        found = keys.get(key)
        if found is None:
            extra[key] = value
        elif value is not None:
            values[found[0]] = _from_typed(value, found[1])
    model = cls()
    for attr, value in values.items():
        setattr(model, attr, value)
    if extra:
        model.additional_properties = extra
    return model


_SCALARS: dict[str, tuple[type, ...]] = {"str": (str,), "bool": (bool,), "int": (int,), "float": (int, float)}


def _from_typed(value: Any, kind: str) -> Any:
    if kind == "object":
        return value
    scalar = _SCALARS.get(kind)
    if scalar is not None:
        if not isinstance(value, scalar) or (kind == "int" and isinstance(value, bool)):
            raise _NotPlain(kind)
        return value
    if kind == "iso-8601":
        if not isinstance(value, str):
            raise _NotPlain(kind)
        return datetime.fromisoformat(value)
    if kind.startswith("[") and kind.endswith("]"):
        if not isinstance(value, list):
            raise _NotPlain(kind)
        return [_from_typed(item, kind[1:-1]) for item in value]
    if kind.startswith("{") and kind.endswith("}"):
        if not isinstance(value, dict):
            raise _NotPlain(kind)
        return {k: _from_typed(v, kind[1:-1]) for k, v in value.items()}
    model = getattr(_schema, kind, None)
    if not isinstance(model, type) or not issubclass(model, Model):
        raise _NotPlain(kind)
    return _from_model(model, value)

