"""The base every intent handler extends: no commands, no actions, no steps, no opinion."""

from __future__ import annotations

from typing import ClassVar

from bot.actions import Action
from bot.flows import Step
from bot.messages import Reply
from bot.routing import Context


class BaseHandler:
    intent: ClassVar[str] = "fallback"
    commands: ClassVar[tuple[str, ...]] = ()
    actions: ClassVar[tuple[type[Action], ...]] = ()
    steps: ClassVar[tuple[Step, ...]] = ()

    def score(self, ctx: Context) -> float:
        return 0.0

    async def handle(self, ctx: Context) -> list[Reply]:
        raise NotImplementedError

    async def resume(self, ctx: Context) -> list[Reply] | None:
        return None

    def unavailable(self, ctx: Context) -> list[Reply] | None:
        return None

