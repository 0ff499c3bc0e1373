"""`careerbot worker`: alerts, digests and feed refreshes on a schedule, beside the channels."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIServer

from adapters.bootstrap import EVENT_RETENTION
from adapters.feeds import feed_store
from adapters.service.alerts import AlertRunResult, run_alerts
from adapters.service.feeds import FEED_CHECK, Refresher, limits_of
from adapters.service.lifecycle import DRAIN_SECONDS, stop_on_signals

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime

log = logging.getLogger(__name__)

AlertRun = Callable[["Runtime"], Awaitable[AlertRunResult]]
HOUSEKEEPING_EVERY = 3600.0


async def housekeeping(runtime: Runtime) -> int:
    """Forget processed event ids, and unanswered questions and the questions of "not
    helpful" ratings past their retention, so tables stay small on a long run and questions
    are not kept longer than promised."""
    factory = runtime.bot.uow_factory
    if factory is None:
        return 0
    now = datetime.now(UTC)
    keep = timedelta(days=runtime.settings.unanswered_retention_days)
    async with factory() as uow:
        removed = await uow.events.prune(now - EVENT_RETENTION)
        questions = await uow.unanswered.purge(now - keep)
        rated = await uow.feedback.clear_questions(now - keep)
        await uow.commit()
    if removed or questions or rated:
        log.info("housekeeping: forgot %d old event ids, %d unanswered questions and the "
                 "questions of %d ratings", removed, questions, rated)
    return removed + questions + rated


async def run_worker(
    runtime: Runtime,
    *,
    interval: float,
    once: bool = False,
    alert_run: AlertRun = run_alerts,
    stop: asyncio.Event | None = None,
    metrics_port: int | None = None,
    feed_check: float = FEED_CHECK,
) -> None:
    """Run alert passes every `interval` seconds, and refresh the feeds that are due (looked
    for every `feed_check` seconds), until SIGTERM/SIGINT (or `stop` is set). `once`: one
    feed pass and one alert pass."""
    with contextlib.ExitStack() as signals:
        if stop is None:
            stop = signals.enter_context(stop_on_signals(asyncio.Event()))
        await _run(runtime, interval=interval, once=once, alert_run=alert_run, stop=stop,
                   metrics_port=metrics_port, feed_check=feed_check)


def refresher(runtime: Runtime) -> Refresher | None:
    """The worker's feed refresher (None without a database)."""
    store = feed_store(runtime)
    if store is None or runtime.storage is None:
        return None
    return Refresher(store, runtime.storage, runtime.kb.skills, limits_of(runtime.settings),
                     metrics=runtime.metrics.feeds)


async def feed_loop(feeds: Refresher, *, every: float, stop: asyncio.Event) -> None:
    """Refresh due feeds every `every` seconds; a failed pass is logged and retried."""
    while not stop.is_set():
        try:
            await feeds.run_due(stop)
        except Exception:
            log.exception("feed pass failed; retrying in %.0f s", every)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def _run(runtime: Runtime, *, interval: float, once: bool, alert_run: AlertRun,
               stop: asyncio.Event, metrics_port: int | None, feed_check: float) -> None:
    loop = asyncio.get_running_loop()
    connections: list[asyncio.Task[None]] = []
    exporter: WSGIServer | None = None
    feeds = refresher(runtime)
    feed_task: asyncio.Task[None] | None = None
    try:
        if metrics_port is not None:
            from adapters.observability.metrics import serve_metrics

            # The worker takes no other HTTP traffic: a plain exporter thread is enough.
            settings = runtime.settings
            exporter = serve_metrics(runtime.metrics.registry, port=metrics_port,
                                     host=settings.metrics_host,
                                     token=settings.secret(settings.metrics_token))
            log.info("metrics on %s:%d/metrics%s", settings.metrics_host, metrics_port,
                     " (bearer token required)" if settings.metrics_token else "")
        if not once:
            for channel in runtime.channels:
                runner = channel.runner(runtime.bot, standalone=False)
                if runner is not None:
                    connections.append(asyncio.create_task(runner(), name=channel.name))
            if feeds is not None:
                # A task of its own: a slow feed never delays an alert pass.
                feed_task = asyncio.create_task(feed_loop(feeds, every=feed_check, stop=stop),
                                                name="feeds")
        elif feeds is not None:
            try:
                await feeds.run_due(stop)
            except Exception:
                log.exception("feed pass failed")
        last_housekeeping = -HOUSEKEEPING_EVERY
        while not stop.is_set():
            try:
                result = await alert_run(runtime)
                for platform, n in result.sent.items():
                    runtime.metrics.alert_sent(platform, n)
                log.info("alert pass done: %d delivered", sum(result.sent.values()))
                if loop.time() - last_housekeeping >= HOUSEKEEPING_EVERY:
                    last_housekeeping = loop.time()
                    await housekeeping(runtime)
            except Exception:
                # One failed pass (a platform or database outage) must not end the worker.
                log.exception("alert pass failed; retrying in %.0f s", interval)
            if once:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
            ended = [t for t in connections if t.done()]
            if ended:
                ended[0].result()  # a connection ended on its own: surface why and stop
                break
    finally:
        if feed_task is not None:
            # Stopped: the refresh under way may finish (the loop stops before the next feed);
            # past that, or on any other way out, it is cancelled and its lease released.
            if stop.is_set():
                await asyncio.wait({feed_task}, timeout=DRAIN_SECONDS)
            feed_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await feed_task
        if exporter is not None:
            exporter.shutdown()
            exporter.server_close()
        for task in connections:
            task.cancel()
        for task in connections:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        log.info("worker stopped")
