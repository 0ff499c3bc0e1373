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
from rich.table import Table

from adapters.cli.common import err, fail_kb, load_settings
from adapters.cli.db import db_app, kb_gaps
from adapters.cli.openings import alerts_app, jobs, openings_app
from adapters.settings import Settings
from bot.knowledge import KnowledgeError, Severity, check, default_dir, load_knowledge
from bot.messages import Message, Reply

app = typer.Typer(help="careerbot: career advice on backend engineering.", no_args_is_help=True,
                  add_completion=False)
kb_app = typer.Typer(help="Check and export the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(db_app, name="db")
app.add_typer(openings_app, name="openings")
app.add_typer(alerts_app, name="alerts")
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


async def _ask_many(questions: Iterable[str], settings: Settings) -> list[dict[str, Any]]:
    """Each question in a fresh conversation, in memory (asking never writes to a database)."""
    from adapters.bootstrap import build
    from bot.memory import MemoryStore

    out = []
    async with await build(settings, store=MemoryStore()) as runtime:
        for q in questions:
            cid = uuid.uuid4().hex
            replies = await runtime.bot.handle(
                Message(platform="console", user_id=cid, chat_id=cid, text=q))
            out.append(reply_json(replies))
    return out


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
            print(json.dumps(r, ensure_ascii=False))
        else:
            console.print(r["text"], markup=False, highlight=False)


@app.command()
def chat(
    memory: Annotated[bool, typer.Option("--memory", help="Keep nothing between runs")] = False,
) -> None:
    """Chat in the terminal. Type a button's number to press it; /quit leaves."""
    from adapters.bootstrap import build
    from adapters.channels.console.app import run_chat
    from bot.memory import MemoryStore
    from bot.ports import StorageUnavailable
    from storage import DatabaseNotMigrated, DatabaseUrlError

    settings = load_settings()

    async def main() -> None:
        async with await build(settings, store=MemoryStore() if memory else None) as runtime:
            await run_chat(runtime.bot, Console(), interactive=sys.stdin.isatty())

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


def _eval(path: Path, settings: Settings) -> dict[str, Any]:
    from bot.yamlsource import load

    data = load(path)
    in_scope = list(data.get("in_scope") or [])
    intents = list(data.get("in_scope_intents") or [])
    oos = list(data.get("out_of_scope") or [])
    questions = [c["q"] for c in in_scope] + [c["q"] for c in intents] + [str(q) for q in oos]
    answers = asyncio.run(_ask_many(questions, settings))
    a_in = answers[: len(in_scope)]
    a_int = answers[len(in_scope): len(in_scope) + len(intents)]
    a_oos = answers[len(in_scope) + len(intents):]
    misses: list[dict[str, Any]] = []
    ok_topic = 0
    for case, a in zip(in_scope, a_in, strict=True):
        if a["intent"] == "topic" and a["topic"] in case["expect"]:
            ok_topic += 1
        else:
            misses.append({"kind": "topic", "q": case["q"], "expected": list(case["expect"]),
                           "got": a["topic"] or a["intent"], "confidence": a["confidence"]})
    ok_int = 0
    for case, a in zip(intents, a_int, strict=True):
        if a["intent"] == case["intent"]:
            ok_int += 1
        else:
            misses.append({"kind": "intent", "q": case["q"], "expected": [case["intent"]],
                           "got": a["intent"], "confidence": a["confidence"]})
    ok_oos = 0
    for q, a in zip(oos, a_oos, strict=True):
        if a["intent"] == "fallback":
            ok_oos += 1
        else:
            misses.append({"kind": "out-of-scope", "q": q, "expected": ["fallback"],
                           "got": a["topic"] or a["intent"], "confidence": a["confidence"]})
    return {
        "topic_accuracy": ok_topic / len(in_scope) if in_scope else None,
        "intent_accuracy": ok_int / len(intents) if intents else None,
        "out_of_scope_rejection": ok_oos / len(oos) if oos else None,
        "counts": {"topic": len(in_scope), "intent": len(intents), "out_of_scope": len(oos)},
        "misses": misses,
    }


@app.command(name="eval")
def eval_(
    file: Annotated[Path | None, typer.Argument(help="Question set (YAML)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Measure answering quality on a question set: topic, intent and out-of-scope accuracy."""
    settings = load_settings()
    path = file or DEV_QUESTIONS
    if not path.is_file():
        err.print(f"[red]no question set at {path}[/red]; pass a YAML file")
        raise typer.Exit(2)
    try:
        result = _eval(path, settings)
    except KnowledgeError as exc:
        fail_kb(exc)
        return
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    console = Console()
    c = result["counts"]

    def fmt(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.3f}"

    console.print(f"topic accuracy:          {fmt(result['topic_accuracy'])}  ({c['topic']} questions)")
    console.print(f"intent accuracy:         {fmt(result['intent_accuracy'])}  ({c['intent']} messages)")
    console.print(f"out-of-scope rejection:  {fmt(result['out_of_scope_rejection'])}  "
                  f"({c['out_of_scope']} messages)")
    if result["misses"]:
        table = Table(title="misses")
        for col in ("kind", "question", "expected", "got", "conf"):
            table.add_column(col)
        for m in result["misses"]:
            table.add_row(m["kind"], m["q"], ", ".join(m["expected"]), str(m["got"]),
                          f"{m['confidence']:.2f}")
        console.print(table)


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

    configure_logging(settings.log_level, settings.log_format, settings.secrets())
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
    """Serve Slack events, the Telegram webhook, /healthz and /metrics over HTTP."""
    from adapters.service.serve import run_server

    settings = load_settings()
    run_server(settings, host=host, port=port or settings.port, workers=workers)


@app.command()
def worker(
    interval: Annotated[float, typer.Option("--interval", help="Seconds between alert runs",
                                            min=1)] = 300,
    once: Annotated[bool, typer.Option("--once", help="One alert run, then exit")] = False,
    metrics_port: Annotated[int | None, typer.Option(
        "--metrics-port", help="Serve this worker's /metrics on this port", min=1, max=65535,
    )] = None,
) -> None:
    """Send opening alerts and digests on a schedule; Slack Socket Mode with SLACK_APP_TOKEN."""
    from adapters.bootstrap import build
    from adapters.observability.logs import configure_logging
    from adapters.service.worker import run_worker

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, settings.secrets())

    async def main() -> None:
        # The worker stays small: no sentence model (Socket Mode answers by words only here).
        async with await build(settings, semantic=False) as runtime:
            await run_worker(runtime, interval=interval, once=once, metrics_port=metrics_port)

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
