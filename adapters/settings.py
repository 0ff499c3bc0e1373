"""Typed settings from the environment (12-factor) and a local .env file."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Self

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False,
        # `VAR=` (what docker compose passes for an unset host variable) means not set.
        env_ignore_empty=True,
    )

    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite file")
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    port: int = Field(default=8000, ge=1, le=65535)
    careerbot_admins: str = ""
    careerbot_knowledge_dir: Path | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    rate_limit_per_minute: int = Field(default=20, ge=1)
    # Feed fetching (`careerbot openings import URL`): see docs/operating.md.
    feed_max_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    feed_timeout_seconds: float = Field(default=120.0, gt=0)
    feed_allow_networks: str = ""
    # Unanswered questions (docs/operating.md): how long they are kept, and the key of the
    # hash that stands for who asked.
    unanswered_retention_days: int = Field(default=90, ge=1)
    careerbot_privacy_key: SecretStr | None = None
    log_message_text: bool = False
    max_request_bytes: int = Field(default=1 << 20, ge=1024)
    request_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    max_connections: int = Field(default=1000, ge=1)
    metrics_token: SecretStr | None = None
    # The worker's exporter listened on every interface before this setting: still the default.
    metrics_host: str = "0.0.0.0"
    # The maintainer's pages (docs/admin.md): the address people reach `careerbot serve` at,
    # for /admin's sign-in links, and the key that signs their session cookies.
    careerbot_public_url: str | None = None
    careerbot_session_secret: SecretStr | None = None

    @field_validator("careerbot_admins")
    @classmethod
    def _admins(cls, value: str) -> str:
        for item in filter(None, (x.strip() for x in value.split(","))):
            platform, _, uid = item.partition(":")
            if not uid or platform not in ("telegram", "slack", "console"):
                raise ValueError(
                    f"{item!r} is not platform:id (e.g. telegram:12345,slack:U0123)"
                )
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is not None and not _DB_URL.match(value):
            raise _expected("database_url")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _telegram_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TG_TOKEN.match(value.get_secret_value()):
            raise _expected("telegram_bot_token")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TG_SECRET.match(value.get_secret_value()):
            raise _expected("telegram_webhook_secret")
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not (value.startswith("https://") or _LOOPBACK.match(value)):
            raise _expected("telegram_webhook_url")
        return value

    @field_validator("telegram_api_base_url", "slack_api_url")
    @classmethod
    def _api_url(cls, value: str, info: ValidationInfo) -> str:
        if not _HTTP_URL.match(value):
            raise _expected(info.field_name or "telegram_api_base_url")
        return value

    @field_validator("careerbot_public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is not None and not _HTTP_URL.match(value):
            raise _expected("careerbot_public_url")
        return value.rstrip("/") if value is not None else None

    @field_validator("careerbot_session_secret")
    @classmethod
    def _session_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise _expected("careerbot_session_secret")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise _expected("slack_app_token")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in _LEVELS:
            raise _expected("log_level")
        return value.upper()

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        if value.lower() not in ("json", "text"):
            raise _expected("log_format")
        return value.lower()

    @field_validator("feed_allow_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        import ipaddress

        for item in filter(None, (x.strip() for x in value.split(","))):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an address or network "
                                 "(e.g. 127.0.0.1,10.0.0.0/8)") from None
        return value

    @field_validator("careerbot_knowledge_dir")
    @classmethod
    def _knowledge_dir(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise _expected("careerbot_knowledge_dir")
        return value

    @model_validator(mode="after")
    def _together(self) -> Self:
        """Variables that only make sense with another one."""
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            raise PydanticCustomError("missing", "TELEGRAM_WEBHOOK_SECRET: required when "
                                      "TELEGRAM_WEBHOOK_URL is set; expected 16-256 characters "
                                      "of A-Z a-z 0-9 _ -")
        if self.telegram_webhook_url and self.telegram_bot_token is None:
            raise PydanticCustomError("missing", "TELEGRAM_BOT_TOKEN: required when "
                                      "TELEGRAM_WEBHOOK_URL is set")
        if self.slack_bot_token is None and (self.slack_signing_secret or self.slack_app_token):
            raise PydanticCustomError("missing", "SLACK_BOT_TOKEN: required when "
                                      "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set")
        if self.slack_bot_token and not (self.slack_signing_secret or self.slack_app_token):
            raise PydanticCustomError("missing", "SLACK_SIGNING_SECRET: required with "
                                      "SLACK_BOT_TOKEN to verify Slack's requests (or set "
                                      "SLACK_APP_TOKEN for Socket Mode)")
        return self

    @property
    def admins(self) -> frozenset[str]:
        return frozenset(x.strip() for x in self.careerbot_admins.split(",") if x.strip())

    @staticmethod
    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    @property
    def privacy_key(self) -> bytes:
        """The key of the asker hash: CAREERBOT_PRIVACY_KEY, else one derived from the platform
        secrets (none of which the database holds), else a fixed one for terminal-only use."""
        if self.careerbot_privacy_key is not None:
            return self.careerbot_privacy_key.get_secret_value().encode()
        platform = [self.secret(getattr(self, name)) or "" for name in
                    ("telegram_bot_token", "slack_signing_secret", "slack_bot_token")]
        if not any(platform):
            return b"careerbot unanswered questions"
        return hashlib.sha256("\0".join(["careerbot asker key", *platform]).encode()).digest()

    def secrets(self) -> list[str]:
        """Every secret value, for redacting logs."""
        values = [getattr(self, name) for name in SECRETS]
        out = [v.get_secret_value() for v in values if isinstance(v, SecretStr)]
        password = _DB_PASSWORD.search(self.database_url or "")
        if password:
            out.append(password.group(1))
        return out

    def masked(self) -> dict[str, str]:
        """The effective configuration with secrets hidden, for `careerbot config check`."""
        out: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name in SECRETS:
                shown = "not set" if value is None else "set (hidden)"
            elif value is None:
                shown = "not set" if name != "database_url" else "not set (SQLite file)"
            elif name == "database_url":
                shown = _DB_PASSWORD.sub(":***@", str(value))
            else:
                shown = str(value)
            out[name.upper()] = shown
        return out


SECRETS = ("telegram_bot_token", "telegram_webhook_secret", "slack_bot_token",
           "slack_signing_secret", "slack_app_token", "careerbot_privacy_key",
           "metrics_token", "careerbot_session_secret")

# What each variable must look like: printed when it doesn't (never with the value itself).
EXPECTED = {
    "database_url": "an SQLAlchemy URL such as postgresql+asyncpg://user:password@host/db "
                    "or sqlite+aiosqlite:///path/careerbot.db",
    "telegram_bot_token": "the token from @BotFather, digits:letters (e.g. 123456:ABC-def)",
    "telegram_api_base_url": "an http(s) URL such as https://api.telegram.org/bot",
    "telegram_webhook_url": "an https:// URL Telegram can reach, ending in /telegram/webhook",
    "telegram_webhook_secret": "16-256 characters of A-Z a-z 0-9 _ - (Telegram allows 1-256; "
                               "short ones can be guessed)",
    "slack_bot_token": "the bot token from the Slack app (xoxb-…)",
    "slack_signing_secret": "the signing secret from the Slack app's Basic Information page",
    "slack_app_token": "an app-level token starting with xapp- (Socket Mode)",
    "slack_api_url": "an http(s) URL such as https://slack.com/api/",
    "port": "an integer from 1 to 65535",
    "careerbot_admins": "platform:id pairs separated by commas, e.g. telegram:12345,slack:U0123",
    "careerbot_knowledge_dir": "an existing folder with topics/*.yaml",
    "log_level": "one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
    "log_format": "json or text",
    "rate_limit_per_minute": "a whole number of messages a minute, at least 1",
    "feed_max_bytes": "a whole number of bytes, at least 1024",
    "feed_timeout_seconds": "a number of seconds above 0",
    "feed_allow_networks": "addresses or networks separated by commas, e.g. 127.0.0.1,10.0.0.0/8",
    "unanswered_retention_days": "a whole number of days, at least 1",
    "careerbot_privacy_key": "any secret text (keep it: changing it orphans stored askers)",
    "log_message_text": "1 to let DEBUG logs show message text, names and ids; 0 (default)",
    "max_request_bytes": "the largest request body in bytes, at least 1024 (default 1048576)",
    "request_timeout_seconds": "seconds a client has to send a request body, over 0 up to 300",
    "max_connections": "a whole number of connections served at once, at least 1",
    "metrics_token": "a bearer token /metrics then requires (Authorization: Bearer …)",
    "metrics_host": "the interface of the worker's metrics port, e.g. 127.0.0.1",
    "careerbot_public_url": "the service's public http(s) address, e.g. https://bot.example.org",
    "careerbot_session_secret": "at least 32 characters of random text (e.g. from "
                                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)",
}
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_DB_URL = re.compile(r"^(?:sqlite|postgres|postgresql)(?:\+\w+)?://\S*$")
_DB_PASSWORD = re.compile(r":([^:@/]+)@")
_TG_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_TG_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
_HTTP_URL = re.compile(r"^https?://\S+$")
# Plain http is only accepted for a local Bot API server or a test on this machine.
_LOOPBACK = re.compile(r"^http://(?:127\.0\.0\.1|localhost|\[::1\])[:/]")


def _expected(name: str) -> PydanticCustomError:
    return PydanticCustomError("expected", "expected {expected}", {"expected": EXPECTED[name]})


def describe_errors(exc: ValidationError) -> list[str]:
    """One line per problem: the variable's name and what is expected, never the value."""
    lines = []
    for e in exc.errors(include_input=False, include_url=False):
        loc = [str(x) for x in e["loc"]]
        if not loc:
            lines.append(e["msg"])  # cross-field messages name their variable themselves
            continue
        name = loc[0]
        expected = EXPECTED.get(name)
        if e["type"] == "expected" or expected is None:
            lines.append(f"{name.upper()}: {e['msg'].removeprefix('Value error, ')}")
        elif e["type"] == "value_error":
            lines.append(f"{name.upper()}: {e['msg'].removeprefix('Value error, ')}; "
                         f"expected {expected}")
        else:
            lines.append(f"{name.upper()}: expected {expected}")
    return lines
