"""The `careerbot` command line: chat, ask, eval, kb, and the servers."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from adapters.cli.admin import admin_app
from adapters.cli.common import err, fail_kb, load_settings
from adapters.cli.db import db_app, kb_gaps
from adapters.cli.evaluate import (
    CONVERSATIONS,
    PASSAGES,
    Answerer,
    file_kind,
    print_comparison,
    print_questions,
    score_questions,
)
from adapters.cli.feeds import feeds_app
from adapters.cli.openings import alerts_app, jobs, openings_app
from adapters.service.feeds import FEED_CHECK
from adapters.settings import Settings
from adapters.terminal import plain
from bot.knowledge import KnowledgeError, Severity, check, default_dir, load_knowledge
from bot.messages import Message, Reply
from bot.openings import Opening

app = typer.Typer(help="careerbot: career advice on backend engineering.", no_args_is_help=True,
                  add_completion=False)
kb_app = typer.Typer(help="Check and export the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(db_app, name="db")
app.add_typer(openings_app, name="openings")
app.add_typer(alerts_app, name="alerts")
app.add_typer(admin_app, name="admin")
app.add_typer(feeds_app, name="feeds")
app.command("jobs")(jobs)
kb_app.command("gaps")(kb_gaps)

DEV_QUESTIONS = Path("../shared/eval/dev-questions.yaml")

def reply_json(replies: list[Reply]) -> dict[str, Any]:
    first = replies[0] if replies else Reply(blocks=(), intent="fallback")
    return {
        "intent": first.intent,
        "topic": first.topic,
        "confidence": round(first.confidence, 3),
        "text": "\n\n".join(r.text for r in replies),
        "suggestions": list(dict.fromkeys(s for r in replies for s in r.suggestions)),
    }


async def _ask_many(questions: Iterable[str], settings: Settings, *,
                    semantic: bool = True, command: str = "ask") -> list[dict[str, Any]]:
    """Each question in a fresh conversation, in memory (asking never writes to a database),
    about the open openings of DATABASE_URL, as the chat sees them.

    `semantic=False`: by the words alone, as before the sentence encoder (`eval --compare`)."""
    from adapters.bootstrap import build
    from bot.memory import MemoryStore

    out = []
    store = MemoryStore(await _database_openings(settings, command=command))
    async with await build(settings, store=store, semantic=semantic) as runtime:
        # Built before the first question, so a company it names is known as one with openings.
        async with store.uow() as uow:
            await runtime.bot.services.recommender.index(runtime.kb, uow)
        for q in questions:
            cid = uuid.uuid4().hex
            replies = await runtime.bot.handle(
                Message(platform="console", user_id=cid, chat_id=cid, text=q))
            out.append(reply_json(replies))
    return out


async def _database_openings(settings: Settings, *, command: str) -> list[Opening]:
    """DATABASE_URL's open openings, read only; [] (the knowledge base's seed openings are used
    then) with a one-line note on stderr when there is no database to read."""
    from bot.ports import StorageUnavailable
    from storage import DatabaseUrlError, Storage, normalize_url
    from storage.engine import sqlite_file
    from storage.revision import HEAD, stored

    def note(why: str) -> list[Opening]:
        err.print(f"careerbot {command}: {why}; answering from the knowledge base's seed openings",
                  markup=False, highlight=False)
        return []

    try:
        url = normalize_url(settings.database_url)
    except DatabaseUrlError as exc:
        return note(str(exc))
    path = sqlite_file(url) if url.get_backend_name() == "sqlite" else None
    if path is not None and not path.is_file():
        return note(f"no database at {path} (DATABASE_URL)")  # and none is created
    storage = Storage.from_url(settings.database_url)
    try:
        revision = await stored(storage.engine)
        if revision != HEAD:
            return note(f"the database (DATABASE_URL) is at migration {revision or 'none'}, "
                        f"not {HEAD}: run `careerbot db upgrade`")
        async with storage.uow() as uow:
            return await uow.openings.list_open()
    except StorageUnavailable as exc:
        return note(f"cannot reach the database (DATABASE_URL): {exc}")
    finally:
        await storage.aclose()


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, or - to read one per line from stdin")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (one object per question)")] = False,
) -> None:
    """Answer one question (or one per line from stdin with -)."""
    settings = load_settings()
    if question == "-":
        questions = [ln.rstrip("\n") for ln in sys.stdin]
        questions = [q for q in questions if q.strip()]
    else:
        questions = [question]
    try:
        results = asyncio.run(_ask_many(questions, settings))
    except KnowledgeError as exc:
        fail_kb(exc)
        return
    console = Console()
    for r in results:
        if as_json:
            # ASCII: every line is valid UTF-8 JSON that no splitlines() (U+2028, U+0085 …)
            # breaks apart, whatever the question or the answer holds.
            print(json.dumps(r, ensure_ascii=True))
        else:
            console.print(plain(r["text"]), markup=False, highlight=False)


@app.command()
def chat(
    memory: Annotated[bool, typer.Option("--memory", help="Keep nothing between runs")] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help='One JSON object per input line (text, {"text": ...} or {"press": LABEL})')] = False,
    user: Annotated[str | None, typer.Option(
        "--user", help="Whose conversation this is (state persists per user in DATABASE_URL)")] = None,
) -> None:
    """Chat in the terminal. Type a button's number to press it; /quit leaves."""
    from adapters.bootstrap import build
    from adapters.channels.console.app import run_chat
    from adapters.channels.console.jsonl import run_json_chat
    from bot.memory import MemoryStore
    from bot.ports import StorageUnavailable
    from storage import DatabaseNotMigrated, DatabaseUrlError

    settings = load_settings()
    # The name is the person's id in the database, whose column holds 128 characters.
    if user is not None and not (user.strip() and len(user) <= 128):
        err.print("--user: expected a name of 1-128 characters", markup=False, highlight=False)
        raise typer.Exit(2)

    async def main() -> None:
        async with await build(settings, store=MemoryStore() if memory else None,
                               rate_limit=not as_json) as runtime:
            if as_json:
                await run_json_chat(runtime.bot, user_id=user or "console")
            else:
                await run_chat(runtime.bot, Console(), interactive=sys.stdin.isatty(), user_id=user)

    try:
        asyncio.run(main())
    except KnowledgeError as exc:
        fail_kb(exc)
    except DatabaseUrlError as exc:
        err.print(f"[red]configuration error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    except (StorageUnavailable, DatabaseNotMigrated) as exc:
        err.print(f"[red]cannot open the database[/red] (DATABASE_URL): {exc}", highlight=False)
        raise typer.Exit(2) from None


def _answerer(settings: Settings, *, semantic: bool = True) -> Answerer:
    return lambda questions: asyncio.run(_ask_many(questions, settings, semantic=semantic,
                                                   command="eval"))


def _eval(path: Path, settings: Settings, *, semantic: bool = True) -> dict[str, Any]:
    """A question file's scores (adapters/cli/evaluate.py)."""
    from bot.yamlsource import load

    return score_questions(load(path), _answerer(settings, semantic=semantic))


# What `eval --compare` puts side by side: the words-only matcher (as before the sentence
# encoder) and the hybrid retrieval.
COMPARED = {"words only": False, "hybrid": True}


def _eval_conversations(path: Path, data: dict[str, Any], settings: Settings, *, as_json: bool
                        ) -> None:
    from adapters.cli.conversations import print_report, report_json, run_conversations
    from adapters.importers.records import FeedError

    try:
        report = asyncio.run(run_conversations(path, data, settings))
    except KnowledgeError as exc:
        fail_kb(exc)
        return
    except (FeedError, ValueError, KeyError) as exc:
        err.print(f"[red]cannot run {path}[/red]: its feed: {exc}", highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        print_report(report)


@app.command(name="eval")
def eval_(
    file: Annotated[Path | None, typer.Argument(help="Question, passage or conversation file (YAML)")] = None,
    compare: Annotated[bool, typer.Option(
        "--compare", help="The words-only matcher and the hybrid side by side, in one run")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Measure answering quality: topic, intent (per intent) and out-of-scope accuracy, the worst
    confusions and the misses of a question file; a passage file's passage scores."""
    from bot.yamlsource import load

    settings = load_settings()
    path = file or DEV_QUESTIONS
    if not path.is_file():
        err.print(f"[red]no question set at {path}[/red]; pass a YAML file")
        raise typer.Exit(2)
    data = load(path)
    kind = file_kind(data) if isinstance(data, dict) else None
    if kind == CONVERSATIONS:
        _eval_conversations(path, data, settings, as_json=as_json)
        return
    if kind is None:
        err.print(f"{path} holds neither questions (in_scope, in_scope_intents, out_of_scope), "
                  "passage questions (specific, general) nor conversations", markup=False,
                  highlight=False)
        raise typer.Exit(2)
    runs = COMPARED if compare else {"hybrid": True}
    try:
        if kind == PASSAGES:
            _eval_passages(data, settings, runs, as_json=as_json)
            return
        results = {name: score_questions(data, _answerer(settings, semantic=semantic))
                   for name, semantic in runs.items()}
    except KnowledgeError as exc:
        fail_kb(exc)
        return
    if as_json:
        print(json.dumps(results if compare else results["hybrid"], ensure_ascii=False, indent=2))
    elif compare:
        print_comparison(Console(), results)
    else:
        print_questions(Console(), results["hybrid"])


def _eval_passages(data: dict[str, Any], settings: Settings, runs: dict[str, bool], *,
                   as_json: bool) -> None:
    try:
        from bot.passages_eval import score_passages
    except ImportError:
        err.print("passage scoring is not available in this build", markup=False, highlight=False)
        raise typer.Exit(2) from None
    scores = {name: score_passages(_answerer(settings, semantic=semantic), data)
              for name, semantic in runs.items()}
    if as_json:
        out = {name: s.as_json() for name, s in scores.items()}
        print(json.dumps(out if len(out) > 1 else out["hybrid"], ensure_ascii=False, indent=2))
        return
    for name, s in scores.items():
        Console().print(f"{name}: {s.summary()}" if len(scores) > 1 else s.summary(),
                        markup=False, highlight=False)


@kb_app.command("check")
def kb_check(
    directory: Annotated[Path | None, typer.Argument(help="Knowledge folder")] = None,
) -> None:
    """Validate a knowledge base; print every problem with file, line and field."""
    root = directory or load_settings().careerbot_knowledge_dir or default_dir()
    kb, problems = check(root)
    for p in problems:
        target = err if p.severity is Severity.ERROR else Console(soft_wrap=True)
        target.print(str(p), markup=False, highlight=False)
    if kb is None:
        errors = sum(p.severity is Severity.ERROR for p in problems)
        err.print(f"[red]{errors} error(s)[/red] in {root}")
        raise typer.Exit(1)
    Console().print(f"[green]ok[/green]: {len(kb.topics)} topics, {len(kb.skills)} skills, "
                    f"{len(kb.openings)} seed openings, {len(problems)} warning(s) in {root}")


@kb_app.command("export")
def kb_export(
    as_json: Annotated[bool, typer.Option("--json", help="JSON (the only format for now)")] = True,
    directory: Annotated[Path | None, typer.Option("--dir", help="Knowledge folder")] = None,
) -> None:
    """Print the whole loaded knowledge base as JSON."""
    try:
        kb = load_knowledge(directory or load_settings().careerbot_knowledge_dir)
    except KnowledgeError as exc:
        fail_kb(exc)
        return
    print(json.dumps(kb.export(), ensure_ascii=False, indent=2))


config_app = typer.Typer(help="Check the configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("check")
def config_check() -> None:
    """Validate the settings and print the effective configuration, secrets masked."""
    settings = load_settings()
    console = Console()
    for name, value in settings.masked().items():
        console.print(f"{name}={value}", markup=False, highlight=False)
    console.print("ok: configuration is valid", markup=False, highlight=False)


run_app = typer.Typer(help="Run one front end in its own long-lived process.", no_args_is_help=True)
app.add_typer(run_app, name="run")


@run_app.command("telegram")
def run_telegram() -> None:
    """Answer Telegram by long polling (for webhooks, use `careerbot serve`)."""
    settings = load_settings()
    if not Settings.secret(settings.telegram_bot_token):
        err.print("[red]TELEGRAM_BOT_TOKEN is not set[/red]: create a bot with @BotFather "
                  "and set its token")
        raise typer.Exit(2)
    _run_channel(settings, "telegram")


@run_app.command("slack")
def run_slack() -> None:
    """Answer Slack over Socket Mode (no public URL; for HTTP mode, use `careerbot serve`)."""
    settings = load_settings()
    missing = [name for name, value in (("SLACK_BOT_TOKEN", settings.slack_bot_token),
                                        ("SLACK_APP_TOKEN", settings.slack_app_token))
               if not Settings.secret(value)]
    if missing:
        err.print(f"[red]{' and '.join(missing)} not set[/red]: Socket Mode needs the bot token "
                  "(xoxb-…) and an app-level token (xapp-…) with connections:write")
        raise typer.Exit(2)
    _run_channel(settings, "slack")


def _run_channel(settings: Settings, name: str) -> None:
    """One channel's own connection until SIGINT/SIGTERM."""
    from adapters.bootstrap import build
    from adapters.observability.logs import configure_logging
    from adapters.service.lifecycle import run_until_stopped

    async def main() -> None:
        async with await build(settings) as runtime:
            runner = runtime.channel(name).runner(runtime.bot, standalone=True)
            if runner is None:
                raise RuntimeError(f"{name} has no connection of its own configured")
            await run_until_stopped(runner())

    configure_logging(settings.log_level, settings.log_format, settings.secrets(),
                      message_text=settings.log_message_text)
    try:
        asyncio.run(main())
    except KnowledgeError as exc:
        fail_kb(exc)


@app.command()
def serve(
    port: Annotated[int | None, typer.Option("--port", help="Port (default: PORT or 8000)",
                                             min=1, max=65535)] = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on")] = "0.0.0.0",
    workers: Annotated[int, typer.Option("--workers", help="Server processes", min=1)] = 1,
) -> None:
    """Serve Slack events, the Telegram webhook, /healthz, /metrics and /admin over HTTP."""
    from adapters.service.serve import run_server

    settings = load_settings()
    run_server(settings, host=host, port=port or settings.port, workers=workers)


@app.command()
def worker(
    interval: Annotated[float, typer.Option("--interval", help="Seconds between alert runs",
                                            min=1)] = 300,
    once: Annotated[bool, typer.Option(
        "--once", help="Refresh the feeds that are due and make one alert run, then exit",
    )] = False,
    metrics_port: Annotated[int | None, typer.Option(
        "--metrics-port", help="Serve this worker's /metrics on this port", min=1, max=65535,
    )] = None,
    feed_check: Annotated[float, typer.Option(
        "--feed-check", help="Seconds between looks for feeds that are due", min=0.1,
    )] = FEED_CHECK,
) -> None:
    """Send opening alerts and digests and refresh feeds on a schedule; Slack Socket Mode with
    SLACK_APP_TOKEN."""
    from adapters.bootstrap import build
    from adapters.observability.logs import configure_logging
    from adapters.service.worker import run_worker

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, settings.secrets(),
                      message_text=settings.log_message_text)

    async def main() -> None:
        # The worker stays small: no sentence model (Socket Mode answers by words only here).
        async with await build(settings, semantic=False) as runtime:
            await run_worker(runtime, interval=interval, once=once, metrics_port=metrics_port,
                             feed_check=feed_check)

    try:
        asyncio.run(main())
    except KnowledgeError as exc:
        fail_kb(exc)


def main() -> None:
    from bot.ports import StorageUnavailable

    try:
        app()
    except Exception as exc:
        # Any command that opens DATABASE_URL (run, serve, worker…): one line, never a traceback.
        from storage.engine import DatabaseNotMigrated, DatabaseUrlError

        if isinstance(exc, DatabaseUrlError):
            err.print(f"configuration error: {exc}", markup=False, highlight=False)
        elif isinstance(exc, DatabaseNotMigrated):
            err.print(str(exc), markup=False, highlight=False)
        elif isinstance(exc, StorageUnavailable):
            err.print(f"cannot reach the database (DATABASE_URL): {exc}", markup=False,
                      highlight=False)
        else:
            raise
        sys.exit(2)


if __name__ == "__main__":
    main()
