"""Typed settings, read from the environment and an optional `.env` file.

Nothing is read at import time: call `Settings()` (or `load_settings()`) where the app is composed.
Bot Framework settings keep their conventional names (`MicrosoftAppId`, ...).
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONTENT_DIR = PROJECT_ROOT / "content"


def _csv(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


class UnsafeSettings(ValueError):
    """Settings the bot refuses to start with."""


class Settings(BaseSettings):
    """Every setting of the service; environment variables win over `.env`."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        case_sensitive=False,
    )

    host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("HOST", "host"))
    port: int = Field(default=3978, validation_alias=AliasChoices("PORT", "port"))
    public_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("PUBLIC_BASE_URL", "public_base_url")
    )
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "database_url")
    )
    database_schema: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_SCHEMA", "database_schema")
    )
    # Seconds to get a database connection, and that one statement may run or wait for a lock; beyond that the
    # user gets a polite "try again" and the conversation stays where it was (storage/db.py).
    database_connect_timeout_seconds: float = Field(
        default=5.0, gt=0, le=120,
        validation_alias=AliasChoices("DATABASE_CONNECT_TIMEOUT_SECONDS", "database_connect_timeout_seconds"),
    )
    database_statement_timeout_seconds: float = Field(
        default=10.0, gt=0, le=600,
        validation_alias=AliasChoices("DATABASE_STATEMENT_TIMEOUT_SECONDS", "database_statement_timeout_seconds"),
    )
    # Seconds an unfinished turn claim holds off a re-delivered activity (503: Teams re-sends later); an older
    # claim is a dead turn's (a process killed mid-turn) and the re-delivery takes it over (bot/core/turn_store.py).
    turn_claim_lease_seconds: float = Field(
        default=30.0, gt=0, le=3600,
        validation_alias=AliasChoices("TURN_CLAIM_LEASE_SECONDS", "turn_claim_lease_seconds"),
    )
    data_dir: Path = Field(
        default=Path("data"), validation_alias=AliasChoices("DATA_DIR", "data_dir")
    )
    content_dir: Path = Field(
        default=DEFAULT_CONTENT_DIR, validation_alias=AliasChoices("CONTENT_DIR", "content_dir")
    )

    # Bot Framework (names as in the Bot Framework samples and Azure app settings)
    microsoft_app_id: str = Field(
        default="", validation_alias=AliasChoices("MicrosoftAppId", "microsoft_app_id")
    )
    microsoft_app_password: str = Field(
        default="", validation_alias=AliasChoices("MicrosoftAppPassword", "microsoft_app_password")
    )
    microsoft_app_type: str = Field(
        default="SingleTenant", validation_alias=AliasChoices("MicrosoftAppType", "microsoft_app_type")
    )
    microsoft_app_tenant_id: str = Field(
        default="", validation_alias=AliasChoices("MicrosoftAppTenantId", "microsoft_app_tenant_id")
    )

    # Token checks (bot/core/auth.py): where the Bot Connector publishes its signing keys, how long one fetch may
    # take, and how long fetched keys are kept.
    openid_metadata_url: str = Field(
        default="https://login.botframework.com/v1/.well-known/openidconfiguration",
        validation_alias=AliasChoices("OPENID_METADATA_URL", "openid_metadata_url"),
    )
    auth_http_timeout_seconds: float = Field(
        default=5.0, gt=0, le=60, validation_alias=AliasChoices("AUTH_HTTP_TIMEOUT_SECONDS", "auth_http_timeout_seconds")
    )
    keys_cache_hours: float = Field(
        default=24.0, gt=0, le=24 * 7, validation_alias=AliasChoices("KEYS_CACHE_HOURS", "keys_cache_hours")
    )

    # Local mode (no MicrosoftAppId) checks no tokens: it serves loopback HOSTs only, unless this says otherwise.
    allow_local_mode_on_public_host: bool = Field(
        default=False,
        validation_alias=AliasChoices("ALLOW_LOCAL_MODE_ON_PUBLIC_HOST", "allow_local_mode_on_public_host"),
    )

    allowed_tenants: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=AliasChoices("ALLOWED_TENANTS", "allowed_tenants")
    )
    # In production (with an app id) only `msteams` is served, plus the channels named here (e.g. "webchat").
    allowed_channels: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=AliasChoices("ALLOWED_CHANNELS", "allowed_channels")
    )
    organizer_aad_ids: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("ORGANIZER_AAD_IDS", "organizer_aad_ids"),
    )
    bot_fake_now: datetime | None = Field(
        default=None, validation_alias=AliasChoices("BOT_FAKE_NOW", "bot_fake_now")
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("LOG_LEVEL", "log_level"))

    # Facts an organizer fills in; never invented by the bot.
    session_venue_address: str = Field(
        default="", validation_alias=AliasChoices("SESSION_VENUE_ADDRESS", "session_venue_address")
    )
    session_join_url: str = Field(
        default="", validation_alias=AliasChoices("SESSION_JOIN_URL", "session_join_url")
    )
    donation_details_nl: str = Field(
        default="", validation_alias=AliasChoices("DONATION_DETAILS_NL", "donation_details_nl")
    )
    donation_details_en: str = Field(
        default="", validation_alias=AliasChoices("DONATION_DETAILS_EN", "donation_details_en")
    )
    organizer_contact_email: str = Field(
        default="",
        validation_alias=AliasChoices("ORGANIZER_CONTACT_EMAIL", "organizer_contact_email"),
    )

    # Reminders about a registration (bot/registration/reminders.py): before the session start, e.g. "24h,1h" (d, h, m);
    # the scheduler looks every REMINDER_INTERVAL_SECONDS (0: no background loop).
    reminder_offsets: str = Field(
        default="24h,1h", validation_alias=AliasChoices("REMINDER_OFFSETS", "reminder_offsets")
    )
    reminder_interval_seconds: float = Field(
        default=60.0, ge=0, validation_alias=AliasChoices("REMINDER_INTERVAL_SECONDS", "reminder_interval_seconds")
    )

    # Organizer exports (bot/organizers/exports.py): download links are signed with EXPORT_SIGNING_KEY (empty: a random key
    # is made once and kept in the database, so every instance shares it) and stay valid EXPORT_LINK_MINUTES.
    export_signing_key: str = Field(
        default="", validation_alias=AliasChoices("EXPORT_SIGNING_KEY", "export_signing_key")
    )
    export_link_minutes: int = Field(
        default=10, ge=1, le=24 * 60, validation_alias=AliasChoices("EXPORT_LINK_MINUTES", "export_link_minutes")
    )

    # Privacy (bot/privacy/desk.py): personal data of a registration is anonymized RETENTION_DAYS_AFTER_SESSION days
    # after its session ended; the retention task looks every RETENTION_INTERVAL_SECONDS (0: no background loop).
    # 'Delete my data' replaces the person's Entra id in the audit trail by a keyed hash with this secret (empty: a
    # random key is made once and kept in the database, like the export signing key).
    pseudonym_key: str = Field(default="", validation_alias=AliasChoices("PSEUDONYM_KEY", "pseudonym_key"))
    retention_days_after_session: int = Field(
        default=90, ge=0, validation_alias=AliasChoices("RETENTION_DAYS_AFTER_SESSION", "retention_days_after_session")
    )
    retention_interval_seconds: float = Field(
        default=3600.0, ge=0, validation_alias=AliasChoices("RETENTION_INTERVAL_SECONDS", "retention_interval_seconds")
    )

    # Knowledge entries organizers add (bot/questions/knowledge.py): every instance looks for new ones every
    # KNOWLEDGE_REFRESH_SECONDS (0: no background loop; they are still loaded at start-up).
    knowledge_refresh_seconds: float = Field(
        default=60.0, ge=0, validation_alias=AliasChoices("KNOWLEDGE_REFRESH_SECONDS", "knowledge_refresh_seconds")
    )

    # Observability (bot/core/metrics.py, bot/core/logs.py, bot/core/tracing.py). /metrics exists only with
    # METRICS_ENABLED; with METRICS_TOKEN it answers only `Authorization: Bearer <token>`.
    metrics_enabled: bool = Field(default=False, validation_alias=AliasChoices("METRICS_ENABLED", "metrics_enabled"))
    metrics_token: str = Field(default="", validation_alias=AliasChoices("METRICS_TOKEN", "metrics_token"))
    # text (default) or json: one JSON object per line, for log collectors.
    log_format: str = Field(default="text", validation_alias=AliasChoices("LOG_FORMAT", "log_format"))
    # OpenTelemetry tracing: needs the optional extra (`pip install '.[otel]'`); the exporter is configured with the
    # standard OTEL_* variables (e.g. OTEL_EXPORTER_OTLP_ENDPOINT), which the OpenTelemetry SDK reads itself.
    otel_enabled: bool = Field(default=False, validation_alias=AliasChoices("OTEL_ENABLED", "otel_enabled"))

    # Teams app package (manifest/)
    privacy_url: str = Field(default="", validation_alias=AliasChoices("PRIVACY_URL", "privacy_url"))
    terms_url: str = Field(default="", validation_alias=AliasChoices("TERMS_URL", "terms_url"))
    developer_website_url: str = Field(
        default="", validation_alias=AliasChoices("DEVELOPER_WEBSITE_URL", "developer_website_url")
    )

    @field_validator("allowed_tenants", "allowed_channels", "organizer_aad_ids", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> list[str]:
        return _csv(value)

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        value = (value or "text").strip().lower()
        if value not in ("text", "json"):
            raise ValueError("LOG_FORMAT is text or json")
        return value

    @field_validator("bot_fake_now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("BOT_FAKE_NOW needs a UTC offset, e.g. 2022-10-01T10:00:00+02:00")
        return value

    @property
    def local_mode(self) -> bool:
        """No app id: no token checks, as with the Bot Framework Emulator."""
        return not self.microsoft_app_id

    @property
    def serves_loopback_only(self) -> bool:
        return is_loopback_host(self.host)

    def check_safe(self) -> None:
        """Refuse a configuration that would open the bot to the world: local mode on a public address."""
        if self.local_mode and not self.serves_loopback_only and not self.allow_local_mode_on_public_host:
            raise UnsafeSettings(
                f"MicrosoftAppId is not set (local mode, no token checks) and HOST={self.host} is not a loopback "
                "address. Set MicrosoftAppId (and MicrosoftAppPassword), or HOST=127.0.0.1, or, only for a closed "
                "test network, ALLOW_LOCAL_MODE_ON_PUBLIC_HOST=true."
            )

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'bot.sqlite3').as_posix()}"

    @property
    def effective_public_base_url(self) -> str:
        base = self.public_base_url or f"http://{self.host}:{self.port}"
        return base.rstrip("/")


def load_settings(**overrides: Any) -> Settings:
    """Build the settings; keyword overrides win (tests use them)."""
    return Settings(**overrides)


def is_loopback_host(host: str) -> bool:
    """Whether a host name or address ("localhost", "127.0.0.1", "[::1]") is this machine's loopback."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
