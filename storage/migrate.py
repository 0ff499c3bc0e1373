"""Alembic driven from code: the config points inside the installed package, no alembic.ini."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.session import engine_connection

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # env.py runs on this connection instead of building an engine of its own.
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    return heads[0]


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, lambda conn: command.upgrade(alembic_config(conn), revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _run(engine, lambda conn: command.downgrade(alembic_config(conn), revision))


async def current(engine: AsyncEngine) -> str | None:
    def read(conn: Connection) -> str | None:
        return MigrationContext.configure(conn).get_current_revision()

    async with engine_connection(engine) as conn:
        return await conn.run_sync(read)


# Any fixed number: several processes starting at once migrate one after the other.
_ADVISORY_LOCK = 7_203_114_551


async def _run(engine: AsyncEngine, step: Callable[[Connection], None]) -> None:
    async with engine_connection(engine, begin=True) as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})"))
        await conn.run_sync(step)
