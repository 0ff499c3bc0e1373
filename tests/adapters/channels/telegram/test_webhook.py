"""The webhook route (Starlette, through httpx's ASGI transport) feeding the real Application."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from adapters.bootstrap import Runtime
from adapters.channels.telegram.app import (
    SECRET_HEADER,
    WEBHOOK_PATH,
    webhook_routes,
    webhook_running,
)
from adapters.observability.logs import configure_logging
from tests.adapters.channels.telegram.conftest import WEBHOOK_SECRET, telegram
from tests.fakes import telegram_updates as f
from tests.fakes.telegram_api import FakeBotApi

PUBLIC_URL = "https://bot.example.org/telegram/webhook"


@pytest.fixture
async def webhook(
    runtime: Runtime, fake: FakeBotApi
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    application = telegram(runtime).application(runtime.bot, webhook=True)
    web = Starlette(routes=webhook_routes(application, secret=WEBHOOK_SECRET))
    transport = httpx.ASGITransport(app=web)
    async with webhook_running(application, url=PUBLIC_URL, secret=WEBHOOK_SECRET), \
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield application, client


async def post(client: httpx.AsyncClient, update: Any, secret: str | None = WEBHOOK_SECRET,
               **kwargs: Any) -> httpx.Response:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    if isinstance(update, dict | list):
        return await client.post(WEBHOOK_PATH, json=update, headers=headers, **kwargs)
    return await client.post(WEBHOOK_PATH, content=update, headers=headers, **kwargs)


async def handled(application: Any) -> None:
    await asyncio.wait_for(application.update_queue.join(), 15)


async def test_start_sets_the_webhook_with_the_secret(webhook: Any, fake: FakeBotApi) -> None:
    [call] = fake.of("setWebhook")
    assert call.params["url"] == PUBLIC_URL
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert call.params["allowed_updates"] == ["message", "callback_query"]
    assert fake.of("setMyCommands")
    assert not fake.of("deleteWebhook") and not fake.of("getUpdates")


async def test_wrong_or_missing_secret_is_refused(webhook: Any, fake: FakeBotApi) -> None:
    application, client = webhook
    wrong = await post(client, f.message_update("what is docker?"), secret="not-the-secret")
    missing = await post(client, f.message_update("what is docker?"), secret=None)
    assert (wrong.status_code, missing.status_code) == (403, 403)
    await handled(application)
    assert fake.sent == []


async def test_right_secret_is_answered(webhook: Any, fake: FakeBotApi) -> None:
    application, client = webhook
    response = await post(client, f.message_update("what is docker?"))
    assert response.status_code == 200
    await handled(application)
    [sent] = fake.sent
    assert sent["text"].startswith("<b>Docker and containers</b>")


async def test_redelivered_update_is_answered_once(webhook: Any, fake: FakeBotApi) -> None:
    application, client = webhook
    update = f.message_update("what is graphql?")
    first = await post(client, update)
    second = await post(client, update)
    assert (first.status_code, second.status_code) == (200, 200)
    await handled(application)
    assert len(fake.sent) == 1


async def test_malformed_body_is_a_bad_request(webhook: Any, fake: FakeBotApi) -> None:
    application, client = webhook
    assert (await post(client, b"{not json")).status_code == 400
    assert (await post(client, ["not", "an", "update"])).status_code == 400
    await handled(application)
    assert fake.sent == []


async def test_no_secret_configured_refuses_everything(runtime: Runtime, fake: FakeBotApi) -> None:
    application = telegram(runtime).application(runtime.bot, webhook=True)
    web = Starlette(routes=webhook_routes(application, secret=None))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web),
                                 base_url="http://testserver") as client:
        assert (await post(client, f.message_update("hi"), secret="")).status_code == 403


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    configure_logging("WARNING")  # message text off, our packages' levels back to the root's
    for h in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(h)
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("message_text", [False, True])
async def test_debug_logs_carry_no_message_text_names_or_ids_unless_asked(
    webhook: Any, capsys: pytest.CaptureFixture[str], message_text: bool
) -> None:
    # At LOG_LEVEL=DEBUG the libraries printed whole updates and requests (issue 13).
    configure_logging("DEBUG", "text", message_text=message_text)
    application, client = webhook
    person = f.user(uid=987654321, first_name="Zebediah")
    update = f.message_update("what is docker for sourdough bakers?", sender=person)
    assert (await post(client, update)).status_code == 200
    await handled(application)
    err = capsys.readouterr().err
    leaks = [w for w in ("sourdough", "Zebediah", "987654321") if w in err]
    assert leaks == ([] if not message_text else ["sourdough", "Zebediah", "987654321"])
