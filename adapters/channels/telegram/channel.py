"""The Telegram channel as the composition root and the service see it (see channels/base.py)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from adapters.channels.base import Mount, Runner, Unavailable
from adapters.settings import Settings

if TYPE_CHECKING:
    from adapters.channels.inbox import Inbox
    from adapters.channels.telegram.app import AnyApplication
    from adapters.channels.telegram.notify import TelegramNotifier
    from bot.dialogue import Bot

log = logging.getLogger(__name__)


class TelegramChannel:
    """Webhook under `careerbot serve`, long polling under `careerbot run telegram`, alerts."""

    name = "telegram"

    def __init__(self, settings: Settings) -> None:
        # python-telegram-bot is imported only when something here is built.
        self.settings = settings
        self.token = Settings.secret(settings.telegram_bot_token)

    def application(self, bot: Bot, *, webhook: bool, inbox: Inbox | None = None
                    ) -> AnyApplication:
        from adapters.channels.telegram.app import build_application

        if not self.token:
            raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
        return build_application(bot, token=self.token, base_url=self.settings.telegram_api_base_url,
                                 webhook=webhook, inbox=inbox)

    def mount(self, bot: Bot) -> Mount | Unavailable:
        url = self.settings.telegram_webhook_url
        if not self.token:
            return Unavailable(reason="Telegram not mounted: TELEGRAM_BOT_TOKEN is not set")
        if not url:
            return Unavailable(reason="Telegram not mounted: TELEGRAM_WEBHOOK_URL is not set "
                                      "(use `careerbot run telegram` to poll instead)")
        from adapters.channels.inbox import Inbox
        from adapters.channels.telegram.app import webhook_routes, webhook_running

        # Acknowledged updates are kept until answered (adapters/channels/inbox.py).
        inbox = Inbox(bot.uow_factory, self.name) if bot.uow_factory is not None else None
        application = self.application(bot, webhook=True, inbox=inbox)
        secret = Settings.secret(self.settings.telegram_webhook_secret)
        return Mount(routes=webhook_routes(application, secret=secret, inbox=inbox),
                     running=lambda: webhook_running(application, url=url, secret=secret,
                                                     inbox=inbox))

    def runner(self, bot: Bot, *, standalone: bool) -> Runner | None:
        # Polling beside `serve` would take the webhook away from it: only on its own.
        if not standalone or not self.token:
            return None
        from adapters.channels.telegram.polling import poll

        application = self.application(bot, webhook=False)

        async def run() -> None:
            if self.settings.telegram_webhook_url:
                log.warning("polling removes the webhook at TELEGRAM_WEBHOOK_URL; "
                            "`careerbot serve` sets it again on its next start")
            await poll(application)

        return run

    def notifier(self) -> TelegramNotifier | None:
        if not self.token:
            return None
        from adapters.channels.telegram.notify import TelegramNotifier

        return TelegramNotifier.from_token(self.token, base_url=self.settings.telegram_api_base_url)
