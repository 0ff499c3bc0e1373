"""The SQL feed store: feeds, their openings counts, and the lease that gives each refresh to one worker.

claim_due() is one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING` whose
outer WHERE repeats the lease condition (compare-and-set). On PostgreSQL a second worker skips
the row the first one is claiming, and a row whose lock is released before it looks is
re-checked against that condition, which the first worker's lease now fails. SQLite renders
no FOR UPDATE; its single writer makes the UPDATE atomic on its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.feeds import (
    MAX_ERROR,
    MAX_RESULT,
    DuplicateFeed,
    Feed,
    FeedBusy,
    FeedKind,
    FeedStatus,
    NewFeed,
    RefreshOutcome,
)
from storage.engine import Storage
from storage.models import FeedRow, OpeningRow

_F: Any = FeedRow.__table__


def _feed(row: Any) -> Feed:
    return Feed(
        id=row.id, kind=FeedKind(row.kind), target=row.target, format=row.format,
        company=row.company, source=row.source, every=timedelta(seconds=row.every_seconds),
        enabled=row.enabled, next_refresh_at=row.next_refresh_at,
        refresh_started_at=row.refresh_started_at, refresh_finished_at=row.refresh_finished_at,
        last_success_at=row.last_success_at, last_error=row.last_error,
        last_result=row.last_result, etag=row.etag, last_modified=row.last_modified,
    )


def _free(at: datetime) -> Any:
    return or_(_F.c.lease_until.is_(None), _F.c.lease_until < at)


class SqlFeedStore:
    """Implements bot.feeds.FeedStore."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def add(self, feed: NewFeed, *, now: datetime) -> Feed:
        async with self.storage.uow() as uow:
            clash = (await uow.execute(select(_F.c.id, _F.c.kind, _F.c.target).where(or_(
                (_F.c.kind == feed.kind.value) & (_F.c.target == feed.target),
                _F.c.source == feed.source if feed.source is not None else false(),
            )).limit(1))).first()
            if clash is not None:
                raise DuplicateFeed(_clash(clash, feed))
            try:
                row = (await uow.execute(_F.insert().values(
                    kind=feed.kind.value, target=feed.target, format=feed.format,
                    company=feed.company, source=feed.source,
                    every_seconds=int(feed.every.total_seconds()), enabled=True,
                    created_at=now, next_refresh_at=now,
                ).returning(*_F.c))).one()
                await uow.commit()
            except IntegrityError:
                # Added by someone else between the check and the insert.
                raise DuplicateFeed(f"a {feed.kind.value} feed of {feed.target} exists "
                                    "already") from None
        return _feed(row)

    async def remove(self, feed_id: int, *, now: datetime) -> Feed | None:
        async with self.storage.uow() as uow:
            row = (await uow.execute(
                delete(_F).where(_F.c.id == feed_id, _free(now)).returning(*_F.c))).first()
            if row is None:
                exists = (await uow.execute(select(_F.c.id).where(_F.c.id == feed_id))).first()
                if exists is not None:
                    raise FeedBusy(f"feed {feed_id} is being refreshed right now")
                return None
            await uow.commit()
        return _feed(row)

    async def set_enabled(self, feed_id: int, enabled: bool) -> Feed | None:
        async with self.storage.uow() as uow:
            row = (await uow.execute(update(_F).where(_F.c.id == feed_id)
                                     .values(enabled=enabled).returning(*_F.c))).first()
            await uow.commit()
        return _feed(row) if row is not None else None

    async def list_all(self) -> list[Feed]:
        async with self.storage.uow() as uow:
            rows = (await uow.execute(select(_F).order_by(_F.c.id))).all()
        return [_feed(r) for r in rows]

    async def statuses(self) -> list[FeedStatus]:
        o = OpeningRow
        async with self.storage.uow() as uow:
            rows = (await uow.execute(select(_F).order_by(_F.c.id))).all()
            sources = [r.source for r in rows if r.source is not None]
            counts = {r.source: (int(r.open or 0), int(r.closed or 0)) for r in (
                await uow.execute(select(
                    o.source,
                    func.sum(case((o.is_open.is_(True), 1), else_=0)).label("open"),
                    func.sum(case((o.is_open.is_(True), 0), else_=1)).label("closed"),
                ).where(o.source.in_(sources)).group_by(o.source))
            ).all()} if sources else {}
        return [FeedStatus(feed=_feed(r), open=counts.get(r.source, (0, 0))[0],
                           closed=counts.get(r.source, (0, 0))[1]) for r in rows]

    async def source_owner(self, source: str) -> int | None:
        async with self.storage.uow() as uow:
            found = (await uow.execute(select(_F.c.id).where(_F.c.source == source))).first()
        return int(found.id) if found is not None else None

    async def claim_due(self, owner: str, *, now: datetime, lease_until: datetime) -> Feed | None:
        due = (select(_F.c.id)
               .where(_F.c.enabled.is_(True), _F.c.next_refresh_at <= now, _free(now))
               .order_by(_F.c.next_refresh_at, _F.c.id).limit(1)
               .with_for_update(skip_locked=True))
        async with self.storage.uow() as uow:
            row = (await uow.execute(
                update(_F).where(_F.c.id.in_(due), _free(now))
                .values(lease_owner=owner, lease_until=lease_until, refresh_started_at=now)
                .returning(*_F.c))).first()
            await uow.commit()
        return _feed(row) if row is not None else None

    async def renew(self, feed_id: int, owner: str, *, lease_until: datetime) -> bool:
        async with self.storage.uow() as uow:
            result = await uow.execute(update(_F).where(
                _F.c.id == feed_id, _F.c.lease_owner == owner).values(lease_until=lease_until))
            await uow.commit()
        return bool(result.rowcount)

    async def finish(self, feed_id: int, owner: str, outcome: RefreshOutcome, *,
                     at: datetime) -> bool:
        async with self.storage.uow() as uow:
            started = (await uow.execute(select(_F.c.refresh_started_at, _F.c.every_seconds).where(
                _F.c.id == feed_id, _F.c.lease_owner == owner))).first()
            if started is None:
                return False
            values: dict[str, Any] = {
                "lease_owner": None, "lease_until": None, "refresh_finished_at": at,
                "last_result": outcome.result[:MAX_RESULT],
                # The schedule counts from the start of this refresh, however long it took.
                "next_refresh_at": (started.refresh_started_at or at)
                + timedelta(seconds=started.every_seconds),
            }
            if outcome.ok:
                values.update(last_success_at=at, last_error=None, etag=outcome.etag,
                              last_modified=outcome.last_modified)
                if outcome.source is not None:
                    values["source"] = func.coalesce(_F.c.source, outcome.source)
            else:
                # The validators still describe the last response imported: kept.
                values["last_error"] = (outcome.error or "failed")[:MAX_ERROR]
            result = await uow.execute(update(_F).where(
                _F.c.id == feed_id, _F.c.lease_owner == owner).values(values))
            await uow.commit()
        return bool(result.rowcount)

    async def release(self, feed_id: int, owner: str) -> None:
        async with self.storage.uow() as uow:
            await uow.execute(update(_F).where(_F.c.id == feed_id, _F.c.lease_owner == owner)
                              .values(lease_owner=None, lease_until=None))
            await uow.commit()


def _clash(row: Any, feed: NewFeed) -> str:
    if row.kind == feed.kind.value and row.target == feed.target:
        return f"feed {row.id} is a {feed.kind.value} feed of {feed.target} already"
    return f"feed {row.id} writes to source {feed.source} already"
