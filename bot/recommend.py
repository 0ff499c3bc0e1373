"""Ranks open openings for a person: an in-memory skill index, hard filters, explanations, gaps."""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from bot.messages import OpeningCard, SkillGap
from bot.openings import Employment, Level, Opening, Remote
from bot.ports import Profile, RemotePreference
from bot.skills import SkillVocabulary
from bot.text import STOPWORDS, normalize, stem, words
from bot.vocabulary import (
    LEVEL_NOUNS,
    Reading,
    employment_wish,
    find_level,
    find_places,
    find_regions,
    find_skills,
    is_generic,
    names_known_place,
    places_ruled_out,
    places_within,
    regions_containing,
    remote_wish,
    respelled,
    spelled_place,
    unread,
)

# Score = relevance (skills) + level fit + freshness; skills dominate so that a fresh opening
# in the wrong stack never outranks an older one in the right stack.
W_SKILLS, W_LEVEL, W_FRESH = 0.7, 0.2, 0.1
# Added for an opening in one of the profile's places: "Munich, or remote" names Munich first
# for a reason, and a remote opening may be for another continent.
W_PLACE = 0.1
# Of the skill part: how much of the person's weighted skills the opening uses, and how much
# of the opening's weighted skills the person has.
W_PERSON, W_OPENING = 0.6, 0.4
# Skills named in the request count fully; skills only in the profile count half.
PROFILE_WEIGHT = 0.5
FRESH_DAYS = 30.0
UNKNOWN_FRESHNESS = 0.3
UNKNOWN_LEVEL_FIT = 0.5
# Far below any real score difference (at most 1e-7 over 100,000 openings).
TIE_EPSILON = 1e-12
# Added to the sort key (not the score) of openings at exactly the asked level, so they all
# come before the openings that state no level; a score is at most 1.
EXACT_LEVEL_FIRST = 2.0
# A company named by one word of its name ("the Kitebird one"): only a word this long that
# means nothing else here (a skill, a place, a level, a common word).
MIN_NAME_WORD = 4
# Shorter words of a title ("II", "of", "AI") name no role.
MIN_ROLE_WORD = 3

_LEVELS = tuple(Level)
_REMOTES = tuple(Remote)
_REMOTE_CODE = {r: i for i, r in enumerate(_REMOTES)}
_ALLOWED_REMOTE: dict[RemotePreference, frozenset[Remote]] = {
    RemotePreference.REMOTE: frozenset({Remote.YES}),
    RemotePreference.HYBRID: frozenset({Remote.HYBRID}),
    RemotePreference.ONSITE: frozenset({Remote.NO, Remote.HYBRID}),
}
_LOC_TOKEN = re.compile(r"[^\W_]+")
# Location strings that name no place: "Remote", "Anywhere", "Remote (EMEA)" names a region.
_PLACELESS = frozenset((
    "remote", "anywhere", "worldwide", "global", "globally", "distributed", "home", "from",
    "work", "fully", "first", "friendly", "wfh", "or", "and",
))


def _key(skill: str) -> str:
    return normalize(skill)


def location_tokens(text: str) -> tuple[str, ...]:
    return tuple(_LOC_TOKEN.findall(normalize(text)))


def name_tokens(text: str) -> tuple[str, ...]:
    """The words of a company's name as a message is compared with it, split as places are."""
    return location_tokens(text)


def names_place(location: str) -> bool:
    """Whether a location line names a place ("Berlin, Germany"), not only a mode ("Remote")."""
    return bool(place_tokens(location))


def place_tokens(location: str) -> tuple[str, ...]:
    """The words of a location line that name a place ("berlin", "germany"; not "remote")."""
    return tuple(t for t in location_tokens(location) if t not in _PLACELESS)


@dataclass(frozen=True, kw_only=True, slots=True)
class Query:
    """What to look for: requested skills (must match one), the person's skills, hard filters.

    Where: a request's remote wish and places must both hold (in one of the places; a remote
    wish there also takes remote openings that name no place). The profile's (`from_profile`)
    combine as "either", see `Profile`: remote openings anywhere unless the wish is on-site,
    or openings in one of its places, in the wished mode when that is hybrid or on-site.
    """

    skills: tuple[str, ...] = ()
    known: tuple[str, ...] = ()
    level: Level | None = None
    preferred_level: Level | None = None
    remote: RemotePreference = RemotePreference.ANY
    locations: tuple[str, ...] = ()
    from_profile: bool = False
    # Words of the request that may name a role by its title ("identity", "security"): used
    # only when the request names no skill, and only those some opening's title has.
    titled: tuple[str, ...] = ()
    # Feed records (source, external id) never to list: the opening others are to be like.
    exclude: tuple[tuple[str, str], ...] = ()
    # Only the openings of these companies ("any openings at Stripe?").
    companies: tuple[str, ...] = ()
    # None of these companies' ("not Cindervale", "anything except at Stripe?"): kept by
    # follow-ups until a company is asked for again.
    shunned: tuple[str, ...] = ()
    # Places none of whose openings to list ("outside the US"): kept by follow-ups until one of
    # them is asked for.
    away: tuple[str, ...] = ()
    # A work mode or level asked before is dropped ("drop the remote part", "any level").
    any_mode: bool = False
    any_level: bool = False
    any_terms: bool = False
    # The request's places and remote wish are either-or ("munich or remote"), as a profile's are.
    either: bool = False
    # The terms asked for ("any contract gigs?"): hard, as a work mode is.
    employment: Employment | None = None
    # Skills the request rules out ("anything that doesn't need Java?"): no opening that asks
    # for one of them is listed.
    avoid: tuple[str, ...] = ()
    # Every opening the filters allow, not only those sharing a skill of the person's ("show all
    # of them, not just my skills"); the person's skills still rank them.
    every: bool = False
    # The newest first rather than the best fit ("newest first").
    newest: bool = False
    # Earlier places dropped ("forget spain", "anywhere is fine").
    anywhere: bool = False
    # Where to look, said instead of what was asked before ("how about remote instead"), or as
    # well as it ("or in amsterdam", "include london too").
    instead: bool = False
    widens: bool = False

    @classmethod
    def for_person(cls, profile: Profile, request: Query | None = None) -> Query:
        """The request's own filters win; the profile fills in what the request leaves open."""
        r = request or Query()
        remote, places, from_profile = profile.remote, profile.locations, True
        if r.locations:
            remote, places, from_profile = r.remote, r.locations, r.either
        elif profile.remote_from and profile.remote is RemotePreference.REMOTE \
                and r.remote in (RemotePreference.ANY, RemotePreference.REMOTE):
            # Remote work from where the person lives: remote openings open to there or to
            # anyone (the request's own places or work mode replace it).
            remote, places, from_profile = RemotePreference.REMOTE, profile.locations, False
        elif r.any_mode:
            remote = RemotePreference.ANY  # the profile's wish dropped for this request
        elif r.remote is RemotePreference.REMOTE:
            remote, places, from_profile = r.remote, (), False  # done from anywhere
        elif r.remote is not RemotePreference.ANY:
            remote, from_profile = r.remote, False  # hybrid or on-site in the profile's places
        if r.anywhere and not r.locations:
            places, from_profile = (), False  # "anywhere is fine": not the profile's places either
        return Query(
            skills=r.skills,
            titled=r.titled,
            exclude=r.exclude,
            companies=r.companies, employment=r.employment, shunned=r.shunned, away=r.away,
            avoid=r.avoid, every=r.every, newest=r.newest,
            known=tuple(dict.fromkeys((*profile.skills, *r.known))),
            level=r.level,
            preferred_level=r.level or r.preferred_level or profile.seniority,
            remote=remote, locations=places, from_profile=from_profile,
        )

    @property
    def is_empty(self) -> bool:
        """Whether it names no skill to match on (generic ones like "Backend development" aside)."""
        return all(is_generic(s) for s in (*self.skills, *self.known))

    def refined_by(self, later: Query) -> Query:
        """This request changed by a follow-up ("and in Berlin?"): what the later one names wins,
        the rest is kept."""
        named = {f.name: value for f in dataclasses.fields(later)
                 if (value := getattr(later, f.name)) not in (None, (), "", RemotePreference.ANY)}
        # Asking for every opening, or the newest first, holds until a new request: "only the
        # remote ones" after "newest first" keeps the order.
        named.update(every=self.every or later.every, newest=self.newest or later.newest)
        if later.avoid and not later.skills:
            # "anything that doesn't need Java?" after "java jobs": the other stacks.
            named["skills"] = tuple(s for s in self.skills if s not in later.avoid)
        if later.anywhere and not later.locations:
            named["locations"] = ()
        # A filter named again after it was dropped holds again ("any work mode", then "only
        # remote").
        if later.remote is not RemotePreference.ANY:
            named["any_mode"] = False
        if later.level is not None:
            named["any_level"] = False
        if later.employment is not None:
            named["any_terms"] = False
        if later.locations:
            named["anywhere"] = False
        if later.any_mode:
            named["remote"] = later.remote
        if later.any_level:
            named["level"] = later.level
        if later.any_terms:
            named["employment"] = later.employment
        if later.away or (self.away and later.locations):
            named["away"] = tuple(p for p in dict.fromkeys((*self.away, *later.away))
                                  if normalize(p) not in {normalize(q) for q in later.locations})
        if later.companies or later.shunned:
            # "not Cindervale" after "not Tidewell": neither; asking for one again takes it back.
            named["shunned"] = tuple(c for c in dict.fromkeys((*self.shunned, *later.shunned))
                                     if c not in later.companies)
            named["companies"] = tuple(c for c in (later.companies or self.companies)
                                       if c not in later.shunned)
        where = later.locations or later.remote is not RemotePreference.ANY
        if later.instead and where:
            # "how about remote instead" after "jobs in europe": remote anywhere
            named.setdefault("locations", ())
            named.setdefault("remote", RemotePreference.ANY)
        elif later.widens and later.locations and (self.locations or self.remote
                                                   is RemotePreference.REMOTE):
            # "or in amsterdam" after remote ones: remote, or in Amsterdam
            named["locations"] = tuple(dict.fromkeys((*self.locations, *later.locations)))
            named["either"] = self.either or self.remote is RemotePreference.REMOTE
            named.setdefault("remote", self.remote)
        if later.every and not later.skills:
            # "show all of them" after "go jobs in munich": any stack, still in Munich.
            named["skills"] = ()
        if later.skills and not later.avoid:
            # "what about java instead" after "anything without java" asks for it again.
            named["avoid"] = tuple(s for s in self.avoid if s not in later.skills)
        return dataclasses.replace(self, **named)


@dataclass(frozen=True, kw_only=True, slots=True)
class Match:
    opening: Opening
    score: float
    matched: tuple[str, ...]
    missing: tuple[SkillGap, ...]
    index: int = -1

    def card(self) -> OpeningCard:
        o = self.opening
        return OpeningCard(
            title=o.title, company=o.company, url=o.url, source=o.source,
            external_id=o.external_id, location=o.location, remote=o.remote.value,
            level=o.level.value if o.level else None,
            matched_skills=self.matched, missing_skills=self.missing,
            score=round(self.score, 4),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Results:
    total: int
    matches: tuple[Match, ...] = field(default=())
    # The request's words that titles had, and so chose the openings ("identity").
    titled: tuple[str, ...] = ()


class OpeningIndex:
    """
    Built once per set of open openings; ranking touches only the postings of the asked skills.

    skill → sorted array of opening positions (an inverted index), idf per skill, and column
    arrays (remote, level, posted time, total skill weight) so filters and scores are vector
    operations: 100,000 openings rank in a few milliseconds.
    """

    def __init__(self, openings: Iterable[Opening], vocab: SkillVocabulary | None = None,
                 *, version: object = None) -> None:
        self.version = version
        self.vocab = vocab
        self.openings: list[Opening] = [o for o in openings if o.is_open]
        n = len(self.openings)
        postings: dict[str, list[int]] = {}
        self._names: dict[str, str] = {}
        loc_postings: dict[str, list[int]] = {}
        title_postings: dict[str, list[int]] = {}
        remote = np.empty(n, dtype=np.int8)
        level = np.full(n, -1, dtype=np.int8)
        posted = np.full(n, np.nan, dtype=np.float64)
        placeless = np.zeros(n, dtype=bool)
        terms = {e: np.zeros(n, dtype=bool) for e in Employment}
        for i, o in enumerate(self.openings):
            for e in o.terms:
                terms[e][i] = True
            for s in self._skills_of(o):
                if is_generic(s):
                    continue
                k = _key(s)
                self._names.setdefault(k, s)
                plist = postings.setdefault(k, [])
                if not plist or plist[-1] != i:
                    plist.append(i)
            remote[i] = _REMOTE_CODE[o.remote]
            if o.level is not None:
                level[i] = o.level.rank if o.level is not Level.MANAGER else 5
            when = o.posted_at or o.updated_at
            if when is not None:
                posted[i] = when.timestamp()
            toks = location_tokens(o.location)
            for t in set(toks):
                loc_postings.setdefault(t, []).append(i)
            placeless[i] = all(t in _PLACELESS for t in toks)
            for t in _title_stems(o.title):
                title_postings.setdefault(t, []).append(i)
        self._postings = {k: np.asarray(v, dtype=np.int32) for k, v in postings.items()}
        self._loc = {k: np.asarray(v, dtype=np.int32) for k, v in loc_postings.items()}
        self._titles = {k: np.asarray(v, dtype=np.int32) for k, v in title_postings.items()}
        self.idf = {k: math.log(1.0 + n / len(v)) for k, v in postings.items()}
        total = np.zeros(n, dtype=np.float64)
        for k, plist_arr in self._postings.items():
            total[plist_arr] += self.idf[k]
        # Everything that does not depend on the query is computed here, once, so a ranking is
        # a handful of whole-array operations.
        self._inv_total_idf = np.divide(1.0, total, out=np.zeros(n), where=total > 0)
        self._remote = remote
        self._level = level
        self._placeless = placeless
        self._terms = terms
        self._built_at = datetime.now(UTC).timestamp()
        known = ~np.isnan(posted)
        # exp(-(now - posted)/T) = exp(-(built - posted)/T) · exp(-(now - built)/T)
        self._fresh0 = np.zeros(n)
        self._fresh0[known] = np.exp(np.minimum(posted[known] - self._built_at, 0.0)
                                     / (FRESH_DAYS * 86400.0))
        self._fresh_unknown = np.where(known, 0.0, W_FRESH * UNKNOWN_FRESHNESS)
        self._level_terms: dict[int | None, npt.NDArray[np.float64]] = {}
        # Equal scores go to the earlier opening: a tiny per-position nudge makes every score
        # distinct, so each page is the same slice of one stable order.
        self._tiebreak = np.arange(n, dtype=np.float64) * TIE_EPSILON
        # The openings by feed record, and by the words of company names (built here, in the
        # builder's thread, not on a message's first lookup).
        self._positions = {(o.source, o.external_id): i for i, o in enumerate(self.openings)}
        self._company_positions: dict[str, list[int]] = {}
        for i, o in enumerate(self.openings):
            self._company_positions.setdefault(o.company, []).append(i)
        self._companies = self._company_names()
        self._name_starts = frozenset(key.split(" ", 1)[0] for key in self._companies)
        self._name_words = max((key.count(" ") + 1 for key in self._companies), default=0)

    def __len__(self) -> int:
        return len(self.openings)

    def position(self, source: str, external_id: str) -> int | None:
        """Where the open opening of this feed record is, or None when it is not open."""
        return self._positions.get((source, external_id))

    def by_company(self, text: str) -> list[int]:
        """The open openings of the companies text names ("the Sparrow Social job", "is
        kitebird remote?"): by the company's whole name or its first words, longest first."""
        companies = self._companies
        said = name_tokens(text)
        found: dict[int, None] = {}
        longest = 0
        for start in range(len(said)):
            if said[start] not in self._name_starts:
                continue
            for end in range(min(len(said), start + self._name_words), start, -1):
                hit = companies.get(" ".join(said[start:end]))
                if hit is not None:
                    if end - start > longest:
                        found.clear()
                        longest = end - start
                    if end - start == longest:
                        found.update(dict.fromkeys(hit))
                    break
        return list(found)

    def knows_place(self, place: str) -> bool:
        """Whether some opening is in the place, or in a place of the region ("production" is
        none: "kubernetes in production?" names no place)."""
        return any(all(t in self._loc for t in toks)
                   for p in places_within(place)
                   if (toks := [t for t in location_tokens(p) if t not in _PLACELESS]))

    def spelled(self, place: str) -> str:
        """A place as asked, or the known one it misspells ("londn": "london")."""
        if names_known_place(place) or find_regions(place) or self.knows_place(place):
            return place
        return spelled_place(place, (t for t in self._loc if t not in _PLACELESS)) or place

    def has_title_word(self, word: str) -> bool:
        """Whether some open opening's title has the word, in any of its forms ("nurses": none)."""
        return stem(word) in self._titles

    def described(self, text: str) -> list[int]:
        """The open openings that every word of text describes by their title or place ("staff"
        → "Staff Data Platform Engineer", "amsterdam"); [] when text has no such word."""
        found: set[int] | None = None
        for w in set(words(text)) - STOPWORDS:
            hits: set[int] = set()
            if (t := stem(w)) in self._titles and len(w) >= MIN_ROLE_WORD and not is_generic(w):
                hits.update(self._titles[t].tolist())
            if w in self._loc:
                hits.update(self._loc[w].tolist())
            if not hits:
                return []
            found = hits if found is None else found & hits
        return sorted(found or ())

    def _company_names(self) -> dict[str, list[int]]:
        """Each company's whole name and its first words → its openings."""
        by_company: dict[str, list[int]] = {}
        for i, o in enumerate(self.openings):
            by_company.setdefault(o.company, []).append(i)
        names: dict[str, list[int]] = {}
        distinctive: dict[tuple[str, bool], bool] = {}
        for company, positions in by_company.items():
            tokens = name_tokens(company)
            for end in range(len(tokens), 0, -1):
                # One word alone ("Stripe", or "Kitebird" of "Kitebird Labs") must mean nothing
                # else in a message; a word of a longer name must be long too.
                if end == 1:
                    key = (tokens[0], len(tokens) == 1)
                    if key not in distinctive:
                        distinctive[key] = self._distinctive(tokens[0], whole=key[1])
                    if not distinctive[key]:
                        continue
                names.setdefault(" ".join(tokens[:end]), []).extend(positions)
        for positions in names.values():
            positions.sort()
        return names

    def _distinctive(self, word: str, *, whole: bool) -> bool:
        """Whether one word (the whole name, or its first word) can stand for the company in a
        message: not a common, generic, skill, place, level or work-mode word."""
        return ((whole or len(word) >= MIN_NAME_WORD) and word not in STOPWORDS
                and not is_generic(word)
                and word not in self._loc
                and (self.vocab is None or self.vocab.canonical(word) is None)
                and find_level(word, Reading.LABEL) is None
                and remote_wish(word, Reading.CHAT) is None)

    def explain(self, opening: Opening, q: Query) -> Match:
        """Why an opening fits (the skills the person has: profile or request) and what they
        would still need (its other skills, each with the topic that teaches it)."""
        return self._explain(opening, q, {_key(s) for s in (*q.known, *q.skills)}, -1, 0.0)

    def _skills_of(self, o: Opening) -> tuple[str, ...]:
        """The opening's skills as matched: its own, then those they imply (Rails → Ruby)."""
        return o.skills if self.vocab is None else (*o.skills, *self.vocab.implied(o.skills))

    def _explain(self, o: Opening, q: Query, known: set[str], index: int, score: float, *,
                 gaps: bool = True) -> Match:
        skills = [s for s in o.skills if not is_generic(s)]
        # An implied skill fits when the person has it; the ad never asks for it, so it is
        # never one to learn (its framework is).
        implied = self.vocab.implied(skills) if self.vocab is not None else ()
        return Match(opening=o, score=score, index=index,
                     matched=tuple(s for s in (*skills, *implied) if _key(s) in known),
                     missing=tuple(SkillGap(skill=s, topic=self._topic(s))
                                   for s in skills if _key(s) not in known) if gaps else ())

    def _topic(self, skill: str) -> str | None:
        if self.vocab is None:
            return None
        found = self.vocab.canonical(skill)
        return found.topic if found else None

    def _level_code(self, level: Level) -> int:
        return level.rank if level is not Level.MANAGER else 5

    def _level_term(self, want: Level | None) -> npt.NDArray[np.float64]:
        """W_LEVEL · fit of every opening's level to the wanted one, cached per level."""
        code = None if want is None else self._level_code(want)
        term = self._level_terms.get(code)
        if term is None:
            lv = self._level.astype(np.int16)
            if code is None:
                fit = np.full(lv.size, UNKNOWN_LEVEL_FIT)
            else:
                diff = np.abs(lv - code)
                fit = np.where(diff == 0, 1.0, np.where(diff == 1, 0.5, 0.0))
                # Manager and staff share a rank but are different tracks.
                fit = np.where((lv == 5) != (code == 5), np.minimum(fit, 0.25), fit)
                fit = np.where(lv < 0, UNKNOWN_LEVEL_FIT, fit)
            term = W_LEVEL * fit
            self._level_terms[code] = term
        return term

    def _modes_mask(self, modes: frozenset[Remote]) -> npt.NDArray[np.bool_]:
        mask = np.zeros(len(self.openings), dtype=bool)
        for r in modes:
            mask |= self._remote == _REMOTE_CODE[r]
        if Remote.NO in modes and Remote.YES not in modes:
            # An on-site wish keeps an opening that names only a city ("Berlin, Germany") and
            # no work mode: most such ads are office jobs, as a level filter keeps openings
            # that state no level. A remote or hybrid wish still needs it said.
            mask |= (self._remote == _REMOTE_CODE[Remote.UNKNOWN]) & ~self._placeless
        return mask

    def _places_mask(self, places: Sequence[str]) -> npt.NDArray[np.bool_] | None:
        """Openings in any of the places (each place: all of its words; a region: any place in
        it); None: no place named."""
        n = len(self.openings)
        mask: npt.NDArray[np.bool_] | None = None
        for place in (p for wished in places for p in places_within(wished)):
            toks = [t for t in location_tokens(place) if t not in _PLACELESS]
            if not toks:
                continue
            here = np.ones(n, dtype=bool)
            for t in toks:
                m = np.zeros(n, dtype=bool)
                post = self._loc.get(t)
                if post is not None:
                    m[post] = True
                here &= m
            mask = here if mask is None else (mask | here)
        return mask

    def _where_mask(self, q: Query) -> npt.NDArray[np.bool_] | None:
        """The openings the remote wish and places allow (see Query); None: all of them."""
        allowed = _ALLOWED_REMOTE.get(q.remote)
        places = self._places_mask(q.locations)
        remote = self._remote == _REMOTE_CODE[Remote.YES]
        if not q.from_profile:
            modes = None if allowed is None else self._modes_mask(allowed)
            if places is None:
                return modes
            if q.remote is RemotePreference.REMOTE:
                # Someone who wants remote work takes a remote opening that names no place, or
                # one open to a region their place is in ("Remote (EU)" for someone in Spain).
                places = places | (self._placeless & remote)
                wider = self._places_mask(tuple(dict.fromkeys(
                    r for p in q.locations for r in regions_containing(p))))
                if wider is not None:
                    places = places | (wider & remote)
            return places if modes is None else (modes & places)
        if q.remote is RemotePreference.HYBRID:
            # Some office days, so no office at all suits too.
            allowed = _ALLOWED_REMOTE[q.remote] | {Remote.YES}
        if places is None:
            return None if allowed is None else self._modes_mask(allowed)
        if q.remote in (RemotePreference.HYBRID, RemotePreference.ONSITE):
            places = places & self._modes_mask(_ALLOWED_REMOTE[q.remote])
        if q.remote is not RemotePreference.ONSITE:
            places = places | remote
        return places

    def rank(self, q: Query, *, offset: int = 0, limit: int = 5,
             now: datetime | None = None, browse: bool = False) -> Results:
        """The page [offset, offset+limit) of openings that pass every hard filter, best first.

        An opening must share a skill with the query; only `browse` with a query that names no
        skill at all lists every opening the filters allow, newest first, without gaps. A level
        keeps the openings of that level (senior: staff too) and, after all of them, those that
        state no level.
        """
        n = len(self.openings)
        requested = {_key(s) for s in q.skills if not is_generic(s)}
        weights: dict[str, float] = {}
        for s in q.known:
            if not is_generic(s):
                weights[_key(s)] = PROFILE_WEIGHT
        for k in requested:
            weights[k] = 1.0
        browsing = browse and not weights
        titled = () if requested else tuple(w for w in q.titled if stem(w) in self._titles)
        # Ruling a skill out asks for what else there is, beyond the person's other skills.
        every = (q.every or bool(q.avoid)) and not requested and not titled
        if n == 0 or not (weights or browsing or titled or every):
            return Results(total=0)
        acc = np.zeros(n, dtype=np.float64)   # weighted idf of matched skills
        raw = np.zeros(n, dtype=np.float64)   # plain idf of matched skills
        hit = np.zeros(n, dtype=bool) if requested else None
        person_total = 0.0
        for k, w in weights.items():
            idf = self.idf.get(k)
            if idf is None:
                person_total += w * math.log(1.0 + n)  # a skill nobody asks for still counts
                continue
            person_total += w * idf
            post = self._postings[k]
            np.add.at(acc, post, w * idf)  # postings are unique: same as acc[post] += …
            np.add.at(raw, post, idf)
            if hit is not None and k in requested:
                hit[post] = True
        # A role named by its title is the request's own subject, like a skill it names: the
        # person's skills then only rank.
        cand = np.ones(n, dtype=bool) if browsing or titled or every else acc > 0
        for s in q.avoid:
            if (ruled_out := self._postings.get(_key(s))) is not None:
                cand[ruled_out] = False
        if hit is not None:
            cand &= hit
        if titled:
            tmask = np.zeros(n, dtype=bool)
            for word in titled:
                tmask[self._titles[stem(word)]] = True
            cand &= tmask
        wmask = self._where_mask(q)
        # In one of the places ranks first: the profile's, or a remote request's (its openings
        # open to those places before those open to anyone).
        placed = (self._places_mask(q.locations)
                  if q.from_profile or q.remote is RemotePreference.REMOTE else None)
        if wmask is not None:
            cand &= wmask
        for record in q.exclude:
            if (i := self._positions.get(record)) is not None:
                cand[i] = False
        if q.employment is not None:
            cand &= self._terms[q.employment]
        if q.companies:
            at = np.zeros(n, dtype=bool)
            for company in q.companies:
                at[self._company_positions.get(company, [])] = True
            cand &= at
        for company in q.shunned:
            cand[self._company_positions.get(company, [])] = False
        if q.away and (out := self._places_mask(q.away)) is not None:
            cand &= ~out
        exact: npt.NDArray[np.bool_] | None = None
        if q.level is not None:
            exact = np.isin(self._level, [self._level_code(lv) for lv in q.level.kept])
            cand &= exact | (self._level < 0)
        total = int(np.count_nonzero(cand))
        if total == 0 or offset >= total:
            return Results(total=total, titled=titled)
        score = acc * (W_SKILLS * W_PERSON / person_total) if weights else np.zeros(n)
        if weights:
            score += raw * self._inv_total_idf * (W_SKILLS * W_OPENING)
        score += self._level_term(q.preferred_level)
        if placed is not None:
            score += placed * W_PLACE
        stamp = (now or datetime.now(UTC)).timestamp()
        factor = math.exp(-(stamp - self._built_at) / (FRESH_DAYS * 86400.0))
        score += np.minimum(self._fresh0 * factor, 1.0) * W_FRESH + self._fresh_unknown
        score -= self._tiebreak
        score[~cand] = -np.inf
        # "newest first": freshness alone orders them; an opening of unknown age goes last.
        key = (np.where(np.isfinite(score), self._fresh0 - self._tiebreak, -np.inf) if q.newest
               else score)
        if exact is not None:
            key = key + exact * EXACT_LEVEL_FIRST
        end = min(offset + limit, total)
        top = np.argpartition(-key, end - 1)[:end] if end < n else np.arange(n)
        top = top[np.isfinite(key[top])]
        order = top[np.argsort(-key[top], kind="stable")][offset:end]
        known = set(weights)
        matches = tuple(self._explain(self.openings[j], q, known, j, float(score[j]),
                                      gaps=not browsing)
                        for j in order.tolist())
        return Results(total=total, matches=matches, titled=titled)


def like(o: Opening) -> Query:
    """A request for openings like this one: its skills, its level preferred (the skills matter
    more: a Go role of no stated level is more like a senior Go role than a senior Java one is),
    never the opening itself."""
    return Query(skills=tuple(s for s in o.skills if not is_generic(s)), preferred_level=o.level,
                 exclude=((o.source, o.external_id),))


def parse_request(text: str, vocab: SkillVocabulary) -> Query:
    """Skills, level, remote wish and places named in a request ("senior python roles in Berlin").

    Generic words ("backend", "developer") name no skill: "any backend jobs?" asks for any.
    """
    text = respelled(text, vocab)
    norm = normalize(text)
    away = tuple(dict.fromkeys(p for p, _, _ in places_ruled_out(norm)))
    ruled_out = {normalize(p) for p in away}
    gone = _ANYWHERE.search(norm)
    if gone is not None and gone.group("place") and (
            find_places(gone.group("place"), vocab, names=True) or find_regions(gone.group("place"))):
        # "forget spain, show the hybrid ones": the place is dropped, not asked for.
        text = norm = norm[:gone.start()] + norm[gone.end():]
    elif gone is not None and gone.group("place"):
        gone = None  # "not sure": no place dropped
    named = find_places(text, vocab)
    said = {normalize(p) for p in named}
    places = tuple(p for p in (*named, *(r for r in find_regions(text) if normalize(r) not in said))
                   if normalize(p) not in ruled_out and normalize(p).removeprefix("the ")
                   not in ruled_out)
    avoid = tuple(dict.fromkeys(
        s.name for m in _WITHOUT.finditer(norm)
        for s in find_skills(vocab, _CLAUSE_END.split(norm[m.end():], maxsplit=1)[0])
        if not is_generic(s.name)))
    any_mode, any_level = bool(_ANY_MODE.search(norm)), bool(_ANY_LEVEL.search(norm))
    any_terms = bool(_ANY_TERMS.search(norm))
    return Query(
        skills=tuple(s.name for s in find_skills(vocab, text)
                     if not is_generic(s.name) and s.name not in avoid),
        any_mode=any_mode, any_level=any_level, any_terms=any_terms, away=away,
        avoid=avoid,
        every=bool(_EVERY.search(norm)),
        newest=bool(_NEWEST.search(norm)),
        anywhere=gone is not None,
        instead=bool(_INSTEAD.search(norm)),
        widens=bool(_WIDENS.search(norm)),
        level=None if any_level else find_level(text, Reading.CHAT),
        employment=None if any_terms else employment_wish(text),
        remote=RemotePreference.ANY if any_mode else (
            remote_wish(text, Reading.CHAT) or RemotePreference.ANY),
        locations=places,
        titled=_role_words(text, vocab, places),
        either=bool(named) and bool(_OR_REMOTE.search(text)),
    )


# What rules the skills after it out: "anything that doesn't need Java?", "without PHP", "no
# java please", "other than .NET" (up to where the clause ends).
_WITHOUT = re.compile(
    r"(?<![\w'])(?:without|except(?: for)?|excluding|other than|apart from|but not|not|no|"
    r"(?:does|do|did|would|will|is|are)(?:n'?t| not)(?: \w+)? (?:need|require|use|involve|ask for|"
    r"have|want|mention)s?|(?:free of|no need for|not (?:using|needing|requiring)))"
    r"(?: (?:any|much|a lot of|the))?(?![\w'])")
_CLAUSE_END = re.compile(r"[,;?!]|\.(?=\s|$)|\b(?:but|just|only|in|at|with|instead)\b")
# A work mode or level filter dropped: "drop the remote part", "doesn't have to be remote",
# "on-site is fine too"; "any level", "forget the seniority".
_DROPPED = r"(?:drop|forget|remove|skip|never ?mind|ignore|scrap|lose|no need for|without)"
_ANY_MODE = re.compile(
    r"\b(?:" + _DROPPED + r" (?:about )?(?:the |that )?"
    r"(?:remote|hybrid|on-?site|office|work mode|location type)"
    r"(?: (?:part|bit|filter|requirement|condition|thing|one))?"
    r"|(?:doesn'?t|does not|don'?t|do not|need ?n'?t|needs? not)(?: (?:have|need) to)? be (?:fully )?"
    r"(?:remote|hybrid|on-?site)|(?:on-?site|office|in[- ]office|remote|hybrid)(?: (?:work|jobs?|roles?))? "
    r"(?:is|are|would be|'?s) (?:fine|ok(?:ay)?|good) (?:too|as well)|any work mode)\b")
_ANY_LEVEL = re.compile(
    r"\b(?:" + _DROPPED + r" (?:about )?(?:the |that |my )?(?:level|seniority|senior|junior|mid|staff)"
    r"(?: (?:part|bit|filter|requirement|thing|level))?"
    r"|any (?:level|seniority)|(?:level|seniority) (?:doesn'?t|does not) matter)\b")
_ANY_TERMS = re.compile(
    r"\b(?:any (?:terms|employment type|contract type|kind of contract)|" + _DROPPED
    + r" (?:the |that )?(?:contract|part[- ]?time|full[- ]?time|freelance|permanent)"
    r"(?: (?:part|bit|filter|requirement|thing))?|(?:full[- ]?time|part[- ]?time|contract) or not)\b")
# What a button dropping a filter says, as a follow-up of the request ("any work mode").
DROPPING = {"mode": "any work mode", "place": "any location", "level": "any level", "terms": "any terms"}
# Every opening, not only those that fit: "show all of them", "not just my skills", "everything".
_EVERY = re.compile(
    r"\b(?:all (?:of )?(?:them|the (?:jobs|openings|roles|positions|ones)|(?:jobs|openings|roles"
    r"|positions))|every(?:thing| (?:job|opening|role|one))|not (?:just|only) (?:for )?(?:my|me|the "
    r"ones? (?:for|that (?:fit|match)|matching|with) (?:me|my))|regardless of (?:my )?(?:skills?|stack)"
    r"|whatever the (?:stack|skills?)|any (?:stack|skills?)\b(?! (?:in|of)))")
# The newest first: "newest first", "sort by date", "most recent ones", "latest postings".
_NEWEST = re.compile(
    r"\b(?:newest|most recent(?:ly posted)?|latest|(?:sort|order)(?:ed)? by (?:date|age|newest)"
    r"|recently posted|fresh(?:est)?|new(?:er)? ones)\b")
# Asking for the last list again: "show me again", "back to the jobs", "those openings again";
# _LIST_AGAIN names the list ("back to the jobs"), as no question about a topic does.
_AGAIN = re.compile(r"\b(?:(?:show|list|give|send|see|get)(?: me)?(?: (?:the|those|these|that|my))?"
                    r"(?: (?:jobs?|openings?|roles?|list|results|ones))? again)\b"
                    r"|^(?:ok(?:ay)? |so |then )?(?:show|list|give)(?: me)? (?:those|them|these)"
                    r"(?: (?:again|now|then|please))?[.!?]*$")
_LIST_AGAIN = re.compile(r"\b(?:(?:jobs?|openings?|roles?|list|results) again|back to (?:the |my |"
                         r"those |these |that )?(?:jobs?|openings?|roles?|list|results|job list))\b")
# Earlier places dropped: "forget spain", "not in berlin after all", "anywhere is fine".
_ANYWHERE = re.compile(r"\b(?:anywhere|any (?:location|place|city|country)|wherever|location doesn'?t "
                       r"matter|(?:forget|drop|scratch|never ?mind|not|no longer|skip) (?:about )?"
                       r"(?:the )?(?:in )?(?P<place>[a-z][a-z ]{1,30}?)(?=[,.;!?]|$| (?:and|but|show|"
                       r"what|any|then|instead)\b))")
_ONE = re.compile(r"\b(?:one|it|that|this)\b")
_ASKING = re.compile(r"^(?:is|are|does|do|did|can|could|would|will|which|whose|who|why|where|when|"
                     r"what(?! about)|how(?! about))\b")
_INSTEAD = re.compile(r"\b(?:instead|rather)\b")
_WIDENS = re.compile(r"^(?:or|also|plus)\b|\b(?:too|as well|also|include|including|add)\b")
# Words around what changes the list on screen: "strictly in spain", "ones at Tidewater only",
# "same but hybrid", "same search again, in london".
_AROUND_CHANGE = frozenset("""
    only just strictly exclusively solely purely the those these ones them any anything some
    show me please ok okay so and but then now about instead rather at in from with for
    jobs job roles role openings opening positions position too also list filter keep see give
    there here of by a an to what how first or also too well include including add plus
    more less not no except excluding other than apart without drop part bit filter
    preferably ideally ideal prefer preferred would like love
    same thing search again
""".split())  # noqa: SIM905 - a word list reads better as text


# What rules a company out when it comes right before its name: "not Cindervale", "anything
# except at Stripe", "other than tidewell", "skip the Pinecrest ones".
_SHUN = (r"(?<![\w'])(?:not|no|except(?: for)?|excluding|exclude|other than|apart from|besides|"
         r"without|skip|avoid|hide|minus|anything but|nothing (?:at|from)|none (?:at|from))"
         r"(?: (?:at|from|with|by|for|the|any|anything|jobs|ones))*\s+")


def rules_out(text: str, company: str) -> bool:
    """Whether text rules the company out rather than asking for it ("not Cindervale")."""
    name = name_tokens(company)
    if not name:
        return False
    said = " ".join(location_tokens(text))
    return re.search(_SHUN + re.escape(name[0]) + r"(?![\w])", said) is not None


def reorders(text: str) -> bool:
    """Whether a request only changes how the list is drawn ("newest first", "show all of them")."""
    norm = normalize(text)
    return bool(_NEWEST.search(norm) or _EVERY.search(norm))


def asks_again(text: str, *, naming_the_list: bool = False) -> bool:
    """Whether a message asks for the last list of openings again ("show me again"; with
    `naming_the_list`, only by naming it: "back to the jobs")."""
    norm = normalize(text)
    return bool(_LIST_AGAIN.search(norm) or (not naming_the_list and _AGAIN.search(norm)))


def changes_list(text: str, vocab: SkillVocabulary, index: OpeningIndex | None = None) -> bool:
    """Whether a message only names what the list on screen should hold: a place, level, work
    mode, skill or company, an order, with words around them ("strictly in spain", "just the
    american ones", "ones at Tidewater only", "forget spain, the hybrid ones")."""
    if _ASKING.match(normalize(text)) or _ONE.search(normalize(text)):
        return False  # "is it remote?", "the berlin one" ask about the list or one of it
    q = parse_request(text, vocab)
    at = index.by_company(text) if index is not None else []
    if not all(names_known_place(p) or find_regions(p) or (index is not None and index.knows_place(p))
               for p in q.locations):
        return False
    if not (q.locations or q.level or q.employment or q.remote is not RemotePreference.ANY
            or q.away or q.any_mode or q.any_level or q.any_terms or q.skills or q.avoid
            or q.every or q.newest or q.anywhere or at):
        return False
    named = ({t for i in at for t in name_tokens(index.openings[i].company)}
             if index is not None else set())
    rest = [w for w in unread(_ANYWHERE.sub(" ", normalize(text)), vocab)
            if w not in _AROUND_CHANGE and w not in named
            and not find_regions(w) and not find_regions(f"the {w}")]
    return not rest


# A place and remote work as alternatives: "munich or remote", "remote or in Berlin".
_OR_REMOTE = re.compile(r"(?i)\bremote(?:ly)?,? or\b|\bor (?:fully )?remote\b")


def _role_words(text: str, vocab: SkillVocabulary, places: Sequence[str]) -> tuple[str, ...]:
    """The words of a request that are none of skill, level, work mode, place or generic
    ("identity", "security", "show"): those some title has may name a role."""
    placed = {t for p in places for t in words(p)}
    # Read as a whole: "entry level" is a level, though neither word is one alone.
    return tuple(dict.fromkeys(
        t for t in unread(text, vocab)
        if len(t) >= MIN_ROLE_WORD and not t.isdigit() and t not in STOPWORDS
        and t not in placed and not is_generic(t) and vocab.canonical(t) is None
        and t not in LEVEL_NOUNS
        and find_level(t, Reading.CHAT) is None and remote_wish(t, Reading.CHAT) is None))


@lru_cache(maxsize=65536)
def _title_stems(title: str) -> frozenset[str]:
    # Cached: feeds repeat titles ("Backend Engineer") thousands of times.
    return frozenset(stem(t) for t in words(title)
                     if len(t) >= MIN_ROLE_WORD and t not in STOPWORDS and not is_generic(t))


def cards(matches: Sequence[Match]) -> tuple[OpeningCard, ...]:
    return tuple(m.card() for m in matches)


@dataclass(frozen=True, kw_only=True, slots=True)
class Wanted:
    """A skill that openings fitting a person ask for and they lack, and how many of them ask."""

    gap: SkillGap
    asked_by: int


def wanted_skills(matches: Sequence[Match], *, limit: int = 4) -> tuple[Wanted, ...]:
    """The skills most of these openings ask for that the person lacks, most asked first (the
    better-fitting opening's order breaks ties): what to learn next for this market."""
    counts: Counter[str] = Counter()
    first: dict[str, SkillGap] = {}
    for m in matches:
        for g in m.missing:
            key = _key(g.skill)
            counts[key] += 1
            first.setdefault(key, g)
    # Counter.most_common keeps first-seen order among equal counts.
    return tuple(Wanted(gap=first[k], asked_by=n) for k, n in counts.most_common(limit))
