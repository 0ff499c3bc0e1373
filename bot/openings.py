"""Job opening values shared by the knowledge base, the recommender and storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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
            from bot.vocabulary import employment_in  # the vocabulary reads openings' values

            object.__setattr__(self, "terms", employment_in(self.title, self.description))
