"""`careerbot serve`'s app under uvicorn on 127.0.0.1 with Telegram mounted, lifespan included."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.bootstrap import build
from adapters.channels.telegram.app import SECRET_HEADER, WEBHOOK_PATH
from adapters.service.app import create_app
from adapters.settings import Settings
from bot.memory import MemoryStore
from tests.adapters.channels.telegram.conftest import WEBHOOK_SECRET
from tests.fakes import telegram_updates as f
from tests.fakes.servers import serve_asgi
from tests.fakes.telegram_api import FakeBotApi

PUBLIC_URL = "https://bot.example.org/telegram/webhook"


@pytest.fixture
async def served(settings: Settings) -> AsyncIterator[str]:
    settings = settings.model_copy(update={"telegram_webhook_url": PUBLIC_URL})
    # The app's lifespan closes the runtime.
    runtime = await build(settings, store=MemoryStore())
    async with serve_asgi(create_app(runtime), lifespan="on") as base_url:
        yield base_url


async def test_serve_sets_the_webhook_and_answers_updates(served: str, fake: FakeBotApi) -> None:
    [set_webhook] = fake.of("setWebhook")
    assert set_webhook.params["url"] == PUBLIC_URL
    assert set_webhook.params["secret_token"] == WEBHOOK_SECRET
    update = f.message_update("what is graphql?")
    async with httpx.AsyncClient(base_url=served) as client:
        health = await client.get("/healthz")
        assert "telegram" in health.json()["frontends"]
        forged = await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: "nope"})
        assert forged.status_code == 403
        for _ in range(2):  # Telegram retrying: still one answer
            ok = await client.post(WEBHOOK_PATH, json=update,
                                   headers={SECRET_HEADER: WEBHOOK_SECRET})
            assert ok.status_code == 200
        await fake.wait_for(lambda: len(fake.sent) >= 1)
        follow = await client.post(WEBHOOK_PATH, json=f.message_update("/help"),
                                   headers={SECRET_HEADER: WEBHOOK_SECRET})
        assert follow.status_code == 200
        await fake.wait_for(lambda: len(fake.sent) >= 2)
    first, second = fake.sent
    assert first["text"].startswith("<b>GraphQL</b>")
    assert second["text"].startswith("I answer questions about backend engineering")

