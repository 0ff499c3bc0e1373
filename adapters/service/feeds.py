"""The worker's refresh pass over the feeds that are due (configuring feeds: adapters/feeds.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from adapters.feeds import without_secrets
from adapters.importers.feeds import FeedFormat, import_summary, parse_feed
from adapters.importers.fetch import FetchLimits, Validators, fetch_since, parse_networks
from adapters.importers.records import FeedError
from bot.feeds import MAX_ERROR, NOT_MODIFIED, Feed, FeedKind, FeedStore, RefreshOutcome
from bot.skills import SkillVocabulary

if TYPE_CHECKING:
    from adapters.observability.metrics import FeedMetrics
    from adapters.settings import Settings
    from storage import Storage

log = logging.getLogger(__name__)

# Seconds between the worker's looks for due feeds (each feed has its own interval).
FEED_CHECK = 60.0
# How long a refresh may take beyond the fetch deadline (parsing, writing) before its lease
# runs out; the lease is renewed every third of this while the refresh runs.
LEASE_MARGIN = 60.0
GREENHOUSE_URL = "https://boards-api.greenhouse.io/v1/boards/{}/jobs?content=true"
LEVER_URL = "https://api.lever.co/v0/postings/{}?mode=json"


def location(feed: Feed) -> tuple[str, FeedFormat]:
    """The URL a feed is fetched from and the format it is read in."""
    if feed.kind is FeedKind.GREENHOUSE:
        return GREENHOUSE_URL.format(feed.target), FeedFormat.GREENHOUSE
    if feed.kind is FeedKind.LEVER:
        return LEVER_URL.format(feed.target), FeedFormat.LEVER
    return feed.target, FeedFormat(feed.format or FeedFormat.YAML)


def short_error(text: str) -> str:
    """An error as a feed records it: one line, without secrets, within MAX_ERROR."""
    line = " ".join(without_secrets(text).split())
    return line if len(line) <= MAX_ERROR else line[:MAX_ERROR - 1] + "…"


def limits_of(settings: Settings) -> FetchLimits:
    """FEED_MAX_BYTES, FEED_TIMEOUT_SECONDS and FEED_ALLOW_NETWORKS as fetch limits."""
    return FetchLimits(max_bytes=settings.feed_max_bytes, deadline=settings.feed_timeout_seconds,
                       allow_networks=parse_networks(settings.feed_allow_networks))


def worker_id() -> str:
    """Who holds a lease: host, process and a random part (a restarted process is new)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class Refresher:
    """Refreshes due feeds one at a time, each under a lease, by the import's own code path:
    fetch within the limits, parse with per-record checks, import in batches that close what
    the feed dropped."""

    def __init__(self, store: FeedStore, storage: Storage, vocab: SkillVocabulary,
                 limits: FetchLimits, *, owner: str | None = None,
                 metrics: FeedMetrics | None = None, lease: float | None = None) -> None:
        self.store = store
        self.storage = storage
        self.vocab = vocab
        self.limits = limits
        self.owner = owner or worker_id()
        self.metrics = metrics
        # Seconds a claim holds the feed for, renewed every third of it while refreshing.
        self.lease = lease or limits.deadline + LEASE_MARGIN

    async def run_due(self, stop: asyncio.Event | None = None) -> None:
        """Every feed due now (and not leased by another worker), until none is left."""
        while stop is None or not stop.is_set():
            now = datetime.now(UTC)
            feed = await self.store.claim_due(self.owner, now=now,
                                              lease_until=now + timedelta(seconds=self.lease))
            if feed is None:
                break
            await self.refresh(feed)
        if self.metrics is not None:
            async with self.storage.uow() as uow:
                open_now = await uow.openings.count()
            feeds = await self.store.list_all()
            self.metrics.state(open_openings=open_now,
                               failing=sum(1 for f in feeds if f.last_error is not None))

    async def refresh(self, feed: Feed) -> RefreshOutcome:
        """Refresh a feed this worker holds the lease of, and record how it went."""
        work = asyncio.create_task(self._refresh(feed))
        renewing = asyncio.create_task(self._renew(feed, work))
        try:
            outcome = await work
        except asyncio.CancelledError:
            if work.cancelled() and not _current_cancelling():
                # The lease was lost (see _renew): the feed is another worker's now.
                return RefreshOutcome(ok=False, result="lease lost")
            # Stopping: the next worker takes the feed at once instead of after the lease.
            await self.store.release(feed.id, self.owner)
            raise
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
        if not await self.store.finish(feed.id, self.owner, outcome, at=datetime.now(UTC)):
            log.warning("feed %d: the lease ran out before the refresh ended; not recorded",
                        feed.id)
        target = without_secrets(feed.target)
        if outcome.ok:
            log.info("feed %d (%s %s): %s", feed.id, feed.kind.value, target, outcome.result)
        else:
            log.warning("feed %d (%s %s) failed: %s", feed.id, feed.kind.value, target,
                        outcome.error)
        if self.metrics is not None:
            self.metrics.refreshed(outcome)
        return outcome

    async def _renew(self, feed: Feed, work: asyncio.Task[RefreshOutcome]) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            until = datetime.now(UTC) + timedelta(seconds=self.lease)
            if not await self.store.renew(feed.id, self.owner, lease_until=until):
                log.warning("feed %d: lease lost; stopping its refresh", feed.id)
                work.cancel()
                return

    async def _refresh(self, feed: Feed) -> RefreshOutcome:
        url, fmt = location(feed)
        try:
            fetched = await fetch_since(url, self.limits, Validators(
                etag=feed.etag, last_modified=feed.last_modified))
            if fetched.not_modified:
                return RefreshOutcome(ok=True, result=NOT_MODIFIED, source=feed.source,
                                      etag=feed.etag, last_modified=feed.last_modified)
            # In a thread: a big feed parses for seconds, and the worker's loop also serves
            # Slack Socket Mode and renews this lease.
            parsed = await asyncio.to_thread(parse_feed, fetched.text, fmt, self.vocab,
                                             origin=url, company=feed.company,
                                             source=feed.source)
            if feed.source is None:
                other = await self.store.source_owner(parsed.source)
                if other is not None and other != feed.id:
                    raise FeedError(f"feed {other} writes to source {parsed.source} already")
            from storage.openings import import_feed

            result = await import_feed(self.storage, parsed.openings, source=parsed.source,
                                       listed_ids=parsed.listed_ids)
        except FeedError as exc:
            return RefreshOutcome(ok=False, result="nothing imported", error=short_error(str(exc)))
        except Exception as exc:
            # A database outage, or a bug: the feed records that it failed, the worker goes on.
            log.exception("feed %d: refresh failed", feed.id)
            return RefreshOutcome(ok=False, result="nothing imported",
                                  error=f"internal error: {type(exc).__name__}")
        summary = import_summary(parsed, result)
        if result.failed:
            # Validators are not kept: the next refresh reads the whole feed again.
            return RefreshOutcome(ok=False, result=summary, error=short_error(result.errors[0]))
        return RefreshOutcome(ok=True, result=summary, source=parsed.source,
                              etag=fetched.validators.etag,
                              last_modified=fetched.validators.last_modified)


def _current_cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
