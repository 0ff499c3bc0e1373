"""Core messages as a front end makes them, for the tests of the core and the service."""

from __future__ import annotations

from bot.messages import ChatType, Message


def message(text: str = "", *, user: str = "u1", chat: str | None = None, action: str | None = None,
            platform: str = "console", chat_type: ChatType = ChatType.PRIVATE,
            event_id: str | None = None) -> Message:
    return Message(platform=platform, user_id=user, chat_id=chat or user, text=text,
                   action=action, chat_type=chat_type, event_id=event_id)
