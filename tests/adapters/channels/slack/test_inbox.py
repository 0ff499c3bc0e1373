"""Slack requests are kept in the inbox until answered, and taken over when a process died."""

from __future__ import annotations

import json
import urllib.parse
from datetime import UTC, datetime, timedelta

import pytest

from bot.markup import para
from bot.memory import InboxEntry
from bot.messages import Reply
from tests.adapters.channels.slack.conftest import SlackHarness
from tests.fakes.slack_api import BOT_USER_ID

pytestmark = pytest.mark.heavy


def _left_by_a_dead_process(slack: SlackHarness, event_id: str, body: dict[str, object],
                            replies: tuple[Reply, ...] | None = None) -> None:
    slack.store.inbox[("slack", event_id)] = InboxEntry(
        payload=json.dumps({"body": body, "bot_user_id": BOT_USER_ID, "bot_id": None}),
        owner="dead-host:1:0", lease_until=datetime.now(UTC) - timedelta(seconds=1),
        replies=replies)


async def test_answered_requests_are_not_kept(slack: SlackHarness) -> None:
    body, headers, _ = slack.signed.event(slack.signed.dm("what is docker?"))
    assert (await slack.post(body, headers)).status_code == 200
    body, headers, token = slack.signed.command("what is kubernetes?")
    assert (await slack.post(body, headers)).status_code == 200
    await slack.fake.wait_for(lambda f: f.posted("chat.postMessage")
                              and f.posted(token, kind="response_url"), what="both answers")
    await slack.fake.wait_for(lambda _: not slack.store.inbox, what="an empty inbox")
    # Both were claimed by the core under the ids they were kept under.
    assert {m.event_id for m, _ in slack.handled} >= {f"cmd:trig.{token}"}


async def test_requests_a_dead_process_left_are_answered_once(slack: SlackHarness) -> None:
    # An event the core never saw: asked now.
    event_body, _, event_id = slack.signed.event(slack.signed.dm("what is docker?",
                                                                  channel="D0LEFT"))
    _left_by_a_dead_process(slack, event_id, json.loads(event_body))
    # A slash command the core had answered: only that answer is sent, nobody asks again.
    form, _, token = slack.signed.command("what is kubernetes?")
    command = dict(urllib.parse.parse_qsl(form.decode()))
    kept = (Reply(blocks=(para("The answer given before the crash."),), intent="topic"),)
    _left_by_a_dead_process(slack, f"cmd:{command['trigger_id']}", command, kept)

    [post] = await slack.fake.wait_for(lambda f: f.posted("chat.postMessage"),
                                       what="the event's answer")
    assert post.data["channel"] == "D0LEFT"
    [response] = await slack.fake.wait_for(lambda f: f.posted(token, kind="response_url"),
                                           what="the command's kept answer")
    assert "The answer given before the crash." in json.dumps(response.data)
    await slack.fake.wait_for(lambda _: not slack.store.inbox, what="an empty inbox")
    assert [m.event_id for m, _ in slack.handled] == [event_id]
