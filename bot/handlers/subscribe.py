"""Alerts about new openings: /subscribe, /unsubscribe, and /digest for groups and channels."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.actions import EditProfile, SetAlerts
from bot.handlers.base import BaseHandler
from bot.handlers.opening import OpeningHandler
from bot.handlers.openings import describe_query, openings_index
from bot.intents import SUBSCRIBED, told_at
from bot.markup import para
from bot.messages import Button, ChatType, Reply
from bot.ports import Subscription
from bot.recommend import Query, parse_request
from bot.routing import Context
from bot.shown import How, find_reference
from bot.text import normalize, words_re
from bot.usage import Event, event_count

# The one subscription a group or channel has, whoever of its admins set it up.
CHANNEL_USER = "#channel"
MAX_QUERY = 300

# What is left of "notify me about new remote python jobs" is the subscription's query.
_FILLER = words_re(
    r"please", r"notify me", r"alert me", r"tell me", r"ping me", r"let me know", r"keep me posted",
    r"subscribe(?: me)?(?: to)?", r"about", r"when", r"new", r"there(?:'s| is| are)", r"a", r"an",
)


class SubscribeHandler(BaseHandler):
    intent = "subscribe"
    commands = ("subscribe", "unsubscribe", "digest")
    actions = (SetAlerts,)

    def score(self, ctx: Context) -> float:
        return ctx.intents().best(("subscribe", "unsubscribe"))[1]

    @staticmethod
    def _stopping(ctx: Context) -> bool:
        if ctx.command is not None or ctx.action is not None:
            return ctx.command == "unsubscribe" or ctx.action == SetAlerts(on=False)
        return ctx.intents().best(("subscribe", "unsubscribe"))[0] == "unsubscribe"

    async def handle(self, ctx: Context) -> list[Reply]:
        if ctx.command == "digest":
            return [await self._digest(ctx)]
        if self._stopping(ctx):
            return [await self._unsubscribe(ctx)]
        query = ctx.text if ctx.command == "subscribe" else ""
        if not ctx.command and ctx.action is None:
            # Only a request for alerts subscribes: "tell me about the Stripe role" names an
            # opening and asks about it.
            ref = find_reference(ctx.text, ctx.state, await openings_index(ctx), ctx.kb.skills)
            if ref is not None and ref.how is How.NAMED:
                return await ctx.bot.answer(OpeningHandler(), ctx)
            query = _FILLER.sub(" ", normalize(ctx.text)).strip()
        return [await self._subscribe(ctx, query[:MAX_QUERY].strip())]

    def unavailable(self, ctx: Context) -> list[Reply] | None:
        return [Reply(blocks=(para("I can't reach my database right now, so nothing changed. "
                                   "Please try again in a few minutes."),),
                      intent="unsubscribe" if self._stopping(ctx) else "subscribe", confidence=1.0)]

    async def _subscribe(self, ctx: Context, query: str) -> Reply:
        m = ctx.message
        if m.chat_type is not ChatType.PRIVATE:
            return Reply(
                blocks=(para("Personal alerts come in a direct message: write to me privately "
                             "and send /subscribe. For this chat, an admin can turn on a digest "
                             "of new openings with /digest daily or /digest weekly."),),
                intent="subscribe", confidence=1.0, private=True,
            )
        sub = Subscription(platform=m.platform, user_id=m.user_id, chat_id=m.chat_id,
                           query=query, frequency="instant", created_at=datetime.now(UTC))
        repo = ctx.storage().subscriptions
        old = await repo.get(m.platform, m.chat_id, m.user_id)
        if old is not None:
            # Keep the original start so openings since then are not skipped.
            sub = Subscription(platform=m.platform, user_id=m.user_id, chat_id=m.chat_id,
                               query=query, frequency="instant",
                               created_at=old.created_at or sub.created_at,
                               last_sent_at=old.last_sent_at)
        await repo.save(sub)
        ctx.note(**{SUBSCRIBED: told_at(ctx.state)})
        if old is None:
            await ctx.storage().usage.add([event_count(m.platform, Event.SUBSCRIBED)])
        q = Query.for_person(await ctx.profile(), parse_request(query, ctx.kb.skills))
        if q.is_empty:
            note = ("I'll need at least one skill to match openings: set them with /profile "
                    "(e.g. /profile skills python, go) or subscribe with one, e.g. "
                    "/subscribe remote python.")
            buttons: tuple[Button, ...] = (Button(label="Set up my profile",
                                                  action=EditProfile().encode()),)
        else:
            note = f"You'll get new openings for {describe_query(q)} as they appear."
            buttons = (Button(label="Stop alerts", action=SetAlerts(on=False).encode()),)
        return Reply(blocks=(para("Subscribed. " + note),
                             para("Send /unsubscribe to stop.")),
                     buttons=buttons, intent="subscribe", confidence=1.0)

    async def _unsubscribe(self, ctx: Context) -> Reply:
        m = ctx.message
        removed = await ctx.storage().subscriptions.delete(m.platform, m.chat_id, m.user_id)
        if removed:
            await ctx.storage().usage.add([event_count(m.platform, Event.UNSUBSCRIBED)])
        text = ("Done, no more alerts about new openings." if removed
                else "You weren't subscribed here, so there is nothing to stop.")
        return Reply(blocks=(para(text),), intent="unsubscribe", confidence=1.0)

    async def _digest(self, ctx: Context) -> Reply:
        m = ctx.message
        if m.chat_type is ChatType.PRIVATE:
            return Reply(blocks=(para("/digest is for groups and channels: it posts new openings "
                                      "there daily or weekly. For yourself, use /subscribe."),),
                         intent="subscribe", confidence=1.0)
        if not (m.chat_admin or ctx.bot.is_admin(m)):
            return Reply(blocks=(para("Only an admin of this chat can change its digest."),),
                         intent="subscribe", confidence=1.0, private=True)
        words = ctx.text.split(maxsplit=1)
        choice = normalize(words[0]) if words else ""
        query = words[1][:MAX_QUERY] if len(words) > 1 else ""
        repo = ctx.storage().subscriptions
        if choice == "off":
            removed = await repo.delete(m.platform, m.chat_id, CHANNEL_USER)
            return Reply(blocks=(para("The digest is off." if removed
                                      else "This chat had no digest."),),
                         intent="subscribe", confidence=1.0)
        if choice not in ("daily", "weekly"):
            current = await repo.get(m.platform, m.chat_id, CHANNEL_USER)
            state = (f"This chat gets a {current.frequency} digest"
                     + (f" for “{current.query}”" if current and current.query else "")
                     + "." if current else "This chat has no digest.")
            return Reply(blocks=(para(state + " Use /digest daily, /digest weekly or "
                                      "/digest off; add filters after it, e.g. /digest "
                                      "weekly remote python."),),
                         intent="subscribe", confidence=1.0)
        old = await repo.get(m.platform, m.chat_id, CHANNEL_USER)
        await repo.save(Subscription(
            platform=m.platform, user_id=CHANNEL_USER, chat_id=m.chat_id, query=query,
            frequency=choice, is_channel=True,
            created_at=old.created_at if old and old.created_at else datetime.now(UTC),
            last_sent_at=old.last_sent_at if old else None,
        ))
        what = f" for “{query}”" if query else ""
        return Reply(blocks=(para(f"This chat will get a {choice} digest of new openings{what}. "
                                  "/digest off stops it."),),
                     intent="subscribe", confidence=1.0)


