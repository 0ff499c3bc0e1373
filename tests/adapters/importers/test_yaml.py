"""The YAML feed: checked as `kb check` checks openings.yaml, problems by record, line and field."""

from __future__ import annotations

import pytest

from adapters.importers.feeds import FeedFormat, parse_feed
from adapters.importers.records import FeedError
from bot.skills import Skill, SkillVocabulary

VOCAB = SkillVocabulary([Skill(name="Python"), Skill(name="Go", aliases=("golang",))])


def test_record_problems_name_record_line_and_field() -> None:
    text = """\
openings:
  - external_id: 101
    title: Python Developer
    company: Acme
    url: https://acme.example/101
  - external_id: 101
    title: Python Developer again
    company: Acme
    url: https://acme.example/101b
  - external_id: 102
    title: [Go Developer]
    company: Acme
    url: https://acme.example/102
    colour: blue
"""
    feed = parse_feed(text, FeedFormat.YAML, VOCAB, origin="https://acme.example/jobs.yaml")
    assert feed.source == "yaml:jobs" and feed.total == 3
    assert [o.external_id for o in feed.openings] == ["101"]
    assert feed.listed_ids == {"101", "102"}
    assert [str(p) for p in feed.problems] == [
        "record 1 (id 101): line 6 openings[101].external_id: duplicate external_id "
        "(first at line 2)",
        "record 2 (id 102): line 11 openings[102].title: expected text, got a list",
        "record 2 (id 102): line 14 openings[102].colour: unknown key (expected one of: company, "
        "description, external_id, level, location, posted, remote, skills, title, url)",
    ]


def test_an_unknown_top_level_key_rejects_the_feed() -> None:
    text = "openings: []\nupdated: 2025-01-01\n"
    with pytest.raises(FeedError, match=r"line 2 updated: unknown key \(expected one of: openings\)"):
        parse_feed(text, FeedFormat.YAML, VOCAB)
