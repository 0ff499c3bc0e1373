"""Alerts to Telegram chats: PTB Bot.send_message with our HTML rendering, paced, 429 retried."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from adapters.channels.telegram.render import render
from adapters.service.alerts import Pacer
from bot.messages import Reply
from bot.ports import NotifierError

log = logging.getLogger(__name__)

# Telegram: about one message per second per chat, and 20 per minute in a group.
GROUP_PER_MINUTE = 20
MAX_ATTEMPTS = 4
# Longer waits than this are not worth holding an alert run for; the next run retries.
MAX_RETRY_AFTER = 120.0


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramNotifier:
    def __init__(self, bot: Bot, *, pacer: Pacer | None = None) -> None:
        self.bot = bot
        self.pacer = pacer or Pacer(interval=1.0)
        self._started = False

    @classmethod
    def from_token(cls, token: str, *, base_url: str = "https://api.telegram.org/bot"
                   ) -> TelegramNotifier:
        return cls(Bot(token=token, base_url=base_url))

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        if not self._started:
            await self.bot.initialize()
            self._started = True
        # Group and channel ids are negative; they have the per-minute limit.
        per_minute = GROUP_PER_MINUTE if chat_id.startswith("-") else None
        for reply in replies:
            for text, markup in render(reply):
                await self._send(chat_id, text, markup, per_minute)

    async def _send(self, chat_id: str, text: str, markup: object,
                    per_minute: int | None) -> None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await self.pacer.wait(chat_id, per_minute=per_minute)
            try:
                await self.bot.send_message(
                    chat_id=chat_id, text=text, parse_mode=ParseMode.HTML,
                    reply_markup=markup,  # type: ignore[arg-type]
                    link_preview_options=None, disable_notification=False,
                )
                return
            except RetryAfter as exc:
                # The timedelta PTB keeps, read without its int-deprecation warning.
                raw = getattr(exc, "_retry_after", None)
                wait = _seconds(raw if isinstance(raw, timedelta) else exc.retry_after)
                if wait > MAX_RETRY_AFTER or attempt == MAX_ATTEMPTS:
                    raise
                log.info("telegram asks to wait %.0fs before writing to a chat again", wait)
                self.pacer.backoff(chat_id, wait)
            except Forbidden as exc:
                raise NotifierError(f"telegram: the bot cannot write to this chat ({exc})") from exc
            except BadRequest as exc:
                if "chat not found" in str(exc).lower():
                    raise NotifierError(f"telegram: {exc}") from exc
                raise
            except TelegramError:
                if attempt == MAX_ATTEMPTS:
                    raise
                await self.pacer.sleep(float(attempt))

    async def aclose(self) -> None:
        if self._started:
            await self.bot.shutdown()
            self._started = False
