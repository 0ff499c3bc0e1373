"""`careerbot chat --json --user`: one JSON object per input line, buttons pressed by label,
state kept per user in DATABASE_URL across processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.cli import FORKING_CLI
from tests.fakes.feeds import SAMPLE_JOBS, write_greenhouse

pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[4]
KEYS = {"intent", "topic", "confidence", "text", "suggestions", "buttons", "openings", "profile"}
PROFILE_KEYS = {"skills", "level", "remote", "locations", "years"}
FIXTURE_FEED = ROOT / "tests" / "fixtures" / "greenhouse_jobs.json"


def careerbot(tmp_path: Path, *args: str, stdin: str | None = None
              ) -> subprocess.CompletedProcess[str]:
    # The shipped knowledge base: its skills and seed openings are what a fresh database gets.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "HOME": str(tmp_path)}
    env.pop("CAREERBOT_KNOWLEDGE_DIR", None)
    # A process of its own, forked from one that has imported the CLI (tests/fakes/cli.py).
    return FORKING_CLI.run(args, stdin=stdin, env=env, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def imported_feed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database the checked-in Greenhouse feed was imported into, with no `db upgrade` first
    (the import makes the schema); tests take a copy of their own, so it is imported once."""
    base = tmp_path_factory.mktemp("imported")
    imported = careerbot(base, "openings", "import", str(FIXTURE_FEED), "--format", "greenhouse")
    assert imported.returncode == 0, imported.stderr
    return base / "bot.db"


def copy_database(db: Path, tmp_path: Path) -> None:
    for part in db.parent.glob(db.name + "*"):  # with any WAL files; copy2 keeps the 0600 mode
        shutil.copy2(part, tmp_path / part.name.replace(db.name, "bot.db", 1))


def chat(tmp_path: Path, user: str, *lines: str) -> list[dict[str, Any]]:
    done = careerbot(tmp_path, "chat", "--json", "--user", user,
                     stdin="".join(line + "\n" for line in lines))
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(lines), done.stdout
    for turn in out:
        assert set(turn) == KEYS and set(turn["profile"]) == PROFILE_KEYS
    return out


def test_each_line_is_one_turn_whatever_it_holds(tmp_path: Path) -> None:
    lines = ["hello", '{"text": "what is docker?"}', '{"garbled', "", "🙂 <b>*hi*</b> \u202e",
             "x" * 20_000]
    out = chat(tmp_path, "a", *lines)
    assert out[0]["intent"] == "greeting"
    assert out[1]["intent"] == "topic" and out[1]["topic"] == "docker"
    assert all(isinstance(turn["text"], str) for turn in out)


def test_press_a_button_of_the_previous_turn_by_label(tmp_path: Path) -> None:
    first, pressed = chat(tmp_path, "b", "what is docker?", '{"press": "Tell me more"}')
    assert "Tell me more" in first["buttons"]
    assert pressed["intent"] == "more" and pressed["topic"] == "docker"


def test_profile_persists_per_user_between_processes(tmp_path: Path) -> None:
    [told] = chat(tmp_path, "c", "I know Python and Docker and want remote work")
    assert told["profile"]["skills"] == ["Python", "Docker"]
    assert told["profile"]["remote"] == "yes"
    [later] = chat(tmp_path, "c", "hi")
    assert later["profile"]["skills"] == ["Python", "Docker"]
    [other] = chat(tmp_path, "d", "hi")
    assert other["profile"] == {"skills": [], "level": None, "remote": None, "locations": [],
                                "years": None}


def test_openings_name_their_feed_record(tmp_path: Path) -> None:
    [shown] = chat(tmp_path, "e", "/jobs")
    assert shown["intent"] == "openings" and shown["openings"]
    for card in shown["openings"]:
        assert card["source"] and card["external_id"] and card["title"] and card["company"]
        assert isinstance(card["matched_skills"], list)
        assert isinstance(card["missing_skills"], list)


def test_a_profile_told_in_plain_words_and_corrected_against_an_imported_feed(
        tmp_path: Path, imported_feed_db: Path) -> None:
    copy_database(imported_feed_db, tmp_path)
    told, jobs, corrected, jobs_again, more, undone = chat(
        tmp_path, "g",
        "I know Java and Docker, based in Munich",
        "/jobs",
        "/profile I meant remote or Berlin, not Munich",
        "/jobs",
        "/profile 6 yrs, I don't do docker anymore",
        '{"press": "Undo"}')
    assert told["intent"] == "profile" and "Undo" in told["buttons"]
    assert told["profile"] == {"skills": ["Java", "Docker"], "level": None, "remote": "any",
                               "locations": ["Munich"], "years": None}
    # The Berlin opening (hybrid, Java and Docker) is neither in Munich nor remote.
    assert "4012346" not in [o["external_id"] for o in jobs["openings"]]
    assert corrected["profile"]["remote"] == "yes"
    assert corrected["profile"]["locations"] == ["Berlin"]
    assert "4012346" in [o["external_id"] for o in jobs_again["openings"]]
    # Years without a level suggest one.
    assert more["profile"] == {"skills": ["Java"], "level": "senior", "remote": "yes",
                               "locations": ["Berlin"], "years": 6}
    assert undone["intent"] == "profile" and "Undone" in undone["text"]
    assert undone["profile"] == corrected["profile"]


def test_questions_about_an_imported_opening_shown(tmp_path: Path) -> None:
    feed = write_greenhouse(tmp_path / "feed.json", SAMPLE_JOBS)
    assert careerbot(tmp_path, "db", "upgrade").returncode == 0
    imported = careerbot(tmp_path, "openings", "import", str(feed), "--format", "greenhouse")
    assert imported.returncode == 0, imported.stderr
    _, listed, second, missing, learn = chat(
        tmp_path, "f", "/profile skills python", "python jobs",
        '{"text": "is the second one remote?"}', "what am I missing for it?",
        '{"press": "Learn Django"}')
    assert listed["intent"] == "openings"
    assert [o["external_id"] for o in listed["openings"]][:2] == ["7004", "7002"]
    assert listed["openings"][1]["missing_skills"] == ["Django", "PostgreSQL"]
    assert second["intent"] == "opening" and second["openings"] == []
    assert "Mid-level Python Developer at Tidemark" in second["text"]
    assert "No, it's on-site, Berlin, Germany." in second["text"]
    assert missing["intent"] == "opening" and "To learn: Django, PostgreSQL." in missing["text"]
    assert "Fits you: Python." in missing["text"]
    assert missing["buttons"][:2] == ["Learn Django", "Learn PostgreSQL"]
    assert learn["intent"] == "topic" and learn["topic"] == "python"
    assert missing["profile"]["skills"] == ["Python"]


def test_plain_profile_statements_between_a_topic_and_a_request_are_echoed(
        tmp_path: Path, imported_feed_db: Path) -> None:
    copy_database(imported_feed_db, tmp_path)
    topic, level, where, asked = chat(
        tmp_path, "h", "what is docker?", "I'm mid level, 5 yrs java and docker",
        "open to remote or Berlin", "I'm a java and kotlin dev in berlin, anything for me?")
    assert topic["intent"] == "topic"
    assert level["intent"] == "profile"
    assert level["profile"] == {"skills": ["Java", "Docker"], "level": "mid", "remote": "any",
                                "locations": [], "years": 5}
    assert where["intent"] == "profile"
    assert where["profile"] == {**level["profile"], "remote": "yes", "locations": ["Berlin"]}
    # Who one is, and a request: the profile is saved and the openings for it are shown.
    assert asked["intent"] == "openings" and "Undo" in asked["buttons"]
    assert "4012346" in [o["external_id"] for o in asked["openings"]]
    assert asked["profile"] == {**where["profile"], "skills": ["Java", "Docker", "Kotlin"]}
