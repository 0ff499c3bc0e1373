"""Alembic environment: runs on the connection storage.migrate hands over (never fileConfig)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from storage.models import Base

# No logging.config.fileConfig here: it would replace the application's logging set-up.
config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite can only change tables by copying them; batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_url(url: str) -> None:
    from storage.engine import create_engine, normalize_url

    engine = create_engine(normalize_url(url))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(run_on)
    finally:
        await engine.dispose()


def main() -> None:
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"),
                          target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    # Plain `alembic` command line (developers): -x url=… or sqlalchemy.url, else the default.
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    asyncio.run(run_with_url(url or ""))


main()
