"""Who administers each Telegram group, cached so only commands in groups cost a lookup."""

from __future__ import annotations

import logging
import time

from telegram import Bot
from telegram.error import TelegramError

log = logging.getLogger(__name__)

# How long a group's list of administrators is trusted before Telegram is asked again.
ADMINS_TTL = 600.0


class ChatAdmins:
    """Who administers each group, asked of Telegram at most once per chat every ADMINS_TTL."""

    def __init__(self, ttl: float = ADMINS_TTL) -> None:
        self.ttl = ttl
        self._cache: dict[int, tuple[float, frozenset[int]]] = {}

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool:
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
