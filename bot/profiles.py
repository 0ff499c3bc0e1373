"""What a person says about themselves, read as changes to their profile: add, take away, replace."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.openings import Level, Remote
from bot.ports import Profile, RemotePreference
from bot.skills import SkillVocabulary
from bot.text import normalize
from bot.vocabulary import (
    Reading,
    find_level,
    find_places,
    find_skills,
    is_generic,
    place_label,
    remote_wish,
    stated_level,
    unread,
    years_of_experience,
)

MAX_SKILLS = 40
MAX_PLACES = 10
MAX_LOCATION_CHARS = 80

# A sentence is read piece by piece; a piece after one of these words names what to take away
# ("remove kubernetes", "I don't do PHP anymore", "Munich instead of Berlin", "I wrote Berlin
# but ..."), up to a word that gives again or the clause's end.
_TAKE = (
    r"remove|delete|drop|scratch|strike|erase|cross (?:out|off)|take (?:out|off)|get rid of"
    r"|take(?= [^.,;!?]{1,40}\b(?:off|out)\b)|forget(?: about)?|minus|without|no longer"
    r"|no more|no(?! (?:preference|idea|problem|matter|worries)\b)|not(?! (?:only|just|sure)\b)"
    r"|(?:do|does|did|have|has|had|ca|can|could|wo|would|is|are|am|was|were)n'?t(?! (?:mind|care)\b)"
    r"|(?:do|does|did) not(?! (?:mind|care)\b)|cannot|never|stopped|quit|done with"
    r"|gave up(?: on)?|give up(?: on)?|instead of|rather than"
    # said by mistake: only when the sentence says so ("... but", "instead", "meant")
    r"|(?:wrote|said|typed|put)(?=[^.!?;\n]*\b(?:but|instead|mistake|wrong|meant|actually)\b)"
)
# Takes away what follows, then gives what comes after "with", "for", "to", "by", "into".
_SWAP = r"replace|swap|change|switch|exchange|correct|update"
_GIVE = r"but|add|plus|also|now|then|actually|meant|i|i'm|i am|i've|i have|i'd|i'll"
_CUE = re.compile(
    r"(?<![\w'])(?:(?P<take>" + _TAKE + r")|(?P<swap>" + _SWAP + r")|(?P<to>with|for|to|by|into)"
    r"|(?P<give>" + _GIVE + r"))(?![\w'])|(?P<stop>[.!?;]+(?=\s|$)|\n)|(?P<comma>,)",
    re.IGNORECASE,
)
# Naming a part of the profile where something is taken away clears it ("remove my location").
_PLACES_FIELD = re.compile(r"\b(?:locations?|places?|cit(?:y|ies)|countr(?:y|ies))\b")
_LEVEL_FIELD = re.compile(r"\b(?:level|seniority)\b")
_YEARS_FIELD = re.compile(r"\b(?:(?:my|the|of) (?:years|experience)|years of experience)\b")
_SKILLS_FIELD = re.compile(r"\b(?:all (?:of )?(?:my|the) skills|(?:my|the) (?:skills|stack))\b")
_REMOTE_FIELD = re.compile(r"\b(?:remote (?:wish|preference|filter)|work mode)\b")
# The words of a list besides its items: "kubernetes, docker and helm too".
_LIST_WORDS = frozenset(("and", "or", "plus", "too", "also", "as", "well", "the", "both", "all"))
# Said of a work mode, it widens the wish instead of replacing it ("hybrid is also fine").
_ALSO = re.compile(r"\b(?:also|too|as well|fine|ok|okay|works|either)\b")
# Said of places, the new ones join the old instead of replacing them ("also open to Munich").
_MORE_PLACES = re.compile(r"\b(?:also|too|as well|additionally|another)\b")

# A place said as where the person is ("I live in Canada", "remote but I'm in Toronto", "anywhere
# in Europe"), not as a place to work in ("remote or Berlin"): the words before it.
_LIVES_AT = r"(?:live|living|reside|residing|i'm|im|i am|based|located|from|anywhere|within)" \
            r"(?: (?:in|out of|at|the|here|currently|now|right now)){0,3} "

# What each wish names, to widen one by another (a hybrid wish takes remote openings too,
# see Profile, but does not say the person wants them).
_NAMES = {
    RemotePreference.REMOTE: frozenset({Remote.YES}),
    RemotePreference.HYBRID: frozenset({Remote.HYBRID}),
    RemotePreference.ONSITE: frozenset({Remote.NO, Remote.HYBRID}),
    RemotePreference.ANY: frozenset(Remote),
}
# A wish taken away: "not remote" is on-site, "no office" hybrid (which takes remote too).
_OPPOSITE = {RemotePreference.REMOTE: RemotePreference.ONSITE,
             RemotePreference.ONSITE: RemotePreference.HYBRID}


@dataclass(frozen=True, kw_only=True, slots=True)
class _Piece:
    text: str
    taken: bool  # what it names is taken away


@dataclass(frozen=True, kw_only=True, slots=True)
class Statement:
    """What one message says about the person; `apply` makes the new profile."""

    add_skills: tuple[str, ...] = ()
    remove_skills: tuple[str, ...] = ()  # canonical names and unknown skills as typed
    clear_skills: bool = False
    level: Level | None = None
    clear_level: bool = False
    years: int | None = None
    clear_years: bool = False
    remote: RemotePreference | None = None
    widen: bool = False  # the remote wish joins the old one ("hybrid is also fine")
    add_places: tuple[str, ...] = ()
    remove_places: tuple[str, ...] = ()
    clear_places: bool = False
    more_places: bool = False  # the new places join the old ones ("also Munich")
    lives_there: bool = False  # the places are where the person lives (see _LIVES_AT)

    @property
    def is_empty(self) -> bool:
        return self == Statement()

    def apply(self, profile: Profile) -> Profile:
        gone = {normalize(s) for s in self.remove_skills}
        skills = () if self.clear_skills else profile.skills
        unknown = () if self.clear_skills else profile.unknown_skills
        skills = _unique((*(s for s in skills if normalize(s) not in gone), *self.add_skills))
        unknown = tuple(s for s in unknown if normalize(s) not in gone)
        level = None if self.clear_level else profile.level
        years = None if self.clear_years else profile.years
        remote = profile.remote
        if self.remote is not None:
            widen = self.widen and remote is not RemotePreference.ANY
            remote = _widened(remote, self.remote) if widen else self.remote
        # Where the person lives beside a remote wish narrows it to remote work from there; any
        # other wish, or places said otherwise ("remote or Berlin"), is "either" again.
        lives = self.lives_there if self.add_places else profile.remote_from
        return dataclasses.replace(
            profile,
            skills=skills[:MAX_SKILLS], unknown_skills=unknown,
            level=self.level or level,
            years=self.years if self.years is not None else years,
            remote=remote, locations=self._places(profile.locations),
            remote_from=lives and remote is RemotePreference.REMOTE,
        )

    def _places(self, old: tuple[str, ...]) -> tuple[str, ...]:
        gone = {normalize(p) for p in self.remove_places}
        kept = () if self.clear_places else tuple(p for p in old if normalize(p) not in gone)
        if self.add_places and not (self.more_places or self.remove_places or self.clear_places):
            kept = ()  # a new place replaces the old ones: "I'm in London" after "Berlin"
        return _unique((*kept, *self.add_places))[:MAX_PLACES]


def parse_statement(text: str, vocab: SkillVocabulary, base: Profile) -> Profile:
    """The profile after a message in plain words ("I also know docker", "remove kubernetes")."""
    return read_statement(text, vocab, base).apply(base)


def read_statement(text: str, vocab: SkillVocabulary, base: Profile) -> Statement:
    """What text adds to, takes from or replaces in the profile `base`.

    Skills, level, years, the remote wish and places are read anywhere in the sentence; what a
    piece of it takes away (see _TAKE) is removed, the rest is added. A level, years or remote
    wish replace the old ones; new places replace the old ones unless the sentence adds them
    ("also") or takes some away ("Munich, not Berlin").
    """
    pieces = _pieces(text, lambda chunk: _lists(chunk, vocab, base))
    given = [p.text for p in pieces if not p.taken]
    taken = [p.text for p in pieces if p.taken]
    # "backend developer" says what everyone here is, not a skill (see is_generic).
    add = _unique(s.name for t in given for s in find_skills(vocab, t) if not is_generic(s.name))
    remove = [s.name for t in taken for s in find_skills(vocab, t) if s.name not in add]
    remove += [u for u in base.unknown_skills if any(_mentions(t, u) for t in taken)]
    gone_places = tuple(p for p in base.locations if any(_mentions(t, p) for t in taken))
    taken_norm = [normalize(t) for t in taken]
    # "remove my location" clears them; "remove Berlin from my places" only Berlin.
    places_named = any(_PLACES_FIELD.search(t) for t in taken_norm)
    clear_places = places_named and not gone_places
    names = bool(gone_places) or places_named
    # A place is read in its piece, or in the whole sentence when only that shows it is one
    # ("Berlin only, no remote": the work mode after it is taken away).
    whole = [p for p in find_places(text, vocab) if not any(_mentions(t, p) for t in taken)]
    places = _unique(place_label(p) for p in (
        *(p for t in given for p in find_places(t, vocab, names=names)), *whole))
    places = tuple(p for p in places if len(p) <= MAX_LOCATION_CHARS
                   and normalize(p) not in {normalize(g) for g in gone_places})
    levels = [lv for t in given if (lv := stated_level(t) or find_level(t, Reading.CHAT))]
    years = next((y for t in given if (y := years_of_experience(t, Reading.CHAT)) is not None),
                 None)
    taken_levels = {lv for t in taken if (lv := find_level(t, Reading.CHAT))}
    remote = remote_wish(". ".join(given), Reading.CHAT) if given else None
    if remote is None and taken:
        remote = _OPPOSITE.get(remote_wish(". ".join(taken), Reading.CHAT)
                               or RemotePreference.ANY)
    if any(_REMOTE_FIELD.search(t) for t in taken_norm) and remote is None:
        remote = RemotePreference.ANY
    norm = normalize(text)
    return Statement(
        add_skills=add, remove_skills=tuple(remove),
        clear_skills=not remove and any(_SKILLS_FIELD.search(t) for t in taken_norm),
        level=levels[-1] if levels else None,
        clear_level=(base.level in taken_levels
                     or any(_LEVEL_FIELD.search(t) for t in taken_norm)),
        years=years,
        clear_years=years is None and any(_YEARS_FIELD.search(t) and not re.search(r"\d", t)
                                          for t in taken_norm),
        remote=remote, widen=bool(_ALSO.search(norm)),
        add_places=places, remove_places=gone_places, clear_places=clear_places,
        more_places=bool(_MORE_PLACES.search(norm)),
        lives_there=bool(places) and all(
            re.search(r"(?<!\w)" + _LIVES_AT + re.escape(normalize(p)) + r"(?!\w)", norm)
            for p in places),
    )


def _pieces(text: str, lists: Callable[[str], bool]) -> list[_Piece]:
    """text cut where what it says turns from giving to taking away and back (see _CUE)."""
    pieces: list[_Piece] = []
    taken = swapping = False
    start = 0

    def cut(end: int, *, keep_from: int | None = None) -> None:
        nonlocal start
        if text[start:end].strip():
            pieces.append(_Piece(text=text[start:end], taken=taken))
        start = end if keep_from is None else keep_from

    for m in _CUE.finditer(text):
        kind = m.lastgroup
        if kind == "take":
            cut(m.start(), keep_from=m.end())
            taken, swapping = True, False
        elif kind == "swap":
            cut(m.start(), keep_from=m.end())
            taken, swapping = True, True
        elif kind == "to":
            if swapping:
                cut(m.start())
                taken = swapping = False
        elif kind == "give":
            if taken:
                cut(m.start())
                taken = swapping = False
        elif kind == "stop":
            cut(m.end())
            taken = swapping = False
        elif taken:
            # A comma goes on taking away only through a list: "remove kubernetes, docker",
            # not "scratch spring boot, I only used it once" or "not senior, mid".
            nxt = _CUE.search(text, m.end())
            chunk = text[m.end():nxt.start() if nxt else len(text)]
            if not lists(chunk):
                cut(m.end())
                taken = swapping = False
    cut(len(text))
    return pieces


def _lists(chunk: str, vocab: SkillVocabulary, base: Profile) -> bool:
    """Whether a chunk after a comma goes on with a list: it names skills or known places and
    little else ("docker and k8s too", not "it's all mysql now")."""
    rest = chunk
    for name in (*base.locations, *base.unknown_skills):
        if _mentions(rest, name):
            rest = re.sub(r"(?<!\w)" + re.escape(name) + r"(?!\w)", " ", rest, flags=re.IGNORECASE)
    if rest == chunk and not find_skills(vocab, chunk, listed=True):
        return False
    return not [w for w in unread(rest, vocab) if w not in _LIST_WORDS]


def _mentions(text: str, name: str) -> bool:
    return bool(name) and re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text,
                                    re.IGNORECASE) is not None


def _widened(old: RemotePreference, new: RemotePreference) -> RemotePreference:
    """The narrowest wish that admits what both do ("remote", then "hybrid is fine too")."""
    both = _NAMES[old] | _NAMES[new]
    if {Remote.NO, Remote.YES} <= both:
        return RemotePreference.ANY
    if Remote.NO in both:
        return RemotePreference.ONSITE
    if Remote.HYBRID in both:
        return RemotePreference.HYBRID
    return RemotePreference.REMOTE


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(normalize(item), item)
    return tuple(seen.values())
