"""Start-up validation: each bad variable gets its own line and exit code 2; secrets never shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adapters.cli.main import app
from adapters.settings import Settings

TOKEN = "123456789:AAHsecretPartOfTheTelegramTokenXYZ12"
SLACK_TOKEN = "xoxb-1111-2222-secretslacktoken"
SIGNING = "9c1f8b2e3d4a5b6c7d8e9f0a1b2c3d4e"
WEBHOOK_SECRET = "webhook-secret_value1"
ALL_VARS = [name.upper() for name in Settings.model_fields]

CASES = [
    ({"PORT": "eighty"}, "PORT: expected an integer from 1 to 65535"),
    ({"PORT": "70000"}, "PORT: expected an integer from 1 to 65535"),
    ({"TELEGRAM_BOT_TOKEN": "not-a-token"},
     "TELEGRAM_BOT_TOKEN: expected the token from @BotFather"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "http://bot.example.org/telegram/webhook",
      "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET}, "TELEGRAM_WEBHOOK_URL: expected an https:// URL"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook"},
     "TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
      "TELEGRAM_WEBHOOK_SECRET": "has spaces and $ymbols!"},
     "TELEGRAM_WEBHOOK_SECRET: expected 16-256 characters of A-Z a-z 0-9 _ -"),
    # Telegram accepts one character; one was guessed in 43 requests (issue 13).
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
      "TELEGRAM_WEBHOOK_SECRET": "a"},
     "TELEGRAM_WEBHOOK_SECRET: expected 16-256 characters of A-Z a-z 0-9 _ -"),
    ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
      "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET},
     "TELEGRAM_BOT_TOKEN: required when TELEGRAM_WEBHOOK_URL is set"),
    ({"TELEGRAM_API_BASE_URL": "api.telegram.org"},
     "TELEGRAM_API_BASE_URL: expected an http(s) URL"),
    ({"SLACK_BOT_TOKEN": SLACK_TOKEN}, "SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN"),
    ({"SLACK_SIGNING_SECRET": SIGNING}, "SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET"),
    ({"SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_APP_TOKEN": "xoxb-wrong-kind-of-token-value"},
     "SLACK_APP_TOKEN: expected an app-level token starting with xapp-"),
    ({"SLACK_API_URL": "slack"}, "SLACK_API_URL: expected an http(s) URL"),
    ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT: expected json or text"),
    ({"CAREERBOT_ADMINS": "telegram:1,bob"}, "CAREERBOT_ADMINS: 'bob' is not platform:id"),
    ({"DATABASE_URL": "mysql://careerbot:hunter2secret@db/careerbot"},
     "DATABASE_URL: expected an SQLAlchemy URL"),
    ({"RATE_LIMIT_PER_MINUTE": "0"}, "RATE_LIMIT_PER_MINUTE: expected a whole number"),
    ({"MAX_REQUEST_BYTES": "100"}, "MAX_REQUEST_BYTES: expected the largest request body"),
    ({"REQUEST_TIMEOUT_SECONDS": "0"}, "REQUEST_TIMEOUT_SECONDS: expected seconds a client"),
    ({"MAX_CONNECTIONS": "none"}, "MAX_CONNECTIONS: expected a whole number of connections"),
    ({"CAREERBOT_KNOWLEDGE_DIR": "/nonexistent/knowledge"},
     "CAREERBOT_KNOWLEDGE_DIR: expected an existing folder"),
]
SECRET_VALUES = (TOKEN, SLACK_TOKEN, SIGNING, "hunter2secret", "xoxb-wrong-kind-of-token-value",
                 "has spaces and $ymbols!")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No variables from the outer environment, and no .env file in the working directory."""
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(("env", "expected"), CASES, ids=[next(iter(c[0])) + str(i)
                                                          for i, c in enumerate(CASES)])
@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"], ["config", "check"]])
def test_bad_variable_stops_start_up_with_one_clear_line(
    env: dict[str, str], expected: str, command: list[str]
) -> None:
    result = CliRunner().invoke(app, command, env=env)
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("configuration error: " + expected)
    for secret in SECRET_VALUES:
        assert secret not in result.output


@pytest.mark.usefixtures("clean_env")
def test_config_check_prints_the_configuration_with_secrets_masked(tmp_path: Path) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING,
        "DATABASE_URL": "postgresql+asyncpg://careerbot:hunter2secret@db.internal/careerbot",
        "CAREERBOT_ADMINS": "telegram:1001,slack:U0123",
        "LOG_FORMAT": "JSON",
    }
    result = CliRunner().invoke(app, ["config", "check"], env=env)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "TELEGRAM_BOT_TOKEN=set (hidden)" in out
    assert "SLACK_SIGNING_SECRET=set (hidden)" in out
    assert "SLACK_APP_TOKEN=not set" in out
    assert "DATABASE_URL=postgresql+asyncpg://careerbot:***@db.internal/careerbot" in out
    assert "CAREERBOT_ADMINS=telegram:1001,slack:U0123" in out
    assert "LOG_FORMAT=json" in out
    assert "PORT=8000" in out
    for secret in (*SECRET_VALUES, WEBHOOK_SECRET):
        assert secret not in result.output


@pytest.mark.usefixtures("clean_env")
def test_a_dotenv_file_is_read_for_local_work(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=8123\nLOG_LEVEL=debug\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert "PORT=8123" in result.stdout
    assert "LOG_LEVEL=DEBUG" in result.stdout


async def test_the_asker_hash_key_comes_from_the_settings(make_settings: Any) -> None:
    from adapters.bootstrap import build

    own = make_settings(careerbot_privacy_key="a long random privacy key")
    derived = make_settings(slack_bot_token="xoxb-1", slack_signing_secret="s" * 32)
    bare = make_settings()
    assert own.privacy_key == b"a long random privacy key"
    assert len({own.privacy_key, derived.privacy_key, bare.privacy_key}) == 3
    assert "a long random privacy key" in own.secrets()  # redacted from logs like the others
    async with await build(own) as runtime:
        assert runtime.bot.services.asker_key == own.privacy_key


@pytest.mark.usefixtures("clean_env")
def test_empty_variables_mean_not_set() -> None:
    # What docker compose passes for `TELEGRAM_BOT_TOKEN: ${TELEGRAM_BOT_TOKEN}` when the host
    # has none: it used to stop start-up as a malformed token.
    env = {"TELEGRAM_BOT_TOKEN": "", "TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_WEBHOOK_SECRET": "",
           "SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "", "DATABASE_URL": "", "PORT": "",
           "METRICS_TOKEN": ""}
    result = CliRunner().invoke(app, ["config", "check"], env=env)
    assert result.exit_code == 0, result.output
    for line in ("TELEGRAM_BOT_TOKEN=not set", "TELEGRAM_WEBHOOK_URL=not set",
                 "SLACK_BOT_TOKEN=not set", "DATABASE_URL=not set (SQLite file)", "PORT=8000",
                 "METRICS_TOKEN=not set"):
        assert line in result.stdout
