"""Feeds in the project's own openings YAML (the format of knowledge/openings.yaml) into Openings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

from adapters.importers.records import (
    BadRecord,
    FeedError,
    ParsedFeed,
    RecordProblem,
    check_opening,
    check_source,
    source_key,
)
from bot.extract import level_of, remote_of, skills_of
from bot.knowledge import Problem, Severity, default_dir, parse_openings
from bot.openings import Opening, Remote
from bot.skills import SkillVocabulary


def parse(text: str, vocab: SkillVocabulary, *, origin: str = "",
          source: str | None = None) -> ParsedFeed:
    """Checked as `careerbot kb check` checks openings.yaml: each record with an error is a
    problem naming its line and field; what a record leaves out is read from its text."""
    name = Path(urlparse(origin).path).name if origin else ""
    document = parse_openings(text, name or "openings.yaml", vocab)
    broken = [_where(p) for p in document.problems if p.severity is Severity.ERROR]
    if broken:
        raise FeedError("; ".join(broken))
    feed = ParsedFeed(source=check_source(source) if source is not None else _source(origin),
                      total=len(document.records))
    for record in document.records:
        if record.external_id:
            feed.listed_ids.add(record.external_id)
        if record.opening is None:
            feed.problems.extend(
                RecordProblem(index=record.index, external_id=record.external_id or None,
                              reason=_where(p))
                for p in record.problems if p.severity is Severity.ERROR)
            continue
        try:
            opening = check_opening(replace(record.opening, source=feed.source))
        except BadRecord as exc:
            feed.problems.append(RecordProblem(index=record.index, reason=str(exc),
                                               external_id=record.external_id or None))
            continue
        feed.openings.append(_enrich(opening, vocab))
    return feed


def _where(problem: Problem) -> str:
    field = f" {problem.field}" if problem.field else ""
    return f"line {problem.line}{field}: {problem.message}"


def _source(origin: str) -> str:
    try:
        if origin and Path(origin).resolve() == (default_dir() / "openings.yaml").resolve():
            return "seed"
    except OSError:
        pass
    return source_key("yaml", Path(urlparse(origin).path).stem or "openings")


def _enrich(o: Opening, vocab: SkillVocabulary) -> Opening:
    """What a hand-written record leaves out, read from its title and description."""
    return replace(
        o,
        skills=o.skills or skills_of(vocab, o.title, o.description),
        level=o.level or level_of(o.title, o.description),
        remote=o.remote if o.remote is not Remote.UNKNOWN
        else remote_of(o.location, None, o.description),
    )
