"""/reload and /stats: only for CAREERBOT_ADMINS, a broken base is refused, every action logged."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.bootstrap import Runtime
from adapters.settings import Settings
from storage.engine import Storage
from tests.adapters.service.conftest import runtime_for
from tests.factories import message
from tests.fakes.knowledge import topic, write_kb


def admin_says(text: str) -> object:
    return message(text, user="1001", platform="telegram")


async def test_reload_with_a_broken_base_keeps_the_old_one(
    memory_runtime: Runtime, kb_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = memory_runtime.bot
    old = bot.kb
    (kb_dir / "topics" / "broken.yaml").write_text(
        "group: Broken\ntopics:\n  - id: half\n    title: Half a topic\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="careerbot.admin"):
        replies = await bot.handle(admin_says("/reload"))
    assert bot.kb is old
    text = replies[0].text
    assert "kept the one already loaded (2 topics)" in text
    assert "broken.yaml" in text
    assert any("/reload refused" in r.getMessage() for r in caplog.records)
    # The old base still answers.
    answer = await bot.handle(message("what is docker", user="u9", platform="telegram"))
    assert answer[0].topic == "docker"


async def test_reload_picks_up_a_good_base(memory_runtime: Runtime, kb_dir: Path) -> None:
    write_kb(kb_dir, [
        topic("docker", title="Docker"), topic("kubernetes", title="Kubernetes"),
        topic("graphql", title="GraphQL", aliases=["graphql"],
              questions=["what is graphql", "graphql vs rest", "graphql schema",
                         "should I learn graphql", "how does graphql work"]),
    ])
    replies = await memory_runtime.bot.handle(admin_says("/reload"))
    assert "Reloaded: 3 topics (was 2)" in replies[0].text
    answer = await memory_runtime.bot.handle(message("what is graphql", user="u9"))
    assert answer[0].topic == "graphql"


@pytest.mark.parametrize("command", ["/reload", "/stats"])
async def test_anyone_else_is_refused_politely(
    memory_runtime: Runtime, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot = memory_runtime.bot
    old = bot.kb
    with caplog.at_level(logging.INFO, logger="careerbot.admin"):
        replies = await bot.handle(message(command, user="2002", platform="telegram"))
    assert replies[0].text == "Sorry, that command is only for the maintainers of this bot."
    assert replies[0].private
    assert bot.kb is old
    assert any("refused for telegram:2002" in r.getMessage() for r in caplog.records)


async def test_stats_counts_messages_people_and_unanswered(
    memory_runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    bot = memory_runtime.bot
    for i in range(3):
        await bot.handle(message("what is docker", user=f"p{i}", platform="slack"))
    await bot.handle(message("how do I bake sourdough bread", user="p0", platform="slack"))
    with caplog.at_level(logging.INFO, logger="careerbot.admin"):
        replies = await bot.handle(admin_says("/stats"))
    text = replies[0].text
    assert "knowledge base: 2 topics" in text
    assert "messages: 4" in text
    assert "people: 3" in text
    assert "fallbacks: 1" in text
    assert "by intent: topic 3, fallback 1" in text
    assert any("admin telegram:1001: /stats" in r.getMessage() for r in caplog.records)


async def test_stats_include_database_totals_across_processes(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    storage = Storage.from_url(f"sqlite:///{tmp_path / 's.sqlite3'}")
    await storage.upgrade()
    try:
        async with await runtime_for(make_settings(), store=storage) as runtime:
            for i in range(3):
                await runtime.bot.handle(message("what is docker", user=f"p{i}", platform="slack"))
            replies = await runtime.bot.handle(admin_says("/stats"))
    finally:
        await storage.aclose()
    text = replies[0].text
    assert "in the database: people 3, conversations 3, subscriptions 0, open openings 0, " \
           "alerts delivered 0" in text


async def test_slack_admins_reach_stats_reload_and_admin_through_the_slash_command(
    make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    from adapters.channels.slack.convert import command_to_message

    # `/careerbot stats` used to be a question about "stats" (issue 13), `/careerbot admin` one
    # about "admin" (issue 14).
    runtime = await runtime_for(make_settings(careerbot_admins="slack:U0ADMIN",
                                              careerbot_public_url="https://bot.example.org"))
    try:
        for word in ("stats", "reload", "admin"):
            command = {"user_id": "U0ADMIN", "channel_id": "D0ADMIN", "text": word,
                       "channel_name": "directmessage", "response_url": "https://x"}
            message_ = command_to_message(command)
            assert message_.text == f"/{word}"
            with caplog.at_level(logging.INFO, logger="careerbot.admin"):
                replies = await runtime.bot.handle(message_)
            assert replies and replies[0].private
            assert any(f"/{word}" in r.getMessage() for r in caplog.records)
            if word == "admin":
                assert "https://bot.example.org/admin/" in replies[0].text
            caplog.clear()
    finally:
        await runtime.close()
