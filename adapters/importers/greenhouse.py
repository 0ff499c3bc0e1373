"""Greenhouse Job Board API feeds (`GET /v1/boards/{board}/jobs?content=true`) into Openings."""

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
    read_names,
    read_text,
    read_time,
    read_url,
)
from bot.extract import html_to_text, level_of, remote_of, skills_of
from bot.openings import Opening, Remote
from bot.skills import SkillVocabulary


def parse(data: Any, vocab: SkillVocabulary, *, origin: str = "", company: str | None = None,
          source: str | None = None) -> ParsedFeed:
    """The decoded JSON response: every well-formed job as an Opening, each other as a problem."""
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise FeedError('not a Greenhouse job board response: expected {"jobs": [...]}')
    jobs = list(data["jobs"])
    return parse_records(jobs, vocab, _opening, kind="greenhouse", company=company,
                         feed_company=_board(jobs, origin), source=source)


def _board(jobs: list[Any], origin: str) -> str | None:
    """The board name from the feed URL, else the company named by one of the first jobs."""
    if origin.startswith("http"):
        found = path_part(origin, "boards") or path_part(origin, "postings")
        if found:
            return found
    for record in jobs[:50]:
        if not isinstance(record, dict):
            continue
        if isinstance(record.get("company_name"), str) and record["company_name"].strip():
            return str(record["company_name"]).strip()
        found = first_path_part(record.get("absolute_url"), "greenhouse.io")
        if found:
            return found
    return None


def _opening(record: Mapping[str, Any], vocab: SkillVocabulary, source: str,
             company: str) -> Opening:
    title = read_text(record, "title", required=True)
    url = read_url(record, "absolute_url")
    loc = record.get("location")
    if loc is not None and not isinstance(loc, dict):
        raise BadRecord(f"'location' must be an object, not {type(loc).__name__}")
    location = read_text(loc, "name") if isinstance(loc, dict) else ""
    offices = read_names(record.get("offices"))
    if not location and offices:
        location = join_places(offices)
    content = record.get("content")
    if content is not None and not isinstance(content, str):
        raise BadRecord("'content' must be text")
    description = html_to_text(content or "")[:MAX_DESCRIPTION]
    departments = read_names(record.get("departments"))
    updated = read_time(record.get("updated_at"))
    posted = read_time(record.get("first_published")) or updated
    remote = remote_of(location, None, "")
    if remote is Remote.UNKNOWN:
        remote = remote_of(" ".join(offices), None, description)
    return Opening(
        source=source, external_id=read_id(record, "id"), title=title, company=company, url=url,
        location=location, remote=remote, level=level_of(title, description),
        skills=skills_of(vocab, title, " ".join((*departments, description))),
        description=description, posted_at=posted, updated_at=updated,
    )
