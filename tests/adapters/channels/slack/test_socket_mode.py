"""Socket Mode against the fake Slack: on its own (`careerbot run slack`) and in the worker."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from adapters.bootstrap import build
from adapters.cli.main import app as cli
from adapters.service.worker import run_worker
from bot.memory import MemoryStore
from tests.adapters.channels.slack.conftest import slack_settings
from tests.fakes.slack_api import FakeSlack, SignedRequests

pytestmark = pytest.mark.heavy


async def test_socket_mode_answers_a_dm_and_a_slash_command(
    knowledge_dir: Path, fake_slack: FakeSlack,
) -> None:
    settings = slack_settings(knowledge_dir, fake_slack, slack_signing_secret=None,
                              slack_app_token=SecretStr("xapp-test"))
    runtime = await build(settings, store=MemoryStore())
    # What `careerbot run slack` and the worker run.
    runner = runtime.channel("slack").runner(runtime.bot, standalone=True)
    assert runner is not None
    task = asyncio.create_task(runner())
    try:
        await fake_slack.wait_for(lambda f: f.sockets, what="the Socket Mode connection")
        opened = fake_slack.posted("apps.connections.open")
        assert opened and opened[0].kind == "api"

        signed = SignedRequests("unused", fake_slack)
        envelope = json.loads(signed.event(signed.dm("what is docker?"))[0])
        await fake_slack.send_envelope("events_api", envelope, "env-1")
        [post] = await fake_slack.wait_for(lambda f: f.posted("chat.postMessage"),
                                           what="the DM answer")
        assert post.data["channel"] == "D0ALICE"
        assert "*Docker*" in post.data["blocks"][0]["text"]["text"]

        body, _, token = signed.command("jobs go")
        command = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        await fake_slack.send_envelope("slash_commands", command, "env-2")
        [answer] = await fake_slack.wait_for(
            lambda f: f.posted(token, kind="response_url"), what="the slash answer")
        assert "Backend Engineer (Go)" in json.dumps(answer.data)
        acks = await fake_slack.wait_for(
            lambda f: len(f.socket_acks) >= 2 and f.socket_acks, what="both acknowledgements")
        assert [a["envelope_id"] for a in acks] == ["env-1", "env-2"]
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await runtime.close()


async def test_the_worker_keeps_socket_mode_open_beside_alert_passes(
    knowledge_dir: Path, fake_slack: FakeSlack,
) -> None:
    settings = slack_settings(knowledge_dir, fake_slack, slack_signing_secret=None,
                              slack_app_token=SecretStr("xapp-test"))
    stop = asyncio.Event()
    async with await build(settings, store=MemoryStore()) as runtime:
        worker = asyncio.create_task(run_worker(runtime, interval=60, stop=stop))
        try:
            await fake_slack.wait_for(lambda f: f.sockets, what="the Socket Mode connection")
            signed = SignedRequests("unused", fake_slack)
            envelope = json.loads(signed.event(signed.dm("what is docker?"))[0])
            await fake_slack.send_envelope("events_api", envelope, "env-1")
            [post] = await fake_slack.wait_for(lambda f: f.posted("chat.postMessage"),
                                               what="the DM answer")
            assert post.data["channel"] == "D0ALICE"
        finally:
            stop.set()
            await asyncio.wait_for(worker, 15)


@pytest.mark.parametrize(("env", "missing"), [
    ({}, "SLACK_BOT_TOKEN and SLACK_APP_TOKEN not set"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "SLACK_APP_TOKEN not set"),
])
def test_run_slack_without_tokens_exits_2_with_one_line(
    env: dict[str, str], missing: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the working tree
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["run", "slack"])
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and missing in lines[0]
    assert "xoxb-1" not in result.output
