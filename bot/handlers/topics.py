"""Topic answers and their follow-ups: tell me more, an example, related topics."""

from __future__ import annotations

import re

from bot.actions import RateTopic, RunCommand, ShowTopic, TopicDetails, TopicExample
from bot.handlers.base import BaseHandler, bare, words_re
from bot.knowledge import Topic
from bot.markup import Bold, Link, Paragraph, para
from bot.markup import bullets as bullet_list
from bot.messages import Button, Reply
from bot.retrieval import Ranking
from bot.routing import Context

# Below this the core would rather say "did you mean" than risk a wrong answer.
ANSWER_AT = 0.5
# The hybrid confidence says which topic is meant if one is; whether the message asks for a topic
# at all is for the intents to say: one sure of its intent (0.9 and up: "find me openings", a
# greeting) wins over any topic.
ROUTING_CAP = 0.85
MAX_RELATED_BUTTONS = 3

_MORE = words_re(
    r"tell me more", r"more", r"more details?", r"more info(?:rmation)?", r"go on", r"continue",
    r"details?", r"elaborate", r"expand(?: on that)?", r"keep going", r"and\??", r"deeper",
    r"more please", r"in depth", r"dig deeper", r"explain more", r"explain further",
    r"go deeper", r"say more", r"what else", r"anything else",
)
_EXAMPLE = words_re(
    r"examples?", r"e\.?g\.?", r"for example", r"an? example", r"show me", r"for instance",
    r"concrete(?:ly)?", r"in practice", r"sample", r"demo",
)
_FOLLOWUP = re.compile(r"^(?:and |so |ok(?:ay)? |but )?(?:what|how) about\b|^and\b|^vs\.?\b|"
                       r"^compared (?:to|with)\b|^versus\b")


def topic_ranking(ctx: Context, *, boost: tuple[str, ...] = ()) -> Ranking:
    """The topics for this message, ranked once per message (the fallback reuses the ranking)."""
    ranking = ctx.cache.get("topic_ranking")
    if ranking is None or ctx.cache.get("topic_ranking_text") != ctx.text:
        ranking = ctx.bot.retriever.rank(ctx.text, ctx.query_vector, boost=boost)
        ctx.cache["topic_ranking"], ctx.cache["topic_ranking_text"] = ranking, ctx.text
    assert isinstance(ranking, Ranking)
    return ranking


def topic_buttons(ctx: Context, topic: Topic, *, more: bool = True) -> tuple[Button, ...]:
    buttons: list[Button] = []
    if more and topic.details:
        buttons.append(Button(label="Tell me more", action=TopicDetails(topic_id=topic.id).encode()))
    if more and topic.example:
        buttons.append(Button(label="Example", action=TopicExample(topic_id=topic.id).encode()))
    for rid in topic.related[:MAX_RELATED_BUTTONS]:
        if rid in ctx.kb.topics:
            buttons.append(Button(label=ctx.kb.topics[rid].title,
                                  action=ShowTopic(topic_id=rid).encode()))
    buttons.append(Button(label="👍 Helpful",
                          action=RateTopic(topic_id=topic.id, helpful=True).encode()))
    buttons.append(Button(label="👎 Not helpful",
                          action=RateTopic(topic_id=topic.id, helpful=False).encode()))
    return tuple(buttons)


def answer_topic(ctx: Context, topic_id: str, *, confidence: float) -> Reply:
    topic = ctx.kb.topics[topic_id]
    ctx.update(last_topic=topic_id, pending=None)
    ctx.set_data(page=None)
    return Reply(
        blocks=(Paragraph((Bold(topic.title),)), *topic.answer),
        buttons=topic_buttons(ctx, topic),
        intent="topic",
        topic=topic_id,
        confidence=round(confidence, 3),
        suggestions=tuple(r for r in topic.related if r in ctx.kb.topics),
    )


def _resources(topic: Topic) -> list[Paragraph]:
    if not topic.resources:
        return []
    items = [(Link(r.title, r.url),) for r in topic.resources]
    return [para(Bold("Further reading")), bullet_list(items)]  # type: ignore[list-item]


class TopicHandler(BaseHandler):
    """Answers a question with the best-matching topic."""

    intent = "topic"
    commands = ("ask",)
    actions = (ShowTopic,)

    def score(self, ctx: Context) -> float:
        if ctx.bot.retriever.semantic and ctx.leading_score >= ROUTING_CAP:
            return 0.0  # another handler is sure: no topic could win, so none is looked for
        ranking = topic_ranking(ctx, boost=self._context_boost(ctx))
        if ranking.best is None:
            return 0.0
        # The matcher's own confidence (no embeddings) competes as it always did.
        return ranking.best.confidence if ranking.method == "matcher" else min(ranking.best.confidence,
                                                                                ROUTING_CAP)

    @staticmethod
    def _context_boost(ctx: Context) -> tuple[str, ...]:
        last = ctx.state.last_topic
        if not last or last not in ctx.kb.topics:
            return ()
        # "what about NoSQL?" after a databases answer leans toward related topics.
        if _FOLLOWUP.search(ctx.norm) or len(ctx.norm.split()) <= 4:
            return (last, *ctx.kb.topics[last].related)
        return ()

    async def handle(self, ctx: Context) -> list[Reply]:
        if isinstance(ctx.action, ShowTopic):
            if ctx.action.topic_id not in ctx.kb.topics:
                return [Reply(blocks=(para("That topic is no longer available. Try /topics."),),
                              intent="fallback")]
            return [answer_topic(ctx, ctx.action.topic_id, confidence=1.0)]
        if ctx.command == "ask" and not ctx.text:
            return [Reply(
                blocks=(para("Usage: /ask <your question>, for example /ask what is GraphQL?"),),
                intent="help",
            )]
        best = topic_ranking(ctx, boost=self._context_boost(ctx)).best
        if best is None or best.confidence < ANSWER_AT:
            return await ctx.bot.answer(ctx.bot.fallback, ctx)
        return [answer_topic(ctx, best.topic_id, confidence=best.confidence)]


class MoreHandler(BaseHandler):
    """'Tell me more' and 'example?' about the topic in context; 'more' pages openings."""

    intent = "more"
    commands = ("more",)
    actions = (TopicDetails, TopicExample)

    def score(self, ctx: Context) -> float:
        text = bare(ctx.norm)
        n = len(text.split())
        if n == 0 or n > 7:
            return 0.0
        if ctx.state.last_topic is None and ctx.state.data.get("page") is None:
            # "tell me more" with nothing before it still deserves "more about what?"
            return 0.6 if n <= 3 and _MORE.fullmatch(text) else 0.0
        if _EXAMPLE.search(text) and ctx.state.last_topic:
            return 0.9
        if _MORE.search(text):
            return 0.9 if n <= 4 else 0.6
        return 0.0

    async def handle(self, ctx: Context) -> list[Reply]:
        if isinstance(ctx.action, TopicDetails | TopicExample):
            example = isinstance(ctx.action, TopicExample)
            topic_id = ctx.action.topic_id
        else:
            if ctx.state.data.get("page") is not None and not ctx.state.last_topic:
                return await ctx.bot.answer(ctx.bot.command_handler("jobs"), ctx)
            example = bool(_EXAMPLE.search(bare(ctx.norm)))
            topic_id = ctx.state.last_topic or ""
        topic = ctx.kb.topics.get(topic_id)
        if topic is None:
            return [Reply(
                blocks=(para("More about what? Ask me a question first, or see /topics."),),
                buttons=(Button(label="Browse topics", action=RunCommand(name="topics").encode()),),
                intent="more",
            )]
        ctx.update(last_topic=topic.id)
        if example:
            body = topic.example or topic.details
            title = f"{topic.title}: an example"
        else:
            body = topic.details
            title = f"{topic.title}: in more depth"
        blocks = [Paragraph((Bold(title),)), *body]
        if not example or not topic.example:
            blocks.extend(_resources(topic))
        buttons = [b for b in topic_buttons(ctx, topic, more=False)]
        if not example and topic.example:
            buttons.insert(0, Button(label="Example", action=TopicExample(topic_id=topic.id).encode()))
        if example and topic.details:
            buttons.insert(0, Button(label="Tell me more",
                                     action=TopicDetails(topic_id=topic.id).encode()))
        return [Reply(blocks=tuple(blocks), buttons=tuple(buttons), intent="more",
                      topic=topic.id, confidence=1.0,
                      suggestions=tuple(r for r in topic.related if r in ctx.kb.topics))]
