"""Terminal lines to core Messages: typed text, or the button whose number was typed."""

from __future__ import annotations

from bot.messages import Button, Message

PLATFORM = "console"


def to_message(line: str, buttons: list[Button], *, user_id: str) -> Message:
    """Typed text, or the action of the button whose number was typed."""
    stripped = line.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(buttons):
        button = buttons[int(stripped) - 1]
        return Message(platform=PLATFORM, user_id=user_id, chat_id=user_id,
                       text=button.label, action=button.action)
    return Message(platform=PLATFORM, user_id=user_id, chat_id=user_id, text=line)
