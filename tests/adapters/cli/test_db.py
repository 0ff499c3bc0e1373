"""`careerbot db upgrade/downgrade/current`, `careerbot kb gaps` and `chat` on the default file."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli.main import app
from storage.engine import Storage
from storage.revision import HEAD
from tests.fakes.knowledge import topic, write_kb


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    kb = write_kb(tmp_path / "kb", [topic("docker", aliases=["containers"])])
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "CAREERBOT_KNOWLEDGE_DIR": str(kb), "XDG_DATA_HOME": str(tmp_path / "xdg")}


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    return {r[0] for r in rows} - {"alembic_version", "sqlite_sequence"}


def test_db_upgrade_current_downgrade_on_sqlite(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    up = runner.invoke(app, ["db", "upgrade"], env=env)
    assert up.exit_code == 0, up.output
    assert f"empty → {HEAD}" in up.output
    assert {"users", "conversations", "openings", "deliveries"} <= tables(tmp_path / "bot.db")
    again = runner.invoke(app, ["db", "upgrade"], env=env)
    assert again.exit_code == 0 and f"already at {HEAD}" in again.output
    cur = runner.invoke(app, ["db", "current"], env=env)
    assert f"current: {HEAD}" in cur.output
    down = runner.invoke(app, ["db", "downgrade", "base"], env=env)
    assert down.exit_code == 0, down.output
    assert tables(tmp_path / "bot.db") == set()


@pytest.mark.parametrize(("url", "says"), [
    ("postgresql://bob:hunter2@db.example", "names no database"),
    ("postgresql+pg8000://bob@db.example/x", "unsupported PostgreSQL driver"),
    ("mysql://bob@db.example/x", "DATABASE_URL"),
])
@pytest.mark.parametrize("command", [["db", "upgrade"], ["kb", "gaps"], ["chat"]])
def test_malformed_url_is_one_line_and_exit_2(
    env: dict[str, str], url: str, says: str, command: list[str]
) -> None:
    result = CliRunner().invoke(app, command, env={**env, "DATABASE_URL": url}, input="")
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0] and says in lines[0]
    assert "hunter2" not in result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_unreachable_server_is_one_line_and_exit_2(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["db", "upgrade"], env={
        **env, "DATABASE_URL": "postgresql://bob:hunter2@127.0.0.1:1/careers"})
    assert result.exit_code == 2
    assert "cannot reach the database" in result.stderr
    assert "hunter2" not in result.output + result.stderr


def test_kb_gaps_lists_unanswered_and_unhelpful(env: dict[str, str]) -> None:
    async def fill() -> None:
        storage = Storage.from_url(env["DATABASE_URL"])
        await storage.upgrade()
        async with storage.uow() as uow:
            for q in ["how to bake bread", "how to bake bread", "what is rust"]:
                await uow.unanswered.record(q, "asker")
            await uow.feedback.add("telegram", "1", "docker", False)
            await uow.feedback.add("telegram", "2", "docker", True)
            await uow.feedback.add("telegram", "3", "docker", False)
            await uow.commit()
        await storage.aclose()

    asyncio.run(fill())
    result = CliRunner().invoke(app, ["kb", "gaps", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["unanswered"] == [{"question": "how to bake bread", "count": 2},
                                  {"question": "what is rust", "count": 1}]
    assert data["least_helpful"] == [{"topic": "docker", "helpful": 1, "not_helpful": 2,
                                      "helpful_ratio": 0.333}]
    table = CliRunner().invoke(app, ["kb", "gaps", "-n", "1"], env=env)
    assert table.exit_code == 0
    assert "how to bake bread" in table.stdout and "what is rust" not in table.stdout
    assert "docker" in table.stdout


def test_kb_gaps_by_meaning_groups_phrasings_of_one_question(env: dict[str, str]) -> None:
    async def fill() -> None:
        storage = Storage.from_url(env["DATABASE_URL"])
        await storage.upgrade()
        async with storage.uow() as uow:
            for q in ["how much does a backend developer earn in poland",
                      "average pay for a backend programmer in poland",
                      "which laptop should i buy for programming"]:
                await uow.unanswered.record(q, "asker")
            await uow.commit()
        await storage.aclose()

    asyncio.run(fill())
    result = CliRunner().invoke(app, ["kb", "gaps", "--json", "--by-meaning"], env=env)
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)["groups"]
    assert sorted(len(g["questions"]) for g in groups) == [1, 2]
    assert [g["count"] for g in groups] == [2, 1]
    table = CliRunner().invoke(app, ["kb", "gaps", "--by-meaning"], env=env)
    assert "grouped by meaning" in table.stdout


def test_kb_gaps_on_a_fresh_install(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["kb", "gaps"], env=env)
    assert result.exit_code == 0, result.output
    assert "No gaps recorded yet" in result.stdout


def test_chat_on_the_default_sqlite_file_migrates_and_remembers(
    env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["chat"], env={**env, "DATABASE_URL": None},
                          input="what is docker\n/quit\n")
    assert first.exit_code == 0, first.output
    default = tmp_path / "xdg" / "careerbot" / "careerbot.sqlite3"
    assert default.is_file()
    assert "conversations" in tables(default)
    second = runner.invoke(app, ["chat"], env={**env, "DATABASE_URL": None},
                           input="/mydata\n/quit\n")
    assert '"last_topic": "docker"' in second.stdout
