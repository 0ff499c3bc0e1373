"""One alert pass over a runtime: its alert store, its notifiers, what was sent per platform."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.alerts import AlertStats, run_alerts_once
from bot.messages import Reply
from bot.ports import Notifier

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime

log = logging.getLogger(__name__)


@dataclass
class RecordingNotifier:
    """Keeps what would have been sent (tests, dry runs)."""

    sent: list[tuple[str, str, list[Reply]]] = field(default_factory=list)

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        self.sent.append((platform, chat_id, list(replies)))


@dataclass(frozen=True, kw_only=True)
class AlertRunResult:
    stats: AlertStats
    # Messages sent per platform: what the worker counts in its metrics.
    sent: dict[str, int] = field(default_factory=dict)


class _Counting:
    def __init__(self, inner: Notifier) -> None:
        self.inner = inner
        self.sent: dict[str, int] = {}

    async def send(self, platform: str, chat_id: str, replies: Sequence[Reply]) -> None:
        await self.inner.send(platform, chat_id, replies)
        self.sent[platform] = self.sent.get(platform, 0) + 1


async def run_alerts(runtime: Runtime) -> AlertRunResult:
    """One alert pass over every subscription; the worker calls this periodically."""
    counting = _Counting(runtime.notifier)
    stats = await run_alerts_once(runtime.alerts, counting, runtime.kb.skills)
    if stats.messages or stats.errors:
        log.info("alerts: %s", stats.as_dict())
    return AlertRunResult(stats=stats, sent=counting.sent)
