"""The inline SQLite path (justified by benchmarks/bench_storage.py): plain sqlite3 on the loop's thread."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, CursorResult, Dialect, Engine, Executable
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import PoolProxiedConnection

from storage.session import Rows, Transaction

log = logging.getLogger(__name__)

# How long a message waits for another process's SQLite write transaction before giving up.
LOCK_WAIT = 5.0
# Commits on the inline path between two checkpoints of the write-ahead log (WalCheckpoints):
# a message's commits write 5-15 pages each, so about SQLite's own default of a checkpoint
# every 1,000 pages of log.
CHECKPOINT_EVERY = 100
# Past this many frames left in the log after a checkpoint, the next one also restarts it.
RESTART_FRAMES = 10_000
# How long that restart waits for the writers of the moment to finish.
RESTART_WAIT = 1.0


Convert = Callable[[Any], Any]
T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class _Prepared:
    """A statement compiled once for sqlite3: its SQL, and how to convert its values."""

    sql: str
    # Per placeholder: the parameter's name, its value when the statement fixes it (a
    # literal SQLAlchemy bound itself), and SQLAlchemy's conversion for its column type.
    names: tuple[str, ...]
    fixed: dict[str, Any]
    binds: tuple[Convert | None, ...]
    results: tuple[Convert | None, ...]
    row: Callable[..., tuple[Any, ...]] | None

    def values(self, params: dict[str, Any]) -> tuple[Any, ...]:
        if self.fixed:
            params = {**self.fixed, **params}
        return tuple([v if c is None else c(v) for v, c in
                      zip(map(params.__getitem__, self.names), self.binds, strict=True)])

    def read(self, raw: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
        assert self.row is not None
        return [self.row(*(v if c is None else c(v)
                           for v, c in zip(r, self.results, strict=True))) for r in raw]


def _prepare(statement: Executable, keys: tuple[str, ...], dialect: Dialect) -> _Prepared | None:
    """None for a statement SQLAlchemy must run itself: one that computes defaults in Python,
    expands lists or renames its parameters."""
    element: Any = statement
    compiled: Any = element.compile(dialect=dialect, column_keys=list(keys))
    if (compiled.insert_prefetch or compiled.update_prefetch or compiled.post_compile_params
            or compiled.literal_execute_params or compiled.escaped_bind_names
            or compiled.positiontup is None):
        return None
    names = tuple(compiled.positiontup)
    fixed: dict[str, Any] = {}
    binds: list[Convert | None] = []
    for name in names:
        bind = compiled.binds[name]
        if name not in keys:
            if bind.required or bind.callable is not None:
                return None
            fixed[name] = bind.value
        binds.append(bind.type.dialect_impl(dialect).bind_processor(dialect))
    columns = list(getattr(statement, "exported_columns", ()))
    return _Prepared(
        sql=compiled.string, names=names, fixed=fixed, binds=tuple(binds),
        results=tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                      for c in columns),
        row=namedtuple("Row", [c.key for c in columns], rename=True) if columns else None,
    )


# (id of the statement, its parameters' names) -> the statement (kept, so that its id is not
# reused) and how to run it, None when SQLAlchemy runs it. Only long-lived statements come here.
_PREPARED: dict[tuple[int, tuple[str, ...]], tuple[Executable, _Prepared | None]] = {}


@dataclass(frozen=True, kw_only=True)
class _Rows:
    rows: list[tuple[Any, ...]]
    rowcount: int

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def scalars(self) -> list[Any]:
        return [r[0] for r in self.rows]


class WalCheckpoints:
    """Copies the write-ahead log back into the database file on a worker thread.

    SQLite checkpoints by itself in the commit that takes the log past 1,000 pages, inside
    that commit: on the inline path that is the event loop's thread, and a checkpoint writes
    the pages back and waits for two fsyncs. On this machine's disk such a commit took 14-16
    ms at the 99th percentile and up to 30-65 ms (a loop of 6-row commits; 0.05-0.13 ms at
    the median), during which no request was read and no answer sent. So the inline engine's
    connections never checkpoint (`wal_autocheckpoint=0`, see
    storage.engine.create_inline_sqlite_engine), and every CHECKPOINT_EVERY commits a
    checkpoint runs in the loop's default executor, on a connection of its own (sqlite3 lets
    go of the GIL while SQLite works):

    * PASSIVE first: it takes no lock a writer needs, so commits go on meanwhile.
    * Under steady writes a PASSIVE checkpoint never finds the log all copied, so SQLite
      never starts the log again from its beginning and the file would grow without end.
      When more than RESTART_FRAMES frames are in it, a RESTART checkpoint follows: it holds
      the write lock while it copies the few frames written since the PASSIVE one and starts
      the log again. A commit on the loop that meets that lock waits for it with an async
      sleep (InlineSqliteTransaction._retrying), as for another process's write, so the loop
      is never blocked.

    What a commit made durable is unchanged (the log is written and synced as before); only
    where the pages are copied back to the database file moved off the loop.
    """

    def __init__(self, path: str, *, every: int = CHECKPOINT_EVERY,
                 restart_frames: int = RESTART_FRAMES) -> None:
        self.path = path
        self.every = every
        self.restart_frames = restart_frames
        self._commits = 0
        self._running: asyncio.Future[None] | None = None
        self._failing = False

    def committed(self) -> None:
        """A write transaction committed on the loop's thread."""
        self._commits += 1
        if self._commits >= self.every and self._running is None:
            self._commits = 0
            self._running = asyncio.get_running_loop().run_in_executor(None, self.checkpoint)
            self._running.add_done_callback(self._finished)

    def _finished(self, done: asyncio.Future[None]) -> None:
        self._running = None

    def checkpoint(self) -> None:
        """Copy the log back (PASSIVE), and start it again when it grew long (RESTART)."""
        try:
            # A connection of its own, opened for the occasion: a pooled one never waits
            # for a lock (busy timeout 0), and closing this one is never the last close
            # while the pool holds its connections.
            connection = sqlite3.connect(self.path, timeout=RESTART_WAIT, isolation_level=None)
            try:
                connection.execute("PRAGMA synchronous=NORMAL")
                _, frames, _ = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                if frames > self.restart_frames:
                    connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
            finally:
                connection.close()
        except Exception as exc:
            # The log only grows until a later checkpoint succeeds; nothing is lost.
            if not self._failing:
                log.warning("checkpointing the SQLite log failed: %s", type(exc).__name__)
            self._failing = True
        else:
            self._failing = False

    async def idle(self) -> None:
        """Until no checkpoint runs (before the pool is disposed)."""
        running = self._running
        if running is not None and running.get_loop() is asyncio.get_running_loop():
            await asyncio.wait([running])


class InlineSqliteTransaction(Transaction):
    """A Transaction on one sqlite3 connection from a plain (sync) engine, called inline.

    Why, measured by benchmarks/bench_storage.py (results in benchmarks/README.md, "Storage"):
    through aiosqlite every DB-API call is handed to its thread and back (~40 µs, about four
    per statement), which made storage most of the time spent per message (250 msg/s, +2.6 ms
    at p50 over the in-memory repositories). A statement on a local file takes microseconds,
    so running it inline does not hold the event loop up, with one exception: another
    process's write lock. That is never waited for inline (busy timeout 0, see
    storage.engine.create_inline_sqlite_engine); the statement is retried after an async sleep.

    The statements of every message (`run`) go to sqlite3 directly, compiled once: through
    SQLAlchemy each cost about 40 µs more of Python (its execution context, parameter and
    result set-up) than the statement itself, about 10 µs; a message's storage work, ten
    statements and three commits, took 0.92 ms of CPU that way and takes 0.55 ms now. Values
    go through SQLAlchemy's own conversions for their column types, so what is stored and
    read stays the same (tests/storage/test_inline_sqlite.py).
    """

    dialect = "sqlite"

    def __init__(self, engine: Engine, *, checkpoints: WalCheckpoints | None = None) -> None:
        self._engine = engine
        self._checkpoints = checkpoints
        # The pool's connection, taken at the first statement. The statements of every message
        # go to its sqlite3 connection directly; an SQLAlchemy Connection on it is made only
        # for a statement SQLAlchemy must run: making one, its transaction and its close cost
        # more of Python per unit of work than two of its statements.
        self._raw: PoolProxiedConnection | None = None
        self._sqlite: sqlite3.Connection | None = None
        self._connection: Connection | None = None
        self._wrote = False

    def _dbapi(self) -> sqlite3.Connection:
        dbapi = self._sqlite
        if dbapi is None:
            try:
                self._raw = self._engine.raw_connection()
            except sqlite3.Error as error:
                raise DBAPIError.instance(None, None, error, sqlite3.Error) from error
            driver = self._raw.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            dbapi = self._sqlite = driver
        return dbapi

    def _sqlalchemy(self) -> Connection:
        connection = self._connection
        if connection is None:
            self._dbapi()
            connection = self._connection = Connection(self._engine, self._raw)
        return connection

    async def _execute(self, statement: Executable, params: Any) -> CursorResult[Any]:
        return await self._retrying(statement, lambda: self._sqlalchemy().execute(statement, params))

    async def _run(self, statement: Executable, params: Any) -> Rows:
        many = isinstance(params, list)
        keys = tuple(params[0] if many else params or ())
        found = _PREPARED.get((id(statement), keys))
        if found is None:
            found = _PREPARED[(id(statement), keys)] = (
                statement, _prepare(statement, keys, self._engine.dialect))
        if found[1] is None:
            return await self._execute(statement, params)
        prepared = found[1]
        return await self._retrying(statement, lambda: _run_raw(self._dbapi(), prepared, params))

    async def _retrying(self, statement: Executable, run: Callable[[], T]) -> T:
        deadline = time.monotonic() + LOCK_WAIT
        delay = 0.001
        while True:
            try:
                result = run()
            except OperationalError as error:
                # Only the first write of a transaction can find the database locked (later
                # ones already hold the write lock); it is safe to roll back and redo alone.
                if "locked" not in str(error) or self._wrote or time.monotonic() > deadline:
                    raise
                self._end(commit=False)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.05)
                continue
            if getattr(statement, "is_dml", False):
                self._wrote = True
            return result

    def _end(self, *, commit: bool) -> None:
        """Commit or roll back on both layers: SQLAlchemy's transaction, when a statement it
        ran began one, and sqlite3's, which the direct statements may have begun after it."""
        connection = self._connection
        if connection is not None and connection.in_transaction():
            connection.commit() if commit else connection.rollback()
        if self._sqlite is not None:
            try:
                self._sqlite.commit() if commit else self._sqlite.rollback()
            except sqlite3.Error as error:
                raise DBAPIError.instance(
                    "COMMIT" if commit else "ROLLBACK", None, error, sqlite3.Error) from error
        if commit and self._wrote and self._checkpoints is not None:
            self._checkpoints.committed()
        self._wrote = False

    async def _commit(self) -> None:
        self._end(commit=True)

    async def _rollback(self) -> None:
        self._end(commit=False)

    async def _close(self) -> None:
        connection, raw, dbapi = self._connection, self._raw, self._sqlite
        self._connection, self._raw, self._sqlite = None, None, None
        try:
            if dbapi is not None and dbapi.in_transaction:
                dbapi.rollback()  # what was not committed (the pool resets nothing)
        finally:
            if connection is not None:
                connection.close()  # gives `raw` back
            elif raw is not None:
                raw.close()  # back to the pool


def _run_raw(dbapi: sqlite3.Connection, prepared: _Prepared, params: Any) -> _Rows:
    try:
        if isinstance(params, list):
            if prepared.row is None:
                cursor = dbapi.executemany(prepared.sql, [prepared.values(p) for p in params])
                return _Rows(rows=[], rowcount=cursor.rowcount)
            # sqlite3 runs no RETURNING statement as executemany: one row at a time.
            rows: list[tuple[Any, ...]] = []
            for p in params:
                rows += prepared.read(dbapi.execute(prepared.sql, prepared.values(p)))
            return _Rows(rows=rows, rowcount=len(rows))
        cursor = dbapi.execute(prepared.sql, prepared.values(params or {}))
        if prepared.row is None:
            return _Rows(rows=[], rowcount=cursor.rowcount)
        rows = prepared.read(cursor.fetchall())
        return _Rows(rows=rows, rowcount=cursor.rowcount)
    except sqlite3.Error as error:
        # As SQLAlchemy would have raised it, for the one translation (storage.session).
        raise DBAPIError.instance(prepared.sql, params, error, sqlite3.Error) from error
