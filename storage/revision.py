"""The schema revision this release needs, and the database's, read without importing Alembic."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.session import engine_connection

# The newest migration in storage/migrations/versions. Kept here so that a process starting
# on an up-to-date database never loads Alembic (~12 MB resident); a test keeps it equal to
# Alembic's own head.
HEAD = "0009"


async def stored(engine: AsyncEngine) -> str | None:
    """The database's revision (None when it has no tables yet)."""
    async with engine_connection(engine) as conn:
        has_table = await conn.run_sync(lambda c: c.dialect.has_table(c, "alembic_version"))
        if not has_table:
            return None
        row = (await conn.execute(text("SELECT version_num FROM alembic_version"))).first()
        return str(row[0]) if row else None
