"""Storage fixtures: every repository test runs on SQLite and on a throwaway PostgreSQL server."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from storage.engine import Storage

PG_USER = "postgres"
_counter = itertools.count()


def find_pg_ctl() -> str | None:
    """pg_ctl from pg_config's bindir, else the newest Debian/Ubuntu server package."""
    candidates: list[str] = []
    try:
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                timeout=10, check=False).stdout.strip()
        if bindir:
            candidates.append(os.path.join(bindir, "pg_ctl"))
    except OSError:
        pass
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                         key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
                         reverse=True)
    candidates += [p for p in [shutil.which("pg_ctl")] if p]
    return next((c for c in candidates if os.access(c, os.X_OK)), None)


@dataclass
class PgServer:
    executor: object
    host: str
    port: int
    admin_dsn: str

    def url(self, dbname: str) -> str:
        return f"postgresql://{PG_USER}@{self.host}:{self.port}/{dbname}"

    def sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def version(self) -> int:
        import psycopg

        with psycopg.connect(self.admin_dsn) as conn:
            return int(conn.info.server_version)

    def stop(self) -> None:
        self.executor.stop()  # type: ignore[attr-defined]

    def start(self) -> None:
        self.executor.start()  # type: ignore[attr-defined]
        self.wait_ready()

    def wait_ready(self, timeout: float = 60.0) -> None:
        """The port opens before the server accepts sessions ("the database system is starting up")."""
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.admin_dsn, connect_timeout=5):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server per test session, started from the installed binaries."""
    pg_ctl = find_pg_ctl()
    if pg_ctl is None:
        pytest.skip("PostgreSQL server binaries (pg_ctl) are not installed; "
                    "`apt-get install postgresql` to run the PostgreSQL half of these tests")
    from port_for import get_port
    from pytest_postgresql.executors import PostgreSQLExecutor

    base = Path(tempfile.mkdtemp(prefix="careerbot-pg-"))
    executable = pg_ctl
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: run pg_ctl as the unprivileged `postgres` user
        # (Debian's package creates it) on a directory that user owns.
        try:
            account = pwd.getpwnam(PG_USER)
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run PostgreSQL as")
        os.chown(base, account.pw_uid, account.pw_gid)
        wrapper = base / "pg_ctl-as-postgres"
        wrapper.write_text(
            f'#!/bin/sh\ncd /\nexec runuser -u {PG_USER} -- {shlex.quote(pg_ctl)} "$@"\n'
        )
        wrapper.chmod(0o755)
        executable = str(wrapper)
    port = get_port(None)
    assert port is not None
    executor = PostgreSQLExecutor(
        executable=executable, host="127.0.0.1", port=port,
        datadir=str(base / "data"), unixsocketdir=str(base), logfile=str(base / "server.log"),
        startparams="-w", dbname="careerbot", user=PG_USER,
        # A test server needs no durability; this makes it several times faster.
        postgres_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
    )
    executor.start()
    server = PgServer(executor=executor, host="127.0.0.1", port=port,
                      admin_dsn=f"host=127.0.0.1 port={port} user={PG_USER} dbname=postgres")
    server.wait_ready()
    # `timeout` and CI runners stop pytest with SIGTERM, which would skip this teardown and
    # leave the server running; as KeyboardInterrupt, pytest still tears fixtures down.
    previous = _interrupt_on_sigterm()
    try:
        yield server
    finally:
        try:
            executor.stop()
        finally:
            shutil.rmtree(base, ignore_errors=True)
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


def _interrupt_on_sigterm() -> Any:
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    return signal.signal(signal.SIGTERM, interrupt)


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A database migrated to head; each test gets a copy (CREATE DATABASE … TEMPLATE)."""
    import asyncio

    pg_server.sql("CREATE DATABASE careerbot_template")

    async def migrate() -> None:
        storage = Storage.from_url(pg_server.url("careerbot_template"))
        try:
            await storage.upgrade()
        finally:
            await storage.aclose()

    # In a thread of its own: the first test to ask may already be running an event loop.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, migrate()).result()
    return "careerbot_template"


def new_pg_database(server: PgServer, template: str | None) -> str:
    name = f"t_{os.getpid()}_{next(_counter)}"
    clause = f" TEMPLATE {template}" if template else ""
    if template and server.version() >= 150000:
        clause += " STRATEGY FILE_COPY"  # faster for small databases; PostgreSQL 15+
    server.sql(f"CREATE DATABASE {name}{clause}")
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of an empty database (no tables) on the parametrised backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'careerbot.sqlite3'}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = new_pg_database(server, None)
    yield server.url(name)
    server.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a database migrated to head on the parametrised backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'careerbot.sqlite3'}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    template: str = request.getfixturevalue("pg_template")
    name = new_pg_database(server, template)
    yield server.url(name)
    server.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def storage(db_url: str) -> AsyncIterator[Storage]:
    """Migrated storage (SQLite is migrated here, PostgreSQL comes from the template)."""
    store = Storage.from_url(db_url)
    if store.dialect == "sqlite":
        await store.upgrade()
    try:
        yield store
    finally:
        await store.aclose()
