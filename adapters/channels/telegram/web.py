"""The Telegram webhook route for `careerbot serve`, and the Application's lifecycle there."""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update

from adapters.channels.telegram.app import ALLOWED_UPDATES, AnyApplication, set_commands

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Real updates are a few kB; anything this big is not from Telegram.
MAX_BODY = 1 << 20


def webhook_routes(application: AnyApplication, *, secret: str | None) -> list[Route]:
    """`POST /telegram/webhook`: check the secret, queue the update, answer 200 at once."""
    expected = (secret or "").encode()

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # Without a configured secret nobody can prove they are Telegram: refuse everything.
        if not expected or not hmac.compare_digest(given, expected):
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


@contextlib.asynccontextmanager
async def webhook_running(application: AnyApplication, *, url: str, secret: str | None
                          ) -> AsyncIterator[None]:
    """For the web server's lifespan: getMe, commands, setWebhook, start; at the end, finish
    queued updates and close the HTTP pool (the webhook stays set)."""
    async with application:
        await set_commands(application.bot)
        if not secret:
            log.warning("TELEGRAM_WEBHOOK_URL is set without TELEGRAM_WEBHOOK_SECRET: "
                        "the webhook route refuses every update until a secret is set")
        await application.bot.set_webhook(url=url, secret_token=secret,
                                          allowed_updates=list(ALLOWED_UPDATES))
        log.info("telegram webhook set")
        await application.start()
        try:
            yield
        finally:
            await application.stop()
