"""`careerbot openings import`, `careerbot jobs` and `careerbot alerts run`."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from adapters.cli.common import err, fail_kb, load_settings
from adapters.importers.feeds import FeedFormat, import_summary, parse_feed, read_feed
from adapters.importers.records import FeedError
from adapters.service.feeds import limits_of
from adapters.terminal import escape, plain
from bot.openings import Level, Opening
from bot.ports import RemotePreference
from bot.recommend import Match, OpeningIndex, Query

if TYPE_CHECKING:
    from storage import Storage

openings_app = typer.Typer(help="Job openings: import feeds from job boards.",
                           no_args_is_help=True)
alerts_app = typer.Typer(help="Alerts about new openings.", no_args_is_help=True)
BATCH = 2000


def _settings() -> Any:
    return load_settings()


def _knowledge(settings: Any) -> Any:
    from bot.knowledge import KnowledgeError, load_knowledge

    try:
        return load_knowledge(settings.careerbot_knowledge_dir)
    except KnowledgeError as exc:
        fail_kb(exc)


@openings_app.command("import")
def import_openings(
    location: Annotated[str, typer.Argument(metavar="PATH_OR_URL",
                                            help="A feed file or an http(s) URL")],
    fmt: Annotated[FeedFormat, typer.Option("--format", "-f", help="Feed format")],
    company: Annotated[str | None, typer.Option(help="Company name (Greenhouse, Lever)")] = None,
    source: Annotated[str | None, typer.Option(
        help="Source name the openings are kept under (default: format:company)")] = None,
    close_missing: Annotated[bool, typer.Option(
        "--close-missing/--keep-missing",
        help="Close this source's openings that the feed no longer lists")] = True,
    strict: Annotated[bool, typer.Option(
        help="Exit with status 1 when any record was malformed")] = False,
    batch: Annotated[int, typer.Option(min=1, help="Records per transaction")] = BATCH,
) -> None:
    """Import openings from a feed; re-importing updates in place and closes what is gone."""
    from adapters.cli.db import run_with_storage
    from storage.openings import FeedResult, import_feed

    settings = _settings()
    kb = _knowledge(settings)
    try:
        text = asyncio.run(read_feed(location, limits_of(settings)))
        feed = parse_feed(text, fmt, kb.skills, origin=location, company=company, source=source)
    except FeedError as exc:
        err.print(f"[red]nothing imported from {escape(location)}:[/red] {escape(exc)}",
                  highlight=False)
        raise typer.Exit(1) from None
    for problem in feed.problems:
        err.print(f"[yellow]skipped[/yellow] {escape(problem)}", highlight=False)

    async def work(storage: Storage) -> FeedResult:
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, console=err, transient=False) as progress:
            task = progress.add_task(f"importing {escape(feed.source)}",
                                     total=len(feed.openings))
            return await import_feed(
                storage, feed.openings, source=feed.source, listed_ids=feed.listed_ids,
                close_missing=close_missing, batch=batch,
                on_batch=lambda n: progress.advance(task, n))

    result = run_with_storage(work, migrate=None)
    for error in result.errors:
        err.print(f"[red]not imported (batch rolled back):[/red] {escape(error)}",
                  highlight=False)
    Console(soft_wrap=True).print(plain(import_summary(feed, result)), markup=False,
                                  highlight=False)
    if result.failed or (strict and feed.problems):
        raise typer.Exit(1)


def _levels() -> str:
    return "|".join(lv.value for lv in Level)


def jobs(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    skills: Annotated[str, typer.Option(help="Comma-separated skills, e.g. python,postgres")] = "",
    level: Annotated[str | None, typer.Option(help=f"Only this level ({_levels()})")] = None,
    remote: Annotated[bool | None, typer.Option(
        "--remote/--no-remote", help="Only remote (or only non-remote) openings")] = None,
    location: Annotated[str | None, typer.Option(help="Only openings in this place")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many to print")] = 10,
) -> None:
    """Rank the open openings for skills and filters, as the bot would."""
    settings = _settings()
    kb = _knowledge(settings)
    wanted: list[str] = []
    for name in filter(None, (s.strip() for s in skills.split(","))):
        skill = kb.skills.canonical(name)
        wanted.append(skill.name if skill else name)
    lv: Level | None = None
    if level:
        try:
            lv = Level(level.lower())
        except ValueError:
            err.print(f"[red]--level:[/red] {escape(repr(level))} is not one of {_levels()}")
            raise typer.Exit(2) from None
    pref = (RemotePreference.ANY if remote is None
            else RemotePreference.REMOTE if remote else RemotePreference.ONSITE)
    q = Query(skills=tuple(wanted), known=tuple(wanted), level=lv, preferred_level=lv,
              remote=pref, locations=(location,) if location else ())
    openings = _open_openings(kb)
    index = OpeningIndex(openings, kb.skills)
    results = index.rank(q, limit=limit, browse=True)
    rows = [_row(m) for m in results.matches]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} of {results.total} matching openings")
    for col in ("score", "title", "company", "level", "remote", "matched", "missing", "url"):
        table.add_column(col)
    for r in rows:
        # Text cells: a feed's "[bold]" or "[link=…]" is shown as typed, never applied.
        cells = (f"{r['score']:.3f}", r["title"], r["company"], r["level"] or "", r["remote"],
                 ", ".join(r["matched_skills"]),
                 ", ".join(g["skill"] for g in r["missing_skills"]), r["url"])
        table.add_row(*(Text(plain(c)) for c in cells))
    Console().print(table)


def _open_openings(kb: Any) -> list[Opening]:
    from adapters.cli.db import run_with_storage

    async def work(storage: Storage) -> list[Opening]:
        async with storage.uow() as uow:
            return await uow.openings.list_open()

    found = run_with_storage(work, migrate=None)
    return found or list(kb.openings)


def _row(m: Match) -> dict[str, Any]:
    o = m.opening
    return {
        "source": o.source, "external_id": o.external_id, "title": o.title,
        "company": o.company, "url": o.url, "score": round(m.score, 4),
        "matched_skills": list(m.matched),
        "missing_skills": [{"skill": g.skill, "topic": g.topic} for g in m.missing],
        "level": o.level.value if o.level else None, "remote": o.remote.value,
        "location": o.location,
    }


@alerts_app.command("run")
def alerts_run() -> None:
    """Send every subscriber the new openings that match them, each exactly once."""
    from adapters.bootstrap import build
    from adapters.service.alerts import run_alerts

    settings = _settings()

    async def main() -> dict[str, Any]:
        async with await build(settings, semantic=False) as runtime:
            result = await run_alerts(runtime)
            return {**result.stats.as_dict(), "sent_by_platform": result.sent}

    stats = asyncio.run(main())
    print(json.dumps(stats, ensure_ascii=False))
    if stats["errors"]:
        raise typer.Exit(1)
