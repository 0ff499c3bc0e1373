"""What a channel offers the composition root and the service: the `Channel` protocol."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from bot.ports import NotifierError

if TYPE_CHECKING:
    from starlette.routing import Route

    from bot.dialogue import Bot
    from bot.messages import Reply
    from bot.ports import Notifier

log = logging.getLogger(__name__)

# Serves until cancelled (long polling, a Socket Mode connection).
Runner = Callable[[], Coroutine[Any, Any, None]]


@dataclass(frozen=True, kw_only=True)
class Mount:
    """What a channel adds to `careerbot serve`: its routes, and what runs while they serve."""

    routes: Sequence[Route]
    running: Callable[[], AbstractAsyncContextManager[None]]


@dataclass(frozen=True, kw_only=True)
class Unavailable:
    """Why a configured-out channel takes no part, for one log line (never a secret)."""

    reason: str


class ChannelNotifier(Protocol):
    """A channel's alert sender; it may hold connections until aclose()."""

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None: ...

    async def aclose(self) -> None: ...


class Channel(Protocol):
    """One platform. Every method only builds (no I/O), from the settings the channel holds."""

    @property
    def name(self) -> str:
        """The platform as in Message.platform, CAREERBOT_ADMINS and subscriptions."""
        ...

    def notifier(self) -> ChannelNotifier | None:
        """The alert sender, or None when the settings give this platform no credentials."""
        ...

    def mount(self, bot: Bot) -> Mount | Unavailable | None:
        """Routes for the web app; Unavailable when settings are missing, None if it has none."""
        ...

    def runner(self, bot: Bot, *, standalone: bool) -> Runner | None:
        """A connection of its own: `careerbot run NAME` (standalone) or beside the worker."""
        ...


class Notifiers:
    """Sends each alert with its platform's notifier, made on first use; aclose() closes them."""

    def __init__(self, channels: Sequence[Channel],
                 given: Mapping[str, Notifier] | None = None) -> None:
        self._channels = {c.name: c for c in channels}
        self._given = dict(given) if given is not None else None
        self._made: dict[str, ChannelNotifier] = {}

    def _for(self, platform: str) -> Notifier | None:
        if self._given is not None:
            return self._given.get(platform)
        made = self._made.get(platform)
        if made is None:
            channel = self._channels.get(platform)
            made = channel.notifier() if channel is not None else None
            if made is None:
                return None
            self._made[platform] = made
        return made

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        notifier = self._for(platform)
        if notifier is None:
            raise NotifierError(f"no notifier configured for {platform!r}")
        await notifier.send(platform, chat_id, replies)

    async def aclose(self) -> None:
        made, self._made = self._made, {}
        for platform, notifier in made.items():
            try:
                await notifier.aclose()
            except Exception:
                log.exception("closing the %s notifier failed", platform)
