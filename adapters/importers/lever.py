"""Lever Postings API feeds (`GET /v0/postings/{site}?mode=json`) into Openings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.importers.records import (
    MAX_DESCRIPTION,
    BadRecord,
    FeedError,
    ParsedFeed,
    first_path_part,
    join_places,
    parse_records,
    path_part,
    read_id,
    read_text,
    read_time,
    read_url,
)
from bot.extract import html_to_text, level_of, remote_of, skills_of
from bot.openings import Level, Opening
from bot.skills import SkillVocabulary


def parse(data: Any, vocab: SkillVocabulary, *, origin: str = "", company: str | None = None,
          source: str | None = None) -> ParsedFeed:
    """The decoded JSON array: every well-formed posting as an Opening, each other as a problem."""
    if not isinstance(data, list):
        raise FeedError("not a Lever postings response: expected a JSON array of postings")
    postings = list(data)
    return parse_records(postings, vocab, _opening, kind="lever", company=company,
                         feed_company=_site(postings, origin), source=source,
                         record_company=_own_site)


def _own_site(record: Mapping[str, Any]) -> str | None:
    """The site a posting is hosted on: postings of several companies merged into one array
    each keep their own."""
    return first_path_part(record.get("hostedUrl"), "lever.co")


def _site(postings: list[Any], origin: str) -> str | None:
    """The site name from the feed URL, else from one of the first postings' URLs."""
    found = path_part(origin, "postings") if origin.startswith("http") else None
    if found:
        return found
    for record in postings[:50]:
        if isinstance(record, dict):
            found = first_path_part(record.get("hostedUrl"), "lever.co")
            if found:
                return found
    return None


def _opening(record: Mapping[str, Any], vocab: SkillVocabulary, source: str,
             company: str) -> Opening:
    title = read_text(record, "text", required=True)
    url = read_url(record, "hostedUrl")
    cats = record.get("categories") or {}
    if not isinstance(cats, dict):
        raise BadRecord("'categories' must be an object")
    location = read_text(cats, "location")
    if not location and isinstance(cats.get("allLocations"), list):
        location = join_places([x for x in cats["allLocations"] if isinstance(x, str)])
    parts = [read_text(record, "descriptionPlain")
             or html_to_text(read_text(record, "description"))]
    lists = record.get("lists") or []
    if not isinstance(lists, list):
        raise BadRecord("'lists' must be an array")
    for item in lists:
        if isinstance(item, dict):
            head = read_text(item, "text")
            body = html_to_text(read_text(item, "content"))
            parts.append(f"{head}\n{body}".strip())
    parts.append(read_text(record, "additionalPlain")
                 or html_to_text(read_text(record, "additional")))
    # What Lever shows beside the ad rather than in it (the team, full- or part-time, the pay
    # range), in words, so a question about them is answered from the ad.
    parts.append("\n".join(line for line in (
        _labelled("Team", read_text(cats, "team")),
        _labelled("Commitment", read_text(cats, "commitment")),
        _salary(record.get("salaryRange")),
        read_text(record, "salaryDescriptionPlain")
        or html_to_text(read_text(record, "salaryDescription"))) if line))
    description = "\n\n".join(p for p in parts if p)[:MAX_DESCRIPTION]
    workplace = record.get("workplaceType")
    created = read_time(record.get("createdAt"))
    updated = read_time(record.get("updatedAt")) or created
    tags = tuple(str(t) for t in record.get("tags") or () if isinstance(t, str))
    return Opening(
        source=source, external_id=read_id(record, "id"), title=title, company=company, url=url,
        location=location,
        remote=remote_of(location, workplace if isinstance(workplace, str) else None,
                         description),
        level=level_of(title, description)
        or (Level.INTERN if "intern" in read_text(cats, "commitment").lower() else None),
        skills=skills_of(vocab, title, description, extra=tags),
        description=description, posted_at=created, updated_at=updated,
    )


# Lever's pay intervals ("per-year-salary", "per-hour-wage") said in words.
_PER = (("year", "a year"), ("month", "a month"), ("week", "a week"), ("day", "a day"),
        ("hour", "an hour"))


def _labelled(label: str, value: str) -> str:
    return f"{label}: {value}." if value else ""


def _salary(value: Any) -> str:
    """A posting's salaryRange as its ad page shows it: "Salary: EUR 85,000 - 105,000 a year."."""
    if not isinstance(value, dict):
        return ""
    low, high = value.get("min"), value.get("max")
    amounts = [f"{v:,.0f}" for v in (low, high)
               if isinstance(v, int | float) and not isinstance(v, bool) and v > 0]
    if not amounts:
        return ""
    currency = value.get("currency")
    interval = str(value.get("interval") or "")
    per = next((words for key, words in _PER if key in interval), "")
    said = " - ".join(dict.fromkeys(amounts))
    return " ".join(p for p in ("Salary:", currency if isinstance(currency, str) else "", said, per)
                    if p) + "."
