"""Topic answers and their follow-ups: tell me more, an example, related topics."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from bot.actions import RateTopic, RunCommand, ShowTopic, TopicDetails, TopicExample
from bot.answers import compose, overview
from bot.handlers.base import BaseHandler
from bot.intents import FOLLOW_UPS
from bot.knowledge import Topic
from bot.markup import Bold, Link, Paragraph, para
from bot.markup import bullets as bullet_list
from bot.messages import Button, Reply
from bot.passages import Kind, Passage
from bot.retrieval import Ranking
from bot.routing import Context

# Below this the core would rather say "did you mean" than risk a wrong answer.
ANSWER_AT = 0.5
# The hybrid confidence says which topic is meant if one is; whether the message asks for a topic
# at all is for the intents to say: one sure of its intent (0.9 and up: "find me openings", a
# greeting) wins over any topic.
ROUTING_CAP = 0.85
MAX_RELATED_BUTTONS = 3

_FOLLOWUP = re.compile(r"^(?:and |so |ok(?:ay)? |but )?(?:what|how) about\b|^and\b|^vs\.?\b|"
                       r"^compared (?:to|with)\b|^versus\b")

# Conversation data: which passages of the current topic were shown (openings use "shown").
PASSAGES_SHOWN = "passages_shown"

def topic_ranking(ctx: Context, *, boost: tuple[str, ...] = ()) -> Ranking:
    """The topics for this message, ranked once per message (the fallback reuses the ranking)."""
    ranking = ctx.cache.get("topic_ranking")
    if ranking is None or ctx.cache.get("topic_ranking_text") != ctx.text:
        ranking = ctx.bot.retriever.rank(ctx.text, ctx.query_vector, boost=boost)
        ctx.cache["topic_ranking"], ctx.cache["topic_ranking_text"] = ranking, ctx.text
    assert isinstance(ranking, Ranking)
    return ranking

def topic_buttons(ctx: Context, topic: Topic, *, shown: Collection[int],
                  also: Sequence[str] = (), rate: str | None = None) -> tuple[Button, ...]:
    """Tell me more and Example while the topic has passages not `shown` yet, then topics to go
    on to (`also` first, then the related ones) and the rating of the answer (about `rate`)."""
    passages = ctx.bot.passages.by_topic.get(topic.id, ())
    buttons: list[Button] = []
    if any(p.kind is not Kind.EXAMPLE and p.position not in shown for p in passages):
        buttons.append(Button(label="Tell me more", action=TopicDetails(topic_id=topic.id).encode()))
    if any(p.kind is Kind.EXAMPLE and p.position not in shown for p in passages):
        buttons.append(Button(label="Example", action=TopicExample(topic_id=topic.id).encode()))
    links = [rid for rid in dict.fromkeys((*also, *topic.related))
             if rid != topic.id and rid in ctx.kb.topics]
    for rid in links[:MAX_RELATED_BUTTONS]:
        buttons.append(Button(label=ctx.kb.topics[rid].title, action=ShowTopic(topic_id=rid).encode()))
    rated = rate or topic.id
    buttons.append(Button(label="👍 Helpful", action=RateTopic(topic_id=rated, helpful=True).encode()))
    buttons.append(Button(label="👎 Not helpful",
                          action=RateTopic(topic_id=rated, helpful=False).encode()))
    return tuple(buttons)


def shown_before(ctx: Context, topic: Topic) -> set[int]:
    """Positions of the topic's passages the person has seen: as remembered for the last answer,
    else its page (an older answer, or a button pressed under one)."""
    shown = ctx.state.data.get(PASSAGES_SHOWN)
    if isinstance(shown, dict) and shown.get("topic") == topic.id and ctx.state.last_topic == topic.id:
        return {int(i) for i in shown.get("passages", ())}
    return {p.position for p in ctx.bot.passages.by_topic.get(topic.id, ())
            if p.kind in (Kind.OVERVIEW, Kind.ANSWER)}


def _remember(ctx: Context, topic: Topic, shown: Collection[int]) -> None:
    page = {p.position for p in ctx.bot.passages.by_topic.get(topic.id, ())
            if p.kind in (Kind.OVERVIEW, Kind.ANSWER)}
    # The page is what a button under an older answer assumes anyway; only the rest is stored.
    ctx.set_data(**{PASSAGES_SHOWN: None if set(shown) == page
                    else {"topic": topic.id, "passages": sorted(shown)}})


def answer_topic(ctx: Context, topic_id: str, *, confidence: float, to_question: bool = False) -> Reply:
    """The topic's page, or with `to_question` the answer to the message's exact question."""
    topic = ctx.kb.topics[topic_id]
    answer = (compose(ctx.bot.passages, topic_id, ctx.text, ctx.query_vector()) if to_question
              else overview(ctx.bot.passages, topic))
    focus = ctx.kb.topics[answer.focus]
    shown = {p.position for p in answer.shown if p.topic_id == focus.id}
    ctx.update(last_topic=focus.id, pending=None)
    ctx.set_data(page=None)
    _remember(ctx, focus, shown)
    also = (topic_id, *answer.about) if focus.id != topic_id else answer.about
    buttons = topic_buttons(ctx, focus, shown=shown, also=also, rate=topic_id)
    return Reply(
        blocks=answer.blocks,
        buttons=buttons,
        intent=answer.intent,
        topic=topic_id,
        confidence=round(confidence, 3),
        suggestions=tuple(dict.fromkeys(r for r in (*also, *focus.related)
                                        if r != focus.id and r in ctx.kb.topics)),
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
        return [answer_topic(ctx, best.topic_id, confidence=best.confidence, to_question=True)]


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
        shown = shown_before(ctx, topic)
        now, title, reading = _next_part(topic, ctx.bot.passages.by_topic.get(topic.id, ()), shown,
                                         example=example)
        shown |= {p.position for p in now}
        _remember(ctx, topic, shown)
        blocks = [Paragraph((Bold(title),)), *(b for p in now for b in p.blocks)]
        if reading:
            blocks.extend(_resources(topic))
        return [Reply(blocks=tuple(blocks), buttons=topic_buttons(ctx, topic, shown=shown),
                      intent="more", topic=topic.id, confidence=1.0,
                      suggestions=tuple(r for r in topic.related if r in ctx.kb.topics))]


def _next_part(topic: Topic, passages: Sequence[Passage], shown: Collection[int], *,
               example: bool) -> tuple[list[Passage], str, bool]:
    """What "Tell me more" or "Example" shows next, its title, and whether further reading follows."""
    if example and topic.example:
        return [p for p in passages if p.kind is Kind.EXAMPLE], f"{topic.title}: an example", False
    details = [p for p in passages if p.kind is Kind.DETAILS]
    if example:  # a topic without an example offers its details instead
        return details, f"{topic.title}: an example", True
    unseen = [p for p in passages if p.kind is not Kind.EXAMPLE and p.position not in shown]
    # After a passage, the rest of the topic's page comes before its details.
    page = [p for p in unseen if p.kind in (Kind.OVERVIEW, Kind.ANSWER)]
    if page:
        return page, topic.title, False
    return [p for p in unseen if p.kind is Kind.DETAILS] or details, f"{topic.title}: in more depth", True
