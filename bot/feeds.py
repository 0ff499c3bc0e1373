"""Job feeds the worker refreshes by itself: their settings and state, and the store they live in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

# The result a refresh records when the board answered 304 Not Modified.
NOT_MODIFIED = "not modified"
# Widths of what a feed records: an error, the import's summary, a response's validators.
MAX_ERROR = 300
MAX_RESULT = 255
MAX_ETAG = 255
MAX_LAST_MODIFIED = 64


class FeedKind(StrEnum):
    GREENHOUSE = "greenhouse"  # target: a Greenhouse job board name
    LEVER = "lever"  # target: a Lever site name
    URL = "url"  # target: an http(s) URL, read in the feed's format


class DuplicateFeed(Exception):
    """A feed with this target, or writing to this source, exists already."""


class FeedBusy(Exception):
    """The feed is being refreshed right now (a worker holds its lease)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NewFeed:
    kind: FeedKind
    target: str
    # The format a URL feed is read in (yaml, greenhouse, lever); None for the other kinds.
    format: str | None
    company: str | None
    # The openings source the feed writes to; a URL feed learns it on its first refresh.
    source: str | None
    every: timedelta


@dataclass(frozen=True, kw_only=True, slots=True)
class Feed:
    id: int
    kind: FeedKind
    target: str
    format: str | None
    company: str | None
    source: str | None
    every: timedelta
    enabled: bool
    next_refresh_at: datetime
    refresh_started_at: datetime | None
    refresh_finished_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_result: str | None
    # Validators of the response last imported, sent back as If-None-Match/If-Modified-Since.
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class FeedStatus:
    """A feed with the openings of its source, as the maintainer's page shows it."""

    feed: Feed
    open: int
    closed: int


@dataclass(frozen=True, kw_only=True, slots=True)
class RefreshOutcome:
    """What one refresh records: success (imported or not modified), or a short error."""

    ok: bool
    result: str
    error: str | None = None
    source: str | None = None
    etag: str | None = None
    last_modified: str | None = None


class FeedStore(Protocol):
    """Feeds and their leases; each call is its own committed transaction."""

    async def add(self, feed: NewFeed, *, now: datetime) -> Feed:
        """The new feed, due at once; DuplicateFeed for a target or source already used."""
        ...

    async def remove(self, feed_id: int, *, now: datetime) -> Feed | None:
        """Delete the feed (None if there is none); FeedBusy while a worker refreshes it."""
        ...

    async def set_enabled(self, feed_id: int, enabled: bool) -> Feed | None:
        """Pause or resume a feed (None if there is none); a paused feed is never claimed."""
        ...

    async def list_all(self) -> list[Feed]: ...

    async def statuses(self) -> list[FeedStatus]: ...

    async def source_owner(self, source: str) -> int | None:
        """The id of the feed that writes to `source`, if any."""
        ...

    async def claim_due(self, owner: str, *, now: datetime, lease_until: datetime) -> Feed | None:
        """Take the lease of one enabled feed that is due and not leased (or whose lease
        expired), atomically: two workers never get the same feed."""
        ...

    async def renew(self, feed_id: int, owner: str, *, lease_until: datetime) -> bool:
        """Extend the lease; False when `owner` no longer holds it."""
        ...

    async def finish(self, feed_id: int, owner: str, outcome: RefreshOutcome, *,
                     at: datetime) -> bool:
        """Record the outcome, schedule the next refresh and drop the lease; False when
        `owner` no longer held it (nothing is recorded then)."""
        ...

    async def release(self, feed_id: int, owner: str) -> None:
        """Drop the lease without recording anything: the feed is due again at once."""
        ...
