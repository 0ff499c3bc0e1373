"""A throwaway PostgreSQL server started from the installed binaries, and databases on it."""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_USER = "postgres"
# A test server needs no durability; this makes it several times faster.
NO_DURABILITY = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
_counter = itertools.count()


class PostgresUnavailable(RuntimeError):
    """This machine cannot run a throwaway server; the message says what is missing."""


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
            conn.execute(statement)

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


@contextlib.contextmanager
def throwaway_pg_server(*, options: str = NO_DURABILITY,
                        prefix: str = "careerbot-pg-") -> Iterator[PgServer]:
    """A new cluster in a temporary directory on a free port of 127.0.0.1, removed afterwards."""
    pg_ctl = find_pg_ctl()
    if pg_ctl is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (pg_ctl) are not installed; "
            "`apt-get install postgresql` to run the PostgreSQL half of these tests")
    from port_for import get_port
    from pytest_postgresql.executors import PostgreSQLExecutor

    base = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        executable = pg_ctl
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: run pg_ctl as the unprivileged `postgres` user
            # (Debian's package creates it) on a directory that user owns.
            try:
                account = pwd.getpwnam(PG_USER)
            except KeyError:
                raise PostgresUnavailable("running as root and there is no 'postgres' user "
                                          "to run PostgreSQL as") from None
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
            startparams="-w", dbname="careerbot", user=PG_USER, postgres_options=options,
        )
        executor.start()
        try:
            server = PgServer(executor=executor, host="127.0.0.1", port=port,
                              admin_dsn=f"host=127.0.0.1 port={port} user={PG_USER} dbname=postgres")
            server.wait_ready()
            yield server
        finally:
            executor.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def new_pg_database(server: PgServer, template: str | None) -> str:
    """A new database, empty or a copy of `template`; returns its name."""
    name = f"t_{os.getpid()}_{next(_counter)}"
    clause = f" TEMPLATE {template}" if template else ""
    if template and server.version() >= 150000:
        clause += " STRATEGY FILE_COPY"  # faster for small databases; PostgreSQL 15+
    server.sql(f"CREATE DATABASE {name}{clause}")
    return name


@contextlib.contextmanager
def pg_database(server: PgServer, template: str | None = None) -> Iterator[str]:
    """The URL of a new database (see new_pg_database), dropped afterwards."""
    name = new_pg_database(server, template)
    try:
        yield server.url(name)
    finally:
        server.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
