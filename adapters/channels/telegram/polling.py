"""Long polling (`careerbot run telegram`): PTB's Updater asks Telegram for updates."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram.error import TelegramError

from adapters.channels.telegram.app import ALLOWED_UPDATES, AnyApplication, set_commands

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10


@contextlib.asynccontextmanager
async def polling(application: AnyApplication, *, poll_timeout: int = POLL_TIMEOUT
                  ) -> AsyncIterator[None]:
    """Updates are fetched and answered inside the block; the steps of PTB's run_polling()."""
    updater = application.updater
    if updater is None:
        raise RuntimeError("this Application was built for webhooks; build it with webhook=False")
    async with application:
        await set_commands(application.bot)
        await updater.start_polling(timeout=poll_timeout, allowed_updates=list(ALLOWED_UPDATES),
                                    error_callback=_polling_error)
        try:
            await application.start()
            yield
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()


async def poll(application: AnyApplication) -> None:
    """Answer by long polling until cancelled."""
    async with polling(application):
        log.info("telegram bot @%s is polling; Ctrl-C stops", application.bot.username)
        await asyncio.get_running_loop().create_future()


def _polling_error(exc: TelegramError) -> None:
    # Network trouble while polling: the Updater retries by itself; keep the log short.
    log.warning("telegram polling failed, retrying: %s", type(exc).__name__)
