"""SQLAlchemy storage: models, repositories, unit of work, engine set-up and migrations."""

from storage.engine import (
    DatabaseNotMigrated,
    DatabaseUrlError,
    Storage,
    default_sqlite_path,
    normalize_url,
    open_storage,
)
from storage.uow import SqlUnitOfWork

__all__ = [
    "DatabaseNotMigrated",
    "DatabaseUrlError",
    "SqlUnitOfWork",
    "Storage",
    "default_sqlite_path",
    "normalize_url",
    "open_storage",
]
