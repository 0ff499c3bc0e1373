"""`careerbot eval` on a conversation file: turns run against the file's feed and scored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adapters.cli.conversations import check_turn
from tests.adapters.cli.test_main import run

pytestmark = pytest.mark.heavy

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def turn(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"intent": "topic", "topic": "docker", "confidence": 0.9, "text": "",
                            "suggestions": [], "buttons": [], "openings": [],
                            "profile": {"skills": [], "level": None, "remote": None,
                                        "locations": [], "years": None}}
    return {**base, **values}


def test_each_expectation_can_fail() -> None:
    got = turn(text="Docker **packages** apps", openings=[{"external_id": "7"}],
               profile={"skills": ["Python"], "level": "senior", "remote": "yes",
                        "locations": ["Berlin"], "years": 5})
    assert check_turn({"intent": ["topic", "more"], "topic": "docker", "text_any": ["packages"],
                       "openings_include_any": ["7"], "openings_exclude": ["8"],
                       "profile": {"skills_include": ["python"], "level": "senior",
                                   "remote": "yes", "locations_include": ["berlin"],
                                   "years": 5}}, got) == []
    wrong = {"intent": "more", "topic": "kubernetes", "not_topic": "docker", "openings_none": True,
             "openings_include_all": ["7", "9"], "openings_exclude": ["7"], "text_any": ["pods"],
             "text_none": ["packages"],
             "profile": {"skills_include": ["Go"], "skills_exclude": ["Python"], "level": "junior",
                         "remote": "no", "locations_include": ["Munich"],
                         "locations_exclude": ["Berlin"], "years": 2}}
    assert len(check_turn(wrong, got)) == 15


def test_eval_runs_a_conversation_file_against_its_feed(tmp_path: Path) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text((FIXTURES / "greenhouse_jobs.json").read_text())
    conversations = {
        "feed": {"path": "feed.json", "format": "greenhouse"},
        "conversations": [
            {"id": "docker", "turns": [
                {"say": "what is docker?", "expect": {"intent": "topic", "topic": "docker"}},
                {"press": "Tell me more", "expect": {"intent": "more", "topic": "docker"}},
            ]},
            {"id": "jobs", "turns": [
                {"say": "/jobs", "expect": {"intent": "openings",
                                            "openings_include_any": ["4012345", "4012346"]}},
                {"say": "hello", "expect": {"intent": "thanks"}},  # wrong on purpose
            ]},
        ],
    }
    path = tmp_path / "conversations.yaml"
    path.write_text(json.dumps(conversations))  # JSON is YAML
    res = run("eval", "--json", str(path), env={"HOME": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["turn_accuracy"] == 0.75
    assert (report["conversations_passed"], report["conversations"]) == (1, 2)
    [miss] = report["misses"]
    assert miss["conversation"] == "jobs" and miss["turn"] == 2 and miss["intent"] == "greeting"


def test_a_missing_feed_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "conversations.yaml"
    path.write_text(json.dumps({"feed": {"path": "nope.json", "format": "greenhouse"},
                                "conversations": []}))
    res = run("eval", str(path), env={"HOME": str(tmp_path)})
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and "nope.json" in res.stderr
