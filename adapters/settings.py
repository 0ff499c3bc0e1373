"""Typed settings from the environment (12-factor) and a local .env file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
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

    @property
    def admins(self) -> frozenset[str]:
        return frozenset(x.strip() for x in self.careerbot_admins.split(",") if x.strip())

    @staticmethod
    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None
