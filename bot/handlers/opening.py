"""Questions about one opening (or a few) shown earlier: "is it remote?", "what am I missing for
the Kitebird one?", "which one is for graduates?"."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.actions import RunCommand
from bot.adfacts import PAY, asked_facts, asks_unlisted_fact
from bot.handlers.base import BaseHandler
from bot.handlers.openings import gap_buttons, openings_index, request_of, request_texts
from bot.markup import Block, Bold, Link, Text, para
from bot.messages import Button, Reply
from bot.openings import Level, Opening, Remote
from bot.ports import RemotePreference
from bot.recommend import Match, OpeningIndex, Query, names_place
from bot.routing import Context
from bot.shown import (
    PAGE,
    How,
    Order,
    Reference,
    ShownOpening,
    asks_at_same_company,
    asks_for_similar,
    asks_of_list,
    find_reference,
    focus_on,
    in_focus,
    list_shown,
    located,
    negates,
    on_screen,
    shown_list,
    within_region,
    without_name,
)
from bot.text import STOPWORDS, normalize, stem, words
from bot.vocabulary import (
    Reading,
    find_level,
    find_places,
    find_regions,
    find_skills,
    is_generic,
    place_label,
    remote_in,
    remote_wish,
    years_of_experience,
)

# Placeholder scores until the intent classifier scores "opening": a company named outranks a
# subscription's wording ("tell me about the X role" is no request for alerts).
NAMED_SCORE = 0.96
POINTED_SCORE = 0.9
# A message that only points with a pronoun ("it", "that") and reads this surely as another
# intent is that intent.
MIN_OTHER = 0.5
MAX_QUOTES = 2
# A quoted sentence says something: a list item of one or two words ("Redis") does not.
MIN_QUOTE_WORDS = 4
MAX_ABOUT_CHARS = 300
# Sentences of an ad shown when asked to tell more about it.
MAX_DETAILS = 10

_MODE = {Remote.YES: "remote", Remote.HYBRID: "hybrid", Remote.NO: "on-site"}
# What an asked-about work mode means for an opening's: (answer, its mode) → yes / partly / no.
_ASKED = {RemotePreference.REMOTE: Remote.YES, RemotePreference.HYBRID: Remote.HYBRID,
          RemotePreference.ONSITE: Remote.NO}
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
# A question about the fit: "is it a good fit for me?", "do I qualify?", "why does it suit me?".
_FIT_ASKED = re.compile(r"(?i)\b(?:fit\w*|match\w*|suit\w*|qualif\w*|right for me|good for me)")
# "when was it posted?", "how old is the ad?", "is it a new listing?"
_POSTED_ASKED = re.compile(r"(?i)\b(?:posted|published|put up|listed|advertised)\b"
                           r"|\bhow (?:old|recent|new|fresh)\b|\bwhat date\b|\bwhen (?:was|did)\b")
# The skills it asks for: "what's the tech stack?", "what technologies do they use?"
_STACK_ASKED = re.compile(r"(?i)\b(?:tech )?stack\b|\btechnolog\w*|\btech\b|\brequirements?\b"
                          r"|\bwhat (?:skills|do (?:they|you) (?:need|want|use|ask for)|does (?:it|the ad|"
                          r"the job|the role) (?:need|require|want|ask for))\b")
# "how do I apply?", "where can I send my application?"
_APPLY_ASKED = re.compile(r"(?i)\bapply\w*\b|\bapplication\b|\bsend (?:my |a |the )?(?:cv|resume)\b")
# What is missing for it, and so what to learn: "what would I need to learn for it?", "what am I
# missing?", "what skills do I lack for the Stripe one?", "what should I study to get it?".
_LEARN_ASKED = re.compile(r"(?i)\b(?:learn|missing|lack\w*|gaps?|study|brush up|pick up|upskill"
                          r"|skills? (?:do|would|should|will) i (?:still )?need|to get there)\b")
# "is it still open?", "has it been filled?": an opening shown is open unless said otherwise.
_STILL_OPEN = re.compile(r"(?<!\w)(?:still (?:open|available|hiring|accepting|up|live|active)"
                         r"|(?:been )?(?:filled|closed|taken down))(?!\w)")
# A question or a request: "?", or a message that starts like one ("where is it", "tell me
# more about that one").
_ASKS = re.compile(r"\?|^(?:and |so |but |ok |okay )?(?:what|where|which|who|how|why|when|is|are|"
                   r"was|does|do|did|can|could|will|would|has|have|should|tell|show|give|send|"
                   r"list|compare|put)\b")
# A yes/no question starts with its verb: "is it remote?", "does it need Go?".
# "where is it?", "where's it based?": its place.
_WHERE = re.compile(r"(?<!\w)(?:where|based|located|location)(?!\w)")
_YES_NO = re.compile(r"^(?:and |so |but |ok |okay )?(?:is|are|was|does|do|did|can|could|will|"
                     r"would|has|have|should)\b")
# "what level is the third?", "how senior is it?"
_LEVEL_ASKED = re.compile(r"(?<!\w)(?:level|seniority|how senior|how junior)(?!\w)")
# Experience asked for: "how many years do they want?", "how much experience does it need?"
_YEARS_ASKED = re.compile(r"(?<!\w)(?:how many years|how much experience|years of experience)(?!\w)")
# "tell me more" (not a bare "more", which pages the list): about the opening in focus.
_MORE_ABOUT = re.compile(r"^(?:ok |okay |and |so |pls |please )?(?:tell me more|more (?:details?|info"
                         r"(?:rmation)?)|(?:any |some )?(?:more )?details|go on|elaborate|what else"
                         r"(?: does (?:it|the ad) say)?|tell me more about (?:it|that|this)(?: one| job"
                         r"| role)?|more about (?:it|that|this)(?: one| job| role)?)(?: please| pls)?\W*$")
# "why?" (or "why these?") right after a list of openings: why they were picked for the person.
_WHY_THESE = re.compile(r"^(?:and |but |so |ok |okay |hmm )?(?:why|how come)(?: (?:these|those|them|"
                        r"this|that)(?: ones?| jobs?| roles?| openings?)?| did you (?:pick|choose|"
                        r"show|suggest|recommend) (?:these|those|them|this|that)(?: ones?)?)?\W*$")
# Asking for the link and nothing else: "link please", "the url?", "send me the apply link".
_LINK_ASKED = re.compile(r"^(?:(?:ok |okay |so |and |can i (?:get|have) |could i (?:get|have) |"
                         r"(?:send|give|share|drop) me )?(?:the |a |an |its |their )?"
                         r"(?:apply |application |job )?(?:link|url)s?(?: to apply)?"
                         r"(?: please| pls| plz| thanks)?)\W*$")
# A question of one aspect and nothing else, about what is on screen: "where?", "paid?",
# "what's the comp?", "level?", "stack?", "remote?" (with an opening or a list on screen, only its is
# meant; a link asked for alone is _LINK_ASKED's). A work mode only bare: "what about hybrid?"
# or "and remote?" narrows the request.
_MODE_ONLY = re.compile(r"^(?:so |but )?(?:fully )?(?:remote|hybrid|on-?site|in[- ]office)\W*$")
_ASPECT_ONLY = re.compile(r"^(?:so |but |ok |okay |hmm )?(?:(?:what(?:'s| is| about)|wh?ats|how about)"
                          r" (?:the |its |their )?)?(?:where|location|located|based|"
                          r"paid|pay|salary|salaries|comp|compensation|money|how much|"
                          r"level|seniority|(?:tech )?stack|requirements)(?: please| pls| then)?\W*$|"
                          + _MODE_ONLY.pattern)
# Applying, asked of nothing else: "how do I apply?", "where can I apply for it?" (not "how do I
# apply for jobs abroad?").
_APPLY_ONLY = re.compile(r"^(?:ok |okay |so |and |great |cool )?(?:how|where) (?:do|can|should|would)"
                         r" i (?:apply|send (?:my |an |the )?(?:cv|resume|application))(?: (?:for|to)"
                         r" (?:it|that|this|them|there)(?: one| job| role| position)?)?\W*$")
# What is missing, asked of nothing else: "what would I still need to learn?", "what am I
# missing?" (not "what do I need to learn to become an SRE?").
_GAPS_ASKED = re.compile(r"^(?:and |so |ok |okay )?(?:what|which skills?)(?: else| more)? (?:would|do|"
                         r"should|will|must) i (?:still )?(?:need|have|want) to (?:learn|pick up|"
                         r"know|study)(?: still)?(?: for (?:it|that|this|the job|the role))?\W*$")
# A sentence of an ad about where or how the work is done.
_WORK_MODE_SAID = re.compile(r"(?i)\boffices?\b|\bremote|on-?site|from home|\bhybrid\b|"
                             r"days? a week|in[- ]person|\bcommut")
# Words that point rather than ask: they never pick a sentence of an ad.
_POINTING = frozenset(("job", "role", "position", "opening", "company", "one", "ones"))


class OpeningHandler(BaseHandler):
    """What fits and what is missing, where and how it is worked, the level, the link, and what
    the ad does not say, for the openings a message points at (bot/shown.py)."""

    intent = "opening"

    def score(self, ctx: Context) -> float:
        """The classifier's reading of `opening`, where there is an opening to be about: one the
        message points at (an ordinal, "that job", a company), or the list or focus on screen."""
        if asks_for_similar(ctx.text) or asks_at_same_company(ctx.text):
            return 0.0  # others like it, or others there: a new list (the openings handler)
        ref = find_reference(ctx.text, ctx.state, ctx.bot.services.recommender.latest,
                             ctx.kb.skills)
        if ref is None and ctx.state.last_topic is None and _MORE_ABOUT.match(ctx.norm) \
                and on_screen(ctx.state) and (focus := in_focus(ctx.state)) is not None:
            # "tell me more" right after one opening was talked about: the rest of its ad (a
            # bare "more" pages the list).
            ctx.cache["opening_reference"] = Reference(how=How.POINTED, openings=(focus,))
            ctx.cache["opening_details"] = True
            return NAMED_SCORE
        if ref is None and ctx.state.last_topic is None and _ASPECT_ONLY.match(ctx.norm):
            # "where?", "salary?": of the opening in focus, else of each on the list.
            ref = _why_these(ctx)
            if ref is not None:
                ctx.cache["opening_reference"] = ref
                return NAMED_SCORE
        if ref is None and ctx.state.last_topic is None and _WHY_THESE.match(ctx.norm):
            ref = _why_these(ctx)
            if ref is not None:
                ctx.cache["opening_reference"] = ref
                return POINTED_SCORE
        scores = ctx.intents()
        meant = scores["opening"]
        if ref is not None and ref.how is How.SELECTED and asks_of_list(ctx.text):
            # "are any of them in Germany?": of the list, as surely as a company named.
            ctx.cache["opening_reference"] = ref
            return max(meant, NAMED_SCORE)
        if ref is not None:
            ctx.cache["opening_reference"] = ref
            other = max((p for name, p in scores.scores.items() if name != "opening"),
                        default=0.0)
            if ref.how is How.POINTED and not ref.back and (
                    other >= MIN_OTHER or not _ASKS.search(ctx.norm)):
                return meant  # "thanks, that clears it up": a pronoun, but no question about it
            # "back to the job" after a topic names what it is about as surely as a company does.
            return max(meant, NAMED_SCORE if ref.how is How.NAMED or ref.back else POINTED_SCORE)
        if not on_screen(ctx.state):
            return 0.0
        # "link please", "url?", "what would I still need to learn?": with openings on screen,
        # only theirs is meant.
        if _LINK_ASKED.match(ctx.norm) or _GAPS_ASKED.match(ctx.norm) or _APPLY_ONLY.match(ctx.norm):
            return max(meant, POINTED_SCORE)
        return meant

    async def handle(self, ctx: Context) -> list[Reply]:
        index = await openings_index(ctx)
        ref = ctx.cache.get("opening_reference")
        if not isinstance(ref, Reference):
            ref = find_reference(ctx.text, ctx.state, index, ctx.kb.skills) or _default(ctx)
        if ref is None:
            return [_which_one()]
        if not ref.openings and ref.how is How.SELECTED and asks_unlisted_fact(ctx.text):
            # "which one pays the most?": what no list shows, so each of them answers for itself.
            ref = Reference(how=How.SELECTED, openings=shown_list(ctx.state), plural=True)
        if not ref.openings:
            return [self._none_selected(ctx)]
        if ref.order is not None:
            return [await self._ranked(ctx, index, ref.order, ref.openings)]
        q = Query.for_person(await ctx.profile(),
                             request_of(request_texts(ctx.state), ctx.kb.skills))
        found = [(s, await _load(ctx, index, s)) for s in ref.openings]
        ctx.update(last_topic=None)
        if ctx.state.data.get(PAGE) is None:
            ctx.set_data(**{PAGE: 0})  # the opening is what the conversation is about now
        if len(found) == 1:
            shown, opening = found[0]
            ctx.set_data(**focus_on(shown))
            if opening is None or not opening.is_open:
                return [_closed(shown)]
            picked = None
            if ref.how is How.SELECTED and (wanted := _wanted(ctx)) is not None:
                # "which ones are remote?" when one is: said against the whole list.
                among = [o for o in (_indexed(index, s) for s in shown_list(ctx.state))
                         if o is not None]
                picked = _which_hold(wanted, among) if len(among) > 1 else None
            return [self._one(ctx, index, q, opening, guessed=ref.guessed, picked=picked)]
        if not set(ref.openings) <= set(shown_list(ctx.state)):
            # A company's openings named from the feed are now the list on screen: "the senior
            # one" next picks among them.
            ctx.set_data(**list_shown(ref.openings))
        among = [o for o in (_indexed(index, s) for s in shown_list(ctx.state)) if o is not None]
        if ref.how is not How.SELECTED or len(among) < len(found):
            # Only a selection is answered against the whole list ("which ones are remote?").
            among = [o for _, o in found if o is not None]
        return [self._several(ctx, index, q, found, among)]

    def _one(self, ctx: Context, index: OpeningIndex, q: Query, o: Opening, *,
             guessed: bool, picked: str | None = None) -> Reply:
        match = index.explain(o, q)
        blocks: list[Block] = [para(picked)] if picked else []
        blocks.append(para(Bold(f"{o.title} at {o.company}")))
        if guessed:
            blocks.append(para("(You didn't say which, so this is the first of the list.)"))
        direct = _direct_answer(ctx, o)
        lead = direct or _fit_verdict(ctx.text, q, match) or _learn_answer(ctx, q, match)
        if lead:
            blocks.append(para(lead))
        stack = _STACK_ASKED.search(ctx.text) is not None and direct is None
        if _POSTED_ASKED.search(ctx.text):
            blocks.append(para(Bold("Posted: "), Text(_posted(o))))
        if _APPLY_ASKED.search(ctx.text) and o.url:
            blocks.append(para(Bold("To apply: "), Text("through the ad, "), Link(o.url, o.url)))
        said = _asked_facts(ctx.text, o)
        pay = PAY.asked.search(ctx.text) is not None
        if (direct or stack or said or pay or _POSTED_ASKED.search(ctx.text)
                or _APPLY_ASKED.search(ctx.text)) and lead == direct and not picked \
                and not ctx.cache.get("opening_details"):
            # One fact asked ("who would I report to?", "is it remote?"): that fact and the link,
            # not the whole card again.
            if pay:
                blocks.append(para(Bold("Salary: "), Text(_pay(o))))
            blocks.extend(para(Bold(f"{name}: "), Text(answer)) for name, answer in said)
            if stack:
                blocks.extend(_fit(q, match) or [para("The ad names no skills.")])
            # The ad's own words on what was asked ("how many days in the office?").
            quotes = _quotes(ctx.text, o, skip=[a.strip("“”") for _, a in said])
            if quotes:
                blocks.append(para("The ad says: " + " … ".join(f"“{s}”" for s in quotes)))
            if o.url and not _APPLY_ASKED.search(ctx.text):
                blocks.append(para(Bold("Link: "), Link(o.url, o.url)))
            return Reply(blocks=tuple(blocks), buttons=tuple(gap_buttons((match,))) if stack else (),
                         intent="opening", confidence=1.0)
        about = _sentences(o.description)[:1]
        if about and len(about[0]) <= MAX_ABOUT_CHARS:
            blocks.append(para(about[0]))
        if ctx.cache.get("opening_details"):
            details = _details(o.description, skip=about)
            blocks.extend(details or [para("The ad says nothing more than this.")])
        blocks.append(para(Bold("Where: "), Text(_where(o))))
        blocks.append(para(Bold("Level: "), Text(_level(o))))
        blocks.extend(_fit(q, match))
        blocks.append(para(Bold("Salary: "), Text(_pay(o))))
        blocks.extend(para(Bold(f"{name}: "), Text(answer)) for name, answer in said)
        quotes = _quotes(ctx.text, o, skip=[*about, *(a.strip("“”") for _, a in said)])
        if quotes:
            blocks.append(para("The ad says: " + " … ".join(f"“{s}”" for s in quotes)))
        if o.url:
            blocks.append(para(Bold("Link: "), Link(o.url, o.url)))
        return Reply(blocks=tuple(blocks), buttons=tuple(gap_buttons((match,))),
                     intent="opening", confidence=1.0)

    def _several(self, ctx: Context, index: OpeningIndex, q: Query,
                 found: list[tuple[ShownOpening, Opening | None]], among: list[Opening]) -> Reply:
        """Several side by side: the answer to what was asked of them first (which of the list
        are remote, in Europe, senior; what none of them states), then one line each."""
        lines: list[Block] = []
        matches: list[Match] = []
        wanted = _wanted(ctx)
        if wanted is not None:
            lines.append(para(_which_hold(wanted, among)))
            if wanted.places and asks_of_list(ctx.text):
                # Of the list only: all the openings there are one request away.
                lines.append(para(f"To search all openings there, ask “jobs in "
                                  f"{' or '.join(map(place_label, wanted.places))}”."))
        paid = [(o, _pay(o)) for _, o in found if o is not None and PAY.stated.search(o.description)]
        facts = [(f.name, f.stated) for f in asked_facts(ctx.text)]
        if wanted is None and (PAY.asked.search(ctx.text) or facts) and not paid \
                and not any(stated.search(o.description) for _, stated in facts
                            for _, o in found if o is not None):
            # Asked what none of them states: said in one line.
            asked = ["Salary"] * bool(PAY.asked.search(ctx.text)) + [name for name, _ in facts]
            companies = ", ".join(dict.fromkeys(s.company for s, _ in found))
            return Reply(blocks=(para(" and ".join(asked) + " not stated: none of the "
                                      f"{len(found)} ads ({companies}) says."),),
                         intent="opening", confidence=1.0)
        for shown, o in found:
            if o is None or not o.is_open:
                lines.append(para(f"{shown.title} at {shown.company}: no longer open."))
                continue
            match = index.explain(o, q)
            matches.append(match)
            gaps = ", ".join(g.skill for g in match.missing)
            fits = "" if q.is_empty else "; fits you: " + (", ".join(match.matched) or "none yet")
            lines.append(para(Bold(f"{o.title} at {o.company}: "),
                              Text(f"{_where(o)}; level {_level(o)}{fits}"
                                   + (f"; to learn: {gaps}" if gaps else "") + ".")))
        if not paid:
            lines.append(para("Salary: not stated in any of them."))
        elif PAY.asked.search(ctx.text):
            # Asked, each answers for itself: which one is meant matters less than the answer.
            lines.extend(para(Bold(f"Salary at {o.title}: "), Text(said)) for o, said in paid)
            if len(paid) < len(found):
                lines.append(para("The others don't state a salary."))
        else:
            lines.append(para("Ask about one of them for its salary line."))
        for name, stated in facts:
            # Each ad's own sentence: "part-time" and "full-time" both answer "hours".
            said = [(o, next(t for t in _sentences(o.description) if stated.search(t)))
                    for _, o in found if o is not None and stated.search(o.description)]
            lines.append(para(f"{name}: " + ("; ".join(f"{o.company}: “{t}”" for o, t in said)
                                              + ("; the others don't say." if len(said) < len(found)
                                                 else "") if said else "none of them says.")))
        return Reply(blocks=tuple(lines), buttons=tuple(gap_buttons(tuple(matches))),
                     intent="opening", confidence=1.0)

    async def _ranked(self, ctx: Context, index: OpeningIndex, order: Order,
                      shown: tuple[ShownOpening, ...]) -> Reply:
        """Which of the openings ranks first by what was asked ("the most senior", "the newest",
        "the least commuting"), the others after it, in a few lines."""
        among = [o for o in (_indexed(index, s) for s in shown) if o is not None and o.is_open]
        places = _near(ctx.text) or (await ctx.profile()).locations
        key, said = _order_key(order, places)
        known = sorted((o for o in among if key(o) is not None), key=lambda o: -(key(o) or 0.0))
        what = order.value + (f" to {place_label(places[0])}" if order is Order.CLOSEST
                              and places and _near(ctx.text) else "")
        ctx.update(last_topic=None)
        if ctx.state.data.get(PAGE) is None:
            ctx.set_data(**{PAGE: 0})
        if not known:
            return Reply(blocks=(para(f"None of the {len(among)} ads says: "
                                      + _ORDER_UNSTATED[order] + "."),), intent="opening",
                         confidence=1.0)
        best = [o for o in known if key(o) == key(known[0])]
        head = " and ".join(f"{o.title} at {o.company} ({said(o)})" for o in best)
        verb = "is" if len(best) == 1 else "are both" if len(best) == 2 else "are all"
        blocks: list[Block] = [para(f"Of the {len(among)} shown, {what} {verb} {head}.")]
        if order is Order.CLOSEST and _near(ctx.text) and not any(
                located(o.location, p) for o in among for p in places):
            blocks.append(para(f"None of them is in {place_label(places[0])}."))
        rest = [o for o in known if o not in best]
        if rest:
            blocks.append(para("Then: " + "; ".join(f"{o.title} at {o.company} ({said(o)})"
                                                    for o in rest) + "."))
        if unknown := len(among) - len(known):
            blocks.append(para(f"{unknown} of them {'says' if unknown == 1 else 'say'} nothing "
                               f"about it: {_ORDER_UNSTATED[order]}."))
        if len(best) == 1:
            ctx.set_data(**focus_on(best[0]))
            if best[0].url:
                blocks.append(para(Bold("Link: "), Link(best[0].url, best[0].url)))
        return Reply(blocks=tuple(blocks), intent="opening", confidence=1.0)

    def _none_selected(self, ctx: Context) -> Reply:
        shown = shown_list(ctx.state)
        index = ctx.bot.services.recommender.latest
        wanted = _wanted(ctx)
        head = "None of the openings I showed fits that." if wanted is None \
            else f"None of the openings I showed is {wanted.said}."
        blocks: list[Block] = [para(head + " They were:")]
        for i, s in enumerate(shown, 1):
            at = None if index is None else index.position(s.source, s.external_id)
            o = None if at is None or index is None else index.openings[at]
            # Where and what level each is, so it shows why none fits ("the remote one").
            said = "" if o is None else f": {_where(o)}; level {_level(o)}"
            blocks.append(para(f"{i}. {s.title} at {s.company}{said}"))
        return Reply(blocks=tuple(blocks), intent="opening", confidence=1.0)


# What an ad that cannot be ranked leaves out.
_ORDER_UNSTATED = {Order.MOST_SENIOR: "no level stated", Order.MOST_JUNIOR: "no level stated",
                   Order.NEWEST: "no date", Order.OLDEST: "no date",
                   Order.CLOSEST: "no place or work mode"}
# How far one commutes to an opening, by its work mode (none to a remote one).
_COMMUTE = {Remote.YES: 2.0, Remote.HYBRID: 1.0, Remote.NO: 0.0}
# "closest to Seattle", "nearest to me" (me: the profile's places).
_NEAR = re.compile(r"(?i)(?:closest|nearest|closer|nearer|commut\w*) (?:to|from) (?!me\b)"
                   r"(?P<place>[\w.'-]+(?: (?!or\b)[\w.'-]+){0,3})")


def _near(text: str) -> tuple[str, ...]:
    m = _NEAR.search(text)
    return (m.group("place"),) if m else ()


def _order_key(order: Order, places: tuple[str, ...]) -> tuple[
        Callable[[Opening], float | None], Callable[[Opening], str]]:
    """How an opening ranks by an attribute (higher first; None: the ad doesn't say), and how
    its value is said."""
    def seniority(o: Opening) -> float | None:
        return None if o.level is None else o.level.seniority

    def when(o: Opening) -> float | None:
        at = o.posted_at or o.updated_at
        return None if at is None else at.timestamp()

    def posted(o: Opening) -> str:
        return "posted " + _posted(o).rstrip(".")

    def closeness(o: Opening) -> float | None:
        mode = _COMMUTE.get(o.remote)
        there = any(located(o.location, p) for p in places)
        if mode is None and not there:
            return None
        # In the place first, then by how little one commutes.
        return 3.0 * there + (mode or 0.0)

    def level(o: Opening) -> str:
        return _level(o)

    def neg(f: Callable[[Opening], float | None]) -> Callable[[Opening], float | None]:
        return lambda o: None if (v := f(o)) is None else -v

    return {Order.MOST_SENIOR: (seniority, level), Order.MOST_JUNIOR: (neg(seniority), level),
            Order.NEWEST: (when, posted), Order.OLDEST: (neg(when), posted),
            Order.CLOSEST: (closeness, _where)}[order]


def _why_these(ctx: Context) -> Reference | None:
    """What a bare "why?" asks about while openings are what the conversation is about: the one
    in focus, else the list on screen."""
    if not on_screen(ctx.state):
        return None
    focus = in_focus(ctx.state)
    if focus is not None:
        return Reference(how=How.POINTED, openings=(focus,))
    shown = shown_list(ctx.state)
    return Reference(how=How.POINTED, openings=shown, plural=len(shown) > 1) if shown else None


def _default(ctx: Context) -> Reference | None:
    """Asked about "the" opening without pointing: the one in focus, else the first shown."""
    focus = in_focus(ctx.state)
    if focus is not None:
        return Reference(how=How.POINTED, openings=(focus,))
    shown = shown_list(ctx.state)
    if not shown:
        return None
    return Reference(how=How.POINTED, openings=shown[:1], guessed=len(shown) > 1)


async def _load(ctx: Context, index: OpeningIndex, s: ShownOpening) -> Opening | None:
    """The opening with its description (the index keeps none), or None when it is gone."""
    stored = await ctx.attempt(lambda uow: uow.openings.get(s.source, s.external_id),
                               otherwise=None)
    if stored is not None:
        return stored
    i = index.position(s.source, s.external_id)
    return None if i is None else index.openings[i]


def _indexed(index: OpeningIndex, s: ShownOpening) -> Opening | None:
    i = index.position(s.source, s.external_id)
    return None if i is None else index.openings[i]


@dataclass(frozen=True, kw_only=True, slots=True)
class _Wanted:
    """What a question asks of each opening of a list: "which ones are remote?", "any of them
    in Europe?", "are they senior?", "which need Kubernetes?"."""

    said: str
    mode: Remote | None
    level: Level | None
    places: tuple[str, ...]
    skills: tuple[str, ...]
    # The skills are said not to be wanted: "which ones don't need Kubernetes?"
    without: bool = False
    # Worked from the places ("which can I do from Portugal?"): remote within their region too.
    working_from: bool = False

    def holds(self, o: Opening) -> bool:
        return ((self.mode is None or o.remote is self.mode)
                and (self.level is None or o.level in self.level.kept)
                and all(located(o.location, place) or (self.working_from and o.remote is Remote.YES
                                                       and within_region(o.location, place))
                        for place in self.places)
                and all((s in o.skills) is not self.without for s in self.skills))


def _wanted(ctx: Context) -> _Wanted | None:
    """What the question asks each opening to be; None when it asks for no such thing."""
    text = without_name(ctx.text)
    wish = remote_wish(text, Reading.CHAT)
    mode = _ASKED.get(wish) if wish is not None else None
    level = find_level(text, Reading.CHAT)
    places = tuple({normalize(p): p for p in (*find_regions(text), *find_places(text, ctx.kb.skills))
                    }.values())
    skills = tuple(s.name for s in find_skills(ctx.kb.skills, text) if not is_generic(s.name))
    if mode is None and level is None and not places and not skills:
        return None
    said = [m for m in (_MODE.get(mode) if mode else None, level.value if level else None) if m]
    # Read from normalised text, a place is in lower case: "munich" is said "Munich".
    said += [f"in {' or '.join(map(place_label, places))}"] * bool(places)
    without = bool(skills) and negates(text)
    said += [f"{'not ' * without}asking for {', '.join(skills)}"] * bool(skills)
    working_from = bool(places) and re.search(r"(?<!\w)from(?!\w)", normalize(text)) is not None
    if working_from:
        said[-1 - bool(skills)] = f"open to work from {' or '.join(map(place_label, places))}"
    return _Wanted(said=", ".join(said), mode=mode, level=level, places=places, skills=skills,
                   without=without, working_from=working_from)


def _which_hold(wanted: _Wanted, among: list[Opening]) -> str:
    """Which of the openings shown are what was asked, in one line (when none is, where each
    is instead)."""
    yes = [o for o in among if wanted.holds(o)]
    no = [o for o in among if not wanted.holds(o)]
    if not no:
        return f"All {len(among)} of them are {wanted.said}." if len(among) > 1 \
            else f"Yes, it's {wanted.said}."
    if not yes:
        return f"None of them is {wanted.said}: " + "; ".join(
            f"{o.company} ({_where(o)})" for o in no) + "."
    # The others go unnamed: what was asked for is the ones that are.
    return (f"{len(yes)} of the {len(among)} {'is' if len(yes) == 1 else 'are'} {wanted.said}: "
            + "; ".join(f"{o.title} at {o.company} ({_where(o)})" for o in yes) + ".")


def _which_one() -> Reply:
    return Reply(
        blocks=(para("Which opening do you mean? Ask me for openings first (e.g. “any remote "
                     "Python jobs?”), then about one of them: “the second one”, “is it "
                     "remote?”, “what am I missing for the Kitebird one?”."),),
        buttons=(Button(label="Find jobs for me", action=RunCommand(name="jobs").encode()),),
        intent="opening", confidence=0.5,
    )


def _closed(s: ShownOpening) -> Reply:
    return Reply(blocks=(para(f"{s.title} at {s.company} is no longer open."),),
                 buttons=(Button(label="Find jobs for me",
                                 action=RunCommand(name="jobs").encode()),),
                 intent="opening", confidence=1.0)


def _where(o: Opening) -> str:
    """Where and how it is worked, each said once: "Remote - EU", "Toronto, ON (on-site)"."""
    place = o.location.strip()
    mode = _MODE.get(o.remote)
    if mode is None:
        return f"{place or 'place not stated'} (remote or not: not stated)"
    if not place:
        return f"{mode}, place not stated"
    return place if remote_in(place, Reading.LABEL) is o.remote else f"{place} ({mode})"


def _level(o: Opening) -> str:
    if o.level is not None:
        return o.level.value
    years = years_of_experience(o.description)
    return "not stated" + (f" (it asks for {years}+ years)" if years else "")


def _fit_verdict(question: str, q: Query, match: Match) -> str | None:
    """How well it fits, when that is what was asked ("is it a good fit for me?")."""
    if q.is_empty or not _FIT_ASKED.search(question):
        return None
    listed = len(match.matched) + len(match.missing)
    if not listed:
        return "The ad names no skills to compare with yours."
    if not match.matched:
        return f"None of the {listed} skills it lists is in your profile yet."
    return (f"You have {len(match.matched)} of the {listed} skills it lists: "
            + ", ".join(match.matched) + ".")


def _learn_answer(ctx: Context, q: Query, match: Match) -> str | None:
    """What to learn for it and the topics that teach it, when that is what was asked."""
    if not _LEARN_ASKED.search(ctx.text):
        return None
    if not match.missing:
        return ("You have every skill it lists." if not q.is_empty
                else "The ad names no skills to learn.")
    gaps = ", ".join(g.skill for g in match.missing)
    taught = [f"{g.skill}: {ctx.kb.topics[g.topic].title}" for g in match.missing
              if g.topic is not None and g.topic in ctx.kb.topics]
    return f"To learn for it: {gaps}." + (
        " Topics here that teach them: " + "; ".join(taught) + "." if taught else "")


def _posted(o: Opening) -> str:
    when = o.posted_at or o.updated_at
    return when.strftime("%-d %B %Y") + "." if when is not None else "the feed gives no date."


def _asked_facts(question: str, o: Opening) -> list[tuple[str, str]]:
    """The facts asked about that ads often leave out (visa, relocation, equity): the ad's
    sentence, or that it doesn't say."""
    out = []
    for fact in asked_facts(question):
        said = [s for s in _sentences(o.description) if fact.stated.search(s)]
        out.append((fact.name, f"“{said[0]}”" if said else "the ad doesn't say."))
    return out


def _pay(o: Opening) -> str:
    said = [s for s in _sentences(o.description) if PAY.stated.search(s)]
    return f"“{said[0]}”" if said else "the ad doesn't say."


def _fit(q: Query, match: Match) -> list[Block]:
    if q.is_empty:
        return [para("Tell me your skills (/profile) and I'll say what fits and what you'd "
                     "still need. It asks for: " + ", ".join(
                         g.skill for g in match.missing) + ".")] if match.missing else []
    fits = ", ".join(match.matched) or "none of your skills yet"
    out: list[Block] = [para(Bold("Fits you: "), Text(fits + "."))]
    gaps = ", ".join(g.skill for g in match.missing)
    out.append(para(Bold("To learn: "), Text(gaps + ".")) if gaps
               else para("You have every skill it lists."))
    return out


def _direct_answer(ctx: Context, o: Opening) -> str | None:
    """The answer to what was asked, when it is a fact of the opening: its work mode, level,
    place or a skill (the words naming the opening, "the staff one", are no question)."""
    text = without_name(ctx.text)
    norm = normalize(text)
    yes_no = bool(_YES_NO.match(norm) or _MODE_ONLY.match(norm)) and " or " not in norm
    if _STILL_OPEN.search(norm):
        # A closed one never gets here (see handle): it is answered as closed.
        return "Yes, it's still open."
    asked = remote_wish(text, Reading.CHAT)
    if asked in _ASKED:
        mode = _MODE.get(o.remote)
        if mode is None:
            # Unlabelled, yet the ad may say how it is worked in its own words ("in our Dublin
            # office, five days a week"): quoted, for the person to read.
            said = [t for t in _sentences(o.description) if _WORK_MODE_SAID.search(t)]
            return (f"The ad doesn't label it remote or on-site, but says: “{said[0]}”" if said
                    else "The ad doesn't say whether it's remote.")
        plain = f"it's {mode}" + (f", {o.location}." if names_place(o.location) else ".")
        if not yes_no:
            return plain[0].upper() + plain[1:]
        if o.remote is _ASKED[asked]:
            return "Yes, " + plain
        return ("Partly: " if o.remote is Remote.HYBRID else "No, ") + plain
    if _YEARS_ASKED.search(norm):
        years = years_of_experience(o.description)
        return (f"It asks for {years}+ years of experience." if years
                else "The ad names no number of years.")
    level = find_level(text, Reading.CHAT)
    if level is None and _LEVEL_ASKED.search(norm):
        return f"Level: {_level(o)}."
    if level is not None:
        if o.level is None:
            return "The ad names no level."
        verdict = "Yes" if o.level is level else "No"
        return f"{verdict}, it's {o.level.value}." if yes_no else f"It's {o.level.value}."
    skills = [s.name for s in find_skills(ctx.kb.skills, text) if not is_generic(s.name)]
    if skills:
        have = [s for s in skills if s in o.skills]
        lacks = [s for s in skills if s not in o.skills]
        parts = []
        if have:
            parts.append("It asks for " + ", ".join(have) + ".")
        if lacks:
            parts.append("It doesn't mention " + ", ".join(lacks) + ".")
        return " ".join(parts)
    places = find_places(text, ctx.kb.skills)
    if not places and _WHERE.search(norm) and names_place(o.location):
        return f"It's in {o.location}."
    if places:
        inside = [p for p in places if located(o.location, p)]
        if inside:
            return f"Yes, it's in {o.location}." if yes_no else f"It's in {o.location}."
        region = [p for p in places if within_region(o.location, p)]
        if region and o.remote is Remote.YES:
            # "can I work from Spain?" of a job remote within Europe
            return f"Yes: it's remote, {o.location}, which takes in {region[0].title()}."
        if names_place(o.location):
            return f"No, it's in {o.location}."
        return "No, the ad names no place" + (f": it's {mode}." if (mode := _MODE.get(
            o.remote)) else ".")
    return None


def _details(description: str, *, skip: list[str]) -> list[Block]:
    """The ad's parts as it has them: a heading with its items ("What you'll do: Build …; Run
    …."), or a paragraph; without the sentences already shown (`skip`), at most MAX_DETAILS."""
    out: list[Block] = []
    for part in re.split(r"\n\s*\n", description):
        lines = [t.strip() for t in part.splitlines() if t.strip() and t.strip() not in skip]
        if not lines:
            continue
        if len(lines) > 1 and not lines[0].endswith((".", "!", "?", ":")):
            items = "; ".join(t.rstrip(".;") for t in lines[1:])
            out.append(para(Bold(lines[0].rstrip(":") + ": "), Text(items + ".")))
        else:
            out.append(para(" ".join(lines)))
    return out[:MAX_DETAILS]


def _sentences(description: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(description) if len(s.strip()) > 2]


def _quotes(question: str, o: Opening, *, skip: list[str]) -> list[str]:
    """The sentences of the ad that share the most words with the question."""
    named = {stem(w) for w in words(f"{o.company} {o.title}")}
    wanted = {stem(w) for w in words(question)
              if w not in STOPWORDS and w not in _POINTING and not is_generic(w)} - named
    if not wanted:
        return []
    scored = []
    for i, sentence in enumerate(_sentences(o.description)):
        if sentence in skip or len(sentence.split()) < MIN_QUOTE_WORDS:
            continue
        hits = len(wanted & {stem(w) for w in words(sentence)})
        if hits:
            scored.append((-hits, i, sentence))
    return [s for _, _, s in sorted(scored)[:MAX_QUOTES]]
