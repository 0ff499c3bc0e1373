"""Databases migrated to head for tests: new SQLite files are copies of one migrated once per process."""

from __future__ import annotations

import asyncio
import atexit
import functools
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from storage.engine import Storage


def migrated_sqlite(path: Path) -> str:
    """The URL of a new SQLite file at `path` at the head revision. A copy: migrating a file is a
    tenth of a CPU-second, and hundreds of tests need one (tests/storage/test_migrations.py runs
    the real upgrades and downgrades)."""
    shutil.copyfile(_template(), path)
    return f"sqlite:///{path}"


def migrate_to_head(url: str) -> None:
    """Migrate the database at `url` to the head revision, in a thread of its own: the caller may
    be running an event loop (the first test to ask for a database)."""

    async def migrate() -> None:
        storage = Storage.from_url(url)
        try:
            await storage.upgrade()
        finally:
            # Its last connection closing checkpoints SQLite's WAL: the file alone is the database.
            await storage.aclose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, migrate()).result()


@functools.cache
def _template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="careerbot-sqlite-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "template.sqlite3"
    migrate_to_head(f"sqlite:///{path}")
    return path
