"""The Slack channel as the composition root and the service see it (see channels/base.py)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from adapters.channels.base import Mount, Runner, Unavailable
from adapters.settings import Settings

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from adapters.channels.slack.notify import SlackNotifier
    from bot.dialogue import Bot

log = logging.getLogger(__name__)


async def _nothing() -> None:
    return None


class SlackChannel:
    """Events over HTTP under `careerbot serve`, Socket Mode on its own or in the worker, alerts."""

    name = "slack"

    def __init__(self, settings: Settings) -> None:
        # slack_bolt and slack_sdk are imported only when something here is built.
        self.settings = settings
        self.token = settings.secret(settings.slack_bot_token)
        self.signing_secret = settings.secret(settings.slack_signing_secret)
        self.app_token = settings.secret(settings.slack_app_token)

    def app(self, bot: Bot, *, signing_secret: str | None) -> AsyncApp:
        from adapters.channels.slack.app import build_slack_app
        from adapters.channels.slack.transport import web_client

        if not self.token:
            raise RuntimeError("SLACK_BOT_TOKEN is not set")
        client = web_client(self.token, self.settings.slack_api_url)
        return build_slack_app(bot, client, signing_secret=signing_secret)

    def mount(self, bot: Bot) -> Mount | Unavailable:
        if not self.token:
            return Unavailable(reason="Slack not mounted: SLACK_BOT_TOKEN is not set")
        if not self.signing_secret:
            return Unavailable(reason="Slack not mounted: SLACK_SIGNING_SECRET is not set "
                                      "(Socket Mode runs in `careerbot worker` with SLACK_APP_TOKEN)")
        from adapters.channels.inbox import Inbox
        from adapters.channels.slack.app import SlackFrontEnd, build_slack_app, slack_routes
        from adapters.channels.slack.transport import shared_session, web_client

        client = web_client(self.token, self.settings.slack_api_url)
        # Acknowledged requests are kept until answered (adapters/channels/inbox.py).
        front = SlackFrontEnd(bot, client, inbox=Inbox(bot.uow_factory, self.name)
                              if bot.uow_factory is not None else None)
        app = build_slack_app(bot, client, signing_secret=self.signing_secret, front=front,
                              verified_before=True)

        @contextlib.asynccontextmanager
        async def running() -> AsyncIterator[None]:
            async with shared_session(client):
                if front.inbox is None:
                    yield
                    return
                # Slack's answers run in tasks the service drains before this block ends.
                async with front.inbox.running(front.resume, stopping=_nothing):
                    yield

        return Mount(routes=slack_routes(app, signing_secret=self.signing_secret),
                     running=running)

    def runner(self, bot: Bot, *, standalone: bool) -> Runner | None:
        if not self.token or not self.app_token:
            log.info("Slack Socket Mode not started: SLACK_APP_TOKEN is not set")
            return None
        from adapters.channels.slack.socket_mode import run_socket_mode

        app = self.app(bot, signing_secret=None)
        app_token = self.app_token

        async def run() -> None:
            log.info("Slack Socket Mode: connecting")
            await run_socket_mode(app, app_token)

        return run

    def notifier(self) -> SlackNotifier | None:
        if not self.token:
            return None
        from adapters.channels.slack.notify import SlackNotifier

        return SlackNotifier.from_token(self.token, api_url=self.settings.slack_api_url)
