"""The feed store on SQLite and PostgreSQL: adding, listing with openings counts, and the lease."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.feeds import DuplicateFeed, FeedBusy, FeedKind, NewFeed, RefreshOutcome
from bot.openings import Opening
from storage.engine import Storage
from storage.feeds import SqlFeedStore

pytestmark = pytest.mark.heavy

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def board(name: str, *, source: str | None = None, every: timedelta = HOUR) -> NewFeed:
    return NewFeed(kind=FeedKind.GREENHOUSE, target=name, format=None, company=None,
                   source=source or f"greenhouse:{name}", every=every)


def url_feed(url: str) -> NewFeed:
    return NewFeed(kind=FeedKind.URL, target=url, format="yaml", company=None, source=None,
                   every=HOUR)


async def test_added_feeds_are_listed_due_at_once_and_never_twice(storage: Storage) -> None:
    store = SqlFeedStore(storage)
    acme = await store.add(board("acme"), now=T0)
    site = await store.add(url_feed("https://jobs.example.org/feed.yaml"), now=T0)
    assert (acme.next_refresh_at, acme.enabled, acme.source) == (T0, True, "greenhouse:acme")
    assert site.source is None and site.format == "yaml"
    with pytest.raises(DuplicateFeed, match=f"feed {acme.id} is a greenhouse feed of acme"):
        await store.add(board("acme"), now=T0)
    # Two boards may not write to one source: each would close the other's openings.
    with pytest.raises(DuplicateFeed, match="writes to source greenhouse:acme"):
        await store.add(board("acme-eu", source="greenhouse:acme"), now=T0)
    assert [f.id for f in await store.list_all()] == [acme.id, site.id]


async def test_a_claim_takes_each_due_feed_once_until_its_lease_runs_out(storage: Storage) -> None:
    store = SqlFeedStore(storage)
    acme = await store.add(board("acme"), now=T0)
    later = await store.add(board("later"), now=T0 + HOUR)  # not due yet at T0
    lease = T0 + timedelta(minutes=5)
    claimed = await store.claim_due("w1", now=T0, lease_until=lease)
    assert claimed is not None and claimed.id == acme.id
    assert claimed.refresh_started_at == T0
    assert await store.claim_due("w2", now=T0, lease_until=lease) is None
    # A lease that ran out (a worker that died) is taken over.
    after = lease + timedelta(seconds=1)
    taken = await store.claim_due("w2", now=after, lease_until=after + timedelta(minutes=5))
    assert taken is not None and taken.id == acme.id
    assert not await store.renew(acme.id, "w1", lease_until=after + HOUR)
    assert not await store.finish(acme.id, "w1", RefreshOutcome(ok=True, result="x"), at=after)
    assert await store.renew(acme.id, "w2", lease_until=after + HOUR)
    assert await store.claim_due("w3", now=after, lease_until=after + HOUR) is None
    # An hour on, only the feed added then is due: acme's renewed lease still holds.
    next_one = await store.claim_due("w3", now=T0 + HOUR, lease_until=T0 + 2 * HOUR)
    assert next_one is not None and next_one.id == later.id


async def test_finish_records_the_outcome_and_schedules_from_the_start(storage: Storage) -> None:
    store = SqlFeedStore(storage)
    site = await store.add(url_feed("https://jobs.example.org/feed.yaml"), now=T0)
    await store.claim_due("w1", now=T0, lease_until=T0 + HOUR)
    done = T0 + timedelta(minutes=2)
    assert await store.finish(site.id, "w1", RefreshOutcome(
        ok=True, result="yaml:feed: 3 of 3 records imported", source="yaml:feed",
        etag='"v1"', last_modified="Mon, 30 Nov 2026 11:00:00 GMT"), at=done)
    [feed] = await store.list_all()
    assert (feed.source, feed.etag, feed.last_modified) == (
        "yaml:feed", '"v1"', "Mon, 30 Nov 2026 11:00:00 GMT")
    assert (feed.last_success_at, feed.refresh_finished_at, feed.last_error) == (done, done, None)
    assert feed.next_refresh_at == T0 + HOUR
    assert await store.claim_due("w1", now=done, lease_until=done + HOUR) is None

    # A failure keeps the validators (they describe what was imported last) and the source.
    await store.claim_due("w2", now=T0 + HOUR, lease_until=T0 + 2 * HOUR)
    failed_at = T0 + HOUR + timedelta(seconds=30)
    assert await store.finish(site.id, "w2", RefreshOutcome(
        ok=False, result="nothing imported", error="answered HTTP 500"), at=failed_at)
    [feed] = await store.list_all()
    assert (feed.last_error, feed.last_success_at, feed.refresh_finished_at) == (
        "answered HTTP 500", done, failed_at)
    assert (feed.etag, feed.source, feed.next_refresh_at) == ('"v1"', "yaml:feed", T0 + 2 * HOUR)
    assert await store.source_owner("yaml:feed") == site.id
    assert await store.source_owner("yaml:other") is None


async def test_released_feeds_are_due_again_paused_ones_not_and_leased_ones_stay(
    storage: Storage,
) -> None:
    store = SqlFeedStore(storage)
    acme = await store.add(board("acme"), now=T0)
    await store.claim_due("w1", now=T0, lease_until=T0 + HOUR)
    with pytest.raises(FeedBusy):
        await store.remove(acme.id, now=T0)
    await store.release(acme.id, "w1")
    assert (await store.claim_due("w2", now=T0, lease_until=T0 + HOUR)) is not None
    paused = await store.set_enabled(acme.id, False)
    assert paused is not None and not paused.enabled
    later = T0 + 2 * HOUR  # the lease ran out, but a paused feed is not due
    assert await store.claim_due("w3", now=later, lease_until=later + HOUR) is None
    assert await store.set_enabled(acme.id, True) is not None
    assert await store.set_enabled(acme.id + 100, True) is None
    assert (await store.claim_due("w3", now=later, lease_until=later + HOUR)) is not None
    removed = await store.remove(acme.id, now=T0 + 4 * HOUR)
    assert removed is not None and removed.id == acme.id
    assert await store.remove(acme.id, now=T0) is None
    assert await store.list_all() == []


async def test_statuses_count_the_openings_of_each_feeds_source(storage: Storage) -> None:
    store = SqlFeedStore(storage)
    acme = await store.add(board("acme"), now=T0)
    fresh = await store.add(url_feed("https://jobs.example.org/new.yaml"), now=T0)
    async with storage.uow() as uow:
        await uow.openings.upsert_many([
            Opening(source=src, external_id=f"{src}-{i}", title="Backend Engineer",
                    company="Acme", url="https://example.org/job")
            for src in ("greenhouse:acme", "lever:other") for i in range(3)])
        await uow.openings.close_missing("greenhouse:acme", {"greenhouse:acme-0"})
        await uow.commit()
    statuses = {s.feed.id: (s.open, s.closed) for s in await store.statuses()}
    assert statuses == {acme.id: (1, 2), fresh.id: (0, 0)}


async def test_concurrent_claims_from_two_engines_never_share_a_feed(db_url: str) -> None:
    """Two processes' worth of connections claiming at once (PostgreSQL: FOR UPDATE SKIP
    LOCKED and the compare-and-set; SQLite: one writer at a time)."""
    first, second = Storage.from_url(db_url), Storage.from_url(db_url)
    try:
        stores = [SqlFeedStore(first), SqlFeedStore(second)]
        for i in range(12):
            await stores[0].add(board(f"board-{i}"), now=T0)

        async def claim_all(store: SqlFeedStore, owner: str) -> list[int]:
            got = []
            while (feed := await store.claim_due(owner, now=T0, lease_until=T0 + HOUR)):
                got.append(feed.id)
                await asyncio.sleep(0)
            return got

        # Four claimers, two on each engine (each its own pool of connections).
        results = await asyncio.gather(*(claim_all(s, f"w{n}")
                                         for n, s in enumerate(stores * 2)))
        claimed = [i for got in results for i in got]
        assert len(claimed) == len(set(claimed)) == 12
    finally:
        await first.aclose()
        await second.aclose()
