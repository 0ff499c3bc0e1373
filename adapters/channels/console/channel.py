"""The terminal channel (channels/base.py): alerts print; its app, `careerbot chat`, is the CLI's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.channels.base import Runner
from adapters.channels.console.convert import PLATFORM
from adapters.settings import Settings

if TYPE_CHECKING:
    from adapters.channels.console.notify import ConsoleNotifier
    from bot.dialogue import Bot


class ConsoleChannel:
    name = PLATFORM

    def __init__(self, settings: Settings) -> None:
        """No setting concerns the terminal; the argument keeps every channel built alike."""

    def notifier(self) -> ConsoleNotifier:
        from adapters.channels.console.notify import ConsoleNotifier

        return ConsoleNotifier()

    def mount(self, bot: Bot) -> None:
        return None

    def runner(self, bot: Bot, *, standalone: bool) -> Runner | None:
        return None
