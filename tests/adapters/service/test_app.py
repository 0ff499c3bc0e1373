"""/healthz and /metrics of the web application, and which front ends it mounts."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from adapters.bootstrap import Runtime
from adapters.service.app import YOUNG_GENERATION, create_app
from adapters.settings import Settings
from bot.memory import MemoryStore
from storage.engine import Storage
from tests.adapters.service.conftest import runtime_for
from tests.factories import message
from tests.fakes.postgres import PgServer, new_pg_database

SIGNING = "9c1f8b2e3d4a5b6c7d8e9f0a1b2c3d4e"


def client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web")


async def health(app: Starlette) -> httpx.Response:
    async with client(app) as c:
        return await c.get("/healthz")


async def test_healthz_reports_database_and_knowledge(
    make_settings: Callable[..., Settings],
) -> None:
    store = MemoryStore()
    runtime = await runtime_for(make_settings(), store=store)
    app = create_app(runtime)
    r = await health(app)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["database"] == {"kind": "memory", "ok": True}
    assert body["knowledge"]["topics"] == 2
    assert body["frontends"] == []
    store.available = False
    r = await health(app)
    assert r.status_code == 503
    assert r.json()["database"] == {"kind": "memory", "ok": False, "error": "StorageUnavailable"}
    store.available = True
    assert (await health(app)).status_code == 200


@pytest.fixture
async def pg_runtime(
    pg_server: PgServer, pg_template: str, make_settings: Callable[..., Settings]
) -> AsyncIterator[Runtime]:
    name = new_pg_database(pg_server, pg_template)
    storage = Storage.from_url(pg_server.url(name))
    async with await runtime_for(make_settings(), store=storage) as runtime:
        yield runtime
    await storage.aclose()
    pg_server.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def test_healthz_flips_to_503_while_postgresql_is_stopped(
    pg_runtime: Runtime, pg_server: PgServer
) -> None:
    app = create_app(pg_runtime)
    r = await health(app)
    assert r.status_code == 200
    assert r.json()["database"] == {"kind": "postgresql", "ok": True}
    pg_server.stop()
    try:
        r = await health(app)
        assert r.status_code == 503
        assert r.json()["status"] == "unavailable"
        assert r.json()["database"]["ok"] is False
        # The bot keeps answering (without memory) meanwhile.
        replies = await pg_runtime.bot.handle(message("what is docker", user="p1"))
        assert replies[0].topic == "docker"
    finally:
        pg_server.start()
    r = await health(app)
    assert r.status_code == 200
    assert r.json()["database"]["ok"] is True


async def test_healthz_flips_to_503_when_the_sqlite_file_is_unreachable(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    storage = Storage.from_url(f"sqlite:///{folder / 'careerbot.sqlite3'}")
    await storage.upgrade()
    runtime = await runtime_for(make_settings(), store=storage)
    app = create_app(runtime)
    try:
        assert (await health(app)).status_code == 200
        # The volume goes away (unmounted, say); pooled connections go with it.
        folder.rename(tmp_path / "elsewhere")
        await storage.engine.dispose()
        r = await health(app)
        assert r.status_code == 503
        assert r.json()["database"]["kind"] == "sqlite"
        (tmp_path / "elsewhere").rename(folder)
        assert (await health(app)).status_code == 200
    finally:
        await runtime.close()
        await storage.aclose()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_metrics_count_messages_latency_fallbacks_and_rate_limits(
    make_settings: Callable[..., Settings],
) -> None:
    runtime = await runtime_for(make_settings(rate_limit_per_minute=3))
    bot = runtime.bot
    for i in range(4):
        await bot.handle(message("what is docker", user=f"t{i}", platform="telegram"))
    await bot.handle(message("how do I bake sourdough bread", user="t0", platform="telegram"))
    await bot.handle(message("hello", user="U1", platform="slack", event_id="Ev1"))
    await bot.handle(message("hello", user="U1", platform="slack", event_id="Ev1"))  # duplicate
    for _ in range(5):
        await bot.handle(message("what is k8s", user="flood", platform="slack"))
    async with client(create_app(runtime)) as c:
        r = await c.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    m = samples(r.text)
    assert m[("careerbot_messages_total", (("intent", "topic"), ("platform", "telegram")))] == 4
    assert m[("careerbot_messages_total", (("intent", "fallback"), ("platform", "telegram")))] == 1
    assert m[("careerbot_messages_total", (("intent", "greeting"), ("platform", "slack")))] == 1
    assert m[("careerbot_messages_total", (("intent", "topic"), ("platform", "slack")))] == 3
    assert m[("careerbot_fallbacks_total", (("platform", "telegram"),))] == 1
    assert m[("careerbot_no_reply_total", (("platform", "slack"),))] == 1
    assert m[("careerbot_answer_latency_seconds_count", (("platform", "telegram"),))] == 5
    assert m[("careerbot_rate_limited_total", (("action", "warned"),))] == 1
    assert m[("careerbot_rate_limited_total", (("action", "dropped"),))] == 1
    assert m[("careerbot_knowledge_topics", ())] == 2
    assert ("careerbot_errors_total", (("platform", "telegram"),)) not in m
    assert "careerbot_alerts_sent_total" in r.text
    await runtime.close()


async def test_front_ends_are_mounted_only_when_configured(
    make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="adapters.service.app"):
        bare = create_app(await runtime_for(make_settings()))
    said = [r.getMessage() for r in caplog.records]
    assert "Slack not mounted: SLACK_BOT_TOKEN is not set" in said
    assert "Telegram not mounted: TELEGRAM_BOT_TOKEN is not set" in said
    async with client(bare) as c:
        assert (await c.post("/slack/events", content=b"{}")).status_code == 404
        assert (await c.post("/telegram/webhook", content=b"{}")).status_code == 404
    caplog.clear()
    settings = make_settings(slack_bot_token="xoxb-1-2-abc", slack_signing_secret=SIGNING,
                             telegram_bot_token="123:abc")
    with caplog.at_level(logging.INFO, logger="adapters.service.app"):
        slack_only = create_app(await runtime_for(settings))
    assert any(r.getMessage().startswith("Telegram not mounted: TELEGRAM_WEBHOOK_URL is not set")
               for r in caplog.records)
    async with client(slack_only) as c:
        # Mounted, and Bolt refuses an unsigned request.
        assert (await c.post("/slack/events", content=b"{}")).status_code == 401
        assert (await c.post("/telegram/webhook", content=b"{}")).status_code == 404
        health = (await c.get("/healthz")).json()
    assert health["frontends"] == ["slack"]


async def test_webhooks_get_503_while_the_backlog_is_too_long(
    make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(slack_bot_token="xoxb-1-2-abc", slack_signing_secret=SIGNING)
    runtime = await runtime_for(settings)
    app = create_app(runtime, max_backlog=50)
    stuck = [asyncio.create_task(asyncio.sleep(60)) for _ in range(60)]

    async def finish(n: int) -> None:
        done, stuck[:] = stuck[:n], stuck[n:]
        for t in done:
            t.cancel()
        await asyncio.gather(*done, return_exceptions=True)

    try:
        async with client(app) as c:
            r = await c.post("/slack/events", content=b"{}")
            assert r.status_code == 503
            assert r.headers["retry-after"] == "5"
            assert (await c.get("/healthz")).status_code == 200
            # Under the limit but not yet under 80 % of it: still refused (no flapping).
            await finish(15)
            assert (await c.post("/slack/events", content=b"{}")).status_code == 503
            await finish(len(stuck))
            # Taken again (and refused for the missing signature).
            assert (await c.post("/slack/events", content=b"{}")).status_code == 401
            text = (await c.get("/metrics")).text
    finally:
        for t in stuck:
            t.cancel()
    assert samples(text)[("careerbot_webhooks_shed_total", ())] == 2
    said = [r.getMessage() for r in caplog.records]
    assert sum(m.startswith("overloaded") for m in said) == 1
    assert sum(m.startswith("backlog back under 40") for m in said) == 1


async def test_a_started_server_process_sets_the_garbage_collector_for_serving(
    make_settings: Callable[..., Settings],
) -> None:
    # What start-up built is frozen (full collections no longer walk it) and the young
    # generation is larger; an app inside another process (these tests) leaves both alone.
    threshold = gc.get_threshold()
    try:
        for freeze in (False, True):
            app = create_app(await runtime_for(make_settings()), freeze=freeze)
            async with app.router.lifespan_context(app):
                assert (gc.get_freeze_count() > 0) is freeze
                assert (gc.get_threshold()[0] == YOUNG_GENERATION) is freeze
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
