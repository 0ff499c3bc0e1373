"""Feedback on answers and the record of questions the bot could not answer."""

from __future__ import annotations

import re

from bot.actions import RateTopic, RunCommand, ShowTopic, TopicDetails, TopicExample
from bot.handlers.base import BaseHandler
from bot.intents import (
    is_acknowledgment,
    is_farewell,
    is_negative,
    lacked,
    offers_feedback,
    reports_or_suggests,
)
from bot.markup import para
from bot.messages import Button, Reply
from bot.ports import UnitOfWork
from bot.routing import Context
from bot.shown import PAGE, says_none_fit
from bot.text import words
from bot.usage import rating_count, today
from bot.vocabulary import find_skills

_MAX_RECORDED = 200
# "none of these fit me" with nothing else said (no skill to look for instead): as sure as a
# rating button.
NONE_FIT_SCORE = 0.95
# Conversation data: the question the last topic answer was given on, for a "not helpful".
RATED_QUESTION = "rated_question"
_DIGITS = re.compile(r"\d{5,}")
# What names or reaches a person rather than a topic: Slack mentions and links (<@U0123>,
# <mailto:…|…>), e-mail addresses, URLs, Slack and Telegram ids, phone numbers.
# Each part is bounded or unambiguous, so a long message costs linear time.
_PERSONAL = re.compile(
    r"<[@#!][^<>]{0,200}>|<(?:mailto|tel|https?):[^<>]{0,2000}>"
    r"|[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+|https?://\S+"
    r"|\b[UWB](?=[A-Z0-9]*\d)[A-Z0-9]{8,}+\b|\+?\d[\d ().-]{6,}\d")


def _nothing_to_rate(ctx: Context, helpful: bool) -> Reply:
    """A rating in a conversation with no answer in it yet (a new chat, or after a restart), or
    of the openings on screen (ratings are kept per topic: nothing is stored)."""
    if ctx.state.data.get(PAGE) is not None:
        text = ("Glad they look good! Ask me about any of them (\"why does the first one fit?\", "
                "\"is it remote?\"), or say \"alert me\" to hear of new ones."
                if helpful else
                "Sorry they don't fit. Tell me more about what you want (skills, level, remote or a "
                "city) and I'll look again, or ask what you're missing for one of them.")
        return Reply(blocks=(para(text),), intent="feedback", confidence=1.0)
    text = ("Glad to hear it, thank you! Ask me anything else about backend careers whenever you "
            "like, and rate any answer with the buttons under it."
            if helpful else
            "Sorry about that. I can't tell which answer you mean, so ask your question again, "
            "perhaps in other words, or pick a subject from the list of topics.")
    return Reply(blocks=(para(text),), intent="feedback", confidence=1.0,
                 buttons=() if helpful else (Button(label="Browse topics",
                                                    action=RunCommand(name="topics").encode()),))


def _how_to_give_feedback() -> Reply:
    """Wanting to give feedback, report a bug or suggest something: where it goes."""
    text = ("Thanks for wanting to help! Rate any answer with the 👍 Helpful / 👎 Not helpful "
            "buttons under it, or tell me right after it (\"that helped\", \"not what I asked\"). "
            "The maintainers review the answers people found unhelpful, with the questions they "
            "were given on, and the questions I couldn't answer, to improve the knowledge base. "
            "Or just tell me in one message what went wrong or what you'd like me to cover, and "
            "I'll pass it on.")
    return Reply(blocks=(para(text),), intent="feedback", confidence=1.0)


def _passed_on(saved: bool) -> Reply:
    """A bug report or suggestion in the person's words, kept for the maintainers."""
    text = ("Thanks, I've passed that on to the maintainers: they read what people report and "
            "suggest to fix and improve me. You can also rate any answer with the buttons under it."
            if saved else
            "Thanks for telling me! I couldn't store it just now; please try again later.")
    return Reply(blocks=(para(text),), intent="feedback", confidence=1.0)


def recorded_text(text: str) -> str:
    """An unanswered question as it is kept: normalised, without what names a person."""
    text = " ".join(words(_PERSONAL.sub(" ", text)))[:_MAX_RECORDED]
    return _DIGITS.sub("#", text)  # long numbers are more likely ids or phone numbers than topics


def remember_question(ctx: Context, *topic_ids: str) -> None:
    """Keep the typed question a topic answer is given on (as unanswered questions are kept),
    so that a "not helpful" on one of `topic_ids` (the topic its buttons rate, the one shown)
    can store it; a button press asked nothing and keeps none."""
    text = recorded_text(ctx.text) if ctx.action is None else ""
    kept = {"topics": sorted(set(topic_ids)), "text": text} if text else None
    ctx.note(**{RATED_QUESTION: kept})


def _rated_question(ctx: Context, topic_id: str) -> str | None:
    asked = ctx.state.data.get(RATED_QUESTION)
    if isinstance(asked, dict) and topic_id in asked.get("topics", ()) and asked.get("text"):
        return str(asked["text"])
    return None


async def record_unanswered(ctx: Context) -> bool:
    """Keep the normalised question, without what names a person, so maintainers see what is
    missing; who asked is kept only as a keyed hash, for /forget and /mydata. Whether it was
    kept (there was text to keep, and storage took it)."""
    text = recorded_text(ctx.text)
    if not text:
        return False
    asker = ctx.bot.services.asker(ctx.message.platform, ctx.message.user_id)

    async def record(uow: UnitOfWork) -> bool:
        await uow.unanswered.record(text, asker)
        return True

    return await ctx.attempt(record, otherwise=False)


def _none_fit(ctx: Context) -> bool:
    """Whether the message only says the openings shown do not suit ("none of these fit me")."""
    return says_none_fit(ctx.text) and not find_skills(ctx.kb.skills, ctx.text)


class FeedbackHandler(BaseHandler):
    """A rating of the answer just given (buttons or words), and thanks."""

    intent = "feedback"
    actions = (RateTopic,)

    def score(self, ctx: Context) -> float:
        if _none_fit(ctx):
            return NONE_FIT_SCORE
        return ctx.intents().best(("feedback", "thanks"))[1]

    async def handle(self, ctx: Context) -> list[Reply]:
        if isinstance(ctx.action, RateTopic):
            topic_id, helpful = ctx.action.topic_id, ctx.action.helpful
        elif _none_fit(ctx):
            topic_id, helpful = ctx.state.last_topic or "", False
        elif ctx.intents().best(("feedback", "thanks"))[0] == "thanks":
            text = ("Bye! Come back any time." if is_farewell(ctx.text)
                    else "Good. Ask me anything else whenever you like." if is_acknowledgment(ctx.text)
                    else "You're welcome! Ask me anything else whenever you like.")
            return [Reply(blocks=(para(text),), intent="thanks", confidence=1.0)]
        elif reports_or_suggests(ctx.text):
            # Kept as questions the bot could not answer are (what it lacks, in the person's
            # words; no user id, only the keyed hash that /mydata and /forget find).
            return [_passed_on(await record_unanswered(ctx))]
        elif offers_feedback(ctx.text):
            return [_how_to_give_feedback()]
        else:
            topic_id = ctx.state.last_topic or ""
            helpful = not is_negative(ctx.text)
        if topic_id not in ctx.kb.topics:
            return [_nothing_to_rate(ctx, helpful)]

        question = None if helpful else _rated_question(ctx, topic_id)

        async def add(uow: UnitOfWork) -> bool:
            await uow.feedback.add(ctx.message.platform, ctx.message.user_id, topic_id, helpful,
                                   question=question)
            await uow.usage.add([rating_count(ctx.message.platform, topic_id, helpful, today())])
            return True

        saved = await ctx.attempt(add, otherwise=False)
        if helpful:
            text = "Thanks, glad it helped!"
            buttons: tuple[Button, ...] = ()
        else:
            text = ("Thanks for telling me; the maintainers review answers people found unhelpful. "
                    "Try rephrasing, or pick a related topic:")
            # "wrong topic, I asked about Kafka": the topic meant comes first.
            meant = [s.topic for s in find_skills(ctx.kb.skills, ctx.text)
                     if s.topic is not None and s.topic in ctx.kb.topics and s.topic != topic_id]
            offered = list(dict.fromkeys([*meant, *ctx.kb.topics[topic_id].related]))
            buttons = tuple(Button(label=ctx.kb.topics[r].title, action=ShowTopic(topic_id=r).encode())
                            for r in offered if r in ctx.kb.topics)[:3]
            # "too shallow", "too technical": what the verdict says was missing is offered first
            wanted = None if ctx.action is not None or meant else lacked(ctx.text)
            if wanted == "simpler":
                text = ("Thanks for telling me; the maintainers review answers people found unhelpful. "
                        "Say \"simpler\" and I'll put it in plainer words, or pick a related topic:")
            elif wanted is not None:
                text = ("Thanks for telling me; the maintainers review answers people found unhelpful. "
                        "I can go further, or you can pick a related topic:")
                follow = (TopicExample if wanted == "example" else TopicDetails)(topic_id=topic_id)
                label = "Example" if wanted == "example" else "Tell me more"
                buttons = (Button(label=label, action=follow.encode()), *buttons[:2])
        if not saved:
            text += " (I couldn't store your feedback just now.)"
        return [Reply(blocks=(para(text),), buttons=buttons, intent="feedback",
                      topic=topic_id, confidence=1.0)]
