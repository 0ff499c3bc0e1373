"""Alerts to Telegram chats: our HTML rendering, sent within Telegram's limits by PTB's rate limiter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import ExtBot

from adapters.channels.telegram.client import ext_bot
from adapters.channels.telegram.render import render
from bot.messages import Reply
from bot.ports import NotifierError


class TelegramNotifier:
    """Pacing and waiting out a RetryAfter are the client's rate limiter's job (client.py)."""

    def __init__(self, bot: ExtBot[Any]) -> None:
        self.bot = bot
        self._started = False

    @classmethod
    def from_token(cls, token: str, *, base_url: str = "https://api.telegram.org/bot"
                   ) -> TelegramNotifier:
        return cls(ext_bot(token, base_url))

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        if not self._started:
            await self.bot.initialize()
            self._started = True
        for reply in replies:
            for text, markup in render(reply):
                try:
                    await self.bot.send_message(
                        chat_id=chat_id, text=text, parse_mode=ParseMode.HTML,
                        reply_markup=markup, disable_notification=False,
                    )
                except Forbidden as exc:
                    raise NotifierError(
                        f"telegram: the bot cannot write to this chat ({exc})") from exc
                except BadRequest as exc:
                    if "chat not found" in str(exc).lower():
                        raise NotifierError(f"telegram: {exc}") from exc
                    raise

    async def aclose(self) -> None:
        if self._started:
            await self.bot.shutdown()
            self._started = False
