"""`careerbot db …` (migrations) and `careerbot kb gaps` (what to improve next)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from adapters.cli.common import err, load_settings
from adapters.terminal import plain

if TYPE_CHECKING:
    from storage import Storage

db_app = typer.Typer(help="Database migrations (DATABASE_URL; default an SQLite file).",
                     no_args_is_help=True)
T = TypeVar("T")


def _database_url() -> str | None:
    return load_settings().database_url


def run_with_storage(work: Callable[[Storage], Awaitable[T]], *, migrate: bool | None) -> T:
    """Open DATABASE_URL, run `work`, close; a bad URL or a dead server is one line and exit 2."""
    from bot.ports import StorageUnavailable
    from storage import DatabaseUrlError, open_storage

    url = _database_url()

    async def main() -> T:
        storage = await open_storage(url, migrate=migrate)
        try:
            return await work(storage)
        finally:
            await storage.aclose()

    try:
        return asyncio.run(main())
    except DatabaseUrlError as exc:
        err.print(f"[red]configuration error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    except StorageUnavailable as exc:
        err.print(f"[red]cannot reach the database[/red] (DATABASE_URL): {exc}", highlight=False)
        raise typer.Exit(2) from None


# Questions `kb gaps --by-meaning` groups: as many as the Gaps page of /admin.
GROUPED_QUESTIONS = 500


async def _groups(uow: Any, limit: int) -> list[dict[str, Any]]:
    """The biggest `limit` groups of the most asked unanswered questions (bot/gaps.py)."""
    from adapters.bootstrap import semantic_encoder
    from bot.gaps import Question, group_by_meaning

    rows = await uow.unanswered.summary(GROUPED_QUESTIONS)
    encoder = semantic_encoder()
    if not rows or encoder is None:
        return []
    questions = [Question(text=t, count=n, last_asked=last) for t, n, last in rows]
    vectors = await asyncio.to_thread(encoder.encode, [q.text for q in questions])
    return [{"count": g.count, "questions": [q.text for q in g.questions]}
            for g in group_by_meaning(questions, vectors)[:limit]]


def describe_target(storage: Storage) -> str:
    url = storage.engine.url
    if url.get_backend_name() == "sqlite":
        return f"SQLite {url.database}"
    return f"PostgreSQL {url.host}:{url.port or 5432}/{url.database}"


@db_app.command("upgrade")
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from storage.migrate import current
    from storage.migrate import upgrade as do_upgrade

    async def work(storage: Storage) -> tuple[str, str | None, str | None, int]:
        from storage.openings import seed_if_empty

        before = await current(storage.engine)
        await do_upgrade(storage.engine, revision)
        # A fresh install recommends something at once: the knowledge base's seed openings
        # go into a database that has never held an opening (never over imported ones).
        seeded = await seed_if_empty(storage, _seed_openings()) if revision == "head" else 0
        return describe_target(storage), before, await current(storage.engine), seeded

    target, before, after, seeded = run_with_storage(work, migrate=False)
    if before == after:
        Console().print(f"{target}: already at {after}", highlight=False)
    else:
        Console().print(f"{target}: upgraded {before or 'empty'} → {after}", highlight=False)
    if seeded:
        Console().print(f"{target}: added {seeded} seed openings", highlight=False)


def _seed_openings() -> list[Any]:
    from bot.knowledge import KnowledgeError, load_knowledge

    try:
        return list(load_knowledge(load_settings().careerbot_knowledge_dir).openings)
    except KnowledgeError as exc:
        err.print(f"[yellow]not seeding openings:[/yellow] {exc}", highlight=False)
        return []


@db_app.command("downgrade")
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. base or -1")],
) -> None:
    """Undo migrations down to REVISION (`base` removes every table: all data is lost)."""
    from storage.migrate import current
    from storage.migrate import downgrade as do_downgrade

    async def work(storage: Storage) -> tuple[str | None, str | None]:
        before = await current(storage.engine)
        await do_downgrade(storage.engine, revision)
        return before, await current(storage.engine)

    before, after = run_with_storage(work, migrate=False)
    Console().print(f"downgraded {before or 'empty'} → {after or 'base (no tables)'}",
                    highlight=False)


@db_app.command("current")
def show_current() -> None:
    """Print the database's migration revision and the newest one this release knows."""
    from storage.migrate import current, head

    rev = run_with_storage(lambda s: current(s.engine), migrate=False)
    Console().print(f"current: {rev or 'empty'}  (newest: {head()})", highlight=False)


def kb_gaps(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Rows per list")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    by_meaning: Annotated[bool, typer.Option(
        "--by-meaning", help="Group the unanswered questions by meaning (loads the sentence "
                             "encoder), as the Gaps page of /admin does")] = False,
) -> None:
    """The most frequent unanswered questions and the least helpful topics: what to fix next."""

    async def work(storage: Storage) -> dict[str, Any]:
        async with storage.uow() as uow:
            unanswered = await uow.unanswered.top(limit)
            unhelpful = await uow.feedback.least_helpful(limit)
            grouped = await _groups(uow, limit) if by_meaning else None
        return {
            **({"groups": grouped} if grouped is not None else {}),
            "unanswered": [{"question": q, "count": n} for q, n in unanswered],
            "least_helpful": [
                {"topic": t, "helpful": y, "not_helpful": n,
                 "helpful_ratio": round(y / (y + n), 3) if y + n else None}
                for t, y, n in unhelpful
            ],
        }

    # SQLite is migrated so a fresh install answers "nothing yet" instead of an error.
    data = run_with_storage(work, migrate=None)
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
        return
    console = Console()
    if not data["unanswered"] and not data["least_helpful"]:
        console.print("No gaps recorded yet: no unanswered questions, no unhelpful ratings.")
        return
    if data.get("groups"):
        table = Table(title="Unanswered questions grouped by meaning")
        table.add_column("count", justify="right")
        table.add_column("question (normalised) and other phrasings")
        for group in data["groups"]:
            table.add_row(str(group["count"]), Text(plain("\n".join(group["questions"]))))
        console.print(table)
    if data["unanswered"]:
        table = Table(title="Most frequent unanswered questions")
        table.add_column("count", justify="right")
        table.add_column("question (normalised)")
        for row in data["unanswered"]:
            table.add_row(str(row["count"]), Text(plain(row["question"])))
        console.print(table)
    if data["least_helpful"]:
        table = Table(title="Least helpful topics")
        table.add_column("topic")
        table.add_column("helpful", justify="right")
        table.add_column("not helpful", justify="right")
        table.add_column("ratio", justify="right")
        for row in data["least_helpful"]:
            table.add_row(row["topic"], str(row["helpful"]), str(row["not_helpful"]),
                          f"{row['helpful_ratio']:.0%}")
        console.print(table)
