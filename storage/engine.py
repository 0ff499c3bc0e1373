"""Engine and session set-up from DATABASE_URL: URL forms, SQLite pragmas, the Storage handle."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from bot.ports import StorageUnavailable
from storage.inline_sqlite import InlineSqliteTransaction, WalCheckpoints
from storage.revision import HEAD
from storage.revision import stored as stored_revision
from storage.session import AsyncTransaction, Health, Transaction, engine_connection
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

# Connection attempts to a dead server must fail fast so the bot can degrade, not hang.
CONNECT_TIMEOUT = 5.0
SQLITE_BUSY_TIMEOUT_MS = 5000


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be used; the message is one line meant for people."""


class DatabaseNotMigrated(RuntimeError):
    """The database is reachable but its tables are older than this release."""


def default_sqlite_path() -> Path:
    return Path(platformdirs.user_data_dir("careerbot")) / "careerbot.sqlite3"


def normalize_url(raw: str | None) -> URL:
    """Accept the URL forms hosting platforms hand out and pick the async driver."""
    if raw is None or not raw.strip():
        return URL.create("sqlite+aiosqlite", database=str(default_sqlite_path()))
    text = raw.strip()
    if text.startswith("postgres://"):  # Heroku-style scheme SQLAlchemy does not know
        text = "postgresql://" + text[len("postgres://"):]
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise DatabaseUrlError(
            f"DATABASE_URL is not a database URL (expected e.g. postgresql://user:pass@host/db "
            f"or sqlite:///path/to/file.db): {_redact(text)}"
        ) from None
    backend, _, driver = url.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        if driver not in ("", "asyncpg", "psycopg", "psycopg_async", "psycopg2"):
            raise DatabaseUrlError(f"DATABASE_URL: unsupported PostgreSQL driver {driver!r}; "
                                   "use postgresql:// or postgresql+asyncpg://")
        # psycopg 3 is async-capable; anything else becomes asyncpg.
        new_driver = "psycopg" if driver in ("psycopg", "psycopg_async") else "asyncpg"
        url = url.set(drivername=f"postgresql+{new_driver}")
        if not url.database:
            raise DatabaseUrlError("DATABASE_URL names no database (…/dbname at the end)")
        if new_driver == "asyncpg" and "sslmode" in url.query:
            # Hosting platforms add libpq's sslmode; asyncpg spells it ssl.
            query = dict(url.query)
            query["ssl"] = query.pop("sslmode")
            url = url.set(query=query)
        return url
    if backend == "sqlite":
        if driver not in ("", "aiosqlite", "pysqlite"):
            raise DatabaseUrlError(f"DATABASE_URL: unsupported SQLite driver {driver!r}; "
                                   "use sqlite:///path/to/file.db")
        url = url.set(drivername="sqlite+aiosqlite")
        return url
    raise DatabaseUrlError(
        f"DATABASE_URL uses {backend!r}; supported are PostgreSQL (postgresql://…) and SQLite "
        "(sqlite:///path/to/file.db)"
    )


def _redact(text: str) -> str:
    """Never echo a password back, even from a URL that did not parse."""
    head, sep, tail = text.rpartition("@")
    if not sep:
        return text[:80]
    scheme, _, cred = head.partition("://")
    user = cred.split(":", 1)[0]
    return f"{scheme}://{user}:***@{tail}"[:120]


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> Path | None:
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def create_engine(url: URL, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite connections get WAL, foreign keys and a busy timeout."""
    if is_sqlite(url):
        path = sqlite_file(url)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                # Created readable by its owner only (SQLite gives its -wal and -shm files the
                # database file's permissions); an existing file keeps the mode it has.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            except OSError as exc:
                raise DatabaseUrlError(
                    f"DATABASE_URL: cannot create the folder for {path}: {exc.strerror}"
                ) from None
        if path is None:
            # One in-memory database lives and dies with its connection: share a single one.
            kwargs.setdefault("poolclass", StaticPool)
        engine = create_async_engine(
            url,
            # A file has no server that could go away: no ping per checkout (each would cost
            # a trip to aiosqlite's thread), and a transaction already rolls back what it
            # leaves uncommitted, so the pool need not do it again.
            pool_pre_ping=False, pool_reset_on_return=None,
            # sqlite3's timeout is SQLite's busy timeout.
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    connect_args: dict[str, Any] = {}
    if url.get_driver_name() == "asyncpg":
        connect_args["timeout"] = CONNECT_TIMEOUT
    else:
        connect_args["connect_timeout"] = int(CONNECT_TIMEOUT)
    # No pre-ping (a round trip at every checkout, three a message): a connection the server
    # dropped fails at its first statement and storage.session.AsyncTransaction retries
    # that once on a fresh one, which keeps messages right after a restart answered.
    return create_async_engine(url, pool_pre_ping=False, connect_args=connect_args, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL survives process crashes; only power loss can cost
        # the last transactions, a fair trade for a chat bot's conversation state.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def create_inline_sqlite_engine(url: URL) -> Engine | None:
    """A plain sqlite3 engine for storage.inline_sqlite (the per-message path); files only."""
    if sqlite_file(url) is None:
        return None  # an in-memory database exists once, behind the async engine
    engine = create_sync_engine(
        url.set(drivername="sqlite+pysqlite"),
        pool_reset_on_return=None,
        # Checkout happens on the event loop's thread: it must never wait for a connection
        # another coroutine holds (that one could not run to give it back). No overflow
        # limit; connections beyond pool_size are closed when returned.
        pool_size=8, max_overflow=-1,
        # Only ever used from the event loop's thread, one unit of work per connection; a
        # locked database is never waited for there (busy timeout 0), see InlineSqliteTransaction.
        connect_args={"timeout": 0, "check_same_thread": False},
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "connect", _no_autocheckpoint)
    return engine


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    """The inline path's commits never checkpoint on the loop's thread (WalCheckpoints does)."""
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0").close()


class Storage:
    """An engine plus the unit-of-work factory the core takes; aclose() disposes the pool."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.inline_engine = (
            create_inline_sqlite_engine(engine.url) if engine.dialect.name == "sqlite" else None
        )
        path = sqlite_file(engine.url) if self.inline_engine is not None else None
        self.checkpoints = WalCheckpoints(str(path)) if path is not None else None
        self.begin: Callable[[], Transaction] = (
            partial(InlineSqliteTransaction, self.inline_engine, checkpoints=self.checkpoints)
            if self.inline_engine is not None else partial(AsyncTransaction, engine)
        )
        self.dialect = engine.dialect.name
        # When each person's users row was last written by this process (see SqlUsers.touch).
        self.touched: dict[tuple[str, str], float] = {}
        self.health = Health()

    @classmethod
    def from_url(cls, raw: str | None) -> Storage:
        return cls(create_engine(normalize_url(raw)))

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.begin, touched=self.touched, health=self.health)

    async def check_migrated(self) -> None:
        """DatabaseNotMigrated unless at the newest revision; an unreachable server passes
        (the bot starts without memory and reconnects later)."""
        try:
            revision = await stored_revision(self.engine)
        except StorageUnavailable as exc:
            log.warning("database not reachable at start-up: %s", exc)
            return
        if revision != HEAD:
            raise DatabaseNotMigrated(
                f"the database (DATABASE_URL) is at migration {revision or 'none (empty)'}, "
                f"this release needs {HEAD}: run `careerbot db upgrade`"
            )

    async def upgrade(self, revision: str = "head") -> None:
        from storage.migrate import upgrade

        path = sqlite_file(self.engine.url) if self.dialect == "sqlite" else None
        if path is None:
            await upgrade(self.engine, revision)  # PostgreSQL: an advisory lock inside
            return
        # Several processes starting on one new SQLite file: one migrates, the others wait
        # and then find nothing left to do.
        try:
            import fcntl
        except ImportError:  # Windows: no advisory file locks; one process at a time there
            await upgrade(self.engine, revision)
            return
        # flock on the database file itself: independent of SQLite's own (fcntl) locks, and
        # no extra file left behind. An empty new file is a valid empty SQLite database.
        with open(path, "a+b") as lock:
            await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
            try:
                await upgrade(self.engine, revision)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        # Closing that file dropped every fcntl lock this process held on the database,
        # SQLite's included, and SQLite does not know: its pooled connections would go on
        # without their shared lock, and another process closing its last connection could
        # then checkpoint and unlink the WAL under this one, whose later commits would be
        # lost. Connections opened from now on take their locks afresh.
        await self.engine.dispose()
        if self.inline_engine is not None:
            await self._checkpoints_idle()
            self.inline_engine.dispose()

    async def _checkpoints_idle(self) -> None:
        if self.checkpoints is not None:
            await self.checkpoints.idle()

    async def needs_upgrade(self) -> bool:
        """True unless the database is already at this release's revision (no Alembic import)."""
        return await stored_revision(self.engine) != HEAD

    async def ping(self) -> None:
        """One round trip to the database (for /healthz); StorageUnavailable when it cannot be
        reached."""
        for attempt in (1, 2):
            try:
                async with engine_connection(self.engine) as conn:
                    await conn.exec_driver_sql("SELECT 1")
                return
            except StorageUnavailable as error:
                # Once more after a connection the server dropped (see AsyncTransaction).
                cause = error.__cause__
                if attempt == 2 or not (isinstance(cause, DBAPIError)
                                        and cause.connection_invalidated):
                    raise

    async def aclose(self) -> None:
        if self.inline_engine is not None:
            await self._checkpoints_idle()
            self.inline_engine.dispose()
        await self.engine.dispose()


async def open_storage(raw_url: str | None, *, migrate: bool | None = None) -> Storage:
    """Storage for DATABASE_URL.

    By default SQLite is migrated to head and PostgreSQL must already be (else
    DatabaseNotMigrated); `migrate=True` always upgrades, `migrate=False` touches nothing.
    """
    storage = Storage.from_url(raw_url)
    try:
        if migrate:
            await storage.upgrade()
        elif migrate is None and storage.dialect == "sqlite":
            if await storage.needs_upgrade():
                await storage.upgrade()
        elif migrate is None:
            await storage.check_migrated()
    except BaseException:
        await storage.aclose()
        raise
    return storage
