"""Fixtures shared across test packages: the platform API fakes, one PostgreSQL server, one sentence
encoder and its embedding cache."""

from __future__ import annotations

import contextlib
import shutil
import signal
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.encoder import OnnxEncoder, shared_encoder
from bot.knowledge import default_dir
from bot.retrieval import cache_name
from tests.fakes.postgres import PgServer, PostgresUnavailable, throwaway_pg_server
from tests.fakes.slack_api import FakeSlack
from tests.fakes.sqlite import migrate_to_head
from tests.fakes.telegram_api import FakeBotApi

# Collections of the shipped knowledge base kept between test runs (embedding them takes a while).
KEPT_COLLECTIONS = ("topics",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules marked heavy come first (in their order), so with scripts/test's
    `--dist loadfile --no-loadscope-reorder` no worker starts a long module while the others end."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


@pytest.fixture(scope="session", autouse=True)
def embedding_cache_dir(request: pytest.FixtureRequest,
                        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Embeddings are cached in a folder of this session, never in the user's cache folder.

    Set through XDG_CACHE_HOME, so servers started as subprocesses share it. The shipped knowledge
    base's files are kept in pytest's cache between runs, so only the first run embeds it.
    """
    cache_home = tmp_path_factory.mktemp("cache")
    directory = cache_home / "careerbot" / "embeddings"
    directory.mkdir(parents=True)
    pytest_cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    kept = pytest_cache.mkdir("careerbot-embeddings") if pytest_cache is not None else None
    names = [f"{cache_name(default_dir(), c)}.npz" for c in KEPT_COLLECTIONS]
    for name in names:
        if kept is not None and (kept / name).is_file():
            shutil.copyfile(kept / name, directory / name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(cache_home))
        yield directory
    for name in names:
        if kept is not None and (directory / name).is_file():
            shutil.copyfile(directory / name, kept / name)


@pytest.fixture(scope="session", autouse=True)
def data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The default SQLite file (used when DATABASE_URL is unset) lives in this session's folder,
    never in the user's data folder, which a developer's own runs migrate to other revisions."""
    home = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_DATA_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def encoder() -> OnnxEncoder:
    """The process-wide encoder, loaded once for the session (every Bot built in tests shares it)."""
    enc = shared_encoder()
    enc.load()
    return enc


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server per test session, started from the installed binaries."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(_sigterm_interrupts())
        try:
            server = stack.enter_context(throwaway_pg_server())
        except PostgresUnavailable as exc:
            pytest.skip(str(exc))
        yield server


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """
    `timeout` and CI runners stop pytest with SIGTERM, which would skip the teardown and leave
    the server running; as KeyboardInterrupt, pytest still tears fixtures down.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A database migrated to head; each test gets a copy (CREATE DATABASE … TEMPLATE)."""
    pg_server.sql("CREATE DATABASE careerbot_template")
    migrate_to_head(pg_server.url("careerbot_template"))
    return "careerbot_template"
