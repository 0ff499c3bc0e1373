"""Topic answers and their follow-ups: tell me more, an example, related topics."""

from __future__ import annotations

import re

from bot.actions import RateTopic, RunCommand, ShowTopic, TopicDetails, TopicExample
from bot.handlers.base import BaseHandler
from bot.intents import FOLLOW_UPS
from bot.knowledge import Topic
from bot.markup import Bold, Link, Paragraph, para
from bot.markup import bullets as bullet_list
from bot.messages import Button, Reply
from bot.routing import Context

# Below this the core would rather say "did you mean" than risk a wrong answer.
ANSWER_AT = 0.5
MAX_RELATED_BUTTONS = 3

_FOLLOWUP = re.compile(r"^(?:and |so |ok(?:ay)? |but )?(?:what|how) about\b|^and\b|^vs\.?\b|"
                       r"^compared (?:to|with)\b|^versus\b")


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
        boost = self._context_boost(ctx)
        matches = ctx.bot.matcher.rank(ctx.text, limit=3, boost=boost)
        if not matches:
            return 0.0
        ctx.cache["topic_matches"] = matches
        return matches[0].confidence

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
        matches = ctx.cache.get("topic_matches")
        if matches is None:
            matches = ctx.bot.matcher.rank(ctx.text, limit=3, boost=self._context_boost(ctx))
        if not matches or matches[0].confidence < ANSWER_AT:
            return await ctx.bot.answer(ctx.bot.fallback, ctx)
        return [answer_topic(ctx, matches[0].topic_id, confidence=matches[0].confidence)]


class MoreHandler(BaseHandler):
    """Follow-ups on the topic in context (more, an example; why, downsides and simpler get the
    details for now); 'more' pages openings."""

    intent = "more"
    commands = ("more",)
    actions = (TopicDetails, TopicExample)

    def score(self, ctx: Context) -> float:
        return ctx.intents().best(FOLLOW_UPS)[1]

    async def handle(self, ctx: Context) -> list[Reply]:
        if isinstance(ctx.action, TopicDetails | TopicExample):
            example = isinstance(ctx.action, TopicExample)
            topic_id = ctx.action.topic_id
        else:
            if ctx.state.data.get("page") is not None and not ctx.state.last_topic:
                ctx.cache["paging"] = True
                return await ctx.bot.answer(ctx.bot.command_handler("jobs"), ctx)
            example = ctx.command is None and ctx.intents().best(FOLLOW_UPS)[0] == "example"
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
