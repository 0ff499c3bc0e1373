"""The inline SQLite path (justified by benchmarks/bench_storage.py): plain sqlite3 on the loop's thread."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, Executable
from sqlalchemy.exc import OperationalError

from storage.session import Transaction

# How long a message waits for another process's SQLite write transaction before giving up.
LOCK_WAIT = 5.0


class InlineSqliteTransaction(Transaction):
    """A Transaction on one sqlite3 connection from a plain (sync) engine, called inline.

    Why, measured by benchmarks/bench_storage.py (results in benchmarks/README.md, "Storage"):
    through aiosqlite every DB-API call is handed to its thread and back (~40 µs, about four
    per statement), which made storage most of the time spent per message (250 msg/s, +2.6 ms
    at p50 over the in-memory repositories). A statement on a local file takes microseconds,
    so running it inline does not hold the event loop up, with one exception: another
    process's write lock. That is never waited for inline (busy timeout 0, see
    storage.engine.create_inline_sqlite_engine); the statement is retried after an async sleep.
    """

    dialect = "sqlite"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._wrote = False

    async def _execute(self, statement: Executable, params: Any) -> CursorResult[Any]:
        deadline = time.monotonic() + LOCK_WAIT
        delay = 0.001
        while True:
            connection = self._connection
            if connection is None:
                connection = self._connection = self._engine.connect()
            try:
                result = connection.execute(statement, params)
            except OperationalError as error:
                # Only the first write of a transaction can find the database locked (later
                # ones already hold the write lock); it is safe to roll back and redo alone.
                if "locked" not in str(error) or self._wrote or time.monotonic() > deadline:
                    raise
                connection.rollback()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.05)
                continue
            if getattr(statement, "is_dml", False):
                self._wrote = True
            return result

    async def _commit(self) -> None:
        if self._connection is not None:
            self._connection.commit()
        self._wrote = False

    async def _rollback(self) -> None:
        if self._connection is not None:
            self._connection.rollback()
        self._wrote = False

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()  # rolls back what was not committed
