"""The dispatch order (action, command, pending step, best score, fallback) and storage outages."""

from __future__ import annotations

import logging
from typing import ClassVar

import pytest

from bot.actions import Action, ShowTopic
from bot.dialogue import Bot
from bot.flows import Step
from bot.handlers.base import BaseHandler
from bot.handlers.basic import HelpHandler
from bot.knowledge import KnowledgeBase
from bot.markup import para
from bot.memory import MemoryStore
from bot.messages import ChatType, Reply
from bot.ports import ConversationState, StorageUnavailable
from bot.routing import Context, Router
from tests.factories import message


class Probe(BaseHandler):
    """Answers with its own name; scores `sure` when the text contains its name."""

    def __init__(self, name: str, *, sure: float = 0.9, commands: tuple[str, ...] = (),
                 actions: tuple[type[Action], ...] = (), steps: tuple[Step, ...] = (),
                 takes_step: bool = True) -> None:
        self.name, self.sure, self.takes_step = name, sure, takes_step
        # Instance attributes shadow the ClassVars the router reads; fine for probes.
        self.commands = commands  # type: ignore[misc]
        self.actions = actions  # type: ignore[misc]
        self.steps = steps  # type: ignore[misc]
        self.intent = name  # type: ignore[misc]

    def score(self, ctx: Context) -> float:
        return self.sure if self.name in ctx.text else 0.0

    async def handle(self, ctx: Context) -> list[Reply]:
        return [Reply(blocks=(para(ctx.text),), intent=self.name)]

    async def resume(self, ctx: Context) -> list[Reply] | None:
        return [Reply(blocks=(), intent=self.name + "-step")] if self.takes_step else None


def route_with(small_kb: KnowledgeBase, *handlers: BaseHandler, bot_names: tuple[str, ...] = ()
               ) -> Router:
    return Router(kb=small_kb, handlers=handlers, fallback=Probe("fallback"), bot_names=bot_names)


async def answered_by(router: Router, text: str = "", *, action: str | None = None,
                      pending: Step | None = None) -> tuple[list[str], Context]:
    ctx = Context(message=message(text, action=action), text=text,
                  state=ConversationState(pending=pending), bot=router, uow=None)
    return [r.intent for r in await router.route(ctx)], ctx


@pytest.fixture
def everyone(small_kb: KnowledgeBase) -> Router:
    return route_with(
        small_kb,
        Probe("buttons", actions=(ShowTopic,)),
        Probe("cmds", commands=("go", "help")),
        Probe("stepper", steps=(Step.CONFIRM_FORGET,)),
        Probe("first", sure=0.8),
        Probe("second", sure=0.8),
        Probe("surest", sure=0.95),
        Probe("unsure", sure=0.4),
    )


async def test_a_button_action_comes_before_everything(everyone: Router) -> None:
    intents, ctx = await answered_by(everyone, "/go surest", action="t:docker",
                                     pending=Step.CONFIRM_FORGET)
    assert intents == ["buttons"] and ctx.action == ShowTopic(topic_id="docker")


async def test_a_command_comes_before_a_pending_step(everyone: Router) -> None:
    intents, ctx = await answered_by(everyone, "/go surest", pending=Step.CONFIRM_FORGET)
    assert intents == ["cmds"] and ctx.command == "go" and ctx.text == "surest"


async def test_a_pending_step_comes_before_scores(everyone: Router) -> None:
    intents, _ = await answered_by(everyone, "surest", pending=Step.CONFIRM_FORGET)
    assert intents == ["stepper-step"]


async def test_a_step_that_does_not_take_the_message_is_dropped(small_kb: KnowledgeBase) -> None:
    router = route_with(small_kb, Probe("stepper", steps=(Step.PROFILE_LEVEL,), takes_step=False),
                        Probe("surest"))
    intents, ctx = await answered_by(router, "surest", pending=Step.PROFILE_LEVEL)
    assert intents == ["surest"] and ctx.state.pending is None


async def test_the_best_score_wins_and_registration_order_breaks_ties(everyone: Router) -> None:
    assert (await answered_by(everyone, "first second surest"))[0] == ["surest"]
    assert (await answered_by(everyone, "second first"))[0] == ["first"]


async def test_below_the_threshold_the_named_fallback_answers(everyone: Router) -> None:
    assert (await answered_by(everyone, "unsure"))[0] == ["fallback"]
    assert (await answered_by(everyone, "nobody"))[0] == ["fallback"]


@pytest.mark.parametrize("action", ["t:", "fb:docker:maybe", "page:2", "cmd:go"])
async def test_unknown_malformed_or_unclaimed_actions_reach_the_fallback(
    everyone: Router, action: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.routing"):
        intents, _ = await answered_by(everyone, "surest", action=action)
    assert intents == ["fallback"]
    assert any("unknown button action" in r.getMessage() for r in caplog.records)


async def test_empty_text_gets_help_or_else_the_fallback(everyone: Router,
                                                         small_kb: KnowledgeBase) -> None:
    assert (await answered_by(everyone, ""))[0] == ["cmds"]
    assert (await answered_by(route_with(small_kb, Probe("x")), ""))[0] == ["fallback"]


async def test_commands_for_another_bot_and_unknown_commands(small_kb: KnowledgeBase) -> None:
    router = route_with(small_kb, Probe("cmds", commands=("go",)), bot_names=("careerbot",))
    assert (await answered_by(router, "/go@otherbot"))[0] == []
    assert (await answered_by(router, "/go@careerbot"))[0] == ["cmds"]
    intents, _ = await answered_by(router, "/nope")
    assert intents == ["help"]


async def test_a_typo_of_one_command_runs_it(small_kb: KnowledgeBase) -> None:
    router = route_with(small_kb, Probe("topics", commands=("topics",)),
                        Probe("subscribe", commands=("subscribe", "unsubscribe")),
                        Probe("admin", commands=("admin",)))
    assert (await answered_by(router, "/topcis"))[0] == ["topics"]
    intents, ctx = await answered_by(router, "/subscibe python")
    assert intents == ["subscribe"] and ctx.command == "subscribe" and ctx.text == "python"
    assert (await answered_by(router, "/unsubscibe"))[0] == ["subscribe"]
    # too far from every command, too short to tell, or a command the help does not list
    for text in ("/topology", "/top", "/admn"):
        assert (await answered_by(router, text))[0] == ["help"], text


class Fragile(BaseHandler):
    """Its storage call fails; it has its own outage reply unless told otherwise."""

    intent = "fragile"
    commands: ClassVar[tuple[str, ...]] = ("fragile",)
    actions: ClassVar[tuple[type[Action], ...]] = ()

    def __init__(self, *, own_reply: bool) -> None:
        self.own_reply = own_reply

    async def handle(self, ctx: Context) -> list[Reply]:
        await ctx.storage().unanswered.record("x", "someone")
        return [Reply(blocks=(), intent="fragile")]

    def unavailable(self, ctx: Context) -> list[Reply] | None:
        return [Reply(blocks=(), intent="fragile-down")] if self.own_reply else None


async def test_storage_failing_under_a_handler_gets_its_own_reply(small_kb: KnowledgeBase) -> None:
    store = MemoryStore()
    handlers: list[BaseHandler] = [Fragile(own_reply=True), HelpHandler()]
    router = Router(kb=small_kb, handlers=handlers, fallback=Probe("fallback"))
    store.available = False
    # Typed, and as a button the help handler hands on to the command's handler.
    for text, action in (("/fragile", None), ("", "cmd:fragile")):
        ctx = Context(message=message(text, action=action), text=text,
                      state=ConversationState(), bot=router, uow=store.uow())
        assert [r.intent for r in await router.route(ctx)] == ["fragile-down"]


async def test_without_its_own_reply_the_outage_reaches_the_core(small_kb: KnowledgeBase) -> None:
    store = MemoryStore()
    router = Router(kb=small_kb, handlers=[Fragile(own_reply=False)], fallback=Probe("fallback"))
    store.available = False
    ctx = Context(message=message("/fragile"), text="/fragile", state=ConversationState(),
                  bot=router, uow=store.uow())
    with pytest.raises(StorageUnavailable):
        await router.route(ctx)
    # The core then answers again without memory; there the handler's reply is all it has.
    bot = Bot(kb=small_kb, uow_factory=store.uow, handlers=[Fragile(own_reply=False)],
              fallback=Probe("fallback"))
    assert [r.intent for r in await bot.handle(message("/fragile"))] == ["error"]


DOWN = "I can't reach my database right now"


@pytest.mark.parametrize(("text", "action", "intent", "says"), [
    ("/subscribe python", None, "subscribe", DOWN + ", so nothing changed"),
    ("/unsubscribe", None, "unsubscribe", DOWN + ", so nothing changed"),
    ("", "sub:on", "subscribe", DOWN + ", so nothing changed"),
    ("/profile skills python", None, "profile", DOWN + ", so I couldn't save your profile"),
    ("", "profile:level:mid", "profile", DOWN + ", so I couldn't save your profile"),
    ("/mydata", None, "mydata", DOWN + "; try again later"),
    ("", "forget:yes", "forget", DOWN + ", so nothing was deleted"),
    ("", "fb:docker:y", "feedback", "(I couldn't store your feedback just now.)"),
    ("/jobs postgres", None, "openings", "Stripe"),  # the knowledge base's own openings
])
async def test_each_outage_path_answers_the_degraded_way(
    bot: Bot, store: MemoryStore, text: str, action: str | None, intent: str, says: str
) -> None:
    store.available = False
    (reply, *_) = await bot.handle(message(text, action=action))
    assert reply.intent == intent
    assert says in reply.text + "".join(c.company for c in reply.cards)


async def test_the_digest_of_a_group_when_the_database_is_down(bot: Bot, store: MemoryStore) -> None:
    store.available = False
    (reply,) = await bot.handle(message("/digest daily", user="admin", chat="g1",
                                        chat_type=ChatType.GROUP))
    assert reply.intent == "subscribe" and DOWN in reply.text


async def test_stats_say_when_the_database_drops_mid_message(bot: Bot, store: MemoryStore) -> None:
    ctx = Context(message=message("/stats", user="admin"), text="/stats",
                  state=ConversationState(), bot=bot, uow=store.uow())
    store.available = False
    (reply,) = await bot.route(ctx)
    assert "(the database is unreachable right now)" in reply.text
