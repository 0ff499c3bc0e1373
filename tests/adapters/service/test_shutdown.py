"""SIGTERM: stop taking requests, but finish the answers already accepted, then close."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from tests.fakes.knowledge import write_small_kb
from tests.fakes.servers import (
    SLACK_SIGNING_SECRET,
    TELEGRAM_SECRET,
    platform_env,
    start_server,
)
from tests.fakes.slack_api import FakeSlack, SignedRequests
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.telegram_updates import message as tg_message
from tests.fakes.telegram_updates import next_update_id, private_chat, user

pytestmark = pytest.mark.heavy

N = 30
# Slow platform APIs keep the answers in flight when SIGTERM arrives. Slack's are slower:
# its answers run after the request was acknowledged, outside anything uvicorn waits for.
TELEGRAM_DELAY = 0.3
SLACK_DELAY = 1.5


class SlowTelegram(FakeBotApi):
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info.get("method") == "sendMessage":
            await asyncio.sleep(TELEGRAM_DELAY)
        return await super()._handle(request)


class SlowSlack(FakeSlack):
    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info.get("method") == "chat.postMessage":
            await asyncio.sleep(SLACK_DELAY)
        return await super()._api(request)


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[SlowTelegram, SlowSlack]]:
    async with SlowTelegram() as telegram, SlowSlack() as slack:
        yield telegram, slack


async def test_sigterm_finishes_accepted_answers_then_exits(
    tmp_path: Path, fakes: tuple[SlowTelegram, SlowSlack]
) -> None:
    telegram, slack = fakes
    server = start_server({
        "DATABASE_URL": f"sqlite:///{tmp_path / 'careerbot.sqlite3'}",
        "CAREERBOT_KNOWLEDGE_DIR": str(write_small_kb(tmp_path / "kb")),
        **platform_env(telegram=telegram, slack=slack),
    }, tmp_path, name="serve")
    try:
        await server.wait_healthy()
        signer = SignedRequests(SLACK_SIGNING_SECRET, slack)
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            # Bolt looks the bot up once (auth.test); do it before the measured part.
            body, headers, _ = signer.event(signer.dm("hello", user="UWARM", channel="DWARM"))
            assert (await client.post("/slack/events", content=body, headers=headers)).is_success
            await slack.wait_for(lambda f: f.posted("chat.postMessage"), what="warm-up answer")

            async def slack_event(i: int) -> int:
                body, headers, _ = signer.event(
                    signer.dm("what is docker", user=f"U{i:04d}", channel=f"D{i:04d}"))
                return (await client.post("/slack/events", content=body,
                                          headers=headers)).status_code

            async def telegram_update(i: int) -> int:
                person = user(50_000 + i)
                update = {"update_id": next_update_id(),
                          "message": tg_message("what is docker", sender=person,
                                                chat=private_chat(person))}
                return (await client.post(
                    "/telegram/webhook", content=json.dumps(update).encode(),
                    headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                             "Content-Type": "application/json"})).status_code

            codes = await asyncio.gather(*(slack_event(i) for i in range(N)),
                                         *(telegram_update(i) for i in range(N)))
        assert set(codes) == {200}
        await server.sigterm()
    finally:
        code = server.terminate()
    log = server.log()
    assert code in (0, -signal.SIGTERM), log
    assert "stopped" in log and "Traceback" not in log
    slack_answered = {c.data["channel"] for c in slack.posted("chat.postMessage")} - {"DWARM"}
    assert len(slack_answered) == N
    assert len({p["chat_id"] for p in telegram.sent}) == N
