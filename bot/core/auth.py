"""Checks the Bot Connector's bearer token on every activity, without blocking the event loop.

botbuilder 4.17 fetches the OpenID metadata and signing keys with a synchronous `requests.get` (no timeout) on
the event loop, and answers some forged tokens with exceptions other than `PermissionError`. This module
replaces that step for activities from the Bot Connector (the only sender in production):

- the metadata (`OPENID_METADATA_URL`) and its signing keys are fetched with aiohttp, with a timeout
  (`AUTH_HTTP_TIMEOUT_SECONDS`), one fetch at a time, and cached (`KEYS_CACHE_HOURS`); an unknown key id makes
  at most one refetch a minute; after a failed fetch, requests fail fast for a few seconds instead of queueing;
- a token is accepted only when it is an RS256/384/512 JWT signed by a published key that endorses the
  activity's channel, issued by `https://api.botframework.com` for this bot's app id, within its validity
  (five minutes of clock skew), and naming the activity's serviceUrl. Everything else is `PermissionError`
  (the edge answers 401); keys that cannot be fetched are `AuthUnavailable` (503).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
from botframework.connector.auth import ClaimsIdentity

log = logging.getLogger(__name__)

BOT_CONNECTOR_ISSUER = "https://api.botframework.com"
DEFAULT_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512")
CLOCK_SKEW_SECONDS = 5 * 60
_UNKNOWN_KID_REFRESH_SECONDS = 60.0
_FAILURE_BACKOFF_SECONDS = 5.0
_MAX_DOCUMENT_BYTES = 512 * 1024


class AuthUnavailable(Exception):
    """The signing keys cannot be fetched now: the request cannot be checked (503, not 401)."""


@dataclass(frozen=True)
class SigningKey:
    key: Any
    endorsements: tuple[str, ...] | None  # None: the key names no channels (any channel)


class SigningKeys:
    """The published signing keys, fetched with aiohttp and kept for `ttl` seconds."""

    def __init__(self, metadata_url: str, *, timeout: float, ttl: float):
        self._metadata_url = metadata_url
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._ttl = ttl
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._failed_at: float | None = None
        self._lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None

    async def get(self, kid: str) -> SigningKey | None:
        now = time.monotonic()
        fresh = self._fetched_at is not None and now - self._fetched_at < self._ttl
        if fresh and kid in self._keys:
            return self._keys[kid]
        if fresh and self._fetched_at is not None and now - self._fetched_at < _UNKNOWN_KID_REFRESH_SECONDS:
            return None  # just fetched, and the key is not there: no refetch for every forged kid
        async with self._lock:
            if self._fetched_at is None or time.monotonic() - self._fetched_at >= _UNKNOWN_KID_REFRESH_SECONDS:
                await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        if self._failed_at is not None and time.monotonic() - self._failed_at < _FAILURE_BACKOFF_SECONDS:
            if self._keys:
                return  # keep using the keys we have
            raise AuthUnavailable("signing keys unavailable")
        try:
            metadata = await self._fetch_json(self._metadata_url)
            jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
            if not isinstance(jwks_uri, str) or not jwks_uri:
                raise ValueError("the OpenID metadata has no jwks_uri")
            document = await self._fetch_json(jwks_uri)
            keys = _parse_keys(document)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            self._failed_at = time.monotonic()
            log.warning("could not fetch the token signing keys (%s)", type(error).__name__)
            if self._keys:
                return  # stale keys are better than refusing everyone; the next refresh tries again
            raise AuthUnavailable("signing keys unavailable") from None
        self._keys = keys
        self._fetched_at = time.monotonic()
        self._failed_at = None

    async def _fetch_json(self, url: str) -> Any:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        async with self._session.get(url) as response:
            response.raise_for_status()
            body = await response.content.read(_MAX_DOCUMENT_BYTES + 1)
            if len(body) > _MAX_DOCUMENT_BYTES:
                raise ValueError("document too large")
            return json.loads(body)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _parse_keys(document: Any) -> dict[str, SigningKey]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("the key set has no keys")
    keys: dict[str, SigningKey] = {}
    for item in document["keys"]:
        if not isinstance(item, dict) or not isinstance(item.get("kid"), str) or item.get("kty") != "RSA":
            continue
        try:
            key = jwt.PyJWK(item).key
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue
        endorsements = item.get("endorsements")
        keys[item["kid"]] = SigningKey(
            key=key,
            endorsements=tuple(str(e) for e in endorsements) if isinstance(endorsements, list) else None,
        )
    return keys


class TokenValidator:
    """Validates `Authorization: Bearer <jwt>` headers of activities the Bot Connector sends."""

    def __init__(self, app_id: str, keys: SigningKeys, *, issuer: str = BOT_CONNECTOR_ISSUER):
        self._app_id = app_id
        self._keys = keys
        self._issuer = issuer

    async def identity(self, auth_header: str | None, channel_id: str | None, service_url: str | None) -> ClaimsIdentity:
        scheme, _, token = (auth_header or "").strip().partition(" ")
        token = token.strip()
        if scheme != "Bearer" or not token:
            raise PermissionError("no bearer token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise PermissionError("malformed token") from None
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in ALLOWED_ALGORITHMS or not isinstance(kid, str):
            raise PermissionError("token algorithm or key id not allowed")
        signing_key = await self._keys.get(kid)
        if signing_key is None:
            raise PermissionError("token signed with an unknown key")
        if signing_key.endorsements is not None and (channel_id or "") not in signing_key.endorsements:
            raise PermissionError("the signing key does not endorse this channel")
        try:
            claims = jwt.decode(
                token,
                signing_key.key,
                algorithms=[algorithm],
                audience=self._app_id,
                issuer=self._issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError:
            raise PermissionError("invalid token") from None
        if service_url is not None and claims.get("serviceurl") != service_url:
            raise PermissionError("serviceurl claim missing or different")
        return ClaimsIdentity(claims, True, "Bearer")

    async def close(self) -> None:
        await self._keys.close()
