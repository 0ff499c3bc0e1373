"""A retried event reaching another server process is still answered once (SQL storage)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from adapters.bootstrap import build
from bot.messages import Message, Reply
from storage import open_storage
from tests.adapters.channels.slack.conftest import SECRET, slack_mount, slack_settings
from tests.fakes.servers import serve_asgi
from tests.fakes.slack_api import FakeSlack, SignedRequests

pytestmark = pytest.mark.heavy


async def test_same_event_id_on_two_processes_sharing_a_database_is_answered_once(
    knowledge_dir: Path, fake_slack: FakeSlack, tmp_path: Path,
) -> None:
    settings = slack_settings(knowledge_dir, fake_slack)
    url = f"sqlite+aiosqlite:///{tmp_path / 'careerbot.db'}"
    handled: list[tuple[Message, list[Reply]]] = []
    signed = SignedRequests(SECRET, fake_slack)
    async with AsyncExitStack() as stack:
        clients = []
        # Two engines on one database file stand for two worker processes.
        for _ in range(2):
            storage = await open_storage(url)
            stack.push_async_callback(storage.aclose)
            runtime = await stack.enter_async_context(await build(settings, store=storage))
            runtime.bot.hooks.append(lambda m, r, _t: handled.append((m, r)))
            mount = slack_mount(runtime)
            await stack.enter_async_context(mount.running())
            base = await stack.enter_async_context(
                serve_asgi(Starlette(routes=mount.routes)))
            clients.append(await stack.enter_async_context(
                httpx.AsyncClient(base_url=base, timeout=10)))

        body, headers, event_id = signed.event(signed.dm("what is docker?"))
        first = await clients[0].post("/slack/events", content=body, headers=headers)
        retry = await clients[1].post("/slack/events", content=body,
                                      headers={**headers, "X-Slack-Retry-Num": "1"})
        assert first.status_code == retry.status_code == 200
        await fake_slack.wait_for(lambda f: f.posted("chat.postMessage"), what="the answer")
    # Both runtimes have drained their work here. The retry stops at the inbox while the first
    # delivery's row is there, or reaches the core and is recognised as answered: either way
    # one answer, and the core answered (not merely saw) the event once.
    assert [bool(r) for _, r in handled].count(True) == 1
    assert {m.event_id for m, _ in handled} == {event_id}
    assert len(fake_slack.posted("chat.postMessage")) == 1
