"""What a question may ask of a job ad and how an ad states it: one vocabulary for reading and answering."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import words_re


@dataclass(frozen=True, kw_only=True, slots=True)
class AdFact:
    """A fact an ad states only sometimes (pay, visa, who one reports to): the words that name
    it ("what about the visa?"), how a question asks for it, and how an ad states it."""

    name: str
    nouns: tuple[str, ...]
    asked: re.Pattern[str]
    stated: re.Pattern[str]


def _fact(name: str, nouns: tuple[str, ...], asked: str, stated: str | None = None) -> AdFact:
    return AdFact(name=name, nouns=nouns, asked=re.compile(asked, re.IGNORECASE),
                  stated=re.compile(stated or asked, re.IGNORECASE))


# Pay has its own line in every answer. An ad that states pay names it (a salary, a stipend, a
# wage) or a currency: a sign, or an ISO code in capitals next to a grouped amount ("DKK
# 18,000", "120,000 SEK"; not "ISO 27001").
PAY = AdFact(
    name="Salary", nouns=("salary", "pay(?:s|ing)?", "paid", "compensation", "stipend", "bonus"),
    asked=re.compile(r"\bpa(?:y|ys|id|ying)\b|salar|compensation|\bcomp\b|stipend|\bwages?\b"
                     r"|\bearn|\bhow much\W*$|\b(?:hourly|daily|day) rate\b|\brates?\W*$"
                     # "what's the base?": the base salary
                     r"|\bbase (?:pay|salary)\b|\bthe base\W*$",
                     re.IGNORECASE),
    stated=re.compile(r"(?i)salary|compensation|stipend|\bwages?\b|\bhourly rate\b|[$€£]\s?\d"
                      r"|\b\d+\s?k\b|\b(?:eur|usd|gbp|chf|cad|aud)\b"
                      r"|(?-i:\b[A-Z]{3}\s?\d{1,3}(?:[,.]\d{3})+|\b\d{1,3}(?:[,.]\d{3})+\s?[A-Z]{3}\b)"))

# A pay sentence that says it is pay, not only an amount in a currency ("a home office budget of
# GBP 800").
_PAY_NAMED = re.compile(r"(?i)\b(?:salary|salaries|compensation|stipend|wages?|pay|paid|base|rate|ote)\b")


# Money an ad states for something else than pay: "EUR 1,000 for training each year".
_NOT_PAY = re.compile(r"(?i)\b(?:budget|allowance|training|conferences?|books|learning|equipment"
                      r"|wellness|gym|home office|perks?|benefits?|donat\w*|revenue|raised|funding)\b")


def pay_sentences(said: list[str]) -> list[str]:
    """An ad's sentences that state pay, those that name it as pay first; an amount said to be
    for something else (a training budget) is no pay."""
    stated = [s for s in said if PAY.stated.search(s)
              and (_PAY_NAMED.search(s) is not None or _NOT_PAY.search(s) is None)]
    return sorted(stated, key=lambda s: _PAY_NAMED.search(s) is None)


# Languages an ad may ask one to speak.
_LANGUAGES = ("english", "german", "french", "spanish", "dutch", "swedish", "danish", "norwegian",
              "finnish", "polish", "portuguese", "italian", "czech", "japanese")

_LANGUAGE = "(?:" + "|".join(_LANGUAGES) + ")"
_LANGUAGE_SAID = (rf"\b{_LANGUAGE}(?: language)?(?: skills?)?,? (?:is |are )?(?:not )?(?:required|a must"
                  r"|an? (?:asset|plus|bonus)|nice to have|needed|essential|preferred|optional|helpful"
                  r"|welcome|necessary|mandatory)"
                  r"|\b(?:fluent|fluency|speak\w*|proficien\w*|native|business)\b"
                  rf"[\w ,-]{{0,30}}\b{_LANGUAGE}\b"
                  r"|\blanguage skills?\b")

# How many people a team is: a small number of them ("for 80,000 developers" are customers).
_FEW = (r"(?:[1-9]\d?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
        r"|fifteen|sixteen|twenty)")
_MEMBERS = r"(?:engineers|developers|devs|people|sres|members|scientists|designers|testers)\b"

# The others, in the order an answer lists them.
FACTS: tuple[AdFact, ...] = (
    # Said as a visa, a permit or the right to work: "do they help with the work permit?", "you
    # must be authorized to work in the US", "we sponsor EU Blue Card applications".
    _fact("Visa sponsorship", ("visas?", r"sponsor\w*", r"work permits?"),
          r"\bvisas?\b|sponsor|\b(?:work|residence|the|a|my) permits?\b|\bright to work\b"
          r"|\b(?:authori[sz]ed|eligible) to work\b|\bwork authori[sz]ation\b|\bblue card\b"),
    _fact("Relocation", (r"relocat\w*",), r"relocat"),
    _fact("Equity", ("equity",), r"\bequity\b|\bstock options?\b|\bshares\b"),
    _fact("Reporting to", ("reporting line",),
          r"\breport(?:s|ing)? (?:in)?to\b|\bboss\b|\bwho (?:is|'s|would be|will be) (?:my|the)"
          r" (?:manager|boss|lead)\b",
          r"\breport(?:s|ing)? (?:in)?to\b"),
    # The team's name ("what's the team called?"), not its size.
    _fact("Team", (), r"\b(?:what|which|who)(?:'?s| is| are)? (?:the |that |its |on the |in the )?team\b"
          r"|\bteam(?:'s)? (?:called|name)\b|\bname of the team\b|\bwhat team\b|\bwhich team\b"
          r"|\bin which team\b",
          r"\bteam\b"),
    _fact("Team size", ("team",),
          r"\bteam size|size of the team|how (?:big|large|many people)|\bteam (?:big|large|small)\b"
          r"|how many (?:people|engineers|developers|devs|colleagues)",
          # Not any number of people: "for 80,000 developers" are the customers.
          r"\bteam of \w+|\b\w+[- ](?:person|people|strong) team|\b(?:we are|we're|the team is)"
          r" (?:\d+|a team|a group|a small|a few|two|three|four|five|six|seven|eight|nine|ten)\b"
          # "the Dispatch team, seven engineers", "one of eleven engineers in the Fleet team"
          rf"|\bteam\b[^.]{{0,30}}\b{_FEW} (?:\w+ )?{_MEMBERS}"
          rf"|\b{_FEW} (?:\w+ )?{_MEMBERS}[^.]{{0,30}}\bteam\b"),
    _fact("Hours and contract", ("contract", "hours"),
          r"full[- ]?time|part[- ]?time|\bcontract\b|\bcontractor|\bpermanent\b|freelance"
          r"|fixed[- ]term|\btemporary\b|\bhours\b|how long(?: (?:is|does|will)|\W*$)|\bduration\b"
          r"|\b(?:work(?:ing)? )?schedule\b|\bextend\w*|\bextension\b|\brenew\w*",
          r"full[- ]?time|part[- ]?time|\bcontract\b|\bpermanent\b|fixed[- ]term"
          r"|\btemporary\b|\bhours\b|\b(?:\d+|two|three|four|five|six|eight|nine|ten|twelve"
          r"|eighteen|twenty-four)[- ](?:months?|weeks?)\b|\binternship\b|\bextended\b|\bextension\b"),
    # "when would it start?"; ads seldom say.
    _fact("Start date", ("start date",), r"\bstart(?:ing)? date\b|\bwhen (?:does|would|will|do|can)"
          r" (?:it|i|the job|the role|they|that) start\b",
          r"\bstart(?:ing)? (?:date|in|on|from|as soon)\b|\bimmediate(?:ly)? start\b"),
    # The company's size, not the team's: "is the company big?"
    _fact("Company size", ("company size",), r"\bcompany size\b|\bsize of the company\b|\bhow (?:big|large"
          r"|small) is (?:the|that|this) (?:company|startup|firm)\b|\bis (?:the|it a) (?:company|startup"
          r"|firm) (?:big|large|small)\b|\bhow many (?:employees|staff)\b",
          r"\b\d[\d,]*\+? (?:employees|people|staff|colleagues)\b"),
    _fact("Benefits", (r"benefits?", r"perks?"), r"\bbenefits?\b|\bperks?\b|\bholidays?\b|\bvacation"
          r"|\bpto\b|time off|\bpension|health insurance"),
    _fact("Degree", ("degrees?",), r"\bdegrees?\b|\bdiploma\b|\bcs background\b|\bbachelor'?s?\b"
          r"|\bmaster'?s\b|\bmasters? degree\b|\bph\.?d\b|\bdoctorate\b|\b(?:uni|university|college)\b",
          r"\bdegrees?\b|\bdiploma\b|\bstudents?\b"),
    _fact("On call", (r"on[- ]?call",), r"\bon[- ]?call\b|\bpager\b|\bnight shifts?\b",
          r"\bon[- ]?call\b|\bpager\b"),
    _fact("Travel", (r"travel\w*",), r"\btravel\w*|\bbusiness trips?\b", r"\btravel\w*"),
    # A spoken language asked for ("do I need French?"); "what language do they use" asks the
    # stack.
    _fact("Languages", _LANGUAGES, words_re(*_LANGUAGES, "fluent", "fluency", "speak").pattern,
          # A language as a requirement, not any word for a country ("a German university").
          _LANGUAGE_SAID),
)

# What every ad shows (where, how, level, skills, fit, link), asked with a pointer: "is it
# remote?", "what do they need?", "where is that?".
_ASPECTS = (
    r"remote\w*", "hybrid", "on-?site", "office", "located", "location", "where", "city", "country",
    "level", "junior", "senior", "stack", "tech", r"requir\w*", r"need\w*", "want", "missing",
    r"lack\w*", "learn", "fits?", r"match\w*", "apply", "link", "company", "posted", "do",
    r"start\w*", "deadline", r"interview\w*",
)
# A question about an opening on screen, once it points at one ("is it remote?").
ABOUT_AN_OPENING = re.compile(
    words_re(*_ASPECTS, *(n for f in (PAY, *FACTS) for n in f.nouns)).pattern
    + "|" + "|".join(f.asked.pattern for f in FACTS))
# What only an ad says, asked as "what about equity?" or "give me the url" (never a filter:
# "what about hybrid?" narrows the list).
ABOUT_A_FACT = re.compile(r"^(?:and |so |ok |okay )?(?:(?:what|how) about|give me|send me|share|"
                          r"show me|can i (?:get|have|see)) (?:the |its |their )?(?:"
                          + "|".join(n for f in (PAY, *FACTS) for n in f.nouns)
                          + r"|link|url|start date|deadline|level|seniority|stack|tech stack|interviews?)\b"
                          # or that fact and nothing else: "equity?", "and relocation?", "any
                          # on-call?", "is there travel?"
                          + r"|^(?:and |so |ok |okay |but |hmm )?(?:any |is there |are there |what about |"
                          r"how about )?(?:an? |the |its |their )?(?:"
                          + "|".join(n for f in (PAY, *FACTS) for n in f.nouns)
                          + r"|hourly rate|rate|travel)(?: too| then| as well)?\W*$")


def asks_unlisted_fact(question: str) -> bool:
    """Whether a question asks what only an ad's text can say (pay, visa, relocation, equity)."""
    return any(f.asked.search(question) for f in (PAY, *FACTS))


def asked_facts(question: str) -> list[AdFact]:
    """The facts (other than pay) a question asks about."""
    return [f for f in FACTS if f.asked.search(question)]


# An amount an ad's pay sentence states: "GBP 95,000-110,000", "$140k", "EUR 2,400 a month".
_AMOUNT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[,.]\d{3})+|\d+(?:\.\d+)?)\s?(k\b)?")
# What an amount is paid for, and how many of them make a year of full-time work.
_PER = ((re.compile(r"(?i)\b(?:an? |per |/ ?)(?:hour|hr)\b|\bhourly\b"), 1800.0),
        (re.compile(r"(?i)\b(?:an? |per |/ ?)day\b|\b(?:daily|day) rate\b"), 220.0),
        (re.compile(r"(?i)\b(?:an? |per |/ ?)week\b|\bweekly\b"), 48.0),
        (re.compile(r"(?i)\b(?:an? |per |/ ?)(?:month|mo)\b|\bmonthly\b"), 12.0))
# Below this a number in a pay sentence is no pay ("plus 25 days of holiday", "3 days a week").
_LEAST_PAY = 100.0


def yearly_pay(sentence: str) -> float | None:
    """The highest amount a pay sentence states, per year of full-time work (a day rate or a
    monthly stipend made comparable with a salary), in the ad's own currency; None if it
    states none."""
    amounts = [float(n.replace(",", "").replace(".", "") if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", n)
                     else n) * (1000.0 if k else 1.0) for n, k in _AMOUNT.findall(sentence)]
    amounts = [a for a in amounts if a >= _LEAST_PAY]
    if not amounts:
        return None
    per = next((times for said, times in _PER if said.search(sentence)), 1.0)
    return max(amounts) * per


# Words a question and an ad use for the same thing, one group each: an ad that says "the hiring
# process" answers "interview steps?", "shares" answer "stock?". Read as stems (bot/adreading.py),
# beside the meaning of the whole sentence, which finds what no group lists.
KINDRED_WORDS: tuple[tuple[str, ...], ...] = (
    ("boss", "manager", "report", "reporting", "lead", "head", "cto", "supervisor"),
    ("equity", "stock", "stocks", "shares", "options", "esop"),
    # "What we offer" heads the perks
    ("perks", "benefits", "pension", "insurance", "401k", "retirement", "health", "offer"),
    ("vacation", "holiday", "holidays", "leave", "pto", "time off", "days off"),
    ("interview", "interviews", "hiring", "process", "screen", "stages", "steps", "rounds",
     "take-home"),
    ("degree", "uni", "university", "college", "bachelor", "bachelors", "master", "masters", "phd",
     "diploma", "graduated", "graduate", "students"),
    ("on-call", "oncall", "pager", "paged", "duty", "rotation", "night", "weekend", "weekends"),
    ("travel", "travelling", "traveling", "trips", "trip", "road", "offsite", "visits"),
    ("timezone", "timezones", "time zone", "time zones", "utc", "overlap", "core hours"),
    ("mentor", "mentors", "mentoring", "mentorship", "train", "training", "onboarding", "coach",
     "buddy"),
    # what the work is like from day to day ("a typical week", "what's a normal day like?")
    ("day-to-day", "typical", "normal", "usual", "daily", "routine", "everyday"),
    ("budget", "courses", "conferences", "conference", "learning", "training", "lessons"),
    ("relocate", "relocating", "relocation", "move", "moving"),
    ("visa", "visas", "sponsor", "sponsorship", "permit", "authorized", "blue card"),
    ("language", "languages", "speak", "speakers", "fluent", "english", *_LANGUAGES),
    ("start", "starting", "begin", "begins", "soon", "start date", "earliest"),
    ("hours", "part-time", "part time", "half time", "full-time", "schedule", "flexible"),
    ("contract", "permanent", "temporary", "fixed-term", "extension", "months", "long"),
    ("team", "people", "engineers", "colleagues", "ppl", "size", "big"),
    ("clearance", "security clearance", "background check", "vetting"),
    ("salary", "pay", "paid", "comp", "compensation", "stipend", "money", "wage", "earn"),
)
