"""`careerbot worker`: opening alerts and digests on a schedule, plus Slack Socket Mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from adapters.observability.logs import configure_logging
from adapters.settings import Settings

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime

log = logging.getLogger(__name__)

AlertRun = Callable[["Runtime"], Awaitable[Any]]


def default_alert_run() -> AlertRun:
    """Issue 4's alert pass with the notifiers for the configured platforms."""
    from adapters.service.alerts import notifier_factory, run_alerts

    async def run(runtime: Runtime) -> Any:
        return await run_alerts(runtime, notifier_factory)

    return run


# Platforms re-deliver an event within minutes; a week of ids is a wide margin.
EVENT_RETENTION = timedelta(days=7)
HOUSEKEEPING_EVERY = 3600.0


async def housekeeping(runtime: Runtime) -> int:
    """Forget processed event ids past retention, so the table stays small on a long run."""
    factory = runtime.bot.uow_factory
    if factory is None:
        return 0
    async with factory() as uow:
        removed = await uow.events.prune(datetime.now(UTC) - EVENT_RETENTION)
        await uow.commit()
    if removed:
        log.info("housekeeping: forgot %d old event ids", removed)
    return removed


def _count_sent(runtime: Runtime, result: Any) -> int:
    """What an alert pass delivered, counted in the metrics (per platform when it says so)."""
    sent = getattr(result, "sent", result)
    metrics = runtime.metrics
    if isinstance(sent, dict):
        for platform, n in sent.items():
            if metrics is not None:
                metrics.alert_sent(str(platform), int(n))
        return sum(int(n) for n in sent.values())
    if isinstance(sent, int):
        if metrics is not None and sent:
            metrics.alert_sent("all", sent)
        return sent
    return 0


async def run_worker(
    settings: Settings,
    *,
    interval: float,
    once: bool = False,
    alert_run: AlertRun | None = None,
    stop: asyncio.Event | None = None,
    metrics_port: int | None = None,
) -> None:
    """Run alert passes every `interval` seconds until SIGTERM/SIGINT (or `stop` is set)."""
    from adapters.bootstrap import build

    configure_logging(settings.log_level, settings.log_format, settings.secrets())
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    runtime = await build(settings)
    alert_run = alert_run or default_alert_run()
    socket_mode: asyncio.Task[None] | None = None
    try:
        if metrics_port is not None and runtime.metrics is not None:
            from prometheus_client import start_http_server

            # The worker takes no other HTTP traffic: a plain exporter thread is enough.
            start_http_server(metrics_port, registry=runtime.metrics.registry)
            log.info("metrics on :%d/metrics", metrics_port)
        app_token = settings.secret(settings.slack_app_token)
        bot_token = settings.secret(settings.slack_bot_token)
        if app_token and bot_token and not once:
            from adapters.channels.slack.app import run_socket_mode

            log.info("Slack Socket Mode: connecting")
            socket_mode = asyncio.create_task(run_socket_mode(
                runtime, token=bot_token, app_token=app_token, api_url=settings.slack_api_url))
        elif not once:
            log.info("Slack Socket Mode not started: SLACK_APP_TOKEN is not set")
        last_housekeeping = -HOUSEKEEPING_EVERY
        while not stop.is_set():
            try:
                sent = _count_sent(runtime, await alert_run(runtime))
                log.info("alert pass done: %d delivered", sent)
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
            if socket_mode is not None and socket_mode.done():
                socket_mode.result()  # Socket Mode ended on its own: surface why and stop
                break
    finally:
        if socket_mode is not None:
            socket_mode.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await socket_mode
        await runtime.close()
        log.info("worker stopped")
