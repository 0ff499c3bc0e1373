"""Outbound for Telegram: the neutral Reply as Telegram HTML and keyboards, and sending it."""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

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

from bot.markup import Block, Bold, Link, Paragraph, Span
from bot.messages import Button, ChatType, Message, OpeningCard, Reply

MAX_MESSAGE = 4096
BUTTONS_PER_ROW = 2
# Telegram refuses an empty text; a message that is only buttons needs something to hang on.
_ONLY_BUTTONS = "👇"

_REMOTE = {"yes": "remote", "hybrid": "hybrid", "no": "on-site"}

Rendered = tuple[str, InlineKeyboardMarkup | None]


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def length(text: str) -> int:
    """Telegram counts UTF-16 code units; counting the HTML (tags too) errs on the safe side."""
    return len(text.encode("utf-16-le")) // 2


def span_html(span: Span) -> str:
    if isinstance(span, Bold):
        return f"<b>{esc(span.text)}</b>"
    if isinstance(span, Link):
        return f'<a href="{html.escape(span.url, quote=True)}">{esc(span.text)}</a>'
    return esc(span.text)


def spans_html(spans: Iterable[Span]) -> str:
    return "".join(span_html(s) for s in spans)


def block_html(block: Block) -> str:
    if isinstance(block, Paragraph):
        return spans_html(block.spans)
    return "\n".join("• " + spans_html(item) for item in block.items)


def card_html(card: OpeningCard) -> str:
    lines = [f"<b>{esc(card.title)}</b>", esc(card.company)]
    facts = [card.location, _REMOTE.get(card.remote, ""), card.level or ""]
    shown = " · ".join(f for f in facts if f)
    if shown:
        lines.append(esc(shown))
    if card.matched_skills:
        lines.append("Why it fits: " + esc(", ".join(card.matched_skills)))
    if card.missing_skills:
        lines.append("To learn: " + esc(", ".join(g.skill for g in card.missing_skills)))
    if card.url:
        lines.append(f'<a href="{html.escape(card.url, quote=True)}">{esc(card.url)}</a>')
    return "\n".join(lines)


# Keyboards are immutable and the same few recur (the start menu, a topic's buttons): each is
# built once, not per message (PTB's objects cost about 1% of a busy server's CPU to build).
@functools.lru_cache(maxsize=1024)
def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    # Button.action is at most 64 bytes (the core checks), which is Telegram's callback_data limit.
    row_list = [
        [InlineKeyboardButton(b.label, callback_data=b.action)
         for b in buttons[i:i + BUTTONS_PER_ROW]]
        for i in range(0, len(buttons), BUTTONS_PER_ROW)
    ]
    return InlineKeyboardMarkup(row_list)


@dataclass(frozen=True, slots=True)
class _Unit:
    """A tag-balanced piece of HTML and what joins it to the piece before it."""

    html: str
    sep: str


def _text_pieces(text: str, budget: int) -> list[str]:
    """Cut raw text so each escaped piece fits the budget, at whitespace when possible."""
    pieces: list[str] = []
    current = ""
    for token in re.split(r"(\s+)", text):
        if not token:
            continue
        if length(esc(current + token)) <= budget:
            current += token
            continue
        if current:
            pieces.append(current)
            current = ""
        while length(esc(token)) > budget:
            cut = _fitting_prefix(token, budget)
            pieces.append(token[:cut])
            token = token[cut:]
        current = token
    if current:
        pieces.append(current)
    return pieces


def _fitting_prefix(text: str, budget: int) -> int:
    """The longest prefix (at least one character) whose escaped form fits the budget."""
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if length(esc(text[:mid])) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _span_units(spans: tuple[Span, ...], sep: str, limit: int, prefix: str = "") -> list[_Unit]:
    units: list[_Unit] = []
    first_sep = sep
    if prefix:
        units.append(_Unit(prefix, sep))
        first_sep = ""
    for i, span in enumerate(spans):
        joiner = first_sep if i == 0 else ""
        whole = span_html(span)
        if length(whole) <= limit:
            units.append(_Unit(whole, joiner))
            continue
        budget = max(16, limit - length(span_html(dataclasses.replace(span, text=""))))
        for j, piece in enumerate(_text_pieces(span.text, budget)):
            units.append(_Unit(span_html(dataclasses.replace(span, text=piece)),
                               joiner if j == 0 else ""))
    return units


def _block_units(block: Block, limit: int) -> list[_Unit]:
    whole = block_html(block)
    if length(whole) <= limit:
        return [_Unit(whole, "\n\n")]
    if isinstance(block, Paragraph):
        return _span_units(block.spans, "\n\n", limit)
    units: list[_Unit] = []
    for i, item in enumerate(block.items):
        sep = "\n\n" if i == 0 else "\n"
        line = "• " + spans_html(item)
        if length(line) <= limit:
            units.append(_Unit(line, sep))
        else:
            units.extend(_span_units(item, sep, limit, prefix="• "))
    return units


def split_html(parts: Iterable[_Unit], limit: int = MAX_MESSAGE) -> list[str]:
    """Pack units into messages; a new message starts only between units, never inside a tag."""
    chunks: list[str] = []
    current = ""
    for unit in parts:
        candidate = current + unit.sep + unit.html if current else unit.html
        if length(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            chunks.append(current)
        current = unit.html.lstrip() or unit.html
    if current.strip():
        chunks.append(current)
    return chunks


def render(reply: Reply, *, limit: int = MAX_MESSAGE) -> list[Rendered]:
    """One or more (HTML text, keyboard) messages; the keyboard rides on the last one."""
    units: list[_Unit] = []
    for block in reply.blocks:
        units.extend(_block_units(block, limit))
    for card in reply.cards:
        units.append(_Unit(card_html(card), "\n\n"))
    chunks = split_html(units, limit)
    markup = keyboard(reply.buttons)
    if not chunks:
        return [(_ONLY_BUTTONS, markup)] if markup is not None else []
    return [(c, markup if i == len(chunks) - 1 else None) for i, c in enumerate(chunks)]


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
