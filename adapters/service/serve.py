"""Running the web application under uvicorn: one process, or N workers through the app factory."""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import secrets
import shutil
import tempfile

from adapters.observability.logs import configure_logging
from adapters.observability.metrics import MULTIPROC_ENV
from adapters.settings import Settings

log = logging.getLogger(__name__)

APP_FACTORY = "adapters.service.app:factory"
SESSION_SECRET_ENV = "CAREERBOT_SESSION_SECRET"
# On SIGTERM uvicorn stops accepting, then waits this long for requests in flight; platforms
# such as Heroku send SIGKILL 30 s after SIGTERM, so finish well before that.
GRACEFUL_SECONDS = 20
# glibc returns freed memory at the top of the heap to the system past this many bytes. By
# default the threshold grows with every large block freed (loading the model and the knowledge
# base's vectors free many), so a process kept memory it no longer used: with it fixed, `serve`'s
# peak RSS around the first answer is 3.4 MB lower (benchmarks/bench_serve.py), at no measured cost.
TRIM_ENV = "MALLOC_TRIM_THRESHOLD_"
TRIM_THRESHOLD = 128 * 1024
_M_TRIM_THRESHOLD = -1  # mallopt's parameter number in glibc's malloc.h


def run_server(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Serve until SIGTERM/SIGINT. Each worker process builds its own runtime in the factory."""
    configure_logging(settings.log_level, settings.log_format, settings.secrets(),
                      message_text=settings.log_message_text)
    log.info("starting on %s:%d with %d worker process(es)", host, port, workers)
    return_freed_memory()
    if workers > 1:
        asyncio.run(prepare_database(settings))
    if workers > 1 and settings.careerbot_session_secret is None:
        # Every worker signs and checks /admin session cookies with the same key.
        os.environ[SESSION_SECRET_ENV] = secrets.token_urlsafe(32)
    own_dir = None
    if workers > 1 and not os.environ.get(MULTIPROC_ENV):
        # Workers inherit the environment: each writes its metrics there, /metrics sums them.
        own_dir = tempfile.mkdtemp(prefix="careerbot-metrics-")
        os.environ[MULTIPROC_ENV] = own_dir
    try:
        _run(host, port, workers, max_connections=settings.max_connections)
    finally:
        if own_dir is not None:
            shutil.rmtree(own_dir, ignore_errors=True)


def return_freed_memory() -> None:
    """Fix glibc's trim threshold in this process and, through the environment glibc reads at
    start, in the worker processes it starts; an operator's own setting wins."""
    os.environ.setdefault(TRIM_ENV, str(TRIM_THRESHOLD))
    try:
        threshold = int(os.environ[TRIM_ENV])
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_TRIM_THRESHOLD, threshold)
    except (OSError, AttributeError, ValueError):
        pass  # not glibc (musl, macOS), or a setting glibc itself will ignore: nothing to tune


async def prepare_database(settings: Settings) -> None:
    """Open the database once before the workers start, so a new SQLite file is migrated by
    one process rather than by all workers racing to create the same tables."""
    from storage import open_storage

    try:
        storage = await open_storage(settings.database_url)
    except Exception as exc:
        # The workers report it (and keep answering without memory); nothing to add here.
        log.warning("database not prepared before start: %s", type(exc).__name__)
        return
    await storage.aclose()


def _run(host: str, port: int, workers: int, *, max_connections: int) -> None:
    import uvicorn

    from adapters.service.limits import server_options

    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        lifespan="on",
        # Our handler (configure_logging) formats and redacts every record, uvicorn's too.
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        **server_options(max_connections=max_connections),
    )
