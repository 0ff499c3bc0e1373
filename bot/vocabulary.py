"""Skills, levels, work modes, places and years read from text, alike for chat and job ads."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from enum import Enum
from functools import lru_cache
from itertools import pairwise
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from bot.openings import FULL_TIME, HOURS_A_WEEK, PART_TIME, Employment, Level, Remote, short_week
from bot.openings import level_for_years as level_for_years  # read with years_of_experience
from bot.ports import RemotePreference
from bot.skills import Skill, SkillVocabulary
from bot.text import STOPWORDS, normalize, tidy, words


@lru_cache(maxsize=256)
def _read(text: str) -> tuple[str, str]:
    """(tidy text, its normalized form): titles and descriptions are read by several finders
    in turn, and the ambiguous skill words need the case the normalized form drops."""
    cased = tidy(text)
    return cased, cased.casefold()


class Reading(Enum):
    """What kind of text is read; a few words mean something only in one kind."""

    LABEL = "label"    # a job's title or location line: terse, every level word is meant
    BODY = "body"      # a job's description: long prose, only unmistakable phrases count
    CHAT = "chat"      # a person's message: a job request, a statement about themselves
    ANSWER = "answer"  # a person's reply to the bot's own question: "yes", "no", "middle"


_SHARED = frozenset({Reading.LABEL, Reading.CHAT, Reading.ANSWER})  # titles and people alike
_TITLES = frozenset({Reading.LABEL})
_SPOKEN = frozenset({Reading.CHAT, Reading.ANSWER})
_ANSWERS = frozenset({Reading.ANSWER})
_BODY = frozenset({Reading.BODY})
_ALL = frozenset(Reading)

# ---------------------------------------------------------------------------------------------
# Skills

# Skill names that are also ordinary English words ("go", "rust", "spring"); see _ambiguous.
AMBIGUOUS = frozenset({"go", "rust", "swift", "spring", "express", "less", "r", "c", "dart",
                       "elm", "chef", "puppet", "salt", "ruby", "crystal", "julia", "ada",
                       "make", "scheme", "render", "nest", "next", "ember", "spark"})

# The word before an ambiguous word that makes it a skill: "I know go", "written in go".
_SKILL_BEFORE = frozenset((
    "know", "knows", "knowing", "in", "with", "using", "use", "uses", "used", "learn",
    "learning", "learned", "learnt", "write", "writes", "writing", "wrote", "written", "code",
    "coding", "program", "programming", "like", "love", "prefer", "of", "about", "than", "vs",
    "versus", "from", "master", "mastered", "mastering", "some", "little", "basic", "strong",
    "solid", "fluent", "proficient", "into", "add", "plus", "remove", "drop", "delete", "scratch",
    "mostly", "mainly", "primarily", "especially", "doing",
    "minus", "for",
    # after a level said with its noun: "mid level rust", "entry level go"
    "level",
))
# The word after it that makes it a skill: "go jobs", "rust developer".
_SKILL_AFTER = frozenset((
    "job", "jobs", "ones", "role", "roles", "position", "positions", "opening", "openings", "vacancy",
    "vacancies", "developer", "developers", "engineer", "engineers", "dev", "devs",
    "programmer", "programmers", "backend", "service", "services", "microservices", "code",
    "codebase", "programming", "experience", "skills", "stack", "projects", "language",
    "modules", "library", "libraries", "expert", "expertise", "knowledge", "ecosystem",
    "tooling", "apps", "applications", "work", "gigs", "person", "people", "folks",
))
# The word before it that makes it a verb: "want to go", "let's go", "we go".
_VERB_BEFORE = frozenset((
    "to", "let's", "lets", "let", "will", "would", "can", "could", "should", "must", "might",
    "may", "shall", "gonna", "wanna", "don't", "dont", "didn't", "didnt", "won't", "wont",
    "can't", "cant", "cannot", "i'll", "we'll", "you'll", "they'll", "i'd", "we'd", "you'd",
    "they'd", "i", "we", "you", "they", "please",
))
# After "to", a move between languages keeps the skill: "switch to go", "from java to go".
_MOVE_TO = frozenset((
    "switch", "switched", "switching", "move", "moved", "moving", "migrate", "migrated",
    "migrating", "port", "ported", "porting", "transition", "transitioning", "convert",
    "converting", "rewrite", "rewriting", "rewritten",
))
# The word after it that makes it a verb: "go to", "go for it", "go ahead", "go-live".
_VERB_AFTER = frozenset((
    "to", "for", "ahead", "back", "home", "away", "out", "through", "into", "over", "on", "off",
    "up", "down", "live", "beyond", "get", "see", "check", "grab", "there", "anywhere",
    "somewhere", "the",
))
# Between two skills of a list: "python, go", "python and go", "go vs rust", "python / go".
_JOIN = re.compile(r"\s*(?:[,/&;+]\s*)?(?:(?:and|or|vs\.?|versus|plus|&)\s+)?")
_FIRST_WORD = re.compile(r"[\s-]([^\s-]+)")


def _trie_pattern(forms: list[str]) -> str:
    """One regex for many words, shaped as a trie: at each position only the branch that fits
    the next character is tried, longest continuation first (like longest-first alternation)."""
    trie: dict[str, Any] = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return build(trie)


def _word_before(norm: str, start: int) -> str | None:
    """The word right before start, or None when punctuation or the text's start is there."""
    if start < 2 or norm[start - 1] != " ":
        return None
    word = norm[norm.rfind(" ", 0, start - 1) + 1:start - 1].lstrip("(\"'[")
    return word if word and (word[-1].isalnum() or word[-1] == "'") else None


def _word_after(norm: str, end: int) -> str | None:
    """The word right after end (a hyphen joins too: "go-live"), without closing punctuation."""
    m = _FIRST_WORD.match(norm, end)
    if m is None:
        return None
    word = m.group(1)
    stripped = word.rstrip(".,;:!?)\"']")
    return stripped or None


class SkillFinder:
    """Skills in text through one trie-shaped regex: fast on long job descriptions."""

    def __init__(self, vocab: SkillVocabulary) -> None:
        self.vocab = vocab
        self.by_form: dict[str, Skill] = {}
        for sk in vocab.skills:
            for f in (sk.name, *sk.aliases):
                self.by_form.setdefault(normalize(f), sk)
        self.by_form.pop("", None)
        forms = sorted(self.by_form)
        # Word edges keep "go" out of "good" and "java" out of "javascript"; the trie tries
        # the longest form first, so "ruby on rails" wins over "ruby".
        self.pattern = re.compile(r"(?<![\w.+#])(" + _trie_pattern(forms) + r")(?![\w+#])") \
            if forms else None

    def find(self, text: str, *, listed: bool = False) -> list[Skill]:
        """Skills mentioned in text, in order of first mention, without repeats.

        An ambiguous word counts only where it reads as the skill (see _ambiguous). listed:
        the text is a list of skills (a reply to "which skills do you have?"), so a lowercase
        ambiguous word counts unless it is used as a verb.
        """
        if self.pattern is None or not text:
            return []
        cased, norm = _read(text)
        out: dict[str, Skill] = {}
        for m in self.pattern.finditer(norm):
            form = m.group(1)
            if form in AMBIGUOUS:
                verdict = _ambiguous(norm, cased, m.start(1), m.end(1), self.by_form,
                                     listed=listed)
                if verdict is None:
                    return self._in_lists(self.pattern, norm, cased, listed=listed)
                if not verdict:
                    continue
            skill = self.by_form[form]
            out.setdefault(skill.name, skill)
        return list(out.values())

    def _in_lists(self, pattern: re.Pattern[str], norm: str, cased: str, *,
                  listed: bool) -> list[Skill]:
        # The rare text with a word only a list can decide ("python and go"): read it again,
        # keeping every mention's place. The common case above keeps long descriptions fast.
        skills: list[Skill] = []
        spans: list[tuple[int, int]] = []
        verdicts: list[bool | None] = []
        for m in pattern.finditer(norm):
            form = m.group(1)
            skills.append(self.by_form[form])
            spans.append(m.span(1))
            verdicts.append(_ambiguous(norm, cased, *spans[-1], self.by_form, listed=listed)
                            if form in AMBIGUOUS else True)
        _join_lists(norm, spans, verdicts)
        out: dict[str, Skill] = {}
        for skill, ok in zip(skills, verdicts, strict=True):
            if ok:
                out.setdefault(skill.name, skill)
        return list(out.values())


def _ambiguous(norm: str, cased: str, start: int, end: int, forms: Container[str], *,
               listed: bool) -> bool | None:
    """Whether an ambiguous word ("go") is the skill here; None when only a list can tell.

    Written as a name ("Go", "Rust") it is the skill; lowercase it is when a word next to it
    says so ("know go", "in go", "go jobs", "remote go"); used as a verb ("want to go", "let's
    go", "go to", "go for", "go ahead") it never is.
    """
    prev = _word_before(norm, start)
    if prev in ("let's", "lets"):
        return False
    after = _word_after(norm, end)
    if after in _VERB_AFTER and norm.startswith("-", end):
        return False  # "go-to", "go-live": never the language, whatever comes before
    if prev in _SKILL_BEFORE or (prev == "to" and _moving_to(norm, start, forms)):
        return True
    # Positions line up unless case folding changed the length (ß → ss): then no case is known.
    named = len(cased) == len(norm) and cased[start].isupper()
    # Capitalised mid-sentence it is a name ("Python and Go to build"); at a sentence's start
    # it may be an order ("Go to our careers page").
    if after in _VERB_AFTER and (not named or prev is None):
        return False
    if named:
        return True
    if prev in _VERB_BEFORE:
        return False
    if after in _SKILL_AFTER or (after and _is_filter_word(after)) \
            or (prev and _is_filter_word(prev)):
        return True
    if prev is None and after is None:
        return True  # the word stands alone: "go", "(go)", "go, python"
    return True if listed else None


def _moving_to(norm: str, start: int, forms: Container[str]) -> bool:
    """ "to go" is a move between languages here: "switch to go", "from java to go"."""
    before = norm[max(0, start - 40):start].split()
    return len(before) >= 2 and (before[-2] in _MOVE_TO
                                 or (len(before) >= 3 and before[-3] == "from"
                                     and before[-2] in forms))


def _join_lists(norm: str, spans: list[tuple[int, int]], verdicts: list[bool | None]) -> None:
    """An undecided word counts when a list joins it to a skill that counts: "python and go"."""
    joined = [bool(_JOIN.fullmatch(norm, a[1], b[0])) for a, b in pairwise(spans)]
    for order in (range(1, len(spans)), range(len(spans) - 2, -1, -1)):
        for i in order:
            if verdicts[i] is None:
                j = i - 1 if order.step > 0 else i + 1
                if verdicts[j] and joined[min(i, j)]:
                    verdicts[i] = True
    # Two undecided words listed together name each other's kind: "go or rust", "go and rust"
    # (a verb was ruled out for each above).
    for i, both in enumerate(joined):
        if both and verdicts[i] is None and verdicts[i + 1] is None:
            verdicts[i] = verdicts[i + 1] = True
    for i, v in enumerate(verdicts):
        if v is None:
            verdicts[i] = False


_FINDERS: dict[int, SkillFinder] = {}


def skill_finder(vocab: SkillVocabulary) -> SkillFinder:
    """The vocabulary's finder, built once (a reload brings a new vocabulary and finder)."""
    found = _FINDERS.get(id(vocab))
    if found is None or found.vocab is not vocab:
        found = SkillFinder(vocab)
        if len(_FINDERS) > 8:
            _FINDERS.clear()  # old vocabularies of reloads
        _FINDERS[id(vocab)] = found
    return found


def find_skills(vocab: SkillVocabulary, text: str, *, listed: bool = False) -> list[Skill]:
    """Skills mentioned in text, in order of first mention, without repeats."""
    return skill_finder(vocab).find(text, listed=listed)


# Words every backend opening and every backend engineer share: "backend", "developer", "job".
_GENERIC_WORDS = frozenset((
    "backend", "server", "side", "software", "development", "developer", "developers",
    "engineer", "engineers", "engineering", "programming", "programmer", "coding",
    "job", "jobs", "role", "roles", "position", "positions", "opening", "openings",
    "vacancy", "vacancies",
))


@lru_cache(maxsize=4096)
def is_generic(skill_name: str) -> bool:
    """A skill named only by generic words ("Backend development"): it tells neither what a
    person knows nor what an opening needs, so requests and matching leave it out."""
    tokens = words(skill_name)
    return bool(tokens) and all(t in _GENERIC_WORDS for t in tokens)


# ---------------------------------------------------------------------------------------------
# Levels

# Words that speak of a level without naming one ("senior level", "staff-level", "at least
# senior", "senior and above"): no role a title names.
LEVEL_NOUNS = frozenset(("level", "levels", "seniority", "least", "above", "higher", "plus"))

# (level, the kinds of text that read them, words). One order everywhere: the first level
# with a word in the text wins, so "Senior Engineering Manager" is a manager and "senior/staff"
# is staff. "lead" and "tech lead" are senior in titles, requests, statements and answers.
_LEVEL_WORDS: tuple[tuple[Level, frozenset[Reading], tuple[str, ...]], ...] = (
    (Level.MANAGER, _SHARED, ("managers?", "head of")),
    (Level.MANAGER, _TITLES, ("director", "vp", "vice president", "cto")),
    # "I manage a team of backend devs", "leading the platform team"
    (Level.MANAGER, _SPOKEN, ("management", r"(?:manag(?:e|es|ing)|lead(?:s|ing)?|run(?:s|ning)?|"
                              r"head(?:s|ing)?) (?:a|the|my|our|an?) (?:[\w-]+ ){0,4}"
                              r"(?:teams?|group|department|org)")),
    (Level.MANAGER, _ANSWERS, ("em",)),
    (Level.INTERN, _SHARED, ("interns?", "internships?")),
    (Level.INTERN, _TITLES, ("werkstudent", "working student", "trainee", r"apprentice\w*")),
    (Level.INTERN, _ANSWERS, ("student",)),
    (Level.INTERN, _BODY, ("internship", "intern position", r"students? (?:currently )?enrolled")),
    (Level.STAFF, _SHARED, ("staff", "principal")),
    (Level.STAFF, _TITLES, ("distinguished", "fellow", "architect")),
    (Level.SENIOR, _SHARED, ("seniors?", "sr", "(?:tech |team )?lead")),
    (Level.SENIOR, _TITLES, ("iii", "iv", "expert")),
    (Level.JUNIOR, _SHARED, ("juniors?", "jr", "entry[- ]level", "graduate", "grad")),
    (Level.JUNIOR, _TITLES, ("associate",)),
    (Level.JUNIOR, _SPOKEN, ("beginner",)),
    (Level.JUNIOR, _BODY, ("entry[- ]level", "new grads?", "recent graduates?", "junior")),
    # "mid-sized" is no level; "mid-level" is.
    (Level.MID, _SHARED, ("mid(?!-)", "mid[- ]level", "intermediate", "medior")),
    (Level.MID, _TITLES, ("ii", "regular")),
    (Level.MID, _ANSWERS, ("middle",)),
)
_LEVEL_ORDER = (Level.MANAGER, Level.INTERN, Level.STAFF, Level.SENIOR, Level.JUNIOR, Level.MID)


def _words_re(phrases: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(phrases) + r")(?![\w])")


def _level_phrases(level: Level, where: Callable[[frozenset[Reading]], bool]) -> list[str]:
    return [p for lv, readings, ps in _LEVEL_WORDS if lv is level and where(readings)
            for p in ps]


def _levels_for(reading: Reading) -> tuple[tuple[Level, re.Pattern[str]], ...]:
    return tuple((level, _words_re(phrases)) for level in _LEVEL_ORDER
                 if (phrases := _level_phrases(level, lambda rs: reading in rs)))


_LEVELS = {reading: _levels_for(reading) for reading in Reading}
_CHAT_LEVEL_WORD = _words_re([p for level in _LEVEL_ORDER
                              for p in _level_phrases(level, lambda rs: Reading.CHAT in rs)])
# A lone "I" is a level only at the end of a title ("Software Engineer I").
_TITLE_I = re.compile(r"(?<![\w])i[\s,/()]*$")

# The level words titles and people share, as a regex alternation for patterns built on them.
LEVEL_NAMES = "|".join(p for level in _LEVEL_ORDER
                       for p in _level_phrases(level, lambda rs: rs == _SHARED))
# A person giving their own level: "I'm a senior", "as a lead", "senior backend engineer".
_STATED = re.compile(
    r"(?<![\w])(?:i'm|i am|as) (?:an? )?(?P<a>" + LEVEL_NAMES + r")(?![\w])"
    r"|(?<![\w])(?P<b>" + LEVEL_NAMES + r")"
    r"(?: (?!(?:is|are|was|a|an|the|and|or|of|to|at|for|with|my|our|their)\b)[\w.+#-]+){0,2}"
    r" (?:level|developer|engineer|dev|programmer|roles?|positions?|jobs?|openings?)(?![\w])")


def find_level(text: str, reading: Reading = Reading.CHAT) -> Level | None:
    """The level named in text: of the levels found, the one first in the one order above."""
    norm = _read(text)[1]
    if not norm:
        return None
    for level, pattern in _LEVELS[reading]:
        if pattern.search(norm):
            return level
    if reading is Reading.LABEL and _TITLE_I.search(norm):
        return Level.JUNIOR
    return None


def stated_level(text: str) -> Level | None:
    """The level a person gives themselves ("I'm a tech lead", "looking for senior roles")."""
    said = [m.group("a") or m.group("b") for m in _STATED.finditer(_read(text)[1])]
    return find_level(" ".join(said), Reading.CHAT) if said else None


def without_level(text: str) -> str:
    """Text with its level words left out (normalised): "i'm a mid python dev" -> "i'm a python dev"."""
    return " ".join(_CHAT_LEVEL_WORD.sub(" ", _read(text)[1]).split())


# ---------------------------------------------------------------------------------------------
# Years of experience

# Starts with the digit (a leading look-behind would make the scan twice as slow); a number
# glued to a word or another number ("v2", "2025 years") is dropped after matching.
_YEARS = re.compile(r"(\d{1,2})(?:\.\d+)?\s*\+?\s*(?:(?:-|to)\s*\d{1,2}\s*\+?\s*)?(?:years?|yrs?)\b")
# More than this is a company's age or a pension plan, not a requirement.
MAX_YEARS = 20


# People spell small numbers out and tell their age in years too: "two years", "25 years old".
_SPELLED = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
            "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
            "eighteen": 18, "nineteen": 19, "twenty": 20, "couple": 2, "a couple": 2}
_SPELLED_YEARS = re.compile(r"(?<![\w'])(a couple|" + "|".join(_SPELLED) + r")\s+(?:of\s+)?(?:\+\s*)?"
                            r"(?:years?|yrs?)\b")
_OLD = re.compile(r"\s+(?:old|of age|young)\b")


def years_of_experience(text: str, reading: Reading = Reading.BODY) -> int | None:
    """The fewest years an ad names ("3+ years of experience", "2-4 years"); the most a person
    names ("3 years django, 1 year fastapi": three years of experience).

    In a person's own words (CHAT, ANSWER) also "two years", and never an age ("25 years old").
    """
    norm = _read(text)[1]
    spoken = reading in _SPOKEN
    years = [int(m.group(1)) for m in _YEARS.finditer(norm)
             if (m.start() == 0 or not (norm[m.start() - 1].isalnum() or norm[m.start() - 1] in "._"))
             and not (spoken and _OLD.match(norm, m.end()))]
    if spoken:
        years += [_SPELLED[m.group(1)] for m in _SPELLED_YEARS.finditer(norm)
                  if not _OLD.match(norm, m.end())]
    years = [y for y in years if y <= MAX_YEARS]
    if not years:
        return None
    return max(years) if spoken else min(years)


# ---------------------------------------------------------------------------------------------
# Work modes: remote, hybrid, on-site


class _Mode(Enum):
    NOT_REMOTE = "not remote"
    HYBRID = "hybrid"
    ONSITE = "onsite"
    REMOTE = "remote"
    ANY = "any"


_NOT_BODY = _ALL - _BODY
_MODE_WORDS: tuple[tuple[_Mode, frozenset[Reading], tuple[str, ...]], ...] = (
    (_Mode.NOT_REMOTE, _ALL, (r"not (?:a )?remote", "no remote", "non[- ]remote",
                              r"remote (?:is )?not (?:possible|available)")),
    # Remote work declined in words ("go jobs but I don't want remote", "I'd rather not work
    # remotely"), read before the "remote" these contain.
    (_Mode.NOT_REMOTE, _SPOKEN, (r"(?:don'?t|do not|doesn'?t|won'?t|wouldn'?t) (?:want|like|need|fancy) "
                                 r"(?:to (?:work|be) )?(?:a |fully |full )?remote(?:ly)?",
                                 r"(?:rather|prefer(?:ably)?) not (?:to )?(?:work |be )?"
                                 r"(?:fully )?remote(?:ly)?",
                                 r"not (?:interested in|into|keen on|a fan of) (?:fully )?remote")),
    (_Mode.HYBRID, _ALL, ("hybrid", "partly remote", "partially remote",
                          r"flexible (?:office|working)",
                          r"\d days? (?:a|per) week in (?:the )?office")),
    (_Mode.HYBRID, _ANSWERS, ("mixed", "partly", "some days")),
    # Office work declined ("anything that isn't on-site?", "not in an office"): remote work,
    # read before the on-site words these contain.
    (_Mode.REMOTE, _SPOKEN, (r"(?:not|isn'?t|aren'?t|no|non|never|nothing) (?:an? )?on[- ]?site",
                             r"(?:not|isn'?t|aren'?t|never) (?:in|at) (?:an?|the) office",
                             r"(?:no|without an?|outside an?) office")),
    (_Mode.ONSITE, _ALL, (r"on[- ]?site", r"in[- ]office", r"office[- ]based", "in person")),
    # A job ad's "office" is everywhere ("our offices", "Remote, office in London").
    (_Mode.ONSITE, _SPOKEN, ("office",)),
    (_Mode.ONSITE, _ANSWERS, ("no", "nope", "false")),
    (_Mode.REMOTE, _ALL, (r"fully[- ]remote", "100% remote", r"remote[- ]first",
                          "work from anywhere", r"remote (?:position|role|job|opportunit(?:y|ies))s?")),
    # In a description "remote" alone is too loose ("remote colleagues", "remote debugging").
    (_Mode.REMOTE, _NOT_BODY, (r"remote(?:ly)?", r"remote[- ]friendly", r"(?:work )?from home",
                               "wfh", "anywhere", r"(?:fully )?distributed (?:teams?|company)")),
    (_Mode.REMOTE, _ANSWERS, ("yes", "yep", "yeah", "true", "y")),
    (_Mode.ANY, _ANSWERS, ("any", "either", "both", "don'?t care", "no preference", "whatever",
                           "flexible", "skip")),
)


def _modes_for(reading: Reading) -> tuple[re.Pattern[str], tuple[tuple[_Mode, re.Pattern[str]], ...]]:
    # One pass over the text with every phrase, longer first, so "no preference" is read before
    # "no" and "remote is not possible" before "remote"; each (rare) match then finds its mode.
    # Capturing a group per phrase instead would make the pass twice as slow.
    by_mode: dict[_Mode, list[str]] = {}
    for mode, where, ps in _MODE_WORDS:
        if reading in where:
            by_mode.setdefault(mode, []).extend(ps)
    phrases = sorted((p for ps in by_mode.values() for p in ps), key=len, reverse=True)
    return _words_re(phrases), tuple((mode, re.compile("|".join(ps)))
                                     for mode, ps in by_mode.items())


_MODES = {reading: _modes_for(reading) for reading in Reading}


def _modes(text: str, reading: Reading, *, enough: frozenset[_Mode]) -> set[_Mode]:
    """The work modes named; reading stops at a mode in enough, which outranks the rest."""
    pattern, modes = _MODES[reading]
    found: set[_Mode] = set()
    for m in pattern.finditer(_read(text)[1]):
        mode = next(mode for mode, p in modes if p.fullmatch(m.group()))
        found.add(mode)
        if mode in enough:
            break
    return found


def remote_wish(text: str, reading: Reading = Reading.CHAT) -> RemotePreference | None:
    """What a person says about remote work; None when they say nothing about it.

    Naming several, the widest wish wins: on-site work admits hybrid openings too.
    """
    found = _modes(text, reading, enough=frozenset({_Mode.NOT_REMOTE, _Mode.ONSITE}))
    if _Mode.NOT_REMOTE in found or _Mode.ONSITE in found:
        return RemotePreference.ONSITE
    if _Mode.HYBRID in found:
        return RemotePreference.HYBRID
    if _Mode.REMOTE in found:
        return RemotePreference.REMOTE
    if _Mode.ANY in found:
        return RemotePreference.ANY
    return None


def remote_in(text: str, reading: Reading = Reading.LABEL) -> Remote:
    """How an opening's location line or description says it is worked.

    Naming several, hybrid wins (an ad for hybrid work mentions the office and home), then a
    plain "not remote", then remote, then on-site.
    """
    found = _modes(text, reading, enough=frozenset({_Mode.HYBRID}))
    if _Mode.HYBRID in found:
        return Remote.HYBRID
    if _Mode.NOT_REMOTE in found:
        return Remote.NO
    if _Mode.REMOTE in found:
        return Remote.YES
    if _Mode.ONSITE in found:
        return Remote.NO
    return Remote.UNKNOWN


def _is_filter_word(word: str) -> bool:
    """A level or work-mode word of a request ("senior", "remote"): a skill sits next to it."""
    return bool(_CHAT_LEVEL_WORD.fullmatch(word)) or bool(_MODE_WORD.fullmatch(word))


_MODE_WORD = _MODES[Reading.CHAT][0]


# ---------------------------------------------------------------------------------------------
# Terms of employment: contract, part-time, full-time. An ad says them in its title or text ("Go
# Developer (Contract)", "a six-month contract", "20 hours a week"); a person in a request ("any
# contract gigs?", "something part-time", "only permanent roles").

_CONTRACT_ASKED = re.compile(r"(?<!smart )(?<!api )(?<!data )(?<!service )\b(?:contract(?:or|ors|ing|s)?"
                             r"|freelanc\w*|fixed[- ]term|temp(?:orary)? (?:work|jobs?|roles?|gigs?))"
                             r"(?! (?:test\w*|first|law|address|language)\b)")


def employment_wish(text: str) -> Employment | None:
    """The terms a request asks for ("any contract gigs?", "part time please", "20 hours a week");
    an ad's are read by bot.openings.employment_in."""
    norm = normalize(text)
    if PART_TIME.search(norm) or short_week(norm):
        return Employment.PART_TIME
    if _CONTRACT_ASKED.search(norm):
        return Employment.CONTRACT
    if FULL_TIME.search(norm):
        return Employment.FULL_TIME
    return None


# ---------------------------------------------------------------------------------------------
# Places

# The words before a place: "in Berlin", "based in Munich", "open to Berlin", "I meant Munich".
_PLACE = re.compile(r"\b(?:in|near|around|based in|(?:open|relocat\w*|mov(?:e|ed|ing)(?: me)?) to|"
                    r"meant(?: to say)?|(?:location|city|town|country|base)(?: is| to| =|:)|"
                    r"from(?=\s+(?-i:[A-Z])))\s+(?=[^\W\d_])", re.IGNORECASE)
_PLACE_WORD = re.compile(r"[^\W\d_][\w.'-]*")
_PLACE_GAP = re.compile(r" +")
# Between two places: "Berlin or Munich", "Berlin, Munich", "Berlin / Munich".
_PLACE_JOIN = re.compile(r"\s*[,/&]\s*(?:(?:or|and)\s+)?|\s+(?:or|and)\s+")
# A place joined to a work mode, either way round: "remote or Berlin", "Berlin or remote".
_MODE_JOIN = r"(?:remote(?:ly)?|hybrid|on[- ]?site)"
_AFTER_MODE = re.compile(r"\b" + _MODE_JOIN + r"(?: only| preferably| ideally| please)?(?="
                         + _PLACE_JOIN.pattern + r")", re.IGNORECASE)
_BEFORE_MODE = re.compile(r"(?: only| preferably| ideally)?(?:" + _PLACE_JOIN.pattern
                          + r")(?:fully |also |no |not )?" + _MODE_JOIN + r"\b", re.IGNORECASE)
_JOIN_BEFORE = re.compile(r"(?:" + _PLACE_JOIN.pattern + r")$")
_NAME = re.compile(r"(?<![\w'.-])[^\W\d_][\w.'-]*")
# What may follow a name at a sentence's start for it to be a place: "Munich, not Berlin".
_NAME_THEN = re.compile(r"\s*(?:,\s*)?(?:not|instead|rather|or|and|/|$)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;:]\s*$")
_PLACE_STOP = frozenset((
    "jobs", "job", "roles", "role", "positions", "openings", "please", "with", "for", "or",
    "and", "as", "using", "remote", "hybrid", "onsite", "only", "area", "region", "now",
    "currently", "atm", "anymore", "today", "based",
))
_NOT_PLACE = frozenset((
    "the", "a", "an", "my", "our", "your", "this", "that", "it", "them", "remote", "hybrid",
    "office", "person", "general", "particular", "backend", "frontend", "tech", "it's", "any",
    "some", "one", "home", "startups", "startup", "fintech", "big", "anything", "whatever",
    "either", "both", "not", "other", "another", "fully", "partly", "partially", "mostly",
))


def find_places(text: str, vocab: SkillVocabulary, *, names: bool = False) -> tuple[str, ...]:
    """Places named after "in", "near", "around", "based in", "open to", "meant", or joined to a
    work mode ("remote or Berlin"); "in Berlin or Munich" gives both, in the order named.

    names: the text is known to be about places (a correction: "not Berlin but Munich"), so a
    capitalised name anywhere counts, unless it only starts a sentence ("Oops, ...").
    """
    forms = {normalize(f) for s in find_skills(vocab, text) for f in (s.name, *s.aliases)}
    found: dict[int, tuple[str, int]] = {}

    def read_list(read: tuple[str, int] | None, start: int) -> None:
        while read is not None and start not in found:
            found[start] = read
            join = _PLACE_JOIN.match(text, read[1])
            if join is None:
                break
            # Lowercase names continue a list only after "or" or "/": "in berlin or munich",
            # while "in berlin and want remote" is a new clause.
            start = join.end()
            read = _read_place(text, start, forms, vocab, listed=True,
                               loose=bool(re.search(r"\bor\b|/", join.group())))

    for m in _PLACE.finditer(text):
        read_list(_read_place(text, m.end(), forms, vocab), m.end())
    for m in _AFTER_MODE.finditer(text):
        join = _PLACE_JOIN.match(text, m.end())
        if join is not None:
            read_list(_read_place(text, join.end(), forms, vocab, listed=True,
                                  loose=bool(re.search(r"\bor\b|/", join.group()))), join.end())
    for m in _BEFORE_MODE.finditer(text):
        # Read backwards through a list of names: "Berlin or Munich, or remote".
        end = m.start()
        while (start := _capitalised_run(text, end)) is not None:
            read = _read_place(text, start, forms, vocab)
            if read is None or read[1] != end or start in found:
                break
            found[start] = read
            join = _JOIN_BEFORE.search(text, 0, start)
            if join is None:
                break
            end = join.start()
    lower = text.lower()
    for m in _KNOWN_PLACE.finditer(lower) if len(lower) == len(text) else ():
        # A place everyone knows, named without "in": "go developer, munich", "London based".
        if not any(a <= m.start() < r[1] or m.start() <= a < m.end() for a, r in found.items()) \
                and m.group() not in forms:
            found[m.start()] = (text[m.start():m.end()], m.end())
    if names:
        for m in _NAME.finditer(text):
            sentence_start = not text[:m.start()].strip() or bool(
                _SENTENCE_END.search(text, 0, m.start()))
            if not m.group()[0].isupper() or any(a <= m.start() < r[1] for a, r in found.items()):
                continue
            if sentence_start and not _NAME_THEN.match(text, m.end()):
                continue
            read = _read_place(text, m.start(), forms, vocab)
            if read is not None and normalize(read[0]) not in STOPWORDS:
                read_list(read, m.start())
    return tuple(dict.fromkeys(place for _, (place, _) in sorted(found.items())))


def _capitalised_run(text: str, end: int) -> int | None:
    """Where the one to three capitalised words right before end start ("New York")."""
    start = None
    for w in reversed(list(_PLACE_WORD.finditer(text, max(0, end - 120), end))[-3:]):
        if not w.group()[0].isupper() or text[w.end():end if start is None else start].strip():
            break
        start = w.start()
    return start


_THE_NAME = re.compile(r"the (?=[A-Z])")


def _read_place(text: str, pos: int, forms: set[str], vocab: SkillVocabulary, *,
                listed: bool = False, loose: bool = False) -> tuple[str, int] | None:
    """The place of up to three words at pos and where it ends; None if those name no place."""
    taken: list[str] = []
    the = _THE_NAME.match(text, pos)
    if the is not None:
        pos = the.end()  # "in the UK", "in the Netherlands"; not "in the cloud"
    end = cursor = pos
    ends: list[int] = []
    while len(taken) < 3:
        w = _PLACE_WORD.match(text, cursor)
        if w is None:
            break
        word = w.group()
        low = normalize(word).strip(".")
        if taken and (low in _PLACE_STOP or low in STOPWORDS or low in forms
                      or (taken[0][0].isupper() and not word[0].isupper())):
            break
        taken.append(word.strip("."))  # "in Berlin." ends a sentence
        end = w.start() + len(word.rstrip("."))
        ends.append(end)
        gap = _PLACE_GAP.match(text, w.end())
        if gap is None:
            break
        cursor = gap.end()
    if not taken or (len(taken) == 1 and text.startswith(("#", "+"), end)):
        return None  # "in C# and Go" names a language
    if len(taken) > 1 and not taken[0][0].isupper():
        # Lowercase words after a known place are no part of it: "in hamburg now".
        known = next((n for n in range(len(taken), 0, -1)
                      if " ".join(normalize(t) for t in taken[:n]) in _KNOWN_NAMES), None)
        if known is not None and known < len(taken):
            taken, end = taken[:known], ends[known - 1]
    first = normalize(taken[0])
    capital = taken[0][0].isupper()
    if first in _NOT_PLACE or first in forms or first in _PLACE_STOP or _is_filter_word(first):
        return None
    if len(first) < 2 or (not capital and (vocab.canonical(first) or len(first) < 3)):
        return None
    if listed and (first in STOPWORDS or not (capital or loose)):
        return None
    return " ".join(taken), end


# ---------------------------------------------------------------------------------------------
# All of them


def unread(text: str, vocab: SkillVocabulary, *, names: bool = False) -> list[str]:
    """The words of text that none of the finders above reads: what a message says besides
    skills, levels, years, work modes and places ("hybrid works for me" leaves "works for me").
    names: as find_places takes it (the text is known to be about places)."""
    norm = _read(text)[1]
    for _, start, end in reversed(places_ruled_out(norm)):
        norm = norm[:start] + " " + norm[end:]
    finder = skill_finder(vocab)
    gone = [finder.pattern, _CHAT_LEVEL_WORD, _YEARS, _SPELLED_YEARS, _MODES[Reading.CHAT][0],
            HOURS_A_WEEK, PART_TIME, FULL_TIME, _CONTRACT_ASKED]
    places = [re.escape(normalize(p)) for p in find_places(text, vocab, names=names)]
    if places:
        gone.append(_words_re(places))
    for pattern in gone:
        if pattern is not None:
            norm = pattern.sub(" ", norm)
    return words(norm)


# ---------------------------------------------------------------------------------------------
# Regions: a request's "in Europe", "the EU", "remote US" stands for the places inside it, as a
# feed's locations name them (a country, a big city, or the region itself: "Remote (EMEA)").

_UK = ("united kingdom", "uk", "england", "scotland", "wales", "northern ireland", "london",
       "manchester", "edinburgh", "glasgow", "bristol", "cambridge", "oxford", "belfast", "leeds")
_EU = (
    "eu", "european union", "germany", "deutschland", "france", "spain", "portugal", "italy",
    "netherlands", "belgium", "ireland", "austria", "poland", "czechia", "czech republic",
    "sweden", "denmark", "finland", "estonia", "latvia", "lithuania", "greece", "romania",
    "hungary", "bulgaria", "croatia", "slovakia", "slovenia", "luxembourg", "malta", "cyprus",
    "berlin", "munich", "hamburg", "frankfurt", "cologne", "stuttgart", "dusseldorf", "leipzig",
    "paris", "lyon", "toulouse", "nantes", "madrid", "barcelona", "valencia", "lisbon", "porto",
    "milan", "rome", "turin", "amsterdam", "rotterdam", "utrecht", "eindhoven", "the hague",
    "brussels", "antwerp", "ghent", "dublin", "cork", "vienna", "warsaw", "krakow", "wroclaw",
    "gdansk", "prague", "brno", "stockholm", "gothenburg", "malmo", "copenhagen", "aarhus",
    "helsinki", "tallinn", "riga", "vilnius", "athens", "bucharest", "cluj", "budapest",
    "sofia", "zagreb", "bratislava", "ljubljana", "bremen", "hanover", "hannover", "nuremberg",
    "dresden", "karlsruhe", "bonn", "dortmund", "heidelberg", "mannheim", "freiburg", "graz",
    "salzburg", "linz", "innsbruck", "marseille", "bordeaux", "lille", "seville", "bilbao",
    "malaga", "florence", "bologna", "naples", "braga", "poznan", "lodz",
)
_EUROPE = ("europe", "european", "emea", *_EU, *_UK, "switzerland", "zurich", "geneva", "basel",
           "bern", "lausanne", "bergen",
           "norway", "oslo", "iceland", "reykjavik", "ukraine", "kyiv", "serbia", "belgrade")
_US = ("us", "usa", "united states", "america", "new york", "nyc", "san francisco", "bay area",
       "seattle", "austin", "boston", "chicago", "los angeles", "denver", "atlanta", "miami",
       "washington dc", "portland", "san diego", "dallas", "houston", "philadelphia", "pittsburgh",
       "minneapolis", "salt lake city", "raleigh", "phoenix", "detroit", "nashville")
_CANADA = ("canada", "toronto", "vancouver", "montreal", "ottawa", "calgary", "waterloo")
_NORTH_AMERICA = ("north america", "americas", *_US, *_CANADA, "mexico")
_APAC = ("apac", "asia", "asia pacific", "singapore", "japan", "tokyo", "india", "bangalore",
         "bengaluru", "hyderabad", "pune", "australia", "sydney", "melbourne", "new zealand",
         "auckland", "hong kong", "seoul", "korea", "taiwan", "taipei", "vietnam", "philippines",
         "indonesia", "jakarta", "malaysia", "kuala lumpur", "thailand", "bangkok")
# States and provinces by their tech hubs: feeds write "Austin, TX", rarely "Texas". Only names
# that are no other place or person ("Georgia" is a country, "Washington" the capital too, and
# "Charlotte" a first name) and no two-letter codes ("in", "or", "me" are words).
_STATES: dict[str, tuple[str, ...]] = {
    "texas": ("austin", "dallas", "houston", "san antonio", "plano", "fort worth"),
    "california": ("san francisco", "bay area", "los angeles", "san diego", "san jose", "palo alto",
                   "mountain view", "sunnyvale", "oakland", "sacramento", "santa monica", "menlo park"),
    "massachusetts": ("boston", "somerville"),
    "illinois": ("chicago",),
    "colorado": ("denver", "boulder"),
    "florida": ("miami", "tampa", "jacksonville"),
    "north carolina": ("raleigh",),
    "pennsylvania": ("philadelphia", "pittsburgh"),
    "oregon": ("portland",),
    "arizona": ("phoenix", "scottsdale"),
    "utah": ("salt lake city",),
    "minnesota": ("minneapolis",),
    "michigan": ("detroit", "ann arbor"),
    "tennessee": ("nashville",),
    "maryland": ("baltimore",),
    "new jersey": ("jersey city", "hoboken", "newark"),
    "ontario": ("toronto", "ottawa", "waterloo"),
    "british columbia": ("vancouver",),
    "quebec": ("montreal",),
    "alberta": ("calgary",),
}
REGIONS: dict[str, tuple[str, ...]] = {
    **{state: (state, *cities) for state, cities in _STATES.items()},
    "europe": _EUROPE, "emea": (*_EUROPE, "middle east", "africa", "israel", "tel aviv", "uae",
                                "dubai", "south africa", "cape town", "egypt", "cairo"),
    # Openings for anyone in Europe (or EMEA) are open to someone in the EU.
    "eu": ("europe", "emea", *_EU), "european union": ("europe", "emea", *_EU),
    "uk": _UK, "united kingdom": _UK, "great britain": _UK,
    "us": _US, "usa": _US, "united states": _US, "north america": _NORTH_AMERICA,
    # Canadian feeds write "Toronto, ON" as American ones write "Austin, TX": the country unsaid.
    "canada": _CANADA,
    "apac": _APAC, "asia": _APAC, "asia pacific": _APAC,
    # the US as people say it ("anything in the states?"; "states" alone is no place), and
    # regions by their adjective ("just the american ones")
    "states": _US, "stateside": _US, "american": _US, "european": _EUROPE, "british": _UK,
}
# Names of a region that are said as another's: "the states" is the US.
_REGION_ALIASES = {"states": "us", "stateside": "us", "american": "us", "european": "europe",
                   "british": "uk"}
# The cities and countries above, which a message may name without "in" ("java dev, zurich",
# "Munich based"); not those that are also a word of the trade ("Phoenix", "Jakarta" EE) or a
# pronoun ("us").
_KNOWN_NAMES = frozenset(p for places in REGIONS.values() for p in places) \
    - {"us", "eu", "phoenix", "jakarta", "europe", "european", "emea", "apac", "asia",
       "americas", "america"}
# Matched in the lowercased text: a trie of a few hundred names is many times faster than their
# alternation with IGNORECASE, and every message is read for places several times.
_KNOWN_PLACE = re.compile(r"(?<![\w.#+-])(?:" + _trie_pattern(sorted(_KNOWN_NAMES))
                          + r")(?![\w#+]|-(?!based\b))")  # "london-based" names London


# A typo is one letter left out or added ("londn", "remot") or two swapped ("pyhton", "hybird"),
# in a word this long; a letter typed for another is not read as one ("reach" is no "react",
# "scale" no "scala").
MIN_TYPO_WORD = 5


def misspells(typed: str, meant: str) -> bool:
    """Whether `typed` is `meant` with one typo (see MIN_TYPO_WORD)."""
    if typed == meant or len(typed) < MIN_TYPO_WORD:
        return False
    if Indel.distance(typed, meant, score_cutoff=1) <= 1:
        return True
    return len(typed) == len(meant) and sorted(typed) == sorted(meant) \
        and OSA.distance(typed, meant, score_cutoff=1) <= 1


def _one_meant(typed: str, known: Iterable[str]) -> str | None:
    """The one known word typed means with a typo; None when none is, or several are alike.
    A letter left out is the likeliest typo, then two swapped, then one added ("berln" is
    Berlin, not Bern)."""
    near = {k for k, _, _ in process.extract(typed, list(known), scorer=OSA.distance,
                                             score_cutoff=2, limit=None) if misspells(typed, k)}
    for kind in (1, 0, -1):
        alike = [k for k in near if (len(k) > len(typed)) - (len(k) < len(typed)) == kind]
        if alike:
            return alike[0] if len(alike) == 1 else None
    return None


_SPELT_NAMES = tuple(sorted({*REGIONS, *_KNOWN_NAMES}))


def spelled_place(place: str, known: Iterable[str] = ()) -> str | None:
    """The known place a misspelt one means ("londn" -> "london", "germny" -> "germany"), among
    the regions' places and `known` (a feed's); None when none or several are."""
    key = " ".join(normalize(place).split())
    return _one_meant(key, {*_SPELT_NAMES, *known})


# The words of requests a typo is read through: work modes, levels (skills: the vocabulary's).
_REQUEST_WORDS = ("remote", "hybrid", "onsite", "junior", "senior", "intern", "internship",
                  "internships", "principal", "manager", "freelance", "contract", "part-time")


@lru_cache(maxsize=4096)
def _forms(vocab: SkillVocabulary) -> tuple[str, ...]:
    return tuple(sorted({f for skill in vocab.skills for f in map(normalize, (skill.name, *skill.aliases))
                         if " " not in f and len(f) >= MIN_TYPO_WORD - 1} | set(_REQUEST_WORDS)))


@lru_cache(maxsize=4096)
def respelled(text: str, vocab: SkillVocabulary) -> str:
    """Text with the words nothing reads but a skill, work mode or level typed with a typo
    spelled right ("remot pyhton jobs" -> "remote python jobs")."""
    fixes = {w: m for w in unread(text, vocab)
             if len(w) >= MIN_TYPO_WORD and w not in STOPWORDS
             and (m := _one_meant(w, _forms(vocab))) is not None}
    if not fixes:
        return text
    return re.sub(r"[\w'-]+", lambda m: fixes.get(m.group().lower(), m.group()), text)


# A place ruled out: "outside the US", "anywhere but London", "not in the UK", "except Germany".
_RULED_OUT_PLACE = re.compile(
    r"\b(?:outside(?: of)?|anywhere but|not in|except(?: in)?|excluding|apart from|other than) "
    r"(?:the )?(?P<place>[^\W\d_][\w .'-]{1,30}?)(?=[,.;!?)]|$| (?:and|but|please|pls|plz|only|too|"
    r"either|or|for|with|jobs?|roles?|openings?|ones?|positions?|anymore|though|thanks)\b)")


@lru_cache(maxsize=1024)
def regions_containing(place: str) -> tuple[str, ...]:
    """The regions a place is in ("spain": Europe, EMEA, EU), by the names feeds give them."""
    key = " ".join(normalize(place).split())
    return tuple(r for r, inside in REGIONS.items()
                 if r != key and r not in _REGION_ALIASES and r not in _STATES and key in inside)


def places_ruled_out(text: str) -> tuple[tuple[str, int, int], ...]:
    """The regions and known places text rules out ("python jobs outside the US": "US"), each
    with where its phrase is in the normalised text."""
    found: list[tuple[str, int, int]] = []
    for m in _RULED_OUT_PLACE.finditer(normalize(text)):
        said = m.group("place")
        regions = find_regions(f"the {said}") or find_regions(said)
        if regions:
            found.extend((r, m.start(), m.end()) for r in regions)
        elif _KNOWN_PLACE.fullmatch(said.strip()):
            found.append((place_label(said.strip()), m.start(), m.end()))
    return tuple(found)


def names_known_place(text: str) -> bool:
    """Whether text names a city or country of the regions above ("toronto"; not "production")."""
    return bool(_KNOWN_PLACE.search(text.lower()))


# "us" is also a pronoun: only "US", "U.S.", "the us" or "us only", "us-based" name the country.
_COUNTRY_AFTER = re.compile(r"[\s-]*(?:only|based)\b", re.IGNORECASE)
_REGION = re.compile(r"(?<!\w)(?P<the>the\s+)?(?P<r>" + "|".join(
    sorted((re.escape(r).replace(r"\ ", r"\s+") for r in REGIONS if r != "us"), key=len,
           reverse=True)) + r"|U\.?S\.?A?\.?|us)(?![\w])", re.IGNORECASE)


def find_regions(text: str) -> tuple[str, ...]:
    """The regions a request names ("in Europe", "the EU", "remote-US"): "Europe", "EU", "US"."""
    found: list[str] = []
    for m in _REGION.finditer(text):
        said = m.group("r")
        key = " ".join(normalize(said.replace(".", "")).split())
        if key in ("us", "states") and not (said.isupper() or said.startswith("U.") or m.group("the")
                                            or _COUNTRY_AFTER.match(text, m.end())):
            continue
        key = _REGION_ALIASES.get(key, key)
        label = key.upper() if len(key) <= 4 and key not in ("asia",) else key.title()
        if key in REGIONS and label not in found:
            found.append(label)
    return tuple(found)


def place_label(place: str) -> str:
    """A place as shown: as typed, but a name typed all in lowercase is capitalised ("new york"
    → "New York", "texas" → "Texas")."""
    return place.title() if place.islower() else place


# Cities by the short names people give them ("nyc"), which feeds spell out.
_CITY_ALIASES = {"nyc": "new york", "new york city": "new york", "sf": "san francisco",
                 "bay area": "san francisco", "la": "los angeles", "dc": "washington",
                 "muenchen": "munich", "münchen": "munich", "köln": "cologne", "wien": "vienna"}


def places_within(place: str) -> tuple[str, ...]:
    """The places a location wish covers: a region's places, or the place itself (and the name
    feeds give it: "nyc" is "new york")."""
    key = " ".join(normalize(place).split())
    if key in REGIONS:
        return tuple(dict.fromkeys((key, *REGIONS[key], *(
            _CITY_ALIASES[p] for p in REGIONS[key] if p in _CITY_ALIASES))))
    return (place, _CITY_ALIASES[key]) if key in _CITY_ALIASES else (place,)
