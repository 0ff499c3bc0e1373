"""Job openings: ranked for the person, each with why it fits and what they would still need."""

from __future__ import annotations

import re

from bot.actions import EditProfile, MoreOpenings, SetAlerts, ShowTopic
from bot.handlers.base import BaseHandler
from bot.markup import para
from bot.messages import MAX_ACTION_BYTES, Button, Reply
from bot.ports import RemotePreference
from bot.recommend import Match, OpeningIndex, Query, Results, parse_request
from bot.routing import Context
from bot.text import normalize

PAGE_SIZE = 3
MAX_GAP_BUTTONS = 3


async def openings_index(ctx: Context) -> OpeningIndex:
    rec = ctx.bot.services.recommender
    index = await ctx.attempt(lambda uow: rec.index(ctx.kb, uow), otherwise=None)
    # Without the database: the knowledge base's own openings.
    return index if index is not None else await rec.index(ctx.kb, None)


def describe_query(q: Query) -> str:
    parts = []
    if q.skills:
        parts.append(", ".join(q.skills))
    elif q.known:
        parts.append("your skills (" + ", ".join(q.known[:6]) + ("…" if len(q.known) > 6 else "")
                     + ")")
    if q.level:
        parts.append(q.level.value)
    if q.remote is not RemotePreference.ANY:
        parts.append({"remote": "remote", "hybrid": "hybrid", "onsite": "on-site"}[q.remote.value])
    if q.location:
        parts.append(q.location)
    return "; ".join(parts)


def gap_buttons(matches: tuple[Match, ...], limit: int = MAX_GAP_BUTTONS) -> list[Button]:
    """One button per missing skill that a topic teaches, most frequent gaps first."""
    seen: dict[str, tuple[str, int]] = {}
    for m in matches:
        for g in m.missing:
            if g.topic:
                skill, n = seen.get(g.topic, (g.skill, 0))
                seen[g.topic] = (skill, n + 1)
    ranked = sorted(seen.items(), key=lambda kv: -kv[1][1])[:limit]
    # Cut like the label, so an overlong topic id cannot fail the whole reply.
    return [Button(label=f"Learn {skill}"[:60],
                   action=ShowTopic(topic_id=topic).encode()[:MAX_ACTION_BYTES])
            for topic, (skill, _) in ranked]


def no_skills_reply() -> Reply:
    return Reply(
        blocks=(para("To recommend openings I need to know at least one skill. Tell me yours with "
                     "/profile (e.g. /profile skills python, postgres; level mid; remote yes), "
                     "or ask for a stack, e.g. “any remote Go jobs?”"),),
        buttons=(Button(label="Set up my profile", action=EditProfile().encode()),),
        intent="openings", confidence=1.0,
    )


class OpeningsHandler(BaseHandler):
    intent = "openings"
    commands = ("jobs",)
    actions = (MoreOpenings,)

    def score(self, ctx: Context) -> float:
        return ctx.intents().best(("openings", "opening"))[1]

    @staticmethod
    def _paging(ctx: Context) -> bool:
        # "more" typed as text reaches us through the MoreHandler when a list is on screen.
        return (isinstance(ctx.action, MoreOpenings) or ctx.command == "more"
                or bool(ctx.cache.get("paging")))

    async def handle(self, ctx: Context) -> list[Reply]:
        if (ctx.command is None and ctx.action is None and "jobs_query" in ctx.state.data
                and ctx.intents().best(("openings", "opening"))[0] == "opening"):
            one = await self._one(ctx)
            if one is not None:
                return [one]
        paging = self._paging(ctx)
        text = str(ctx.state.data.get("jobs_query", "")) if paging else ctx.text
        start = int(ctx.state.data.get("page", 0)) + PAGE_SIZE if paging else 0
        request = parse_request(text, ctx.kb.skills)
        q = Query.for_person(await ctx.profile(), request)
        ctx.update(last_topic=None)
        index = await openings_index(ctx)
        # Knowing no skill at all, nothing can be said to fit: list the newest, and ask.
        results = index.rank(q, offset=start, limit=PAGE_SIZE, browse=True)
        # The companies on screen: a question naming one is about that opening.
        ctx.set_data(page=start, jobs_query=text,
                     shown=[m.opening.company for m in results.matches] or None)
        if q.is_empty and not results.matches and not paging:
            return [no_skills_reply()]
        return [self._reply(q, results, start, paging)]

    def _reply(self, q: Query, results: Results, start: int, paging: bool) -> Reply:
        wanted = describe_query(q) or "any skills"
        if not results.matches:
            if paging and results.total:
                msg = "That's all the openings that match."
            else:
                msg = (f"No open positions match {wanted} right now. Try fewer filters, or "
                       "/subscribe to hear when one appears.")
            return Reply(blocks=(para(msg),), intent="openings", confidence=1.0,
                         buttons=(Button(label="Alert me about new ones",
                                         action=SetAlerts(on=True).encode()),))
        end = start + len(results.matches)
        head = f"Openings for {wanted} ({start + 1}-{end} of {results.total}):"
        buttons = gap_buttons(results.matches)
        if q.is_empty:
            head = (f"The newest openings ({start + 1}-{end} of {results.total}). Tell me your "
                    "skills with /profile and I'll pick the ones that fit you:")
            buttons.append(Button(label="Set up my profile", action=EditProfile().encode()))
        if end < results.total:
            buttons.append(Button(label="More openings", action=MoreOpenings().encode()))
        return Reply(
            blocks=(para(head),),
            cards=tuple(m.card() for m in results.matches),
            buttons=tuple(buttons), intent="openings", confidence=1.0,
        )

    async def _one(self, ctx: Context) -> Reply | None:
        """About one opening of the list on screen: the one named (by its company or its place in
        the list), else the top one."""
        text = str(ctx.state.data.get("jobs_query", ""))
        start = int(ctx.state.data.get("page", 0))
        q = Query.for_person(await ctx.profile(), parse_request(text, ctx.kb.skills))
        index = await openings_index(ctx)
        shown = index.rank(q, offset=start, limit=PAGE_SIZE, browse=True).matches
        if not shown:
            return None
        match = _named(shown, ctx.norm) or shown[0]
        o = match.opening
        facts = [o.location or "location not stated",
                 {"yes": "remote", "no": "on-site", "hybrid": "hybrid"}.get(o.remote.value,
                                                                             "remote work not stated"),
                 f"level {o.level.value}" if o.level else "level not stated"]
        lines = [f"{o.title} at {o.company}: " + ", ".join(facts) + "."]
        if match.matched:
            lines.append("It fits your " + ", ".join(match.matched) + ".")
        if match.missing:
            lines.append("You would still need " + ", ".join(g.skill for g in match.missing) + ".")
        return Reply(blocks=tuple(para(line) for line in lines), cards=(match.card(),),
                     buttons=tuple(gap_buttons((match,))), intent="opening", confidence=1.0)


_ORDINALS = {"first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}


def _named(shown: tuple[Match, ...], norm: str) -> Match | None:
    """The opening of `shown` the message names: by its company, or by its place in the list."""
    said = set(re.findall(r"\w+", norm))
    for m in shown:
        if re.search(r"(?<!\w)" + re.escape(normalize(m.opening.company)) + r"(?!\w)", norm):
            return m
    for word, i in _ORDINALS.items():
        if word in said and i < len(shown):
            return shown[i]
    if "last" in said:
        return shown[-1]
    return None
