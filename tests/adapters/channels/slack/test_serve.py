"""Slack through the application of `careerbot serve` (adapters.web), configured from settings."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from adapters.bootstrap import build
from adapters.service.app import create_app
from bot.memory import MemoryStore
from tests.adapters.channels.slack.conftest import SECRET, slack_settings
from tests.fakes.servers import serve_asgi
from tests.fakes.slack_api import FakeSlack, SignedRequests

pytestmark = pytest.mark.heavy


async def test_serve_mounts_slack_events_from_settings(
    knowledge_dir: Path, fake_slack: FakeSlack,
) -> None:
    settings = slack_settings(knowledge_dir, fake_slack, slack_bot_token=SecretStr("xoxb-serve"))
    # The app's lifespan closes the runtime.
    runtime = await build(settings, store=MemoryStore())
    signed = SignedRequests(SECRET, fake_slack)
    async with serve_asgi(create_app(runtime), lifespan="on") as base_url, \
            httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        health = await http.get("/healthz")
        assert "slack" in health.json()["frontends"]
        body, headers, _ = signed.event(signed.dm("what is docker?"))
        resp = await http.post("/slack/events", content=body, headers=headers)
        assert resp.status_code == 200
        [post] = await fake_slack.wait_for(lambda f: f.posted("chat.postMessage"),
                                           what="the answer")
        assert post.data["channel"] == "D0ALICE"
        forged = await http.post("/slack/events", content=body,
                                 headers={**headers, "X-Slack-Signature": "v0=bad"})
        assert forged.status_code == 401
