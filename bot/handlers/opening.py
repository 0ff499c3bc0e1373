"""Questions about one opening (or a few) shown earlier: "is it remote?", "what am I missing for
the Kitebird one?", "which one is for graduates?"."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.actions import RunCommand
from bot.adfacts import ABOUT_A_FACT, PAY, asked_facts, asks_unlisted_fact, pay_sentences, yearly_pay
from bot.adreading import (
    ENCODED_PER_READ,
    LIST_ENCODED,
    AdReader,
    Said,
    ad_sentences,
    asked_words,
    names_ad_words,
)
from bot.handlers.base import BaseHandler
from bot.handlers.openings import gap_buttons, openings_index, request_of, request_texts
from bot.intents import in_general, is_statement, requests_openings
from bot.markup import Block, Bold, Link, Text, para
from bot.messages import Button, Reply
from bot.openings import Level, Opening, Remote
from bot.ports import RemotePreference
from bot.recommend import Match, OpeningIndex, Query, names_place
from bot.routing import Context
from bot.shown import (
    ASKED,
    PAGE,
    How,
    Order,
    Reference,
    ShownOpening,
    asks_at_same_company,
    asks_for_similar,
    asks_if_needed,
    asks_of_list,
    find_reference,
    focus_on,
    focus_on_all,
    in_focus,
    list_shown,
    located,
    names_list,
    negates,
    on_screen,
    points_only,
    says_none_fit,
    shown_list,
    unpointed,
    within_region,
    without_name,
)
from bot.text import STOPWORDS, normalize
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
MAX_ABOUT_CHARS = 300
# Sentences of an ad shown when asked to tell more about it.
MAX_DETAILS = 10

_MODE = {Remote.YES: "remote", Remote.HYBRID: "hybrid", Remote.NO: "on-site"}
# What an asked-about work mode means for an opening's: (answer, its mode) → yes / partly / no.
_ASKED = {RemotePreference.REMOTE: Remote.YES, RemotePreference.HYBRID: Remote.HYBRID,
          RemotePreference.ONSITE: Remote.NO}
# "should I apply?" asks for a verdict, not how.
_SHOULD_APPLY_WORDS = r"(?:should|shall|would you|do you think) i apply|worth applying|\bapply,? or not\b"
_SHOULD_APPLY = re.compile(r"(?i)\b" + _SHOULD_APPLY_WORDS)
# A question about the fit: "is it a good fit for me?", "do I qualify?", "why does it suit me?",
# and every "should I apply?".
_FIT_ASKED = re.compile(r"(?i)\b(?:fit\w*|match\w*|suit\w*|qualif\w*|right for me|good for me)"
                        r"|(?:should|shall|would you|do you think) i (?:go for it|try)"
                        r"|worth (?:a shot|it)|\bgo for it,? or not\b"
                        r"|\bam i (?:a )?(?:good )?(?:candidate|enough)\b|" + _SHOULD_APPLY_WORDS)
# "when was it posted?", "how old is the ad?", "is it a new listing?"
_POSTED_ASKED = re.compile(r"(?i)\b(?:posted|published|put up|listed|advertised)\b"
                           r"|\bhow (?:old|recent|new|fresh)\b|\bwhat date\b|\bwhen (?:was|did)\b")
# The skills it asks for: "what's the tech stack?", "what technologies do they use?"
_STACK_ASKED = re.compile(r"(?i)\b(?:tech )?stack\b|\btechnolog\w*|\btech\b|\brequirements?\b"
                          r"|\bwhat (?:skills|do (?:they|you) (?:need|want|use|ask for)|does (?:it|the ad|"
                          r"the job|the role) (?:need|require|want|ask for))\b")
# "how do I apply?", "where can I send my application?"
_APPLY_ASKED = re.compile(r"(?i)\bapply\w*\b|\bapplication\b|\bsend (?:my |a |the )?(?:cv|resume)\b")


def _how_to_apply(question: str) -> bool:
    # "can a junior apply?" asks who may, not how
    return _APPLY_ASKED.search(question) is not None and _SHOULD_APPLY.search(question) is None \
        and _SUITED_APPLY.search(question) is None
# What is missing for it, and so what to learn: "what would I need to learn for it?", "what am I
# missing?", "what skills do I lack for the Stripe one?", "what should I study to get it?".
_LEARN_ASKED = re.compile(r"(?i)\b(?:learn|missing|lack\w*|gaps?|study|brush up|pick up|upskill"
                          r"|skills? (?:do|would|should|will) i (?:still )?need|to get there)\b")
# "is it still open?", "has it been filled?": an opening shown is open unless said otherwise.
_STILL_OPEN = re.compile(r"(?<!\w)(?:still (?:open|available|hiring|accepting|up|live|active)"
                         r"|(?:been )?(?:filled|closed|taken down))(?!\w)")
# A question or a request: "?", or a message that starts like one ("where is it", "tell me
# more about that one").
_ASKS = re.compile(r"\?|^(?:and |so |but |ok |okay )?(?:what|whats|where|which|who|how|why|when|is|are|"
                   r"was|does|do|did|can|could|will|would|has|have|should|tell|show|give|send|"
                   r"list|compare|put)\b")
# "who's the employer?", "which company is it?", "who is hiring for it?"
_COMPANY_ASKED = re.compile(r"(?<!\w)(?:(?:which|what|who(?:'?s| is)?) (?:is )?(?:the )?"
                            r"(?:company|employer|firm|startup)(?: is (?:it|that|this))?"
                            r"|who(?:'?s| is) (?:hiring|behind (?:it|that))"
                            r"|what do(?:es)? (?:they|the company) do)(?!\w)")
# The link asked for, with a pointer or more words: "what's the link for the last one?"
_LINK_WORD = re.compile(r"(?<!\w)(?:link|url|web ?page|posting page)s?(?!\w)")
# A question asked after a word or two of something else: "damn. ok what would I need …".
_WH_WORD = re.compile(r"(?<!\w)(?:what|which|how)(?!\w)")
# A yes/no question starts with its verb: "is it remote?", "does it need Go?".
# "where is it?", "where's it based?": its place.
_WHERE = re.compile(r"(?<!\w)(?:where|based|located|location|city|country)(?!\w)")
_YES_NO = re.compile(r"^(?:and |so |but |ok |okay )?(?:is|are|was|does|do|did|can|could|will|"
                     r"would|has|have|should)\b")
# "open to juniors?", "ok for a graduate?": a yes or a no.
_SUITS = re.compile(r"^(?:\w+ )?(?:open to|ok for|good for|suitable for)(?!\w)")
# Who an opening may suit, asked of it: "open to juniors?", "can a graduate apply?"
_SUITED = r"(?:juniors?|graduates?|grads?|seniors?|beginners?|students?|new grads?|interns?)"
_SUITED_APPLY = re.compile(_SUITED + r" apply", re.IGNORECASE)
# "what level is the third?", "how senior is it?"
_LEVEL_ASKED = re.compile(r"(?<!\w)(?:level|seniority|how senior|how junior)(?!\w)")
# Experience asked for: "how many years do they want?", "how much experience does it need?"
_YEARS_ASKED = re.compile(r"(?<!\w)(?:how many years|how much experience|years of experience|yoe"
                          r"|experience (?:needed|required))(?!\w)")
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
_MODE_ONLY = re.compile(r"^(?:so |but )?(?:fully )?(?:remote(?:[- ]friendly| ok| possible)?|hybrid"
                        r"|on[- ]?site|in[- ]office|wfh(?: ok| possible)?)\W*$")
_ASPECT_ONLY = re.compile(r"^(?:so |but |ok |okay |hmm )?(?:(?:what(?:'s| is| about)|wh?ats|how about)"
                          r" (?:the |its |their )?)?(?:where|location|located|based|"
                          r"paid|pay|salary|salaries|comp|compensation|money|how much|base(?: pay| salary)?|"
                          r"(?:day |daily |hourly )?rate|"
                          r"level|seniority|(?:tech )?stack|requirements|yoe|experience(?: needed| required)?"
                          r"|how many (?:years|yoe)(?: of experience)?)(?: please| pls| then)?\W*$|"
                          # "where's the office?", "open to juniors?", "can a junior apply?"
                          r"^(?:so |but |ok |okay |and )?(?:where(?:'?s| is| are) (?:the |their |its )?"
                          r"(?:office|offices|hq|headquarters)|(?:is it |are they )?"
                          r"(?:open to|ok for|good for|suitable for) " + _SUITED
                          + r"|(?:can|could|may) (?:a |an )?" + _SUITED + r" apply"
                          + r"|(?:do|would|will) they (?:take|hire|accept|consider) (?:a |an )?" + _SUITED
                          + r")\W*$|"
                          + _MODE_ONLY.pattern)
# Applying, asked of nothing else: "how do I apply?", "where can I apply for it?" (not "how do I
# apply for jobs abroad?").
_APPLY_ONLY = re.compile(r"^(?:ok |okay |so |and |great |cool )?(?:(?:how|where) (?:(?:do|can|should|would)"
                         r" )?i |i (?:want|would like|'d like|d like) to |let'?s )?(?:apply"
                         r"|send (?:my |an |the )?(?:cv|resume|application))(?: (?:for|to)"
                         r" (?:it|that|this|them|there)(?: one| job| role| position)?)?"
                         r"(?: now| please| pls)?\W*$")
# What is missing, asked of nothing else: "what would I still need to learn?", "what am I
# missing?" (not "what do I need to learn to become an SRE?").
_GAPS_ASKED = re.compile(r"^(?:(?:and|so|ok|okay|hmm|well|right)\W+)*(?:what|which skills?)"
                         r"(?: else| more)? (?:(?:would|do|should|will|must) i (?:still )?(?:need|have|want)"
                         r" to|i (?:must|should|need to|have to)) (?:learn|pick up|know|study)(?: still)?"
                         r"(?: for (?:it|that|this|the job|the role))?(?: then| now| first)?\W*$")
# Days counted: "three days a week", "two office days".
_DAYS_SAID = re.compile(r"(?i)\b(?:\w+|\d+) days?\b")
# A sentence of an ad about where or how the work is done.
_WORK_MODE_SAID = re.compile(r"(?i)\boffices?\b|\bremote|on-?site|from home|\bhybrid\b|"
                             r"days? a week|in[- ]person|\bcommut")
# A question the ad may answer is short: a longer one brings its own subject.
MAX_AD_WORDS = 8
# Asking for advice ("how do I negotiate a raise?") or what a thing is is a topic question even
# with an ad on screen.
_ADVICE = re.compile(r"^(?:(?:and|so|ok|okay|but|hmm|well)\W+)*(?:how (?:do|can|should|would|could)"
                     r" (?:i|you|one) (?!(?:apply|start|get (?:there|the job|it|hired there)))"
                     r"|how to\b|any (?:tips|advice)|what (?:should|can) i do\b"
                     # or what a thing is ("what's react?", "what is CORS, by the way?"; not
                     # "what's the team?")
                     r"|(?:what(?:'s| is| are|s)|explain|define) (?!(?:the|their|its|it|that|this|they|"
                     r"there|your|my|our|an?|required|included|needed|offered|expected)\b)\w)")


class OpeningHandler(BaseHandler):
    """What fits and what is missing, where and how it is worked, the level, the link, and what
    the ad does not say, for the openings a message points at (bot/shown.py)."""

    intent = "opening"

    def __init__(self) -> None:
        # The ads read lately, by meaning: each is encoded once for all the questions asked of it.
        self._ads = AdReader()

    def score(self, ctx: Context) -> float:
        """The classifier's reading of `opening`, where there is an opening to be about: one the
        message points at (an ordinal, "that job", a company), or the list or focus on screen."""
        if asks_for_similar(ctx.text) or asks_at_same_company(ctx.text):
            return 0.0  # others like it, or others there: a new list (the openings handler)
        if says_none_fit(ctx.text):
            return 0.0  # "these don't match me": a verdict on the list, not a question of one
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
        if ref is None and ctx.state.last_topic is None and (
                ABOUT_A_FACT.match(ctx.norm) or _asks_fact_of_focus(ctx)):
            # "equity?", "and relocation?", "do I need French?": what only the ad says, of the
            # opening in focus, else of each on the list.
            ref = _why_these(ctx)
            if ref is not None:
                ctx.cache["opening_reference"] = ref
                return NAMED_SCORE
        if ref is None and ctx.state.last_topic is None and _WHY_THESE.match(ctx.norm):
            ref = _why_these(ctx)
            if ref is not None:
                ctx.cache["opening_reference"] = ref
                return POINTED_SCORE
        if ref is None and ctx.state.last_topic is None and _asks_the_ad(ctx):
            # Any other short question with openings on screen and no subject of its own ("team
            # size", "interview steps?", "do they teach german"): what the ad says, read by
            # meaning (or that it does not say).
            ref = _why_these(ctx)
            if ref is not None:
                ctx.cache["opening_reference"] = ref
                ctx.cache["ad_question"] = True
                return POINTED_SCORE
        scores = ctx.intents()
        meant = scores["opening"]
        if ref is not None and ref.order is not None:
            # "which is more senior?": a ranking of the list, as sure as a company named (not
            # "more" of the topic or the list)
            ctx.cache["opening_reference"] = ref
            return max(meant, NAMED_SCORE)
        if ref is not None and ref.how is How.SELECTED and asks_of_list(ctx.text):
            # "are any of them in Germany?": of the list, as surely as a company named.
            ctx.cache["opening_reference"] = ref
            return max(meant, NAMED_SCORE)
        if ref is not None:
            ctx.cache["opening_reference"] = ref
            other = max((p for name, p in scores.scores.items() if name != "opening"),
                        default=0.0)
            if ref.how is How.POINTED and not ref.back and (
                    other >= MIN_OTHER or not _ASKS.search(ctx.norm)) and not _asks_of_it(ctx):
                return meant  # "thanks, that clears it up": a pronoun, but no question about it
            # "back to the job" after a topic names what it is about as surely as a company does,
            # and so does asking what only an ad says ("do they sponsor visas?").
            # An ordinal in a question points as surely ("first one, it need docker?").
            sure = ref.how is How.NAMED or ref.back or (on_screen(ctx.state) and _asks_of_it(ctx)) or (
                ref.how is How.ORDINAL and "?" in ctx.text)
            return max(meant, NAMED_SCORE if sure else POINTED_SCORE)
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
        if ctx.cache.get("ad_question") and not _ASKS.search(ctx.norm) and not names_ad_words(ctx.text):
            loaded = [await _load(ctx, index, s) for s in ref.openings]
            budget = max(1, min(ENCODED_PER_READ, LIST_ENCODED // max(1, len(loaded))))
            if not any(self._read(ctx, o, skip=[], budget=budget) for o in loaded
                       if o is not None and o.is_open):
                # A remark that asks nothing the ads say ("hmm interesting", "nah") is not about them.
                return await ctx.bot.answer(ctx.bot.fallback, ctx)
        shown_now = shown_list(ctx.state)
        asked_before = ctx.state.data.get(ASKED)
        if points_only(ctx.text, (*shown_now, *ref.openings)):
            if isinstance(asked_before, str) and on_screen(ctx.state) and ref.openings:
                # "and the Berlin one?": the last question, asked of another.
                ctx.cache["opening_question"] = asked_before
        elif ref.order is None:
            ctx.note(**{ASKED: unpointed(ctx.text, (*shown_now, *ref.openings))})
        if not ref.openings and ref.how is How.SELECTED and asks_unlisted_fact(_question(ctx)):
            # "which one pays the most?": what no list shows, so each of them answers for itself.
            ref = Reference(how=How.SELECTED, openings=shown_list(ctx.state), plural=True)
        if not ref.openings:
            return [self._none_selected(ctx, ref.said)]
        if ref.order is not None:
            if (ranked := await self._ranked(ctx, index, ref.order, ref.openings)) is not None:
                return [ranked]
            # no ad states pay: said of them all in one line, as any fact none states
            ref = Reference(how=How.SELECTED, openings=ref.openings, plural=len(ref.openings) > 1)
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
            if ref.asks_which and (wanted := _wanted(ctx)) is not None:
                # "which ones are remote?" when one is: said against the whole list.
                among = [o for o in (_indexed(index, s) for s in shown_list(ctx.state))
                         if o is not None]
                picked = _which_hold(wanted, among) if len(among) > 1 else None
            return [self._one(ctx, index, q, opening, guessed=ref.guessed, picked=picked)]
        if not set(ref.openings) <= set(shown_list(ctx.state)):
            # A company's openings named from the feed are now the list on screen: "the senior
            # one" next picks among them.
            ctx.set_data(**list_shown(ref.openings))
        ctx.set_data(**focus_on_all(ref.openings))
        among = [o for o in (_indexed(index, s) for s in shown_list(ctx.state)) if o is not None]
        if ref.how is not How.SELECTED or len(among) < len(found):
            # Only a selection is answered against the whole list ("which ones are remote?").
            among = [o for _, o in found if o is not None]
        # "which ones are remote?", "are both hybrid?" ask each; "how many days in the office?"
        # asks what the ads say.
        # "both Stripe ones - remote?" asks each as well.
        asks_each = ref.asks_which or ref.how is How.POINTED or bool(
            _YES_NO.match(normalize(without_name(_question(ctx))).lstrip(" ,;:-"))) or (
            ref.how is How.NAMED and remote_wish(_question(ctx), Reading.CHAT) is not None)
        return [self._several(ctx, index, q, found, among, asks_each=asks_each)]

    def _one(self, ctx: Context, index: OpeningIndex, q: Query, o: Opening, *,
             guessed: bool, picked: str | None = None) -> Reply:
        match = index.explain(o, q)
        blocks: list[Block] = [para(picked)] if picked else []
        blocks.append(para(Bold(f"{o.title} at {o.company}")))
        if guessed:
            blocks.append(para("(You didn't say which, so this is the first of the list.)"))
        direct = _direct_answer(ctx, o)
        lead = direct or _fit_verdict(ctx, q, match) or _learn_answer(ctx, q, match)
        if lead:
            blocks.append(para(lead))
        stack = _STACK_ASKED.search(_question(ctx)) is not None and direct is None
        if _POSTED_ASKED.search(_question(ctx)):
            blocks.append(para(Bold("Posted: "), Text(_posted(o))))
        if _how_to_apply(_question(ctx)) and o.url:
            blocks.append(para(Bold("To apply: "), Text("through the ad, "), Link(o.url, o.url)))
        said = _asked_facts(_question(ctx), o)
        pay = PAY.asked.search(_question(ctx)) is not None
        answered = bool(direct or stack or said or pay or _POSTED_ASKED.search(_question(ctx))
                        or _how_to_apply(_question(ctx)) or _LINK_WORD.search(_question(ctx)))
        ad_question = bool(ctx.cache.get("ad_question"))
        if (answered or ad_question) and lead == direct and not picked \
                and not ctx.cache.get("opening_details"):
            # One fact asked ("who would I report to?", "is it remote?"): that fact and the link,
            # not the whole card again.
            # The ad's own words on what was asked ("how many days in the office?").
            quotes = self._read(ctx, o, skip=_shown_sentences(o, _question(ctx), pay=pay))
            if pay:
                blocks.append(para(Bold("Salary: "), Text(_pay(o))))
            # A fact's own words not found, where the ad answers in others, is no "doesn't say".
            blocks.extend(para(Bold(f"{name}: "), Text(answer)) for name, answer in said
                          if not (quotes and answer == _NOT_SAID))
            if stack:
                blocks.extend(_fit(q, match) or [para("The ad names no skills.")])
            if quotes:
                blocks.append(para("The ad says: " + " … ".join(f"“{s.sentence}”" for s in quotes)))
            elif not answered:
                blocks.append(para("The ad doesn't say."))
            if o.url and not _how_to_apply(_question(ctx)):
                blocks.append(para(Bold("Link: "), Link(o.url, o.url)))
            return Reply(blocks=tuple(blocks), buttons=tuple(gap_buttons((match,))) if stack else (),
                         intent="opening", confidence=1.0)
        about = ad_sentences(o.description)[:1]
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
        quotes = self._read(ctx, o, skip=[*about, *_shown_sentences(o, _question(ctx), pay=True)])
        if quotes:
            blocks.append(para("The ad says: " + " … ".join(f"“{s.sentence}”" for s in quotes)))
        if o.url:
            blocks.append(para(Bold("Link: "), Link(o.url, o.url)))
        return Reply(blocks=tuple(blocks), buttons=tuple(gap_buttons((match,))),
                     intent="opening", confidence=1.0)

    def _read(self, ctx: Context, o: Opening, *, skip: list[str],
              budget: int = ENCODED_PER_READ) -> list[Said]:
        """The sentences of the opening's ad that answer what was asked, by meaning and words
        (at most `budget` of its sentences newly encoded)."""
        question = _question(ctx)
        asked = without_name(question)  # "the Hamburg one" asks nothing of the ad
        if not asked.strip(" ,;:.-"):
            return []
        vector = ctx.query_vector() if question == ctx.text else ctx.bot.encode_query(question)
        return self._ads.answers(o, asked, vector, ctx.bot.encoder, skip=frozenset(skip),
                                 budget=budget)

    def _several(self, ctx: Context, index: OpeningIndex, q: Query,
                 found: list[tuple[ShownOpening, Opening | None]], among: list[Opening], *,
                 asks_each: bool = True) -> Reply:
        """Several side by side: the answer to what was asked of them first (which of the list
        are remote, in Europe, senior; what none of them states), then one line each."""
        lines: list[Block] = []
        matches: list[Match] = []
        # "office days?" asks what each ad says about its office, not which are on-site.
        days_asked = _OFFICE_DAYS.search(normalize(_question(ctx))) is not None
        wanted = _wanted(ctx) if asks_each and not days_asked else None
        if wanted is not None:
            lines.append(para(_which_hold(wanted, among)))
            holding = [(o.source, o.external_id) for o in among if wanted.holds(o)]
            if len(holding) == 1 and (one := next((s for s in shown_list(ctx.state)
                                                   if (s.source, s.external_id) == holding[0]), None)):
                # "is any of them remote?" answered by one: the next question ("what's on call
                # like there?") is of it.
                ctx.set_data(**focus_on(one))
            if wanted.places and asks_of_list(_question(ctx)):
                # Of the list only: all the openings there are one request away.
                lines.append(para(f"To search all openings there, ask “jobs in "
                                  f"{' or '.join(map(place_label, wanted.places))}”."))
        paid = [(o, _pay(o)) for _, o in found
                if o is not None and pay_sentences(ad_sentences(o.description))]
        facts = [(f.name, f.stated) for f in asked_facts(_question(ctx))]
        pay_asked = PAY.asked.search(_question(ctx)) is not None
        if ctx.cache.get("ad_question") and wanted is None and not (pay_asked or facts or days_asked):
            companies = ", ".join(dict.fromkeys(s.company for s, _ in found))
            return self._read_each(ctx, found) or Reply(
                blocks=(para(f"Not stated: none of the {len(found)} ads ({companies}) says."),),
                intent="opening", confidence=1.0)
        if wanted is None and (pay_asked or facts) and not (paid and pay_asked) \
                and not any(stated.search(o.description) for _, stated in facts
                            for _, o in found if o is not None):
            if facts and not pay_asked and (each := self._read_each(ctx, found)) is not None:
                return each  # the ads say it in other words than the fact's ("must speak Welsh")
            # Asked what none of them states: said in one line.
            asked = ["Salary"] * bool(PAY.asked.search(_question(ctx))) + [name for name, _ in facts]
            companies = ", ".join(dict.fromkeys(s.company for s, _ in found))
            return Reply(blocks=(para(" and ".join(asked) + " not stated: none of the "
                                      f"{len(found)} ads ({companies}) says."),),
                         intent="opening", confidence=1.0)
        head = len(lines)  # where what was asked is answered, before the openings' lines
        for shown, o in found:
            if o is None or not o.is_open:
                lines.append(para(f"{shown.title} at {shown.company}: no longer open."))
                continue
            match = index.explain(o, q)
            matches.append(match)
            gaps = ", ".join(g.skill for g in match.missing)
            fits = "" if q.is_empty else "; fits you: " + (", ".join(match.matched) or "none yet")
            # the sentence that counts the days first ("two days a week in our Warsaw office")
            office = sorted((t for t in ad_sentences(o.description) if _WORK_MODE_SAID.search(t)),
                            key=lambda t: _DAYS_SAID.search(t) is None) if days_asked else []
            lines.append(para(Bold(f"{o.title} at {o.company}: "),
                              Text(f"{_where(o)}; level {_level(o)}{fits}"
                                   + (f"; to learn: {gaps}" if gaps else "") + "."
                                   + (f" The ad says: “{office[0]}”" if office else ""))))
        if not paid:
            lines.append(para("Salary: not stated in any of them."))
        elif PAY.asked.search(_question(ctx)):
            # Asked, each answers for itself: which one is meant matters less than the answer.
            answers = [para(Bold(f"Salary at {o.title}: "), Text(said)) for o, said in paid]
            if len(paid) < len(found):
                answers.append(para("The others don't state a salary."))
            lines[head:head] = answers
            head += len(answers)
        else:
            lines.append(para("Ask about one of them for its salary line."))
        for name, stated in facts:
            # Each ad's own sentence: "part-time" and "full-time" both answer "hours".
            said = [(o, t) for _, o in found if o is not None
                    and (t := next((t for t in ad_sentences(o.description) if stated.search(t)), None))]
            lines.insert(head, para(f"{name}: " + (
                "; ".join(f"{_name(o, found)}: {_quoted(t)}" for o, t in said)
                + ("; the others don't say." if len(said) < len(found) else "")
                if said else "none of them says.")))
            head += 1
        return Reply(blocks=tuple(lines), buttons=tuple(gap_buttons(tuple(matches))),
                     intent="opening", confidence=1.0)

    def _read_each(self, ctx: Context, found: list[tuple[ShownOpening, Opening | None]]) -> Reply | None:
        """What each ad says to the question, in its own words, and which say nothing of it;
        None when none says."""
        # A whole list is read within one turn's budget of encodings, shared among its ads.
        budget = max(1, min(ENCODED_PER_READ, LIST_ENCODED // max(1, len(found))))
        read = [(o, self._read(ctx, o, skip=[], budget=budget)) for _, o in found
                if o is not None and o.is_open]
        said = [(o, quotes) for o, quotes in read if quotes]
        if not said:
            return None
        lines: list[Block] = [para(Bold(f"{_name(o, found)}: "),
                                   Text(" … ".join(_quoted(s.sentence) for s in quotes)))
                              for o, quotes in said]
        if len(said) < len(found):
            lines.append(para("The others don't say."))
        return Reply(blocks=tuple(lines), intent="opening", confidence=1.0)

    async def _ranked(self, ctx: Context, index: OpeningIndex, order: Order,
                      shown: tuple[ShownOpening, ...]) -> Reply | None:
        """Which of the openings ranks first by what was asked ("the most senior", "the newest",
        "the least commuting", "the best paid"), the others after it, in a few lines; None when
        no ad states the pay asked about."""
        # pay is in the ad's text, which only the stored opening keeps
        loaded = [await _load(ctx, index, s) if order in _BY_TEXT else _indexed(index, s) for s in shown]
        among = [o for o in loaded if o is not None and o.is_open]
        places = _near(ctx.text) or (await ctx.profile()).locations
        key, said = _order_key(order, places)
        known = sorted((o for o in among if key(o) is not None), key=lambda o: -(key(o) or 0.0))
        what = order.value + (f" to {place_label(places[0])}" if order is Order.CLOSEST
                              and places and _near(ctx.text) else "")
        ctx.update(last_topic=None)
        if ctx.state.data.get(PAGE) is None:
            ctx.set_data(**{PAGE: 0})
        if not known and order in _BY_TEXT:
            return None
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
        if unknown := [o for o in among if key(o) is None]:
            blocks.append(para("Not stated (" + _ORDER_UNSTATED[order] + "): "
                               + "; ".join(f"{o.title} at {o.company}" for o in unknown) + "."))
        if len(best) == 1:
            ctx.set_data(**focus_on(best[0]))
            if best[0].url:
                blocks.append(para(Bold("Link: "), Link(best[0].url, best[0].url)))
        return Reply(blocks=tuple(blocks), intent="opening", confidence=1.0)

    def _none_selected(self, ctx: Context, said: str = "") -> Reply:
        shown = shown_list(ctx.state)
        index = ctx.bot.services.recommender.latest
        wanted = _wanted(ctx)
        head = (f"None of the openings I showed is “{said}”." if said
                else f"None of the openings I showed is {wanted.said}." if wanted is not None
                else "None of the openings I showed fits that.")
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
                   Order.CLOSEST: "no place or work mode", Order.BEST_PAID: "no pay stated",
                   Order.LEAST_PAID: "no pay stated"}
# The rankings an ad's text decides (the index keeps no description).
_BY_TEXT = frozenset((Order.BEST_PAID, Order.LEAST_PAID))
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

    def pay(o: Opening) -> float | None:
        # the pay sentence's top amount a year, in the ad's currency (compared as stated)
        return next((p for s in pay_sentences(ad_sentences(o.description))
                     if (p := yearly_pay(s)) is not None), None)

    def pay_said(o: Opening) -> str:
        return _pay(o).strip("“”").rstrip(".")

    def neg(f: Callable[[Opening], float | None]) -> Callable[[Opening], float | None]:
        return lambda o: None if (v := f(o)) is None else -v

    return {Order.MOST_SENIOR: (seniority, level), Order.MOST_JUNIOR: (neg(seniority), level),
            Order.NEWEST: (when, posted), Order.OLDEST: (neg(when), posted),
            Order.CLOSEST: (closeness, _where), Order.BEST_PAID: (pay, pay_said),
            Order.LEAST_PAID: (neg(pay), pay_said)}[order]


# A short question asks a fact of the opening in focus ("do I need French?", "any travel?").
MAX_FACT_WORDS = 8


def _asks_fact_of_focus(ctx: Context) -> bool:
    """Whether a short question asks what only an ad says or how it is worked, with an opening
    in focus ("do I need French?", "who's the employer?", "can I work from home?"), or of the
    openings on screen when it names no level of its own ("do they sponsor visas?", "office
    days?"; not "how much does a senior engineer earn?")."""
    if not on_screen(ctx.state):
        return False
    if in_focus(ctx.state) is None:
        # Not a request that names a fact as its filter: "any part time backend jobs?"
        return (_asks_fact(ctx) or _asks_how_worked(ctx)) and find_level(ctx.text, Reading.CHAT) is None \
            and not in_general(ctx.text) and not requests_openings(ctx.text) and not names_list(ctx.text)
    return _asks_fact(ctx) or _asks_how_worked(ctx) or _COMPANY_ASKED.search(ctx.norm) is not None


# Office days asked: "office days?", "how many days in the office?", "days on site?"
_OFFICE_DAYS = re.compile(r"(?<!\w)(?:(?:office|on-?site|in[- ]office) days"
                          r"|days? (?:in|at) (?:the |an )?office|days? on[- ]?site"
                          r"|days? (?:a|per) week in)(?!\w)")
# Words that ask for a new list rather than about the one on screen: "are there remote ones?"
_LIST_WORDS = re.compile(r"(?<!\w)(?:ones|any|anything|there|others?|jobs|roles|openings|positions)(?!\w)")


def _asks_the_ad(ctx: Context) -> bool:
    """Whether a short message with openings on screen asks what their ads may say, having no
    subject of its own: not a skill, level, place or work mode (a request or a filter), not a
    request for openings, a question about the world or for advice, nor a statement about oneself;
    not what another intent surely is ("thanks!")."""
    if not on_screen(ctx.state):
        return False
    norm = _asked_clause(ctx.norm)
    if not 0 < len(norm.split()) <= MAX_AD_WORDS or _ADVICE.search(norm) or _asks_an_aspect(norm) \
            or _TO_THE_BOT.search(norm) or not asked_words(norm):
        return False
    text = ctx.text
    if (_subject_named(ctx) or remote_wish(text, Reading.CHAT) is not None
            or find_places(norm, ctx.kb.skills) or find_regions(norm) or _worked_from(norm)
            or (find_level(text, Reading.CHAT) is not None and not _WHO.match(norm))):
        return False
    if in_general(text) or requests_openings(text, ctx.kb) or names_list(text) \
            or (is_statement(text) and not _ASKS.search(norm)):
        return False
    scores = ctx.intents().scores
    return max((p for name, p in scores.items() if name != "opening"), default=0.0) < MIN_OTHER


def _asks_an_aspect(norm: str) -> bool:
    """Whether a question asks what every answer about an opening shows in its own way (the link,
    how to apply, the skills, the fit, what to learn, the company, the level, the place, the
    office days, more of it, why it was picked), rather than what only its ad's text may say."""
    norm = _QUALIFIED_REQUIREMENTS.sub(" ", norm)
    return any(p.search(norm) for p in (
        _LINK_WORD, _APPLY_ASKED, _POSTED_ASKED, _STACK_ASKED, _FIT_ASKED, _LEARN_ASKED, _COMPANY_ASKED,
        _STILL_OPEN, _YEARS_ASKED, _LEVEL_ASKED, _WHERE, _OFFICE_DAYS, _MORE_ABOUT, _WHY_THESE))


# "language requirements", "visa requirements": requirements of one kind, not the skills asked for.
_QUALIFIED_REQUIREMENTS = re.compile(r"(?<!\w)(?!(?:the|any|what|whats|job|role|its|their|tech|skills?)\b)"
                                     r"[a-z]+ requirements?(?!\w)")
# Said to the bot ("what do you think?"), not asked of an ad.
_TO_THE_BOT = re.compile(r"(?<!\w)(?:you|your|u|ur)(?!\w)")
# "who's the manager?" asks who, not for a level.
_WHO = re.compile(r"^(?:\w+ )?who")


def _asks_how_worked(ctx: Context) -> bool:
    """Whether a short question asks how the work is done, with no subject of its own: office
    days, or a yes/no question naming a work mode ("can I work from home sometimes?"; not "are
    there remote ones?", which asks for a list)."""
    norm = ctx.norm
    if len(norm.split()) > MAX_FACT_WORDS or _subject_named(ctx):
        return False
    return _OFFICE_DAYS.search(norm) is not None or (
        _YES_NO.match(norm) is not None and remote_wish(ctx.text, Reading.CHAT) is not None
        and _LIST_WORDS.search(norm) is None)


def _subject_named(ctx: Context) -> bool:
    # Read as a list would be ("is ruby worth learning?"): a word that may name a skill counts
    # unless used as a verb, since taking a subject for an ad's fact costs more than missing one.
    return any(not is_generic(s.name) for s in find_skills(ctx.kb.skills, ctx.text, listed=True))


def _asks_of_it(ctx: Context) -> bool:
    """Whether a question pointing with a pronoun asks what only an opening can answer: a fact
    of its ad, or what one would still need to learn for it."""
    norm = ctx.norm
    asks = bool(_ASKS.search(norm) or _WH_WORD.search(norm))
    # "do they do remote?", "is it for juniors?": how or at what level it is worked
    worked = _YES_NO.match(norm) is not None and (
        remote_wish(ctx.text, Reading.CHAT) is not None or find_level(ctx.text, Reading.CHAT) is not None)
    return _asks_fact(ctx) or asks_if_needed(norm) or worked or (asks and bool(
        _LEARN_ASKED.search(norm) or _COMPANY_ASKED.search(norm)
        or (PAY.asked.search(norm) and len(norm.split()) <= MAX_FACT_WORDS)))


def _asks_fact(ctx: Context) -> bool:
    """Whether a short question asks what only an ad says (visa, travel, a language), with no
    subject of its own ("do they help with the work permit?"; not "do I need Kafka to get
    hired?"), also after saying who one is ("I'm from Brazil, would I need a work permit?")."""
    norm = _asked_clause(ctx.norm)
    return (len(norm.split()) <= MAX_FACT_WORDS and _ASKS.search(norm) is not None
            and asks_unlisted_fact(norm) and not _subject_named(ctx) and not _ADVICE.search(norm))


def _asked_clause(norm: str) -> str:
    """The question a message ends with, after a clause that says who one is ("i'm from
    brazil, would i need a work permit" asks "would i need a work permit")."""
    clauses = [c.strip() for c in _CLAUSES.split(norm) if c.strip()]
    if len(clauses) > 1 and _SELF_TOLD.match(clauses[0]) and _ASKS.search(clauses[-1]):
        return clauses[-1]
    return norm


# Between the clauses of a message; and a clause that says who one is, to ask after it.
_CLAUSES = re.compile(r"[,;.:]\s+|\s+-+\s+")
_SELF_TOLD = re.compile(r"^(?:(?:so|ok|okay|well|btw|hi|hey) )*(?:i'?m|i am|im) ")


def _question(ctx: Context) -> str:
    """What is asked of the openings: the message, or for a message that only points ("and the
    Berlin one?") the question asked before it."""
    carried = ctx.cache.get("opening_question")
    return carried if isinstance(carried, str) else ctx.text


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


# "which pays in PLN?": a currency, not a place.
_PAID_IN = re.compile(r"(?<!\w)(?:pa(?:y|ys|id|ying)|salary|salaries|earn\w*) in(?!\w)")


def _wanted(ctx: Context) -> _Wanted | None:
    """What the question asks each opening to be; None when it asks for no such thing."""
    text = without_name(_question(ctx))
    wish = remote_wish(text, Reading.CHAT)
    mode = _ASKED.get(wish) if wish is not None else None
    level = find_level(text, Reading.CHAT)
    places = () if _PAID_IN.search(normalize(text)) else tuple(
        {normalize(p): p for p in (*find_regions(text), *find_places(text, ctx.kb.skills))}.values())
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


def _name(o: Opening, among: list[tuple[ShownOpening, Opening | None]]) -> str:
    """An opening named among others: by its company, or its title too when the company has
    several of them."""
    same = sum(s.company == o.company for s, _ in among)
    return f"{o.title} at {o.company}" if same > 1 else o.company


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


# How much of an ad's skill list one has, in words ("should I apply?" asks for a verdict).
_FIT_WORDS = ((0.75, "a strong match"), (0.5, "a fair match"), (0.0, "a stretch"))


def _fit_verdict(ctx: Context, q: Query, match: Match) -> str | None:
    """How well it fits and what is missing, when that is what was asked ("is it a good fit
    for me?", "should I apply?")."""
    if q.is_empty or not _FIT_ASKED.search(_question(ctx)):
        return None
    listed = len(match.matched) + len(match.missing)
    if not listed:
        return "The ad names no skills to compare with yours."
    if not match.matched:
        return f"None of the {listed} skills it lists is in your profile yet."
    share = len(match.matched) / listed
    verdict = next(words for least, words in _FIT_WORDS if share >= least)
    return (f"You have {len(match.matched)} of the {listed} skills it lists: "
            + ", ".join(match.matched) + f". That makes it {verdict} on skills.")


def _learn_answer(ctx: Context, q: Query, match: Match) -> str | None:
    """What to learn for it and the topics that teach it, when that is what was asked."""
    if not _LEARN_ASKED.search(_question(ctx)):
        return None
    if not match.missing:
        return ("You have every skill it lists." if not q.is_empty
                else "The ad names no skills to learn.")
    return _gaps(ctx, match)


def _gaps(ctx: Context, match: Match) -> str:
    """The skills it lists that one lacks, and the topics here that teach them."""
    gaps = ", ".join(g.skill for g in match.missing)
    taught = [f"{g.skill}: {ctx.kb.topics[g.topic].title}" for g in match.missing
              if g.topic is not None and g.topic in ctx.kb.topics]
    return f"To learn for it: {gaps}." + (
        " Topics here that teach them: " + "; ".join(taught) + "." if taught else "")


def _posted(o: Opening) -> str:
    when = o.posted_at or o.updated_at
    return when.strftime("%-d %B %Y") + "." if when is not None else "the feed gives no date."


_NOT_SAID = "the ad doesn't say."


def _asked_facts(question: str, o: Opening) -> list[tuple[str, str]]:
    """The facts asked about that ads often leave out (visa, relocation, equity): the ad's
    sentence, or that it doesn't say."""
    out = []
    for fact in asked_facts(question):
        said = [s for s in ad_sentences(o.description) if fact.stated.search(s)]
        out.append((fact.name, _quoted(said[0]) if said else _NOT_SAID))
    return out


def _pay(o: Opening) -> str:
    said = pay_sentences(ad_sentences(o.description))
    return _quoted(said[0]) if said else _NOT_SAID


def _quoted(sentence: str) -> str:
    """An ad's sentence in its own words."""
    return f"“{sentence}”"



def _shown_sentences(o: Opening, question: str, *, pay: bool) -> list[str]:
    """The ad's sentences an answer already shows (those of the facts asked, and its pay line),
    so no quote repeats them."""
    said = ad_sentences(o.description)
    stated = [f.stated for f in asked_facts(question)]
    return [next(t for t in said if p.search(t)) for p in stated if any(p.search(t) for t in said)] + (
        pay_sentences(said)[:1] if pay else [])


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
    # "the Oslo one, is it hybrid?" asks "is it hybrid?"
    text = without_name(_question(ctx)).lstrip(" ,;:-")
    norm = normalize(text)
    yes_no = bool(_YES_NO.match(norm) or _MODE_ONLY.match(norm) or _SUITS.match(norm)) \
        and " or " not in norm
    if _COMPANY_ASKED.search(norm):
        about = ad_sentences(o.description)[:1]
        return f"It's at {o.company}." + (f" {about[0]}" if about and len(about[0]) <= MAX_ABOUT_CHARS
                                          and not about[0].startswith(("Team:", "Commitment:")) else "")
    if _STILL_OPEN.search(norm):
        # A closed one never gets here (see handle): it is answered as closed.
        return "Yes, it's still open."
    asked = remote_wish(text, Reading.CHAT)
    if asked in _ASKED:
        mode = _MODE.get(o.remote)
        if mode is None:
            # Unlabelled, yet the ad may say how it is worked in its own words ("in our Dublin
            # office, five days a week"): quoted, for the person to read.
            said = [t for t in ad_sentences(o.description) if _WORK_MODE_SAID.search(t)]
            return (f"The ad doesn't label it remote or on-site, but says: “{said[0]}”" if said
                    else "The ad doesn't say whether it's remote.")
        plain = f"it's {mode}" + (f", {o.location}." if names_place(o.location) else ".")
        if not yes_no:
            return plain[0].upper() + plain[1:]
        if o.remote is _ASKED[asked]:
            if (limits := find_regions(o.location)) and _ANYWHERE.search(norm):
                # "can I work from anywhere?" of a job remote within EMEA
                return f"Remote, but within {' and '.join(limits)} only ({o.location})."
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
    # A skill named beside what is missing or whether one fits ("what would I need to learn for
    # it, I only know Ruby") is the person's, not a question about the ad.
    skills = [] if _LEARN_ASKED.search(norm) or _FIT_ASKED.search(norm) else [
        s.name for s in find_skills(ctx.kb.skills, text) if not is_generic(s.name)]
    if skills:
        # "does it need Ruby?" of a Rails job: yes, Rails is Ruby.
        asked_for = {*o.skills, *ctx.kb.skills.implied(o.skills)}
        have = [s for s in skills if s in asked_for]
        lacks = [s for s in skills if s not in asked_for]
        parts = []
        if have:
            parts.append("It asks for " + ", ".join(have) + ".")
        if lacks:
            parts.append("It doesn't mention " + ", ".join(lacks) + ".")
        return " ".join(parts)
    # where one is from ("I'm from India, would they sponsor me?") is no place asked about
    clause = _asked_clause(norm)
    places = find_places(text if clause == norm else clause, ctx.kb.skills) or _worked_from(clause)
    if not places and _WHERE.search(norm) and names_place(o.location) and not _how_to_apply(norm):
        return f"It's remote: {o.location}." if o.remote is Remote.YES else f"It's in {o.location}."
    if places:
        inside = [p for p in places if located(o.location, p)]
        if inside:
            return f"Yes, it's in {o.location}." if yes_no else f"It's in {o.location}."
        region = [p for p in places if within_region(o.location, p)]
        if region and o.remote is Remote.YES:
            # "can I work from Spain?" of a job remote within Europe
            return f"Yes: it's remote, {o.location}, which takes in {region[0].title()}."
        if o.remote is Remote.YES:
            # "can I work from Brazil?" of a remote job: what its place allows, said plainly
            if limits := find_regions(o.location):
                return f"No: it's remote within {' and '.join(limits)} only ({o.location})."
            if not names_place(o.location):
                return "Yes: it's remote, and the ad names no country or region it is limited to."
            return (f"It's remote, {o.location}; the ad doesn't say whether that takes in "
                    f"{place_label(places[0])}.")
        if names_place(o.location):
            return f"No, it's in {o.location}."
        return "No, the ad names no place" + (f": it's {mode}." if (mode := _MODE.get(
            o.remote)) else ".")
    return None


# "can I work from anywhere?": no place, but a limit asked about.
_ANYWHERE = re.compile(r"(?<!\w)anywhere(?!\w)")
# "can I work from Brazil?", "could I do it from Lisbon?": a place one would work from.
_FROM_PLACE = re.compile(r"(?<!\w)(?:work|working|do (?:it|this|that)|live|living|be based|apply) from"
                         r" (?P<place>(?!(?:home|the|an?|my|our|their|office|abroad|here|there|now)\b)"
                         r"[a-z][\w'.-]*(?: [a-z][\w'.-]*)?)")


def _worked_from(norm: str) -> tuple[str, ...]:
    m = _FROM_PLACE.search(norm)
    if m is None:
        return ()
    # The name ends at its first small word: "brazil for the hexaroute one" → "brazil".
    name: list[str] = []
    for w in m.group("place").split():
        if w in STOPWORDS or w == "for":
            break
        name.append(w)
    return (" ".join(name),) if name else ()


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
