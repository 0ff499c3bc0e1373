"""Feedback on answers and the record of questions the bot could not answer."""

from __future__ import annotations

import re

from bot.actions import RateTopic, ShowTopic
from bot.handlers.base import BaseHandler
from bot.intents import is_farewell, is_negative
from bot.markup import para
from bot.messages import Button, Reply
from bot.ports import UnitOfWork
from bot.routing import Context
from bot.text import words

_MAX_RECORDED = 200
_DIGITS = re.compile(r"\d{5,}")
# What names or reaches a person rather than a topic: Slack mentions and links (<@U0123>,
# <mailto:…|…>), e-mail addresses, URLs, Slack and Telegram ids, phone numbers.
# Each part is bounded or unambiguous, so a long message costs linear time.
_PERSONAL = re.compile(
    r"<[@#!][^<>]{0,200}>|<(?:mailto|tel|https?):[^<>]{0,2000}>"
    r"|[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+|https?://\S+"
    r"|\b[UWB](?=[A-Z0-9]*\d)[A-Z0-9]{8,}+\b|\+?\d[\d ().-]{6,}\d")


async def record_unanswered(ctx: Context) -> None:
    """Keep the normalised question, without what names a person, so maintainers see what is
    missing; who asked is kept only as a keyed hash, for /forget and /mydata."""
    text = " ".join(words(_PERSONAL.sub(" ", ctx.text)))[:_MAX_RECORDED]
    text = _DIGITS.sub("#", text)  # long numbers are more likely ids or phone numbers than topics
    if not text:
        return
    asker = ctx.bot.services.asker(ctx.message.platform, ctx.message.user_id)
    await ctx.attempt(lambda uow: uow.unanswered.record(text, asker), otherwise=None)


class FeedbackHandler(BaseHandler):
    """A rating of the answer just given (buttons or words), and thanks."""

    intent = "feedback"
    actions = (RateTopic,)

    def score(self, ctx: Context) -> float:
        return ctx.intents().best(("feedback", "thanks"))[1]

    async def handle(self, ctx: Context) -> list[Reply]:
        if isinstance(ctx.action, RateTopic):
            topic_id, helpful = ctx.action.topic_id, ctx.action.helpful
        elif ctx.intents().best(("feedback", "thanks"))[0] == "thanks":
            text = ("Bye! Come back any time." if is_farewell(ctx.text)
                    else "You're welcome! Ask me anything else whenever you like.")
            return [Reply(blocks=(para(text),), intent="thanks", confidence=1.0)]
        else:
            topic_id = ctx.state.last_topic or ""
            helpful = not is_negative(ctx.text)
        if topic_id not in ctx.kb.topics:
            return [Reply(blocks=(para("Thanks!"),), intent="feedback")]

        async def add(uow: UnitOfWork) -> bool:
            await uow.feedback.add(ctx.message.platform, ctx.message.user_id, topic_id, helpful)
            return True

        saved = await ctx.attempt(add, otherwise=False)
        if helpful:
            text = "Thanks, glad it helped!"
            buttons: tuple[Button, ...] = ()
        else:
            text = ("Thanks for telling me; the maintainers review answers people found unhelpful. "
                    "Try rephrasing, or pick a related topic:")
            topic = ctx.kb.topics[topic_id]
            buttons = tuple(Button(label=ctx.kb.topics[r].title,
                                   action=ShowTopic(topic_id=r).encode())
                            for r in topic.related[:3] if r in ctx.kb.topics)
        if not saved:
            text += " (I couldn't store your feedback just now.)"
        return [Reply(blocks=(para(text),), buttons=buttons, intent="feedback",
                      topic=topic_id, confidence=1.0)]
