"""Which database errors mean 'cannot reach the database', translated to StorageUnavailable."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import exc as sa_exc

from bot.ports import StorageUnavailable


def is_unavailable(error: BaseException) -> bool:
    """Connection refused, server gone, pool exhausted, SQLite file unopenable or locked."""
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        return isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError)
    return isinstance(
        error,
        sa_exc.TimeoutError | sa_exc.DisconnectionError | OSError | asyncio.TimeoutError,
    )


@asynccontextmanager
async def translated() -> AsyncIterator[None]:
    try:
        yield
    except StorageUnavailable:
        raise
    except Exception as error:
        if is_unavailable(error):
            # The driver's message can contain the host but never the password.
            raise StorageUnavailable(f"{type(error).__name__}: {str(error).splitlines()[0]}") \
                from error
        raise
