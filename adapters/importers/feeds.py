"""Job-board feeds into Opening values: the project's YAML, Greenhouse and Lever JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.extract import html_to_text, level_of, remote_of, skills_of
from bot.knowledge import Problem, Severity, default_dir, parse_openings
from bot.openings import Level, Opening, Remote
from bot.skills import SkillVocabulary

MAX_TITLE = 500
MAX_DESCRIPTION = 20_000
FETCH_TIMEOUT = 60.0


class FeedFormat(StrEnum):
    YAML = "yaml"
    GREENHOUSE = "greenhouse"
    LEVER = "lever"


class FeedError(Exception):
    """The feed as a whole cannot be read; nothing is imported."""


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


class _Bad(Exception):
    pass


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


async def read_feed(location: str) -> str:
    """The feed's text from a file path or an http(s) URL."""
    if location.startswith(("http://", "https://")):
        import httpx

        try:
            async with httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=True) as client:
                response = await client.get(location, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise FeedError(f"cannot fetch {location}: {type(exc).__name__}: {exc}") from None
        if response.status_code != 200:
            raise FeedError(f"{location} answered HTTP {response.status_code}")
        return response.text
    path = Path(location)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FeedError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedError(f"cannot read {path}: {exc}") from None


def parse_feed(text: str, fmt: FeedFormat, vocab: SkillVocabulary, *, origin: str = "",
               company: str | None = None, source: str | None = None) -> ParsedFeed:
    """Every well-formed record as an Opening, and each malformed one as a RecordProblem."""
    if fmt is FeedFormat.YAML:
        return _parse_yaml(text, vocab, origin=origin, source=source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if fmt is FeedFormat.GREENHOUSE:
        return _parse_records(data, vocab, origin, company, source, "greenhouse",
                              _greenhouse_records, _greenhouse)
    return _parse_records(data, vocab, origin, company, source, "lever", _lever_records, _lever)


# --- shared helpers ---------------------------------------------------------------------

def _text(record: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise _Bad(f"missing {key!r}")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad(f"{key!r} must be text, not {type(value).__name__}")
    return str(value).strip()


def _url(record: Mapping[str, Any], key: str) -> str:
    url = _text(record, key, required=True)
    if not url.startswith(("https://", "http://")):
        raise _Bad(f"{key!r} is not an http(s) URL: {url[:80]!r}")
    return url


def _id(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None or value == "" or isinstance(value, bool | dict | list):
        raise _Bad(f"missing or invalid {key!r}")
    return str(value).strip()


def _when(value: Any) -> datetime | None:
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


def _names(value: Any) -> list[str]:
    """Names from Greenhouse's [{"name": …}] lists."""
    if not isinstance(value, list):
        return []
    return [str(v["name"]).strip() for v in value
            if isinstance(v, dict) and isinstance(v.get("name"), str) and v["name"].strip()]


def _path_part(url: str, after: str) -> str | None:
    parts = [p for p in urlparse(url).path.split("/") if p]
    if after in parts:
        i = parts.index(after)
        return parts[i + 1] if i + 1 < len(parts) else None
    return None


Records = Callable[[Any], list[Any]]
Convert = Callable[[Mapping[str, Any], SkillVocabulary, str, str], Opening]


def _parse_records(data: Any, vocab: SkillVocabulary, origin: str, company: str | None,
                   source: str | None, kind: str, records: Records,
                   convert: Convert) -> ParsedFeed:
    items = records(data)
    default_company = company or _feed_company(kind, items, origin)
    feed = ParsedFeed(source=source or f"{kind}:{slug(default_company or 'unknown')}",
                      total=len(items))
    seen: set[str] = set()
    for i, record in enumerate(items):
        ext: str | None = None
        try:
            if not isinstance(record, dict):
                raise _Bad(f"expected an object, got {type(record).__name__}")
            ext = _id(record, "id")
            feed.listed_ids.add(ext)
            if ext in seen:
                raise _Bad("duplicate id (the first one is imported)")
            rec_company = company or _text(record, "company_name") or default_company
            if not rec_company:
                raise _Bad("no company: pass --company")
            opening = convert(record, vocab, feed.source, rec_company)
        except _Bad as exc:
            feed.problems.append(RecordProblem(index=i, reason=str(exc), external_id=ext))
            continue
        seen.add(ext)
        feed.openings.append(opening)
    return feed


def _feed_company(kind: str, items: list[Any], origin: str) -> str | None:
    """The board or site name from the feed URL or the first posting's URL."""
    where = ("boards", "postings") if kind == "greenhouse" else ("postings",)
    for after in where:
        found = _path_part(origin, after) if origin.startswith("http") else None
        if found:
            return found
    for record in items[:50]:
        if not isinstance(record, dict):
            continue
        if kind == "greenhouse":
            if isinstance(record.get("company_name"), str) and record["company_name"].strip():
                return str(record["company_name"]).strip()
            url = record.get("absolute_url")
            if isinstance(url, str):
                host = urlparse(url).netloc
                if "greenhouse.io" in host:
                    parts = [p for p in urlparse(url).path.split("/") if p]
                    if parts:
                        return parts[0]
        else:
            url = record.get("hostedUrl")
            if isinstance(url, str) and "lever.co" in urlparse(url).netloc:
                parts = [p for p in urlparse(url).path.split("/") if p]
                if parts:
                    return parts[0]
    return None


# --- Greenhouse Job Board API -------------------------------------------------------------

def _greenhouse_records(data: Any) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise FeedError('not a Greenhouse job board response: expected {"jobs": [...]}')
    return list(data["jobs"])


def _greenhouse(record: Mapping[str, Any], vocab: SkillVocabulary, source: str,
                company: str) -> Opening:
    title = _text(record, "title", required=True)[:MAX_TITLE]
    url = _url(record, "absolute_url")
    loc = record.get("location")
    if loc is not None and not isinstance(loc, dict):
        raise _Bad(f"'location' must be an object, not {type(loc).__name__}")
    location = _text(loc, "name") if isinstance(loc, dict) else ""
    offices = _names(record.get("offices"))
    if not location and offices:
        location = ", ".join(offices)
    content = record.get("content")
    if content is not None and not isinstance(content, str):
        raise _Bad("'content' must be text")
    description = html_to_text(content or "")[:MAX_DESCRIPTION]
    departments = _names(record.get("departments"))
    updated = _when(record.get("updated_at"))
    posted = _when(record.get("first_published")) or updated
    remote = remote_of(location, None, "")
    if remote is Remote.UNKNOWN:
        remote = remote_of(" ".join(offices), None, description)
    return Opening(
        source=source, external_id=_id(record, "id"), title=title, company=company, url=url,
        location=location, remote=remote, level=level_of(title, description),
        skills=skills_of(vocab, title, " ".join((*departments, description))),
        description=description, posted_at=posted, updated_at=updated,
    )


# --- Lever Postings API -------------------------------------------------------------------

def _lever_records(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise FeedError("not a Lever postings response: expected a JSON array of postings")
    return list(data)


def _lever(record: Mapping[str, Any], vocab: SkillVocabulary, source: str,
           company: str) -> Opening:
    title = _text(record, "text", required=True)[:MAX_TITLE]
    url = _url(record, "hostedUrl")
    cats = record.get("categories") or {}
    if not isinstance(cats, dict):
        raise _Bad("'categories' must be an object")
    location = _text(cats, "location")
    if not location and isinstance(cats.get("allLocations"), list):
        location = ", ".join(str(x) for x in cats["allLocations"] if isinstance(x, str))
    parts = [_text(record, "descriptionPlain") or html_to_text(_text(record, "description"))]
    lists = record.get("lists") or []
    if not isinstance(lists, list):
        raise _Bad("'lists' must be an array")
    for item in lists:
        if isinstance(item, dict):
            head = _text(item, "text")
            body = html_to_text(_text(item, "content"))
            parts.append(f"{head}\n{body}".strip())
    parts.append(_text(record, "additionalPlain") or html_to_text(_text(record, "additional")))
    description = "\n\n".join(p for p in parts if p)[:MAX_DESCRIPTION]
    workplace = record.get("workplaceType")
    created = _when(record.get("createdAt"))
    updated = _when(record.get("updatedAt")) or created
    tags = tuple(str(t) for t in record.get("tags") or () if isinstance(t, str))
    return Opening(
        source=source, external_id=_id(record, "id"), title=title, company=company, url=url,
        location=location,
        remote=remote_of(location, workplace if isinstance(workplace, str) else None,
                         description),
        level=level_of(title, description)
        or (Level.INTERN if "intern" in _text(cats, "commitment").lower() else None),
        skills=skills_of(vocab, title, description, extra=tags),
        description=description, posted_at=created, updated_at=updated,
    )


# --- the project's YAML (knowledge/openings.yaml) -----------------------------------------

def _parse_yaml(text: str, vocab: SkillVocabulary, *, origin: str,
                source: str | None) -> ParsedFeed:
    name = Path(urlparse(origin).path).name if origin else ""
    document = parse_openings(text, name or "openings.yaml", vocab)
    broken = [_where(p) for p in document.problems if p.severity is Severity.ERROR]
    if broken:
        raise FeedError("; ".join(broken))
    feed = ParsedFeed(source=source or _yaml_source(origin), total=len(document.records))
    for record in document.records:
        if record.external_id:
            feed.listed_ids.add(record.external_id)
        if record.opening is None:
            feed.problems.extend(
                RecordProblem(index=record.index, external_id=record.external_id or None,
                              reason=_where(p))
                for p in record.problems if p.severity is Severity.ERROR)
            continue
        feed.openings.append(_enrich(replace(record.opening, source=feed.source), vocab))
    return feed


def _where(problem: Problem) -> str:
    field = f" {problem.field}" if problem.field else ""
    return f"line {problem.line}{field}: {problem.message}"


def _yaml_source(origin: str) -> str:
    try:
        if origin and Path(origin).resolve() == (default_dir() / "openings.yaml").resolve():
            return "seed"
    except OSError:
        pass
    return f"yaml:{slug(Path(urlparse(origin).path).stem or 'openings')}"


def _enrich(o: Opening, vocab: SkillVocabulary) -> Opening:
    """What a hand-written record leaves out, read from its title and description."""
    return replace(
        o,
        skills=o.skills or skills_of(vocab, o.title, o.description),
        level=o.level or level_of(o.title, o.description),
        remote=o.remote if o.remote is not Remote.UNKNOWN
        else remote_of(o.location, None, o.description),
    )


def chunks(items: list[Opening], size: int) -> Iterator[list[Opening]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
