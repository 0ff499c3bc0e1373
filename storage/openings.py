"""Openings beyond the basic repository: import batches, the seed, and a cheap change version."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from bot.openings import Opening
from bot.ports import UnitOfWork
from storage.engine import Storage
from storage.repositories import SqlOpenings


@dataclass(frozen=True, kw_only=True, slots=True)
class BatchResult:
    inserted: int
    updated: int
    closed: int


async def openings_version(uow: UnitOfWork) -> object:
    """For Recommender(version_of=…): changes whenever an import or a close touches openings."""
    if isinstance(uow.openings, SqlOpenings):
        return await uow.openings.version()  # one small aggregate query
    return await uow.openings.count()


async def import_batch(storage: Storage, openings: Sequence[Opening], *, source: str | None,
                       full_feed: bool) -> BatchResult:
    """Upsert a batch and (for a full feed of `source`) close what it no longer lists.

    One transaction: either every row of the batch is written, or none is.
    """
    async with storage.uow() as uow:
        inserted, updated = await uow.openings.upsert_many(openings)
        closed = 0
        if full_feed and source is not None:
            closed = await uow.openings.close_missing(source, {o.external_id for o in openings})
        await uow.commit()
    return BatchResult(inserted=inserted, updated=updated, closed=closed)


@dataclass(frozen=True, kw_only=True, slots=True)
class FeedResult:
    inserted: int
    updated: int
    closed: int
    failed: int
    errors: tuple[str, ...] = ()


async def import_feed(storage: Storage, openings: Sequence[Opening], *, source: str,
                      listed_ids: Collection[str], close_missing: bool = True,
                      batch: int = 2000,
                      on_batch: Callable[[int], None] | None = None) -> FeedResult:
    """A whole feed in batches of `batch` rows, each batch one transaction.

    A batch that fails rolls back alone and is reported; the others are kept. Openings of
    `source` that the feed no longer lists are closed afterwards, but only when every batch
    went in (a half-imported feed must not close what it failed to write).
    """
    inserted = updated = failed = closed = 0
    errors: list[str] = []
    for i in range(0, len(openings), batch):
        part = openings[i:i + batch]
        try:
            result = await import_batch(storage, part, source=source, full_feed=False)
        except Exception as exc:
            failed += len(part)
            first = str(exc).splitlines()[0][:200] if str(exc) else ""
            errors.append(f"records {i}-{i + len(part) - 1}: {type(exc).__name__}: {first}")
        else:
            inserted += result.inserted
            updated += result.updated
        if on_batch is not None:
            on_batch(len(part))
    if close_missing and not failed and listed_ids:
        async with storage.uow() as uow:
            closed = await uow.openings.close_missing(source, listed_ids)
            await uow.commit()
    return FeedResult(inserted=inserted, updated=updated, closed=closed, failed=failed,
                      errors=tuple(errors))


async def seed_if_empty(storage: Storage, openings: Sequence[Opening]) -> int:
    """The knowledge base's openings into a database that has never held any.

    A database with any opening row (imported, seeded before, or closed by an operator) is
    left alone, so the seed never overwrites or reopens anything.
    """
    if not openings:
        return 0
    async with storage.uow() as uow:
        if await uow.openings.count(open_only=False):
            return 0
        inserted, _ = await uow.openings.upsert_many(openings)
        await uow.commit()
    return inserted
