"""`careerbot run telegram`: the CLI's checks, and the channel's polling runner from build()."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.bootstrap import build
from adapters.cli.main import app
from adapters.service.lifecycle import run_until_stopped
from adapters.settings import Settings
from tests.fakes import telegram_updates as f
from tests.fakes.telegram_api import FakeBotApi


def test_missing_token_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["run", "telegram"])
    assert result.exit_code == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.output
    assert len(result.output.strip().splitlines()) == 1


async def test_run_polling_answers_once_with_sqlite_storage(
    fake: FakeBotApi, settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={
        "database_url": f"sqlite:///{tmp_path / 'careerbot.sqlite3'}"})
    stop = asyncio.Event()
    runtime = await build(settings)
    runner = runtime.channel("telegram").runner(runtime.bot, standalone=True)
    assert runner is not None
    task = asyncio.create_task(run_until_stopped(runner(), stop))
    try:
        update = f.message_update("what is docker?")
        # The same update twice: the processed-events table in SQLite lets one through.
        await fake.queue_update(update)
        await fake.queue_update(update)
        await fake.wait_confirmed(update["update_id"])
        await fake.wait_for(lambda: len(fake.sent) >= 1)
        follow = f.message_update("/help")
        await fake.queue_update(follow)
        await fake.wait_for(lambda: len(fake.sent) >= 2)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await runtime.close()
    first, second = fake.sent
    assert first["text"].startswith("<b>Docker and containers</b>")
    # One chat's updates run in order, so had the duplicate been answered it would come second.
    assert second["text"].startswith("I answer questions about backend engineering")
    assert fake.of("setMyCommands") and fake.of("deleteWebhook")
