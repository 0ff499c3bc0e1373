"""Slack through the application of `careerbot serve` (adapters.web), configured from settings."""

from __future__ import annotations

from pathlib import Path

import httpx
from pydantic import SecretStr

from adapters.bootstrap import Runtime, build_bot
from adapters.service.app import create_app
from adapters.settings import Settings
from bot.knowledge import load_knowledge
from bot.memory import MemoryStore
from tests.adapters.channels.slack.conftest import SECRET
from tests.fakes.servers import serve_asgi
from tests.fakes.slack_api import FakeSlack, SignedRequests


async def test_serve_mounts_slack_events_from_settings(
    knowledge_dir: Path, fake_slack: FakeSlack,
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, slack_bot_token=SecretStr("xoxb-serve"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake_slack.api_url, careerbot_knowledge_dir=knowledge_dir,
    )
    kb = load_knowledge(knowledge_dir)
    runtime = Runtime(settings=settings, kb=kb,
                      bot=build_bot(kb, MemoryStore(list(kb.openings)).uow))
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
