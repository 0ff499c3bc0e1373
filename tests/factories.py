"""Core messages as a front end makes them, for the tests of the core and the service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.messages import ChatType, Message, Reply

if TYPE_CHECKING:
    from bot.dialogue import Bot


def message(text: str = "", *, user: str = "u1", chat: str | None = None, action: str | None = None,
            platform: str = "console", chat_type: ChatType = ChatType.PRIVATE,
            event_id: str | None = None) -> Message:
    return Message(platform=platform, user_id=user, chat_id=chat or user, text=text,
                   action=action, chat_type=chat_type, event_id=event_id)


async def say(bot: Bot, text: str = "", *, user: str = "u1", action: str | None = None,
              chat_type: ChatType = ChatType.PRIVATE) -> Reply:
    """The first reply of the bot to one message (a test fails when there is none)."""
    replies = await bot.handle(message(text, user=user, action=action, chat_type=chat_type))
    assert replies, f"no reply to {text!r}"
    return replies[0]
