"""Feeds that refresh themselves: adding and removing them, their status, and the worker's refresh pass."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from adapters.importers.feeds import FeedFormat, import_summary, parse_feed
from adapters.importers.fetch import FetchLimits, Validators, fetch_since, parse_networks
from adapters.importers.records import FeedError, source_key
from bot.feeds import MAX_ERROR, NOT_MODIFIED, Feed, FeedKind, FeedStatus, FeedStore, NewFeed, RefreshOutcome
from bot.openings import MAX_URL
from bot.skills import SkillVocabulary

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime
    from adapters.observability.metrics import FeedMetrics
    from adapters.settings import Settings
    from storage import Storage

log = logging.getLogger(__name__)

DEFAULT_EVERY = timedelta(hours=1)
# Seconds between the worker's looks for due feeds (each feed has its own interval).
FEED_CHECK = 60.0
# How long a refresh may take beyond the fetch deadline (parsing, writing) before its lease
# runs out; the lease is renewed every third of this while the refresh runs.
LEASE_MARGIN = 60.0
GREENHOUSE_URL = "https://boards-api.greenhouse.io/v1/boards/{}/jobs?content=true"
LEVER_URL = "https://api.lever.co/v0/postings/{}?mode=json"
# Board and site names as the boards spell them; anything else could leave the URL's path.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_DURATION = re.compile(r"(\d+)\s*([smhd])")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_URL = re.compile(r"https?://[^\s'\"<>]+")


# How the command line names the settings a message mentions (`careerbot feeds add`).
CLI_NAMES = {"every": "--every", "format": "--format"}


class FeedSpecError(ValueError):
    """A feed's settings are not usable; the message says what was expected.

    The message is a template naming settings as `{every}` or `{format}`: str() names them as
    the command line does, `said(names)` as another front end (a web form) does.
    """

    def __init__(self, template: str, **values: object) -> None:
        self.template = template
        self.values = values
        super().__init__(self.said(CLI_NAMES))

    def said(self, names: dict[str, str]) -> str:
        return self.template.format(**names, **self.values)


def parse_every(text: str) -> timedelta:
    """`30m`, `1h`, `1h30m`, `1d` or plain seconds as a refresh interval."""
    spec = text.strip().lower().replace(" ", "")
    if spec.isdigit():
        seconds = int(spec)
    elif spec and _DURATION.sub("", spec) == "":
        seconds = sum(int(n) * _UNIT[u] for n, u in _DURATION.findall(spec))
    else:
        raise FeedSpecError("{every} {given!r}: expected a duration such as 30m, 1h, 6h or 1d",
                            given=text)
    if not 1 <= seconds <= 366 * 86400:
        raise FeedSpecError("{every} {given!r}: expected between 1 second and a year", given=text)
    return timedelta(seconds=seconds)


def format_every(every: timedelta) -> str:
    seconds = int(every.total_seconds())
    for unit in "dhm":
        if seconds % _UNIT[unit] == 0 and seconds >= _UNIT[unit]:
            return f"{seconds // _UNIT[unit]}{unit}"
    return f"{seconds}s"


def new_feed(kind: FeedKind, target: str, *, fmt: FeedFormat | None = None,
             every: timedelta = DEFAULT_EVERY, company: str | None = None) -> NewFeed:
    """A feed's settings checked: a board or site name, or an http(s) URL with its format."""
    target = target.strip()
    company = company.strip() if company and company.strip() else None
    if kind is FeedKind.URL:
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FeedSpecError("{given!r}: expected an http(s) URL", given=target)
        if len(target) > MAX_URL:
            raise FeedSpecError(f"the URL is longer than {MAX_URL:,} characters")
        if fmt is None:
            raise FeedSpecError("a url feed needs {format}: {formats}",
                                formats=", ".join(f.value for f in FeedFormat))
        # The source comes from the feed itself on its first refresh, as an import names it.
        return NewFeed(kind=kind, target=target, format=fmt.value, company=company,
                       source=None, every=every)
    if fmt is not None and fmt.value != kind.value:
        raise FeedSpecError("{format} is for url feeds; a {kind} feed is read as {kind}",
                            kind=kind.value)
    if not _NAME.fullmatch(target):
        raise FeedSpecError("{given!r}: expected a {kind} {name} name (letters, digits, '.', '_' "
                            "or '-'), as in its job board URL", given=target, kind=kind.value,
                            name="board" if kind is FeedKind.GREENHOUSE else "site")
    # The source `careerbot openings import` gives this board's URL, so the openings an import
    # kept are the ones the feed goes on refreshing.
    return NewFeed(kind=kind, target=target, format=None, company=company,
                   source=source_key(kind.value, company or target), every=every)


def location(feed: Feed) -> tuple[str, FeedFormat]:
    """The URL a feed is fetched from and the format it is read in."""
    if feed.kind is FeedKind.GREENHOUSE:
        return GREENHOUSE_URL.format(feed.target), FeedFormat.GREENHOUSE
    if feed.kind is FeedKind.LEVER:
        return LEVER_URL.format(feed.target), FeedFormat.LEVER
    return feed.target, FeedFormat(feed.format or FeedFormat.YAML)


def without_secrets(text: str) -> str:
    """The text with every URL in it cut to scheme, host, port and path: credentials and
    query strings (where feed tokens travel) never reach a log line or the feeds table."""
    def bare(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(".,:;)")  # the sentence's punctuation, not the URL's
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", "")) + match.group(0)[len(url):]

    return _URL.sub(bare, text)


def short_error(text: str) -> str:
    """An error as a feed records it: one line, without secrets, within MAX_ERROR."""
    line = " ".join(without_secrets(text).split())
    return line if len(line) <= MAX_ERROR else line[:MAX_ERROR - 1] + "…"


def feed_store(runtime: Runtime) -> FeedStore | None:
    """The runtime's feeds (None without a database: feeds refresh openings in one)."""
    if runtime.storage is None:
        return None
    from storage.feeds import SqlFeedStore

    return SqlFeedStore(runtime.storage)


async def add_feed(store: FeedStore, feed: NewFeed) -> Feed:
    """Add a checked feed (see new_feed); it is due at once. DuplicateFeed if it exists."""
    return await store.add(feed, now=datetime.now(UTC))


@dataclass(frozen=True, kw_only=True, slots=True)
class Removed:
    feed: Feed
    closed: int


async def remove_feed(store: FeedStore, storage: Storage, feed_id: int, *,
                      close_openings: bool = True) -> Removed | None:
    """Delete a feed (None if there is none) and, unless told otherwise, close the openings of
    its source: nothing refreshes them any more. FeedBusy while a worker refreshes it."""
    feed = await store.remove(feed_id, now=datetime.now(UTC))
    if feed is None:
        return None
    closed = 0
    if close_openings and feed.source is not None:
        async with storage.uow() as uow:
            closed = await uow.openings.close_missing(feed.source, ())
            await uow.commit()
    return Removed(feed=feed, closed=closed)


async def set_enabled(store: FeedStore, feed_id: int, enabled: bool) -> Feed | None:
    """Pause a feed (the worker leaves it and its openings alone) or resume it; None if there
    is no such feed."""
    return await store.set_enabled(feed_id, enabled)


async def feed_statuses(store: FeedStore) -> list[FeedStatus]:
    """Per feed: its settings, last refresh, success and error, and its source's openings."""
    return await store.statuses()


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
