"""The ASGI application of `careerbot serve`: webhooks, /healthz, /metrics and /admin in one process."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.admin.app import admin_mount
from adapters.channels.base import Mount, Unavailable
from adapters.observability.metrics import CONTENT_TYPE, bearer_ok
from adapters.service.lifecycle import drain
from adapters.service.limits import RequestLimits

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime
    from adapters.settings import Settings

log = logging.getLogger(__name__)

# A health check that hangs is worse than one that fails: load balancers time out anyway.
PING_TIMEOUT = 3.0
# Both webhooks acknowledge before the work is done, so an overload would pile up work (and
# memory) without bound. Past this much work in flight (a few seconds of it for one process)
# new webhook requests get 503 and the platform delivers them again later.
MAX_BACKLOG = 1000
# Shedding stops only once the backlog is back under this share of the limit, so a backlog
# hovering at the limit does not switch (and log) on every request.
RESUME_AT = 0.8


@dataclass
class Backlog:
    """What load shedding looks at: the work authenticated requests started and left running.

    That is every unfinished task beyond those that always run (server, Telegram fetcher,
    counted at start-up) and those of requests still being received or answered: a request
    not yet authenticated is its own task, which RequestLimits bounds in size and time, and
    it must not count, or slow unsigned requests would make genuine updates get 503.
    """

    paths: set[str] = field(default_factory=set)
    baseline: int = 0
    requests: int = 0

    def __len__(self) -> int:
        return len(asyncio.all_tasks()) - self.baseline - self.requests


class LoadShedding:
    """ASGI middleware: 503 with Retry-After for webhooks while the backlog is too long."""

    def __init__(self, app: ASGIApp, *, backlog: Backlog, limit: int = MAX_BACKLOG,
                 on_shed: Callable[[], None] | None = None) -> None:
        self.app = app
        self.backlog = backlog
        self.limit = limit
        self.resume_at = int(limit * RESUME_AT)
        self.on_shed = on_shed
        self.shedding = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in self.backlog.paths:
            waiting = len(self.backlog)
            if not self.shedding and waiting > self.limit:
                self.shedding = True
                log.warning("overloaded (%d tasks of work in flight): refusing webhooks with "
                            "503 until the backlog is under %d", waiting, self.resume_at)
            elif self.shedding and waiting < self.resume_at:
                self.shedding = False
                log.warning("backlog back under %d: taking webhooks again", self.resume_at)
            if self.shedding:
                if self.on_shed is not None:
                    self.on_shed()
                await PlainTextResponse("overloaded, retry later", status_code=503,
                                        headers={"Retry-After": "5"})(scope, receive, send)
                return
        self.backlog.requests += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.backlog.requests -= 1


@dataclass(kw_only=True)
class Service:
    """What the routes read; filled at construction or, under the app factory, at start-up."""

    runtime: Runtime | None = None
    # Mounted channels by name, in the runtime's order.
    mounts: dict[str, Mount] = field(default_factory=dict)


def mounts_for(runtime: Runtime) -> dict[str, Mount]:
    """Every channel the settings configure for the web; why the others are not, logged."""
    found: dict[str, Mount] = {}
    for channel in runtime.channels:
        mount = channel.mount(runtime.bot)
        if isinstance(mount, Unavailable):
            log.info("%s", mount.reason)
        elif mount is not None:
            found[channel.name] = mount
    if not found:
        log.warning("no front end is mounted: only /healthz and /metrics are served")
    return found


# New objects (net of those freed) between the collector's young-generation collections;
# Python's default is 700 (see settle_collector).
YOUNG_GENERATION = 10_000


def create_app(
    runtime: Runtime | None = None,
    *,
    settings: Settings | None = None,
    builder: Callable[[Settings], Awaitable[Runtime]] | None = None,
    max_backlog: int = MAX_BACKLOG,
    freeze: bool = False,
) -> Starlette:
    """
    The web application. Given a runtime, everything is mounted now; given settings instead
    (the app factory under uvicorn), the runtime is built at start-up, in the server's own
    event loop, so each worker process owns its database pool and Telegram Application.
    `freeze`: once started, the garbage collector is set for serving (a server process of its
    own: see `settle_collector`).
    """
    if runtime is not None:
        config = runtime.settings
    elif settings is not None:
        config = settings
    else:
        raise ValueError("create_app needs a runtime or settings")
    service = Service(runtime=runtime)
    backlog = Backlog()
    metrics_token = config.secret(config.metrics_token)

    async def healthz(request: Request) -> Response:
        rt = service.runtime
        if rt is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        database: dict[str, Any] = {"kind": rt.database_kind}
        try:
            await asyncio.wait_for(rt.ping_database(), PING_TIMEOUT)
            database["ok"] = True
        except Exception as exc:
            # The type only: driver messages can carry host names and user names.
            database.update(ok=False, error=type(exc).__name__)
        kb = rt.kb
        body = {
            "status": "ok" if database["ok"] else "unavailable",
            "database": database,
            "knowledge": {"topics": len(kb.topics), "skills": len(kb.skills.skills),
                          "openings_seed": len(kb.openings), "warnings": len(kb.warnings)},
            "frontends": list(service.mounts),
        }
        return JSONResponse(body, status_code=200 if database["ok"] else 503)

    async def metrics(request: Request) -> Response:
        if metrics_token and not bearer_ok(request.headers.get("authorization", ""),
                                           metrics_token):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        rt = service.runtime
        if rt is None:
            return Response("", media_type=CONTENT_TYPE)
        return Response(rt.metrics.render(), media_type=CONTENT_TYPE)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        admin_mount(lambda: service.runtime, session_secret=session_secret(config),
                    public_url=config.careerbot_public_url),
    ]
    if runtime is not None:
        service.mounts = mounts_for(runtime)
        for m in service.mounts.values():
            routes.extend(m.routes)
            backlog.paths.update(r.path for r in m.routes)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if freeze:
            # Start-up makes objects that live as long as the process (see settle_collector);
            # the collector's full collections while they are made found nothing to free.
            gc.disable()
        try:
            if service.runtime is None:
                assert settings is not None
                if builder is None:
                    from adapters.bootstrap import build as default_builder
                    service.runtime = await default_builder(settings)
                else:
                    service.runtime = await builder(settings)
                service.mounts = mounts_for(service.runtime)
                for m in service.mounts.values():
                    app.router.routes.extend(m.routes)
                    backlog.paths.update(r.path for r in m.routes)
        finally:
            if freeze:
                gc.enable()
        rt = service.runtime
        try:
            async with contextlib.AsyncExitStack() as running:
                for name, m in service.mounts.items():
                    await running.enter_async_context(_logged_stop(name, m))
                log.info("serving %s", ", ".join(service.mounts) or "no front end")
                if freeze:
                    settle_collector()
                before = set(asyncio.all_tasks())
                backlog.baseline = len(before)
                yield
                # uvicorn has stopped taking requests and finished those in flight by now;
                # answers those requests started (Slack's, after its ack) still run.
                await drain(before)
        finally:
            await rt.close()
            log.info("stopped")

    def shed() -> None:
        rt = service.runtime
        if rt is not None:
            rt.metrics.shed.inc()

    # Shedding first: it reads nothing. Then every body is bounded before any route runs.
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[
        Middleware(LoadShedding, backlog=backlog, limit=max_backlog, on_shed=shed),
        Middleware(RequestLimits, max_bytes=config.max_request_bytes,
                   timeout=config.request_timeout_seconds),
    ])
    app.state.service = service
    return app


def settle_collector() -> None:
    """Keep the garbage collector's work per request small once the server has started.

    (Until then it does not run at all: the start-up builds the libraries' modules, the knowledge
    base and the core's indexes, which stay; collecting while they were made took about a tenth
    of start-up's CPU, and found a few thousand objects of garbage.)

    Measured under bench_serve (saturated, SQLite; benchmarks/README.md, "Service"), the
    collector took about 6% of the process's CPU: a request's objects outlive the young
    generation's collections (700 new objects apart), so thousands reach the oldest
    generation, whose full collections walk everything start-up built (about 177,000
    objects: libraries, the knowledge base, the core's indexes; 0.1 s of CPU each) every
    couple of seconds. With what start-up built frozen (never collected, since it lives as
    long as the process) and YOUNG_GENERATION objects between young collections, they take
    under 0.1%. Cyclic garbage is still collected, a little later.
    """
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])


def session_secret(settings: Settings) -> str:
    """CAREERBOT_SESSION_SECRET, else a random key of this process: sign-ins then last until
    a restart (`careerbot serve --workers N` shares one with its workers; docs/admin.md)."""
    configured = settings.secret(settings.careerbot_session_secret)
    if configured:
        return configured
    log.info("CAREERBOT_SESSION_SECRET not set: /admin sessions end when this process stops")
    return secrets.token_urlsafe(32)


@contextlib.asynccontextmanager
async def _logged_stop(name: str, mount: Mount) -> AsyncIterator[None]:
    """A channel's running block; one that fails to stop is logged, and the others still stop."""
    running = mount.running()
    await running.__aenter__()
    try:
        yield
    finally:
        try:
            await running.__aexit__(None, None, None)
        except Exception:
            log.exception("stopping %s failed", name)


def factory() -> Starlette:
    """For `uvicorn --factory adapters.service.app:factory`: settings from the environment."""
    from adapters.observability.logs import configure_logging
    from adapters.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format, settings.secrets(),
                      message_text=settings.log_message_text)
    return create_app(settings=settings, freeze=True)
