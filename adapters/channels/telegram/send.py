"""Sending the core's replies: quotes and forum topics in groups, private replies in private."""

from __future__ import annotations

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import Forbidden

from adapters.channels.telegram.render import esc, render
from bot.messages import ChatType, Message, Reply

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def send_replies(bot: Bot, update: Update, message: Message, replies: list[Reply]) -> None:
    """Send each reply; in groups the first message of a reply quotes the asker's message."""
    asked = update.message
    group = message.chat_type is ChatType.GROUP
    thread = _thread_id(update)
    for reply in replies:
        if reply.private and group:
            await _send_private(bot, message, reply, asked_id=asked.message_id if asked else None,
                                thread=thread)
            continue
        for i, (text, markup) in enumerate(render(reply)):
            quote = (
                ReplyParameters(message_id=asked.message_id, allow_sending_without_reply=True)
                if i == 0 and asked is not None and group
                else None
            )
            await bot.send_message(
                chat_id=message.chat_id, text=text, parse_mode=ParseMode.HTML, reply_markup=markup,
                reply_parameters=quote, link_preview_options=_NO_PREVIEW,
                message_thread_id=thread,
            )


def _thread_id(update: Update) -> int | None:
    """In forum groups, answers stay in the topic (thread) where the person asked."""
    origin = update.effective_message
    if origin is None or not origin.is_topic_message:
        return None
    return origin.message_thread_id


async def _send_private(
    bot: Bot, message: Message, reply: Reply, *, asked_id: int | None, thread: int | None
) -> None:
    """Private replies asked for in a group go to the person's private chat, if they opened one."""
    try:
        for text, markup in render(reply):
            await bot.send_message(chat_id=message.user_id, text=text, parse_mode=ParseMode.HTML,
                                   reply_markup=markup, link_preview_options=_NO_PREVIEW)
        return
    except Forbidden:
        pass  # Telegram lets a bot write only to people who started a chat with it.
    link = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Open a private chat", url=f"https://t.me/{bot.username}")]]
    )
    await bot.send_message(
        chat_id=message.chat_id,
        text=esc("I can answer that only in a private chat. Open one with me, press Start, "
                 "and ask again there."),
        parse_mode=ParseMode.HTML,
        reply_markup=link,
        reply_parameters=(ReplyParameters(message_id=asked_id, allow_sending_without_reply=True)
                          if asked_id is not None else None),
        message_thread_id=thread,
    )
