"""SqlUnitOfWork: a session per message; lost connections become StorageUnavailable."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Executable, Result
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.ports import StorageUnavailable
from storage.errors import is_unavailable
from storage.repositories import (
    SqlConversations,
    SqlEvents,
    SqlFeedback,
    SqlOpenings,
    SqlProfiles,
    SqlSubscriptions,
    SqlUnanswered,
    SqlUsers,
)

log = logging.getLogger(__name__)

# People remembered as recently seen; past this the memory starts over (costs one write each).
TOUCH_CACHE_SIZE = 100_000


class SqlUnitOfWork:
    """Implements bot.ports.UnitOfWork; nothing is written unless commit() is called."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        dialect: str,
        touched: dict[tuple[str, str], float] | None = None,
    ) -> None:
        self._sessions = sessions
        self.dialect = dialect
        self._session: AsyncSession | None = None
        # When each person's users row was last written by this process (see SqlUsers.touch);
        # entries made in this unit of work count only once it commits.
        self.touched: dict[tuple[str, str], float] = {} if touched is None else touched
        self.pending_touches: dict[tuple[str, str], float] = {}
        self.conversations = SqlConversations(self)
        self.users = SqlUsers(self)
        self.profiles = SqlProfiles(self)
        self.feedback = SqlFeedback(self)
        self.unanswered = SqlUnanswered(self)
        self.events = SqlEvents(self)
        self.openings = SqlOpenings(self)
        self.subscriptions = SqlSubscriptions(self)

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("use the unit of work in `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        # No connection yet: the session checks one out on the first statement.
        self._session = self._sessions()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            # close() rolls back anything not committed.
            await session.close()
        except Exception as error:
            if not is_unavailable(error) or exc is None:
                if is_unavailable(error):
                    raise StorageUnavailable(str(error).splitlines()[0]) from error
                raise
            # The original error (already about the lost connection) is the one to report.
            log.debug("closing a session on a lost connection failed", exc_info=True)

    async def execute(self, statement: Executable, params: Any = None) -> Result[Any]:
        try:
            return await self.session.execute(statement, params)
        except Exception as error:
            if is_unavailable(error):
                raise StorageUnavailable(_describe(error)) from error
            raise

    async def commit(self) -> None:
        try:
            await self.session.commit()
        except Exception as error:
            if is_unavailable(error):
                raise StorageUnavailable(_describe(error)) from error
            raise
        if self.pending_touches:
            if len(self.touched) > TOUCH_CACHE_SIZE:
                self.touched.clear()
            self.touched.update(self.pending_touches)
            self.pending_touches.clear()

    async def rollback(self) -> None:
        try:
            await self.session.rollback()
        except Exception as error:
            if is_unavailable(error):
                raise StorageUnavailable(_describe(error)) from error
            raise


def _describe(error: BaseException) -> str:
    # First line only: driver messages name the host and database, never the password.
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
