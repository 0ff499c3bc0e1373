"""The terminal front end: a read-reply loop where numbered buttons can be typed."""

from __future__ import annotations

import asyncio
import getpass
import sys

from rich.console import Console

from adapters.channels.console.convert import PLATFORM, to_message
from adapters.channels.console.render import print_replies
from bot.dialogue import Bot
from bot.messages import Message

QUIT = frozenset({"/quit", "/exit", "quit", "exit", ":q"})


async def _read(prompt: str, console: Console, interactive: bool) -> str | None:
    try:
        if interactive:
            return await asyncio.to_thread(console.input, prompt)
        line = await asyncio.to_thread(sys.stdin.readline)
        return line.rstrip("\n") if line else None
    except (EOFError, KeyboardInterrupt):
        return None


async def run_chat(bot: Bot, console: Console, *, interactive: bool, user_id: str | None = None
                   ) -> None:
    user_id = user_id or getpass.getuser() or "me"
    if interactive:
        console.print("[bold]careerbot[/bold] — backend engineering career advice. "
                      "Type a question, a button number, or /quit.\n")
    buttons = print_replies(console, await bot.handle(
        Message(platform=PLATFORM, user_id=user_id, chat_id=user_id, text="/start")))
    while True:
        line = await _read("\n[bold cyan]you ›[/bold cyan] ", console, interactive)
        if line is None or line.strip().lower() in QUIT:
            break
        if not line.strip():
            continue
        replies = await bot.handle(to_message(line, buttons, user_id=user_id))
        console.print()
        buttons = print_replies(console, replies)
