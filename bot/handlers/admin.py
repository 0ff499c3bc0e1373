"""Maintainer commands (/reload, /stats, /admin) for the ids in CAREERBOT_ADMINS."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Mapping
from typing import Any

from bot.handlers.base import BaseHandler
from bot.knowledge import KnowledgeError, Severity
from bot.markup import bullets, para
from bot.messages import Reply
from bot.ports import UnitOfWork
from bot.routing import Context

log = logging.getLogger("careerbot.admin")

# A long error list would not fit in one chat message; the rest is in `careerbot kb check`.
MAX_PROBLEMS_SHOWN = 15


class AdminHandler(BaseHandler):
    intent = "admin"
    commands = ("reload", "stats", "admin")

    async def handle(self, ctx: Context) -> list[Reply]:
        who = f"{ctx.message.platform}:{ctx.message.user_id}"
        if not ctx.bot.is_admin(ctx.message):
            log.warning("admin command /%s refused for %s", ctx.command, who)
            return [Reply(
                blocks=(para("Sorry, that command is only for the maintainers of this bot."),),
                intent="admin", confidence=1.0, private=True,
            )]
        if ctx.command == "reload":
            return [await self._reload(ctx, who)]
        if ctx.command == "admin":
            return [await self._link(ctx, who)]
        return [await self._stats(ctx, who)]

    async def _link(self, ctx: Context, who: str) -> Reply:
        links = ctx.bot.services.admin_links
        if links is None:
            log.warning("admin %s: /admin unavailable (CAREERBOT_PUBLIC_URL is not set)", who)
            return _private("The maintainer's pages aren't reachable in this deployment: "
                            "set CAREERBOT_PUBLIC_URL to the service's public address.")
        link = links.new(who)

        async def store(uow: UnitOfWork) -> bool:
            # In this message's transaction: the link works once the answer is committed.
            await uow.sign_ins.add(link.digest, link.expires_at)
            return True

        if not await ctx.attempt(store, otherwise=False):
            log.warning("admin %s: /admin unavailable (database unreachable)", who)
            return _private("I can't reach my database right now, so I can't make a sign-in "
                            "link; please try again in a few minutes.")
        # The link itself is a secret: it is not logged.
        log.info("admin %s: /admin sign-in link sent", who)
        return _private(f"Your sign-in link to the maintainer's pages (valid for a few minutes, "
                        f"once): {link.url}")

    async def _reload(self, ctx: Context, who: str) -> Reply:
        loader = ctx.bot.services.reload_knowledge
        if loader is None:
            log.warning("admin %s: /reload unavailable (no loader configured)", who)
            return _private("Reloading isn't available in this deployment.")
        try:
            # Reading and validating YAML takes a moment; keep the event loop answering others.
            kb = await asyncio.to_thread(loader)
        except KnowledgeError as exc:
            errors = [p for p in exc.problems if p.severity is Severity.ERROR]
            log.warning("admin %s: /reload refused, knowledge base has %d error(s)",
                        who, len(errors))
            shown = [str(p) for p in errors[:MAX_PROBLEMS_SHOWN]]
            if len(errors) > MAX_PROBLEMS_SHOWN:
                shown.append(f"… and {len(errors) - MAX_PROBLEMS_SHOWN} more "
                             "(run `careerbot kb check`)")
            return Reply(
                blocks=(para(f"The knowledge base has {len(errors)} error(s), so I kept the "
                             f"one already loaded ({len(ctx.bot.kb.topics)} topics):"),
                        bullets(shown)),
                intent="admin", confidence=1.0, private=True,
            )
        except Exception:
            log.exception("admin %s: /reload failed", who)
            return _private("Reloading failed unexpectedly; I kept the knowledge base already "
                            "loaded. The server log has the details.")
        before = len(ctx.bot.kb.topics)
        # Embedding edited texts takes a moment too; the switch itself happens on the loop.
        ctx.bot.replace_knowledge(kb, await asyncio.to_thread(ctx.bot.index_knowledge, kb))
        log.info("admin %s: /reload done, %d topics (was %d), %d warning(s)",
                 who, len(kb.topics), before, len(kb.warnings))
        text = f"Reloaded: {len(kb.topics)} topics (was {before}), {len(kb.skills.skills)} skills"
        if kb.warnings:
            text += f", {len(kb.warnings)} warning(s)"
        return _private(text + ".")

    async def _stats(self, ctx: Context, who: str) -> Reply:
        log.info("admin %s: /stats", who)
        lines: list[str] = [f"knowledge base: {len(ctx.bot.kb.topics)} topics"]
        source = ctx.bot.services.stats
        if source is not None:
            try:
                result = source()
                stats = await result if inspect.isawaitable(result) else result
                lines.extend(f"{k}: {_fmt(v)}" for k, v in stats.items())
            except Exception:
                log.exception("admin %s: /stats source failed", who)
                lines.append("(some counters are unavailable right now)")
        if ctx.uow is not None:
            found = await ctx.attempt(_most_asked_and_least_helpful, otherwise=None)
            if found is None:
                lines.append("(the database is unreachable right now)")
            else:
                unanswered, worst = found
                if unanswered:
                    lines.append("most asked without an answer: " + "; ".join(
                        f"“{text[:60]}” ×{n}" for text, n in unanswered))
                if worst:
                    lines.append("least helpful topics: " + "; ".join(
                        f"{topic} (+{yes}/−{no})" for topic, yes, no in worst))
        return Reply(blocks=(para("Statistics"), bullets(lines)), intent="admin",
                     confidence=1.0, private=True)


async def _most_asked_and_least_helpful(
    uow: UnitOfWork,
) -> tuple[list[tuple[str, int]], list[tuple[str, int, int]]]:
    return await uow.unanswered.top(5), await uow.feedback.least_helpful(3)


def _fmt(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _private(text: str) -> Reply:
    return Reply(blocks=(para(text),), intent="admin", confidence=1.0, private=True)
