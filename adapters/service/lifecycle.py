"""Process lifecycle shared by the long-running commands: stop on SIGTERM/SIGINT, drain work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Iterator
from typing import Any

log = logging.getLogger(__name__)

# At shutdown, how long work started by requests may still run (Slack answers are sent after
# the request was acknowledged); the platform's kill timeout is typically 30 s.
DRAIN_SECONDS = 10.0
SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[asyncio.Event]:
    """Inside the block SIGTERM and SIGINT set `stop` instead of killing the process."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in SIGNALS:
        # Not available off the main thread or on Windows: Ctrl-C then stops as usual.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        yield stop
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def run_until_stopped(work: Awaitable[None], stop: asyncio.Event | None = None) -> None:
    """Run `work` until it ends (its error is raised) or `stop` is set (by a signal when not
    given), then cancel it."""
    task: asyncio.Task[None] = asyncio.ensure_future(work)
    with contextlib.ExitStack() as stack:
        if stop is None:
            stop = stack.enter_context(stop_on_signals(asyncio.Event()))
        stopped = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not task.done():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def drain(before: set[asyncio.Task[Any]], timeout: float = DRAIN_SECONDS) -> None:
    """Wait for tasks started after start-up (work requests left running) to finish."""
    me = asyncio.current_task()
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        pending = {t for t in asyncio.all_tasks() if t is not me and t not in before}
        left = deadline - asyncio.get_running_loop().time()
        if not pending:
            return
        if left <= 0:
            log.warning("shutting down with %d task(s) still running", len(pending))
            return
        # Finished tasks can start others (an answer's HTTP call): look again until quiet.
        await asyncio.wait(pending, timeout=left)
