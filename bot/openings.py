"""Job opening values shared by the knowledge base, the recommender and storage."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.text import normalize


class Remote(StrEnum):
    YES = "yes"
    NO = "no"
    HYBRID = "hybrid"
    UNKNOWN = "unknown"


class Level(StrEnum):
    INTERN = "intern"
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"
    MANAGER = "manager"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]

    @property
    def seniority(self) -> float:
        """How senior the level is, for "which is the most senior?": as `rank`, but a manager
        ranks between senior and staff (an engineering manager's ladder meets the engineers'
        at senior; staff and principal engineers are above it)."""
        return _MANAGER_SENIORITY if self is Level.MANAGER else float(self.rank)

    @property
    def kept(self) -> tuple[Level, ...]:
        """The levels a filter for this one keeps: itself, and for senior the levels above it
        on the engineers' ladder (Staff, Principal), which are senior or above."""
        return (self, Level.STAFF) if self is Level.SENIOR else (self,)


class Employment(StrEnum):
    """The terms of an opening, as far as a request filters on them (internships are a level)."""

    FULL_TIME = "full-time"
    PART_TIME = "part-time"
    CONTRACT = "contract"


_LEVEL_RANK = {
    Level.INTERN: 0,
    Level.JUNIOR: 1,
    Level.MID: 2,
    Level.SENIOR: 3,
    Level.STAFF: 4,
    Level.MANAGER: 4,
}


_MANAGER_SENIORITY = 3.5

# How an ad (or a request, see bot.vocabulary.employment_wish) states its terms: "part-time",
# "full-time" or "permanent", fewer hours a week than a full week ("20 hours a week").
FULL_WEEK_HOURS = 35
PART_TIME = re.compile(r"\bpart[- ]?time\b")
FULL_TIME = re.compile(r"\bfull[- ]?time\b|\bpermanent\b")
HOURS_A_WEEK = re.compile(r"\b(\d{1,2}) ?(?:hours?|hrs?|h) (?:a|per|/) ?(?:week|wk)\b"
                          r"|\b(\d{1,2})h/w(?:ee)?k\b")
# That it is a contract: in its title, or as its terms ("a six-month contract", "contract role",
# "day rate"), not in passing ("smart contracts", "API contract tests").
_CONTRACT_TITLE = re.compile(r"\b(?:contract(?:or)?|freelanc\w*|fixed[- ]term)\b")
_CONTRACT_TERMS = re.compile(
    r"\b(?:(?:\w+[- ])?(?:month|week|year)s?[- ]contract|contract (?:role|position|basis|engagement|"
    r"assignment|for \w+ months)|(?:fixed|short)[- ]term contract|day rate|contract[- ]to[- ]hire|"
    r"freelance (?:role|position|basis|project))\b")


def short_week(norm: str) -> bool:
    """Whether (normalised) text names fewer hours a week than a full week ("20 hours a week")."""
    hours = HOURS_A_WEEK.search(norm)
    return hours is not None and int(hours.group(1) or hours.group(2)) < FULL_WEEK_HOURS


def employment_in(title: str, description: str) -> frozenset[Employment]:
    """The terms an ad states (full-time when it states no other)."""
    head, body = normalize(title), normalize(description)
    found = set()
    if _CONTRACT_TITLE.search(head) or _CONTRACT_TERMS.search(body):
        found.add(Employment.CONTRACT)
    if PART_TIME.search(head) or PART_TIME.search(body) or short_week(f"{head} {body}"):
        found.add(Employment.PART_TIME)
    return frozenset(found) or frozenset((Employment.FULL_TIME,))


def level_for_years(years: int) -> Level:
    """The level that years of experience suggest (in a job ad, or a person's own)."""
    if years <= 1:
        return Level.JUNIOR
    if years <= 4:
        return Level.MID
    if years <= 7:
        return Level.SENIOR
    return Level.STAFF


# The widths of storage's openings columns; importers check each record against them, so one
# overlong record is reported instead of failing the transaction of its whole batch.
MAX_SOURCE = 64
MAX_EXTERNAL_ID = 255
MAX_TITLE = 500
MAX_COMPANY = 255
MAX_LOCATION = 255
MAX_URL = 2000


@dataclass(frozen=True, kw_only=True, slots=True)
class Opening:
    source: str
    external_id: str
    title: str
    company: str
    url: str
    location: str = ""
    remote: Remote = Remote.UNKNOWN
    level: Level | None = None
    skills: tuple[str, ...] = ()
    description: str = ""
    posted_at: datetime | None = None
    updated_at: datetime | None = None
    is_open: bool = True
    # The terms the ad states; read from its title and description when not given (a feed's
    # records), kept as given otherwise (a stored row read without its description).
    terms: frozenset[Employment] = frozenset()

    def __post_init__(self) -> None:
        if not self.terms:
            object.__setattr__(self, "terms", employment_in(self.title, self.description))
