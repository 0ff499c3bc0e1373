"""Socket Mode: Slack's events over a WebSocket we open, so no public URL is needed."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from adapters.channels.slack.transport import shared_session


async def run_socket_mode(app: AsyncApp, app_token: str) -> None:
    """Connect and serve until cancelled."""
    handler = AsyncSocketModeHandler(app, app_token)
    async with shared_session(app.client):
        try:
            await handler.start_async()  # type: ignore[no-untyped-call]
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]
