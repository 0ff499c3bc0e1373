"""What the feed importers share: the parse result, record problems and the field readers."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from bot.openings import (
    MAX_COMPANY,
    MAX_EXTERNAL_ID,
    MAX_LOCATION,
    MAX_SOURCE,
    MAX_TITLE,
    MAX_URL,
    Opening,
)
from bot.skills import SkillVocabulary

MAX_DESCRIPTION = 20_000
# Dates a job posting can carry; anything else is a broken feed (year 1 or 9999 with an offset
# would not even convert to UTC when stored).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


class FeedError(Exception):
    """The feed as a whole cannot be read; nothing is imported."""


class BadRecord(Exception):
    """One record is malformed: it is reported as a RecordProblem and skipped."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordProblem:
    index: int
    reason: str
    external_id: str | None = None

    def __str__(self) -> str:
        ident = f" (id {self.external_id})" if self.external_id else ""
        return f"record {self.index}{ident}: {self.reason}"


@dataclass(kw_only=True)
class ParsedFeed:
    source: str
    openings: list[Opening] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    # Ids the feed lists, malformed records included: those are not "gone", so not closed.
    listed_ids: set[str] = field(default_factory=set)
    total: int = 0


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def source_key(kind: str, name: str) -> str:
    """`kind:slug` within the width of the source column (a long company name is shortened)."""
    return f"{kind}:{slug(name)}"[:MAX_SOURCE].rstrip("-")


def check_source(source: str) -> str:
    """A --source the operator chose: too long a key fails the whole feed, before any write."""
    if not source.strip():
        raise FeedError("--source is empty")
    if len(source) > MAX_SOURCE:
        raise FeedError(f"--source is {len(source)} characters; at most {MAX_SOURCE} fit")
    return source


def join_places(names: list[str]) -> str:
    """Place names as one location that fits its column: "A, B and 37 more" for long lists."""
    joined = ", ".join(names)
    if len(joined) <= MAX_LOCATION or len(names) == 1:
        return joined[:MAX_LOCATION]
    kept: list[str] = []
    for name in names:
        tail = f" and {len(names) - len(kept) - 1} more"
        if len(", ".join([*kept, name])) + len(tail) > MAX_LOCATION:
            break
        kept.append(name)
    if not kept:  # the first name alone is too long
        kept = [names[0][:MAX_LOCATION - 24]]
    return f"{', '.join(kept)} and {len(names) - len(kept)} more"


def _width(o: Opening, name: str, limit: int) -> None:
    value = getattr(o, name)
    if len(value) > limit:
        raise BadRecord(f"{name} is {len(value)} characters; at most {limit} fit")


def _in_range(o: Opening, name: str) -> None:
    value: datetime | None = getattr(o, name)
    if value is None:
        return
    # Compared as aware UTC without astimezone(), which overflows at the ends of the calendar.
    try:
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        inside = EARLIEST <= aware < LATEST
    except OverflowError:
        inside = False
    if not inside:
        raise BadRecord(f"{name} {value.isoformat()[:40]} is outside "
                        f"{EARLIEST.year}-{LATEST.year - 1}")


def check_opening(o: Opening) -> Opening:
    """The record fits the openings table: identities and links whole (else BadRecord), free
    text shortened to its column."""
    _width(o, "source", MAX_SOURCE)
    _width(o, "external_id", MAX_EXTERNAL_ID)
    _width(o, "company", MAX_COMPANY)
    _width(o, "url", MAX_URL)
    _in_range(o, "posted_at")
    _in_range(o, "updated_at")
    if len(o.title) > MAX_TITLE or len(o.location) > MAX_LOCATION:
        o = replace(o, title=o.title[:MAX_TITLE], location=o.location[:MAX_LOCATION])
    return o


def read_text(record: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise BadRecord(f"missing {key!r}")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadRecord(f"{key!r} must be text, not {type(value).__name__}")
    return str(value).strip()


def read_url(record: Mapping[str, Any], key: str) -> str:
    url = read_text(record, key, required=True)
    if not url.startswith(("https://", "http://")):
        raise BadRecord(f"{key!r} is not an http(s) URL: {url[:80]!r}")
    return url


def read_id(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None or value == "" or isinstance(value, bool | dict | list):
        raise BadRecord(f"missing or invalid {key!r}")
    return str(value).strip()


def read_time(value: Any) -> datetime | None:
    """ISO 8601 text or epoch milliseconds (Lever); anything else is treated as unknown."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def read_names(value: Any) -> list[str]:
    """Names from Greenhouse's [{"name": …}] lists."""
    if not isinstance(value, list):
        return []
    return [str(v["name"]).strip() for v in value
            if isinstance(v, dict) and isinstance(v.get("name"), str) and v["name"].strip()]


def path_part(url: str, after: str) -> str | None:
    """The URL path segment that follows `after` (a board or site name), if any."""
    parts = [p for p in urlparse(url).path.split("/") if p]
    if after in parts:
        i = parts.index(after)
        return parts[i + 1] if i + 1 < len(parts) else None
    return None


def first_path_part(url: Any, host: str) -> str | None:
    """The first path segment of a posting URL on `host` (the company's board name)."""
    if not isinstance(url, str) or host not in urlparse(url).netloc:
        return None
    parts = [p for p in urlparse(url).path.split("/") if p]
    return parts[0] if parts else None


Convert = Callable[[Mapping[str, Any], SkillVocabulary, str, str], Opening]


def _no_company(record: Mapping[str, Any]) -> str | None:
    return None


def parse_records(items: list[Any], vocab: SkillVocabulary, convert: Convert, *, kind: str,
                  company: str | None, feed_company: str | None,
                  source: str | None,
                  record_company: Callable[[Mapping[str, Any]], str | None] = _no_company,
                  ) -> ParsedFeed:
    """Each JSON record through `convert`; `company` (the --company option) wins over the
    record's company_name, then the company the record itself names in the feed's own way
    (`record_company`), then the feed's own `feed_company`."""
    feed = ParsedFeed(source=check_source(source) if source is not None
                      else source_key(kind, company or feed_company or "unknown"),
                      total=len(items))
    seen: set[str] = set()
    for i, record in enumerate(items):
        ext: str | None = None
        try:
            if not isinstance(record, dict):
                raise BadRecord(f"expected an object, got {type(record).__name__}")
            ext = read_id(record, "id")
            feed.listed_ids.add(ext)
            if ext in seen:
                raise BadRecord("duplicate id (the first one is imported)")
            rec_company = (company or read_text(record, "company_name") or record_company(record)
                           or feed_company)
            if not rec_company:
                raise BadRecord("no company: pass --company")
            opening = check_opening(convert(record, vocab, feed.source, rec_company))
        except BadRecord as exc:
            feed.problems.append(RecordProblem(index=i, reason=str(exc), external_id=ext))
            continue
        seen.add(ext)
        feed.openings.append(opening)
    return feed
