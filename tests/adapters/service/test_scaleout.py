"""Two `careerbot serve` processes on one PostgreSQL: every event answered exactly once."""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.knowledge import write_small_kb
from tests.fakes.postgres import PgServer, new_pg_database
from tests.fakes.servers import (
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    TELEGRAM_SECRET,
    Server,
    platform_env,
    start_server,
)
from tests.fakes.slack_api import FakeSlack, SignedRequests
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.telegram_updates import message as tg_message
from tests.fakes.telegram_updates import next_update_id, private_chat, user

pytestmark = pytest.mark.heavy

# Each event and its retry race to the two processes (sixteen requests in flight): a hundred
# such races per platform prove what two hundred did.
EVENTS = 100
QUESTIONS = ("hello", "what is docker", "what does kubernetes do", "help",
             "how do I bake sourdough bread")


@pytest.fixture
def fakes(fake_telegram: FakeBotApi, fake_slack: FakeSlack) -> tuple[FakeBotApi, FakeSlack]:
    return fake_telegram, fake_slack


@pytest.fixture
async def servers(
    pg_server: PgServer, pg_template: str, tmp_path: Path,
    fakes: tuple[FakeBotApi, FakeSlack],
) -> AsyncIterator[list[Server]]:
    telegram, slack = fakes
    name = new_pg_database(pg_server, pg_template)
    env = {
        "DATABASE_URL": pg_server.url(name),
        "CAREERBOT_KNOWLEDGE_DIR": str(write_small_kb(tmp_path / "kb")),
        **platform_env(telegram=telegram, slack=slack),
        "LOG_LEVEL": "INFO",
    }
    started = [start_server(env, tmp_path, name=f"serve{i}") for i in range(2)]
    try:
        await asyncio.gather(*(s.wait_healthy() for s in started))
        yield started
    finally:
        codes = [s.terminate() for s in started]
        pg_server.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    # SIGTERM is a clean stop: the Telegram application and the database closed, then uvicorn
    # re-raises the signal so the exit status says "terminated by SIGTERM" (clean for systemd).
    for s, code in zip(started, codes, strict=True):
        log = s.log()
        assert code in (0, -signal.SIGTERM), log
        assert "stopped" in log
        assert "Traceback" not in log
        assert telegram.token not in log and SLACK_BOT_TOKEN not in log


async def settle(count: Any, expected: int) -> None:
    """Wait until `expected` answers arrived and then until nothing more comes in."""
    for _ in range(600):
        if count() >= expected:
            break
        await asyncio.sleep(0.05)
    last = -1
    while count() != last:
        last = count()
        await asyncio.sleep(0.5)


async def test_two_processes_answer_each_event_exactly_once(
    servers: list[Server], fakes: tuple[FakeBotApi, FakeSlack],
) -> None:
    telegram, slack = fakes
    signer = SignedRequests(SLACK_SIGNING_SECRET, slack)
    slack_events = []
    for i in range(EVENTS):
        text = QUESTIONS[i % len(QUESTIONS)]
        body, headers, _ = signer.event(signer.dm(text, user=f"U{i:05d}", channel=f"D{i:05d}"))
        slack_events.append((body, headers))
    tg_updates = []
    for i in range(EVENTS):
        person = user(10_000 + i, first_name=f"P{i}")
        update = {"update_id": next_update_id(),
                  "message": tg_message(QUESTIONS[i % len(QUESTIONS)], sender=person,
                                        chat=private_chat(person))}
        tg_updates.append(json.dumps(update).encode())

    limit = asyncio.Semaphore(16)
    statuses: Counter[int] = Counter()

    async def post(client: httpx.AsyncClient, server: Server, path: str, body: bytes,
                   headers: dict[str, str]) -> None:
        async with limit:
            r = await client.post(server.url + path, content=body, headers=headers, timeout=30)
            statuses[r.status_code] += 1

    tg_headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                  "Content-Type": "application/json"}
    async with httpx.AsyncClient() as client:
        jobs = []
        for i in range(EVENTS):
            first, other = servers[i % 2], servers[(i + 1) % 2]
            body, headers = slack_events[i]
            jobs.append(post(client, first, "/slack/events", body, headers))
            # Slack's retry of the same event goes to the other process.
            retry = {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            jobs.append(post(client, other, "/slack/events", body, retry))
            jobs.append(post(client, first, "/telegram/webhook", tg_updates[i], tg_headers))
            jobs.append(post(client, other, "/telegram/webhook", tg_updates[i], tg_headers))
        await asyncio.gather(*jobs)
    assert statuses == {200: 4 * EVENTS}

    def slack_answers() -> list[Any]:
        return slack.posted("chat.postMessage")

    await settle(lambda: len({c.data.get("channel") for c in slack_answers()}), EVENTS)
    await settle(lambda: len({p["chat_id"] for p in telegram.sent}), EVENTS)

    # Each conversation got one answer: the same text twice would be a double delivery.
    slack_by_channel: dict[str, Counter[str]] = {}
    for call in slack_answers():
        slack_by_channel.setdefault(str(call.data["channel"]), Counter())[call.data["text"]] += 1
    assert len(slack_by_channel) == EVENTS
    assert all(max(texts.values()) == 1 for texts in slack_by_channel.values())
    tg_by_chat: dict[int, Counter[str]] = {}
    for sent in telegram.sent:
        tg_by_chat.setdefault(int(sent["chat_id"]), Counter())[sent["text"]] += 1
    assert len(tg_by_chat) == EVENTS
    assert all(max(texts.values()) == 1 for texts in tg_by_chat.values())

    # Both processes did part of the work.
    async with httpx.AsyncClient() as client:
        handled = []
        for s in servers:
            text = (await client.get(s.url + "/metrics")).text
            handled.append(sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                               if line.startswith("careerbot_messages_total{")))
    assert all(n > 0 for n in handled)
    assert sum(handled) == 2 * EVENTS
