"""`careerbot admin link` and the admin pages' settings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from adapters.admin.signin import redeem
from adapters.cli.main import app
from adapters.settings import Settings, describe_errors
from storage.engine import Storage


def test_admin_link_prints_a_link_that_signs_in_once(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
           "CAREERBOT_PUBLIC_URL": "https://bot.example.org/"}
    result = CliRunner().invoke(app, ["admin", "link"], env=env)
    assert result.exit_code == 0, result.output
    url = result.stdout.strip()
    assert url.startswith("https://bot.example.org/admin/login?token=")
    assert "valid for 10 minutes" in result.stderr

    async def use() -> list[bool]:
        storage = Storage.from_url(env["DATABASE_URL"])
        try:
            token = url.split("token=")[1]
            return [await redeem(storage.uow, token), await redeem(storage.uow, token)]
        finally:
            await storage.aclose()

    assert asyncio.run(use()) == [True, False]


def test_admin_link_without_a_public_url_points_at_this_machine(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["admin", "link"], env={
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "PORT": "8123"})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("http://127.0.0.1:8123/admin/login?token=")
    assert "CAREERBOT_PUBLIC_URL is not set" in result.stderr


@pytest.mark.parametrize(("name", "value"), [("careerbot_session_secret", "too short"),
                                             ("careerbot_public_url", "ftp://files.invalid")])
def test_admin_settings_are_checked_without_showing_the_value(name: str, value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **{name: value})  # type: ignore[call-arg]
    [line] = describe_errors(caught.value)
    assert line.startswith(name.upper()) and value not in line


def test_serve_with_workers_gives_them_one_session_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without CAREERBOT_SESSION_SECRET each process would pick its own key, and a cookie
    signed by one worker would be refused by the next."""
    import os

    from adapters.service import serve

    seen: list[str | None] = []
    monkeypatch.delenv(serve.SESSION_SECRET_ENV, raising=False)
    # Recorded so that the metrics directory run_server names for its workers leaves with the
    # test: later tests in this process would read metrics from a directory since deleted.
    monkeypatch.setenv(serve.MULTIPROC_ENV, "")
    monkeypatch.setattr(serve, "configure_logging", lambda *a, **k: None)  # the test's logging stays
    monkeypatch.setattr(serve, "_run", lambda *a, **k: seen.append(
        os.environ.get(serve.SESSION_SECRET_ENV)))
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.db'}")  # type: ignore[call-arg]
    serve.run_server(settings, host="127.0.0.1", port=1, workers=2)
    assert seen[0] is not None and len(seen[0]) >= 32
    monkeypatch.delenv(serve.SESSION_SECRET_ENV)
    serve.run_server(settings, host="127.0.0.1", port=1, workers=1)
    assert seen[1] is None  # one process: its own random key, nothing to share
