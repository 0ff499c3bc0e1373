"""Job openings: list the openings that fit a request, with why each fits."""

from __future__ import annotations

from bot.dialogue import Context
from bot.handlers.base import BaseHandler, bare, words_re
from bot.markup import para
from bot.messages import Button, OpeningCard, Reply
from bot.openings import Opening
from bot.ports import StorageUnavailable
from bot.text import STOPWORDS, stem, words

PAGE_SIZE = 3

_JOB_WORDS = words_re(
    r"jobs?", r"openings?", r"roles?", r"positions?", r"vacanc(?:y|ies)", r"gigs?",
    r"opportunit(?:y|ies)", r"hiring", r"job offers?", r"postings?", r"listings?", r"careers? page",
    r"work for me", r"employment",
)
_REQUEST = words_re(
    r"any", r"find", r"show", r"list", r"recommend\w*", r"suggest\w*", r"available", r"open",
    r"for me", r"match\w*", r"fit\w*", r"looking for", r"search\w*", r"new", r"latest",
    r"who is hiring", r"are there", r"got", r"give me", r"browse", r"remote", r"senior",
    r"junior", r"mid", r"staff", r"entry", r"in [a-z]+",
)
# Advice about the job hunt is the job-search topic, not a search for openings.
_ADVICE = words_re(
    r"how (?:do|can|should|to)", r"tips?", r"advice", r"prepare", r"cv", r"resume", r"cover letter",
    r"interview\w*", r"negotiat\w*", r"salary", r"portfolio", r"linkedin", r"apply(?:ing)? to",
    r"applying", r"write", r"what (?:is|are|does)", r"why", r"should i", r"career path",
)
_NOISE = frozenset(
    "job jobs opening openings role roles position positions vacancy vacancies gig gigs hire "
    "hiring opportunity opportunities posting postings listing listings any find show list "
    "recommend suggest available open me fit fits fitting match matching profile looking "
    "search new latest give got browse backend engineer engineering developer dev work please "
    "for my there are is".split()
)


def request_terms(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS and w not in _NOISE]


def card(o: Opening, matched: tuple[str, ...] = ()) -> OpeningCard:
    return OpeningCard(
        title=o.title, company=o.company, url=o.url, location=o.location, remote=o.remote.value,
        level=o.level.value if o.level else None, matched_skills=matched,
    )


class OpeningsHandler(BaseHandler):
    intent = "openings"
    commands = ("jobs",)
    actions = ("jobs",)

    def score(self, ctx: Context) -> float:
        text = bare(ctx.norm)
        if not _JOB_WORDS.search(text):
            return 0.0
        if _ADVICE.search(text):
            return 0.2
        return 0.9 if _REQUEST.search(text) or len(text.split()) <= 3 else 0.55

    async def _openings(self, ctx: Context) -> list[Opening]:
        if ctx.uow is not None:
            try:
                found = await ctx.uow.openings.list_open()
                if found:
                    return found
            except StorageUnavailable:
                ctx.bot.storage_failed()
        return list(ctx.kb.openings)

    async def handle(self, ctx: Context) -> list[Reply]:
        paging = ctx.message.action == "jobs:more" or ctx.command == "more"
        query = str(ctx.state.data.get("jobs_query", "")) if paging else ctx.text
        start = int(ctx.state.data.get("page", 0)) + PAGE_SIZE if paging else 0
        wanted = set(request_terms(query))
        openings = await self._openings(ctx)
        hits: list[tuple[int, Opening]] = []
        for o in openings:
            hay = set(request_terms(" ".join((o.title, o.company, o.location, o.remote.value,
                                              o.level or "", " ".join(o.skills), o.description))))
            n = len(wanted & hay)
            if not wanted or n:
                hits.append((n, o))
        hits.sort(key=lambda h: -h[0])
        page = hits[start:start + PAGE_SIZE]
        ctx.update(last_topic=None)
        ctx.set_data(page=start, jobs_query=query)
        if not page:
            msg = ("No more openings match." if paging else
                   "I found no open positions matching that. Try fewer words, or /jobs for all.")
            return [Reply(blocks=(para(msg),), intent="openings", confidence=1.0)]
        buttons = ()
        if start + PAGE_SIZE < len(hits):
            buttons = (Button(label="More openings", action="jobs:more"),)
        cards = tuple(card(o) for _, o in page)
        return [Reply(
            blocks=(para(f"Openings that match ({start + 1}-{start + len(page)} of {len(hits)}):"),),
            cards=cards, buttons=buttons, intent="openings", confidence=1.0,
        )]
