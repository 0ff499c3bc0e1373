"""Configured job feeds (CLI, admin pages, worker): settings checked, add, pause, remove, status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from adapters.importers.feeds import FeedFormat
from adapters.importers.records import source_key
from bot.feeds import Feed, FeedKind, FeedStatus, FeedStore, NewFeed
from bot.openings import MAX_URL

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime
    from storage import Storage

DEFAULT_EVERY = timedelta(hours=1)
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
