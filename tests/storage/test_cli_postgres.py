"""`careerbot db upgrade` against a real PostgreSQL server (tests/conftest.py starts it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli.main import app
from storage.revision import HEAD
from tests.fakes.knowledge import topic, write_kb
from tests.fakes.postgres import PgServer, new_pg_database


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    kb = write_kb(tmp_path / "kb", [topic("docker", aliases=["containers"])])
    return {"CAREERBOT_KNOWLEDGE_DIR": str(kb)}


def test_db_upgrade_on_postgresql(env: dict[str, str], request: pytest.FixtureRequest) -> None:
    server: PgServer = request.getfixturevalue("pg_server")
    name = new_pg_database(server, None)
    try:
        result = CliRunner().invoke(app, ["db", "upgrade"], env={
            **env, "DATABASE_URL": server.url(name).replace("postgresql://", "postgres://")})
        assert result.exit_code == 0, result.output
        assert f"PostgreSQL 127.0.0.1:{server.port}/{name}: upgraded empty → {HEAD}" in result.output
    finally:
        server.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
