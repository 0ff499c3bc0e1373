"""The dialogue core's one entry, `Bot.handle(message) -> list[Reply]`: limit, dedupe, route, save."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path

from bot.encoder import Encoder
from bot.knowledge import KnowledgeBase
from bot.markup import Block, Bold, BulletList, Paragraph, Span, Text, para
from bot.matcher import TopicMatcher
from bot.messages import Message, Reply
from bot.ports import (
    ChatKey,
    ConversationState,
    StaleState,
    StorageUnavailable,
    UnitOfWork,
    UnitOfWorkFactory,
)
from bot.ratelimit import RateLimiter, Verdict
from bot.routing import Context, Handler, Router
from bot.services import Services
from bot.usage import UsageRecorder, today

log = logging.getLogger(__name__)

# A message longer than this is cut before matching: nobody's question is longer,
# and it keeps a 100 kB paste from costing more than a normal message.
MAX_TEXT = 2000


Hook = Callable[[Message, list[Reply], float], Awaitable[None] | None]


class Bot(Router):
    """Limits, dedupes, routes (bot/routing.py) and saves each message in one unit of work."""

    def __init__(
        self,
        *,
        kb: KnowledgeBase,
        uow_factory: UnitOfWorkFactory | None,
        handlers: Sequence[Handler],
        fallback: Handler,
        matcher: TopicMatcher | None = None,
        services: Services | None = None,
        admins: Iterable[str] = (),
        bot_names: Iterable[str] = (),
        limiter: RateLimiter | None = None,
        encoder: Encoder | None = None,
        embedding_dir: Path | None = None,
    ) -> None:
        super().__init__(kb=kb, handlers=handlers, fallback=fallback, matcher=matcher,
                         services=services, admins=admins, bot_names=bot_names,
                         encoder=encoder, embedding_dir=embedding_dir)
        self.limiter = limiter
        self.uow_factory = uow_factory
        self.hooks: list[Hook] = []
        self.usage = UsageRecorder()
        self._command_re: re.Pattern[str] | None = None

    async def handle(self, message: Message) -> list[Reply]:
        if self.limiter is not None:
            # Before any database work, so one flooder cannot starve everyone else.
            verdict = self.limiter.check(f"{message.platform}:{message.user_id}")
            if verdict is Verdict.DROP:
                return []
            if verdict is Verdict.WARN:
                log.info("rate limit reached on %s", message.platform)
                return [slow_down(self.limiter.per_minute)]
        started = time.perf_counter()
        try:
            replies = await self._handle(message)
        except Exception:
            log.exception("handling a message failed")
            replies = [Reply(
                blocks=(para("Sorry, something went wrong on my side. Please try again."),),
                intent="error",
            )]
        elapsed = time.perf_counter() - started
        for hook in self.hooks:
            result = hook(message, replies, elapsed)
            if result is not None:
                await result
        return replies

    def _restyle_commands(self, reply: Reply, prefix: str) -> Reply:
        """Write "/jobs" the way this front end types commands ("/careerbot jobs" in Slack)."""
        if self._command_re is None:
            names = "|".join(sorted(map(re.escape, self.commands), key=len, reverse=True))
            # The slash first, then what may not stand before it: a pattern that starts with a
            # literal is searched for that character, not tried at every position (25x faster).
            self._command_re = re.compile(rf"/(?<![\w/:.]/)({names})(?![\w/])")
        pattern = self._command_re

        def spans(items: tuple[Span, ...]) -> tuple[Span, ...]:
            return tuple(
                type(s)(pattern.sub(lambda m: prefix + m.group(1), s.text))
                # Most spans name no command: the regular expression is not worth running.
                if isinstance(s, Text | Bold) and "/" in s.text else s
                for s in items
            )

        blocks: list[Block] = []
        for b in reply.blocks:
            if isinstance(b, Paragraph):
                blocks.append(Paragraph(spans(b.spans)))
            else:
                blocks.append(BulletList(tuple(spans(i) for i in b.items)))
        return dataclasses.replace(reply, blocks=tuple(blocks))

    async def _handle(self, message: Message) -> list[Reply]:
        if self.uow_factory is None:
            replies, _ = await self._answer(message, None, ConversationState())
            return replies
        key = ChatKey(platform=message.platform, chat_id=message.chat_id, user_id=message.user_id)
        for attempt in range(3):
            try:
                async with self.uow_factory() as uow:
                    if message.event_id and not await uow.events.claim(
                        message.platform, message.event_id
                    ):
                        await uow.commit()
                        return []
                    await uow.users.touch(message.platform, message.user_id, message.display_name)
                    state = await uow.conversations.get(key)
                    replies, ctx = await self._answer(message, uow, state)
                    if ctx.state != state and not ctx.forgotten:
                        await uow.conversations.save(key, ctx.state)
                    if not ctx.forgotten:
                        day = today()
                        await self.usage.record(uow, message, replies, self.services.person(
                            day, message.platform, message.user_id), day)
                    if message.event_id:
                        # With the event's claim: a process that dies before delivering
                        # leaves the answer to the next one, which must not think again.
                        await uow.inbox.answered(message.platform, message.event_id, replies)
                    await uow.commit()
                self.storage_ok()
                return replies
            except StaleState:
                # Another process answered this person a moment ago; redo on fresh state.
                log.info("conversation changed concurrently, retrying (%d)", attempt + 1)
                continue
            except StorageUnavailable:
                self.storage_failed()
                break
        replies, _ = await self._answer(message, None, ConversationState())
        return replies

    async def _answer(
        self,
        message: Message,
        uow: UnitOfWork | None,
        state: ConversationState,
    ) -> tuple[list[Reply], Context]:
        text = message.text[:MAX_TEXT].strip()
        ctx = Context(message=message, text=text, state=state, bot=self, uow=uow)
        replies = await self.route(ctx)
        if message.command_prefix != "/":
            replies = [self._restyle_commands(r, message.command_prefix) for r in replies]
        # Losing "last topic" (or the question a rating would keep) is harmless; a flow that
        # cannot continue must be said.
        unsaved = ctx.state.pending != state.pending or (
            {k: v for k, v in ctx.state.data.items() if k not in ctx.expendable}
            != {k: v for k, v in state.data.items() if k not in ctx.expendable})
        if uow is None and self.uow_factory is not None and unsaved:
            replies.append(Reply(
                blocks=(para("(I couldn't save your settings just now; "
                             "I'll remember again once my database is back.)"),),
                intent=replies[-1].intent if replies else "fallback",
            ))
        return replies, ctx


def slow_down(per_minute: int) -> Reply:
    return Reply(
        blocks=(para(f"You're sending messages faster than I can answer (over {per_minute} a "
                     "minute). Please slow down; I'll ignore messages for a little while."),),
        intent="rate_limited",
        private=True,
    )
