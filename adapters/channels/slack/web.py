"""The HTTP endpoint Slack calls: POST /slack/events for events, commands and interactivity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

EVENTS_PATH = "/slack/events"


def slack_routes(app: AsyncApp) -> list[Route]:
    """Bolt verifies X-Slack-Signature (401 when forged or older than five minutes) and
    answers Slack's url_verification challenge itself."""
    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return [Route(EVENTS_PATH, events, methods=["POST"], name="slack_events")]
