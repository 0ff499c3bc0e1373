"""Alerts to Slack channels and DMs: chat.postMessage with Block Kit; 429s waited out by slack_sdk."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.channels.slack.render import render
from adapters.channels.slack.transport import DEFAULT_API_URL, close_session, open_session, web_client
from bot.messages import Reply
from bot.ports import NotifierError

# Errors that will not go away by trying again later.
PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "account_inactive", "user_not_found",
    "invalid_auth", "not_authed", "token_revoked", "missing_scope", "restricted_action",
})


class SlackNotifier:
    """Retries (connection drops, 429 with Retry-After) are the client's retry handlers' job."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    @classmethod
    def from_token(cls, token: str, *, api_url: str = DEFAULT_API_URL) -> SlackNotifier:
        return cls(web_client(token, api_url))

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        await open_session(self.client)
        for reply in replies:
            for message in render(reply):
                try:
                    await self.client.chat_postMessage(channel=chat_id, unfurl_links=False,
                                                       **message.payload())
                except SlackApiError as exc:
                    error = str(exc.response.get("error", ""))
                    if error in PERMANENT:
                        raise NotifierError(f"slack: {error}") from exc
                    raise

    async def aclose(self) -> None:
        await close_session(self.client)
