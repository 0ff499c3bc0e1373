"""What a message asks of the bot besides a topic: by meaning over knowledge/intents.yaml and by cues."""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.adfacts import ABOUT_A_FACT, ABOUT_AN_OPENING
from bot.embedding_cache import EmbeddingCache
from bot.encoder import Encoder, Vectors
from bot.ports import ConversationState
from bot.shown import PREPARING, asks_for_similar, narrows_list
from bot.text import STOPWORDS, bare, normalize, stem, words, words_re
from bot.vocabulary import (
    LEVEL_NAMES,
    Reading,
    employment_wish,
    find_level,
    find_places,
    find_regions,
    find_skills,
    is_generic,
    names_known_place,
    remote_wish,
    respelled,
    stated_level,
    unread,
    without_level,
    years_of_experience,
)

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase

# Every intent knowledge/intents.yaml may give examples for. The follow-up kinds are all
# answered as "more" (a follow-up on the current topic).
FOLLOW_UPS = ("more", "example", "why", "downsides", "simpler", "reading")
INTENTS = ("greeting", "thanks", "help", "topics", "openings", "opening", "profile", "subscribe",
           "unsubscribe", "forget", "mydata", "feedback", *FOLLOW_UPS, "smalltalk")
# What an intent's examples are told apart from: the knowledge base's sample questions stand
# for "a question about a topic"; the examples of NONE (small talk, other subjects) for what
# is neither an intent nor a topic.
TOPIC = "topic"
NONE = "none"

# The semantic score. Each class is read two ways: how close the message is to its nearest
# examples (the mean cosine of the NEIGHBOURS closest), and a linear read-out (ridge regression
# on the example vectors, which learns what tells the classes apart rather than what they are
# about). Together they are a class's evidence. The score needs both a clear winner (the margin
# of its evidence over the best other class still possible here, the topic questions included)
# and closeness (a message far from every example, out of scope, is no intent whichever class is
# nearest): the product of two logistics. Fit on held-out folds of the shipped examples and the
# development question sets; tests/bot/test_intents.py checks the folds.
NEIGHBOURS = 2
RIDGE_PENALTY = 1.0
RIDGE_SHARE = 0.25
MARGIN_SLOPE = 25.0
MARGIN_AT = 0.05
CLOSE_SLOPE = 25.0
CLOSE_AT = 0.4
# Intents said without naming any subject: a message that names a skill is none of them.
SUBJECTLESS = frozenset({"greeting", "thanks", "help", "topics", "forget", "mydata", "smalltalk"})
# A cue this sure needs no model; one below MIN_CUE says the message is not quite that intent.
SURE = 0.9
MIN_CUE = 0.25
# One word a typo away from a one-word example ("helo", "thnaks") reads as that example, a little
# less surely than the word itself: a topic the matcher is sure of still wins. Shorter words are
# too often a typo away from each other ("hi"/"ho").
TYPO = 0.8
TYPO_MIN_LENGTH = 4
# Intents that ask the bot to do something with what is its own (its manual, its topics, its
# alerts, the person's record, openings): "stop the music", "delete my photos", "help me plan a
# party" borrow their verbs for something else. A message with words no intent's examples use
# (chit-chat's aside) is one of them only if its meaning is nearer that intent's examples than
# the other subjects' and chit-chat's by BORROWED_MARGIN of evidence: its cues alone do not
# decide. (On the development sets, requests with such a word, "nuke my data", "guide me", "shut
# off the job feed", mostly lead by 0.45 and more; out-of-scope lines mostly by 0.2 or less.)
OBJECT_BOUND = frozenset({"help", "topics", "openings", "profile", "subscribe", "unsubscribe", "forget",
                          "mydata"})
ELSEWHERE = (NONE, "smalltalk")
BORROWED_MARGIN = 0.3
# The bot's own: its manual, its topics, what it keeps. Said of the bot ("what's in your
# library"), the message's other words are about it.
_OF_THE_BOT = frozenset({"help", "topics", "mydata"})
_HOW_IT_IS_DONE = re.compile(r"^(?:so |and |ok |okay |hey |hi )?how (?:do|can|could|should|would|to)\b")
_THE_BOTS = words_re(r"your", r"ur", r"yourself", r"(?:this|the) bot", r"careerbot")
# What a cue or meaning so overruled is left with: less than a cue says (MIN_CUE).
OVERRULED = 0.1
# What the person and the bot share: alerts to them, their record. Read by meaning alone in a
# message that speaks of something else (see IntentClassifier.foreign), these need someone in it
# ("soft delete or hard delete records" is no one's data; "please delete all of it" may be).
PERSONAL = ("subscribe", "unsubscribe", "forget", "mydata")
_PERSON = words_re(r"i", r"i'?m", r"i'?ve", r"i'?d", r"me", r"my", r"mine", r"myself", r"you", r"your",
                   r"yours", r"u", r"ur", r"us", r"our", r"we")

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class Situation:
    """What the conversation holds that decides which intents a message can mean."""

    topic: str | None = None          # the topic last answered
    openings_shown: bool = False      # the last reply was a list of openings
    subjects: frozenset[str] = frozenset()  # topics the message names itself (by a skill)
    names_shown: bool = False         # the message names the company of an opening on screen
    profile_told: bool = False        # the profile changed last, nothing was shown since
    subscribed: bool = False          # alerts were turned on last, nothing was shown since

    @property
    def own_subject(self) -> bool:
        """The message names another subject than the current one ("and kubernetes?")."""
        return bool(self.subjects) and self.topic not in self.subjects

    def allows(self, intent: str) -> bool:
        if intent in FOLLOW_UPS:
            on_screen = self.topic is not None or (intent == "more" and self.openings_shown)
            return on_screen and not self.own_subject
        if intent == "opening":
            return self.openings_shown
        return True


def situation(state: ConversationState, kb: KnowledgeBase, text: str) -> Situation:
    """The situation of a message in a conversation."""
    topic = state.last_topic if state.last_topic in kb.topics else None
    subjects = frozenset(s.topic for s in find_skills(kb.skills, text) if s.topic)
    shown = state.data.get("page") is not None
    companies = [o.get("company", "") if isinstance(o, dict) else o
                 for o in (state.data.get("shown") or ())] if shown else []
    plain = bare(normalize(text))
    named = any(_mentions(plain, bare(normalize(str(c)))) for c in companies)
    return Situation(topic=topic, openings_shown=shown, subjects=subjects, names_shown=named,
                     profile_told=state.data.get(PROFILE_TOLD) == told_at(state),
                     subscribed=state.data.get(SUBSCRIBED) == told_at(state))


# ConversationState.data: where the conversation stood (its topic and page of openings) when the
# profile last changed. While it stands there, what is said may go on telling ("or in Berlin").
PROFILE_TOLD = "profile_told"
# ... and where it stood when alerts were turned on: while it stands there, "hmm, stop them" or
# "actually cancel that" takes the alerts back.
SUBSCRIBED = "subscribed_at"


def told_at(state: ConversationState) -> list[Any]:
    """Where the conversation stands, as PROFILE_TOLD and SUBSCRIBED keep it (JSON)."""
    return [state.last_topic, state.data.get("page")]


def _mentions(plain: str, name: str) -> bool:
    return bool(name) and re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", plain) is not None


@dataclass(frozen=True, kw_only=True, slots=True)
class IntentScores:
    """One calibrated score (0..1) per intent for one message in its situation."""

    scores: Mapping[str, float] = field(default_factory=dict)

    def __getitem__(self, intent: str) -> float:
        return self.scores.get(intent, 0.0)

    def best(self, intents: Iterable[str]) -> tuple[str, float]:
        """The surest of `intents` (the first on a tie)."""
        pairs = [(i, self[i]) for i in intents]
        return max(pairs, key=lambda p: p[1])


# --- lexical cues: the words that say an intent outright, in one place -------------------------

# Asking how the bot is: a greeting, answered as one ("fine, thanks for asking").
_HOW_ARE_YOU = (r"how (?:are|r) (?:you|u|ya)(?: doing)?(?: today)?",
                r"how'?s (?:it going|things|life|your day(?: going)?)", r"how do you do",
                r"how have you been", r"how(?: are|'re) things", r"you (?:doing )?(?:ok|well|good)")
HOW_ARE_YOU = words_re(*_HOW_ARE_YOU)
_GREETING = words_re(
    r"hi+", r"hey+", r"hello+", r"hiya", r"howdy", r"yo", r"sup", r"greetings", r"hallo",
    r"good (?:morning|afternoon|evening|day)", r"morning", r"evening", r"hola", r"salut",
    r"what'?s up", r"hey there", r"hi there", *_HOW_ARE_YOU,
    r"nice to meet you", r"heya", r"g'?day", r"bonjour", r"salutations", r"gm",
    # hello as people type it in other languages
    r"ciao", r"buen(?:os|as) (?:dias|días|tardes|noches)", r"buongiorno", r"buonasera",
    r"guten (?:tag|morgen|abend)", r"moin", r"ol[aá]", r"oi", r"hej", r"namaste", r"salam",
    r"konnichiwa", r"privet", r"shalom", r"merhaba", r"bom dia", r"boa tarde",
    r"ahoy", r"aloha", r"top of the morning", r"wh?a+z+u+p+", r"wassup", r"what'?s good", r"hey ho",
)
_GREETING_FILLER = words_re("there", "bot", "careerbot", "all", "everyone", "guys", "folks", "friend",
                            "and", "to you", "you", "again", "team", "doing", "btw", "today", "then",
                            "so", "by the way", "sir", "madam", "mate", "my friend")
_THANKS = words_re(r"thanks?", r"tq", r"tqvm", r"tku", r"(?:thank|thnk|thnak|thenk|tnk|tank) ?(?:you+|u|yu)",
                   r"you(?:'ve| have)? been (?:a |such a |so |very |really )*(?:great |big |huge |real |"
                   r"massive )?help", r"thanks (?:you+|u)", r"thx", r"thnx", r"thanx",
                   r"tnx", r"thks", r"thnks",
                   r"tks", r"ty", r"tysm", r"cheers", r"ta", r"much obliged",
                   # thanks as people type it in other languages
                   r"merci(?: beaucoup)?", r"danke(?: sch(?:ö|oe?)n| sehr)?", r"gracias",
                   r"grazie(?: mille)?",
                   r"obrigad[oa]", r"arigato", r"spasibo", r"dank je(?: wel)?", r"tack", r"dzi[eę]kuj[eę]",
                   r"(?:much )?appreciated", r"(?:i )?(?:really )?appreciate (?:it|that|the help|your help)",
                   r"(?:that'?s|that is|how|so|very) (?:very |so |really )?kind of (?:you|u)",
                   r"kudos", r"props", r"i owe (?:you|u|ya)(?: one| big time)?")
# Short closings that thank without the word: "nice one", "cool", "bye".
_CLOSING = words_re(r"(?:ok(?:ay)? |oh )?(?:nice(?: one)?|cool|great|gr8t?|awesome|perfect|sweet|brilliant|"
                    r"excellent|wonderful|lovely|neat)(?: stuff)?",
                    # praise for the bot itself: "you're a lifesaver", "you rock"
                    r"(?:you(?:'re| are| r)|ur|u r|youre|u are) (?:a |the )?(?:real )?(?:lifesaver|"
                    r"life saver|star|legend|best|"
                    r"hero|genius|champ)", r"you rock", r"legend")
# Acknowledging what was said, which asks for nothing: "ok", "got it".
# Said together too ("ok got it", "okay makes sense"), or taking a question back ("nvm").
_ACK_WORD = (r"(?:ok(?:ay)?|k|kk|alright|got it|i see|understood|noted|makes sense|that makes sense|"
             r"nvm|never ?mind|no worries|all good|i get it|gotcha|roger)")
_ACK = words_re(_ACK_WORD + r"(?: " + _ACK_WORD + r")*")
# Praise whose "it" is left out, as people writing in a second language do ("is very helpful").
_SUBJECTLESS_PRAISE = re.compile(r"^(?:is|was|it)(?: (?:very|so|really|super|much|quite|too))* (?:helpful|"
                                 r"useful|clear|informative|good|great|nice|interesting|"
                                 r"help(?:ed|s)?(?: me)?)(?!\w)")
# What may lead a farewell: "k bye", "ok cool, see you".
_LEAD = re.compile(r"^(?:(?:ok(?:ay)?|k|kk|alright|right|well|so|cool|great|anyways?|nvm|never ?mind|"
                   r"oh well|whatever|fine|forget it|hm+|anyhow) )+")
_FAREWELL = words_re(r"bye(?: bye)?", r"goodbye", r"see (?:you|ya)(?: later)?", r"later", r"cya",
                     r"good ?night", r"that'?s all(?: for now)?",
                     # leaving, where "go" is no skill: "gotta go", "I'll let you go", "I'm off"
                     r"(?:i )?(?:gotta|got to|have to|need to|must|better|should) (?:go|run|dash|leave|"
                     r"head off|head out|log off|sign off|bounce)(?: now| soon)?",
                     r"(?:i'?ll|i will|let me) let (?:you|u) go", r"i'?m off(?: now)?",
                     r"catch (?:you|ya) (?:later|soon|around|tomorrow)", r"see (?:you|ya) (?:soon|around|"
                     r"tomorrow|next time)", r"take care", r"have a (?:good|nice|great|lovely) (?:one|day|"
                     r"evening|night|weekend|week)", r"i'?m (?:out|done)(?: (?:of here|here))?",
                     r"(?:signing|logging) off", r"talk (?:to you )?(?:later|soon)", r"ttyl", r"peace out",
                     r"until next time", r"so long", r"farewell", r"adios", r"laters", r"bye for now")
# What a farewell may say beside it: "nothing else, bye", "that's it for today, take care", "bye then".
_FAREWELL_FILLER = words_re(r"(?:that'?s|that is) (?:it|all)", r"nothing else", r"then", r"now",
                            r"for (?:now|today|the day|tonight)", r"i'?m good")
# Small talk: laughing, asking about the bot itself, a remark on one's mood. It asks for nothing
# the bot does, but deserves a friendly word rather than a decline.
_LAUGHTER = words_re(r"(?:ha){2,}h?a?", r"(?:he){2,}h?", r"a?(?:ja){2,}", r"lo+l+z?", r"lmf?a+o+",
                     r"rofl", r"xd+", r"omg+", r"kek", r"lulz", r"wow+", r"heh")
_ABOUT_THE_BOT = words_re(
    r"(?:are|r) (?:you|u) (?:a |an |even |actually |really |just )*(?:real|human|person|bot|robot|"
    r"ai|machine|alive|sentient|conscious|chat ?gpt|gpt|smart|smarter|better|clever|male|female|a guy|"
    r"chat ?bot|program|recruiter)",
    r"(?:who'?s|who is) (?:behind|running) (?:you|u|this bot|careerbot)",
    r"can (?:you|u) (?:sing|dance|dream|laugh|love|feel|cook|smile|think)",
    r"(?:can|could|shall) we be friends", r"(?:are|r) (?:you|u) (?:open[- ]source|free(?: to use)?)",
    r"(?:what|which) (?:model|llm|ai) (?:are (?:you|u)|do (?:you|u) use|is (?:this|behind (?:you|this)))",
    r"(?:be|are) (?:you|u) my friend", r"i love (?:you|u)",
    r"do (?:you|u) love me", r"marry me",
    r"(?:who|which company|what company) (?:made|built|created|programmed|wrote|trained|owns|runs|"
    r"developed|coded) (?:you|u|this bot|careerbot)",
    r"what(?:'s| is) (?:your|ur) (?:name|age|gender|favou?rite)", r"(?:your|ur) favou?rite",
    r"how old (?:are (?:you|u)|r u)", r"where (?:are (?:you|u) from|do (?:you|u) live)",
    r"do (?:you|u) (?:ever )?(?:like|love|hate|dream|sleep|eat|drink|feel|have (?:feelings|a (?:name|"
    r"girlfriend|boyfriend|family|body))|get (?:bored|lonely|tired|sad))",
    r"(?:you(?:'re| are)|ur|u r|youre) (?:so |really |very |pretty |kinda |quite |a bit |such a )?"
    r"(?:funny|hilarious|weird|cute|smart|clever|silly|boring|annoying|creepy|sweet|kind|strange|"
    r"dumb|stupid|witty|adorable|polite|fast|quick|nerd)",
)
_MOOD = words_re(r"i(?:'m| am| feel) (?:so |really |very |a bit |kinda |super |quite )?(?:bored|tired|"
                 r"sleepy|hungry|sad|stressed|exhausted|grumpy|lonely)",
                 r"(?:a|my|what a|such a) (?:rough|long|bad|good|great|tough|hard) day", r"ugh+",
                 r"mondays?", r"fair enough",
                 r"(?:that'?s|that is|so) (?:so |really |very )?(?:funny|cute|hilarious|adorable)",
                 r"(?:my )?(?:cat|dog|kid|baby) (?:walked|sat|stepped|typed|jumped)\b.*")
# Someone else's opinion reported: "my teammate says", "our cto thinks".
_HEARSAY = words_re(
    r"(?:my|our|a|the|his|her|their) (?:\w+ )?(?:teammates?|colleagues?|co-?workers?|boss|manager|lead|"
    r"cto|ceo|friends?|mates?|team|brother|sister|dad|mom|mum|wife|husband|partner|prof\w*|teacher|"
    r"mentor|senior|recruiter|interviewer)s? (?:always |just |still |really )?(?:says?|said|thinks?|"
    r"thought|reckons?|swears?|believes?|keeps? saying|told me|claims?)")
_SMALLTALK_FILLER = words_re(r"ok(?:ay)?", r"so", r"btw", r"but", r"well", r"oh", r"ah", r"and",
                             r"hey", r"bot", r"careerbot", r"today", r"anyway", r"lol", r"haha\w*",
                             r"sorry", r"just", r"curious", r"wondering", r"i'?m", r"by the way")
_THANKS_FILLER = words_re(
    r"nice one", r"ok(?:ay)?", r"great", r"cool", r"nice", r"awesome", r"perfect", r"super", r"so much",
    r"very much", r"a lot", r"a bunch", r"again", r"mate", r"really", r"many", r"big",
    r"for (?:the|your|all the) help", r"bye", r"all", r"you", r"u", r"so", r"very", r"much",
    r"for (?:explaining|that|this|the (?:answer|info|explanation))", r"bot", r"careerbot",
    r"kindly", r"a million", r"muchly", r"truly", r"anyways?", r"nvm", r"never ?mind", r"no worries",
    # exclamations beside thanks are no rating of the answer ("ok brilliant, thanks")
    r"brilliant", r"excellent", r"lovely", r"wonderful", r"sweet", r"fantastic", r"amazing", r"good",
    r"fab(?:ulous)?", r"splendid", r"all good",
)
# A greeting or thanks wrapped around what is asked ("hi bot, how do I learn docker", "thanks!
# now show me go jobs"): the question or request after it is what the message means.
_OPENER = re.compile(r"^(?:(?:" + _GREETING.pattern + "|" + _THANKS.pattern + r")(?: (?:"
                     + _GREETING_FILLER.pattern + "|" + _THANKS_FILLER.pattern + r"))* )+")
# What follows a greeting or thanks that asks for something: "thanks, now show me …", "hi, what is …".
_REQUEST_START = re.compile(
    r"^(?:(?:now|next|also|but|and|ok(?:ay)?|so|please|pls|then|could|can) )*(?:tell|show|give me|find|"
    r"list|explain|search|send|get me|(?:can|could|would) you|what|how|why|where|which|who|help me|"
    r"back to|any(?:thing)?)(?!\w)")
# A rating of an answer. Words that rate on their own ("useless", "that helped")...
_RATING = words_re(
    r"(?:very |really |super |quite |so )?(?:helpful|unhelpful|useful|useless|pointless|irrelevant|"
    r"(?:un)?informative|insightful)",
    r"(?:that|this|it|the|your) (?:\w+ )?(?:really |actually )?helped",
    r"helped (?:me )?(?:a lot|loads|a bunch|so much)",
    # disappointment with what was given: "I was hoping for more", "expected better"
    r"(?:was|were) (?:hoping|expecting) (?:for )?(?:more|better|something (?:more|better|else|deeper))",
    r"expected (?:more|better)",
    # the bot judged as a helper: "you're not much use", "you're pretty good at this"
    r"(?:you(?:'re| are)|youre|ur|you r)(?: really| just| honestly| actually)? (?:not|no|of (?:no|little)) "
    r"(?:\w+ )?(?:use|help|helpful|useful|good)",
    r"(?:you(?:'re| are)|youre|ur)(?: \w+){0,2} (?:good|great|helpful|useful|decent|brilliant|amazing|"
    r"awesome|excellent|hopeless|rubbish|not (?:so|that|too|half) bad)(?: at (?:this|that|it))?"
    r"(?: after all)?(?= *$)",
    r"(?:you(?:'re| are)|youre|ur) (?:the|a) (?:\w+ )?(?:best|worst|greatest) (?:\w+ ){0,2}"
    r"(?:tool|bot|app|thing|site|service|assistant)\b.*",
    r"good stuff", r"(?:that'?s|that is|this is|this'?s) not (?:it|quite it|the one)",
    # the bot or a part of it judged as a whole: "really love the job matching", "whoever made
    # this did a great job", "the bot doesn't understand me"
    r"(?:love|like|enjoy|hate|dislike|adore) (?:the|your|this|ur) (?:\w+ )?(?:matching|recommendations?|"
    r"answers|bot|alerts|design|interface|ui|explanations)",
    r"(?:whoever|who ?ever|the (?:people|person|team|folks|guys?) (?:who|that)) (?:made|built|created|wrote|"
    r"designed|programmed|coded) (?:this|you|it|the bot|careerbot)",
    r"(?:bot|careerbot|you|u) (?:does ?n[o']?t|doesnt|don'?t|dont|never|can'?t|cannot) (?:really |even )?"
    r"(?:understand|get|follow)(?: me| what i| anything)",
    r"none of (?:them|these|those) (?:is|are|were|was|looks?|seems?) (?:any |much |very |really )?"
    r"(?:good|great|useful|relevant|interesting|right|helpful)",
    # the bot's way of answering judged: "you explain things better than my lecturer"
    r"(?:you|u)(?: really)? (?:explain\w*|describ\w*|answer\w*|put) (?:\w+ ){0,2}(?:well|better|clearly|"
    r"nicely|simply|badly|poorly|worse)",
    r"makes sense(?: now)?", r"spot on", r"thumbs (?:up|down)",
    r"(?:exactly|just|(?:that|this)(?:'?s| is| was)(?: exactly| just)?) (?:what |the (?:kind|sort|type) of "
    r"(?:\w+ ){1,2})i (?:needed|wanted|was looking for|had in mind|was after|hoped for)",
    r"i (?:already )?knew (?:that|this|it|all (?:that|this))(?: already)?",
    r"too (?:basic|generic|shallow|vague)",
    r"too (?:much|many) (?:text|info\w*|details?|words|to read)",
    r"i (?:really |just |kinda |kind of )?(?:hate|love|like|dislike) (?:this|it|that)"
    r"(?: (?:one|so much|a lot))?(?= *$)",
    r"nailed it", r"(?:that|this|it|you) answered (?:it|that|my question)",
    r"not sure (?:that'?s|that is|this is|it'?s|it is) (?:right|correct|accurate|true)",
    # a score ("8/10", "4 out of 5"; bare text keeps no slash)
    r"^\d{1,3} (?:out of |of )?(?:5|10|100)(?!\w)", r"(?:\d|one|two|three|four|five|zero) stars?",
    r"(?:didn'?t|doesn'?t|does not|did not|not) (?:really )?(?:help|answer)\w*", r"misunderstood",
    r"not what i (?:asked|meant|wanted|hoped(?: for)?|expected|needed|"
    r"was (?:looking for|asking|hoping for|expecting))",
    r"(?:wrong|different|off|not the) topic", r"off-?topic", r"missed the point",
    r"(?:good|great|nice|bad|terrible|useless|stupid|dumb) (?:bot|careerbot)",
    # a correction of what was asked about: "I was asking about Kubernetes, not Docker" (not "I
    # meant Munich not Berlin", which corrects the profile)
    r"i (?:was asking|asked|meant|wanted(?: to know)?) about .{1,40}? not", r"not \w+ i asked",
)
# ... and words that rate only when they are about the answer ("that's wrong", "great answer"),
# not about the thing asked ("my query returns wrong rows").
_VERDICT = words_re(
    r"good", r"great", r"nice", r"perfect", r"clear", r"excellent", r"brilliant", r"solid",
    r"awesome", r"bad", r"terrible", r"awful", r"poor", r"wrong", r"incorrect", r"inaccurate",
    r"outdated", r"out of date", r"confus\w*", r"vague", r"right", r"correct", r"accurate",
    # the lukewarm ones: "that was ok I guess", "decent answer"
    r"(?:was|is|'?s) (?:ok(?:ay)?|alright|fine)", r"decent", r"so-?so", r"average", r"mediocre",
)
# The answer spoken of: by name ("the answer", "great explanation") ...
_ANSWER_NAMED = re.compile(
    r"(?<!\w)(?:(?:jobs|openings|matches|results|recommendations|list) (?:you|u) (?:show\w*|gave|give|found|"
    r"find|suggest\w*|recommend\w*|picked|sent)|"
    r"(?:the|that|this|your|ur|that last|the last) (?:answer|reply|response|explanation|"
    r"page|info\w*|result)s?|^(?:\w+ ){0,2}(?:answer|reply|explanation)s?)(?!\w)"
)
# ... or pointed at ("that's wrong", "you misunderstood", "wrong topic, I asked about Kafka").
_ANSWER_POINTED = re.compile(
    r"(?<!\w)(?:(?:wrong|different|off|not the) topic|i (?:asked|meant|wanted|was asking)|"
    r"you (?:got|answered|misread|misunderstood|missed|didn'?t|did not)|"
    # the openings on screen: "these look decent", "they all seem irrelevant"
    r"^(?:these|those|they)(?: all| ones)? (?:look|seem|sound|are)\b|"
    r"^(?:(?:hmm+|meh|well|ok(?:ay)?|nope|no|yes|yeah|wow|honestly|sorry|but|so|ugh|oh|nice|great|cool|"
    r"good|right|alright|hm) +)*"
    r"(?:(?:that|this)(?:'?s| is| was| wasn'?t| isn'?t| didn'?t| doesn'?t| does not| did not|"
    r" helped| really| answer\w*| one)|it(?: was| wasn'?t| didn'?t| doesn'?t| does not| did not|"
    r" helped| really)))(?!\w)"
)
# Praise said the way a job is praised: "good job", "well done, bot" (not a search for a job).
_PRAISE = words_re(r"(?:(?:really|very|such a|a) )?(?:good|great|nice|excellent|awesome|fantastic|amazing|"
                   r"brilliant|solid) (?:job|work)(?= *(?:bot|careerbot|there|mate|again)? *$)",
                   r"well (?:done|played)")
# Words of feedback about the bot ("where do I report a bug?", "can I suggest something?"): they
# ask that the message's meaning be read, which tells them from a topic ("feedback in code reviews").
_ON_FEEDBACK = words_re(r"feedback", r"bugs?", r"suggest\w*", r"complain\w*", r"complaints?",
                        r"feature requests?", r"rat(?:e|ing)s?", r"reviews?", r"stars?")
# What an answer is made of, as a suggestion names it ("a diagram would have helped").
_ANSWER_PARTS = (r"(?:examples?|code|samples?|snippets?|diagrams?|pictures?|images?|visuals?|links?|"
                 r"sources?|references?|summary|summaries|details?|bullet points?|bullets|steps|"
                 r"topics?|sections?|pages?|articles?|content|info|answers?|options?|buttons?|filters?|"
                 r"features?|tl ?dr)")
# A suggestion to the bot's makers, about what it covers or does ("you should cover event
# sourcing", "could you add kotlin to the topics?", "feature request: dark mode"): feedback,
# whatever subject it names. Said to the bot: a topic question asks how, not that it should.
_SUGGESTION = re.compile(
    r"^(?:(?:hey|hi|also|and|maybe|honestly|imo|btw|ok|okay|so|but|please|pls|plz|perhaps|just|oh|"
    r"bot|careerbot|i think|i feel|i reckon|one more thing|small|quick|a|one|my) )*"
    r"(?:suggestions?|feature requests?|(?:an? )?ideas? for (?:you|u|the bot|careerbot|this bot)|"
    r"(?:can|could|may) i (?:make |give |leave |send |offer |add )?(?:a |an |some |you )?"
    r"(?:suggest\w*|propos\w*|request (?:a|an|some))|"
    r"i (?:have|got|'ve got) (?:a |an |some |one )?(?:small |quick |little )?(?:suggestion|idea|request|"
    r"feature request|wish)(?:es|s)? (?:for|about|to improve|regarding) (?:you|u|the bot|careerbot|this bot)|"
    r"(?:you|u|ya)(?: guys| really| definitely| seriously| totally| honestly| also| all)* "
    r"(?:should|shud|ought to|need to|must|could|might want to|gotta|have to) (?:(?:really|also|maybe|"
    r"definitely|seriously|totally|probably|consider|think about) )*(?:add\w*|cover\w*|includ\w*|"
    r"support\w*|offer\w*|mention\w*|explain\w*|writ\w*|teach\w*|talk about|let|allow|have|show|get|"
    r"give|list|put|be able)|"
    r"(?:(?:can|could|would|will) (?:you|u) (?:please |pls )?|please |pls |plz )"
    r"(?:add|include|support|allow)|add (?:a |an |some |more )?(?:topics?|sections?|pages?|content|"
    r"info|stuff|answers?|articles?|material))(?!\w)"
    r"|(?<!\w)(?:(?:you|u) (?:don'?t|do not|dont|didn'?t|did not|never) (?:even |really |actually )?"
    r"(?:know|cover|mention|support|have (?:anything|"
    r"a topic|a page|info)) (?:about |on )?[\w#+.-]+|"
    r"(?:you|u)(?: guys| really| definitely| seriously| also)* (?:need|could use|should have) "
    r"(?:better|more|a better|some more|a lot more|way more)|"
    r"(?:a |an |some )?(?:topic|section|page|article|content|something|info) (?:on|about|for) .{1,60} "
    r"(?:would be|'d be|would) (?:nice|great|useful|helpful|cool|good|awesome|handy|help)|"
    r"(?:it )?(?:would|'d) (?:be )?(?:nice|great|cool|good|helpful|useful|awesome|handy|"
    r"better) if (?:you|u|the bot|careerbot|it|there (?:was|were)|i (?:could|can) \w+ (?:jobs|openings|"
    r"results|the list|by))|it would help if|"
    r"(?:it(?: would|'d)|would) (?:be )?(?:nice|great|cool|good|helpful|useful|awesome|handy|better) to "
    r"(?:have|see|get) (?:a |an |some |more )?(?:\w+ ){0,2}" + _ANSWER_PARTS + r"|"
    r"(?:i'?d|i would|would) (?:really )?(?:love|like|prefer|appreciate) (?:it )?if (?:you|u|the bot|"
    r"this bot|careerbot|it|there)|"
    # what the answer lacked: "a code sample would have helped", "more examples next time"
    r"(?:an?|some|more|fewer|less) (?:\w+ ){0,2}" + _ANSWER_PARTS + r" (?:would|could|might) (?:really )?"
    r"have (?:been )?(?:helped|nicer|better|useful|helpful|nice|good)|"
    r"(?:(?:give|add|include|show|use|put)(?: me| us| it| them)? )?(?:more|some|an?|fewer|less|better) "
    r"(?:\w+ )?" + _ANSWER_PARTS + r"(?: please)? next time|next time (?:please )?(?:give|add|include|"
    r"show|use|put)(?: me| us| it| them)? (?:(?:more|some|an?|fewer|less|better) )?(?:\w+ )?"
    + _ANSWER_PARTS + r"|"
    r"i (?:wish|hope) (?:you|u|the bot|this bot|careerbot|there (?:was|were)|(?:the|your|ur) (?:answers?|"
    r"replies|explanations?|responses?))|"
    r"(?:need|want|like to see|love to see|would like|missing) (?:\w+ )?(?:more|some) "
    r"(?:content|topics?|info|stuff|answers|pages|material|coverage) (?:on|about|for)|"
    r"more (?:content|topics|coverage|pages|material) (?:on|about|for))(?!\w)"
)
# A bug report in plain words: something of the bot's that fails ("the apply link goes to a 404",
# "the bot replied twice", "buttons do nothing"), or a bug found. Someone's own system ("my app
# crashes twice a day") or a question ("why does my pod crash") is a topic.
_MALFUNCTION = words_re(
    r"broken", r"(?:does not|doesn'?t|doesnt|don'?t|dont|won'?t|wont|isn'?t|aren'?t|not|never|"
    r"didn'?t|can'?t|cannot) (?:\w+ )?(?:work\w*|open\w*|load\w*|respond\w*|show\w*|do anything|"
    r"reply\w*|go anywhere|click\w*|press\w*)", r"do(?:es)? nothing", r"crash\w*", r"froze",
    r"freez\w*", r"hangs?", r"hung", r"stuck", r"404", r"errors?", r"twice", r"two times",
    r"duplicat\w*", r"glitch\w*", r"bugged", r"buggy", r"dead links?", r"timed? ?out",
    r"keeps? (?:repeating|crashing|sending|failing|looping)",
    r"never (?:finds?|shows?|returns?|gives?|loads?|works?)\w*", r"(?:not|stopped) (?:working|loading)",
    r"(?:so |too |very |a bit |really |super |kinda )?(?:slow|laggy|lagging)",
    r"(?:keeps? )?(?:getting|giving|showing|sending|get|gives|shows) (?:me )?the same (?:\w+ )?"
    r"(?:answers?|repl(?:y|ies)|jobs?|openings?|things?|messages?|results?)")
_BOT_PART = words_re(r"you", r"u", r"your", r"ur", r"careerbot", r"(?:the )?bot", r"buttons?",
                     r"links?", r"urls?", r"repl(?:y|ies)", r"answers?",
                     r"(?:the|your|ur|this|that) (?:jobs? |openings? )?list", r"(?:jobs?|openings?) list",
                     r"(?:job )?(?:recommendations?|matches|matching)", r"results")
_BUG_FOUND = words_re(r"(?:found|spotted|hit|noticed|there(?:'s| is| are)|got|report(?:ing)?|"
                      r"i think i (?:found|hit)) (?:a |an |some |another |one )?(?:small |weird |little |"
                      r"nasty |big )?(?:bugs?|glitch\w*)", r"^bug(?: report)?")


def _asks_something(rest: str, norm: str, situation: Situation) -> bool:
    """Whether what follows a greeting or thanks (bare) asks a question or for something."""
    return ("?" in norm or bool(situation.subjects) or _ASKING.match(rest) is not None
            or JOB_WORDS.search(rest) is not None or _REQUEST_START.match(rest) is not None)


# A verdict on the openings found: "these matches are way off", "your job matches are bad".
_MATCHES_VERDICT = words_re(
    # (not "the results are inaccurate when I use floats")
    r"(?:(?:these|those|your|ur|my|the) (?:job )?(?:matches|recommendations|picks)|(?:these|those|"
    r"your|ur) (?:job |search )?(?:results|suggestions)|the (?:job|search) (?:results|suggestions))"
    r"(?: (?:you|u) (?:gave|showed|sent|found)(?: me)?)? (?:are|were|is|was|seem|seems|look|"
    r"looks|feel)(?: (?:really|pretty|kinda|totally|completely|so|way|quite|very|all|not|just|a bit"
    r"|at all))* (?:off|bad|terrible|awful|useless|wrong|irrelevant|relevant|rubbish|poor|random|"
    r"spot on|great|good|perfect|helpful|useful|accurate|inaccurate|meh|garbage)")
# Asking how to reach the people behind the bot: "how do I contact whoever runs this".
_CONTACT_MAKERS = words_re(
    r"(?:contact|reach|talk to|email|message|get in touch with) (?:whoever|the people who|someone who|"
    r"the (?:people|team|person|folks) (?:who|that)) (?:runs|made|built|makes|maintains|created|run|"
    r"make|build|maintain) (?:this|you|careerbot|the bot|it)",
    r"(?:contact|reach|talk to|get in touch with) (?:the |your )?(?:makers?|creators?|developers?|devs|"
    r"team|owners?|admins?|support|people) (?:of|behind|for) (?:this|you|careerbot|the bot)",
    r"(?:contact|reach|get in touch with) (?:you|your (?:team|makers?|developers?|creators?|support))",
    # "who built this thing? how can I reach them" ("who made you?" alone is small talk)
    r"who (?:made|built|runs|created) (?:this|you|careerbot|the bot)\b.*\b(?:contact|reach|talk to) "
    r"(?:them|him|her)")


# Asking where ideas or reports for the bot's makers go ("is there somewhere I can send ideas",
# "where do I leave suggestions for the people who build this"); not feedback for someone else
# ("where do I leave feedback on a pull request", "how do I give feedback to my team").
_SEND_IDEAS = re.compile(
    r"(?<!\w)(?:where|somewhere|anywhere|someplace|some place|a place|a way|who)(?: [\w']+){0,3} "
    r"(?:send|leave|give|submit|share|drop|post|file|suggest|pass|direct|forward|report)\w*(?: [\w']+){0,2} "
    r"(?:ideas?|suggestions?|feedback|bug reports?|bugs|complaints?|feature requests?|comments|thoughts|"
    r"wishes)(?!\w)(?! (?:to|on|for|with|about) (?:my|our|a|an|his|her|their|someone|somebody|anyone|"
    r"people|colleagues?|co-?workers?|employees?|juniors?|peers?|team ?mates?|your (?:team|manager|boss|"
    r"colleagues?|reports?|peers?))\b)")
# Asking for what was reported to be fixed: "pls fix it", "can someone fix that".
_FIX_IT = words_re(r"(?:(?:please|pls|plz|can|could|would) (?:you |someone |somebody |ya )?)?(?:fix|repair|"
                   r"sort out|look into) (?:it|this|that|them|the (?:bug|links?|buttons?|bot|issue))"
                   r"(?: (?:please|pls|plz|asap|soon|already))?")


def _reports_or_suggests(plain: str) -> bool:
    """Whether a message (bare, normalised) reports a bug in the bot or suggests something to its
    makers: feedback the maintainers should read, not a topic question."""
    if _SUGGESTION.search(plain) or _MATCHES_VERDICT.search(plain) or _CONTACT_MAKERS.search(plain):
        return True
    if _QUESTION.search(plain) or _ASKING.match(plain) or _THEIRS.match(plain) \
            or _THEIR_SYSTEM.search(plain):
        return False
    return bool(_BUG_FOUND.search(plain) or (_MALFUNCTION.search(plain) and _BOT_PART.search(plain)))


_ADVICE_ASKED = re.compile(r"^(?:how|what|whats|what's|why|when|should|is|are|does|do)\b")
_YOU = words_re(r"you", r"your", r"u", r"ur", r"yourself")
# A rating that is no bad one: "not bad", "not too bad at all".
_NOT_NEGATIVE = words_re(r"not (?:too |that |so |half |all that )?(?:bad|terrible|awful|shabby)(?: at all)?")
# The bot spoken of, as a verdict speaks of it: "worst bot ever", "this thing is a joke".
_BOT_NAMED = words_re(r"(?:this|the|a|what a|such a|worst|best) (?:[\w-]+ )?"
                      r"(?:bot|chat ?bot|thing|tool|service)",
                      r"careerbot", r"bot")
# What makes a rating a bad one.
_NEGATIVE = words_re(
    # sarcasm and verdicts on the bot: "thanks for nothing", "what a waste of time"
    r"for nothing", r"(?:no|not much|not any|of no) (?:help|use)", r"waste of (?:my |your )?time",
    r"sucks?", r"rubbish", r"garbage", r"a joke", r"worst", r"hate", r"dislike",
    r"(?:don'?t|dont|do not|didn'?t|did not) (?:really |much |particularly )?like", r"disappoint\w*",
    r"underwhelm\w*", r"mediocre", r"not (?:very |that |so |too )?impress\w*", r"could be better",
    r"broken", r"(?:don'?t|doesn'?t|didn'?t|isn'?t|aren'?t|not) (?:work\w*|do(?:ing)? anything)",
    r"unhelpful", r"useless", r"pointless", r"irrelevant", r"wrong", r"incorrect", r"inaccurate",
    r"outdated", r"out of date", r"bad", r"terrible", r"awful", r"poor", r"confus\w*", r"vague",
    r"misunderstood", r"misread", r"missed", r"meh", r"nope", r"(?:wrong|different|off|not the) topic",
    r"thumbs down", r"already knew", r"knew (?:that|this|it|all (?:that|this)) already",
    r"too (?:basic|generic|shallow|vague|long|wordy|short|brief)", r"not quite",
    r"off-?topic", r"off", r"stupid", r"dumb", r"not sure (?:that|this|it)", r"(?:[0-2]|one|two|zero) stars?",
    r"^[0-4] (?:out of |of )?10(?!\w)", r"^[0-2] (?:out of |of )?5(?!\w)",
    r"not (?:\w+ ){0,2}(?:answer|reply|expected|wanted|looking|asked|meant)",
    r"(?:didn'?t|doesn'?t|does not|did not|not|isn'?t|wasn'?t|never) (?:really |very |so |that |"
    r"quite |at all )?(?:help\w*|useful|answer\w*|good|great|clear|right|correct|accurate|what i)",
    r"i (?:was asking|asked|meant|wanted(?: to know)?) about .{1,40}? not", r"not \w+ i asked",
)
# A verdict said alone: "meh", "wrong!", "not quite".
_SHORT_VERDICT = words_re(r"(?:hmm+ |well |lol )?(?:meh|not quite(?: right)?|wrong|incorrect|inaccurate)",
                          r"(?:ugh+ |meh |hmm+ )?(?:way |far |a bit |much )?too (?:long|wordy|short|brief)",
                          r"(?:very |so |really |pretty )?(?:bad|terrible|awful|poor|rubbish|garbage|trash)")
# A verdict said with nothing else but hedges ("kind of superficial", "hmm, disappointing", "it's
# fine I suppose", "nice, very clear"): after an answer such words judge it. Asking for a change
# now ("simpler please", "shorter?") is no verdict but the follow-up. The good words are read
# first, so that "not bad", "short and sweet" and "more like it" are not read as bad ones.
_JUDGED_GOOD = words_re(
    r"not (?:too |that |so |half |all that )?(?:bad|terrible|awful|shabby|long|wordy)", r"short and sweet",
    r"(?:(?:that|it)(?:'?ll| will) |will )do", r"do(?:es)? the (?:job|trick)", r"more like it",
    r"makes sense", r"to the point", r"easy to (?:follow|understand|read|digest)", r"spot on", r"on point",
    r"(?:well|nicely|clearly|neatly|simply) (?:explained|put|written|said|structured|done|laid out)",
    r"explained (?:well|nicely|clearly)", r"crystal clear", r"clear(?:er)?", r"good", r"great", r"nice",
    r"helpful", r"useful", r"solid", r"excellent", r"perfect", r"brilliant", r"amazing", r"awesome",
    r"fantastic", r"superb", r"informative", r"insightful", r"interesting", r"thorough", r"detailed",
    r"concise", r"succinct", r"comprehensive", r"neat", r"fine", r"alright", r"all right", r"decent",
    r"reasonable", r"better", r"gold", r"handy", r"accurate", r"correct", r"cool", r"lovely",
    r"enlightening", r"illuminating", r"readable",
)
# Bad verdicts that say what the answer lacked: depth, or plain and few words.
_TOO_SHALLOW = (r"thin", r"shallow", r"superficial", r"surface[- ]level", r"high[- ]level", r"basic",
                r"generic", r"short", r"brief", r"lacking", r"incomplete", r"sparse", r"sketchy")
_TOO_HARD = (r"technical", r"complicated", r"complex", r"confus\w*", r"jargon\w*", r"dense",
             r"over my head", r"hard to (?:follow|understand|read)", r"unclear", r"long(?:[- ]winded)?",
             r"wordy", r"verbose", r"lengthy", r"rambl\w*", r"tl ?dr", r"didn'?t read", r"too much")
_JUDGED_BAD = words_re(
    *_TOO_SHALLOW, *_TOO_HARD, r"vague", r"dry", r"boring", r"dull", r"bland", r"weak", r"lame", r"poor",
    r"bad", r"terrible", r"awful", r"disappoint\w*", r"underwhelm\w*", r"(?:a )?let ?down", r"hand[- ]?wavy",
    r"fluffy", r"meh", r"mediocre", r"so[- ]?so", r"outdated", r"out of date", r"wrong", r"incorrect",
    r"inaccurate", r"irrelevant", r"useless", r"unhelpful", r"pointless", r"repetitive", r"redundant",
    r"simplistic", r"obvious", r"could (?:be|have been) better",
)
_HEDGES = words_re(
    r"honestly", r"tbh", r"imo", r"imho", r"frankly", r"seriously", r"really", r"very", r"so", r"pretty",
    r"quite", r"kind of", r"kinda", r"sort of", r"sorta", r"a (?:little |tiny )?bit(?: of)?", r"little",
    r"a tad", r"tad", r"somewhat", r"rather", r"fairly", r"way", r"far", r"too", r"overly", r"super",
    r"totally", r"completely", r"just", r"bit", r"still", r"overall", r"all in all", r"to be honest",
    r"i (?:guess|suppose|think|feel|mean|must say|have to say|gotta say)", r"i'?d say", r"hm+",
    r"u+h*m+", r"well", r"oh", r"ah", r"ok(?:ay)?", r"yeah", r"yes", r"yep", r"no", r"nah", r"nope",
    r"wow", r"lol", r"not", r"isn'?t", r"wasn'?t", r"enough", r"at all", r"though", r"tho", r"but",
    r"and", r"then", r"now", r"actually", r"definitely", r"admittedly", r"i'?m afraid", r"fair", r"much",
    r"stuff", r"an?", r"the", r"one", r"(?:that|this|it|which)(?:'?s| is| was| seems?| looks?| sounds?|"
    r" feels?| felt| reads?| read)?", r"(?:answer|reply|explanation|response|page|info)",
)
_NEGATED = words_re(r"not", r"isn'?t", r"wasn'?t", r"never", r"hardly")


# What a bad verdict says the answer lacked, so that the reply can offer it: depth ("too shallow",
# "I was hoping for more"), an example ("no examples at all"), plainer words ("too technical",
# "way too long").
_WANTS = {
    "example": words_re(r"examples?", r"code", r"samples?", r"snippets?", r"concrete", r"in practice"),
    "more": words_re(*_TOO_SHALLOW, r"lacks", r"(?:hoping|expecting) (?:for )?more", r"expected more",
                     r"detail\w*", r"depth"),
    "simpler": words_re(*_TOO_HARD),
}


def lacked(text: str) -> str | None:
    """The follow-up a bad verdict asks for without asking ("too shallow": "more"), or None."""
    plain = bare(_spelled(normalize(text)))
    return next((kind for kind, said in _WANTS.items() if said.search(plain)), None)


def bare_verdict(plain: str) -> bool | None:
    """A message (bare, normalised) that only judges, with hedges ("kind of superficial", "not
    great tbh"): whether the verdict is a good one; None for any other message."""
    good = _JUDGED_GOOD.sub(" ", plain)
    bad = _JUDGED_BAD.sub(" ", good)
    if bad == plain or _HEDGES.sub(" ", bad).strip():
        return None
    # "not great" is a bad verdict, "not too long" a good one
    return (_JUDGED_BAD.search(good) is None) != (_NEGATED.search(good) is not None)


_SOMEONES = re.compile(r"^(?:my|our|his|her|their|the)\b")
_THEIRS = re.compile(r"^(?:my|our|his|her|their)\b")
# Something of one's own, not the bot's answer to one ("mocks make my tests useless" vs "useless,
# you ignored my question").
_OWN_THING = re.compile(r"\b(?:my|our) (?!(?:question|questions|request|message|time)\b)\w")
# A question tagged on asks nothing: "you're not much use, are you".
_TAG = re.compile(r"(?:is|are|was|were|do|does|did|can|could|will|would|have|has)(?:n'?t| not)? "
                  r"(?:you|it|that|they|this|we|i|there)")
# A question asks; a rating says ("is this useful for a beginner?" is no rating).
_ASKING = re.compile(r"^(?:is|are|was|were|does|do|did|should|can|could|how|what|why|when|which|"
                     r"where|who|will|would)\b")
# Asking for something after a thanks ("thanks, now show me remote jobs").
_ASKS_FOR = words_re(r"tell", r"show", r"give", r"find", r"list", r"explain", r"search", r"send",
                     r"get", r"can you", r"could you", r"please", r"help", r"what", r"how", r"why",
                     r"now", r"next", r"also", r"but")
# The manual: "help" on its own or first, or a question about the bot itself.
_HELP = words_re(
    r"how (?:do|can|should) i use (?:this|you|the bot|this bot|careerbot)(?= *$)",
    r"what can (?:you|u) do", r"how does this (?:bot )?work",
    r"what (?:else )?(?:can|should) i ask(?: you)?(?= *$)",
    r"commands?",
    r"how to use (?:this|the) bot", r"(?:what|who) are you$", r"usage", r"what do you do",
    r"instructions", r"(?:how (?:do i |to )?|explain how to )talk to you", r"(?:this|the) bot",
    r"what (?:should|do|can) i (?:type|say|write)(?: here)?",
    r"(?:quick )?tour", r"manual", r"features",
    r"what (?:exactly |even )?(?:are|r) (?:you|u) (?:for|good for|meant for|here for)",
    r"what (?:else |exactly |actually |really |even )+can (?:you|u) do",
    r"what can (?:you|u) (?:actually |really |even )do",
    r"i'?m (?:a bit |so |kind of |kinda |completely |totally |a little )?lost(?: here)?(?= *$)",
    r"(?:tell me|say) (?:a bit |something |a little )?about (?:yourself|you)(?= *$)", r"introduce yourself",
    r"(?:is there|got|have you got|do you have) (?:a |an |any |some )?(?:kind of |sort of )?(?:tutorial|"
    r"walkthrough|guide|intro)(?= *$)",
    r"what(?:'s| is) (?:your|ur) (?:purpose|point|job here)",
    r"(?:which|what) (?:services|features|functions) (?:do |can )?(?:you|u) (?:provide|offer|have|support)",
)
_TOPICS = words_re(
    r"(?:list|show|all|which|what|available)(?: of| me| the| your)*(?: [\w-]+)? topics?",
    r"topics?(?: list)?", r"what (?:can|do) you (?:know|talk) about",
    r"what do you know", r"menu", r"subjects?", r"what can you (?:answer|cover|explain|teach)",
    r"table of contents", r"catalog(?:ue)?", r"what can i learn",
    r"(?:so )?(?:what|which)(?: are| is)?(?: all)?(?: the)?(?: other)? (?:things|stuff|subjects|topics|areas|"
    r"questions) (?:i|we) (?:can|could|should|may) ask(?: you)?(?: about)?",
    r"what (?:areas|fields|kinds? of (?:questions|things)|things)\b.* (?:do|can) you",
    r"(?:what|which)(?: [\w-]+)? (?:topics?|subjects?) (?:do|can|could) (?:you|u) (?:know|have|cover|"
    r"explain|teach|answer|talk)(?: about)?",
)
# The right to work, which is no work asked for: "would I need a work permit?"
_PERMIT = r"permits?|visas?|authori[sz]ations?|rights?"
JOB_WORDS = words_re(
    # not the technical kind: "a background job", "a cron job", "the job queue"
    r"(?<!background )(?<!cron )(?<!batch )(?<!scheduled )(?<!etl )(?<!sidekiq )(?<!celery )"
    r"jobs?"
    r"(?! queues?| schedulers?| runners?| seekers?| hunters?)",
    r"openings?", r"roles?", r"positions?", r"vacanc(?:y|ies)", r"gigs?",
    r"opportunit(?:y|ies)", r"hiring", r"job offers?", r"postings?", r"listings?", r"careers? page",
    r"work for me", r"employment", r"internships?", r"recruiting",
    # the terms standing for the job: "any short term contracts?", "freelance work"
    r"(?:short|long|fixed)[- ]term contracts?", r"freelance (?:work|gigs?|projects?|roles?)",
    r"contract(?:ing)? (?:work|gigs?|roles?|positions?)",
    # "got any python work going?" (not "any work-life balance tips")
    r"(?:any|is there|are there) (?:any )?(?:[\w.#+/]+ ){0,2}work(?![\w-])"
    r"(?! (?:on|with|for|in|as|at|out|life|experience|around|load|flow|ethic|" + _PERMIT + r")\b)",
    # "looking for backend work in Germany" (not "to work", "work with"; "looking for hybrid
    # work" is a wish of the profile)
    # who is hiring, said of people: "is anyone looking for a golang engineer", "where could a rust
    # dev work"
    r"(?:any ?one|any ?body|who(?:'?s| is)?|which (?:teams|companies|firms|employers|startups)|"
    r"companies|firms|employers) (?:are |is )?(?:looking for|hiring|recruiting|seeking|searching for) "
    r"(?:an? )?(?:[\w#+.-]+ ){0,2}(?:developers?|devs?|engineers?|programmers?|people|folks|talent)",
    r"where (?:can|could|would|might) (?:an? )?(?:[\w#+.-]+ ){0,2}(?:developers?|devs?|engineers?|"
    r"programmers?) (?:find )?work",
    # work asked for: "give me work in berlin", "what work do you have", "where can I apply as a
    # django dev", "what's available for rails people"
    r"(?:give|find|get|show|send) me (?:some |a |any )?(?:[\w.#+/]+ )?work(?![\w-])"
    r"(?! (?:on|with|out|life|experience|flow|load|examples?|ethic|" + _PERMIT + r")\b)",
    r"what (?:\w+ )?work (?:do |have )?(?:you|u) (?:have|got)", r"where (?:can|could|should|do) i apply",
    r"(?:what'?s|what is|anything|something) (?:available|open) for (?:an? )?(?:[\w#+.-]+ ){0,2}"
    r"(?:developers?|devs?|engineers?|people|folks|programmers?|juniors?|seniors?|graduates?|grads?)",
    # "any work for a spring developer?" (not "any work for the weekend")
    r"(?:any|some|is there|are there) (?:any )?(?:[\w.#+/]+ )?work for (?:an? )?(?:[\w#+.-]+ )?"
    r"(?:developers?|devs?|engineers?|programmers?|juniors?|seniors?|graduates?|grads?|beginners?|students?)",
    r"(?:looking for|seeking|searching for|need|want) "
    r"(?!(?:(?:fully|partly|full-time|part-time) )?(?:remote|hybrid|on-?site|office) work)"
    r"(?:(?!to\b)[\w.#+/-]+ ){0,3}work"
    r"(?! (?:on|with|for|in (?:a|an|the|my)|as|" + _PERMIT + r")\b)",
)
# A level or remote word ("lead python roles", "hybrid go jobs") also makes it a request.
_REQUEST = words_re(
    r"any(?:thing|one|body)?", r"find", r"show", r"list", r"recommend\w*", r"suggest\w*", r"available",
    r"open",
    r"for me", r"match\w*", r"fit\w*", r"suit\w*", r"looking for", r"search\w*", r"new", r"latest",
    r"who(?: is|'?s| are|'re) hiring", r"are there", r"is there", r"you (?:have|got)",
    r"(?:which|what) (?:teams|companies|firms|employers|startups)", r"where (?:can|could|would|might)",
    # the person searching: "i m looking job for python", "searching remote position" (not
    # "what to look for in a job offer")
    r"(?:i|i'?m|im|i m|am|we'?re|we are) (?:\w+ )?(?:looking|searching|seeking)",
    r"^(?:looking|searching|seeking)",
    r"i (?:want|need) (?:a |an |some |new |another )?(?:[\w#+.-]+ ){0,2}"
    r"(?:jobs?|work|roles?|positions?|gigs?)",
    r"what (?:jobs|openings|positions|vacancies|internships)", r"got", r"give me", r"browse",
    # "I'd like to see php openings", "can I see the remote ones?"
    r"(?:like|love|want|wanna) to see", r"(?:let me|can i|could i|may i) see",
    r"entry", r"in [a-z]+", r"near me", r"nearby", r"around here", r"close to me",
    # for whom: "jobs for python developers", "roles for a junior"
    r"for (?:an? )?(?:[\w#+.-]+ )?(?:developers?|devs?|engineers?|programmers?|juniors?|seniors?|"
    r"graduates?|grads?|beginners?|students?)",
)
# Openings asked for by how they fit, without a job word: "which ones fit me?", "show me what
# suits me" (one of a list on screen, "which one fits best?", is a question about it).
_WHAT_FITS = words_re(
    r"which ones (?:\w+ )?(?:fit|suit|match)(?: me| my)", r"what (?:fits|suits|matches) (?:me|my)",
    r"(?:show|list|give) me what (?:fits|suits|matches|you'?ve got|you have)",
    r"(?:anything|something) (?:for me|that (?:fits|suits|matches))")
# Advice about the job hunt is the job-search topic, not a search for openings.
_ADVICE = words_re(
    r"how (?:do|can|should|to)", r"tips?", r"advice", r"prepare", r"cv", r"resume", r"cover letter",
    r"interview\w*", r"negotiat\w*", r"salary", r"portfolio", r"linkedin", r"apply(?:ing)? to",
    r"applying", r"write", r"what (?:is|are|does)",
    r"what'?s(?! (?:hiring|open|available|out there|there)\b)",
    r"(?:job|hiring|labou?r) markets?",  # "ruby job market" asks how it is, not for openings
    r"why", r"how (?:is|are|will|does)",
    r"when should", r"should i", r"career path",
    # "do I need german for tech jobs?" asks what it takes, not for openings
    r"do (?:i|we|you) (?:really )?(?:need|have to|must)", r"is (?:it|a \w+) (?:required|needed|necessary)",
    # "the role of backend in web development" describes a function, not a vacancy
    r"(?:role|position)s? of", r"the role",
    # "what roles are available?" asks for openings
    r"what roles?(?! (?:are |is )?(?:(?:currently|still|now) )?(?:available|open|hiring)\b)",
    # "any roles for a c++ engineer in munich?" asks for them
    r"(?<!any )roles? (?:in|for) (?:a|an|the)(?! (?:uk|us|usa|eu|emea|netherlands|united|bay area)\b)",
    # a judgement of jobs in general, not a search: "is it hard to get a job in c#?", "do remote
    # jobs pay less?", "what do companies mean by 'full stack' in job ads?"
    r"is it (?:\w+ )?(?:hard|harder|easy|easier|ok|okay|bad|normal|common|realistic|worth|wise|smart|"
    r"too late|difficult|risky|weird)",
    r"(?:is|are) (?:[\w.#+-]+ ){1,4}(?:common|rare|hard|easy|worth it|normal|realistic|popular|dying|"
    r"in demand|mostly)",
    r"in demand", r"what other (?:roles|jobs|positions|careers?|options)",
    r"(?:do|does) (?:[\w.#+-]+ ){0,4}(?:jobs|roles|positions|companies|employers|recruiters|postings) "
    r"(?:pay|require|need|expect|want|prefer|mean|care|ask|look)",
    r"what do (?:[\w'-]+ ){1,3}(?:mean|expect|look for|want|ask|care about)",
    r"can (?:that|this|it) (?:\w+ )?lead",
)
# "the second one", "that job", "the Stripe role", "which of them": one opening on screen.
_REFERENCE = words_re(
    # a name of two words too: "the new york one", "the kestrel pay job"
    r"(?:the|that|this) (?:[\w-]+ ){0,2}(?:one|job|role|position|opening|offer)"
    r"(?! (?:market|search|hunt|emails?|alerts?|boards?|interviews?|titles?|ads?))",
    r"(?:which|any|one) of (?:them|these|those)",
    # "none of them is remote?" asks about them; "none of these are any good" rates the list
    r"none of (?:them|these|those)(?! (?:is|are|were|was|looks?|seems?) (?:any |much |very |really )?"
    r"(?:good|great|useful|relevant|interesting|right|helpful))",
)
# With openings on screen: "is it remote?", "what do they need?", "where is that?"
_POINTER = words_re(r"it", r"its", r"it'?s", r"they", r"them", r"their", r"theirs", r"there", r"those",
                    r"these", r"which one", r"^is (?:that|this)", r"(?:that|this)(?= *$)")
# The fit asked about oneself, with openings on screen: "what's missing for me?", "do I qualify?"
_MY_FIT = words_re(r"what(?:'s| is| am i| would i be| do i) (?:still )?missing",
                   r"(?:do|would|could|will) i (?:qualify|fit|match|get it|stand a chance)",
                   r"am i (?:a )?(?:good |strong )?(?:fit|match|qualified)",
                   r"what (?:else )?(?:do|would|should) i (?:need|lack)(?: for (?:it|that|this))?")
# The job itself asked about in the first person: "who would I report to?", "would I travel?"
_MY_JOB = words_re(r"(?:who|whom) (?:would|will|do|does|should) i (?:be )?report(?:ing)? to",
                   r"(?:would|will|do) i (?:have to |need to )?(?:report to|relocate|travel|be on call|"
                   r"work (?:from|in|at|with|on|alone|nights|weekends))",
                   r"(?:how much )?(?:would|will|could) i (?:earn|make|get paid)")
# Asked right after telling the profile, a bare "anything?" wants openings for it.
_ANYTHING = words_re(r"(?:so |and |ok |okay )?(?:any(?:thing)?|something)(?: (?:at all|yet|now|then|good|"
                     r"out there|around|going|new|open|there))?",
                     # "I moved to Lisbon, show me what's there": there is the place just told
                     r"(?:ok |okay )?(?:so )?(?:(?:show|tell) me )?what(?:'s| is)? (?:out )?there",
                     r"now what",
                     r"(?:so |ok |okay |now |then )?(?:show|find) me(?: (?:then|now|please|pls|some))?",
                     r"go ahead", r"let'?s see")
# "what's the level?", "and the salary?", "how many days in the office?": a fact of the opening
# on screen, asked with "the" or by a quantity.
_ASKS_THE = re.compile(r"^(?:and |so |ok |okay )?(?:(?:(?:what|where|how)(?:'?s| is| about) |how about |"
                       r"and )?the\b|how (?:many|much|often)\b"
                       # "how big is the team?", "when is the start date?": of the thing on screen
                       r"|(?:what|where|how|when|who) (?:\w+ )?(?:is|are|was|were) the\b)")
# "the" made general: "what is the best language to learn?", "how long is the typical interview?"
# ask about the world, not about the openings on screen ("the best fit" still is one of them).
_IN_GENERAL = words_re(r"best(?! (?:fit|match|one|option)\b)", r"typical(?:ly)?", r"average",
                       r"usual(?:ly)?", r"normal(?:ly)?", r"common(?:ly)?", r"general(?:ly)?")


def in_general(text: str) -> bool:
    """Whether a question asks about the world rather than the openings on screen ("how long is
    the typical interview?")."""
    return _IN_GENERAL.search(normalize(text)) is not None


# Narrowing the list on screen: "only the remote ones", "and in Berlin?", "what about hybrid?"
_FILLERS = r"(?:ok|okay|so|then|hmm+|well|alright|right|oh|ah)"
_NARROWING = re.compile(r"^(?:" + _FILLERS + r" )*(?:and|what about|how about|only|just|any|anything|"
                        r"something|show me|but|now)\b")
# The words a message may open with before it says anything: "hmm ok, what about go instead".
_OPENING_FILLERS = re.compile(r"^(?:" + _FILLERS + r"\b[\s,.!-]*)+", re.IGNORECASE)
# Plain words about oneself: "I know Go", "my stack is Rails", "I'm a senior", "I live in Oslo".
_STATEMENT = re.compile(
    r"^(?:so |well |ok |okay |hi |hello |also |actually |sorry |oh |oops |and |but |btw |hmm )*"
    r"(?:i know|(?:also )?know(?= )|"
    r"i(?:'m| am) (?:good|skilled|experienced|proficient|fluent) (?:at|in|with)|"
    r"my (?:skills?|stack|tech stack|level|experience) (?:are|is|includes?)|"
    r"my (?:skills?|stack|tech stack):|"
    r"i (?:work|code|program|develop) (?:with|in)|"
    r"i(?:'ve| have) (?:been )?(?:coding|programming|doing|using|writing|working (?:with|in))|"
    r"i (?:have|got) (?:\d+ (?:years?|yrs?) (?:of )?)?experience (?:with|in)|"
    r"i(?:'m| am) (?:a |an |now )?(?:" + LEVEL_NAMES + r")(?![\w])|"
    r"i(?:'m| am) (?:an? )?(?:[\w#+.-]+ ){0,3}(?:developer|engineer|dev|programmer|sre|student|"
    r"graduate|architect|admin)|"
    r"i use|i do|i(?:'ve| have) (?:worked|been working) with|i can (?:code|program|write) (?:in )?|"
    r"i also (?:know|use|do)|i live in|(?:i(?:'m| am) )?(?:based|located|living) in|"
    r"i(?:'m| am) (?:in|from) |i (?:only )?(?:want|prefer|would like|'d like)|"
    r"i(?:'m| am) (?:only )?(?:looking for|open to|after)|i (?:just )?graduated|"
    r"i (?:moved|relocated) to|i(?:'m| am) (?:moving|relocating) to|"
    r"(?:i'?d |i would |would )(?:be (?:willing|happy|open|glad) to )?(?:move|relocate) |"
    r"i (?:manage|lead|run|head) (?:a|the|my|our) |"
    r"i (?:stopped|don'?t do|no longer)|i meant|\d+ (?:years?|yrs?)|(?:remote|hybrid|on-?site) "
    r"(?:or|and) )"
)
# Asking about a subject, not saying anything about oneself: "tell me about remote work",
# "what is remote work like" are no profile, however close they are to "I want remote work".
_ASKS_ABOUT = re.compile(r"^(?:(?:so|ok|okay|and|hey|hi|please|can you|could you|pls) )*(?:tell me(?: more)? "
                         r"about|what(?:'s| is| are| does| do)|explain|describe|how|why|when|"
                         r"(?:help|show|teach|give) me)\b")
_ME = (r"i", r"i'm", r"im", r"i've", r"i'd", r"i'll", r"my", r"mine", r"me", r"myself")
_FIRST_PERSON = words_re(*_ME, r"we", r"our", r"us")
_ABOUT_ME = words_re(*_ME)
# Editing the profile outright: "add terraform to my skills", "set my location to Oslo".
_PROFILE_EDIT = words_re(
    r"(?:add|remove|delete|drop) .{1,40} (?:to|from) my (?:skills|profile|stack)",
    r"(?:set|change|update) my (?:level|location|city|skills|remote\w*)",
    r"(?:^|(?:show|see|view|edit|update|change|set up|open|check) (?:me )?)my profile",
    r"(?:set|update|edit|change|show|see|view) profile", r"what'?s (?:in )?my profile",
)
# Taking a skill out of the profile: "forget kubernetes", "I don't do PHP anymore".
_DROP = re.compile(r"^(?:please |actually |oh |and |also |hmm |oops |sorry )*(?:forget(?: about)?|"
                   r"remove|drop|delete|scratch|strike|erase|take (?:out|off)|get rid of|swap|replace|"
                   r"cross (?:out|off)|no (?:more|longer)|not(?! (?:sure|really|yet|much|quite)\b)|"
                   r"i (?:don'?t|do not|no longer|never) (?:do|use|know|work with|touch|write|code in)|"
                   r"i (?:stopped|quit)(?: doing| using| working with| writing)?|i gave up(?: on)?)\b")
_QUESTION = words_re(r"what", r"how", r"which", r"should", r"why", r"can you", r"could you",
                     r"where (?:do|should|can|would) i")
# The one-line form without the command: "skills: go, rust", "level: senior; remote: yes".
PROFILE_FIELD = re.compile(r"^(?:my )?(skills?|stack|level|seniority|remote|years?|experience|"
                           r"locations?|cit(?:y|ies)|places?)\s*[:=]\s*(.*)$", re.DOTALL)
# Taking the last change back in words, like the Undo button.
UNDO = words_re(r"undo(?: that| it| this| the last change| my last change)?(?: please)?",
                r"revert(?: that| it)?", r"put it back", r"change it back")
# A message that asks: a question mark, or a question word or auxiliary first.
_ASKS = re.compile(r"^(?:what|whats|what's|how|which|why|where|when|who|should|can|could|is|are|"
                   r"do|does|did|will|would|any|tell me|explain|walk me through|"
                   r"(?:show|teach) me (?:how|what|why|when|where|which))\b")
# Wanting to learn something is a question for a topic, not a fact about oneself.
_LEARNING = words_re(r"learn\w*", r"stud(?:y|ying)", r"understand\w*", r"explain\w*", r"teach\w*",
                     r"improve", r"get (?:better|good|into|started)", r"practi[cs]e\w*", r"become",
                     r"switch\w*", r"transition\w*", r"start\w*", r"begin\w*",
                     # "i want to know what is the microservices"
                     r"(?:to )?know (?:what|how|why|which|when|where|about|more)")
# The words around facts about oneself: "open to", "works for me", "here", "by the way".
_SELF_WORDS = STOPWORDS | frozenset("""
    open happy fine works prefer preferred preferably ideally btw based live living background
    located currently now mostly mainly fully daily professionally dev devs developer engineer
    engineering
    programmer coder backend sorry oops either call myself level years yrs experience experienced
    exp stack skills skill tech writing written coding programming proficient fluent solid strong
    decent comfortable familiar anymore instead rather add added plus remove drop scratch
    student graduate freelancer contractor person guy girl also meant typo correction update
    location city place places wish mode onsite site days week okay cool good great
    wrote said typed put mistake wrong second thought thinking think guess mind changed new
    right correct
""".split())  # noqa: SIM905 - a word list reads better as text
_COMPARING = frozenset(("versus", "compared", "compare", "comparison", "better", "difference"))
# One thing or another for a purpose: "django or fastapi for my first api" (not "go or rust, remote").
_WEIGHING = re.compile(r"\bor [\w.#+-]+ (?:for|to)\b")
# Who the person is, said outright: with them, skills or places alone describe the person.
_SELF_MARKERS = frozenset(("i", "im", "ive", "id", "my", "me", "myself", "also", "add", "plus",
                           "here", "mostly", "mainly", "primarily", "too",
                           # what one is, said tersely: "php + laravel dev, munich"
                           "dev", "developer", "engineer", "programmer", "coder", "person"))
# A question put after its subject, without a question mark ("openapi swagger do I need it").
_INVERTED = words_re(r"(?:do|does|should|shall|can|could|would|will|is|are|am) (?:i|we|it)")
# Asking what something means: "server-side developer meaning".
_DEFINING = words_re(r"meaning", r"definition", r"defined", r"means", r"explained")
# The terse markers of what one is, and the words before them that make them the work instead
# ("for local dev", "web dev tooling").
_TERSE_SELF = frozenset(("dev", "developer", "engineer", "programmer", "coder", "person"))
_NOT_A_PERSON = frozenset(("for", "local", "in", "to", "of", "during", "while", "when", "the",
                           "prod", "production"))
# A statement about someone or something else ("the movie was mid", "her stack is java").
_THIRD_PARTY = re.compile(r"^(?:the|his|her|their|its|this|that)\b")
# Words of a correction: the capitalised names in it are places ("it's Leeds, not London").
_CORRECTING = frozenset(("not", "instead", "meant", "wrong", "rather", "actually"))
# A statement that is a wish for openings ("I want remote go jobs") is a request, not a profile.
_WISH = re.compile(r"i (?:only )?(?:want|prefer|would like|'d like)|i(?:'m| am) (?:only )?"
                   r"(?:looking for|open to|after)")
# Help or showing asked of the bot: "help me with kubernetes", "show me docker examples".
_BID = re.compile(r"^(?:(?:please|pls|can you|could you) )?(?:help|show|teach) me\b|"
                  r"^i (?:need|want|would like|'d like) (?:some |a little |a bit of )?help\b|"
                  r"^(?:can|could|would) you help\b")
# What a wish wants when it is to learn: "I want to learn go", "I'd like to become a devops engineer".
_TO_LEARN = words_re(r"to (?:learn|study|understand|master|become|get (?:better|good) (?:at|with)|get into|"
                     r"pick up|start (?:learning|with))",
                     # a career move: "I want to move from php to go", "I'd like to switch into devops"
                     r"to (?:move|switch|transition|pivot|change|go) (?:over )?"
                     r"(?:from [\w#+.-]+(?: [\w#+.-]+)? )?(?:to|into)")
# Wishing to know about something asks about it ("i would like to know about kubernetes"), as
# people put a question without its question word.
_WANTS_TO_KNOW = words_re(r"(?:want|wanna|like|wish|need|love|hoping|trying) to (?:know|understand|learn) "
                          r"(?:what|how|why|which|when|where|about|more)")
# "anything for me?", "what's out there for me?": a request for openings without a job word.
_FOR_ME = words_re(r"any(?:thing)?(?: good)? (?:for me|out there|open|available)",
                   r"what(?:'s| is) (?:available|open)"
                   r"(?: (?:in|near|around) [a-z]+(?: [a-z]+)?| for me| near me|"
                   r" (?:right )?now| at the moment)?(?= *$)",
                   r"any(?:thing)?(?: \w+)? (?:remote|hybrid|on-?site|near me|nearby)(?= *$)",
                   r"anything in [a-z]+(?: [a-z]+)?(?= *$)",
                   # "got anything remote in europe for a python person?"
                   r"(?:got|you got|have you got|do you have|is there) (?:anything|something)"
                   r"(?= .*\b(?:remote|hybrid|on-?site|for me|near me|in (?!a\b|an\b|the\b)[a-z]+)\b)",
                   r"what(?:'s| is| have you got| do you have| can you find)? (?:out )?(?:there )?for me",
                   # "I'm a go dev. What's out there?", "anything for someone like me?"
                   r"what(?:'s| is) out there(?= *$)",
                   # "looking for something part-time": the terms of a job stand for it
                   r"(?:something|anything) (?:part[- ]?time|full[- ]?time|permanent|freelance|"
                   r"on (?:a )?contract|contract)",
                   r"(?:any(?:thing)?|something) for (?:someone|somebody|people|folks) like me",
                   r"(?:show|find|give) me (?:something|anything|what (?:fits|matches|you(?:'ve)? found))",
                   r"anything (?:that )?(?:fits|matches)(?: me)?", r"what (?:fits|matches) me",
                   # "anything for a c# person?", "anything for a junior dev?"
                   r"any(?:thing)? for (?:an? )?(?:[\w.+-]+ +){0,2}(?:person|people|folks?|devs?"
                   r"|developers?|engineers?|programmers?|coders?)(?=(?: in [a-z]+(?: [a-z]+)?)? *$)",
                   # closing a message that told who one is: "…, what do you have?"
                   r"what (?:do you have|have you got|you got|can you (?:find|offer))"
                   # (or "what do you have in the US?")
                   r"(?=(?: in (?:the )?[a-z]+(?: [a-z]+)?)? *$)")
# A statement may open any clause: "hello! just graduated, I live in berlin".
_CLAUSE_START = re.compile(r"(?<=[.!?;,])\s+|\n+|\s+-+\s+")
_CLAUSE_END = re.compile(r"[,;?!]|\.(?=\s|$)| (?:so|any|anything|what|show|find|got|do you)\b",
                         re.IGNORECASE)
_PUNCTUATION = re.compile(r"[,;?!]|\.(?=\s|$)")
# "what jobs do you have?": a request put as a question to the bot.
_HAVE_YOU = words_re(r"(?:do|can|could) (?:you|u) (?:have|offer|find|show|recommend|got)", r"(?:you|u) got")
_SUBSCRIBE = words_re(
    r"(?<!publish )(?<!pub )subscribe(?: me)?",
    r"(?:send|give) me (?:new )?(?:job )?(?:alerts|notifications)",
    r"(?:job|opening|openings) (?:alerts?|notifications?)",
    r"i(?:'d| would)? (?:want|like|need) (?:e-?mail |job |daily |weekly )?(?:alerts|notifications)"
    r"(?= *$)", r"(?:turn on|enable) (?:the |my )?(?:job )?"
    r"(?:alerts|notifications)", r"be (?:alerted|notified)", r"as (?:they|soon as they) (?:come|appear)",
    r"keep an eye out", r"sign (?:me )?up", r"watch for",
    r"(?:put|add) me (?:on|to) (?:the|your|a) (?:[\w-]+ )?(?:list|mailing list)",
    r"(?:send|email|mail) me (?:a |the |your )?(?:daily|weekly) (?:digests?|e-?mails?|lists?|summar(?:y|ies)|"
    r"round-?ups?)", r"(?:daily|weekly) (?:job |jobs )?digests?", r"watch (?:the )?(?:job )?boards?",
)
# "Notify me about …" is a subscription only when it is about openings; "tell me about the
# Stripe role" is a question about an opening.
_NOTIFY = words_re(
    r"(?:notify|alert|ping|message|inform|update) me (?:about|when|of|if|whenever|on)",
    r"tell me (?:when|if|whenever)", r"keep me (?:posted|updated|in the loop)",
    r"let me know (?:when|whenever|if)", r"(?:daily|weekly) (?:lists?|digests?|e-?mails?)",
    r"notif\w*", r"alert\w*", r"updates? (?:on|about)", r"heads-? ?up",
    r"(?:send\w*|email|ping|message|text) me\b.* (?:new|when|whenever|as|automatically|daily|weekly|"
    r"matching)",
    r"(?:email|text) me", r"get (?:me )?(?:new )?(?:jobs|openings) automatically", r"automatically",
    r"(?:get|receive|want|like|have) (?:\w+ )?updates", r"(?:follow|track|monitor) (?:new|future|upcoming)",
    r"when(?:ever)? (?:there'?s|there is|there are|a) (?:a )?new", r"(?:hear|know|learn) (?:about|of) new",
    r"(?:first|be) to (?:know|hear)", r"receiv\w* (?:the |any )?(?:new|future|fresh|upcoming)",
    r"(?:let me know|keep me (?:posted|informed|updated)) (?:about|of|on) (?:any )?"
    r"(?:new|future|upcoming|fresh)",
)
# With openings on screen, "ping me when there are more like these" asks for alerts ("tell me if
# it is remote" asks about one of them).
# Asked to hear about the list on screen: "keep me updated on these", "let me know about new ones".
_POSTED = words_re(r"keep me (?:posted|updated|in the loop|informed)",
                   r"(?:let me know|tell me|ping me|notify me) (?:about|of) (?:new|more|any new|future|"
                   r"these|those|them|similar)")
_LATER_ONES = words_re(r"new", r"more", r"future", r"others", r"(?:come|show|turn|pop) up", r"appear\w*")
# Something that turns up later, named by what it is: "let me know when something in Lisbon comes up".
_TURNS_UP = words_re(r"(?:comes?|shows?|turns?|pops?) up", r"appears?", r"opens? up", r"gets? posted",
                     r"(?:is|are) posted")
_UNSUBSCRIBE = words_re(
    r"unsubscribe", r"unsub", r"stop (?:the |my |job |sending |notifying |messaging |me )*"
    r"(?:alerts|notifications|updates|messages|emails|about)",
    r"no more (?:alerts|notifications)",
    r"(?:turn off|switch off|shut off|disable|pause|mute|cancel|end|stop) (?:the |my |these |those )?"
    r"(?:job |opening )?(?:(?:daily|weekly) )?(?:subscription|alerts|notifications|digests?|updates|feed|"
    r"job e-?mails)",
    r"stop notifying me", r"opt out",
    # the switch after what it switches: "turn the alerts off"
    r"(?:turn|switch|shut) (?:the |my |these |those |job |opening )*(?:alerts|notifications|digests?) off",
    # complaints about how many there are: "stop spamming me", "too many messages"
    r"(?:stop|quit|no more|enough|don'?t|dont|cut) (?:\w+ ){0,2}spam\w*", r"spamming (?:me|us)",
    r"too many (?:\w+ )?(?:alerts|notifications|messages|e-?mails|updates|pings)",
    r"(?:take|get|remove|drop) me (?:off|out of|from) (?:the|your|this|that|my|job) (?:[\w-]+ )?(?:list|"
    r"alerts|notifications|emails|updates|subscription)",
)
# Taking back what was just done, said of the alerts right after turning them on.
_RETRACTED = words_re(
    r"stop (?:it|them|that|those|this)", r"cancel(?: (?:it|that|this|them))?", r"undo(?: (?:that|it|this))?",
    r"(?:i(?:'ve)? )?changed my mind", r"on second thought", r"scrap that", r"never ?mind", r"nvm",
    r"forget (?:it|that)", r"take (?:it|that) back", r"revert(?: (?:that|it))?", r"turn (?:it|them) off",
    r"(?:i )?(?:don'?t|do not) want (?:it|them|that|those)(?: after all| anymore)?",
    r"(?:actually|wait|no)(?: no)?,? (?:don'?t|do not)(?: do (?:it|that))?", r"don'?t bother",
)
# Alerts refused: a no before what alerts do ("don't send me job emails", "I never want to hear
# about new openings again") stops them, however much the rest reads like a subscription.
_NO_ALERTS = re.compile(r"(?<!\w)no (?:[\w']+ )?(?:alerts|notifications|e-?mails|messages|updates)(?!\w)")
_REFUSED_ALERTS = re.compile(
    r"(?<!\w)(?:don'?t|dont|do not|no more|no longer|never|stop|quit|cease|rather not|no need(?: for)?|"
    r"enough(?: of)?|cancel|done with|had enough|sick of|tired of|hate|(?:want|get|opt) (?:me )?out of|"
    r"leave)(?!\w)(?: [\w']+){0,7}? "
    r"(?:alert\w*|notif\w*|subscri\w*|(?:e-?)?mails|messages|updates|digests?|hear(?:ing)? (?:about|of)|"
    r"(?:by|via|per) (?:e-?mail|mail|message|text|dm)|"
    # what alerts do, done to the person: "stop clients sending nested queries" is no refusal
    r"(?:send|sent|(?:e-?)?mail|messag|ping|text)\w* (?:me|us))(?!\w)"
)
# Someone's own system or its users: "let users unsubscribe in my app", "delete data under GDPR
# in my database" ask how to build it, not for the bot's alerts or its record of them.
_THEIR_SYSTEM = words_re(
    r"(?:my|our|the|a|an) (?:users?|customers?|clients?|subscribers?|visitors?|members?)",
    r"users", r"customers", r"(?:my|our|an?|the) (?:app|apps|application|service|api|database|db|site|"
    r"website|system|backend|product|platform|code|codebase|table|schema|newsletter|mailing list)",
)
_NEGATION = words_re(r"not", r"no", r"never", r"don'?t", r"dont", r"doesn'?t", r"won'?t", r"stop\w*",
                     r"quit", r"cancel\w*", r"any ?more", r"no longer", r"rather not", r"enough")
_FORGET = words_re(
    r"forget (?:me|about me|my data|everything)",
    r"delete (?:my|all my|everything)(?: \w+)?(?: data| info\w*| profile| account)?",
    r"remove (?:my|all my) (?:\w+ )?(?:data|info\w*|profile)",
    r"erase (?:my|me|everything)\w*", r"(?:wipe|clear) (?:all )?my data", r"purge my",
    r"right to be forgotten", r"(?:close|delete|remove|cancel) my account",
    # "I also request erasure", "I'd like my data erased" (not "erasure coding", nor how to handle
    # users' erasure requests)
    r"i (?:also )?(?:request|demand|want|ask for|am requesting|am asking for)\w* (?:the |an? |data )?"
    r"erasure", r"(?:exercise|invoke|use) my right to (?:erasure|be forgotten)", r"erasure of my",
    r"(?:want|like|have|get) my data erased",
    # not wanting anything kept: "I don't want you storing anything on me"
    r"(?:don'?t|do not|stop|quit) (?:want )?(?:you )?(?:to )?(?:stor|keep|sav|hold|track|record|remember)\w* "
    r"(?:anything|my|any|data|stuff|everything)",
    r"(?:clear|wipe|erase|delete|remove|purge|scrub|get rid of)(?: [\w']+){0,5} (?:about|on|of) me",
    r"scrub my",
    r"(?:clear|wipe|erase|delete|remove|purge|get rid of|drop)(?: [\w']+){0,2} (?:everything|all)"
    r"(?: [\w']+){0,4} (?:about|on|of) me",
    r"my data (?:deleted|removed|erased|wiped)", r"gdpr (?:delet\w*|erasure|removal)",
)
_MYDATA = words_re(r"what do you (?:know|store|keep|have|remember) (?:about|on) me",
                   r"(?:what|which|anything|everything)(?: [\w']+){0,4} (?:know|stored?|keep|kept|have|got|"
                   r"remember(?:ed)?|log(?:ged)?|track(?:ed)?|record(?:ed)?|saved?|hold) (?:about|on|of) me",
                   r"(?:^|(?:show|see|view|get|export|download|access) (?:me )?(?:all )?)my data",
                   r"what data do you (?:store|keep|have)", r"(?:data )?export", r"gdpr",
                   r"(?:do|did|will) you (?:keep|store|save|log|record|track|remember) "
                   r"(?:my|what i|everything i)")
# The follow-ups, said outright in a short message.
_MORE = words_re(
    r"tell me more", r"more", r"more details?", r"more info(?:rmation)?", r"go on", r"continue",
    r"details?", r"elaborate", r"expand(?: on that)?", r"keep going", r"deeper",
    r"more please", r"in depth", r"dig deeper", r"explain more", r"explain further",
    r"go deeper", r"say more", r"what else", r"anything else", r"keep (?:going|explaining)",
    r"how does (?:that|it|this) work(?: exactly)?",
    r"(?:what(?:'s| is| are) )?(?:the |any )?alternatives?(?: to (?:it|that|this))?",
)
_EXAMPLE = words_re(
    r"examples?", r"e\.?g\.?", r"e g", r"for example", r"an? example", r"for instance",
    r"concrete(?:ly)?", r"in practice", r"sample", r"demo", r"real (?:life|world|case)",
)
_WHY = words_re(r"why\??", r"how come", r"why (?:is|does|would|should|do) (?:i|we|you|it|that|this|one|"
                r"people|teams|companies)\b.*", r"what'?s the (?:point|reason|benefit)\b.*",
                r"what problem does (?:it|that|this) solve")
_DOWNSIDES = words_re(r"downsides?", r"drawbacks?", r"cons", r"disadvantages?", r"pitfalls?",
                      r"trade[- ]?offs?", r"limitations?", r"gotchas?", r"weaknesses", r"the catch",
                      r"(?:could|can) go wrong", r"when (?:should|would) (?:i|you) not", r"fall short",
                      r"watch out", r"complain\w*")
# Asking where an answer comes from, or what to read on it: "source?", "any links?", "where did
# you get this from", "any good books on it". The bare words only as the whole message ("data
# sources", "symbolic links" are subjects).
_READ_WORDS = r"(?:sources?|references?|citations?|links?|further reading|reading list|docs|documentation)"
_READING_ONLY = re.compile(
    r"(?:(?:any|got|some|the|your|what'?s (?:your|the)|share|give me|official|more|good|please) )*"
    + _READ_WORDS + r"(?: (?:please|for (?:this|that|it)|on (?:this|that|it)|then))*")
_READING = words_re(
    r"cite (?:a |your )?(?:source|that|this|it)", r"further reading", r"reading list",
    r"(?:where|how) (?:did|do) (?:you|u) (?:get|find|take|know|learn) (?:this|that|it|all (?:this|that))",
    r"where (?:does|did|do) (?:this|that|it|these|the (?:info\w*|facts?|answer)) come from",
    r"what (?:do|did|is) (?:you|u|it|this|that) bas(?:e|ed) (?:this |that |it )?on",
    r"how (?:do|would) (?:you|u) know (?:this|that|it)",
    r"(?:any|good|some|recommend\w*)(?: good| great)? (?:books?|courses?|tutorials?|articles?|"
    r"docs|documentation|resources|reading)(?: (?:on|about|for) (?:this|that|it))?",
)
_SIMPLER = words_re(r"simpler", r"simply", r"simplify", r"eli5", r"in simple terms",
                    r"in plain (?:english|words)", r"i (?:don'?t|didn'?t) (?:get|understand)(?: it| that)?",
                    r"too (?:complicated|technical)", r"dumb (?:it|that) down", r"confus(?:ed|ing)",
                    r"over my head", r"(?:more )?plain(?:er|ly)", r"in (?:simpler|plainer|easier|layman'?s) "
                    r"(?:terms|words|english)", r"like i'?m (?:five|5|a (?:child|kid|beginner|newbie))",
                    r"for (?:a )?(?:beginners?|dummies|newbies?|non[- ]?techies?|(?:a )?layman)",
                    r"less (?:technical|jargon)", r"without (?:the |all the |so much )?jargon")
_AND = re.compile(r"^(?:and|so|but|ok(?:ay)?)\b")


def is_statement(text: str) -> bool:
    """Plain words about oneself ("I know Go", "my stack is Rails"), not a list of skills."""
    return bool(_STATEMENT.match(bare(normalize(text))))


def requests_openings(text: str, kb: KnowledgeBase | None = None) -> bool:
    """Whether text asks for openings outright ("any go jobs?", "anything for me?"), also after
    telling who one is ("I'm a senior go dev in Berlin, anything for me?"); given the knowledge
    base, also in job facts alone ("junior python in amsterdam", see asked_in_facts)."""
    plain = bare(normalize(text))
    if _ADVICE.search(plain):
        return False
    if kb is not None and asked_in_facts(text, kb):
        return True
    # "I'm a mid python dev looking for remote work, anything?": a bare "anything?" closing it
    last = [c for c in _CLAUSE_START.split(normalize(text)) if bare(c)][1:][-1:]
    # each clause on its own too: "backend jobs please, i know fastapi" and "show me what's
    # open, i've got 3 years of node" ask in one clause and tell in another
    clauses = [bare(normalize(c)) for c in _PUNCTUATION.split(text) if bare(normalize(c))]
    return bool(_FOR_ME.search(plain) or (JOB_WORDS.search(plain) and (
        _REQUEST.search(plain) or _HAVE_YOU.search(plain)))
        or (last and _ANYTHING.fullmatch(bare(last[0])))
        or (len(clauses) > 1 and any(_FOR_ME.search(c) or _JOBS_NAMED.fullmatch(c) for c in clauses))
        or anything_at(text))


def asks_for_work(text: str) -> bool:
    """Whether text speaks of jobs without asking for advice about them ("teacher jobs in London",
    "remote roles for nurses"; not "how do I get a job as a nurse?")."""
    plain = bare(normalize(text))
    return JOB_WORDS.search(plain) is not None and _ADVICE.search(plain) is None


def anything_at(text: str) -> bool:
    """Whether a clause of text asks for anything at a known place ("anything near copenhagen?")."""
    return any(_ANYTHING_AT.fullmatch(c) and names_known_place(c)
               for c in (bare(normalize(c)) for c in _PUNCTUATION.split(text)))


# A clause that only names jobs, with at most one word for which: "data jobs", "backend roles please".
_JOBS_NAMED = re.compile(r"(?:[\w#+.-]+ )?(?:" + JOB_WORDS.pattern + r")(?: (?:please|pls|plz))?")


# Anything at a place: "anything near copenhagen?", "any in toronto" (a known place: not "anything in go?").
_ANYTHING_AT = re.compile(r"(?:so |and |ok |okay )?any(?:thing)?(?: (?:good|open|else))? "
                          r"(?:in|near|around|close to) [a-z]+(?: [a-z]+)?")


# Starting the conversation over: "start over", "let's start again", "reset the chat".
_RESTART = re.compile(
    r"(?:(?:ok|okay|so|hmm|well|just|please|pls|can we|could we|let'?s|i want to|i'?d like to) )*"
    r"(?:start (?:over|again|afresh|from scratch|fresh|from the (?:beginning|top))|"
    r"restart(?: (?:the|this|our) (?:chat|conversation))?|reset (?:the |this |our )?(?:chat|conversation)"
    r"|(?:a )?new conversation|(?:a )?clean slate|begin again|from the top)"
    r"(?: (?:please|pls|now|then|again|thanks))*")


# What deletes rather than starts over: "wipe all that, start fresh".
_WIPING = words_re(r"wipe", r"delete", r"erase", r"clear", r"forget", r"remove", r"purge", r"my data",
                   r"my profile")


def restarts(text: str) -> bool:
    """Whether a short message starts the conversation over ("start over", "let's start again")."""
    plain = bare(normalize(text))
    return bool(_RESTART.fullmatch(plain)) and not _WIPING.search(plain)


def is_farewell(text: str) -> bool:
    """Leaving rather than thanking ("bye", "see you")."""
    return bool(_FAREWELL.search(bare(normalize(text)))) and not _THANKS.search(bare(normalize(text)))


def small_talk(text: str) -> str:
    """What kind of small talk a message is: "bot" (about the bot itself: "are you human?"),
    "laugh" ("lol", "haha") or "chat" (anything else: a mood, a remark)."""
    plain = bare(normalize(text))
    if _ABOUT_THE_BOT.search(plain):
        return "bot"
    return "laugh" if _LAUGHTER.search(plain) else "chat"


def is_acknowledgment(text: str) -> bool:
    """A bare "ok" / "got it": taking note, not thanking (so no "you're welcome")."""
    return bool(_ACK.fullmatch(" ".join(bare(normalize(text)).split())))


def is_rating(plain: str, *, named: bool = False, asked: bool = False) -> bool:
    """Whether a message (bare, normalised; `asked`: it has a question mark) rates the answer
    given: rating words said outright ("useless", "that helped"), or verdicts about the answer
    ("that's wrong", "great answer"); not a question, and when it names a subject, only when it
    speaks of the answer ("wrong topic, I asked about Kafka"), not of the subject ("is Redis
    useful for sessions")."""
    pointed = _ANSWER_POINTED.search(plain) is not None
    about = pointed or _ANSWER_NAMED.search(plain) is not None
    # the bot itself judged: only a bad verdict is sure to be one ("hi careerbot, nice to meet you")
    bot = _BOT_NAMED.search(plain) is not None
    if (asked or _ASKING.match(plain)) and not pointed:
        return False
    if (named or _SOMEONES.match(plain) or (_OWN_THING.search(plain) and not _YOU.search(plain))) \
            and not (about or bot):
        return False  # "my cat is useless", "mocks make my tests useless" rate something else
    return (bool(_RATING.search(plain)) or (about and bool(_VERDICT.search(plain)))
            or ((pointed or bot) and bool(_NEGATIVE.search(_NOT_NEGATIVE.sub(" ", plain)))))


def is_negative(text: str) -> bool:
    """Feedback that says the answer did not help."""
    plain = " ".join(bare(_spelled(normalize(text))).split())
    judged = bare_verdict(plain)
    if judged is not None:
        return not judged
    return bool(_NEGATIVE.search(_NOT_NEGATIVE.sub(" ", plain)))


# The words of offering a report or suggestion without making it ("can I suggest a topic?", "I
# think I found a bug in the bot"): what is left beside them is the report or suggestion itself.
_OFFER_WORDS = STOPWORDS | frozenset("""
    can could may i i'm i've we you u a an the some one my small quick little have got think found
    spotted hit noticed there there's is are bug bugs glitch report reporting suggestion suggestions
    suggest idea ideas feature features request requests for to about in with bot careerbot this your
    make give leave send offer propose proposal wish improve regarding topic topics thing something
    want like would please pls hey hi ok so just
""".split())  # noqa: SIM905 - a word list reads better as text


def reports_or_suggests(text: str) -> bool:
    """Feedback in the person's own words for the maintainers to read: a bug report or a
    suggestion that says what it is ("the apply link goes to a 404", "you should cover graphql
    federation"), not only that there is one ("can I suggest a topic?")."""
    plain = bare(_spelled(normalize(text)))
    said = [w for w in plain.split() if w not in _OFFER_WORDS]
    return len(said) >= 2 and _reports_or_suggests(plain)


def offers_feedback(text: str) -> bool:
    """Feedback that is no verdict but wanting to give one, report a bug or suggest something
    ("can I leave some feedback?", "where do I report bugs"): told how, nothing rated."""
    plain = bare(_spelled(normalize(text)))
    return (_reports_or_suggests(plain) or _SEND_IDEAS.search(plain) is not None
            or _FIX_IT.fullmatch(plain) is not None) or (
        _ON_FEEDBACK.search(plain) is not None and not _RATING.search(plain)
        and not _NEGATIVE.search(_NOT_NEGATIVE.sub(" ", plain)))


# The emoji that say something on their own, in words, as the cues read them: "👍" alone rates;
# beside words ("thx a lot 👍") they only underline them.
_EMOJI_WORDS = {"👍": "thumbs up", "👌": "thumbs up", "👎": "thumbs down", "🙏": "thanks",
                "👋": "hello"}
_EMOJI = re.compile("|".join(map(re.escape, _EMOJI_WORDS)))


# "+1" agrees, as a thumbs up does (Slack, GitHub): punctuation and a digit otherwise.
_PLUS_ONE = re.compile(r"(?<![\w+])\+1(?![\d.,]\d|\d)")


def _spelled(norm: str) -> str:
    if "+1" in norm:
        norm = _PLUS_ONE.sub(" thumbs up ", norm)
    if bare(norm):
        return norm
    return _EMOJI.sub(lambda m: f" {_EMOJI_WORDS[m.group()]} ", norm)


# The words that name an intent outright, as a typo of them is read as the word ("subscibe me",
# "forgt me"): in a short message (a longer one names other things, a company "Helio"), only a
# word one edit from just one of them, and not one of them inflected ("subscriber") nor a real
# word as close ("forgot").
_KEYWORDS = ("subscribe", "unsubscribe", "thanks", "hello", "help", "topics", "forget", "alerts",
             "notifications", "delete", "commands")
_NOT_TYPOS = frozenset(("forgot", "forged", "forger", "hell", "hells", "hella", "held", "helm", "hero",
                        "topic", "tropics", "delta", "deleted", "thank", "shanks", "thinks", "alert",
                        "alters", "altars", "alerted", "hallo", "hullo", "jello", "cello", "helps"))
_TYPO_MIN = 5
_TYPO_WORDS = 4


def _typos_fixed(words: list[str]) -> list[str]:
    if len(words) > _TYPO_WORDS:
        return words
    out = []
    for w in words:
        if len(w) >= _TYPO_MIN and w not in _NOT_TYPOS and not w.startswith(_KEYWORDS):
            near = [k for k in _KEYWORDS if OSA.distance(w, k, score_cutoff=1) <= 1]
            w = _typo_of(w, near, str) or w
        out.append(w)
    return out


_DOUBLED = re.compile(r"(\w)\1+")


def _slip(word: str) -> bool:
    """Whether a short word is one edit from an intent's own keyword ("halp", "hlep"): a slip of
    that word, not another subject (too short for _typos_fixed to respell safely)."""
    return len(word) >= _TYPO_MIN - 1 and word not in _NOT_TYPOS and any(
        OSA.distance(word, k, score_cutoff=1) <= 1 for k in _KEYWORDS)


# Question words people type with a letter dropped ("wht can you do", "wat", "whch"): a slip,
# not another subject.
_QUESTION_WORDS = ("what", "which", "where", "when", "how", "could", "would", "should", "your", "about")


def _dropped_letter(word: str) -> bool:
    """Whether a word is a question word with one letter after its first left out ("wht")."""
    return len(word) >= 3 and any(
        len(k) == len(word) + 1 and k[0] == word[0]
        and any(k[:i] + k[i + 1:] == word for i in range(1, len(k))) for k in _QUESTION_WORDS)


def _typo_of(word: str, near: Sequence[str], meaning: Callable[[str], str]) -> str | None:
    """What a word one edit from each of `near` means (`meaning` of each), when that is one thing;
    between two ("helo": hello or help?), the one it is with a letter doubled or undoubled, the
    likeliest slip ("helo", "hellp")."""
    meant = {meaning(k) for k in near}
    if len(meant) > 1:
        squeezed = _DOUBLED.sub(r"\1", word)
        meant = {meaning(k) for k in near if _DOUBLED.sub(r"\1", k) == squeezed}
    return meant.pop() if len(meant) == 1 else None


CueReader = Callable[[str, "KnowledgeBase | None", Situation], dict[str, float]]


def _latest_kept(read: CueReader) -> CueReader:
    """`read`, keeping its latest result: a message's cues are read two or three times in a row
    (its classification, the cascade's `cued`, a topic's follow-up check), mostly in the same
    situation, and reading them is about 80 µs of a request's CPU each time."""
    # text, knowledge base, situation, cues: one tuple, read once, so that a reading in another
    # thread can never pair one message's key with another's cues
    latest: tuple[Any, ...] = (None, None, None, {})

    @functools.wraps(read)
    def cues(text: str, kb: KnowledgeBase | None, situation: Situation) -> dict[str, float]:
        nonlocal latest
        seen = latest
        if seen[0] != text or seen[1] is not kb or seen[2] != situation:
            seen = latest = (text, kb, situation, read(text, kb, situation))
        return dict(seen[3])  # the caller's own, to change if it likes

    return cues


@_latest_kept
def _cues(text: str, kb: KnowledgeBase | None, situation: Situation) -> dict[str, float]:
    """The intents the message's words say outright, each with how sure they are."""
    norm = _spelled(normalize(text))
    # "u" is "you" as people type it ("do u have php jobs"), so the cues need not spell both
    words = ["you" if w == "u" else w for w in _typos_fixed(bare(norm).split())]
    plain = " ".join(words)
    n = len(words)
    if not words:
        return {"help": 0.95}  # "?", or only emoji
    out: dict[str, float] = {}
    opener = _OPENER.match(plain)
    core = plain[opener.end():] if opener is not None else plain
    greeting = _GREETING.search(plain) if n <= 6 else None
    asks_after = opener is not None and _asks_something(core, norm, situation)
    if greeting is None and asks_after and _GREETING.match(plain):
        out["greeting"] = 0.1  # a longer message after a hello asks something
    if greeting is not None:
        rest = _GREETING_FILLER.sub(" ", _GREETING.sub(" ", plain)).strip()
        # A greeting opens a message: "hi, nice to be here" may still be one, "translate hello
        # into French" is not.
        out["greeting"] = 0.95 if not rest else 0.3 if greeting.start() <= 4 else 0.1
    # thanking first, a longer remark may follow ("thank you very much, is very helpful for me")
    if (n <= 8 or (n <= 10 and _THANKS.match(plain))) and _THANKS.search(plain):
        rest = _THANKS_FILLER.sub(" ", _FAREWELL_FILLER.sub(" ", _FAREWELL.sub(
            " ", _THANKS.sub(" ", _LEAD.sub("", plain))))).strip()
        # "thanks, that clears it up": thanking first, then only a remark, asking nothing
        remark = (_THANKS.match(plain) is not None and "?" not in norm and not situation.subjects
                  and not _ASKING.match(rest) and not _ASKS_FOR.search(rest) and not JOB_WORDS.search(rest))
        praised_after = (_THANKS.match(plain) is not None and "?" not in norm and not situation.subjects
                         and _SUBJECTLESS_PRAISE.match(" ".join(rest.split())) is not None)
        if n > 8 and not praised_after:
            # longer, only praise may follow the thanks ("thanks, now recommend me a novel" asks)
            if asks_after:
                out["thanks"] = 0.1
        elif rest and _NEGATIVE.search(rest):
            out["feedback"] = 0.9  # "thanks for nothing", "thanks, but that didn't help"
        elif not rest or remark:
            out["thanks"] = 0.95
        elif n <= 6 and _VERDICT.search(rest):
            out["feedback"] = 0.9  # "super clear, cheers": a rating, with thanks
        elif praised_after:
            # "thank you, is very helpful": praise after the thanks, its "it" left out, asks nothing
            out["thanks"] = 0.95
        elif asks_after and _THANKS.match(plain):
            out["thanks"] = 0.1  # thanking first, then asking: the request wins
    elif asks_after and _THANKS.match(plain):
        out["thanks"] = 0.1
    elif (n <= 4 and (_CLOSING.fullmatch(plain) or _ACK.fullmatch(plain))) or (
            n <= 8 and _FAREWELL.search(plain)
            and not _THANKS_FILLER.sub(" ", _FAREWELL_FILLER.sub(" ", _FAREWELL.sub(
                " ", _LEAD.sub("", plain)))).strip()):
        out["thanks"] = 0.9
    if n <= 14 and _ON_FEEDBACK.search(plain):
        # Asking how feedback is given, or speaking of someone's, is advice unless it is about
        # the bot ("how do I give feedback to a junior?" vs "how do I report a bug in the bot?").
        advice = (_ADVICE_ASKED.match(plain) or _SOMEONES.match(plain)) and not (
            _BOT_NAMED.search(plain) or _YOU.search(plain))
        out["feedback"] = 0.1 if advice else 0.3
    if n <= 16 and not situation.subjects and (_SEND_IDEAS.search(plain) or _FIX_IT.fullmatch(plain)):
        out["feedback"] = 0.9  # the makers are asked for: where ideas go, a fix
    praised = n <= 5 and _PRAISE.search(plain) is not None
    # A verdict, then a question: "great bot btw, how do I ask for a raise" asks.
    asks_later = any(_ASKING.match(bare(clause).strip()) and not _TAG.fullmatch(bare(clause).strip())
                     for clause in _PUNCTUATION.split(norm)[1:])
    if ((n <= 14 and is_rating(plain, named=bool(situation.subjects), asked="?" in norm)) or (
            n <= 4 and (_SHORT_VERDICT.fullmatch(plain) or _NEGATIVE.fullmatch(plain)
                        or _NOT_NEGATIVE.fullmatch(plain))) or praised) and not asks_later:
        out["feedback"] = 0.9
        out.pop("thanks", None)  # "great answer, thanks" rates the answer
    elif (n <= 8 and out.get("thanks", 0.0) < SURE and "?" not in norm and not asks_later
          and not situation.subjects and (n > 1 or situation.topic or situation.openings_shown)
          and not _CLOSING.fullmatch(plain) and not _ACK.fullmatch(plain)
          and bare_verdict(plain) is not None):
        # only judging, with hedges: the answer on screen rated ("kind of superficial")
        out["feedback"] = 0.9
    if n <= 10 and not situation.subjects and not JOB_WORDS.search(plain):
        laughed = _LAUGHTER.sub(" ", plain)
        if laughed != plain and not _SMALLTALK_FILLER.sub(" ", laughed).strip():
            out["smalltalk"] = 0.9  # "lol", "haha ok"
        elif _ABOUT_THE_BOT.search(plain) or _MOOD.search(plain):
            out["smalltalk"] = 0.9 if n <= 8 else 0.6
    if (n <= 14 and "smalltalk" not in out and "?" not in norm and not asks_later
            and _LAUGHTER.match(plain) and _HEARSAY.search(plain)):
        # laughing at what someone else says ("lol my teammate says just draw boxes"), as an aside
        # in a group chat: a remark, whatever subject it names, not a question to answer
        out["smalltalk"] = 0.9
    if plain in ("help", "help me", "help please", "commands", "options"):
        out["help"] = 0.95
    elif "thanks" not in out and len(core.split()) <= 9 and ((manual := _HELP.search(plain))
                                             or (words[0] == "help" and n <= 3)):
        # "this bot is great" speaks of the bot without asking about it: its meaning decides
        said_of = manual is not None and manual.group() in ("this bot", "the bot")
        out["help"] = 0.3 if said_of else 0.9
    elif n <= 9 and words[0] == "help":
        # "help me with kubernetes" is a topic question, not a request for the manual.
        out["help"] = 0.55
    if "help" in out and situation.subjects and out["help"] < 0.95:
        # the manual is no subject's: "how do I profile memory usage in go?" asks about go
        out["help"] = OVERRULED
    if n <= 12 and _TOPICS.fullmatch(plain):
        out["topics"] = 0.95
    elif n <= 7 and _TOPICS.search(plain):
        out["topics"] = 0.75
    reference = n <= 12 and bool(_REFERENCE.search(plain))
    if reference:
        out["opening"] = 0.92
    elif situation.openings_shown and n <= 8 and not JOB_WORDS.search(plain):
        pointed = (_POINTER.search(plain) or (_ASKS_THE.match(plain) and not _IN_GENERAL.search(plain))
                   ) and not PREPARING.search(plain)
        if not situation.subjects and (
                (pointed and ABOUT_AN_OPENING.search(plain)) or ABOUT_A_FACT.match(plain)
                or (_MY_FIT.search(plain) and not _LEARNING.search(plain)) or _MY_JOB.search(plain)):
            out["opening"] = 0.92
        elif _NARROWING.match(plain) and kb is not None and (
                _tells_about_oneself(text, kb) or find_regions(text)) and (
                not situation.subjects or not bare(normalize(
                    (opened := _OPENING_FILLERS.sub("", text))[len(first_clause(opened)):]))):
            # the list on screen narrowed or changed, by a skill too in one clause ("what about
            # kotlin instead", "anything that doesn't need java?"; not "what about php, still a
            # thing?")
            out["openings"] = 0.92
    if JOB_WORDS.search(plain) and not praised:
        if _ADVICE.search(plain):
            out["openings"] = 0.2
        elif reference:
            out["openings"] = 0.5  # about one of them, unless no list is on screen
        elif _REQUEST.search(plain) or find_level(plain) or remote_wish(plain) or n <= 3 or (
                n <= 6 and kb is not None and _only_jobs_named(text, kb)):
            out["openings"] = 0.9
        else:
            out["openings"] = 0.55
    if situation.profile_told and _ANYTHING.fullmatch(plain):
        out["openings"] = max(out.get("openings", 0.0), 0.9)
    if ((_WHAT_FITS.search(plain) or _FOR_ME.search(plain)) and not _ADVICE.search(plain)) \
            or anything_at(text):
        out["openings"] = max(out.get("openings", 0.0), 0.9)
    if ("?" in norm and n <= 6 and "openings" not in out and kb is not None
            and _job_facts_only(text, kb)):
        # "senior rust remote?": what an opening is, asked for without a job word.
        out["openings"] = 0.9
    if asks_for_similar(text):
        # "something like the Stripe one but in Europe" names an opening to find others like.
        out.pop("opening", None)
        out["openings"] = 0.95
    elif narrows_list(text) and kb is not None and _tells_about_oneself(text, kb):
        out["openings"] = max(out.get("openings", 0.0), 0.92)
    said = _STATEMENT.match(core) or _later_statement(norm)
    # a wish to learn or become something asks about it ("I want to learn go", "I'd like to become
    # a devops engineer"), however much it says of the person
    wants_to_learn = said is not None and _WISH.search(said.group()) is not None \
        and _TO_LEARN.search(plain) is not None
    statement = (kb is not None and said is not None and "?" not in norm and not wants_to_learn
                 and not _QUESTION.search(plain) and not _WANTS_TO_KNOW.search(plain)
                 and _tells_about_oneself(text, kb))
    edit = (n <= 9 and _PROFILE_EDIT.search(plain) is not None
            and (n <= 5 or not _QUESTION.search(plain)) and "how to profile" not in plain)
    asks = ("?" in norm or _ASKS.match(core) is not None or _INVERTED.search(core) is not None
            or _DEFINING.search(plain) is not None or asks_later)
    dropped = (kb is not None and not asks and _DROP.match(plain) is not None
               and bool(find_skills(kb.skills, text) or find_places(text, kb.skills, names=True)
                        or find_level(text)))
    if statement or dropped:
        out["profile"] = 0.85
    elif wants_to_learn or ((m := _ASKS_ABOUT.match(core)) and not _FIRST_PERSON.search(core[m.end():])) \
            or (asks and _LEARNING.search(plain)) \
            or (_AUDIENCE.search(norm) and not _FIRST_PERSON.search(plain)):
        # read as not quite a profile, so that the model does not either ("how do I get good
        # at docker?" asks to learn it; "docker for beginners" is advice for someone)
        out["profile"] = 0.1
    if UNDO.fullmatch(plain) or (kb is not None and PROFILE_FIELD.match(norm)):
        out["profile"] = 0.95
    # A rating ("I was asking about kubernetes, not docker") names skills too, but it is about
    # the answer, not the person.
    # help or showing asked of the bot ("help me with kubernetes") is no fact about the person;
    # under a list of openings "show me the remote ones" narrows it (see _only_about_oneself)
    bids = _BID.match(core) is not None and not situation.openings_shown
    if kb is not None and not asks and not bids and "feedback" not in out and not JOB_WORDS.search(plain) \
            and not _LEARNING.search(plain) and not _SIMPLER.search(plain) \
            and _only_about_oneself(text, kb, lenient=statement, narrowing=situation.openings_shown,
                                    telling=situation.profile_told):
        # Nothing but facts about oneself ("I'm mid level", "open to remote or Berlin"): a
        # profile statement for certain, even where a topic has the same words.
        out["profile"] = 1.0
    # a hello before who one is says nothing about the person ("hey, senior go dev in berlin, anything?")
    greeted = _after_greeting(text)
    head = first_clause(greeted)
    stated = said is not None and not _WISH.search(said.group())
    if (kb is not None and requests_openings(text) and (
            (_tells_about_oneself(head, kb)
             and (stated or (bare(greeted[len(head):]) and not JOB_WORDS.search(bare(normalize(head)))
                             and _only_about_oneself(head, kb, lenient=False, narrowing=False,
                                                     telling=False))))
            # after a greeting: "Hello! So I've been writing Rust for three years, what's out there"
            or (stated and _tells_about_oneself(told_part(text), kb))
            # "data engineer, spark + airflow, looking for a new gig": a role and a stack
            or _introduces(greeted, kb))):
        # Who one is, then a request: "I'm a senior go dev in Berlin, anything for me?" is both;
        # the profile handler saves the one and shows the other (see ProfileHandler).
        out["profile"] = 0.95
        out["openings"] = max(out.get("openings", 0.0), 0.9)
    if kb is not None and "openings" not in out and not asks and not edit \
            and (facts := asked_in_facts(text, kb)) is not None:
        # A request in job facts alone: with a level, who one is too (the profile handler saves
        # it and shows the openings, see ProfileHandler); with the work named, only a request.
        out["openings"] = 0.9
        out["profile"] = 0.95 if facts == "profile" else 0.1
    if edit:
        out["profile"] = max(out.get("profile", 0.0), 0.9)
    # ... or asked how, of a subject: "how do I unsubscribe a kafka consumer?"
    theirs = _THEIR_SYSTEM.search(plain) is not None or (
        bool(situation.subjects) and _ADVICE_ASKED.match(core) is not None)
    if theirs:
        # read as not quite these, so that the model does not overrule it either
        out.update(dict.fromkeys(("subscribe", "unsubscribe", "forget", "mydata"), 0.1))
    elif n <= 20:
        if _UNSUBSCRIBE.search(plain) or _REFUSED_ALERTS.search(plain) or _NO_ALERTS.search(plain):
            out["unsubscribe"] = 0.95
            out.pop("openings", None)
        elif situation.subscribed and n <= 10 and _RETRACTED.search(plain) and "?" not in norm:
            out.pop("profile", None)  # "undo" takes back the alerts, not the profile
            out.pop("thanks", None)
            out["unsubscribe"] = 0.95
        elif _SUBSCRIBE.search(plain) or (situation.openings_shown and _POSTED.search(plain)) or (
                _NOTIFY.search(plain) and (
                JOB_WORDS.search(plain) or _WHAT_FITS.search(plain)
                or (situation.openings_shown and _LATER_ONES.search(plain))
                or (_TURNS_UP.search(plain) and kb is not None and _tells_about_oneself(text, kb)))):
            out["subscribe"] = 0.95
            out.pop("openings", None)
    if n <= 10 and not theirs:
        if _FORGET.search(plain):
            out["forget"] = 0.95
        elif _MYDATA.search(plain):
            out["mydata"] = 0.9
    if n <= 7:
        if _MORE.fullmatch(plain) or (_AND.match(plain) and n <= 2 and not _ACK.fullmatch(plain)):
            out["more"] = 0.9
        elif _MORE.search(plain) and not _AND.match(plain) and "simpl" not in plain:
            out["more"] = 0.9 if n <= 4 else 0.6
        if _EXAMPLE.search(plain):
            out["example"] = 0.9
        if _WHY.fullmatch(plain):
            out["why"] = 0.9
        if _DOWNSIDES.search(plain):
            out["downsides"] = 0.9
        if _SIMPLER.search(plain):
            out["simpler"] = 0.9
        if (_READING.search(plain) or _READING_ONLY.fullmatch(plain)) and not situation.openings_shown:
            out["reading"] = 0.9  # "source?", "any links?" (a list's links are the openings')
    if restarts(text):
        # a fresh start of the conversation (the greeting's; what was saved stays): "wipe all
        # that, start fresh" deletes it
        out = {"greeting": 0.95}
    if n <= 40 and _reports_or_suggests(plain):
        # The makers are told something: no other reading of its words (a topic it names, "add a
        # topic", "weekly digest", "the job link") is meant, nor may the model find one.
        out = dict.fromkeys(("topics", "openings", "opening", "subscribe", "profile", "help"), 0.1)
        out["feedback"] = 0.97
    return out


# The words an intent's cues spell ("digests?", "vacanc(?:y|ies)"), by their stems: an intent's
# own, no other subject (see IntentClassifier.foreign).
_CUE_STEMS = frozenset(stem(w) for pattern in (JOB_WORDS, _REQUEST, _HELP, _TOPICS, _SUBSCRIBE, _NOTIFY,
                                                _UNSUBSCRIBE, _RETRACTED, _FORGET, _MYDATA)
                       for w in re.findall(r"[a-z]{3,}", pattern.pattern))


def _cue_word(word: str) -> bool:
    """Whether a word is one the cues spell, in any of its forms ("digest" of "digests?")."""
    return stem(word) in _CUE_STEMS


def _introduces(text: str, kb: KnowledgeBase) -> bool:
    """Whether the clauses of a request that ask for nothing name the person and say nothing
    else ("data engineer, spark + airflow, looking for a new gig"; not the "remote" of "python
    jobs, remote")."""
    clauses = [c.strip() for c in _PUNCTUATION.split(text) if c.strip()]
    told = ", ".join(c for c in clauses if not requests_openings(c))
    if not told or len(told) == len(", ".join(clauses)):
        return False
    return bool(_SELF_MARKERS.intersection(words(told))) and _tells_about_oneself(told, kb) \
        and _only_about_oneself(told, kb, lenient=False, narrowing=False, telling=False)


def _after_greeting(text: str) -> str:
    """text without the clauses it opens with that only greet or thank ("hey, ...", "hi there! ...")."""
    while (m := _PUNCTUATION.search(text)) is not None and text[:m.start()].strip():
        plain = bare(normalize(text[:m.start()]))
        opened = _OPENER.match(plain + " ")
        if opened is None or opened.end() <= len(plain):
            break
        text = text[m.end():].lstrip()
    return text


def _only_about_oneself(text: str, kb: KnowledgeBase, *, lenient: bool, narrowing: bool,
                        telling: bool) -> bool:
    """Whether text says nothing but facts about the person: every word is read as a skill,
    level, years, work mode or place, or is one of the words around such facts (_SELF_WORDS).
    Skills or places alone ("python, go", "kubernetes in production") need the person in it
    ("I", "my", "also"); a level, years, a work mode or skills with a place do not ("remote
    only", "mid level", "go and grpc, berlin").
    lenient: one more unread word is let through (the sentence starts as a statement).
    narrowing: a list of openings is on screen, where facts without the person narrow it
    ("only the remote ones", "senior ones in Berlin"). telling: the person was just telling
    their profile, so facts alone go on with it ("or in Berlin", "and docker")."""
    vocab = kb.skills
    said = words(text)
    if _COMPARING.intersection(said) or _WEIGHING.search(bare(normalize(text))):
        return False  # "Firebase vs building my own backend", "django or fastapi for my api" compare
    if _AUDIENCE.search(text) or _asks_of_the_work(text):
        return False  # "kubernetes for a junior dev", "junior developer salary": about the work
    names = bool(_CORRECTING.intersection(said))
    rest = [w for w in unread(text, vocab, names=names) if w not in _SELF_WORDS]
    if len(rest) > (1 if len(said) >= 4 else 0) + lenient:
        return False
    if not narrowing and _THIRD_PARTY.match(bare(normalize(text))) \
            and not _SELF_MARKERS.intersection(said):
        return False  # "the movie was mid" says what something else is
    # "php + laravel dev" is a person; "docker compose for local dev" is development
    person = (telling and not narrowing) or any(
        w in _SELF_MARKERS and not (w in _TERSE_SELF and i and said[i - 1] in _NOT_A_PERSON)
        for i, w in enumerate(said))
    # Years narrow no list of openings: said alone, they are the person's ("a couple of years").
    if years_of_experience(text, Reading.CHAT) is not None or (not narrowing and (
            stated_level(text) or find_level(text) or remote_wish(text) is not None)):
        return True
    if not narrowing and not rest and "," in text and len(find_skills(vocab, text)) >= 3 \
            and not {"or", "vs", "versus"} & set(said):
        return True  # a stack listed ("python, docker, postgres"); two may be weighed
    if not narrowing and find_skills(vocab, text) and names_known_place(text) \
            and find_places(text, vocab, names=names):
        return True  # a stack and a place ("node and graphql, toronto") are the person's
    return person and bool(find_skills(vocab, text) or find_places(text, vocab, names=names)
                           or stated_level(text) or find_level(text) or remote_wish(text)
                           or years_of_experience(text, Reading.CHAT) is not None)


def _later_statement(norm: str) -> re.Match[str] | None:
    """A statement about oneself opening a later sentence ("hi, I'm switching careers. I know
    python and django")."""
    for sentence in _CLAUSE_START.split(norm)[1:]:
        if (m := _STATEMENT.match(" ".join(bare(sentence).split()))) is not None:
            return m
    return None


def _job_facts_only(text: str, kb: KnowledgeBase) -> bool:
    """Whether text names nothing but what an opening is: a skill with a level or work mode, or
    two of level, work mode and place ("senior rust remote", "junior in Berlin"). A place alone
    is not enough: "kubernetes in production" reads as one."""
    said = words(text)
    if _COMPARING.intersection(said) or [w for w in unread(text, kb.skills) if w not in STOPWORDS]:
        return False
    skills = find_skills(kb.skills, text)
    if len(skills) > 1 and "or" in said and (_WEIGHING.search(bare(normalize(text)))
                                             or _AUDIENCE.search(text)):
        return False  # "java or python for a beginner?" weighs one against the other
    level = bool(stated_level(text) or find_level(text))
    mode = remote_wish(text) is not None
    place = bool(find_places(text, kb.skills))
    # asked, a skill and a known place are a request too ("kotlin berlin?")
    known = place and names_known_place(text)
    return (bool(skills) and (level or mode or known)) or level + mode + place >= 2


# Facts listed one by one, as a profile line is written.
_LISTED = re.compile(r"[,;+&/|]")
# The work itself named without a job word: "php work near utrecht", "kubernetes contracts"
_JOB_NOUN = words_re(r"work", r"contracts?", r"contracting", r"freelance", r"freelancing")


def asked_in_facts(text: str, kb: KnowledgeBase) -> str | None:
    """How text asks for openings in job facts alone, with no one in it: "profile" for a skill
    with a level and a place in one phrase ("junior python in amsterdam", "staff java nyc": a
    request that also says who one is), "openings" for a skill with the work named and a place, work mode or
    terms ("php work near utrecht", "kubernetes contracts, terraform and aws"); None otherwise
    ("I'm a junior python dev in amsterdam" tells who one is; "go or rust, berlin?" weighs)."""
    said = words(text)
    if _SELF_MARKERS.intersection(said) or _COMPARING.intersection(said) or _AUDIENCE.search(text) \
            or _asks_of_the_work(text):
        return None
    # a generic word is no skill: "backend work in large enterprises" asks about the work
    skills = [s for s in find_skills(kb.skills, text) if not is_generic(s.name)]
    if not skills or (len(skills) > 1 and "or" in said):
        return None
    plain = bare(normalize(text))
    # read before punctuation goes: "c#" is a skill, its "c" alone none
    rest = [w for w in unread(_JOB_NOUN.sub(" ", normalize(text)), kb.skills) if w not in _SELF_WORDS]
    if len(rest) > (1 if len(said) >= 4 else 0):
        return None
    place = bool(find_places(text, kb.skills)) and names_known_place(text)
    level = bool(stated_level(text) or find_level(text))
    # said as one phrase, or a level or work mode with the skill ("senior go, remote", "part time
    # ruby, anywhere"); a stack and a place listed ("go and grpc, berlin") is a profile line
    if level and place and not _LISTED.search(text):
        return "profile"
    if _JOB_NOUN.search(plain) and (place or remote_wish(text) is not None or employment_wish(text)):
        return "openings"
    if (level or remote_wish(text) is not None or employment_wish(text)) and len(said) <= 6:
        return "profile"
    return None


# What is asked of a kind of engineer, named by their level or stack ("junior developer salary in
# berlin", "senior java developer skills", "entry level devops career"): a question about that work,
# not who one is. Said with "I" or "my" ("my skills are go and sql"), it is the person's.
_ASPECT = words_re(r"salar(?:y|ies)", r"pay", r"wages?", r"rates?", r"earn\w*", r"roadmaps?", r"careers?",
                   r"interviews?", r"questions", r"paths?", r"tips", r"guides?", r"courses?",
                   r"certifications?", r"resumes?", r"cvs?", r"demand", r"markets?",
                   r"responsibilit(?:y|ies)", r"duties", r"requirements", r"expectations", r"mindset",
                   r"habits", r"books",
                   r"(?:devs?|developers?|engineers?|programmers?) skills")


def _asks_of_the_work(text: str) -> bool:
    """Whether text names an aspect of a kind of engineer's work without the person in it."""
    plain = bare(normalize(text))
    return _ASPECT.search(plain) is not None and _FIRST_PERSON.search(plain) is None


# A level said of whom something is for ("prometheus and grafana for a beginner", "rust for senior
# engineers", "system design for a mid level engineer"): advice for such a person, not a request
# nor who one is. Not when the people are the work sought ("looking for junior dev roles").
_JOB_AFTER = (r"(?! (?:jobs?|roles?|positions?|openings?|vacanc(?:y|ies)|gigs?|posts?|work|"
              r"opportunit(?:y|ies))\b)")
_AUDIENCE = re.compile(
    r"(?i)\bfor (?:an? |the |total |complete |absolute |someone |people )?(?:"
    r"(?:beginners?|newbies?|novices?|newcomers?|starters?|freshers?|juniors?|seniors?|interns?|"
    r"students?|(?:new |recent )?grads?|career changers?|self[- ]taught)\b" + _JOB_AFTER + "|"
    r"(?:" + LEVEL_NAMES + r"|experienced|advanced|new|self[- ]taught)(?: [\w#+.-]+)? (?:devs?|"
    r"developers?|engineers?|people|folks|programmers?|coders?|grads?|graduates?|ones?)\b"
    + _JOB_AFTER + ")")


def _only_jobs_named(text: str, kb: KnowledgeBase) -> bool:
    """Whether text names jobs and what they are, nothing else ("backend jobs with postgres?")."""
    if _ASKING.match(bare(normalize(text))) or not find_skills(kb.skills, text):
        return False
    return not [w for w in unread(JOB_WORDS.sub(" ", bare(normalize(text))), kb.skills)
                if w not in STOPWORDS and w not in _SELF_WORDS]


def first_clause(text: str) -> str:
    """The message up to where its first clause ends (a comma, "so", "any", "what"): who one
    is, before what one asks ("I'm a mid-level rust engineer, anything remote?")."""
    m = _CLAUSE_END.search(text)
    return text[:m.start()] if m else text


def told_part(text: str) -> str:
    """What a message that also asks for openings tells about the person: its clauses that ask
    for none ("I'm a senior go dev in Berlin, anything for me?", "looking for backend work in
    Germany, I do go and node"); its first clause when every clause asks."""
    told = [c.strip() for c in _PUNCTUATION.split(text) if c.strip() and not requests_openings(c)]
    return ", ".join(told) if told else first_clause(text)


def request_part(text: str) -> str:
    """The request a message that also tells about the person makes: all of it but the level it
    tells ("I'm a mid python dev, remote, anything?" asks for remote Python openings; the level
    is the profile's, which only ranks). A level in a clause that asks ("any senior roles?") stays."""
    clauses = [c.strip() for c in _PUNCTUATION.split(text) if c.strip()]
    return ", ".join(c if requests_openings(c) else without_level(c) for c in clauses)


def _tells_about_oneself(text: str, kb: KnowledgeBase) -> bool:
    return bool(find_skills(kb.skills, text) or stated_level(text) or find_level(text)
                or remote_wish(text) or find_places(text, kb.skills) or years_of_experience(text))


def example_key(text: str) -> str:
    """An example as it is compared: case, spacing and punctuation do not count."""
    return " ".join(re.findall(r"[\w']+", normalize(text)))


# --- the semantic part --------------------------------------------------------------------------


class _Semantic:
    """The example vectors, grouped by class, and the ridge read-out trained on them."""

    def __init__(self, classes: Sequence[str], vectors: Vectors, labels: npt.NDArray[np.int_]) -> None:
        self.classes = tuple(classes)
        self.index = {c: i for i, c in enumerate(self.classes)}
        self.vectors = vectors
        self.weights = _ridge(vectors, labels, len(self.classes))
        # The examples ordered by class, so that each class's nearest ones are found by
        # reductions over its slice rather than one class at a time.
        order = np.argsort(labels, kind="stable")
        self._by_class = np.ascontiguousarray(vectors[order])
        self._starts = np.searchsorted(labels[order], np.arange(len(self.classes)))
        self._sizes = np.diff(self._starts, append=len(labels))
        self._last: tuple[Vectors, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]] | None \
            = None

    def evidence(self, vector: Vectors) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """(closeness to each class's nearest examples, closeness plus the read-out) per class."""
        # A message is classified again in another situation (is a topic question a follow-up?):
        # its evidence does not depend on the situation.
        if self._last is not None and self._last[0] is vector:
            return self._last[1]
        close = self._closeness(self._by_class @ vector)
        readout = vector @ self.weights[:-1] + self.weights[-1]
        out = close, close + RIDGE_SHARE * readout
        self._last = (vector, out)
        return out

    def _closeness(self, sims: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """Per class, the mean cosine of its NEIGHBOURS (two) nearest examples, or of the one."""
        assert NEIGHBOURS == 2, "the reduction below finds two per class"
        best = np.maximum.reduceat(sims, self._starts)
        at_best = sims == np.repeat(best, self._sizes)
        second = np.maximum.reduceat(np.where(at_best, np.float32(-np.inf), sims), self._starts)
        # The best found twice is also the second; a class of one example has no second.
        ties = np.add.reduceat(at_best, self._starts) >= 2
        second = np.where(ties, best, second)
        mean = np.where(np.isfinite(second), (best + second) / np.float32(2), best)
        return mean.astype(np.float64)


def _ridge(x: Vectors, labels: npt.NDArray[np.int_], classes: int) -> npt.NDArray[np.float64]:
    """One-vs-rest ridge regression with balanced classes (so 600 topic questions do not drown
    15 examples of an intent): a closed form, milliseconds to fit."""
    n = len(x)
    xb = np.hstack([x.astype(np.float64), np.ones((n, 1))])
    targets = np.eye(classes)[labels] * 2 - 1
    counts = np.bincount(labels, minlength=classes)
    weight = (n / (classes * np.maximum(counts, 1)))[labels][:, None]
    gram = (xb * weight).T @ xb + RIDGE_PENALTY * np.eye(xb.shape[1])
    return np.asarray(np.linalg.solve(gram, (xb * weight).T @ targets), dtype=np.float64)


Embed = Callable[[Sequence[str]], Vectors]


def embedders(kb: KnowledgeBase, encoder: Encoder, cache_dir: Path | None = None) -> tuple[Embed, Embed]:
    """How a knowledge base's intent examples and topic questions are embedded: through the
    on-disk cache. Every base shares the examples; the questions are cached per set of topics,
    so that bases used in turn (tests, a copy being edited) do not evict each other's."""
    topics = hashlib.blake2b("\n".join(sorted(kb.topics)).encode(), digest_size=6).hexdigest()
    return (EmbeddingCache(encoder, "intent-examples", cache_dir).encode,
            EmbeddingCache(encoder, f"intent-questions-{topics}", cache_dir).encode)


_BUILT: dict[tuple[int, str | None, Path | None], IntentClassifier] = {}


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# Words that steer a sentence rather than name what it is about ("what about remote instead"):
# never another subject.
_DISCOURSE = frozenset(("instead", "rather", "though", "anyway", "anyways", "also", "too", "either",
                        "else", "again", "actually", "maybe", "perhaps", "really", "fully", "hmm",
                        "hm", "ok", "okay", "well", "now", "still"))


class IntentClassifier:
    """Scores every intent for a message: cues (always) and meaning (with an encoder)."""

    def __init__(self, examples: Mapping[str, Sequence[str]], *, contrast: Sequence[str] = (),
                 embed: Embed | None = None, embed_contrast: Embed | None = None,
                 kb: KnowledgeBase | None = None) -> None:
        """`examples` per intent; `contrast`: topic questions; `embed` (and `embed_contrast`, for
        the questions, `embed` by default): texts to vectors, None for cues only; `kb`: its
        skills tell statements about oneself."""
        self.kb = kb
        self._exact = {example_key(e): name for name, group in examples.items() for e in group
                       if name != NONE}
        self._one_word = {key: name for key, name in self._exact.items()
                          if " " not in key and len(key) >= TYPO_MIN_LENGTH - 1}
        # The words requests to the bot are made of; chit-chat's and other subjects' are not.
        self._vocabulary = frozenset(stem(w) for name, group in examples.items()
                                     if name not in (NONE, "smalltalk") for e in group for w in words(e))
        self._semantic: _Semantic | None = None
        if embed is not None and any(examples.values()):
            classes = [name for name in (*INTENTS, NONE) if examples.get(name)]
            texts = [e for name in classes for e in examples[name]]
            labels = [i for i, name in enumerate(classes) for _ in examples[name]]
            vectors = embed(texts)
            if contrast:
                labels += [len(classes)] * len(contrast)
                classes.append(TOPIC)
                vectors = np.vstack([vectors, (embed_contrast or embed)(contrast)])
            self._semantic = _Semantic(classes, vectors, np.asarray(labels))

    @classmethod
    def for_knowledge(cls, kb: KnowledgeBase, encoder: Encoder | None = None,
                      cache_dir: Path | None = None) -> IntentClassifier:
        """The knowledge base's intents against its topics' questions, embedded through the
        on-disk cache (only new or changed texts are encoded); built once per knowledge base and
        model, so that the cores of one process (and the tests) share it."""
        key = (id(kb), encoder.model_id if encoder is not None else None, cache_dir)
        found = _BUILT.get(key)
        if found is not None and found.kb is kb:
            return found
        examples = {name: intent.examples for name, intent in kb.intents.items()}
        contrast = [q for topic in kb.topics.values() for q in topic.questions]
        embed, embed_contrast = embedders(kb, encoder, cache_dir) if encoder is not None else (None, None)
        try:
            built = cls(examples, contrast=contrast, embed=embed, embed_contrast=embed_contrast,
                        kb=kb)
        except Exception:
            if embed is None:
                raise
            # A broken model must not stop the bot: intents are then recognised by their cues.
            log.exception("embedding the intent examples failed; recognising intents by cues only")
            built = cls(examples, contrast=contrast, kb=kb)
        if len(_BUILT) > 8:
            _BUILT.clear()  # the knowledge bases of earlier reloads
        _BUILT[key] = built
        return built

    @property
    def semantic(self) -> bool:
        return self._semantic is not None

    def cued(self, text: str, situation: Situation) -> bool:
        """Whether the message's words say some intent, even unsurely: a cue of MIN_CUE or more,
        or an example said word for word."""
        return (max(_cues(text, self.kb, situation).values(), default=0.0) >= MIN_CUE
                or example_key(text) in self._exact)

    def classify(self, text: str, situation: Situation,
                 vector: Callable[[], Vectors | None] = lambda: None, *,
                 settled: Callable[[], bool] = lambda: False,
                 topic_sure: Callable[[], bool] = lambda: False) -> IntentScores:
        """Every intent's score for `text`; `vector` gives its meaning, asked only when needed;
        `settled`: whether the words settle the message otherwise (a topic, or nothing known),
        so that without a cue its meaning is not read (the router's cascade); `topic_sure`:
        whether the topic retrieval is sure the message asks about a topic (asked only of an
        OBJECT_BOUND intent read by meaning alone)."""
        allowed = [name for name in INTENTS if situation.allows(name)]
        cues = _cues(text, self.kb, situation)
        scores = {name: cues.get(name, 0.0) for name in allowed}
        key = example_key(text)
        exact = self._exact.get(key)
        if exact in scores:
            scores[exact] = max(scores[exact], 0.95)
        elif (exact is None and " " not in key and len(key) >= TYPO_MIN_LENGTH
              and not situation.subjects and max(scores.values(), default=0.0) < MIN_CUE):
            near = [k for k, _, _ in process.extract(
                key, list(self._one_word), scorer=OSA.distance, score_cutoff=1, limit=None)]
            typo = _typo_of(key, near, self._one_word.__getitem__)
            if typo is not None and typo in scores:
                scores[typo] = TYPO
        if situation.names_shown and "opening" in scores:
            scores["opening"] = max(scores["opening"], 0.95)
        if (situation.topic is None and not situation.openings_shown and not situation.subjects
                and cues.get("more", 0.0) >= SURE):
            # "tell me more" with nothing before it still deserves "more about what?"
            scores["more"] = 0.6
        # One word carries too little meaning to tell an intent from a topic ("RoR", a typo).
        if (self._semantic is not None and max(scores.values(), default=0.0) < SURE
                and len(text.split()) > 1
                and not (max(cues.values(), default=0.0) < MIN_CUE and settled())):
            q = vector()
            if q is not None:
                for name, p in self._meaning(q, allowed).items():
                    # A cue that read the message as not quite this intent ("hello" in a longer
                    # request, a job word in a question for advice) is not overruled.
                    vetoed = (cues.get(name, 1.0) < MIN_CUE
                              or (situation.subjects and name in SUBJECTLESS)
                              # naming a subject, a rating speaks of the answer (its cue)
                              or (situation.subjects and name == "feedback" and name not in cues))
                    if not vetoed:
                        scores[name] = max(scores[name], p)
        self._overrule_borrowed(text, situation, scores, cues, vector)
        if not _PERSON.search(normalize(text)) and self.foreign(text):
            for name in PERSONAL:
                if name in scores and cues.get(name, 0.0) < MIN_CUE:
                    scores[name] = min(scores[name], OVERRULED)
        # Who one is, told without a question, is no question about a topic ("prefer remote work").
        told = "?" not in text and not _QUESTION.search(normalize(text))
        guessed = [n for n in OBJECT_BOUND if scores.get(n, 0.0) >= MIN_CUE and cues.get(n, 0.0) < MIN_CUE
                   and not (n == "profile" and told)]
        if guessed and topic_sure():
            # Nothing but the meaning reads a request to the bot, and a topic is sure: a question
            # about the topic that uses a request's words ("how do we make alerts less noisy?").
            for name in guessed:
                scores[name] = min(scores[name], OVERRULED)
        if ("subscribe" in scores and "subscribe" not in cues and _NEGATION.search(normalize(text))
                and scores["subscribe"] > scores.get("unsubscribe", 0.0)):
            # Sentence vectors barely register a "not": a refused subscription reads as one.
            scores["unsubscribe"], scores["subscribe"] = scores["subscribe"], 0.0
        return IntentScores(scores=scores)

    def foreign(self, text: str) -> list[str]:
        """The words of `text` that no intent's examples use and no finder reads as a skill, level,
        place or years: what else the message speaks of ("music" in "stop the music")."""
        plain = " ".join(_typos_fixed(bare(_spelled(normalize(text))).split()))
        said = unread(respelled(plain, self.kb.skills), self.kb.skills) if self.kb is not None \
            else words(plain)
        return [w for w in said if w not in STOPWORDS and w not in _DISCOURSE and not w.isdigit()
                and stem(w) not in self._vocabulary and not _cue_word(w) and not _slip(w)
                and not _dropped_letter(w)]

    def _overrule_borrowed(self, text: str, situation: Situation, scores: dict[str, float],
                           cues: Mapping[str, float], vector: Callable[[], Vectors | None]) -> None:
        """An OBJECT_BOUND intent read in a message that also speaks of something else, whose
        meaning is not clearly nearer that intent's examples than the other subjects' or
        chit-chat's (ELSEWHERE), is not that intent."""
        sem = self._semantic
        # Who one is takes any words ("just finished a bootcamp"): only the meaning's reading of a
        # profile statement is put in doubt, not its cues'.
        of_the_bot = _THE_BOTS.search(normalize(text)) is not None
        bound = [n for n in OBJECT_BOUND if scores.get(n, 0.0) >= MIN_CUE
                 and (n != "profile" or cues.get(n, 0.0) < MIN_CUE)
                 and not (of_the_bot and n in _OF_THE_BOT)]
        # naming a skill, a message is about the work: its other words describe it ("linux admin")
        if not bound or sem is None or situation.subjects or not self.foreign(text):
            return
        q = vector()
        if q is None:
            return
        _, evidence = sem.evidence(q)
        elsewhere = max((evidence[sem.index[c]] for c in ELSEWHERE if c in sem.index), default=None)
        if elsewhere is None:
            return
        # asked how it is done, with something else named: done elsewhere ("how do I unsubscribe
        # from <a streaming service>"), however close to the intent's examples it reads
        elsewhere_how = _HOW_IT_IS_DONE.match(normalize(text)) is not None
        for name in bound:
            if name in sem.index and (elsewhere_how
                                      or evidence[sem.index[name]] - elsewhere < BORROWED_MARGIN):
                scores[name] = min(scores[name], OVERRULED)

    def _meaning(self, vector: Vectors, allowed: Sequence[str]) -> dict[str, float]:
        sem = self._semantic
        assert sem is not None
        close, evidence = sem.evidence(vector)
        live = [sem.index[c] for c in (*allowed, TOPIC, NONE) if c in sem.index]
        # Each class's rival is the best other live class: the best, or for the best the second.
        ranked = sorted(((float(evidence[j]), j) for j in live), reverse=True)
        out: dict[str, float] = {}
        for name in allowed:
            i = sem.index.get(name)
            if i is None:
                continue
            rival = next((e for e, j in ranked if j != i), -1.0)
            out[name] = (_logistic(MARGIN_SLOPE * (evidence[i] - rival - MARGIN_AT))
                         * _logistic(CLOSE_SLOPE * (close[i] - CLOSE_AT)))
        return out


def about_oneself(text: str) -> bool:
    """Whether a (normalized) message speaks of its sender: "what should I learn next?"."""
    return _ABOUT_ME.search(text) is not None
