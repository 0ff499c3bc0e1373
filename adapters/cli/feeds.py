"""`careerbot feeds add|list|remove|pause|resume`: job feeds `careerbot worker` refreshes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from adapters.cli.common import err
from adapters.importers.feeds import FeedFormat
from adapters.terminal import escape, plain
from bot.feeds import DuplicateFeed, FeedBusy, FeedKind, FeedStatus

if TYPE_CHECKING:
    from adapters.feeds import Removed
    from bot.feeds import Feed
    from storage import Storage

feeds_app = typer.Typer(help="Job feeds that `careerbot worker` refreshes on schedule.",
                        no_args_is_help=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]{escape(message)}[/red]", highlight=False)
    return typer.Exit(code)


@feeds_app.command("add")
def add(
    kind: Annotated[FeedKind, typer.Argument(
        metavar="KIND", help="greenhouse, lever or url")],
    target: Annotated[str, typer.Argument(
        metavar="BOARD|SITE|URL",
        help="The Greenhouse board name, the Lever site name, or the feed's http(s) URL")],
    fmt: Annotated[FeedFormat | None, typer.Option(
        "--format", "-f", help="The format of a url feed")] = None,
    every: Annotated[str, typer.Option(
        help="How often it is refreshed: 30m, 1h, 6h, 1d …")] = "1h",
    company: Annotated[str | None, typer.Option(
        help="Company name (Greenhouse, Lever), as `openings import --company`")] = None,
) -> None:
    """Add a feed; the worker refreshes it at once and then every --every."""
    from adapters.cli.db import run_with_storage
    from adapters.feeds import FeedSpecError, add_feed, format_every, new_feed, parse_every
    from storage.feeds import SqlFeedStore

    try:
        spec = new_feed(kind, target, fmt=fmt, every=parse_every(every), company=company)
    except FeedSpecError as exc:
        raise _fail(str(exc)) from None

    async def work(storage: Storage) -> Feed:
        return await add_feed(SqlFeedStore(storage), spec)

    try:
        feed = run_with_storage(work, migrate=None)
    except DuplicateFeed as exc:
        raise _fail(f"not added: {exc}", 1) from None
    source = f", openings kept as {feed.source}" if feed.source else ""
    Console(soft_wrap=True).print(
        plain(f"added feed {feed.id}: {feed.kind.value} {feed.target}, every "
              f"{format_every(feed.every)}{source}; `careerbot worker` refreshes it"),
        markup=False, highlight=False)


@feeds_app.command("list")
def list_feeds(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Every feed with its schedule, last refresh, last error and its openings."""
    from adapters.cli.db import run_with_storage
    from adapters.feeds import feed_statuses, format_every
    from storage.feeds import SqlFeedStore

    async def work(storage: Storage) -> list[FeedStatus]:
        return await feed_statuses(SqlFeedStore(storage))

    rows = run_with_storage(work, migrate=None)
    if as_json:
        print(json.dumps([status_json(s) for s in rows], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} feed{'s' if len(rows) != 1 else ''}")
    for col in ("id", "kind", "target", "every", "last refresh", "last success", "open",
                "closed", "last result"):
        table.add_column(col)
    for s in rows:
        f = s.feed
        target = f"{f.target} ({f.format})" if f.format else f.target
        result = f"error: {f.last_error}" if f.last_error else f.last_result or "not yet"
        cells = (str(f.id), f.kind.value + ("" if f.enabled else " (paused)"), target,
                 format_every(f.every), _when(f.refresh_finished_at),
                 _when(f.last_success_at), str(s.open), str(s.closed), result)
        table.add_row(*(Text(plain(c)) for c in cells))
    Console().print(table)


@feeds_app.command("remove")
def remove(
    feed_id: Annotated[int, typer.Argument(metavar="ID", help="The feed's id (feeds list)")],
    close: Annotated[bool, typer.Option(
        "--close-openings/--keep-openings",
        help="Close the feed's openings (nothing refreshes them any more)")] = True,
) -> None:
    """Remove a feed; its openings are closed unless --keep-openings."""
    from adapters.cli.db import run_with_storage
    from adapters.feeds import remove_feed
    from storage.feeds import SqlFeedStore

    async def work(storage: Storage) -> Removed | None:
        return await remove_feed(SqlFeedStore(storage), storage, feed_id, close_openings=close)

    try:
        removed = run_with_storage(work, migrate=None)
    except FeedBusy as exc:
        raise _fail(f"not removed: {exc}; try again in a minute", 1) from None
    if removed is None:
        raise _fail(f"there is no feed {feed_id} (see `careerbot feeds list`)", 1)
    f = removed.feed
    closed = f", {removed.closed} of its openings closed" if close else ""
    Console(soft_wrap=True).print(plain(f"removed feed {f.id}: {f.kind.value} {f.target}{closed}"),
                                  markup=False, highlight=False)


@feeds_app.command("pause")
def pause(
    feed_id: Annotated[int, typer.Argument(metavar="ID", help="The feed's id (feeds list)")],
) -> None:
    """Stop refreshing a feed until `feeds resume`; its openings stay as they are."""
    _switch(feed_id, enabled=False)


@feeds_app.command("resume")
def resume(
    feed_id: Annotated[int, typer.Argument(metavar="ID", help="The feed's id (feeds list)")],
) -> None:
    """Refresh a paused feed again (at once if it is past due)."""
    _switch(feed_id, enabled=True)


def _switch(feed_id: int, *, enabled: bool) -> None:
    from adapters.cli.db import run_with_storage
    from adapters.feeds import set_enabled
    from storage.feeds import SqlFeedStore

    async def work(storage: Storage) -> Feed | None:
        return await set_enabled(SqlFeedStore(storage), feed_id, enabled)

    feed = run_with_storage(work, migrate=None)
    if feed is None:
        raise _fail(f"there is no feed {feed_id} (see `careerbot feeds list`)", 1)
    Console(soft_wrap=True).print(
        plain(f"{'resumed' if enabled else 'paused'} feed {feed.id}: {feed.kind.value} "
              f"{feed.target}"), markup=False, highlight=False)


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "never"


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def status_json(status: FeedStatus) -> dict[str, Any]:
    f = status.feed
    return {
        "id": f.id, "kind": f.kind.value, "target": f.target, "format": f.format,
        "company": f.company, "source": f.source, "every_seconds": int(f.every.total_seconds()),
        "enabled": f.enabled, "next_refresh_at": _iso(f.next_refresh_at),
        "last_refresh_started_at": _iso(f.refresh_started_at),
        "last_refresh_finished_at": _iso(f.refresh_finished_at),
        "last_success_at": _iso(f.last_success_at), "last_result": f.last_result,
        "last_error": f.last_error, "open_openings": status.open,
        "closed_openings": status.closed,
    }
