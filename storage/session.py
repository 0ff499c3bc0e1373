"""One Transaction per unit of work; a database that cannot be reached becomes StorageUnavailable here."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import CursorResult, Executable
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.ports import StorageUnavailable

# After the database was unreachable, messages skip it this long instead of each waiting
# for a connection attempt (up to the connect timeout when packets are dropped).
RETRY_AFTER = 1.0


def is_unavailable(error: BaseException) -> bool:
    """Connection refused, server gone, pool exhausted, SQLite file unopenable or locked."""
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        return isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError)
    # OSError covers refused connections and timeouts (asyncio's TimeoutError is one).
    return isinstance(error, sa_exc.TimeoutError | sa_exc.DisconnectionError | OSError)


class _Translated:
    """`with translated:` around database work: the one place its errors are translated."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if error is None or isinstance(error, StorageUnavailable) or not is_unavailable(error):
            return
        # First line only: driver messages name the host and database, never the password.
        first = str(error).splitlines()[0] if str(error) else ""
        raise StorageUnavailable(f"{type(error).__name__}: {first}") from error


# A class rather than @contextmanager: it is entered for every statement.
translated = _Translated()


class Health:
    """Shared by one Storage's units of work: when the database was last found unreachable."""

    def __init__(self) -> None:
        self.down_until = 0.0

    def check(self) -> None:
        if self.down_until and time.monotonic() < self.down_until:
            raise StorageUnavailable("the database was unreachable a moment ago")

    def failed(self) -> None:
        self.down_until = time.monotonic() + RETRY_AFTER


class Rows(Protocol):
    """What the statements of every message read from a result (a CursorResult is one)."""

    @property
    def rowcount(self) -> int: ...

    def first(self) -> Any: ...

    def scalars(self) -> Iterable[Any]: ...


class Transaction(ABC):
    """One database transaction, through which every statement of a unit of work runs.

    Nothing is written unless commit() is called; close() rolls back the rest. Subclasses
    make the driver calls; these public methods translate what they raise.
    Implementations: AsyncTransaction (PostgreSQL, in-memory SQLite) and
    storage.inline_sqlite.InlineSqliteTransaction (an SQLite file).
    """

    dialect: str

    async def execute(self, statement: Executable, params: Any = None) -> CursorResult[Any]:
        """Run a Core statement; a list of parameter dicts runs it once per dict."""
        with translated:
            return await self._execute(statement, params)

    async def run(self, statement: Executable, params: Any = None) -> Rows:
        """Run one of the statements of every message (storage.repositories.hot): a
        long-lived statement object, which an implementation may prepare once and reuse."""
        with translated:
            return await self._run(statement, params)

    async def commit(self) -> None:
        with translated:
            await self._commit()

    async def rollback(self) -> None:
        with translated:
            await self._rollback()

    async def close(self) -> None:
        with translated:
            await self._close()

    @abstractmethod
    async def _execute(self, statement: Executable, params: Any) -> CursorResult[Any]: ...

    async def _run(self, statement: Executable, params: Any) -> Rows:
        return await self._execute(statement, params)

    @abstractmethod
    async def _commit(self) -> None: ...

    @abstractmethod
    async def _rollback(self) -> None: ...

    @abstractmethod
    async def _close(self) -> None: ...


class AsyncTransaction(Transaction):
    """On one AsyncConnection, taken from the pool at the first statement and kept until close().

    Core statements on the connection itself: an AsyncSession would cost a greenlet hop per
    statement to hand it out, plus the ORM's bookkeeping.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.dialect = engine.dialect.name
        self._engine = engine
        self._connection: AsyncConnection | None = None

    async def _execute(self, statement: Executable, params: Any) -> CursorResult[Any]:
        connection = self._connection
        if connection is not None:
            return await connection.execute(statement, params)
        connection = self._connection = await self._engine.connect()
        try:
            return await connection.execute(statement, params)
        except sa_exc.DBAPIError as error:
            if not error.connection_invalidated:
                raise
        # A pooled connection the server dropped (a restart, an idle timeout): nothing ran on
        # it yet, so once more on a fresh one. SQLAlchemy has marked every connection pooled
        # before the error stale, so one retry is enough; a server still down fails again.
        # (Cheaper than the pool's pre-ping: a round trip at every checkout.)
        self._connection = None
        await connection.close()
        connection = self._connection = await self._engine.connect()
        return await connection.execute(statement, params)

    async def _commit(self) -> None:
        if self._connection is not None:
            await self._connection.commit()

    async def _rollback(self) -> None:
        if self._connection is not None:
            await self._connection.rollback()

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()  # rolls back what was not committed


@asynccontextmanager
async def engine_connection(engine: AsyncEngine, *, begin: bool = False) -> AsyncIterator[AsyncConnection]:
    """A connection outside any unit of work (migrations, schema revision, ping), translated
    the same way; `begin=True` commits at the end unless the block raises."""
    with translated:
        async with engine.begin() if begin else engine.connect() as conn:
            yield conn
