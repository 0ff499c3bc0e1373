"""Feeds refreshed by `careerbot worker` from a board server on 127.0.0.1: on schedule, with
conditional requests, failures recorded without touching openings, one worker per feed."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.bootstrap import Runtime, build
from adapters.feeds import FeedSpecError, add_feed, feed_statuses, new_feed, parse_every
from adapters.importers.feeds import FeedFormat
from adapters.service.alerts import AlertRunResult
from adapters.service.feeds import Refresher, limits_of, short_error
from adapters.service.worker import run_worker
from adapters.settings import Settings
from bot.alerts import AlertStats
from bot.feeds import FeedKind, FeedStatus
from storage import Storage
from storage.feeds import SqlFeedStore
from tests.fakes.feeds import SAMPLE_JOBS, FeedServer, greenhouse_job
from tests.fakes.servers import REPO, peak_rss_mb
from tests.fakes.sqlite import migrated_sqlite

pytestmark = pytest.mark.heavy

# Generous: the machine is shared; nothing here measures time.
PATIENCE = 90.0


@pytest.fixture
async def boards() -> AsyncIterator[FeedServer]:
    async with FeedServer(boards={"acme": list(SAMPLE_JOBS)}) as server:
        yield server


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + PATIENCE
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.05)


async def no_alerts(runtime: Runtime) -> AlertRunResult:
    return AlertRunResult(stats=AlertStats())


@contextlib.asynccontextmanager
async def worker(settings: Settings) -> AsyncIterator[Runtime]:
    """A worker refreshing feeds (every 50 ms it looks for due ones) until the block ends."""
    stop = asyncio.Event()
    async with await build(settings, semantic=False) as runtime:
        task = asyncio.create_task(run_worker(runtime, interval=3600, alert_run=no_alerts,
                                              stop=stop, feed_check=0.05))
        try:
            yield runtime
        finally:
            stop.set()
            await task


async def status_of(runtime: Runtime) -> FeedStatus:
    assert runtime.storage is not None
    [status] = await feed_statuses(SqlFeedStore(runtime.storage))
    return status


def metric(runtime: Runtime, name: str) -> dict[str, float]:
    text = runtime.metrics.render().decode()
    return {",".join(s.labels.values()): s.value for f in text_string_to_metric_families(text)
            for s in f.samples if s.name == name}


@pytest.fixture
def feed_settings(make_settings: Callable[..., Settings], tmp_path: Path) -> Settings:
    return make_settings(database_url=migrated_sqlite(tmp_path / "w.sqlite3"),
                         feed_allow_networks="127.0.0.1", feed_max_bytes=50_000)


async def add_local(storage: Storage, server: FeedServer, name: str, every: str) -> int:
    spec = new_feed(FeedKind.URL, server.url(name), fmt=FeedFormat.GREENHOUSE,
                    every=parse_every(every))
    return (await add_feed(SqlFeedStore(storage), spec)).id


async def test_a_local_feed_is_refreshed_on_schedule_and_asked_whether_it_changed(
    feed_settings: Settings, boards: FeedServer,
) -> None:
    async with worker(feed_settings) as runtime:
        assert runtime.storage is not None
        await add_local(runtime.storage, boards, "acme", "1s")

        async def refreshed_twice() -> bool:
            status = await status_of(runtime)
            counted = metric(runtime, "careerbot_feed_refreshes_total")
            return status.feed.last_result == "not modified" and "not_modified" in counted

        await eventually(refreshed_twice, "a second, conditional refresh")
        status = await status_of(runtime)
        text = metric(runtime, "careerbot_feed_refreshes_total")
        opened = metric(runtime, "careerbot_openings_open")
    # The first request asked unconditionally; the next ones with the ETag it was given.
    assert boards.asked[0] == ("acme", None)
    assert boards.asked[1][1] is not None and boards.asked[1][1].startswith('"')
    assert (status.open, status.closed, status.feed.last_error) == (len(SAMPLE_JOBS), 0, None)
    assert status.feed.source == "greenhouse:acme"
    assert status.feed.last_success_at is not None
    assert text["imported"] == 1 and text["not_modified"] >= 1
    assert opened[""] >= len(SAMPLE_JOBS)


async def test_a_changed_feed_is_imported_again_closing_what_it_dropped(
    feed_settings: Settings, boards: FeedServer,
) -> None:
    async with worker(feed_settings) as runtime:
        assert runtime.storage is not None
        await add_local(runtime.storage, boards, "acme", "1s")

        async def imported(open_: int, closed: int) -> bool:
            status = await status_of(runtime)
            return (status.open, status.closed) == (open_, closed)

        await eventually(lambda: imported(4, 0), "the first import")
        boards.boards["acme"] = [*SAMPLE_JOBS[:2], greenhouse_job(
            7010, "Go Developer", "Ferrowind", "Remote", "<p>Go and PostgreSQL.</p>")]
        await eventually(lambda: imported(3, 2), "the changed feed imported")

        async def recorded() -> bool:
            # The openings are written before the refresh's outcome is.
            return "3 of 3" in ((await status_of(runtime)).feed.last_result or "")

        await eventually(recorded, "the import's summary recorded")
        result = (await status_of(runtime)).feed.last_result
    assert result == ("greenhouse:acme: 3 of 3 records imported (1 new, 0 changed), 2 closed, "
                      "0 malformed")


@pytest.mark.parametrize(("broken", "error"), [
    ("500", "answered HTTP 500"),
    ("bad json", "not JSON"),
    ("too big", "50,000"),
])
async def test_a_failing_feed_records_its_error_and_leaves_its_openings_as_they_were(
    feed_settings: Settings, boards: FeedServer, broken: str, error: str,
) -> None:
    async with worker(feed_settings) as runtime:
        assert runtime.storage is not None
        await add_local(runtime.storage, boards, "acme", "1s")

        async def imported() -> bool:
            return (await status_of(runtime)).open == len(SAMPLE_JOBS)

        await eventually(imported, "the first import")
        succeeded = (await status_of(runtime)).feed.last_success_at
        boards.broken["acme"] = broken

        async def failed() -> bool:
            # The gauge is set when the refresh pass ends, after the feed recorded its error.
            return ((await status_of(runtime)).feed.last_error is not None
                    and metric(runtime, "careerbot_feeds_failing").get("") == 1)

        await eventually(failed, "the failure recorded")
        status = await status_of(runtime)
        failures = metric(runtime, "careerbot_feed_refreshes_total")["failed"]
        failing = metric(runtime, "careerbot_feeds_failing")[""]
    assert error in (status.feed.last_error or "")
    assert status.feed.last_error is not None and "?content" not in status.feed.last_error
    assert (status.open, status.closed) == (len(SAMPLE_JOBS), 0)
    assert status.feed.last_success_at == succeeded
    assert failures >= 1 and failing == 1


async def test_a_refresh_cut_short_by_shutdown_hands_its_feed_on_at_once(
    feed_settings: Settings, boards: FeedServer,
) -> None:
    boards.gate = asyncio.Event()
    storage = Storage.from_url(feed_settings.database_url)
    try:
        store = SqlFeedStore(storage)
        feed_id = await add_local(storage, boards, "acme", "1h")
        from bot.knowledge import load_knowledge

        kb = load_knowledge(feed_settings.careerbot_knowledge_dir)
        refresher = Refresher(store, storage, kb.skills, limits_of(feed_settings))
        task = asyncio.create_task(refresher.run_due())

        async def asked() -> bool:
            return boards.requests("acme") == 1

        await eventually(asked, "the fetch under way")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        now = datetime.now(UTC)
        taken = await store.claim_due("next", now=now, lease_until=now + timedelta(hours=1))
        assert taken is not None and taken.id == feed_id
    finally:
        boards.gate.set()
        await storage.aclose()


async def test_a_refresh_whose_lease_was_taken_over_stops_and_records_nothing(
    feed_settings: Settings, boards: FeedServer,
) -> None:
    from sqlalchemy import update

    from bot.knowledge import load_knowledge
    from storage.models import FeedRow

    boards.gate = asyncio.Event()
    storage = Storage.from_url(feed_settings.database_url)
    try:
        store = SqlFeedStore(storage)
        feed_id = await add_local(storage, boards, "acme", "1h")
        kb = load_knowledge(feed_settings.careerbot_knowledge_dir)
        refresher = Refresher(store, storage, kb.skills, limits_of(feed_settings), lease=0.3)
        task = asyncio.create_task(refresher.run_due())

        async def asked() -> bool:
            return boards.requests("acme") == 1

        await eventually(asked, "the fetch under way")
        # As if this worker had stalled past its lease and another one had claimed the feed.
        async with storage.uow() as uow:
            await uow.execute(update(FeedRow).where(FeedRow.id == feed_id).values(
                lease_owner="another", lease_until=datetime.now(UTC) + timedelta(hours=1)))
            await uow.commit()
        await asyncio.wait_for(task, PATIENCE)  # the renewal fails and stops the refresh
        [feed] = await store.list_all()
        assert (feed.last_result, feed.refresh_finished_at) == (None, None)
        assert not await store.renew(feed_id, refresher.owner, lease_until=datetime.now(UTC))
        assert await store.renew(feed_id, "another", lease_until=datetime.now(UTC))
    finally:
        boards.gate.set()
        await storage.aclose()


def test_errors_keep_no_credentials_or_query_and_stay_short() -> None:
    text = ("cannot fetch https://user:s3cret@feeds.example.org:8443/jobs?token=abc123&x=1: "
            "ConnectError\n" + "y" * 500)
    short = short_error(text)
    assert "s3cret" not in short and "abc123" not in short and "\n" not in short
    assert short.startswith("cannot fetch https://feeds.example.org:8443/jobs: ConnectError")
    assert len(short) <= 300


def test_intervals() -> None:
    assert [parse_every(s).total_seconds() for s in ("90", "30m", "1h30m", "1d", "6 h")] == [
        90, 1800, 5400, 86400, 21600]
    for bad in ("", "soon", "0", "5x", "-1h", "400d"):
        with pytest.raises(FeedSpecError, match="--every"):
            parse_every(bad)


async def test_two_worker_processes_on_postgresql_refresh_each_due_feed_exactly_once(
    pg_template: str, request: pytest.FixtureRequest, kb_dir: Path, tmp_path: Path,
) -> None:
    from tests.fakes.postgres import pg_database

    names = [f"board-{i}" for i in range(8)]
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    async with FeedServer(boards={n: list(SAMPLE_JOBS) for n in names}, delay=0.5) as server:
        with pg_database(request.getfixturevalue("pg_server"), pg_template) as url:
            storage = Storage.from_url(url)
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("TELEGRAM_", "SLACK_"))}
            env.update(DATABASE_URL=url, CAREERBOT_KNOWLEDGE_DIR=str(kb_dir),
                       PYTHONPATH=str(REPO), FEED_ALLOW_NETWORKS="127.0.0.1")
            workers = [subprocess.Popen(
                [sys.executable, "-m", "adapters.cli", "worker", "--interval", "3600",
                 "--feed-check", "0.1"], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                stderr=log.open("w")) for log in logs]
            try:
                async def both_running() -> bool:
                    return all("alert pass done" in log.read_text() for log in logs)

                await eventually(both_running, "both workers started")
                # Added while both look for due feeds every 100 ms.
                for name in names:
                    await add_local(storage, server, name, "1h")
                store = SqlFeedStore(storage)

                async def all_refreshed() -> bool:
                    return all(s.feed.last_success_at is not None
                               for s in await store.statuses())

                await eventually(all_refreshed, "every feed refreshed")
                # Both keep looking a while longer: no feed is due again for an hour.
                await asyncio.sleep(1.0)
                statuses = await store.statuses()
                peaks = [peak_rss_mb(proc.pid) for proc in workers]
            finally:
                for proc in workers:
                    proc.send_signal(signal.SIGTERM)
                codes = [proc.wait(timeout=60) for proc in workers]
                await storage.aclose()
    texts = [log.read_text() for log in logs]
    assert codes == [0, 0], texts
    assert {n: server.requests(n) for n in names} == dict.fromkeys(names, 1)
    assert all(s.open == len(SAMPLE_JOBS) and s.feed.last_error is None for s in statuses)
    # Each worker refreshed some of them (a 500 ms answer each leaves the other one time).
    assert all(re.search(r"feed \d+ \(url ", text) for text in texts), texts
    assert all("worker stopped" in text for text in texts)
    # The worker's budget: no sentence model is ever loaded there.
    assert max(peaks) < 150, peaks

