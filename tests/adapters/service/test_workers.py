"""`careerbot serve --workers 2`: the app factory in each worker, metrics summed over workers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.fakes.knowledge import write_small_kb
from tests.fakes.servers import TELEGRAM_SECRET, platform_env, start_server
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.telegram_updates import message as tg_message
from tests.fakes.telegram_updates import next_update_id, private_chat, user

pytestmark = pytest.mark.heavy

N = 40


@pytest.fixture
def telegram(fake_telegram: FakeBotApi) -> FakeBotApi:
    return fake_telegram


def messages_total(text: str) -> float:
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == "careerbot_messages_total")


async def test_two_workers_share_one_port_and_one_metrics_view(
    tmp_path: Path, telegram: FakeBotApi
) -> None:
    server = start_server({
        "DATABASE_URL": f"sqlite:///{tmp_path / 'careerbot.sqlite3'}",
        "CAREERBOT_KNOWLEDGE_DIR": str(write_small_kb(tmp_path / "kb")),
        **platform_env(telegram=telegram),
        "PROMETHEUS_MULTIPROC_DIR": "",
    }, tmp_path, name="serve", workers=2)
    try:
        await server.wait_healthy()
        # Both workers set the webhook as they start.
        try:
            await telegram.wait_for(lambda: len(telegram.of("setWebhook")) == 2, timeout=60)
        except TimeoutError:
            raise AssertionError(f"{telegram.calls}\n{server.log()}") from None
        headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                   "Content-Type": "application/json"}
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            for i in range(N):
                person = user(70_000 + i)
                update = {"update_id": next_update_id(),
                          "message": tg_message("what is docker", sender=person,
                                                chat=private_chat(person))}
                # A new connection each time, so the kernel spreads them over both workers.
                r = await client.post("/telegram/webhook", content=json.dumps(update).encode(),
                                      headers={**headers, "Connection": "close"})
                assert r.status_code == 200
            await telegram.wait_for(lambda: len({p["chat_id"] for p in telegram.sent}) == N)
            for _ in range(4):
                r = await client.get("/metrics", headers={"Connection": "close"})
                assert messages_total(r.text) == N
        await server.sigterm()
    finally:
        code = server.terminate()
    log = server.log()
    assert code == 0, log
    assert len(re.findall(r"adapters\.service\.app\[\d+\]: stopped", log)) == 2
    assert len(telegram.sent) == N
