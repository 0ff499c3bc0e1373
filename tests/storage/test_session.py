"""One translation: a database that cannot be reached is StorageUnavailable, with the cause chained."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot.ports import ChatKey, ConversationState, StorageUnavailable
from storage import inline_sqlite, session
from storage.engine import Storage
from storage.migrate import current
from storage.models import OpeningRow
from storage.revision import stored
from tests.fakes.postgres import PgServer

KEY = ChatKey(platform="telegram", chat_id="c1", user_id="u1")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once the socket is closed


def assert_translated_once(error: StorageUnavailable) -> BaseException:
    """The driver's own error is the cause, not a second StorageUnavailable."""
    cause = error.__cause__
    assert cause is not None and not isinstance(cause, StorageUnavailable)
    assert session.is_unavailable(cause)
    return cause


async def test_unreachable_postgresql_from_every_entry_point() -> None:
    storage = Storage.from_url(f"postgresql://nobody@127.0.0.1:{closed_port()}/careers")
    try:
        with pytest.raises(StorageUnavailable) as raised:
            async with storage.uow() as uow:
                await uow.conversations.get(KEY)
        assert isinstance(assert_translated_once(raised.value), OSError | DBAPIError)
        # The unit of work noted the outage: the next one does not even try.
        with pytest.raises(StorageUnavailable, match="a moment ago"):
            async with storage.uow():
                pass
        # Work outside the units of work is translated the same way.
        for attempt in (storage.ping, lambda: stored(storage.engine),
                        lambda: current(storage.engine)):
            with pytest.raises(StorageUnavailable) as raised:
                await attempt()
            assert_translated_once(raised.value)
    finally:
        await storage.aclose()


async def test_locked_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process holds the write lock for longer than a message waits."""
    storage = Storage.from_url(f"sqlite:///{tmp_path / 'careerbot.sqlite3'}")
    await storage.upgrade()
    monkeypatch.setattr(inline_sqlite, "LOCK_WAIT", 0.01)
    other = sqlite3.connect(tmp_path / "careerbot.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageUnavailable) as raised:
            async with storage.uow() as uow:
                await uow.conversations.save(KEY, ConversationState(last_topic="docker"))
        cause = assert_translated_once(raised.value)
        assert isinstance(cause, OperationalError) and "locked" in str(cause)
    finally:
        other.close()
        await storage.aclose()


async def test_connection_lost_inside_a_unit_of_work(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fakes.postgres import new_pg_database

    server: PgServer = request.getfixturevalue("pg_server")
    name = new_pg_database(server, request.getfixturevalue("pg_template"))
    storage = Storage.from_url(server.url(name))
    monkeypatch.setattr(session, "RETRY_AFTER", 0.0)
    try:
        with pytest.raises(StorageUnavailable) as raised:
            async with storage.uow() as uow:
                await uow.conversations.get(KEY)
                server.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           f"WHERE datname = '{name}'")
                await uow.conversations.save(KEY, ConversationState(last_topic="docker"))
        cause = assert_translated_once(raised.value)
        assert isinstance(cause, DBAPIError) and cause.connection_invalidated
        async with storage.uow() as uow:  # the pool replaced the dead connection
            await uow.conversations.save(KEY, ConversationState(last_topic="docker"))
            await uow.commit()
    finally:
        await storage.aclose()
        server.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def test_other_database_errors_are_not_an_outage(storage: Storage) -> None:
    with pytest.raises(IntegrityError):
        async with storage.uow() as uow:
            await uow.execute(insert(OpeningRow).values(source="s", external_id="1"))
    async with storage.uow() as uow:  # not marked as down
        assert await uow.openings.count() == 0


async def test_connections_the_server_dropped_cost_no_message(
    request: pytest.FixtureRequest,
) -> None:
    """No ping at checkout: after the server dropped every pooled connection (a restart), the
    next unit of work and /healthz's ping still succeed, and nothing is marked as down."""
    from tests.fakes.postgres import new_pg_database

    server: PgServer = request.getfixturevalue("pg_server")
    name = new_pg_database(server, request.getfixturevalue("pg_template"))
    storage = Storage.from_url(server.url(name))

    def drop_connections() -> None:
        server.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                   f"WHERE datname = '{name}'")

    try:
        async with storage.uow() as first, storage.uow() as second:  # two pooled connections
            await first.conversations.get(KEY)
            await second.conversations.get(ChatKey(platform="slack", chat_id="c", user_id="u"))
        drop_connections()
        async with storage.uow() as uow:
            await uow.conversations.save(KEY, ConversationState(last_topic="docker"))
            await uow.commit()
        async with storage.uow() as uow:
            assert (await uow.conversations.get(KEY)).last_topic == "docker"
        drop_connections()
        await storage.ping()
        assert storage.health.down_until == 0.0
    finally:
        await storage.aclose()
        server.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
