"""`careerbot worker`: periodic alert passes, failures survived, counts in metrics, clean stop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.bootstrap import Runtime, build
from adapters.service.alerts import AlertRunResult
from adapters.service.worker import run_worker
from adapters.settings import Settings
from bot.alerts import AlertStats
from tests.fakes.cli import FORKING_CLI
from tests.fakes.servers import REPO, free_port

pytestmark = pytest.mark.heavy


async def test_passes_repeat_survive_a_failure_and_are_counted(
    make_settings: Callable[..., Settings], tmp_path: Path,
) -> None:
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}")
    stop = asyncio.Event()
    seen: list[Runtime] = []

    async def alert_run(runtime: Runtime) -> AlertRunResult:
        seen.append(runtime)
        if len(seen) == 2:
            raise ConnectionError("the platform is down for a moment")
        if len(seen) == 4:
            stop.set()
        return AlertRunResult(stats=AlertStats(), sent={"telegram": 2, "slack": 1})

    async with await build(settings) as runtime:
        await run_worker(runtime, interval=0.01, alert_run=alert_run, stop=stop)
    assert len(seen) == 4
    text = runtime.metrics.render().decode()
    sent = {s.labels["platform"]: s.value for f in text_string_to_metric_families(text)
            for s in f.samples if s.name == "careerbot_alerts_sent_total"}
    assert sent == {"telegram": 6, "slack": 3}


def test_worker_once_runs_one_real_alert_pass_and_exits(tmp_path: Path, kb_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}",
               CAREERBOT_KNOWLEDGE_DIR=str(kb_dir), PYTHONPATH=str(REPO), LOG_FORMAT="json")
    done = FORKING_CLI.run(["worker", "--once"], stdin=None, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '"msg": "alert pass done: 0 delivered"' in done.stderr
    assert '"msg": "worker stopped"' in done.stderr


async def test_worker_forgets_old_event_ids(
    make_settings: Callable[..., Settings], tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from storage.models import ProcessedEvent

    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}")
    stop = asyncio.Event()
    counts: list[int] = []

    async def alert_run(runtime: Runtime) -> AlertRunResult:
        factory = runtime.bot.uow_factory
        assert factory is not None
        if not counts:
            async with factory() as uow:
                assert await uow.events.claim("slack", "Ev-old")
                assert await uow.events.claim("slack", "Ev-new")
                await uow.core(  # type: ignore[attr-defined]
                    update(ProcessedEvent).where(ProcessedEvent.event_id == "Ev-old")
                    .values(seen_at=datetime.now(UTC) - timedelta(days=30)))
                await uow.commit()
        counts.append(1)
        stop.set()
        return AlertRunResult(stats=AlertStats())

    async with await build(settings) as runtime:
        await run_worker(runtime, interval=0.01, alert_run=alert_run, stop=stop)
    from storage import open_storage

    storage = await open_storage(settings.database_url)
    try:
        async with storage.uow() as uow:
            assert await uow.events.claim("slack", "Ev-old")  # forgotten: claimable again
            assert not await uow.events.claim("slack", "Ev-new")  # recent: still known
    finally:
        await storage.aclose()


async def test_worker_purges_unanswered_and_rated_questions_past_the_retention(
    make_settings: Callable[..., Settings], tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from storage.models import Feedback, Unanswered

    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}",
                             unanswered_retention_days=30)
    stop = asyncio.Event()

    async def alert_run(runtime: Runtime) -> AlertRunResult:
        factory = runtime.bot.uow_factory
        assert factory is not None
        async with factory() as uow:
            await uow.unanswered.record("asked long ago", "a")
            await uow.unanswered.record("asked lately", "b")
            await uow.core(  # type: ignore[attr-defined]
                update(Unanswered).where(Unanswered.text == "asked long ago")
                .values(last_seen_at=datetime.now(UTC) - timedelta(days=31)))
            await uow.feedback.add("slack", "a", "docker", False, question="rated long ago")
            await uow.feedback.add("slack", "b", "docker", False, question="rated lately")
            await uow.core(  # type: ignore[attr-defined]
                update(Feedback).where(Feedback.question == "rated long ago")
                .values(created_at=datetime.now(UTC) - timedelta(days=31)))
            await uow.commit()
        stop.set()
        return AlertRunResult(stats=AlertStats())

    async with await build(settings) as runtime:
        await run_worker(runtime, interval=0.01, alert_run=alert_run, stop=stop)
        factory = runtime.bot.uow_factory
        assert factory is not None
        async with factory() as uow:
            assert await uow.unanswered.top(5) == [("asked lately", 1)]
            rated = await uow.feedback.negative_questions(["docker"], 5)
            assert [q for q, _ in rated["docker"]] == ["rated lately"]
            assert await uow.feedback.least_helpful(5) == [("docker", 0, 2)]  # ratings stay


async def test_the_worker_metrics_port_binds_where_told_and_wants_the_token(
    make_settings: Callable[..., Settings], tmp_path: Path,
) -> None:
    # It listened on every interface with no protection (issue 13).
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}",
                             metrics_host="127.0.0.1", metrics_token="scrape-token-0123456789")
    port = free_port()
    stop = asyncio.Event()
    answers: list[int] = []

    async def alert_run(runtime: Runtime) -> AlertRunResult:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for headers in ({}, {"Authorization": "Bearer nope"},
                            {"Authorization": "Bearer scrape-token-0123456789"}):
                answers.append((await http.get("/metrics", headers=headers)).status_code)
        stop.set()
        return AlertRunResult(stats=AlertStats(), sent={})

    async with await build(settings, semantic=False) as runtime:
        await run_worker(runtime, interval=0.01, alert_run=alert_run, stop=stop,
                         metrics_port=port)
    assert answers == [401, 401, 200]


def test_a_new_sqlite_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    # It was created world-readable (issue 13): conversations and profiles are in it.
    path = tmp_path / "data" / "careerbot.sqlite3"
    result = FORKING_CLI.run(
        ["db", "upgrade"], stdin=None, cwd=tmp_path, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO), "DATABASE_URL": f"sqlite:///{path}"})
    assert result.returncode == 0, result.stderr
    for file in path.parent.iterdir():
        assert file.stat().st_mode & 0o077 == 0, file.name
