"""Alerts to Slack channels and DMs: chat.postMessage with Block Kit, paced, 429 retried."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.channels.slack.render import render
from adapters.service.alerts import Pacer
from bot.messages import Reply
from bot.ports import NotifierError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
MAX_RETRY_AFTER = 120.0
# Errors that will not go away by trying again later.
PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "account_inactive", "user_not_found",
    "invalid_auth", "not_authed", "token_revoked", "missing_scope", "restricted_action",
})


class SlackNotifier:
    def __init__(self, client: AsyncWebClient, *, pacer: Pacer | None = None) -> None:
        self.client = client
        self.pacer = pacer or Pacer(interval=1.0)

    @classmethod
    def from_token(cls, token: str, *, api_url: str = "https://slack.com/api/") -> SlackNotifier:
        return cls(AsyncWebClient(token=token, base_url=api_url))

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        for reply in replies:
            for message in render(reply):
                await self._post(chat_id, message.payload())

    async def _post(self, channel: str, payload: dict[str, object]) -> None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await self.pacer.wait(channel)
            try:
                await self.client.chat_postMessage(channel=channel, unfurl_links=False,
                                                   **payload)  # type: ignore[arg-type]
                return
            except SlackApiError as exc:
                status = exc.response.status_code
                error = str(exc.response.get("error", ""))
                if status == 429:
                    wait = float(exc.response.headers.get("Retry-After", "1") or 1)
                    if wait > MAX_RETRY_AFTER or attempt == MAX_ATTEMPTS:
                        raise
                    log.info("slack asks to wait %.0fs before posting again", wait)
                    self.pacer.backoff(channel, wait)
                    continue
                if error in PERMANENT:
                    raise NotifierError(f"slack: {error}") from exc
                raise
