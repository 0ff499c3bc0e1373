"""SqlUnitOfWork: one Transaction per message, with every repository running on it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from sqlalchemy import CursorResult, Executable

from bot.ports import StorageUnavailable
from storage.repositories import (
    SqlConversations,
    SqlEvents,
    SqlFeedback,
    SqlGapMarks,
    SqlInbox,
    SqlOpenings,
    SqlProfiles,
    SqlSignIns,
    SqlSubscriptions,
    SqlUnanswered,
    SqlUsage,
    SqlUsers,
    Touches,
)
from storage.session import Health, Transaction

log = logging.getLogger(__name__)


class SqlUnitOfWork:
    """Implements bot.ports.UnitOfWork; nothing is written unless commit() is called.

    `begin` opens the Transaction (storage.session.AsyncTransaction, or the inline
    storage.inline_sqlite.InlineSqliteTransaction for an SQLite file); the repositories
    exist from `async with` on.
    """

    conversations: SqlConversations
    users: SqlUsers
    profiles: SqlProfiles
    feedback: SqlFeedback
    unanswered: SqlUnanswered
    events: SqlEvents
    inbox: SqlInbox
    openings: SqlOpenings
    subscriptions: SqlSubscriptions
    usage: SqlUsage
    sign_ins: SqlSignIns
    gap_marks: SqlGapMarks

    def __init__(
        self,
        begin: Callable[[], Transaction],
        *,
        touched: dict[tuple[str, str], float],
        health: Health,
    ) -> None:
        self._begin = begin
        self._touched = touched
        self.health = health

    async def __aenter__(self) -> Self:
        self.health.check()
        tx = self._tx = self._begin()
        self._touches = Touches(self._touched)
        self.conversations = SqlConversations(tx)
        self.users = SqlUsers(tx, self._touches)
        self.profiles = SqlProfiles(tx)
        self.feedback = SqlFeedback(tx)
        self.unanswered = SqlUnanswered(tx)
        self.events = SqlEvents(tx)
        self.inbox = SqlInbox(tx)
        self.openings = SqlOpenings(tx)
        self.subscriptions = SqlSubscriptions(tx)
        self.usage = SqlUsage(tx)
        self.sign_ins = SqlSignIns(tx)
        self.gap_marks = SqlGapMarks(tx)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(exc, StorageUnavailable):
            self.health.failed()
        try:
            await self._tx.close()
        except Exception:
            if exc is None:
                raise
            # The error that is already propagating says more than this one.
            log.debug("closing a connection after an error failed", exc_info=True)

    async def execute(self, statement: Executable, params: Any = None) -> CursorResult[Any]:
        """Run a Core statement in this unit of work's transaction."""
        return await self._tx.execute(statement, params)

    # The name this had while execute() still went through the ORM (used by tests/adapters).
    core = execute

    async def commit(self) -> None:
        await self._tx.commit()
        self._touches.committed()

    async def rollback(self) -> None:
        await self._tx.rollback()
        self._touches.rolled_back()
