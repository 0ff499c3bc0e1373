"""The openings a conversation has shown, and which of them "the second one" or "it" points at."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.adfacts import PAY, asks_unlisted_fact
from bot.openings import Opening, Remote
from bot.ports import ConversationState, RemotePreference
from bot.recommend import OpeningIndex, location_tokens, name_tokens, place_tokens
from bot.skills import SkillVocabulary
from bot.text import STOPWORDS, normalize, stem, words
from bot.vocabulary import (
    Reading,
    find_level,
    find_regions,
    find_skills,
    is_generic,
    places_within,
    remote_wish,
)

# Keys of ConversationState.data. "page" (set while a list of openings is what the
# conversation is about, cleared by a topic answer) belongs to the openings handler.
SHOWN = "shown"
FOCUS = "focus"
# The openings last talked about together ("compare the first two"): "both" and "they" next.
FOCUS_ALL = "focus_all"
PAGE = "page"
# The last question asked of an opening, without its pointing words ("does … sponsor visas"): a
# bare "and the Berlin one?" next asks it again of another.
ASKED = "asked"


@dataclass(frozen=True, kw_only=True, slots=True)
class ShownOpening:
    """An opening as the conversation remembers it: its feed record, company and title."""

    source: str
    external_id: str
    company: str
    title: str

    @classmethod
    def of(cls, o: Opening) -> ShownOpening:
        return cls(source=o.source, external_id=o.external_id, company=o.company, title=o.title)

    def to_data(self) -> list[str]:
        return [self.source, self.external_id, self.company, self.title]

    @classmethod
    def from_data(cls, raw: object) -> ShownOpening | None:
        """The stored form back; None for anything else (state written by another version)."""
        if not isinstance(raw, list | tuple) or len(raw) != 4 \
                or not all(isinstance(v, str) for v in raw):
            return None
        source, external_id, company, title = raw
        return cls(source=source, external_id=external_id, company=company, title=title)


def shown_list(state: ConversationState) -> tuple[ShownOpening, ...]:
    """The last list of openings shown, in the order shown."""
    raw = state.data.get(SHOWN)
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(s for s in map(ShownOpening.from_data, raw) if s is not None)


def in_focus(state: ConversationState) -> ShownOpening | None:
    """The opening the conversation last talked about, if any."""
    return ShownOpening.from_data(state.data.get(FOCUS))


def on_screen(state: ConversationState) -> bool:
    """Whether the last list of openings is still what the conversation is about."""
    return state.data.get(PAGE) is not None


def list_shown(openings: Sequence[Opening | ShownOpening]) -> dict[str, Any]:
    """State changes for a new list on screen (nothing in focus yet)."""
    return {SHOWN: [(o if isinstance(o, ShownOpening) else ShownOpening.of(o)).to_data()
                    for o in openings], FOCUS: None, FOCUS_ALL: None, ASKED: None}


def focus_on(opening: Opening | ShownOpening) -> dict[str, Any]:
    shown = opening if isinstance(opening, ShownOpening) else ShownOpening.of(opening)
    return {FOCUS: shown.to_data(), FOCUS_ALL: None}


def focus_on_all(openings: Sequence[ShownOpening]) -> dict[str, Any]:
    """State changes for several talked about together (the one in focus stays)."""
    return {FOCUS_ALL: [s.to_data() for s in openings]}


def in_focus_together(state: ConversationState) -> tuple[ShownOpening, ...]:
    """The openings last talked about together, if any."""
    raw = state.data.get(FOCUS_ALL)
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(s for s in map(ShownOpening.from_data, raw) if s is not None)


# --- references: the closed-class words English points with -------------------------------

# At most this many open openings answer for "the X one" that names none on the list.
MAX_TITLED = 3
_NOUN = r"(?:one|job|role|position|opening|company|offer|listing|vacancy|posting|gig|internship)"
_ORDINALS = {"first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2,
             "fourth": 3, "4th": 3, "fifth": 4, "5th": 4, "last": -1}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_ORDINAL = re.compile(
    r"(?<!\w)(?:(?:the|that|this) (?P<a>" + "|".join(_ORDINALS) + r")(?: " + _NOUN + r")?"
    r"|(?P<b>" + "|".join(_ORDINALS) + r") " + _NOUN + r"|(?:#|number |no\. ?)(?P<n>[1-9]|"
    + "|".join(_NUMBERS) + r")"
    # "tell me more about second" (not "at first", "about first jobs")
    + r"|about (?P<c>" + "|".join(k for k in _ORDINALS if k not in ("first", "1st", "top")) + r")(?! \w))"
    r"(?!\w)")
# A further place in the list, once one was named: "the first and second", "second vs third".
_MORE_ORDINALS = re.compile(r"(?<!\w)(?:and|or|vs\.?|versus|with|to|from|than) (?:the )?(" + "|".join(
    k for k in _ORDINALS if k != "top") + r")(?!\w)(?! (?:years?|days?|weeks?|months?|time)\b)")
_ORDINAL_PAIR = re.compile(r"(?<!\w)(" + "|".join(k for k in _ORDINALS if k != "top")
                           + r")(?= (?:one |job |role )?(?:and|or|vs\.?|versus|&) (?:the )?(?:"
                           + "|".join(k for k in _ORDINALS if k != "top") + r")(?!\w))")
# The first or last few of the list: "compare the first two", "the top 3", "the last two jobs".
_FIRST_FEW = re.compile(r"(?<!\w)(?P<end>first|top|last) (?P<k>[2-5]|" + "|".join(
    k for k in _NUMBERS if k != "one") + r")(?!\w)(?! (?:years?|days?|weeks?|months?)\b)")
# "which one is remote?", "which of them is for graduates?"
_WHICH = re.compile(r"(?<!\w)which (?:ones?|of (?:them|these|those|the \w+)|" + _NOUN + r"s?)(?!\w)")
# "which is hybrid?", "which need docker?": of the list on screen only when what follows picks
# openings by what they are (not "which is better, REST or gRPC?").
_WHICH_BARE = re.compile(r"(?<!\w)which (?:is|are|(?P<v>needs?|requires?|uses?|asks? for|mentions?"
                         r"|wants?)|(?P<pay>pays?|offers?|earns?))(?!\w)")
# "the Stripe one", "the remote job", "that django one", "the sparrow social role" (never "the
# role of …")
_THE_X_ONE = re.compile(r"(?<!\w)(?:the|that|this) (?P<x>[\w.#+-]+(?: [\w.#+-]+){0,2}) " + _NOUN
                        + r"(?!\w)(?! of\b)")
# "the one at Stripe", "the job from Kitebird", "that role in Dublin": named after the noun
# (the name ends at its first small word: "the one at nimbuspeak is it hybrid").
_ONE_AT = re.compile(r"(?<!\w)(?:the|that|this) (?:one|job|role|position|opening|offer|posting)"
                     r" (?P<at>at|from|with|by|in) (?P<x>[\w.&'-]+(?: [\w.&'-]+)?)")


# "that one", "this job", "the company", "it", "there" (not "is there", "there are")
_SINGULAR = re.compile(
    r"(?<!\w)(?:(?:that|this|the) " + _NOUN + r"(?!\w)(?! of\b)|it|its"
    r"|(?:is|was|about|for|at|with|of|on|in|from|does|did) that(?!\w)(?! (?:is|are|was|were|"
    r"use|uses|need|needs|want|wants|have|has|can|will|would|do|does|did|i|you|we|they|it)\b)"
    r"|(?<!is )(?<!are )(?<!was )(?<!were )there(?!\w)(?!'s)(?! (?:is|are|was|were|any)\b))(?!\w)")
_PLURAL = re.compile(r"(?<!\w)(?:they|them|their|those|these|(?:both|all) of them)(?!\w)")
# Every one of the list, whichever is in focus: "are both of them hybrid?", "do all of them ..."
_EVERY = re.compile(r"(?<!\w)(?:(?:both|all|each|either|any|none) of (?:them|these|those|the \w+)"
                    r"|both (?:ones|jobs|roles|openings|positions|companies)"
                    # "do both sponsor visas?", "are both hybrid?" (not "both go and rust")
                    r"|^(?:and |so |ok |okay |but )?(?:do|does|are|is|have|would|will|can) both(?!\w)"
                    r"(?!.*\band\b)"
                    # "and both salaries?", "both links please"
                    r"|^(?:and |so |ok |okay |what about |how about )?both(?!\w)(?!.*\band\b)"
                    # "compare the two", "put them side by side": each of them, side by side
                    r"|compare (?:the two|the three|both|them(?: all)?|these|those)"
                    r"|(?:them|these|those) side by side)(?!\w)")
# Asked of the list on screen as a whole: "are any of them in Germany?", "are any remote?",
# "any of these senior?", "is either hybrid?" (a question about the list, not a new request).
_OF_THE_LIST = re.compile(r"^(?:and |so |ok |okay |but |hmm )?(?:(?:are|is) (?:any|none|either|all)"
                          r"(?: of (?:them|these|those|the \w+))?|(?:any|none|either) of (?:them|these"
                          r"|those))(?!\w)"
                          # "is there a go role among them?"
                          r"|(?<!\w)among (?:them|these|those|the ones (?:you )?(?:showed|shown))(?!\w)"
                          # "how many are remote?", "how many of them sponsor visas?"
                          r"|^(?:and |so |ok |okay |hmm )?how many(?: of (?:them|these|those))? (?:are|is"
                          r"|have|offer|pay|need|sponsor|mention|ask|want|require)(?!\w)")
# Every one of the list on screen, said as a number: "the difference between the two?", "the
# three jobs" (after a topic, "the two" are what it compared).
# A company's openings on the list, each of them: "both Stripe ones", "all the Kitebird jobs".
_EACH_NAMED = re.compile(r"(?<!\w)(?:both|all|each of) (?:the |of the )?[\w.&' -]{2,40}? (?:ones|jobs|roles"
                         r"|openings|positions)(?!\w)")
_BOTH = re.compile(r"(?<!\w)(?:(?:between|of|with) (?:the |these |those )?(?:two|three|both)"
                   r"|the (?:two|three|four) (?:ones|jobs|roles|openings|positions|companies|offers))"
                   r"(?!\w)")
# An opening named by a noun that can mean nothing else, even once a topic was talked about:
# "back to the job", "does that role pay well?" (not "the role of", "the job market").
_BACK_TO_OPENING = re.compile(
    r"(?<!\w)(?:that|this|the) (?:job|role|position|opening|vacancy|posting|listing|gig|internship)(?!\w)"
    r"(?! (?:of|interviews?|market|search|hunt|title|descriptions?|offers?|boards?|sites?)\b)")
# The one of the list not in focus: "and the other one?", "what about the other job"
_OTHER = re.compile(r"(?<!\w)the other(?: " + _NOUN + r"s?| (?:two|three|four))?(?!\w)(?! \w+s\b)"
                    r"|(?<!\w)the others(?!\w)")
# A list asked for ("stripe jobs", "roles in berlin"): a request, not a reference to one.
_LIST_NOUN = re.compile(r"(?<!\w)(?:jobs|roles|positions|openings|vacancies|ones)(?!\w)")
# The list on screen narrowed by what its openings are: "the node ones", "only the remote ones".
_THE_ONES = re.compile(r"(?<!\w)(?:the|only|just|show me|give me|list) (?:the )?(?:[\w.#+-]+ ){1,3}"
                       r"ones(?!\w)")
# An opening as the model of a new list: "something like the Stripe one", "anything similar in
# Europe?", "more jobs like it" ("I'd like", "like to" are no likeness).
# (Not something to make: "how would you build something like a url shortener?")
_MAKING = "".join(rf"(?<!{verb} )" for verb in ("build", "make", "design", "create", "write",
                                                "code", "implement", "architect", "scale"))
_LIKE = re.compile(
    # ("that's more like it" approves of what is shown)
    r"(?<!\w)" + _MAKING + r"(?!more like it(?!\w))"
    r"(?:(?:something|anything|more|others?|ones?|jobs?|roles?|openings?|positions?)"
    r"(?: else)? (?:just )?(?:like|similar to)(?!\w)(?! to\b)"
    r"|similar (?:ones|jobs|roles|openings|positions)|(?:anything|something|any) similar)(?!\w)")
# The other openings of an opening's company: "anything else at that company?", "what else do
# they have?", "other roles at the same place", "more jobs from them".
_SAME_COMPANY = re.compile(
    r"(?<!\w)(?:(?:anything|something|any|other|others|more)(?: else| other)?"
    r"(?: (?:jobs?|roles?|openings?|positions?|vacanc(?:y|ies)))? (?:at|from|with|by|in)"
    r" (?:that|this|the same|their|them|that same|this same)(?: (?:company|employer|firm|place"
    r"|team|startup|one))?"
    r"|what else (?:do|does|are|is|can) (?:they|that company|the company|this company)"
    # or by its name: "any others at Kitebird?", "anything else from Stripe?"
    r"|(?:any|anything|something|what) (?:else|others?|other (?:jobs|roles|openings|positions))"
    r" (?:at|from) (?!(?:a|an|my|me|the|this|that"
    r"|all|least|once|home|work|here|now|you)\b)\w+"
    r"|(?:same|that|this) (?:company|employer)'?s? (?:other|others|jobs|roles|openings|positions)"
    r"|other (?:jobs|roles|openings|positions|vacancies) (?:there|at (?:that|this|the same)"
    r"(?: company| employer| place)?))(?!\w)")
# What a company has open, asked of a company not on the list: "anything at Kitebird?", "what
# has Kitebird got open?", "is Kitebird hiring?" (not "does Kitebird need Go?").
_COMPANY_LIST = re.compile(r"^(?:and |so |ok |okay |hmm )?(?:any(?:thing)?|something|what(?: else)?"
                           r"(?: is| do| does| has| have|'s)?(?: \w+){1,4} (?:got|have|has)(?: open)?\W*$)"
                           r"|(?<!\w)(?:hiring|got (?:anything|something) open|have (?:anything|"
                           r"something) open)(?!\w)"
                           # "what's open at Pinecrest Data?"
                           r"|^(?:and |so |ok |okay |hmm )?(?:what(?:'s| is)|anything|is there anything)"
                           r"(?: else| still)? (?:open|available|going) (?:at|with|over at) ")
# "which one fits me best?", "which is the best match for me?"
_BEST_FIT = re.compile(r"(?<!\w)(?:(?:fits?|suits?|match(?:es)?)(?: me| my \w+)?(?: the)? (?:best|most)|"
                       r"best (?:fit|match)|(?:better|best)(?: fit| match| option| choice| one)?"
                       r" for me)(?!\w)")
# "which is better for me?" of the list (not "which is better for me, Go or Rust?")
_WHICH_BEST = re.compile(r"^(?:so |ok |okay |and |hmm )?which(?: one| of (?:them|these|those))?"
                         r"(?:(?: is| would be| do you think is)? (?:the )?(?:better|best)(?: fit| match"
                         r"| option| choice| one)?(?: for me)?"
                         # "which should I pick?", "which one would you choose?", "so which one?"
                         r"|(?: (?:should|would|do|shall)(?: you think)? (?:i|you))? (?:should )?"
                         r"(?:pick|choose|go for|go with|take|apply (?:to|for)|recommend|suggest)(?: for me)?"
                         r"|(?<=one))\W*$")
# Getting oneself ready asks for advice, even about an opening ("how do I prepare for the
# interview there?" is the interview topic, not the ad).
PREPARING = re.compile(r"(?<!\w)how (?:do|can|should|would|to) (?:i |we )?(?:best )?(?:prepare|get ready|"
                       r"practi[cs]e|study|train)(?!\w)")
# A question about the opening itself: "does it need kubernetes?", "is it remote?", "is redis
# needed there?", "do they use kafka for it?".
_ABOUT_IT = re.compile(r"^(?:and |so |ok |okay )?(?:is|are|was|does|do|did|can|could|will|would"
                       r"|has|have) (?:it|they|that(?: one| job| role)?|this(?: one)?)(?!\w)"
                       r"|(?:needed|required|used|wanted|asked for|mentioned|necessary|a must)"
                       r"(?: (?:there|for (?:it|that|this)(?: one| job| role)?|in (?:it|that|this)"
                       r"(?: one| job| role| ad)?))\W*$"
                       # "do I need to know kafka for it?", "would I need go for that role?"
                       r"|(?:^|, |\. )(?:and |so |ok |okay )?(?:do|would|will|should|must) i (?:need|have) .+"
                       r" (?:for (?:it|that|this)(?: one| job| role| position)?|there)\W*$"
                       # "first one, it need docker?" (said without "does")
                       r"|(?:^|, )(?:it|they|that one|this one) (?:needs?|requires?|wants?|uses?|asks? for)"
                       r" \S.*\?\s*$"
                       # "what would I need to learn for it, I only know ruby"
                       r"|(?<!\w)what (?:would|do|will|should|must) i (?:still )?(?:need|have) to"
                       r" (?:learn|know|study|pick up) for (?:it|that|this)"
                       r"(?: one| job| role| position)?(?!\w)")


# The list on screen ranked by one attribute: "which is the most senior?", "and the newest?",
# "which one means the least commuting?", "which is closest to Seattle?".
class Order(Enum):
    """An attribute the openings on screen are ranked by, and which way."""

    MOST_SENIOR = "the most senior"
    MOST_JUNIOR = "the most junior"
    NEWEST = "the newest"
    OLDEST = "the oldest"
    CLOSEST = "the closest"
    BEST_PAID = "the best paid"
    LEAST_PAID = "the lowest paid"


_ORDER_WORDS: tuple[tuple[Order, str], ...] = (
    (Order.MOST_SENIOR, r"(?:most|more) (?:senior|experienced|advanced)|(?:least|less) junior"
                        r"|(?:highest|higher)[- ]level|senior-?most|(?:highest|higher) (?:in )?seniority"),
    (Order.MOST_JUNIOR, r"(?:most|more) (?:junior|entry[- ]level|beginner[- ]friendly)"
                        r"|(?:least|less) (?:senior|experienced|experience)|(?:lowest|lower)[- ]level"
                        r"|(?:lowest|lower) (?:in )?seniority"),
    (Order.NEWEST, r"newest|newer|latest|freshest|fresher|(?:most|more) recent(?:ly posted)?"
                   r"|posted (?:last|most recently)"),
    (Order.OLDEST, r"oldest|older|(?:least|less) recent(?:ly posted)?|posted (?:first|earliest)"),
    (Order.CLOSEST, r"closest|nearest|closer|nearer|(?:least|less|shortest|shorter|cheapest|cheaper"
                    r"|easiest|easier|no) commut\w*"),
    (Order.BEST_PAID, r"(?:pays?|paying|paid) (?:the )?(?:most|best|more|better|highest|higher)"
                      r"|(?:best|better|highest|higher|top)[- ](?:paid|paying|pay|salary|salaries|wages?)"
                      r"|(?:biggest|bigger|largest|larger) (?:salary|pay|paycheck)"
                      r"|(?:most|more) (?:money|lucrative)"),
    (Order.LEAST_PAID, r"(?:pays?|paying|paid) (?:the )?(?:least|worst|less|lowest|lower)"
                       r"|(?:worst|lowest|lower)[- ](?:paid|paying|pay|salary|salaries|wages?)"
                       r"|(?:smallest|smaller) (?:salary|pay|paycheck)|(?:least|less) money"),
)
_ORDER = re.compile(r"(?<!\w)(?:" + "|".join(f"(?P<{o.name.lower()}>{p})" for o, p in _ORDER_WORDS)
                    + r")(?!\w)")
# Asked of the list: "which …", "what's the newest one?", or the attribute alone ("and the
# oldest?"); never a new list ordered ("newest first", "sort by newest", "the latest jobs").
_ORDER_ASKED = re.compile(r"(?<!\w)(?:which|what(?:'s| is) the)(?!\w)|^(?:and |ok |so |what about |"
                          r"how about )?(?:the |which(?: one| is)? )?\S+(?: \S+)?(?: one| job| role)?\W*$")
_ORDER_NOT = re.compile(r"(?<!\w)(?:first|sort\w*|order\w*|show|list|jobs|roles|openings|positions"
                        r"|vacancies)(?!\w)")
# What may follow the attribute: "one", "of them", "to Seattle", "for me", "…, A or B?" (not
# "the most recent version of Java").
_ORDER_TAIL = re.compile(r"^(?: (?:one|job|role|opening|position|posting|listing|ad)s?)?(?: (?:of|among)"
                         r" (?:them|these|those|both|the (?:jobs|roles|openings|ones|list|two|three)))?"
                         r"(?: (?:to|from|for) [\w ,.'-]+| me)?(?:,? .*(?<!\w)or(?!\w).*)?\W*$")


def asked_order(norm: str) -> Order | None:
    """The attribute a question ranks the list on screen by, if it asks for one ("which of them
    is the most senior?")."""
    m = _ORDER.search(norm)
    if m is None or m.lastgroup is None:
        return None
    if not _ORDER_ASKED.search(norm) or not _ORDER_TAIL.match(norm[m.end():]) \
            or (_ORDER_NOT.search(norm) and "which" not in norm.split()):
        return None
    return Order[m.lastgroup.upper()]


# The work mode a wish word picks out of a list: "the remote one", "the on-site one".
_MODE = {RemotePreference.REMOTE: Remote.YES, RemotePreference.HYBRID: Remote.HYBRID,
         RemotePreference.ONSITE: Remote.NO}


class How(Enum):
    """How a message points at openings."""

    NAMED = "named"        # by company (or title): "the Kitebird job", "is lodestar hybrid?"
    ORDINAL = "ordinal"    # by place in the list: "the second one"
    SELECTED = "selected"  # by what it is: "the remote one", "which one is for graduates?"
    POINTED = "pointed"    # by a pronoun: "it", "that job", "they"


@dataclass(frozen=True, kw_only=True, slots=True)
class Reference:
    """What a message points at: the openings (best guess first) and how it pointed."""

    how: How
    openings: tuple[ShownOpening, ...]
    # Several were meant ("are they remote?"), not one.
    plural: bool = False
    # One was meant but the message did not say which: the first of the list was taken.
    guessed: bool = False
    # Pointed back with a noun only an opening is ("the job") after the conversation moved on.
    back: bool = False
    # Asked which of them ranks first by an attribute ("which is the most senior?"): the
    # openings are the ones to rank.
    order: Order | None = None
    # What named them when it named none ("the Tokyo one"), to say so.
    said: str = ""
    # Picked by the question itself ("which one is remote?", "are any of them senior?"), so
    # the answer says it against the whole list.
    asks_which: bool = False


# What may stand beside the pointing words of a message that asks nothing new: "and the Berlin
# one?", "what about the second?", "same question for the other one".
_FILLERS = frozenset("""and so ok okay but hmm also then what how about same question for too one
                        ones please pls plz""".split())  # noqa: SIM905 - a word list reads better as text
_POINTERS = (_ONE_AT, _THE_X_ONE, _ORDINAL, _MORE_ORDINALS, _OTHER, _SINGULAR, _PLURAL)


def unpointed(text: str, shown: Sequence[ShownOpening] = ()) -> str:
    """The question without the words that point at openings ("does the Quorra one sponsor
    visas?" → "does sponsor visas?"), nor the companies named."""
    norm = normalize(text)
    for pattern in _POINTERS:
        norm = pattern.sub(" ", norm)
    said = norm.split()
    bare = tuple(w.strip("?!.,") for w in said)
    named: set[int] = set()
    for s in shown:
        # A company's name as a whole, or the first word that stands for it: not any word of
        # it ("pay?" asks the pay of a Kestrel Pay opening).
        name = name_tokens(s.company)
        n = len(name)
        for i in range(len(bare) - n + 1):
            if n and bare[i:i + n] == name:
                named.update(range(i, i + n))
        if n > 1 and _names_company(name[:1], s.company):
            named.update(i for i, w in enumerate(bare) if w == name[0])
    return " ".join(w for i, w in enumerate(said) if i not in named)


def points_only(text: str, shown: Sequence[ShownOpening] = ()) -> bool:
    """Whether a message only points at an opening and asks nothing of its own ("and the
    Berlin one?", "what about Kitebird?")."""
    return not set(words(unpointed(text, shown))) - _FILLERS


def names_list(text: str) -> bool:
    """Whether text names openings in the plural ("jobs", "roles", "ones"), as a request does."""
    return bool(_LIST_NOUN.search(normalize(text)))


def asks_of_list(text: str) -> bool:
    """Whether text asks something of the list on screen as a whole ("are any of them in
    Germany?")."""
    return bool(_OF_THE_LIST.search(normalize(text)))


def narrows_list(text: str) -> bool:
    """Whether text asks for some of the openings on screen by what they are ("the go ones")."""
    return bool(_THE_ONES.search(normalize(text)))


def asks_for_similar(text: str) -> bool:
    """Whether text asks for openings like one shown or named ("something like the Stripe one")."""
    return bool(_LIKE.search(normalize(text)))


def asks_at_same_company(text: str) -> bool:
    """Whether text asks for the other openings of an opening's company ("anything else there
    at that company?")."""
    return bool(_SAME_COMPANY.search(normalize(text)))


def without_model(text: str) -> str:
    """A request for openings like one, without the words that point at that one ("roles like
    the Orbitly SRE one but in the US" asks for "roles … in the US", not for SRE)."""
    for pattern in (_THE_X_ONE, _ORDINAL):
        text = re.sub(pattern.pattern, " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def without_name(text: str) -> str:
    """Text without the words that name an opening by what it is ("where's the staff one
    based?" asks "where's … based?"); "the level of that one" keeps its question."""
    def keep(m: re.Match[str]) -> str:
        return m.group() if set(words(m.group("x"))) & STOPWORDS else " "
    return " ".join(_THE_X_ONE.sub(keep, normalize(text)).split())


def find_reference(text: str, state: ConversationState, index: OpeningIndex | None,
                   vocab: SkillVocabulary) -> Reference | None:
    """The openings text points at, against the last list shown (or by company among all open
    openings when `index` is given); None when it points at none."""
    norm = normalize(text)
    shown = shown_list(state)
    plural_request = bool(_LIST_NOUN.search(norm))
    if shown and on_screen(state) and (order := asked_order(norm)) is not None:
        return Reference(how=How.SELECTED, openings=_to_rank(norm, shown, index, vocab),
                         plural=True, order=order)
    named = _named(norm, shown, index, in_focus(state))
    on_list = bool(set(named) & set(shown))
    pointed = on_list and any(p.search(norm) for p in _POINTERS)
    if named and ((not on_list and _as_example(norm, named))
                  or (_how_they_work(unpointed(norm, named)) and not pointed)):
        # "how do payment processors like Stripe handle refunds?", "how does Stripe handle
        # idempotency?" ask in general, even of a company on the list ("how does the Stripe
        # one use Kafka?" asks its ad)
        named = ()
    if named and not set(named) & set(shown) and _asks_company_list(norm):
        return None  # "anything at Kitebird?": a request for the company's openings
    if named and plural_request and set(named) <= set(shown) and _EACH_NAMED.search(norm):
        # "both Stripe ones", "all the Kitebird jobs": those of the list, not a new request
        return Reference(how=How.NAMED, openings=named, plural=len(named) > 1)
    if named and not plural_request:
        named = _with_focus(norm, named, in_focus(state))
        return Reference(how=How.NAMED, openings=named, plural=len(named) > 1)
    at = _ONE_AT.search(norm)
    at_name = None if at is None else _name_words(at.group("x"))
    if shown and at is not None and at_name and at.group("at") != "in" and not plural_request:
        # "the one at Zyxwave": a company none of the openings is at.
        return Reference(how=How.SELECTED, openings=(), said=at_name)
    if shown and on_screen(state) and _OF_THE_LIST.search(norm):
        return Reference(how=How.SELECTED, openings=shown, plural=len(shown) > 1, asks_which=True)
    if shown:
        if (few := _FIRST_FEW.search(norm)) is not None:
            k = int(_NUMBERS.get(few.group("k"), few.group("k")))
            picked = shown[-k:] if few.group("end") == "last" else shown[:k]
            return Reference(how=How.ORDINAL, openings=picked, plural=len(picked) > 1)
        # "compare the first and the third", "the second vs the third": each one named.
        placed = tuple(dict.fromkeys(shown[i] for i in _ordinals(norm) if -len(shown) <= i < len(shown)))
        if placed:
            placed = _with_focus(norm, placed, in_focus(state))
            return Reference(how=How.ORDINAL, openings=placed, plural=len(placed) > 1)
        if (_EVERY.search(norm) or (on_screen(state) and _BOTH.search(norm))) \
                and not _WHICH.search(norm):
            every = in_focus_together(state) or shown
            return Reference(how=How.POINTED, openings=every, plural=len(every) > 1)
        focus = in_focus(state)
        if _OTHER.search(norm) and focus in shown and len(shown) > 1:
            others = tuple(s for s in shown if s != focus)
            return Reference(how=How.SELECTED, openings=others, plural=len(others) > 1)
        which = _WHICH.search(norm)
        if which is None and on_screen(state) and (bare := _WHICH_BARE.search(norm)) is not None \
                and (bare.group("pay") or PAY.asked.search(norm[bare.end():]) or _picks_by_what_it_is(
                    norm[bare.end():], vocab, asks_skill=bool(bare.group("v")))):
            which = bare
        if (which is not None and _BEST_FIT.search(norm[which.end():])) or (
                on_screen(state) and _WHICH_BEST.match(norm)):
            # The list is ranked by fit: its first fits best.
            return Reference(how=How.SELECTED, openings=shown[:1], asks_which=True)
        if which is None and not plural_request and len(each := _each_named(norm, shown, index, vocab)) > 1:
            # "how does the checkout job compare to the search one?": each one named.
            return Reference(how=How.SELECTED, openings=each, plural=True)
        the_x = None if plural_request else _THE_X_ONE.search(norm) or (
            at if at is not None and at.group("at") == "in" and at_name else None)
        if which is not None or the_x is not None:
            said = norm[which.end():] if which is not None else the_x.group("x")  # type: ignore[union-attr]
            picked = select(said, shown, index, vocab)
            if (not picked and the_x is not None and index is not None
                    and not set(words(said)) & STOPWORDS):
                # "the staff one" when none on the list is: an open opening so titled or placed,
                # if few are.
                titled = index.described(said)
                if 0 < len(titled) <= MAX_TITLED:
                    return Reference(how=How.NAMED,
                                     openings=tuple(ShownOpening.of(index.openings[i]) for i in titled))
            if picked or which is not None or (the_x is not None and _filters(said, vocab)
                                               and not set(words(said)) & STOPWORDS):
                # "the remote one" when none on the list is: none, said so, rather than a guess
                return Reference(how=How.SELECTED, openings=picked, plural=len(picked) > 1,
                                 asks_which=which is not None)
            if the_x is not None and _unknown_name(said, index):
                # "the Tokyo one": a name no opening has, said so rather than a guess.
                return Reference(how=How.SELECTED, openings=(), said=said)
    focus = in_focus(state)
    if not on_screen(state) and (shown or focus) and not plural_request \
            and _BACK_TO_OPENING.search(norm) and not _own_subject(text, norm, vocab):
        # After a topic, "it" is the topic; but "the job" can only be the opening.
        return Reference(how=How.POINTED, openings=(focus,) if focus else shown[:1],
                         guessed=focus is None and len(shown) > 1, back=True)
    if not on_screen(state) or not (shown or focus) or plural_request:
        return None
    singular = bool(_SINGULAR.search(norm))
    plural = bool(_PLURAL.search(norm))
    if not (singular or plural):
        return None
    if _own_subject(text, norm, vocab):
        return None
    together = in_focus_together(state)
    if plural and not singular and together:
        # "are they remote?" right after two were compared: those two.
        return Reference(how=How.POINTED, openings=together, plural=len(together) > 1)
    if focus is not None:
        return Reference(how=How.POINTED, openings=(focus,))
    if singular:
        return Reference(how=How.POINTED, openings=shown[:1], guessed=len(shown) > 1)
    return Reference(how=How.POINTED, openings=shown, plural=len(shown) > 1)


# Words that describe an opening by what one thinks of it or where it was on the list, not by
# what it is: "the new one", "the cool one", "the same one".
_JUDGING = frozenset("""
    new newer newest old older oldest recent latest good better best nice nicer cool interesting
    great other same big bigger biggest small smaller cheap top main whole real right wrong exciting
    fun boring perfect ideal promising obvious previous earlier former latter above below easy
    easier hard harder long longer short shorter full awesome amazing weird shiny fancy dream
    favourite favorite suggested recommended mentioned listed shown posted remaining final middle
    well paid higher lower highest lowest safe safer fresh fresher
""".split())  # noqa: SIM905 - a word list reads better as text


def _name_words(said: str) -> str:
    """The words of a name up to the first small word: "nimbuspeak is" → "nimbuspeak"."""
    out: list[str] = []
    for w in said.split():
        if w in STOPWORDS:
            break
        out.append(w)
    return " ".join(out)


def _unknown_name(said: str, index: OpeningIndex | None) -> bool:
    """Whether words name what no open opening is (a company, a place, a title word: "tokyo"),
    rather than judge one ("the cool one")."""
    tokens = words(said)
    return bool(tokens) and index is not None and not any(
        t in STOPWORDS or t in _JUDGING or is_generic(t) or t.isdigit() for t in tokens) \
        and not index.described(said)


# One opening compared with the one in focus: "compare it with the first", "how does that one
# compare to the Kitebird job?", "is it better paid than the second?".
_WITH_IT = re.compile(r"(?<!\w)(?:compare (?:it|that(?: one)?|this(?: one)?)(?!\w)|(?:it|that one|this one)"
                      r" (?:compares?|stacks? up|vs\.?|versus)(?!\w)|(?:compared|comparison) (?:to|with)"
                      r"(?!\w)|\bthan (?:the|that|this)\b)")


def _with_focus(norm: str, picked: tuple[ShownOpening, ...],
                focus: ShownOpening | None) -> tuple[ShownOpening, ...]:
    """The openings named, with the one in focus first when they are compared with it."""
    if focus is None or focus in picked or not _WITH_IT.search(norm):
        return picked
    return (focus, *picked)


def _each_named(norm: str, shown: tuple[ShownOpening, ...], index: OpeningIndex | None,
                 vocab: SkillVocabulary) -> tuple[ShownOpening, ...]:
    """The openings a message names one by one by what they are ("the checkout job … the search
    one"): each name that picks exactly one, of the list or else of all open openings."""
    out: list[ShownOpening] = []
    for m in _THE_X_ONE.finditer(norm):
        said = m.group("x")
        if set(words(said)) & STOPWORDS:
            continue
        picked = select(said, shown, index, vocab)
        if not picked and index is not None and len(titled := index.described(said)) == 1:
            picked = (ShownOpening.of(index.openings[titled[0]]),)
        if len(picked) == 1:
            out.append(picked[0])
    return tuple(dict.fromkeys(out))


def _to_rank(norm: str, shown: tuple[ShownOpening, ...], index: OpeningIndex | None,
             vocab: SkillVocabulary) -> tuple[ShownOpening, ...]:
    """The openings a ranking question is about: those it names ("which is more senior, the
    Dublin one or the Austin one?", "the first or the third?"), else the whole list."""
    placed = [shown[i] for i in _ordinals(norm) if -len(shown) <= i < len(shown)]
    named = [s for m in _THE_X_ONE.finditer(norm) if _ORDER.search(m.group("x")) is None
             for s in select(m.group("x"), shown, index, vocab)]
    picked = tuple(dict.fromkeys((*placed, *named)))
    return picked if len(picked) > 1 else shown


def asks_company_openings(text: str, index: OpeningIndex | None) -> bool:
    """Whether text asks what a company has open ("anything at Kitebird?", "is Kitebird
    hiring?"): a request for a list, not a question about one opening."""
    norm = normalize(text)
    return index is not None and _asks_company_list(norm) and bool(index.by_company(norm))


def _asks_company_list(norm: str) -> bool:
    # "any others at Kitebird?" is asks_at_same_company's: its reference names the company.
    return bool(_COMPANY_LIST.search(norm)) and not _BACK_TO_OPENING.search(norm) \
        and not _SAME_COMPANY.search(norm)


def asks_if_needed(text: str) -> bool:
    """Whether text asks if the opening it points at needs a thing ("do I need spring boot
    there?", "is redis required for it?")."""
    norm = normalize(text)
    m = _ABOUT_IT.search(norm)
    return m is not None and not re.match(r"^(?:and |so |ok |okay )?(?:is|are|was|does|do|did|can"
                                          r"|could|will|would|has|have) ", m.group())


def _ordinals(norm: str) -> list[int]:
    """The places in the list a message names, in its order: "the first and the third" → 0, 2;
    an ordinal after "and" or "vs" needs no noun or article ("the first and second", "first or
    third?")."""
    out = [_ORDINALS[m.group(1)] for m in _ORDINAL_PAIR.finditer(norm)]
    for m in _ORDINAL.finditer(norm):
        word, n = m.group("a") or m.group("b") or m.group("c"), m.group("n")
        out.append(_ORDINALS[word] if word else int(_NUMBERS.get(n, n)) - 1)
    if out:
        out.extend(_ORDINALS[m.group(1)] for m in _MORE_ORDINALS.finditer(norm))
    return out


def _own_subject(text: str, norm: str, vocab: SkillVocabulary) -> bool:
    """Whether a question has a subject of its own ("what's it like to work with kafka?") and so
    is not about the opening, unless it asks the opening itself ("does it need kafka?")."""
    return bool(_subject(text, vocab) or PREPARING.search(norm)) and not _ABOUT_IT.search(norm)


def _picks_by_what_it_is(said: str, vocab: SkillVocabulary, *, asks_skill: bool) -> bool:
    """Whether words after a bare "which is" pick openings: a work mode, level or place ("which
    is hybrid?", "which are in Berlin?"), or a skill asked for by its verb ("which need Go?")."""
    return (remote_wish(said, Reading.CHAT) is not None or find_level(said, Reading.CHAT) is not None
            or bool(re.match(r"\W*(?:in|based in|located in|near) \w", said))
            or (asks_skill and _subject(said, vocab)))


def _filters(said: str, vocab: SkillVocabulary) -> bool:
    """Whether words pick openings by what they are: a work mode, level or skill ("remote")."""
    return (remote_wish(said, Reading.CHAT) is not None or find_level(said, Reading.CHAT) is not None
            or _subject(said, vocab))


def _subject(text: str, vocab: SkillVocabulary) -> bool:
    return any(not is_generic(s.name) for s in find_skills(vocab, text))


def _named(norm: str, shown: tuple[ShownOpening, ...], index: OpeningIndex | None,
           focus: ShownOpening | None = None) -> tuple[ShownOpening, ...]:
    """The openings whose company the text names: of the list shown first, else of all; the
    words of a title or place pick among a company's openings ("the Stripe Treasury role", "the
    PHP one at Lumen" when the Kotlin one was shown, "the Stripe Dublin one"), else the one in
    focus."""
    said = name_tokens(norm)
    on_list = tuple(s for s in shown if _names_company(said, s.company))
    everywhere = () if index is None else tuple(
        ShownOpening.of(index.openings[i]) for i in index.by_company(norm))
    found = tuple(dict.fromkeys((*on_list, *everywhere)))
    stems = _stems(words(norm))
    # The words of the company's name pick no title: "Kelpie Data" is no "Data Engineer".
    by_title = tuple(s for s in found if _described(s, index) & stems - _stems(words(s.company)))
    if by_title:
        return by_title
    found = on_list or found
    if len(found) > 1 and focus in found:
        return (focus,)
    return found


# A company named as an example of a kind: "processors like Stripe", "such as Shopify".
_EXAMPLE_OF = re.compile(r"\b(?:like|such as|e\.?g\.?|for example|for instance|similar to)\s+$")


# How a company does its engineering: "how does Stripe handle idempotency?", "how do they
# deal with consumer lag at Kitebird?" (not what its ad says: "how does Kitebird handle visas?").
_HOW_THEY_WORK = re.compile(r"(?<!\w)how (?:does|do|did|would|will|can) (?:[\w.&'-]+ ){0,4}(?:handle|deal"
                            r" with|approach|implement|build|scale|design|structure|test|deploy|store"
                            r"|process|prevent|avoid|ensure|guarantee|manage|solve|use)(?!\w)")


def _how_they_work(norm: str) -> bool:
    return _HOW_THEY_WORK.search(norm) is not None and not asks_unlisted_fact(norm) \
        and remote_wish(norm, Reading.CHAT) is None


def _as_example(norm: str, named: tuple[ShownOpening, ...]) -> bool:
    """Whether every company text names is named as an example of a kind, not as an opening."""
    for s in named:
        first = name_tokens(s.company)[:1]
        m = re.search(rf"\b{re.escape(first[0])}\b", norm) if first else None
        if m is None or not _EXAMPLE_OF.search(norm[:m.start()]):
            return False
    return True


def _described(s: ShownOpening, index: OpeningIndex | None) -> set[str]:
    """The words that tell an opening from others of its company: its title's and place's."""
    o = _opening(index, s)
    return _title_words(s.title) | (set() if o is None else _stems(list(place_tokens(o.location))))


def _names_company(said: tuple[str, ...], company: str) -> bool:
    name = name_tokens(company)
    if not name:
        return False
    n = len(name)
    if any(said[i:i + n] == name for i in range(len(said) - n + 1)):
        return True
    # One word of a longer name stands for it when it cannot mean anything else in a message.
    first = name[0]
    return n > 1 and len(first) >= 4 and first not in STOPWORDS and not is_generic(first) \
        and first in said


def _stems(tokens: list[str]) -> set[str]:
    return {stem(t) for t in tokens if t not in STOPWORDS}


def _title_words(title: str) -> set[str]:
    return {stem(t) for t in words(title) if t not in STOPWORDS and not is_generic(t)}


def located(location: str, place: str) -> bool:
    """Whether an opening's location names a place or a place within it ("Berlin, Germany" for
    Germany or Europe, "Austin, TX" for the US)."""
    where = set(location_tokens(location))
    return any(set(toks) <= where for p in places_within(place) if (toks := location_tokens(p)))


def within_region(location: str, place: str) -> bool:
    """Whether an opening's location names a region the place is within ("Remote (Europe)" for
    Spain)."""
    said = set(location_tokens(place))
    return bool(said) and any(said <= set(location_tokens(p)) for region in find_regions(location)
                              for p in places_within(region))


# A skill said not to be wanted: "which ones don't need Kubernetes?", "the ones without Java".
_NEGATED = re.compile(r"(?<!\w)(?:don'?t|doesn'?t|do not|does not|not|without|no|never)(?!\w)")


def negates(text: str) -> bool:
    """Whether text says a thing is not wanted ("don't need", "without")."""
    return bool(_NEGATED.search(normalize(text)))


# The openings shown, as a verdict names them: "these", "none of them", "the results".
_THE_SHOWN = (r"(?:these|those|they|them|that|this|it"
              r"|the (?:results|jobs|openings|roles|matches|suggestions|ones))"
              r"(?: ones| jobs| roles| results| openings)?")
# The list itself, not any "it": "any of them", "these", "the results".
_THE_LIST = (r"(?:these|those|them|the (?:results|jobs|openings|roles|matches|suggestions|ones))"
             r"(?: ones| jobs| roles| results| openings)?")
_NOT = r"(?:(?:do|does|did|are|is|were|was)(?:n'?t| not)|aren'?t|isn'?t|don'?t|doesn'?t|didn'?t)"
_SUIT = r"(?:fit|match|suit|work for|right for|relevant|for me|what i)"
# A verdict that the openings shown do not suit, said rather than asked ("none of these fit
# me", "these don't match me at all", "the results are not relevant"; not "do these fit me?").
_NONE_FIT = re.compile(
    rf"(?<!\w)(?:none of {_THE_SHOWN}(?: \w+)? (?:(?:really |quite )?(?:fits?|match(?:es)?|suits?|works?)"
    rf"|(?:is|are) (?:right|relevant|a (?:fit|match)))"
    rf"|{_THE_SHOWN}(?: \w+)? {_NOT}(?: really| quite| even| at all)? {_SUIT}"
    # The list, not any "it" or "that": "am I doing it wrong", "…, is that wrong" ask a question.
    rf"|(?:{_THE_LIST}|they)(?: are|'re| were)?(?: all)? (?:irrelevant|useless|wrong|off|not relevant)"
    # "these suck", "wrong jobs", "nothing here fits", "I don't like any of them", "none of these"
    rf"|{_THE_SHOWN} (?:all )?(?:suck|stink|are (?:all )?(?:bad|terrible|awful|rubbish|garbage|crap))"
    r"|^(?:all )?(?:wrong|bad|irrelevant|useless|terrible) (?:jobs|results|matches|openings|roles|ones)"
    r"|nothing (?:here |there |on (?:the|this) list )?(?:really )?(?:fits|matches|suits|works)"
    rf"|(?:don'?t|do not) (?:really )?(?:like|want) (?:any of )?{_THE_LIST}"
    rf"|not interested in (?:any of )?{_THE_LIST}"
    rf"|^(?:\w+ )?none of {_THE_LIST}(?: (?:either|really|sorry))?\W*$)(?!\w)")


def says_none_fit(text: str) -> bool:
    """Whether text says the openings shown do not suit the person (a statement, not a question)."""
    norm = normalize(text)
    return ("?" not in norm and _ASKED_OF.match(norm) is None and _NONE_FIT.search(norm) is not None
            and _SWITCHED_OFF.search(norm) is None)


# "turn them off", "shut those off": a switch thrown, not a verdict that the list is off.
_SWITCHED_OFF = re.compile(r"(?<!\w)(?:turn|shut|switch|cut|kill|take)\w* (?:them|these|those|they|it|all) "
                           r"(?:all )?off(?!\w)")


# A question however it ends: "which of them are bad", "why don't these fit me".
_ASKED_OF = re.compile(r"(?:which|what|why|how|when|where|who|do|does|did|is|are|can|could|would|will"
                       r"|should)(?!\w)")


def select(said: str, shown: tuple[ShownOpening, ...], index: OpeningIndex | None,
           vocab: SkillVocabulary) -> tuple[ShownOpening, ...]:
    """The openings of the list that what was said describes best ("remote", "for graduates",
    "python", "in berlin", "kitebird"); () when it describes none of them."""
    tokens = words(said)
    stems = _stems(tokens)
    skills = {s.name for s in find_skills(vocab, said) if not is_generic(s.name)}
    level = find_level(said, Reading.CHAT)
    mode = remote_wish(said, Reading.CHAT)
    if skills and negates(said) and index is not None:
        # The ones that do not ask for it.
        return tuple(s for s in shown if (o := _opening(index, s)) is not None
                     and not skills & {*o.skills, *vocab.implied(o.skills)})
    regions = find_regions(said)
    best: list[ShownOpening] = []
    best_score = 0
    for s in shown:
        o = _opening(index, s)
        score = len(stems & (_title_words(s.title) | _title_words(s.company)))
        if o is not None:
            score += len(skills & {*o.skills, *vocab.implied(o.skills)})
            score += level is not None and o.level is level
            score += mode is not None and _MODE.get(mode) is o.remote
            score += len(set(tokens) & set(location_tokens(o.location)))
            # "which ones are in the US?" of "Austin, TX"
            score += any(located(o.location, r) for r in regions)
            # "which can I do from Portugal?" of one remote within the EU
            score += o.remote is Remote.YES and "from" in tokens and any(
                within_region(o.location, t) for t in tokens if t not in STOPWORDS)
        if score > best_score:
            best, best_score = [s], score
        elif score == best_score and score > 0:
            best.append(s)
    return tuple(best)


def _opening(index: OpeningIndex | None, s: ShownOpening) -> Opening | None:
    if index is None:
        return None
    i = index.position(s.source, s.external_id)
    return None if i is None else index.openings[i]

