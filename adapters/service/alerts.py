"""Alert runs from the runtime: the store for its database, notifiers for its platforms, pacing."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.alerts import AlertStats, run_alerts_once
from bot.memory import MemoryAlertStore, MemoryStore
from bot.messages import Reply
from bot.ports import AlertStore, Notifier, NotifierError

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime

log = logging.getLogger(__name__)

NotifierFactory = Callable[["Runtime"], Notifier]
# Sends remembered per chat: enough for any per-minute limit we pace to.
HISTORY = 64


class Pacer:
    """Waits before each send so a chat gets at most one message per `interval` seconds and
    at most `per_minute` in any 60 seconds (Telegram groups: 20)."""

    def __init__(self, *, interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._sent: dict[str, deque[float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, chat: str, *, per_minute: int | None = None) -> None:
        lock = self._locks.setdefault(chat, asyncio.Lock())
        async with lock:
            history = self._sent.setdefault(chat, deque(maxlen=HISTORY))
            while True:
                now = self.clock()
                delay = 0.0
                if history:
                    delay = max(delay, history[-1] + self.interval - now)
                if per_minute and len(history) >= per_minute:
                    delay = max(delay, history[-per_minute] + 60.0 - now)
                if delay <= 0:
                    break
                await self.sleep(delay)
            history.append(self.clock())

    def backoff(self, chat: str, seconds: float) -> None:
        """The platform said wait: push this chat's next slot back."""
        history = self._sent.setdefault(chat, deque(maxlen=HISTORY))
        history.append(self.clock() + seconds - self.interval)


@dataclass
class RecordingNotifier:
    """Keeps what would have been sent (tests, `alerts run --dry-run`)."""

    sent: list[tuple[str, str, list[Reply]]] = field(default_factory=list)

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        self.sent.append((platform, chat_id, list(replies)))


class ConsoleNotifier:
    """Prints alerts for chats of the terminal front end."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console

        self.console = console or Console()

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        from adapters.channels.console.render import print_replies

        self.console.print(f"[bold]alert for {platform}:{chat_id}[/bold]")
        print_replies(self.console, list(replies))


class PlatformNotifier:
    """Sends each alert with the notifier of its platform; unknown platforms fail for good."""

    def __init__(self, notifiers: dict[str, Notifier]) -> None:
        self.notifiers = notifiers

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        notifier = self.notifiers.get(platform)
        if notifier is None:
            raise NotifierError(f"no notifier configured for {platform!r}")
        await notifier.send(platform, chat_id, replies)

    async def aclose(self) -> None:
        for n in self.notifiers.values():
            closer = getattr(n, "aclose", None)
            if closer is not None:
                await closer()


def notifier_factory(runtime: Runtime) -> Notifier:
    """Notifiers for every platform the settings configure (a token each), plus the console."""
    settings = runtime.settings
    notifiers: dict[str, Notifier] = {"console": ConsoleNotifier()}
    token = settings.secret(settings.telegram_bot_token)
    if token:
        from adapters.channels.telegram.notify import TelegramNotifier

        notifiers["telegram"] = TelegramNotifier.from_token(
            token, base_url=settings.telegram_api_base_url)
    slack = settings.secret(settings.slack_bot_token)
    if slack:
        from adapters.channels.slack.notify import SlackNotifier

        notifiers["slack"] = SlackNotifier.from_token(slack, api_url=settings.slack_api_url)
    return PlatformNotifier(notifiers)


def alert_store(runtime: Runtime) -> AlertStore:
    """The runtime's database as an alert store (SQL storage, or the in-memory store)."""
    from storage import Storage

    for res in runtime.resources:
        if isinstance(res, Storage):
            from storage.alerts import SqlAlertStore

            return SqlAlertStore(res)
    owner = getattr(runtime.bot.uow_factory, "__self__", None)
    if isinstance(owner, MemoryStore):
        return MemoryAlertStore(owner)
    raise RuntimeError("this runtime has no storage to keep track of alerts")


@dataclass(kw_only=True)
class AlertRunResult:
    stats: AlertStats
    # Messages sent per platform: what the worker counts in its metrics.
    sent: dict[str, int] = field(default_factory=dict)


class _Counting:
    def __init__(self, inner: Notifier) -> None:
        self.inner = inner
        self.sent: dict[str, int] = {}

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        await self.inner.send(platform, chat_id, replies)
        self.sent[platform] = self.sent.get(platform, 0) + 1


async def run_alerts(runtime: Runtime, notifier_factory: NotifierFactory = notifier_factory
                     ) -> AlertRunResult:
    """One alert pass over every subscription; the worker calls this periodically."""
    store = alert_store(runtime)
    notifier = notifier_factory(runtime)
    counting = _Counting(notifier)
    try:
        stats = await run_alerts_once(store, counting, runtime.kb.skills)
    finally:
        closer = getattr(notifier, "aclose", None)
        if closer is not None:
            await closer()
    if stats.messages or stats.errors:
        log.info("alerts: %s", stats.as_dict())
    return AlertRunResult(stats=stats, sent=counting.sent)
