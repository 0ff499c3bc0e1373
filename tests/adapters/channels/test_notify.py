"""Alert notifiers against the fake Telegram and Slack APIs, and an alert pass through build()."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from adapters.bootstrap import build
from adapters.channels.slack.notify import SlackNotifier
from adapters.channels.telegram.notify import TelegramNotifier
from adapters.service.alerts import run_alerts
from adapters.settings import Settings
from bot.markup import para
from bot.memory import MemoryStore
from bot.messages import Button, OpeningCard, Reply, SkillGap
from bot.openings import Opening, Remote
from bot.ports import NotifierError, Subscription
from tests.fakes.knowledge import topic, write_kb
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeBotApi

DIGEST = Reply(
    blocks=(para("2 new openings that fit you:"),),
    cards=(
        OpeningCard(title="Go <Engineer> & SRE", company="Acme", url="https://example.org/1",
                    remote="yes", matched_skills=("Go",),
                    missing_skills=(SkillGap(skill="Kubernetes", topic="kubernetes"),)),
        OpeningCard(title="Python Dev", company="Beta", url="https://example.org/2"),
    ),
    buttons=(Button(label="See all matches", action="cmd:jobs"),
             Button(label="Stop alerts", action="sub:off")),
    intent="subscribe",
)


@pytest.fixture
def telegram(fake_telegram: FakeBotApi) -> FakeBotApi:
    return fake_telegram


@pytest.fixture
def slack(fake_slack: FakeSlack) -> FakeSlack:
    return fake_slack


def tg_notifier(api: FakeBotApi) -> TelegramNotifier:
    return TelegramNotifier.from_token(api.token, base_url=api.base_url)


async def test_telegram_digest_is_html_with_buttons(telegram: FakeBotApi) -> None:
    n = tg_notifier(telegram)
    try:
        await n.send("telegram", "4242", [DIGEST])
    finally:
        await n.aclose()
    (sent,) = telegram.sent
    assert sent["parse_mode"] == "HTML" and int(sent["chat_id"]) == 4242
    assert "Go &lt;Engineer&gt; &amp; SRE" in sent["text"]
    datas = [b["callback_data"] for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    assert datas == ["cmd:jobs", "sub:off"]


async def test_telegram_waits_out_a_429_and_sends_once(telegram: FakeBotApi) -> None:
    telegram.answer_429_once(retry_after=1)
    n = tg_notifier(telegram)
    try:
        await n.send("telegram", "-100500", [Reply(blocks=(para("hi"),))])
    finally:
        await n.aclose()
    assert [c.status for c in telegram.of("sendMessage", ok_only=False)] == [429, 200]


async def test_telegram_blocked_chat_is_a_permanent_failure(telegram: FakeBotApi) -> None:
    telegram.forbidden_chats.add(99)
    n = tg_notifier(telegram)
    try:
        with pytest.raises(NotifierError):
            await n.send("telegram", "99", [DIGEST])
    finally:
        await n.aclose()


async def test_slack_posts_block_kit_and_retries_429(slack: FakeSlack) -> None:
    slack.rate_limit_once.add("chat.postMessage")
    n = SlackNotifier.from_token("xoxb-test", api_url=slack.api_url)
    try:
        await n.send("slack", "C0JOBS", [DIGEST])
        await n.send("slack", "C0JOBS", [DIGEST])
    finally:
        await n.aclose()
    calls = [c for c in slack.calls if c.name == "chat.postMessage"]
    assert [c.status for c in calls] == [429, 200, 200]
    assert calls[1].data["channel"] == "C0JOBS"
    blocks = calls[1].data["blocks"]
    blocks = blocks if isinstance(blocks, list) else __import__("json").loads(blocks)
    assert any(b["type"] == "actions" for b in blocks)
    assert "Go &lt;Engineer&gt; &amp; SRE" in calls[1].texts()



async def test_run_alerts_end_to_end_through_telegram(telegram: FakeBotApi,
                                                      tmp_path: Path) -> None:
    kb_dir = write_kb(tmp_path / "kb", [topic("go", title="Go")],
                      skills=[{"name": "Go", "topic": "go"}])
    store = MemoryStore()
    store.subscriptions[("telegram", "4242", "4242")] = Subscription(
        platform="telegram", user_id="4242", chat_id="4242", query="go",
        created_at=datetime.now(UTC) - timedelta(hours=1))
    store.add_openings([Opening(source="t", external_id="1", title="Go Engineer",
                                company="Acme", url="https://example.org/1", remote=Remote.YES,
                                skills=("Go",))])
    settings = Settings(_env_file=None, telegram_bot_token=SecretStr(telegram.token),  # type: ignore[call-arg]
                        telegram_api_base_url=telegram.base_url, careerbot_knowledge_dir=kb_dir)
    async with await build(settings, store=store) as runtime:
        result = await run_alerts(runtime)
        assert result.sent == {"telegram": 1} and result.stats.openings_sent == 1
        assert "Go Engineer" in telegram.sent[0]["text"]
        again = await run_alerts(runtime)
        assert again.sent == {} and len(telegram.sent) == 1
