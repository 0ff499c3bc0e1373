"""The Telegram webhook route for `careerbot serve`, and the Application's lifecycle there."""

from __future__ import annotations

import hmac
import json
import logging
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update

from adapters.settings import Settings

if TYPE_CHECKING:
    from telegram.ext import Application

    from adapters.bootstrap import Runtime

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Real updates are a few kB; anything this big is not from Telegram.
MAX_BODY = 1 << 20


def telegram_routes(
    runtime: Runtime, application: Application[Any, Any, Any, Any, Any, Any]
) -> list[Route]:
    """`POST /telegram/webhook`: check the secret, queue the update, answer 200 at once."""
    secret = (Settings.secret(runtime.settings.telegram_webhook_secret) or "").encode()

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # Without a configured secret nobody can prove they are Telegram: refuse everything.
        if not secret or not hmac.compare_digest(given, secret):
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        try:
            data = json.loads(body)
            update = Update.de_json(data, application.bot)
        except Exception as exc:  # any malformed body is the sender's problem, not ours
            log.warning("rejected a malformed telegram update: %s", type(exc).__name__)
            return Response(status_code=400)
        # Processing happens in the Application's own task, so Telegram gets its 200 fast.
        await application.update_queue.put(update)
        return Response(status_code=200)

    return [Route(WEBHOOK_PATH, webhook, methods=["POST"])]


async def start_webhook_app(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """For the web server's lifespan start: getMe, post_init (commands, setWebhook), start."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()


async def stop_webhook_app(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """For the lifespan end: finish queued updates and close the HTTP pool (webhook stays set)."""
    if application.running:
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
