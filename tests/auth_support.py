"""An offline stand-in for the Bot Connector's OpenID metadata and signing keys, and tokens signed with them.

`KeyServer` serves `/metadata` and `/keys` on 127.0.0.1 with an RSA key the test generates; `token(...)` mints
Bot Connector-shaped tokens (issuer, audience, serviceurl) that a test can spoil one claim at a time."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://api.botframework.com"
APP_ID = "00000000-0000-4000-8000-0000000000a1"
TENANT = "00000000-0000-4000-8000-0000000000b2"
KID = "test-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class KeyServer:
    def __init__(self, endorsements: tuple[str, ...] = ("msteams", "webchat")) -> None:
        self.key = new_key()
        self.endorsements = list(endorsements)
        self.hang = False
        self.fetches = 0
        self.server: TestServer | None = None
        self._release = asyncio.Event()

    @property
    def metadata_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/metadata"))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metadata", self._metadata)
        app.router.add_get("/keys", self._keys)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        self._release.set()
        if self.server is not None:
            await self.server.close()

    async def _metadata(self, request: web.Request) -> web.Response:
        self.fetches += 1
        if self.hang:
            await self._release.wait()
        return web.json_response({"issuer": ISSUER, "jwks_uri": str(request.url.with_path("/keys"))})

    async def _keys(self, _request: web.Request) -> web.Response:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=KID, use="sig", endorsements=self.endorsements)
        return web.json_response({"keys": [jwk]})


def claims(service_url: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": ISSUER, "aud": APP_ID, "serviceurl": service_url, "nbf": now - 60, "iat": now - 60, "exp": now + 3600,
    }
    for name, value in changes.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    return values


def token(key: Any, service_url: str, *, algorithm: str = "RS256", kid: str | None = KID, **changes: Any) -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims(service_url, **changes), key, algorithm=algorithm, headers=headers)


def unsigned_token(service_url: str) -> str:
    import base64

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT', 'kid': KID})}.{part(claims(service_url))}."


def production_settings(server: KeyServer, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "microsoft_app_id": APP_ID,
        "microsoft_app_password": "app-password-for-tests",
        "microsoft_app_tenant_id": TENANT,
        "openid_metadata_url": server.metadata_url,
        "auth_http_timeout_seconds": 1.0,
    }
    values.update(changes)
    return values


def stub_outbound_token(monkeypatch) -> None:
    """The bot's own token for posting replies would come from Entra ID (not what these tests are about, and
    not reachable offline): a fixed one stands in."""
    from bot.core.connector import AppTokens

    async def token(self, scope: str) -> str:
        return "outbound-token"

    monkeypatch.setattr(AppTokens, "token", token)
