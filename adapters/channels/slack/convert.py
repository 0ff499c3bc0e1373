"""Slack payloads (slash command, events, block actions) to core Messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.messages import ChatType, Message

PLATFORM = "slack"
# Slack apps get one slash command; the core writes its commands this way for Slack.
COMMAND_PREFIX = "/careerbot "
SLASH_COMMAND = "/careerbot"
# `/careerbot jobs remote go` means the core's `/jobs remote go`; any other text is a question.
# Words that take arguments are commands whatever follows; the others only when alone, so
# "/careerbot help me choose a database" stays a question.
WITH_ARGS = frozenset({"jobs", "profile", "subscribe", "ask", "digest"})
ALONE = frozenset({"help", "topics", "unsubscribe", "forget", "mydata", "more",
                   "stats", "reload", "admin"})  # the last three: admins only (CAREERBOT_ADMINS)

# No `<` inside: Slack escapes it in what people type, and a match that could run on past
# the next `<` made these quadratic on text such as "<http:" repeated (issue 13).
_LINK = re.compile(r"<(?P<url>(?:https?|mailto):[^|<>]+)(?:\|(?P<label>[^<>]*))?>")
_MENTION = re.compile(r"<@(?P<id>[A-Z0-9]+)(?:\|[^<>]*)?>")


def unescape(text: str) -> str:
    """Slack's wire text back to what the person typed: links to their label, entities decoded."""
    text = _LINK.sub(lambda m: m.group("label") or m.group("url"), text)
    # &amp; last, so a typed "&lt;" stays "&lt;" instead of turning into "<".
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def command_text(text: str, *, with_args: bool = True) -> str:
    """The text after `/careerbot`, as the core expects it (a slash command or a question).

    Slack keeps every other `/word` for itself, so in DMs and mentions a lone subcommand
    word ("forget", "mydata") is the command too (`with_args=False`: sentences stay text).
    """
    text = unescape(text).strip()
    first, _, rest = text.partition(" ")
    word, rest = first.lower(), rest.strip()
    if (word in ALONE and not rest) or (word in WITH_ARGS and (with_args or not rest)):
        return f"/{word} {rest}".rstrip()
    return text


def _chat_type(channel_id: str, channel_name: str | None = None) -> ChatType:
    # IM ids start with D; slash commands and actions also name the channel "directmessage".
    if channel_id.startswith("D") or channel_name == "directmessage":
        return ChatType.PRIVATE
    return ChatType.GROUP


def command_to_message(command: Mapping[str, Any]) -> Message:
    channel = str(command.get("channel_id") or command.get("user_id") or "")
    return Message(
        platform=PLATFORM,
        command_prefix=COMMAND_PREFIX,
        user_id=str(command["user_id"]),
        chat_id=channel,
        text=command_text(str(command.get("text") or "")),
        display_name=command.get("user_name") or None,
        chat_type=_chat_type(channel, command.get("channel_name")),
    )


def is_ignored(event: Mapping[str, Any], *, bot_user_id: str | None, bot_id: str | None) -> bool:
    """Our own messages, other bots' messages, and subtypes (edits, joins, deletions …)."""
    if event.get("subtype") or event.get("bot_id") or event.get("bot_profile"):
        return True
    user = event.get("user")
    if not user:
        return True
    return user == bot_user_id or (bot_id is not None and event.get("bot_id") == bot_id)


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """Remove the mention that addressed the bot (`<@U0BOT> what is docker?`)."""
    if bot_user_id:
        stripped = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^<>]*)?>", " ", text)
    else:
        # Without auth.test we still know an app_mention starts by addressing us.
        stripped = _MENTION.sub(" ", text, count=1) if text.lstrip().startswith("<@") else text
    return " ".join(stripped.split())


def event_to_message(
    body: Mapping[str, Any], *, bot_user_id: str | None = None, bot_id: str | None = None
) -> Message | None:
    """An Events API envelope (`app_mention`, or `message` in an IM) as a Message, or None."""
    event = body.get("event") or {}
    kind = event.get("type")
    if is_ignored(event, bot_user_id=bot_user_id, bot_id=bot_id):
        return None
    channel = str(event.get("channel") or "")
    if kind == "app_mention":
        if channel.startswith("D"):
            return None  # a mention inside a DM also arrives as message.im; answer that one
        text = strip_mention(str(event.get("text") or ""), bot_user_id)
        chat_type = ChatType.GROUP
    elif kind == "message" and event.get("channel_type") == "im":
        text = str(event.get("text") or "")
        if bot_user_id:
            text = strip_mention(text, bot_user_id)
        chat_type = ChatType.PRIVATE
    else:
        return None
    event_id = body.get("event_id")
    return Message(
        platform=PLATFORM,
        command_prefix=COMMAND_PREFIX,
        user_id=str(event["user"]),
        chat_id=channel,
        text=command_text(text, with_args=False),
        chat_type=chat_type,
        event_id=str(event_id) if event_id else None,
    )


def reply_thread(event: Mapping[str, Any]) -> str | None:
    """Where to answer an event: the mention's thread; a DM answers in place (or its thread)."""
    if event.get("type") == "app_mention":
        return str(event.get("thread_ts") or event.get("ts") or "") or None
    thread = event.get("thread_ts")
    return str(thread) if thread else None


def action_to_message(body: Mapping[str, Any], action: Mapping[str, Any]) -> Message:
    """A pressed button (`block_actions`) as a Message carrying the core's action string."""
    user = body.get("user") or {}
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    channel_id = str(channel.get("id") or container.get("channel_id") or user.get("id") or "")
    return Message(
        platform=PLATFORM,
        command_prefix=COMMAND_PREFIX,
        user_id=str(user.get("id") or ""),
        chat_id=channel_id,
        action=str(action.get("value") or ""),
        display_name=user.get("username") or user.get("name") or None,
        chat_type=_chat_type(channel_id, channel.get("name")),
    )
