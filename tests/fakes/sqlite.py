"""New SQLite files migrated to head: copies of one file migrated once per test process."""

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


@functools.cache
def _template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="careerbot-sqlite-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "template.sqlite3"

    async def migrate() -> None:
        storage = Storage.from_url(f"sqlite:///{path}")
        try:
            await storage.upgrade()
        finally:
            # Its last connection closing checkpoints the WAL: the file alone is the database.
            await storage.aclose()

    # In a thread of its own: the caller may be running an event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, migrate()).result()
    return path
