"""Job openings: ranked for the person, each with why it fits and what they would still need."""

from __future__ import annotations

import dataclasses
import re

from bot.actions import DropFilter, EditProfile, Filter, MoreOpenings, RunCommand, SetAlerts, ShowTopic
from bot.handlers.base import BaseHandler
from bot.intents import asks_for_work, requests_openings
from bot.markup import para
from bot.messages import MAX_ACTION_BYTES, Button, Reply
from bot.openings import Opening
from bot.ports import ConversationState, RemotePreference
from bot.recommend import (
    DROPPING,
    Match,
    OpeningIndex,
    Query,
    Results,
    asks_again,
    changes_list,
    like,
    name_tokens,
    parse_request,
    reorders,
    rules_out,
)
from bot.routing import Context
from bot.shown import (
    ShownOpening,
    asked_order,
    asks_at_same_company,
    asks_company_openings,
    asks_for_similar,
    asks_of_list,
    find_reference,
    in_focus,
    list_shown,
    narrows_list,
    on_screen,
    shown_list,
    without_model,
)
from bot.skills import SkillVocabulary
from bot.vocabulary import place_label

PAGE_SIZE = 3
MAX_GAP_BUTTONS = 3
# The request on screen is kept as what was said, the first request and its follow-ups
# ("and in Berlin?", "only the remote ones"), at most this many.
JOBS_QUERY = "jobs_query"
MAX_REQUEST_TEXTS = 5
# Set (in ctx.cache) when a message that told about the person asks for openings too: the
# request it makes (see intents.request_part).
ASKED = "asked_part"
# The opening the request on screen asked for others like ("something like the Stripe one").
JOBS_LIKE = "jobs_like"
# "anything else at that company?" with an opening to point at is a new list, whatever the
# classifier makes of its pronoun (as the opening handler's named score, see there).
SAME_COMPANY_SCORE = 0.96
SHUNNED_SCORE = 0.97
# With a list on screen, a few words that only change how it is drawn ("newest first", "show all
# of them") or ask for it again are about that list, whatever their meaning reads as.
LIST_CHANGE_SCORE = 0.92
LIST_CHANGE_WORDS = 8
# "drop the level", "any work mode" with a list on screen whose request named that filter: the
# request's filter is dropped, however surely the words read as a profile edit (the person never
# said the level of themselves), as the list's drop button does.
DROP_ASKED_SCORE = 0.995
# The next page asked for in words ("next page", "keep going", "show me more").
_PAGE_ON = re.compile(
    r"(?:(?:ok|okay|yes|yeah|yep|sure|and|so|then|now)[,!.]? )*(?:next(?: (?:page|one|ones|few|batch|"
    r"three|3))?|keep going|continue|go on|the rest(?: of them)?|(?:show|give|send)(?: me)? (?:some |the )?"
    r"(?:more|others|next(?: ones)?|rest)|(?:see|load) more|more (?:please|pls|of them|results|jobs|"
    r"openings|options))(?: (?:please|pls|thanks))?[.!?]*")


async def openings_index(ctx: Context) -> OpeningIndex:
    rec = ctx.bot.services.recommender
    index = await ctx.attempt(lambda uow: rec.index(ctx.kb, uow), otherwise=None)
    # Without the database: the knowledge base's own openings.
    return index if index is not None else await rec.index(ctx.kb, None)


def request_texts(state: ConversationState) -> list[str]:
    """What the request on screen was made of (a single text in states of older versions)."""
    raw = state.data.get(JOBS_QUERY)
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list | tuple):
        return [t for t in raw if isinstance(t, str)]
    return []


def request_of(texts: list[str], vocab: SkillVocabulary, model: Opening | None = None,
               index: OpeningIndex | None = None) -> Query:
    """The request those texts make together, starting from the opening it asks for others like
    (`model`): each follow-up's filters win over earlier ones. With the `index`, the companies
    the texts name keep their openings only."""
    q = like(model) if model is not None else Query()
    for text in texts:
        asked = parse_request(text, vocab)
        if index is not None and asked.locations:
            asked = dataclasses.replace(asked, locations=tuple(dict.fromkeys(
                index.spelled(p) for p in asked.locations)))
        at = () if index is None else tuple(dict.fromkeys(
            index.openings[i].company for i in index.by_company(text)))
        if at:
            # A company's name ("Copperleaf Bank") names no role; one ruled out ("not
            # Cindervale") is left out of the list rather than asked for.
            named = {w for c in at for w in name_tokens(c)}
            shunned = tuple(c for c in at if rules_out(text, c))
            asked = dataclasses.replace(
                asked, companies=tuple(c for c in at if c not in shunned), shunned=shunned,
                titled=tuple(w for w in asked.titled if w not in named))
        q = q.refined_by(asked)
    return q


def _shuns(text: str, index: OpeningIndex) -> bool:
    """Whether text rules out a company it names ("not Cindervale")."""
    return any(rules_out(text, index.openings[i].company) for i in index.by_company(text))


def model_of(state: ConversationState, index: OpeningIndex) -> Opening | None:
    """The open opening the request on screen asked for others like, if any."""
    shown = ShownOpening.from_data(state.data.get(JOBS_LIKE))
    i = None if shown is None else index.position(shown.source, shown.external_id)
    return None if i is None else index.openings[i]


def describe_query(q: Query, titled: tuple[str, ...] = ()) -> str:
    """What was looked for, in a few words; `titled`: the request's words that titles had."""
    parts = []
    if q.skills:
        parts.append(", ".join(q.skills))
    elif titled:
        parts.append(" / ".join(titled) + " roles")
    elif q.every or (q.avoid and q.known):
        parts.append("any skills")
    elif q.known:
        parts.append("your skills (" + ", ".join(q.known[:6]) + ("…" if len(q.known) > 6 else "")
                     + ")")
    if q.avoid:
        parts.append("without " + " or ".join(q.avoid))
    if q.companies:
        parts.append("at " + " or ".join(q.companies))
    if q.shunned:
        parts.append("not at " + " or ".join(q.shunned))
    if q.level:
        parts.append(q.level.value)
    if q.employment:
        parts.append(q.employment.value)
    places = " or ".join(map(place_label, q.locations))
    if q.from_profile and places and q.remote is not RemotePreference.ONSITE:
        # The profile's wish: remote openings, or ones in its places (see Query).
        parts.append(("remote or hybrid in " if q.remote is RemotePreference.HYBRID
                      else "remote or ") + places)
    else:
        if q.remote is not RemotePreference.ANY:
            parts.append({"remote": "remote", "hybrid": "hybrid",
                          "onsite": "on-site"}[q.remote.value])
        if places:
            parts.append(places)
    if q.away:
        parts.append("not in " + " or ".join(map(place_label, q.away)))
    if q.newest:
        parts.append("newest first")
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


# A request for work in another field ("teacher jobs in London", "remote jobs for nurses") is
# declined, however surely its other words name a topic ("remote") or ask for openings.
OTHER_FIELD_SCORE = 0.95
OTHER_FIELD = "other_field"
OTHER_FIELD_WORDS = 2


def other_field(ctx: Context) -> str | None:
    """The work a typed request for jobs names that lies outside the field: its role words that no
    intent's examples use, when it names no skill nor company, no open opening's title has them,
    and they are nearer in meaning to a subject outside the domain than to the knowledge base
    (TopicRetriever.outside). None otherwise (computed once per message)."""
    if OTHER_FIELD in ctx.cache:
        cached = ctx.cache[OTHER_FIELD]
        return cached if isinstance(cached, str) else None
    found: str | None = None
    if ctx.command is None and ctx.action is None and asks_for_work(ctx.text):
        q = parse_request(ctx.text, ctx.kb.skills)
        latest = ctx.bot.services.recommender.latest
        # Only words no request to the bot uses: "suit" in "what jobs suit me" asks how they fit.
        foreign = set(ctx.bot.intents.foreign(ctx.text))
        work = [w for w in q.titled if w in foreign]
        # the work is named in a word or two ("nurses", "truck drivers"); more words around a
        # "job" speak of something else ("two workers process the same job at the same time")
        if work and len(q.titled) <= OTHER_FIELD_WORDS and not q.skills and not (latest is not None and (
                latest.by_company(ctx.text) or any(latest.has_title_word(w) for w in q.titled))):
            said = " ".join(work)
            found = said if ctx.bot.retriever.outside(said) else None
    ctx.cache[OTHER_FIELD] = found
    return found


def other_field_reply(work: str) -> Reply:
    return Reply(
        blocks=(para(f"Sorry, I only know openings in backend and software engineering, so I can't "
                     f"find jobs for “{work}”. I can help with backend careers: languages, "
                     "databases, APIs, DevOps, interviews and job openings in that field."),),
        buttons=(Button(label="Browse topics", action=RunCommand(name="topics").encode()),
                 Button(label="Backend openings", action=RunCommand(name="jobs").encode())),
        intent="fallback", confidence=1.0,
    )


def no_skills_reply() -> Reply:
    return Reply(
        blocks=(para("To recommend openings I need to know at least one skill. Tell me yours with "
                     "/profile (e.g. /profile skills python, postgres; level mid; remote yes), "
                     "or ask for a stack, e.g. “any remote Go jobs?”"),),
        buttons=(Button(label="Set up my profile", action=EditProfile().encode()),),
        intent="openings", confidence=1.0,
    )


MAX_DROPS = 2


def _drops(q: Query, index: OpeningIndex) -> tuple[tuple[Filter, str, int], ...]:
    """The filters of a request that finds nothing which, dropped one at a time, would find
    something: (filter, how it was said, how many there would be), most found first."""
    relaxed: list[tuple[Filter, str, Query]] = []
    if q.remote is not RemotePreference.ANY:
        said = {"remote": "remote", "hybrid": "hybrid", "onsite": "on-site"}[q.remote.value]
        relaxed.append((Filter.MODE, said, dataclasses.replace(q, remote=RemotePreference.ANY)))
    if q.locations:
        relaxed.append((Filter.PLACE, " or ".join(map(place_label, q.locations)),
                        dataclasses.replace(q, locations=(), from_profile=False)))
    if q.level is not None:
        relaxed.append((Filter.LEVEL, q.level.value, dataclasses.replace(q, level=None)))
    if q.employment is not None:
        relaxed.append((Filter.TERMS, q.employment.value, dataclasses.replace(q, employment=None)))
    found = [(what, said, n) for what, said, loose in relaxed
             if (n := index.rank(loose, limit=1, browse=True).total)]
    return tuple(sorted(found, key=lambda d: -d[2])[:MAX_DROPS])


def _drops_asked_filter(text: str, texts: list[str], vocab: SkillVocabulary) -> bool:
    """Whether text only drops a filter the request on screen named ("drop the level" after
    "senior go roles", "any work mode" after "remote python jobs")."""
    said = parse_request(text, vocab)
    # Only the dropping: "drop the level, and in berlin" is a new request, read as one.
    if not (said.any_level or said.any_mode or said.any_terms) or said.skills or said.locations \
            or said.level or said.remote is not RemotePreference.ANY or said.employment:
        return False
    asked = request_of(texts, vocab)
    return ((said.any_level and asked.level is not None)
            or (said.any_mode and asked.remote is not RemotePreference.ANY)
            or (said.any_terms and asked.employment is not None))


class OpeningsHandler(BaseHandler):
    intent = "openings"
    commands = ("jobs",)
    actions = (MoreOpenings, DropFilter)

    def score(self, ctx: Context) -> float:
        if other_field(ctx) is not None:
            return OTHER_FIELD_SCORE
        meant = ctx.intents()["openings"]
        latest = ctx.bot.services.recommender.latest
        if latest is not None and request_texts(ctx.state) and ctx.command is None \
                and _shuns(ctx.text, latest):
            # "not Cindervale": the request again without it, however surely a company named
            # points at its openings (the opening handler's named score).
            return max(meant, SHUNNED_SCORE)
        if (asks_at_same_company(ctx.text) and (on_screen(ctx.state) or in_focus(ctx.state))) \
                or asks_company_openings(ctx.text, ctx.bot.services.recommender.latest):
            return max(meant, SAME_COMPANY_SCORE)
        if not request_texts(ctx.state) or ctx.command is not None or ctx.action is not None:
            return meant
        if on_screen(ctx.state) and ctx.state.last_topic is None and _PAGE_ON.fullmatch(ctx.norm):
            # "next page", "keep going" with a list on screen: its next page
            ctx.cache["paging"] = True
            return max(meant, LIST_CHANGE_SCORE)
        if on_screen(ctx.state) and len(ctx.text.split()) <= LIST_CHANGE_WORDS \
                and _drops_asked_filter(ctx.text, request_texts(ctx.state), ctx.kb.skills):
            return max(meant, DROP_ASKED_SCORE)
        if (on_screen(ctx.state) and ctx.state.last_topic is None
                and len(ctx.text.split()) <= LIST_CHANGE_WORDS
                # "and the newest?", "are any of them in Germany?" ask which of the list is (the
                # opening handler's)
                and asked_order(ctx.norm) is None and not asks_of_list(ctx.text)
                and (reorders(ctx.text) or asks_again(ctx.text) or changes_list(
                    ctx.text, ctx.kb.skills, ctx.bot.services.recommender.latest))):
            return max(meant, LIST_CHANGE_SCORE)
        if asks_again(ctx.text, naming_the_list=True) and len(ctx.text.split()) <= LIST_CHANGE_WORDS:
            # "back to the jobs" after a topic in between
            return max(meant, LIST_CHANGE_SCORE)
        return meant

    @staticmethod
    def _paging(ctx: Context) -> bool:
        # "more" typed as text reaches us through the MoreHandler when a list is on screen.
        return (isinstance(ctx.action, MoreOpenings) or ctx.command == "more"
                or bool(ctx.cache.get("paging")))

    async def handle(self, ctx: Context) -> list[Reply]:
        if (work := other_field(ctx)) is not None:
            return [other_field_reply(work)]
        paging = self._paging(ctx)
        index = await openings_index(ctx)
        if paging:
            texts, model = request_texts(ctx.state), model_of(ctx.state, index)
        elif isinstance(ctx.action, DropFilter):
            before = request_texts(ctx.state)[-(MAX_REQUEST_TEXTS - 1):]
            texts, model = [*before, DROPPING[ctx.action.what.value]], model_of(ctx.state, index)
        else:
            texts, model = self._request(ctx, index)
        start = int(ctx.state.data.get("page", 0)) + PAGE_SIZE if paging else 0
        profile = await ctx.profile()
        q = Query.for_person(profile, request_of(texts, ctx.kb.skills, model, index))
        ctx.update(last_topic=None)
        # Knowing no skill at all, nothing can be said to fit: list the newest, and ask.
        results = index.rank(q, offset=start, limit=PAGE_SIZE, browse=True)
        if not paging and not results.total and len(texts) > 1 and requests_openings(ctx.text):
            # A request of its own words, read as a follow-up, asks for nothing there is ("are
            # there internships in Berlin?" after Go jobs in Munich): it is a new request. ("any
            # that are remote?" stays a follow-up, and finding none is its answer.)
            alone = Query.for_person(profile, request_of([ctx.text], ctx.kb.skills, None, index))
            fresh = index.rank(alone, offset=0, limit=PAGE_SIZE, browse=True)
            if fresh.total:
                texts, model, q, results = [ctx.text], None, alone, fresh
        if paging and not results.matches:
            # Paged past the end: the list on screen is still the last one shown.
            return [self._reply(q, results, start, paging, model)]
        ctx.set_data(page=start, **{JOBS_QUERY: texts},
                     **{JOBS_LIKE: None if model is None else ShownOpening.of(model).to_data()},
                     **list_shown([m.opening for m in results.matches]))
        if q.is_empty and not results.matches and not paging:
            return [no_skills_reply()]
        return [self._reply(q, results, start, paging, model,
                            drops=() if results.total else _drops(q, index))]

    @staticmethod
    def _request(ctx: Context, index: OpeningIndex) -> tuple[list[str], Opening | None]:
        """A new request (perhaps for openings like one shown or named), or a follow-up on the
        list on screen: one that names no skill of its own ("and in Berlin?", "only the remote
        ones"), or narrows the list by one ("the go ones"), keeps the rest of that request."""
        typed = ctx.command is None and ctx.action is None
        asked = ctx.cache.get(ASKED)
        if isinstance(asked, str):
            return [asked], None
        if typed and (asks_for_similar(ctx.text) or asks_at_same_company(ctx.text)):
            ref = find_reference(ctx.text, ctx.state, index, ctx.kb.skills)
            meant = ref.openings[0] if ref is not None and ref.openings else (
                in_focus(ctx.state) or next(iter(shown_list(ctx.state)), None))
            i = None if meant is None else index.position(meant.source, meant.external_id)
            if i is not None and asks_at_same_company(ctx.text):
                # Named as a request, so paging and follow-ups read the company as they would
                # from "openings at <company>".
                return [f"openings at {index.openings[i].company}"], None
            if i is not None:
                return [without_model(ctx.text)], index.openings[i]
        if typed and asks_company_openings(ctx.text, index) and not _shuns(ctx.text, index):
            # "what has Kitebird got open?": all of that company's, not the list on screen narrowed
            return [ctx.text], None
        # "show me the jobs again" after a topic in between: the request before it, again.
        again = typed and asks_again(ctx.text, naming_the_list=not on_screen(ctx.state)) \
            and bool(request_texts(ctx.state))
        if typed and (on_screen(ctx.state) or again) and (
                narrows_list(ctx.text) or not parse_request(ctx.text, ctx.kb.skills).skills):
            before = request_texts(ctx.state)
            if not again and requests_openings(ctx.text) and not index.by_company(ctx.text):
                # "what jobs do you have?" with one company's list on screen asks beyond it.
                before = [t for t in before if not index.by_company(t)]
            texts = [*before[-(MAX_REQUEST_TEXTS - 1):], ctx.text] if before else [ctx.text]
            return texts, model_of(ctx.state, index)
        return [ctx.text], None

    def _reply(self, q: Query, results: Results, start: int, paging: bool,
               model: Opening | None = None,
               drops: tuple[tuple[Filter, str, int], ...] = ()) -> Reply:
        wanted = describe_query(q, results.titled) or "any skills"
        if model is not None:
            wanted += f", like {model.title} at {model.company}"
        if not results.matches:
            if paging and results.total:
                msg = "That's all the openings that match."
            elif drops:
                # Which filter leaves nothing, and what dropping it would show.
                msg = (f"No open positions match {wanted} right now. " + " ".join(
                    f"Without “{said}” there {'is' if n == 1 else 'are'} {n}." for _, said, n in drops))
            else:
                msg = (f"No open positions match {wanted} right now. Try fewer filters, or "
                       "/subscribe to hear when one appears.")
            return Reply(blocks=(para(msg),), intent="openings", confidence=1.0, buttons=(
                *(Button(label=f"Show without “{said}”"[:60],
                         action=DropFilter(what=what).encode()) for what, said, _ in drops),
                Button(label="Alert me about new ones", action=SetAlerts(on=True).encode())))
        end = start + len(results.matches)
        head = (f"Openings {wanted}" if wanted.startswith("at ") else f"Openings for {wanted}") \
            + f" ({start + 1}-{end} of {results.total}):"
        buttons = gap_buttons(results.matches)
        if q.is_empty and not results.titled and not q.companies:
            filters = describe_query(q)
            head = (f"The newest openings{f' ({filters})' if filters else ''} "
                    f"({start + 1}-{end} of {results.total}). Tell me your "
                    "skills with /profile and I'll pick the ones that fit you:")
            buttons.append(Button(label="Set up my profile", action=EditProfile().encode()))
        if end < results.total:
            buttons.append(Button(label="More openings", action=MoreOpenings().encode()))
        return Reply(
            blocks=(para(head),),
            cards=tuple(m.card() for m in results.matches),
            buttons=tuple(buttons), intent="openings", confidence=1.0,
        )

