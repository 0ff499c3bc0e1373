"""What the bot stores about a person (/mydata) and deleting it (/forget)."""

from __future__ import annotations

import json
import re

from bot.actions import AskForget, ConfirmForget
from bot.flows import Step
from bot.handlers.base import BaseHandler
from bot.markup import para
from bot.messages import Button, Reply
from bot.routing import Context
from bot.text import bare, words_re

_YES = words_re(r"yes", r"y", r"yep", r"yeah", r"sure", r"confirm", r"do it", r"delete", r"ok(?:ay)?")
_NO = words_re(r"no", r"n", r"nope", r"cancel", r"stop", r"don'?t", r"keep")
# Asking whether deleting will be possible some other time ("can I delete it later?", "will I be
# able to remove my data if I stop using you?") is no request to delete now: a confirmation
# there would let a following "ok" delete everything.
_SOME_OTHER_TIME = words_re(r"later(?: on)?", r"afterwards?", r"in the future", r"any ?time",
                            r"whenever", r"at some point", r"one day", r"eventually",
                            r"if i (?:want|wish|change|stop|leave|quit|decide)\w*")
_ASKS_WHETHER = re.compile(r"(?:can|could|may|will|would|do|does|is|am|are) ")


class PrivacyHandler(BaseHandler):
    """/forget asks first, then deletes (the flow is in bot/flows.py)."""

    intent = "forget"
    commands = ("forget", "mydata")
    actions = (AskForget, ConfirmForget)
    steps = (Step.CONFIRM_FORGET,)

    @staticmethod
    def _mydata(ctx: Context) -> bool:
        if ctx.command is not None or ctx.action is not None:
            return ctx.command == "mydata"
        return ctx.intents().best(("forget", "mydata"))[0] == "mydata"

    def score(self, ctx: Context) -> float:
        return ctx.intents().best(("forget", "mydata"))[1]

    @staticmethod
    def _asker(ctx: Context) -> str:
        return ctx.bot.services.asker(ctx.message.platform, ctx.message.user_id)

    async def handle(self, ctx: Context) -> list[Reply]:
        if self._mydata(ctx):
            return [await self._show(ctx)]
        if isinstance(ctx.action, ConfirmForget):
            return [await self._decide(ctx, ctx.action.yes)]
        if ctx.command is None and ctx.action is None and self._asks_about_later(ctx):
            return [Reply(
                blocks=(para("Yes, whenever you like: say /forget (or “delete my data”) and I "
                             "delete everything I store about you: your profile, conversation, "
                             "feedback, subscriptions and the questions I couldn't answer. "
                             "/mydata shows what that is."),),
                buttons=(Button(label="Delete my data", action=AskForget().encode()),),
                intent="forget", confidence=1.0, private=True,
            )]
        ctx.update(pending=Step.CONFIRM_FORGET)
        return [Reply(
            blocks=(para("This deletes everything I store about you: your profile, conversation, "
                         "feedback, subscriptions and the questions I couldn't answer. "
                         "Are you sure?"),),
            buttons=(Button(label="Yes, delete my data", action=ConfirmForget(yes=True).encode()),
                     Button(label="No, keep it", action=ConfirmForget(yes=False).encode())),
            intent="forget", confidence=1.0, private=True,
        )]

    @staticmethod
    def _asks_about_later(ctx: Context) -> bool:
        text = bare(ctx.norm)
        return bool(_ASKS_WHETHER.match(text) or "?" in ctx.norm) and bool(
            _SOME_OTHER_TIME.search(text))

    async def resume(self, ctx: Context) -> list[Reply] | None:
        text = bare(ctx.norm)
        if len(text.split()) <= 4 and _YES.search(text):
            return [await self._decide(ctx, True)]
        if len(text.split()) <= 4 and _NO.search(text):
            return [await self._decide(ctx, False)]
        return None

    async def _decide(self, ctx: Context, yes: bool) -> Reply:
        ctx.update(pending=None)
        if not yes:
            return Reply(blocks=(para("OK, nothing was deleted."),), intent="forget",
                         confidence=1.0, private=True)
        uow = ctx.storage()
        removed = await uow.users.forget(ctx.message.platform, ctx.message.user_id)
        removed += await uow.unanswered.forget(self._asker(ctx))
        # The hashes counting this person among the day's active people (the counts stay).
        services, msg = ctx.bot.services, ctx.message
        removed += await uow.usage.forget([services.person(day, msg.platform, msg.user_id)
                                           for day in await uow.usage.held_days()])
        ctx.forgotten = True
        return Reply(
            blocks=(para(f"Done: I deleted everything I stored about you ({removed} records). "
                         "If you talk to me again I'll start from scratch."),),
            intent="forget", confidence=1.0, private=True,
        )

    def unavailable(self, ctx: Context) -> list[Reply] | None:
        if self._mydata(ctx):
            return [Reply(blocks=(para("I can't reach my database right now; try again later."),),
                          intent="mydata", private=True)]
        return [Reply(blocks=(para("I can't reach my database right now, so nothing was "
                                   "deleted. Please try /forget again in a few minutes."),),
                      intent="forget", private=True)]

    async def _show(self, ctx: Context) -> Reply:
        uow = ctx.storage()
        data = await uow.users.describe(ctx.message.platform, ctx.message.user_id)
        asked = await uow.unanswered.of(self._asker(ctx))
        if asked:
            data["unanswered_questions"] = asked
        if not data:
            return Reply(blocks=(para("I store nothing about you."),), intent="mydata",
                         private=True)
        text = json.dumps(data, indent=2, default=str, ensure_ascii=False)
        return Reply(
            blocks=(para("This is everything I store about you:"), para(text),
                    para("Say /forget to delete it.")),
            buttons=(Button(label="Delete my data", action=AskForget().encode()),),
            intent="mydata", confidence=1.0, private=True,
        )
