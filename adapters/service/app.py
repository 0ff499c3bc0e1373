"""The ASGI application of `careerbot serve`: webhooks, /healthz and /metrics in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.observability.metrics import CONTENT_TYPE
from bot.ports import ChatKey

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime
    from adapters.settings import Settings

log = logging.getLogger(__name__)

# A health check that hangs is worse than one that fails: load balancers time out anyway.
PING_TIMEOUT = 3.0
# At shutdown, how long work started by requests may still run (Slack answers are sent after
# the request was acknowledged); the platform's kill timeout is typically 30 s.
DRAIN_SECONDS = 10.0
# Both webhooks acknowledge before the work is done, so an overload would pile up work (and
# memory) without bound. Past this many unfinished tasks (a few seconds of work for one
# process) new webhook requests get 503 and the platform delivers them again later.
MAX_BACKLOG = 1000
WEBHOOK_PATHS = frozenset({"/slack/events", "/telegram/webhook"})


class LoadShedding:
    """ASGI middleware: 503 with Retry-After for webhooks while the backlog is too long."""

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BACKLOG,
                 on_shed: Callable[[], None] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.baseline = 0  # tasks that always run (server, Telegram fetcher), set at start-up
        self.on_shed = on_shed
        self.shedding = False

    def backlog(self) -> int:
        return len(asyncio.all_tasks()) - self.baseline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in WEBHOOK_PATHS:
            busy = self.backlog() > self.limit
            if busy != self.shedding:
                self.shedding = busy
                if busy:
                    log.warning("overloaded (%d unfinished tasks): refusing webhooks with 503 "
                                "until the backlog shrinks", self.backlog())
                else:
                    log.warning("backlog back under %d: taking webhooks again", self.limit)
            if busy:
                if self.on_shed is not None:
                    self.on_shed()
                await PlainTextResponse("overloaded, retry later", status_code=503,
                                        headers={"Retry-After": "5"})(scope, receive, send)
                return
        await self.app(scope, receive, send)


@dataclass(kw_only=True)
class FrontEnd:
    """A mounted front end: its routes and what the lifespan must start and stop."""

    name: str
    routes: list[BaseRoute]
    start: Callable[[], Awaitable[None]] | None = None
    stop: Callable[[], Awaitable[None]] | None = None


@dataclass(kw_only=True)
class Service:
    """What the routes read; filled at construction or, under the app factory, at start-up."""

    runtime: Runtime | None = None
    frontends: list[FrontEnd] = field(default_factory=list)


def telegram_frontend(runtime: Runtime) -> FrontEnd | None:
    s = runtime.settings
    if s.telegram_bot_token is None:
        log.info("Telegram not mounted: TELEGRAM_BOT_TOKEN is not set")
        return None
    if not s.telegram_webhook_url:
        log.info("Telegram not mounted: TELEGRAM_WEBHOOK_URL is not set "
                 "(use `careerbot run telegram` to poll instead)")
        return None
    from adapters.channels.telegram.app import application_from_settings
    from adapters.channels.telegram.web import start_webhook_app, stop_webhook_app, telegram_routes

    application = application_from_settings(runtime, webhook=True)
    if application is None:
        return None
    return FrontEnd(
        name="telegram",
        routes=list(telegram_routes(runtime, application)),
        start=lambda: start_webhook_app(application),
        stop=lambda: stop_webhook_app(application),
    )


def slack_frontend(runtime: Runtime) -> FrontEnd | None:
    s = runtime.settings
    if s.slack_bot_token is None:
        log.info("Slack not mounted: SLACK_BOT_TOKEN is not set")
        return None
    if s.slack_signing_secret is None:
        log.info("Slack not mounted: SLACK_SIGNING_SECRET is not set "
                 "(Socket Mode runs in `careerbot worker` with SLACK_APP_TOKEN)")
        return None
    from adapters.channels.slack.app import close_client_session, open_client_session, slack_app_for
    from adapters.channels.slack.web import slack_routes

    app = slack_app_for(runtime)
    if app is None:
        return None
    return FrontEnd(name="slack", routes=list(slack_routes(runtime, app)),
                    start=lambda: open_client_session(app.client),
                    stop=lambda: close_client_session(app.client))


def frontends_for(runtime: Runtime) -> list[FrontEnd]:
    found = [f for f in (slack_frontend(runtime), telegram_frontend(runtime)) if f is not None]
    if not found:
        log.warning("no front end is mounted: only /healthz and /metrics are served")
    return found


async def ping_database(runtime: Runtime) -> None:
    """Raise if the database cannot be reached. Uses the storage's ping() when it has one."""
    for res in runtime.resources:
        ping = getattr(res, "ping", None)
        if ping is not None:
            await ping()
            return
    factory = runtime.bot.uow_factory
    if factory is None:
        return
    # Any storage can answer a read of a conversation nobody has.
    async with factory() as uow:
        await uow.conversations.get(ChatKey(platform="health", chat_id="-", user_id="-"))


def _storage_kind(runtime: Runtime) -> str:
    for res in runtime.resources:
        dialect = getattr(res, "dialect", None)
        if isinstance(dialect, str):
            return dialect
    return "memory" if runtime.bot.uow_factory is not None else "none"


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


def create_app(
    runtime: Runtime | None = None,
    *,
    settings: Settings | None = None,
    builder: Callable[[Settings], Awaitable[Runtime]] | None = None,
    max_backlog: int = MAX_BACKLOG,
) -> Starlette:
    """
    The web application. Given a runtime, everything is mounted now; given settings instead
    (the app factory under uvicorn), the runtime is built at start-up, in the server's own
    event loop, so each worker process owns its database pool and Telegram Application.
    """
    if runtime is None and settings is None:
        raise ValueError("create_app needs a runtime or settings")
    service = Service(runtime=runtime)

    async def healthz(request: Request) -> Response:
        rt = service.runtime
        if rt is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        database: dict[str, Any] = {"kind": _storage_kind(rt)}
        try:
            await asyncio.wait_for(ping_database(rt), PING_TIMEOUT)
            database["ok"] = True
        except Exception as exc:
            # The type only: driver messages can carry host names and user names.
            database.update(ok=False, error=type(exc).__name__)
        kb = rt.bot.kb
        body = {
            "status": "ok" if database["ok"] else "unavailable",
            "database": database,
            "knowledge": {"topics": len(kb.topics), "skills": len(kb.skills.skills),
                          "openings_seed": len(kb.openings), "warnings": len(kb.warnings)},
            "frontends": [f.name for f in service.frontends],
        }
        return JSONResponse(body, status_code=200 if database["ok"] else 503)

    async def metrics(request: Request) -> Response:
        rt = service.runtime
        if rt is None or rt.metrics is None:
            return Response("", media_type=CONTENT_TYPE)
        return Response(rt.metrics.render(), media_type=CONTENT_TYPE)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    if runtime is not None:
        service.frontends = frontends_for(runtime)
        for f in service.frontends:
            routes.extend(f.routes)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if service.runtime is None:
            assert settings is not None
            if builder is None:
                from adapters.bootstrap import build as default_builder
                service.runtime = await default_builder(settings)
            else:
                service.runtime = await builder(settings)
            service.frontends = frontends_for(service.runtime)
            for f in service.frontends:
                app.router.routes.extend(f.routes)
        rt = service.runtime
        started: list[FrontEnd] = []
        try:
            for f in service.frontends:
                if f.start is not None:
                    await f.start()
                started.append(f)
            log.info("serving %s", ", ".join(f.name for f in service.frontends) or "no front end")
            running = set(asyncio.all_tasks())
            shedder = _find_shedder(app)
            if shedder is not None:
                shedder.baseline = len(running)
            yield
            # uvicorn has stopped taking requests and finished those in flight by now;
            # answers those requests started (Slack's, after its ack) still run.
            await drain(running)
        finally:
            for f in reversed(started):
                if f.stop is not None:
                    try:
                        await f.stop()
                    except Exception:
                        log.exception("stopping %s failed", f.name)
            await rt.close()
            log.info("stopped")

    def shed() -> None:
        rt = service.runtime
        if rt is not None and rt.metrics is not None:
            rt.metrics.shed.inc()

    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(LoadShedding, limit=max_backlog, on_shed=shed)])
    app.state.service = service
    return app


def _find_shedder(app: Starlette) -> LoadShedding | None:
    """The LoadShedding instance in the built middleware stack, once Starlette has built it."""
    layer: Any = app.middleware_stack
    while layer is not None:
        if isinstance(layer, LoadShedding):
            return layer
        layer = getattr(layer, "app", None)
    return None


def factory() -> Starlette:
    """For `uvicorn --factory adapters.service.app:factory`: settings from the environment."""
    from adapters.observability.logs import configure_logging
    from adapters.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format, settings.secrets())
    return create_app(settings=settings)
