"""The python-telegram-bot Application and its webhook route: convert, ask the core, send."""

from __future__ import annotations

import contextlib
import dataclasses
import hmac
import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot as TgBot
from telegram import BotCommand, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from adapters.channels.inbox import Inbox
from adapters.channels.telegram.admins import ChatAdmins
from adapters.channels.telegram.client import application_builder
from adapters.channels.telegram.convert import event_key, to_message
from adapters.channels.telegram.ordering import PerChatUpdateProcessor
from adapters.channels.telegram.render import esc, send_replies
from bot.dialogue import Bot
from bot.messages import ChatType, Reply
from bot.ports import InboxItem

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY)
COMMANDS = (
    ("start", "Say hello and see what I can do"),
    ("help", "How to use me"),
    ("topics", "What I can explain"),
    ("ask", "Ask about backend engineering careers"),
    ("jobs", "Job openings that fit you"),
    ("profile", "Your skills, level and wishes"),
    ("subscribe", "Get new fitting openings as they appear"),
    ("unsubscribe", "Stop opening alerts"),
    ("forget", "Delete everything I store about you"),
)
APOLOGY = "Sorry, something went wrong on my side. Please try again."
CONCURRENT_UPDATES = 16


async def set_commands(bot: TgBot) -> None:
    """The command menu Telegram shows next to the input field."""
    await bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One update failing never stops the bot: log it (no token) and apologise to the person."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("telegram update %s failed: %s", update_id, type(error).__name__,
              exc_info=(type(error), error, error.__traceback__) if error is not None else None)
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None:
        return
    try:
        await context.bot.send_message(chat_id=chat.id, text=esc(APOLOGY))
    except TelegramError as exc:
        log.warning("could not send the apology to chat %s: %s", chat.id, type(exc).__name__)


def build_application(
    bot: Bot,
    *,
    token: str,
    base_url: str,
    webhook: bool,
    concurrent_updates: int = CONCURRENT_UPDATES,
    inbox: Inbox | None = None,
) -> AnyApplication:
    """The Application answering with this core; nothing talks to Telegram until it starts.

    With an inbox, the updates it holds are forgotten once answered (or released for another
    attempt when that fails).
    """
    builder = application_builder(token, base_url).concurrent_updates(
        PerChatUpdateProcessor(concurrent_updates))
    if webhook:
        # Updates arrive through our own web server (adapters.channels.telegram.app), not an Updater.
        builder = builder.updater(None)
    application = builder.build()
    admins = ChatAdmins()

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE,
                     kept: tuple[Reply, ...] | None) -> None:
        message = to_message(update, bot_username=context.bot.username)
        if update.callback_query is not None:
            # Stops the button's spinner; a duplicate delivery's second answer is refused.
            with contextlib.suppress(BadRequest):
                await update.callback_query.answer()
        if message is None:
            return
        if kept is not None:
            # The core answered before a process died: only the sending is left to do.
            await send_replies(context.bot, update, message, list(kept))
            return
        if message.chat_type is ChatType.GROUP and message.text.startswith("/"):
            # Group settings (e.g. a digest) are for the group's admins; only commands can
            # change them, so only commands cost the lookup.
            message = dataclasses.replace(message, chat_admin=await admins.is_admin(
                context.bot, int(message.chat_id), int(message.user_id)))
        replies = await bot.handle(message)
        await send_replies(context.bot, update, message, replies)

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        key = event_key(update.update_id)
        if inbox is None or not inbox.holds(key):
            await answer(update, context, None)
            return
        try:
            await answer(update, context, inbox.answer_of(key))
        except Exception:
            await inbox.failed(key)
            raise
        await inbox.done(key)

    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(on_error)
    return application


WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Wrong secrets one client may send a minute; past that its requests get 429 unchecked, so
# the secret cannot be guessed at the speed of the network.
GUESSES_PER_MINUTE = 10


class GuessThrottle:
    """Failed secret guesses per client address over the last minute (a bounded table)."""

    def __init__(self, per_minute: int = GUESSES_PER_MINUTE, *,
                 clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.max_clients = max_clients
        self.failures: dict[str, deque[float]] = {}

    def blocked(self, client: str) -> bool:
        seen = self.failures.get(client)
        if seen is None:
            return False
        start = self.clock() - 60.0
        while seen and seen[0] < start:
            seen.popleft()
        if not seen:
            del self.failures[client]
            return False
        return len(seen) >= self.per_minute

    def failed(self, client: str) -> None:
        seen = self.failures.setdefault(client, deque(maxlen=self.per_minute))
        seen.append(self.clock())
        if len(self.failures) > self.max_clients:
            del self.failures[next(iter(self.failures))]  # the longest-known client


def webhook_routes(application: AnyApplication, *, secret: str | None,
                   inbox: Inbox | None = None) -> list[Route]:
    """`POST /telegram/webhook`: check the secret, keep the update in the inbox, queue it and
    answer 200 at once (Telegram never delivers an update again once it got its 200)."""
    expected = (secret or "").encode()
    guesses = GuessThrottle()

    async def webhook(request: Request) -> Response:
        client = request.client.host if request.client is not None else ""
        if guesses.blocked(client):
            log.info("refused a telegram webhook request: too many wrong secrets from its address")
            return Response(status_code=429, headers={"Retry-After": "60"})
        given = request.headers.get(SECRET_HEADER, "").encode()
        # Without a configured secret nobody can prove they are Telegram: refuse everything.
        if not expected or not hmac.compare_digest(given, expected):
            guesses.failed(client)
            log.warning("refused a telegram webhook request without the right secret")
            return Response(status_code=403)
        try:
            body = await request.body()
        except ClientDisconnect:
            log.info("a client went away before sending its whole request")
            return Response(status_code=400)
        try:
            data = json.loads(body)
            update = Update.de_json(data, application.bot)
        except Exception as exc:  # any malformed body is the sender's problem, not ours
            log.warning("rejected a malformed telegram update: %s", type(exc).__name__)
            return Response(status_code=400)
        if inbox is not None:
            try:
                payload = body.decode()
            except UnicodeDecodeError:  # JSON in UTF-16 or -32: rare enough to re-encode
                payload = json.dumps(data)
            if await inbox.keep(event_key(update.update_id), payload) is False:
                return Response(status_code=200)  # a re-delivery: its first copy is answered
        # Processing happens in the Application's own task, so Telegram gets its 200 fast.
        await application.update_queue.put(update)
        return Response(status_code=200)

    return [Route(WEBHOOK_PATH, webhook, methods=["POST"])]


def resume_into(application: AnyApplication) -> Callable[[InboxItem], Awaitable[None]]:
    """How the inbox hands a taken-over update to the Application: queued like a new one."""

    async def resume(item: InboxItem) -> None:
        await application.update_queue.put(
            Update.de_json(json.loads(item.payload), application.bot))

    return resume


@contextlib.asynccontextmanager
async def webhook_running(application: AnyApplication, *, url: str, secret: str | None,
                          inbox: Inbox | None = None) -> AsyncIterator[None]:
    """For the web server's lifespan: getMe, commands, setWebhook, start (and the inbox's
    sweeper); at the end, finish queued updates and close the HTTP pool (the webhook stays
    set)."""
    async with application:
        await set_commands(application.bot)
        if not secret:
            log.warning("TELEGRAM_WEBHOOK_URL is set without TELEGRAM_WEBHOOK_SECRET: "
                        "the webhook route refuses every update until a secret is set")
        await application.bot.set_webhook(url=url, secret_token=secret,
                                          allowed_updates=list(ALLOWED_UPDATES))
        log.info("telegram webhook set")
        await application.start()
        if inbox is None:
            try:
                yield
            finally:
                await application.stop()
            return
        async with inbox.running(resume_into(application), stopping=application.stop):
            yield
