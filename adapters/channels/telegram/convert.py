"""Telegram updates to core Messages: who said what, and whether it was said to the bot."""

from __future__ import annotations

import re

from telegram import CallbackQuery, Update
from telegram.constants import ChatType as TgChatType

from bot.messages import ChatType, Message

PLATFORM = "telegram"
_GROUPS = frozenset({TgChatType.GROUP, TgChatType.SUPERGROUP})
_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]+))?(?=\s|$)")


def event_key(update_id: int) -> str:
    """The event id of an update: de-duplication (bot.ports.EventRepository) and the inbox."""
    return f"tg:{update_id}"


def to_message(update: Update, *, bot_username: str | None) -> Message | None:
    """The core Message for an update, or None when the update is not for the bot to answer."""
    if update.callback_query is not None:
        return _from_callback(update, update.callback_query)
    # edited_message, channel_post, poll, my_chat_member … are left as None on purpose.
    msg = update.message
    if msg is None or msg.from_user is None or msg.from_user.is_bot:
        return None
    text = msg.text
    if not text:  # stickers, photos, joins and other service messages
        return None
    if msg.chat.type == TgChatType.PRIVATE:
        chat_type = ChatType.PRIVATE
        addressed = _strip_command_address(text, bot_username)
    elif msg.chat.type in _GROUPS:
        chat_type = ChatType.GROUP
        addressed = _group_text(update, text, bot_username)
    else:
        return None
    if addressed is None:
        return None
    return Message(
        platform=PLATFORM,
        user_id=str(msg.from_user.id),
        chat_id=str(msg.chat.id),
        text=addressed,
        display_name=msg.from_user.first_name or None,
        chat_type=chat_type,
        event_id=event_key(update.update_id),
    )


def _from_callback(update: Update, query: CallbackQuery) -> Message | None:
    if not query.data:
        return None
    chat = query.message.chat if query.message is not None else None
    chat_type = ChatType.GROUP if chat is not None and chat.type in _GROUPS else ChatType.PRIVATE
    return Message(
        platform=PLATFORM,
        user_id=str(query.from_user.id),
        # Inline-mode buttons have no chat; the presser's private chat is the only sensible one.
        chat_id=str(chat.id if chat is not None else query.from_user.id),
        action=query.data,
        display_name=query.from_user.first_name or None,
        chat_type=chat_type,
        event_id=event_key(update.update_id),
    )


def _mention_re(bot_username: str) -> re.Pattern[str]:
    # "@bot, what is X?" → "what is X?": the vocative comma goes with the mention.
    return re.compile(rf"(?<![\w@])@{re.escape(bot_username)}(?!\w)[,:;]?", re.IGNORECASE)


def _strip_command_address(text: str, bot_username: str | None) -> str | None:
    """`/ask@thisbot x` → `/ask x`; a command addressed to another bot → None."""
    m = _COMMAND.match(text)
    if m is None or m.group("bot") is None:
        return text
    if bot_username is None or m.group("bot").lower() != bot_username.lower():
        return None
    return f"/{m.group('name')}{text[m.end():]}"


def _group_text(update: Update, text: str, bot_username: str | None) -> str | None:
    """In groups only commands, mentions of the bot and replies to the bot are for us."""
    if text.startswith("/"):
        return _strip_command_address(text, bot_username)
    if not bot_username:
        return None
    mention = _mention_re(bot_username)
    msg = update.message
    replied = msg.reply_to_message if msg is not None else None
    to_bot = (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.is_bot
        and (replied.from_user.username or "").lower() == bot_username.lower()
    )
    if not to_bot and mention.search(text) is None:
        return None
    stripped = mention.sub(" ", text)
    return re.sub(r"[ \t]{2,}", " ", stripped).strip(" \t\n,:;")
