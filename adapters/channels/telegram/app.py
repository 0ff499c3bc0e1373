"""The python-telegram-bot Application: one catch-all handler that converts, asks, sends."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
import time
import urllib.request
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

import aiohttp
from telegram import Bot as TgBot
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    TypeHandler,
)
from telegram.request import BaseRequest, RequestData

from adapters.channels.telegram.convert import to_message
from adapters.channels.telegram.render import esc, render
from adapters.settings import Settings
from bot.messages import ChatType, Message, Reply

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime

log = logging.getLogger(__name__)

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
# How long a group's list of administrators is trusted before Telegram is asked again.
ADMINS_TTL = 600.0
# RetryAfter is waited out and retried this many times before the send gives up.
MAX_RETRIES = 3
CONCURRENT_UPDATES = 16
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# PTB's defaults for the bot's own requests (ApplicationBuilder with HTTPXRequest).
POOL_SIZE = 256
READ_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
# "Not given" timeouts arrive as PTB's DefaultValue instances.
_DEFAULT = type(BaseRequest.DEFAULT_NONE)


class AiohttpRequest(BaseRequest):
    """PTB's transport for Bot API calls on an aiohttp session with keep-alive connections.

    Same requests, timeouts and errors as PTB's default HTTPXRequest, at about a quarter of its
    CPU per call: httpx/httpcore/anyio were the largest cost of answering a Telegram update
    (its pool checks every idle connection's socket on each request).
    """

    def __init__(self, *, pool_size: int = POOL_SIZE, read_timeout: float = READ_TIMEOUT,
                 connect_timeout: float = CONNECT_TIMEOUT,
                 pool_timeout: float = POOL_TIMEOUT) -> None:
        self.pool_size = pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # Proxies from HTTPS_PROXY etc., as httpx honours them; only when some are set,
            # since aiohttp's trust_env costs two thread-pool hops per request.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool_size),
                trust_env=bool(urllib.request.getproxies_environment()),
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, _DEFAULT) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, _DEFAULT) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, _DEFAULT) else pool_timeout
        # aiohttp's `connect` covers waiting for a free pooled connection plus connecting.
        timeout = aiohttp.ClientTimeout(
            total=None, sock_read=read, sock_connect=connect,
            connect=None if connect is None or pool is None else connect + pool)
        data: Any = None
        if request_data is not None:
            data = request_data.json_parameters
            files = request_data.multipart_data
            if files:
                form = aiohttp.FormData(data)
                for name, (filename, content, mimetype) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                data = form
        try:
            async with session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            # The class name says most when the message is empty.
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats run concurrently; one chat's updates run in order, like a conversation."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:
                del self._waiting[chat.id]
                self._locks.pop(chat.id, None)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


class RedactToken(logging.Filter):
    """Bot API URLs contain the token (httpx logs every request URL); never let it reach a log."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "<token>")
            record.args = ()
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = text.replace(self.token, "<token>")
        elif record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "<token>")
        return True


def install_redaction(token: str) -> None:
    """Attach the redacting filter to every logger that may see a Bot API URL, and root handlers."""
    filt = RedactToken(token)
    names = [n for n in list(logging.root.manager.loggerDict)
             if n.split(".")[0] in ("httpx", "httpcore", "telegram", "adapters")]
    for name in ["httpx", "telegram", *names]:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactToken) and f.token == token for f in logger.filters):
            logger.addFilter(filt)
    for handler in logging.root.handlers:
        if not any(isinstance(f, RedactToken) and f.token == token for f in handler.filters):
            handler.addFilter(filt)


class ChatAdmins:
    """Who administers each group, asked of Telegram at most once per chat every ADMINS_TTL."""

    def __init__(self, ttl: float = ADMINS_TTL) -> None:
        self.ttl = ttl
        self._cache: dict[int, tuple[float, frozenset[int]]] = {}

    async def is_admin(self, bot: TgBot, chat_id: int, user_id: int) -> bool:
        now = time.monotonic()
        hit = self._cache.get(chat_id)
        if hit is None or now - hit[0] > self.ttl:
            try:
                members = await bot.get_chat_administrators(chat_id)
            except TelegramError as exc:
                log.warning("could not read the administrators of a group: %s", type(exc).__name__)
                return False
            hit = (now, frozenset(m.user.id for m in members))
            self._cache[chat_id] = hit
        return user_id in hit[1]


async def send_replies(bot: TgBot, update: Update, message: Message, replies: list[Reply]) -> None:
    """Send each reply; in groups the first message of a reply quotes the asker's message."""
    asked = update.message
    group = message.chat_type is ChatType.GROUP
    thread = _thread_id(update)
    for reply in replies:
        if reply.private and group:
            await _send_private(bot, message, reply, asked_id=asked.message_id if asked else None,
                                thread=thread)
            continue
        for i, (text, markup) in enumerate(render(reply)):
            quote = (
                ReplyParameters(message_id=asked.message_id, allow_sending_without_reply=True)
                if i == 0 and asked is not None and group
                else None
            )
            await bot.send_message(
                chat_id=message.chat_id, text=text, parse_mode=ParseMode.HTML, reply_markup=markup,
                reply_parameters=quote, link_preview_options=_NO_PREVIEW,
                message_thread_id=thread,
            )


def _thread_id(update: Update) -> int | None:
    """In forum groups, answers stay in the topic (thread) where the person asked."""
    origin = update.effective_message
    if origin is None or not getattr(origin, "is_topic_message", False):
        return None
    return origin.message_thread_id


async def _send_private(
    bot: TgBot, message: Message, reply: Reply, *, asked_id: int | None, thread: int | None
) -> None:
    """Private replies asked for in a group go to the person's private chat, if they opened one."""
    try:
        for text, markup in render(reply):
            await bot.send_message(chat_id=message.user_id, text=text, parse_mode=ParseMode.HTML,
                                   reply_markup=markup, link_preview_options=_NO_PREVIEW)
        return
    except Forbidden:
        pass  # Telegram lets a bot write only to people who started a chat with it.
    link = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Open a private chat", url=f"https://t.me/{bot.username}")]]
    )
    await bot.send_message(
        chat_id=message.chat_id,
        text=esc("I can answer that only in a private chat. Open one with me, press Start, "
                 "and ask again there."),
        parse_mode=ParseMode.HTML,
        reply_markup=link,
        reply_parameters=(ReplyParameters(message_id=asked_id, allow_sending_without_reply=True)
                          if asked_id is not None else None),
        message_thread_id=thread,
    )


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


def _post_init(
    settings: Settings, *, webhook: bool
) -> Callable[[Application[Any, Any, Any, Any, Any, Any]], Coroutine[Any, Any, None]]:
    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
        url = settings.telegram_webhook_url
        if webhook and url:
            secret = Settings.secret(settings.telegram_webhook_secret)
            if not secret:
                log.warning("TELEGRAM_WEBHOOK_URL is set without TELEGRAM_WEBHOOK_SECRET: "
                            "the webhook route refuses every update until a secret is set")
            await application.bot.set_webhook(
                url=url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES),
            )
            log.info("telegram webhook set")
    return post_init


def build_application(
    runtime: Runtime,
    *,
    token: str,
    base_url: str = "https://api.telegram.org/bot",
    webhook: bool,
    concurrent_updates: int = CONCURRENT_UPDATES,
    max_retries: int = MAX_RETRIES,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The Application for this runtime; nothing talks to Telegram until it is initialized."""
    # Before the Bot exists: it logs its URL, token included, at DEBUG when it is created.
    install_redaction(token)
    builder = (
        ApplicationBuilder()
        .token(token)
        # PTB appends the token to base_url ("…/bot" + token) unless it contains "{token}".
        .base_url(base_url)
        .request(AiohttpRequest())
        .rate_limiter(AIORateLimiter(max_retries=max_retries))
        .concurrent_updates(PerChatUpdateProcessor(concurrent_updates))
        .post_init(_post_init(runtime.settings, webhook=webhook))
    )
    if webhook:
        # Updates arrive through our own web server (adapters.channels.telegram.web), not an Updater.
        builder = builder.updater(None)
    application = builder.build()
    admins = ChatAdmins()

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = to_message(update, bot_username=context.bot.username)
        if update.callback_query is not None:
            # Stops the button's spinner; a duplicate delivery's second answer is refused.
            with contextlib.suppress(BadRequest):
                await update.callback_query.answer()
        if message is None:
            return
        if message.chat_type is ChatType.GROUP and message.text.startswith("/"):
            # Group settings (e.g. a digest) are for the group's admins; only commands can
            # change them, so only commands cost the lookup.
            message = dataclasses.replace(message, chat_admin=await admins.is_admin(
                context.bot, int(message.chat_id), int(message.user_id)))
        replies = await runtime.bot.handle(message)
        await send_replies(context.bot, update, message, replies)

    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(on_error)
    return application


AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def application_from_settings(runtime: Runtime, *, webhook: bool) -> AnyApplication | None:
    """The Application configured from the runtime's settings, or None without a bot token."""
    token = Settings.secret(runtime.settings.telegram_bot_token)
    if not token:
        return None
    return build_application(runtime, token=token, base_url=runtime.settings.telegram_api_base_url,
                             webhook=webhook)


async def start_polling(application: AnyApplication, *, poll_timeout: int = 10) -> None:
    """initialize → post_init → long polling → start; the explicit form of run_polling()."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    if application.updater is None:
        raise RuntimeError("this Application was built for webhooks; build it with webhook=False")
    await application.updater.start_polling(
        timeout=poll_timeout, allowed_updates=list(ALLOWED_UPDATES),
        error_callback=_polling_error,
    )
    await application.start()


async def stop_polling(application: AnyApplication) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


def _polling_error(exc: TelegramError) -> None:
    # Network trouble while polling: the Updater retries by itself; keep the log short.
    log.warning("telegram polling failed, retrying: %s", type(exc).__name__)


async def run_polling(settings: Settings, *, stop: asyncio.Event | None = None,
                      poll_timeout: int = 10) -> None:
    """`careerbot run telegram`: long polling until SIGINT/SIGTERM (or `stop` is set)."""
    from adapters.bootstrap import build

    runtime = await build(settings)
    try:
        application = application_from_settings(runtime, webhook=False)
        if application is None:
            raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
        if stop is None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(sig, stop.set)
        if settings.telegram_webhook_url:
            log.warning("polling removes the webhook at TELEGRAM_WEBHOOK_URL; "
                        "`careerbot serve` sets it again on its next start")
        await start_polling(application, poll_timeout=poll_timeout)
        log.info("telegram bot @%s is polling; Ctrl-C stops", application.bot.username)
        try:
            await stop.wait()
        finally:
            await stop_polling(application)
    finally:
        await runtime.close()
