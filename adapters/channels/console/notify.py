"""Alerts for chats of the terminal front end, printed."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from adapters.channels.console.render import print_replies
from bot.messages import Reply


class ConsoleNotifier:
    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        self.console.print(f"[bold]alert for {platform}:{chat_id}[/bold]")
        print_replies(self.console, list(replies))

    async def aclose(self) -> None:
        """Nothing to release: printing holds no connection."""
