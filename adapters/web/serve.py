"""Running the web application under uvicorn: one process, or N workers through the app factory."""

from __future__ import annotations

import logging

from adapters.logs import configure_logging
from adapters.settings import Settings

log = logging.getLogger(__name__)

APP_FACTORY = "adapters.web.app:factory"
# On SIGTERM uvicorn stops accepting, then waits this long for requests in flight; platforms
# such as Heroku send SIGKILL 30 s after SIGTERM, so finish well before that.
GRACEFUL_SECONDS = 20


def run_server(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Serve until SIGTERM/SIGINT. Each worker process builds its own runtime in the factory."""
    import uvicorn

    configure_logging(settings.log_level, settings.log_format, settings.secrets())
    log.info("starting on %s:%d with %d worker process(es)", host, port, workers)
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
    )
