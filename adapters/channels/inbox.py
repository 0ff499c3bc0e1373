"""Acknowledged updates survive a crash: kept in the database before the 200, forgotten once answered.

A webhook keeps each authenticated update (`Inbox.keep`) before it answers the platform,
and the channel calls `done` once the answer is delivered (or `failed`, to try again
later). Every process runs a sweeper (`Inbox.running`) that renews the leases of what it is
working on and takes over updates whose lease ran out: those of a process that died, and
those waiting for a retry. The core claims each event id once and keeps its answer with the
claim (bot.ports.InboxRepository.answered), so an update processed twice is answered once:
the second time only the kept answer is sent, if it had not been delivered yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from bot.messages import Reply
from bot.ports import InboxItem, UnitOfWorkFactory

log = logging.getLogger(__name__)

# How long an update stays with the process working on it without a renewal; the sweeper
# renews every SWEEP_SECONDS, so only a process that died (or hung) loses its updates, and
# the next one takes them over within about this long.
LEASE = timedelta(seconds=10)
SWEEP_SECONDS = 2.0
# Processings of one update before it is given up (logged as a dead letter and deleted).
MAX_ATTEMPTS = 5
# A failed update waits this long times its attempts before it is tried again.
RETRY_DELAY = timedelta(seconds=5)
TAKE_LIMIT = 100

# Puts a taken update into processing (a queue, a task) without waiting for its answer.
Resume = Callable[[InboxItem], Awaitable[None]]
# Updates kept (or forgotten) in one transaction at most.
BATCH = 200

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    """Writes what is submitted while the previous write runs together, in one transaction.

    A lone request is written at once; under load the requests that arrive during one
    commit share the next, so the database's per-transaction cost (a round trip and an
    fsync on PostgreSQL) is paid once per batch rather than once per update.
    """

    def __init__(self, write: Callable[[list[T]], Awaitable[list[R | Exception]]]) -> None:
        # `write` raises to fail the whole batch, or returns an exception for an item it failed.
        self._write = write
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:BATCH], self._waiting[BATCH:]
                try:
                    results = await self._write([item for item, _ in batch])
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._writer = None


def now() -> datetime:
    return datetime.now(UTC)


class Inbox:
    """One platform's updates in the database's inbox, as seen by one process."""

    def __init__(self, uow_factory: UnitOfWorkFactory, platform: str) -> None:
        self.uow = uow_factory
        self.platform = platform
        # Leases are per process: a restarted process on the same host is someone else.
        self.owner = f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"
        # Event ids this process holds (kept or taken, not yet done), with their attempts.
        self.held: dict[str, int] = {}
        # The core's answers to updates taken over, by event id, until the channel sends them.
        self._answers: dict[str, tuple[Reply, ...]] = {}
        self._degraded = False
        self._sweeper: asyncio.Task[None] | None = None
        # Updates to keep, (event id, payload), and answered ones to forget, (event id, None),
        # share their transactions: under load a keep and a forget usually wait together.
        self._writes = GroupCommit[tuple[str, str | None], bool](self._write)

    async def _write(self, writes: list[tuple[str, str | None]]) -> list[bool | Exception]:
        updates = [(event_id, payload) for event_id, payload in writes if payload is not None]
        answered = [event_id for event_id, payload in writes if payload is None]
        try:
            added: set[str] | Exception = await self._keep_and_forget(updates, answered)
            forgot: Exception | None = None
        except Exception:
            if not (updates and answered):
                raise
            # Each kind alone, so that what fails one (a keep the database refuses) does not
            # fail the other, as when each had transactions of its own.
            try:
                added = await self._keep_and_forget(updates, [])
            except Exception as exc:
                added = exc
            try:
                await self._keep_and_forget([], answered)
            except Exception as exc:
                forgot = exc
        return [(forgot or True) if payload is None
                else added if isinstance(added, Exception) else event_id in added
                for event_id, payload in writes]

    async def _keep_and_forget(self, updates: list[tuple[str, str]],
                               answered: list[str]) -> set[str]:
        async with self.uow() as uow:
            # Kept first: a re-delivery of an update answered in the same batch is then
            # recognised as one (kept already) rather than kept and processed again.
            added = await uow.inbox.add(self.platform, updates, owner=self.owner,
                                        lease_until=now() + LEASE) if updates else set()
            if answered:
                await uow.inbox.done(self.platform, answered)
            await uow.commit()
        return added

    async def keep(self, event_id: str, payload: str) -> bool | None:
        """Before the 200: True when kept (process it, then `done`), False when it is kept
        already (a re-delivery, answered by whoever holds it), None when the database cannot
        keep it: the caller processes it anyway, as a webhook without an inbox would."""
        try:
            added = await self._writes.submit((event_id, payload))
        except Exception as exc:
            if not self._degraded:
                self._degraded = True
                log.warning("%s inbox unavailable (%s): updates are answered without being "
                            "kept, and lost if this process dies", self.platform,
                            type(exc).__name__)
            return None
        if self._degraded:
            self._degraded = False
            log.warning("%s inbox available again", self.platform)
        if added:
            self.held[event_id] = 1
        return added

    def holds(self, event_id: str) -> bool:
        return event_id in self.held

    def answer_of(self, event_id: str) -> tuple[Reply, ...] | None:
        """The core's answer to a taken-over update, when it gave one before (send only that)."""
        return self._answers.pop(event_id, None)

    async def done(self, event_id: str) -> None:
        """Answered: forget the update (a no-op for one this process does not hold)."""
        self._answers.pop(event_id, None)
        if self.held.pop(event_id, None) is None:
            return
        try:
            await self._writes.submit((event_id, None))
        except Exception as exc:
            # Kept: it will be taken again, and the kept answer sent once more (at most one
            # duplicate, only while the database fails).
            log.warning("could not forget answered %s update %s: %s", self.platform, event_id,
                        type(exc).__name__)

    async def failed(self, event_id: str) -> None:
        """Processing failed: release the update for a later attempt, by any process."""
        self._answers.pop(event_id, None)
        attempts = self.held.pop(event_id, None)
        if attempts is None:
            return
        try:
            async with self.uow() as uow:
                await uow.inbox.release(self.platform, event_id,
                                        retry_at=now() + RETRY_DELAY * attempts)
                await uow.commit()
        except Exception as exc:
            # Its lease runs out on its own: the retry only comes a little later.
            log.warning("could not release %s update %s: %s", self.platform, event_id,
                        type(exc).__name__)

    async def sweep(self, resume: Resume) -> int:
        """Renew this process's leases, then take and resume updates whose lease ran out."""
        at = now()
        async with self.uow() as uow:
            if self.held:
                await uow.inbox.renew(self.owner, at + LEASE)
            items = await uow.inbox.take(self.platform, self.owner, now=at,
                                         lease_until=at + LEASE, limit=TAKE_LIMIT)
            await uow.commit()
        for item in items:
            if item.attempts > MAX_ATTEMPTS:
                # The dead letter: the update's id only, never what the person wrote.
                log.error("giving up on %s update %s after %d attempts", self.platform,
                          item.event_id, item.attempts - 1)
                self.held[item.event_id] = item.attempts
                await self.done(item.event_id)
                continue
            self.held[item.event_id] = item.attempts
            if item.replies is not None:
                self._answers[item.event_id] = item.replies
            try:
                await resume(item)
            except Exception as exc:
                # The type only: a traceback here could quote what the person wrote.
                log.warning("could not resume %s update %s: %s", self.platform, item.event_id,
                            type(exc).__name__)
                await self.failed(item.event_id)
        if items:
            log.info("took over %d %s update(s) left unanswered", len(items), self.platform)
        return len(items)

    async def _sweep_forever(self, resume: Resume) -> None:
        while True:
            try:
                await self.sweep(resume)
            except Exception as exc:
                # The database is down: nothing can be taken over, and nothing is lost.
                log.warning("%s inbox sweep failed: %s", self.platform, type(exc).__name__)
            await asyncio.sleep(SWEEP_SECONDS)

    @contextlib.asynccontextmanager
    async def running(self, resume: Resume, *, stopping: Callable[[], Awaitable[None]]
                      ) -> AsyncIterator[None]:
        """Sweep from now on (the first sweep recovers what a dead process left); at the end
        stop taking, run `stopping` (the channel finishes what it has), then hand what is
        still unanswered to the next process at once."""
        self._sweeper = asyncio.create_task(self._sweep_forever(resume),
                                            name=f"{self.platform}-inbox")
        try:
            yield
        finally:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            try:
                await stopping()
            finally:
                await self._hand_over()

    async def _hand_over(self) -> None:
        if not self.held:
            return
        try:
            async with self.uow() as uow:
                n = await uow.inbox.renew(self.owner, now())
                await uow.commit()
        except Exception as exc:
            log.warning("could not hand over %d %s update(s): %s", len(self.held),
                        self.platform, type(exc).__name__)
            return
        if n:
            log.info("left %d %s update(s) unanswered for the next process", n, self.platform)
