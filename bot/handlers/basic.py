"""Greeting, help, the topic list, small talk and the fallback."""

from __future__ import annotations

from bot.actions import RunCommand, ShowTopic
from bot.handlers.base import BaseHandler
from bot.intents import HOW_ARE_YOU, restarts, small_talk
from bot.markup import Bold, para
from bot.markup import bullets as bullet_list
from bot.messages import Button, ChatType, Reply
from bot.routing import Context

STARTER_TOPICS = ("getting-started", "skills", "sql-vs-nosql", "interview-prep")


def start_buttons() -> tuple[Button, ...]:
    return (
        Button(label="Browse topics", action=RunCommand(name="topics").encode()),
        Button(label="Find jobs for me", action=RunCommand(name="jobs").encode()),
        Button(label="How to start", action=ShowTopic(topic_id="getting-started").encode()),
        Button(label="Interview prep", action=ShowTopic(topic_id="interview-prep").encode()),
    )


def help_reply(ctx: Context) -> Reply:
    group = ctx.message.chat_type is not ChatType.PRIVATE
    how = ("In this group, mention me or use a command, for example /ask what is Docker?"
           if group else "Just type a question, for example “SQL or NoSQL for my app?”.")
    commands = [
        (Bold("/ask <question>"), *para(" ask about backend engineering").spans),
        (Bold("/topics"), *para(" what I can explain").spans),
        (Bold("/jobs [filters]"), *para(" openings that fit you, e.g. /jobs remote python").spans),
        (Bold("/profile"), *para(" your skills, level and wishes, used to match openings").spans),
        (Bold("/subscribe"), *para(" get new fitting openings as they appear; /unsubscribe stops").spans),
        (Bold("/mydata"), *para(" what I store about you; /forget deletes it").spans),
    ]
    if group:
        commands.append((Bold("/digest daily|weekly|off"),
                         *para(" new openings posted here (for this chat's admins)").spans))
    return Reply(
        blocks=(
            para("I answer questions about backend engineering careers and recommend job "
                 "openings that fit your skills."),
            para(how),
            bullet_list(commands),
            para("After an answer you can say “tell me more”, “example?” or ask a follow-up."),
        ),
        buttons=start_buttons(),
        intent="help",
    )


class GreetingHandler(BaseHandler):
    intent = "greeting"
    commands = ("start",)

    def score(self, ctx: Context) -> float:
        return ctx.intents()["greeting"]

    async def handle(self, ctx: Context) -> list[Reply]:
        if ctx.command == "start" and ctx.text:
            # Deep links: /start topic-graphql opens that topic.
            payload = ctx.text.split()[0]
            topic_id = payload.removeprefix("topic-").removeprefix("topic_")
            if topic_id in ctx.kb.topics:
                from bot.handlers.topics import answer_topic

                return [answer_topic(ctx, topic_id, confidence=1.0)]
            if payload in ("jobs", "openings"):
                return await ctx.bot.answer(ctx.bot.command_handler("jobs"), ctx)
        name = (ctx.message.display_name or "").split(" ")[0]
        hello = f"Hi {name}!" if name else "Hi!"
        if ctx.command is None and ctx.action is None and restarts(ctx.text):
            # The conversation starts over: no topic, list or question in hand (the profile and
            # alerts stay; /forget deletes them).
            ctx.update(last_topic=None, pending=None, data={})
            hello = ("Starting over: the topic and the openings we talked about are put aside "
                     "(your profile stays; /forget deletes it).")
        if HOW_ARE_YOU.search(ctx.norm):
            hello += " I'm doing well, thanks for asking."
        return [Reply(
            blocks=(
                para(hello, " I'm careerbot. I help with backend engineering careers: what to "
                     "learn, how things work, how to prepare for interviews, and which job "
                     "openings fit you."),
                para("Ask me anything, e.g. “How do I prepare for a system design interview?” "
                     "or “any remote Python jobs?”"),
            ),
            buttons=start_buttons(),
            intent="greeting",
            confidence=1.0,
        )]


class HelpHandler(BaseHandler):
    intent = "help"
    commands = ("help",)
    actions = (RunCommand,)

    def score(self, ctx: Context) -> float:
        return ctx.intents()["help"]

    async def handle(self, ctx: Context) -> list[Reply]:
        action = ctx.action
        if isinstance(action, RunCommand) and action.name != "help" \
                and action.name in ctx.bot.commands:
            return await ctx.bot.answer(ctx.bot.command_handler(action.name), ctx)
        return [help_reply(ctx)]


class TopicsHandler(BaseHandler):
    intent = "topics"
    commands = ("topics",)

    def score(self, ctx: Context) -> float:
        return ctx.intents()["topics"]

    async def handle(self, ctx: Context) -> list[Reply]:
        items = []
        for group, topics in ctx.kb.groups().items():
            names = ", ".join(t.title for t in topics)
            items.append((Bold(group), *para(": " + names).spans))
        return [Reply(
            blocks=(para("Here is what I can explain. Ask in your own words, or tap one:"),
                    bullet_list(items)),
            buttons=tuple(Button(label=ctx.kb.topics[t].title,
                                 action=ShowTopic(topic_id=t).encode())
                          for t in STARTER_TOPICS if t in ctx.kb.topics),
            intent="topics",
            confidence=1.0,
        )]


# Small talk, answered in kind and steered back to what the bot does (never a decline: nothing
# was asked that it failed to know).
_SMALL_TALK = {
    "bot": "I'm careerbot, a bot rather than a person: I know backend engineering careers "
           "(what to learn, how things work, interviews) and find job openings that fit you.",
    "laugh": "😄 Glad to keep it light.",
    "chat": "I'm only a bot for backend engineering careers, so I'm not much use for small talk, "
            "but I'm happy to help with what to learn, interviews or finding a job.",
}


class SmallTalkHandler(BaseHandler):
    """Chit-chat ("lol", "are you a bot?", "you're funny"): a friendly word, not a decline. Its
    replies count as the fallback's: nothing the bot does was asked for."""

    intent = "smalltalk"

    def score(self, ctx: Context) -> float:
        return ctx.intents()["smalltalk"]

    async def handle(self, ctx: Context) -> list[Reply]:
        return [Reply(
            blocks=(para(_SMALL_TALK[small_talk(ctx.text)]),
                    para("Ask me anything about backend engineering, e.g. “what is Kubernetes?”, "
                         "or say “jobs for me”.")),
            buttons=start_buttons(),
            intent="fallback",
            confidence=1.0,
        )]


class FallbackHandler(BaseHandler):
    """Declines politely; offers 'did you mean' when a topic was close."""

    intent = "fallback"

    def __init__(self, max_suggestions: int = 3) -> None:
        self.max_suggestions = max_suggestions

    async def handle(self, ctx: Context) -> list[Reply]:
        from bot.handlers.topics import topic_ranking

        ranking = topic_ranking(ctx)
        close = ranking.suggestions(self.max_suggestions)
        if ctx.uow is not None and ctx.text and ctx.action is None:
            from bot.handlers.feedback import record_unanswered

            await record_unanswered(ctx)
        if close:
            return [Reply(
                blocks=(para("I'm not sure I understood. Did you mean one of these?"),),
                buttons=tuple(Button(label=ctx.kb.topics[m.topic_id].title,
                                     action=ShowTopic(topic_id=m.topic_id).encode())
                                for m in close),
                intent="fallback",
                confidence=close[0].confidence,
                suggestions=tuple(m.topic_id for m in close),
            )]
        return [Reply(
            blocks=(
                para("Sorry, that's outside what I know. I can help with backend engineering "
                     "careers: languages, databases, APIs, security, DevOps, interviews and "
                     "job openings."),
                para("Try /topics to see everything, or ask e.g. “what is Kubernetes?”"),
            ),
            buttons=(Button(label="Browse topics", action=RunCommand(name="topics").encode()),
                     Button(label="Help", action=RunCommand(name="help").encode())),
            intent="fallback",
            confidence=ranking.best.confidence if ranking.best else 0.0,
        )]
