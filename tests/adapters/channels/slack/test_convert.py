"""Slack payloads to core Messages."""

from __future__ import annotations

import pytest

from adapters.channels.slack.convert import (
    action_to_message,
    command_text,
    command_to_message,
    event_to_message,
    reply_thread,
    strip_mention,
    unescape,
)
from bot.messages import ChatType


@pytest.mark.parametrize(("typed", "core"), [
    ("help", "/help"),
    ("HELP", "/help"),
    ("topics", "/topics"),
    ("jobs", "/jobs"),
    ("jobs remote go", "/jobs remote go"),
    ("profile skills python, go", "/profile skills python, go"),
    ("subscribe remote python", "/subscribe remote python"),
    ("unsubscribe", "/unsubscribe"),
    ("forget", "/forget"),
    ("mydata", "/mydata"),
    ("stats", "/stats"),
    ("reload", "/reload"),
    ("stats about backend salaries", "stats about backend salaries"),
    ("what is docker?", "what is docker?"),
    ("helpful tips for interviews", "helpful tips for interviews"),
    ("help me choose a database", "help me choose a database"),
    ("forget about it, what is docker?", "forget about it, what is docker?"),
    ("", ""),
    ("  q&amp;a &lt;tips&gt; ", "q&a <tips>"),
])
def test_slash_subcommands_become_core_commands(typed: str, core: str) -> None:
    assert command_text(typed) == core


@pytest.mark.parametrize(("typed", "core"), [
    ("forget", "/forget"),
    ("mydata", "/mydata"),
    ("jobs", "/jobs"),
    ("jobs in my city are rare, should I move?", "jobs in my city are rare, should I move?"),
    ("what is docker?", "what is docker?"),
])
def test_in_dms_only_a_lone_subcommand_word_is_a_command(typed: str, core: str) -> None:
    body = _envelope({"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
                      "text": typed, "ts": "1.1"})
    m = event_to_message(body, bot_user_id="UBOT")
    assert m is not None and m.text == core


@pytest.mark.parametrize("text", [
    "<http:" * 20_000, "<mailto:a|" * 20_000, "<@U1|" * 20_000, "<https://x|" + "a" * 100_000,
])
def test_unescape_and_mentions_stay_linear_on_unclosed_markup(text: str) -> None:
    # Each match attempt used to run on to the end of the text, so these took time quadratic
    # in its length (over two minutes for the first; issue 13), now milliseconds. The test
    # checks the result only: tests here never measure time.
    assert unescape(text) == text
    assert strip_mention(text, "UBOT") == text
    assert strip_mention(text, None) == text


def test_unescape_keeps_what_was_typed() -> None:
    assert unescape("a &amp;lt; b") == "a &lt; b"
    assert unescape("see <https://example.com|example.com> and <https://x.y>") == \
        "see example.com and https://x.y"


def test_slash_command_message() -> None:
    m = command_to_message({"user_id": "U1", "user_name": "ann", "channel_id": "C1",
                            "channel_name": "general", "text": "jobs go",
                            "response_url": "https://hooks.slack.com/x"})
    assert (m.platform, m.user_id, m.chat_id, m.text, m.display_name) == \
        ("slack", "U1", "C1", "/jobs go", "ann")
    assert m.chat_type is ChatType.GROUP and m.event_id is None
    dm = command_to_message({"user_id": "U1", "channel_id": "D1",
                             "channel_name": "directmessage", "text": ""})
    assert dm.chat_type is ChatType.PRIVATE and dm.text == ""


def _envelope(event: dict[str, object], event_id: str = "Ev1") -> dict[str, object]:
    return {"type": "event_callback", "event_id": event_id, "event": event}


def test_mention_strips_the_bot_and_keeps_the_event_id() -> None:
    body = _envelope({"type": "app_mention", "user": "U1", "channel": "C1", "ts": "1.2",
                      "text": "<@UBOT> what is <@U2>'s &amp; docker?"})
    m = event_to_message(body, bot_user_id="UBOT", bot_id="BBOT")
    assert m is not None
    assert m.text == "what is <@U2>'s & docker?"
    assert m.event_id == "Ev1" and m.chat_type is ChatType.GROUP and m.chat_id == "C1"
    assert reply_thread(body["event"]) == "1.2"  # type: ignore[arg-type]
    threaded = {"type": "app_mention", "ts": "1.5", "thread_ts": "1.2"}
    assert reply_thread(threaded) == "1.2"


def test_mention_without_auth_info_strips_the_leading_mention() -> None:
    body = _envelope({"type": "app_mention", "user": "U1", "channel": "C1", "ts": "1.2",
                      "text": "<@UBOT> hi"})
    m = event_to_message(body)
    assert m is not None and m.text == "hi"


def test_direct_message() -> None:
    body = _envelope({"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
                      "text": "hello", "ts": "1.1"})
    m = event_to_message(body, bot_user_id="UBOT")
    assert m is not None
    assert (m.chat_id, m.chat_type, m.text) == ("D1", ChatType.PRIVATE, "hello")
    assert reply_thread(body["event"]) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("event", [
    {"type": "message", "channel_type": "im", "user": "UBOT", "channel": "D1", "text": "x"},
    {"type": "message", "channel_type": "im", "user": "U9", "bot_id": "B9", "channel": "D1",
     "text": "x"},
    {"type": "message", "channel_type": "im", "subtype": "message_changed", "channel": "D1"},
    {"type": "message", "channel_type": "im", "subtype": "channel_join", "user": "U1",
     "channel": "D1", "text": "joined"},
    {"type": "message", "channel_type": "channel", "user": "U1", "channel": "C1", "text": "x"},
    {"type": "app_mention", "user": "U1", "channel": "D1", "text": "<@UBOT> x"},
    {"type": "reaction_added", "user": "U1"},
])
def test_ignored_events(event: dict[str, object]) -> None:
    assert event_to_message(_envelope(event), bot_user_id="UBOT", bot_id="BBOT") is None


def test_block_action() -> None:
    body = {"type": "block_actions", "user": {"id": "U1", "username": "ann"},
            "channel": {"id": "C1", "name": "general"},
            "container": {"type": "message", "channel_id": "C1", "is_ephemeral": True}}
    m = action_to_message(body, {"action_id": "careerbot:0", "value": "t:docker"})
    assert (m.user_id, m.chat_id, m.action, m.text, m.chat_type) == \
        ("U1", "C1", "t:docker", "", ChatType.GROUP)
