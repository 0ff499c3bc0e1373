"""Storage fixtures: every repository test runs on SQLite and on a throwaway PostgreSQL server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from storage.engine import Storage
from tests.fakes.postgres import pg_database
from tests.fakes.sqlite import migrated_sqlite


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest, *,
                  migrated: bool) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / "careerbot.sqlite3"
        yield migrated_sqlite(path) if migrated else f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template") if migrated else None
    with pg_database(request.getfixturevalue("pg_server"), template) as url:
        yield url


@pytest.fixture
def empty_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of an empty database (no tables) on the parametrised backend."""
    yield from _database_url(backend, tmp_path, request, migrated=False)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a database migrated to head on the parametrised backend."""
    yield from _database_url(backend, tmp_path, request, migrated=True)


@pytest.fixture
async def storage(db_url: str) -> AsyncIterator[Storage]:
    """Migrated storage (each backend's database is a copy of one migrated once)."""
    store = Storage.from_url(db_url)
    try:
        yield store
    finally:
        await store.aclose()
