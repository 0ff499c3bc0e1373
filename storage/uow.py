"""SqlUnitOfWork: one transaction per message; lost connections become StorageUnavailable."""

from __future__ import annotations

import asyncio
import logging
import time
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, Executable, Result
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from bot.ports import StorageUnavailable
from storage.errors import is_unavailable
from storage.repositories import (
    SqlConversations,
    SqlEvents,
    SqlFeedback,
    SqlOpenings,
    SqlProfiles,
    SqlSubscriptions,
    SqlUnanswered,
    SqlUsers,
)

log = logging.getLogger(__name__)

# People remembered as recently seen; past this the memory starts over (costs one write each).
TOUCH_CACHE_SIZE = 100_000
# How long a message waits for another process's SQLite write transaction before giving up.
SQLITE_LOCK_WAIT = 5.0
# After the database was unreachable, messages skip it this long instead of each waiting
# for a connection attempt (up to the connect timeout when packets are dropped).
RETRY_AFTER = 1.0


class Health:
    """Shared by one Storage's units of work: when the database was last found unreachable."""

    def __init__(self) -> None:
        self.down_until = 0.0

    def check(self) -> None:
        if self.down_until and time.monotonic() < self.down_until:
            raise StorageUnavailable("the database was unreachable a moment ago")

    def failed(self) -> None:
        self.down_until = time.monotonic() + RETRY_AFTER


class SqlUnitOfWork:
    """Implements bot.ports.UnitOfWork; nothing is written unless commit() is called.

    PostgreSQL runs on an AsyncSession. An SQLite file runs on a plain (sync) Session
    over sqlite3, called inline: a statement on a local file takes microseconds, while
    aiosqlite's hand-off to its thread costs ~40 µs per DB-API call (4 per statement),
    which made storage most of the time spent per message. SQLite locks are never
    waited for inline (busy timeout 0): a locked database is retried after an async
    sleep, so the event loop is never blocked by another writer.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        dialect: str,
        touched: dict[tuple[str, str], float] | None = None,
        sync_engine: Engine | None = None,
        health: Health | None = None,
    ) -> None:
        self.health = health or Health()
        self._engine = engine
        self._sync_engine = sync_engine
        self.dialect = dialect
        self._conn: AsyncSession | None = None
        # The session's connection in the current transaction, kept for the Core path: asking
        # the AsyncSession for it again costs a greenlet hop per statement.
        self._core_conn: AsyncConnection | None = None
        self._sync: Session | None = None
        self._wrote = False
        # When each person's users row was last written by this process (see SqlUsers.touch);
        # entries made in this unit of work count only once it commits.
        self.touched: dict[tuple[str, str], float] = {} if touched is None else touched
        self.pending_touches: dict[tuple[str, str], float] = {}
        self.conversations = SqlConversations(self)
        self.users = SqlUsers(self)
        self.profiles = SqlProfiles(self)
        self.feedback = SqlFeedback(self)
        self.unanswered = SqlUnanswered(self)
        self.events = SqlEvents(self)
        self.openings = SqlOpenings(self)
        self.subscriptions = SqlSubscriptions(self)

    async def __aenter__(self) -> Self:
        self.health.check()
        try:
            # Sessions connect lazily, on their first statement.
            if self._sync_engine is not None:
                self._sync = Session(self._sync_engine, expire_on_commit=False, autoflush=False)
            else:
                self._conn = AsyncSession(self._engine, expire_on_commit=False, autoflush=False)
        except Exception as error:
            if is_unavailable(error):
                raise StorageUnavailable(_describe(error)) from error
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None and issubclass(exc_type, StorageUnavailable):
            self.health.failed()
        conn, self._conn = self._conn, None
        sync, self._sync = self._sync, None
        self._core_conn = None
        try:
            # close() rolls back anything not committed.
            if sync is not None:
                sync.close()
            if conn is not None:
                await conn.close()
        except Exception as error:
            if exc is not None:
                # The error that is already propagating says more than this one.
                log.debug("closing a connection after an error failed", exc_info=True)
                return
            if is_unavailable(error):
                raise StorageUnavailable(_describe(error)) from error
            raise

    async def execute(self, statement: Executable, params: Any = None) -> Result[Any]:
        """Run a statement in this unit of work's transaction (ORM entities come back as such)."""
        return await self._run(statement, params, orm=True)

    async def core(self, statement: Executable, params: Any = None) -> Result[Any]:
        """The repositories' path: Core execution on the session's connection, same transaction,
        without the ORM's per-statement bookkeeping (a third of the cost per message)."""
        return await self._run(statement, params, orm=False)

    async def _run(self, statement: Executable, params: Any, *, orm: bool) -> Result[Any]:
        try:
            if self._sync is not None:
                return await self._execute_sqlite(self._sync, statement, params, orm=orm)
            if self._conn is None:
                raise RuntimeError("use the unit of work in `async with`")
            if orm:
                return await self._conn.execute(statement, params)
            if self._core_conn is None:
                self._core_conn = await self._conn.connection()
            return await self._core_conn.execute(statement, params)
        except StorageUnavailable:
            raise
        except Exception as error:
            if is_unavailable(error):
                raise StorageUnavailable(_describe(error)) from error
            raise

    async def _execute_sqlite(
        self, session: Session, statement: Executable, params: Any, *, orm: bool
    ) -> Result[Any]:
        deadline = time.monotonic() + SQLITE_LOCK_WAIT
        delay = 0.001
        while True:
            try:
                if orm:
                    result = session.execute(statement, params)
                else:
                    result = session.connection().execute(statement, params)
            except OperationalError as error:
                # Only the first write of a transaction can find the database locked (later
                # ones already hold the write lock); it is safe to roll back and redo alone.
                if "locked" not in str(error) or self._wrote or time.monotonic() > deadline:
                    raise
                session.rollback()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.05)
                continue
            if getattr(statement, "is_dml", False):
                self._wrote = True
            return result

    @property
    def session(self) -> Session | AsyncSession:
        session = self._sync or self._conn
        if session is None:
            raise RuntimeError("use the unit of work in `async with`")
        return session

    async def commit(self) -> None:
        # The session may hand the next transaction another connection.
        self._core_conn = None
        try:
            if self._sync is not None:
                self._sync.commit()
            elif self._conn is not None:
                await self._conn.commit()
        except Exception as error:
            if is_unavailable(error):
                raise StorageUnavailable(_describe(error)) from error
            raise
        self._wrote = False
        if self.pending_touches:
            if len(self.touched) > TOUCH_CACHE_SIZE:
                self.touched.clear()
            self.touched.update(self.pending_touches)
            self.pending_touches.clear()

    async def rollback(self) -> None:
        self._core_conn = None
        try:
            if self._sync is not None:
                self._sync.rollback()
            elif self._conn is not None:
                await self._conn.rollback()
        except Exception as error:
            if is_unavailable(error):
                raise StorageUnavailable(_describe(error)) from error
            raise
        self._wrote = False
        self.pending_touches.clear()


def _describe(error: BaseException) -> str:
    # First line only: driver messages name the host and database, never the password.
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
