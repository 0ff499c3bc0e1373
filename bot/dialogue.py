"""The dialogue core: one entry, `handle(message) -> list[Reply]`, routing to ranked handlers."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from bot.flows import Step
from bot.knowledge import KnowledgeBase
from bot.markup import Block, Bold, BulletList, Paragraph, Span, Text, para
from bot.matcher import TopicMatcher
from bot.messages import Message, Reply
from bot.ports import (
    ChatKey,
    ConversationState,
    Profile,
    StaleState,
    StorageUnavailable,
    UnitOfWork,
    UnitOfWorkFactory,
)
from bot.ratelimit import RateLimiter, Verdict
from bot.text import normalize

log = logging.getLogger(__name__)

# A message longer than this is cut before matching: nobody's question is longer,
# and it keeps a 100 kB paste from costing more than a normal message.
MAX_TEXT = 2000
_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]+))?(?:\s+(?P<args>.*))?$",
                      re.DOTALL)


@dataclass(kw_only=True)
class Context:
    """What a handler sees for one message. Handlers change `state`; the core saves it."""

    message: Message
    text: str
    state: ConversationState
    bot: Bot
    uow: UnitOfWork | None
    command: str | None = None
    degraded: bool = False
    # Set by /forget: the person's rows are gone, so nothing may be written back.
    forgotten: bool = False
    scores: dict[str, float] = field(default_factory=dict)
    # Work a handler's score() did that its handle() can reuse (e.g. topic matches).
    cache: dict[str, Any] = field(default_factory=dict)
    _profile: Profile | None = None
    _profile_loaded: bool = False

    @property
    def kb(self) -> KnowledgeBase:
        return self.bot.kb

    @property
    def norm(self) -> str:
        return normalize(self.text)

    def update(self, **changes: Any) -> None:
        self.state = dataclasses.replace(self.state, **changes)

    def set_data(self, **changes: Any) -> None:
        data = dict(self.state.data)
        for k, v in changes.items():
            if v is None:
                data.pop(k, None)
            else:
                data[k] = v
        self.update(data=data)

    async def profile(self) -> Profile:
        if not self._profile_loaded:
            self._profile_loaded = True
            if self.uow is not None:
                try:
                    self._profile = await self.uow.profiles.get(
                        self.message.platform, self.message.user_id
                    )
                except StorageUnavailable:
                    self.bot.storage_failed()
                    self.degraded = True
        return self._profile or Profile()

    def storage(self) -> UnitOfWork:
        """The unit of work, or StorageUnavailable when running without memory."""
        if self.uow is None:
            raise StorageUnavailable("storage is unavailable")
        return self.uow


class Handler(Protocol):
    """One intent: how sure it is about free text, and what it answers."""

    intent: ClassVar[str]
    commands: ClassVar[tuple[str, ...]]
    actions: ClassVar[tuple[str, ...]]
    steps: ClassVar[tuple[Step, ...]]

    def score(self, ctx: Context) -> float: ...

    async def handle(self, ctx: Context) -> list[Reply]: ...

    async def resume(self, ctx: Context) -> list[Reply] | None:
        """Answer a pending step this handler owns, or None to let the message route normally."""
        ...


Hook = Callable[[Message, list[Reply], float], Awaitable[None] | None]


class Bot:
    """Routes each message: button action, then slash command, then pending step, then best score."""

    def __init__(
        self,
        *,
        kb: KnowledgeBase,
        uow_factory: UnitOfWorkFactory | None,
        handlers: Sequence[Handler],
        fallback: Handler,
        matcher: TopicMatcher | None = None,
        services: dict[str, Any] | None = None,
        admins: Iterable[str] = (),
        bot_names: Iterable[str] = (),
        limiter: RateLimiter | None = None,
    ) -> None:
        self.kb = kb
        self.limiter = limiter
        self.matcher = matcher or TopicMatcher(kb.topics.values())
        self.uow_factory = uow_factory
        self.handlers = list(handlers)
        self.fallback = fallback
        self.services = services or {}
        self.admins = frozenset(admins)
        self.bot_names = frozenset(n.lower() for n in bot_names)
        self.hooks: list[Hook] = []
        self._storage_down = False
        self._by_command = {c: h for h in self.handlers for c in h.commands}
        self._command_re: re.Pattern[str] | None = None
        self._by_action = {a: h for h in self.handlers for a in h.actions}
        self._by_step = {s: h for h in self.handlers for s in h.steps}

    # Knowledge can be replaced at run time (/reload) without rebuilding handlers.
    def replace_knowledge(self, kb: KnowledgeBase) -> None:
        self.matcher = TopicMatcher(kb.topics.values())
        self.kb = kb

    def is_admin(self, message: Message) -> bool:
        return f"{message.platform}:{message.user_id}" in self.admins

    def storage_failed(self) -> None:
        if not self._storage_down:
            log.error("storage unavailable; answering without memory until it is back")
        self._storage_down = True

    def storage_ok(self) -> None:
        if self._storage_down:
            log.warning("storage is back")
        self._storage_down = False

    def command_handler(self, name: str) -> Handler:
        return self._by_command[name]

    @property
    def commands(self) -> frozenset[str]:
        return frozenset(self._by_command)

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
        if message.command_prefix != "/":
            replies = [self._restyle_commands(r, message.command_prefix) for r in replies]
        elapsed = time.perf_counter() - started
        for hook in self.hooks:
            result = hook(message, replies, elapsed)
            if result is not None:
                await result
        return replies

    def _restyle_commands(self, reply: Reply, prefix: str) -> Reply:
        """Write "/jobs" the way this front end types commands ("/careerbot jobs" in Slack)."""
        if self._command_re is None:
            names = "|".join(sorted(map(re.escape, self._by_command), key=len, reverse=True))
            self._command_re = re.compile(rf"(?<![\w/:.])/({names})(?![\w/])")
        pattern = self._command_re

        def spans(items: tuple[Span, ...]) -> tuple[Span, ...]:
            return tuple(
                type(s)(pattern.sub(lambda m: prefix + m.group(1), s.text))
                if isinstance(s, Text | Bold) else s
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
            replies, _ = await self._route(message, None, ConversationState())
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
                    replies, ctx = await self._route(message, uow, state)
                    if ctx.state != state and not ctx.forgotten:
                        await uow.conversations.save(key, ctx.state)
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
        replies, _ = await self._route(message, None, ConversationState(), degraded=True)
        return replies

    async def _route(
        self,
        message: Message,
        uow: UnitOfWork | None,
        state: ConversationState,
        *,
        degraded: bool = False,
    ) -> tuple[list[Reply], Context]:
        text = message.text[:MAX_TEXT].strip()
        ctx = Context(message=message, text=text, state=state, bot=self, uow=uow,
                      degraded=degraded or uow is None)
        replies = await self._dispatch(ctx)
        # Losing "last topic" is harmless; a flow that cannot continue must be said.
        unsaved = ctx.state.pending != state.pending or ctx.state.data != state.data
        if ctx.degraded and uow is None and self.uow_factory is not None and unsaved:
            replies.append(Reply(
                blocks=(para("(I couldn't save your settings just now; "
                             "I'll remember again once my database is back.)"),),
                intent=replies[-1].intent if replies else "fallback",
            ))
        return replies, ctx

    async def _dispatch(self, ctx: Context) -> list[Reply]:
        message = ctx.message
        if message.action:
            prefix = message.action.split(":", 1)[0]
            handler = self._by_action.get(prefix)
            if handler is not None:
                return await handler.handle(ctx)
            log.info("unknown button action %r", prefix)
            return await self.fallback.handle(ctx)
        m = _COMMAND.match(ctx.text)
        if m:
            name = m.group("name").lower()
            addressed = (m.group("bot") or "").lower()
            if addressed and self.bot_names and addressed not in self.bot_names:
                return []  # a command for another bot in the same group
            ctx.command = name
            ctx.text = (m.group("args") or "").strip()
            handler = self._by_command.get(name)
            if handler is None:
                return [unknown_command(name, sorted(self._by_command))]
            return await handler.handle(ctx)
        if ctx.state.pending is not None:
            step_handler = self._by_step.get(ctx.state.pending)
            if step_handler is not None:
                resumed = await step_handler.resume(ctx)
                if resumed is not None:
                    return resumed
            ctx.update(pending=None)
        if not ctx.text:
            return await self._by_command["help"].handle(ctx) if "help" in self._by_command \
                else await self.fallback.handle(ctx)
        best: Handler | None = None
        best_score = 0.0
        for handler in self.handlers:
            s = handler.score(ctx)
            ctx.scores[handler.intent] = s
            if s > best_score:
                best, best_score = handler, s
        if best is None or best_score < 0.5:
            return await self.fallback.handle(ctx)
        return await best.handle(ctx)


def slow_down(per_minute: int) -> Reply:
    return Reply(
        blocks=(para(f"You're sending messages faster than I can answer (over {per_minute} a "
                     "minute). Please slow down; I'll ignore messages for a little while."),),
        intent="rate_limited",
        private=True,
    )


def unknown_command(name: str, known: Iterable[str]) -> Reply:
    shown = ", ".join(f"/{c}" for c in known if c not in ("start", "reload", "stats"))
    return Reply(
        blocks=(para(f"I don't know the command /{name}. Commands I understand: {shown}."),),
        intent="help",
    )
