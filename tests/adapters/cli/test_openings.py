"""`careerbot openings import`, `careerbot jobs --json` and `db upgrade` seeding, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli.main import app
from tests.fakes.feeds import SAMPLE_JOBS, greenhouse_job, write_greenhouse
from tests.fakes.knowledge import topic, write_kb

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
runner = CliRunner()


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    kb = write_kb(
        tmp_path / "kb", [topic("go", title="Go"), topic("kubernetes")],
        skills=[{"name": "Go", "aliases": ["golang"], "topic": "go"},
                {"name": "Python"}, {"name": "PostgreSQL", "aliases": ["postgres"]},
                {"name": "Kubernetes", "topic": "kubernetes"}, {"name": "Docker"},
                {"name": "Kafka"}, {"name": "Java"}],
        openings=[{"external_id": "seed-1", "title": "Go Developer", "company": "Seedco",
                   "url": "https://example.org/seed-1", "skills": ["Go"], "remote": "yes"}],
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAREERBOT_KNOWLEDGE_DIR", str(kb))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cb.sqlite3'}")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    # Rich wraps long lines at the terminal width; compare words, not line breaks.
    return result.exit_code, " ".join(result.output.split())


def jobs(*args: str) -> list[dict[str, object]]:
    code, out = run("jobs", "--json", *args)
    assert code == 0, out
    return list(json.loads(out))


def test_import_twice_is_idempotent_and_reports_bad_records() -> None:
    code, out = run("openings", "import", str(FIXTURES / "greenhouse_jobs.json"),
                    "--format", "greenhouse")
    assert code == 0, out
    assert "4 of 6 records imported (4 new, 0 changed), 0 closed, 2 malformed" in out
    assert "record 3 (id 4012348): missing 'title'" in out
    code, out = run("openings", "import", str(FIXTURES / "greenhouse_jobs.json"),
                    "--format", "greenhouse")
    assert "(0 new, 0 changed), 0 closed" in out
    assert run("openings", "import", str(FIXTURES / "greenhouse_jobs.json"), "--format",
               "greenhouse", "--strict")[0] == 1


def test_jobs_json_ranks_with_filters() -> None:
    run("openings", "import", str(FIXTURES / "greenhouse_jobs.json"), "--format", "greenhouse")
    run("openings", "import", str(FIXTURES / "lever_postings.json"), "--format", "lever")
    rows = jobs("--skills", "golang,kubernetes", "--remote", "--limit", "5")
    assert rows and all(r["remote"] == "yes" for r in rows)
    assert set(rows[0]) >= {"source", "external_id", "title", "company", "url", "score",
                            "matched_skills", "missing_skills", "level", "remote"}
    assert all(set(r["matched_skills"]) & {"Go", "Kubernetes"} for r in rows)  # type: ignore[arg-type]
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    senior = jobs("--skills", "python", "--level", "senior")
    assert {r["title"] for r in senior} == {"Senior Backend Engineer, Payments",
                                            "Senior Python Developer"}
    berlin = jobs("--skills", "docker", "--location", "Berlin")
    assert [r["external_id"] for r in berlin] == ["4012346"]
    assert run("jobs", "--level", "wizard")[0] == 2


def test_jobs_level_keeps_openings_that_state_no_level_after_the_exact_ones(env: Path) -> None:
    feed = write_greenhouse(env / "feed.json", SAMPLE_JOBS)
    assert run("openings", "import", str(feed), "--format", "greenhouse")[0] == 0
    everything = {r["external_id"]: r for r in jobs("--skills", "python")}
    assert everything["7004"]["level"] == "senior" and everything["7003"]["level"] is None
    mid = jobs("--skills", "python", "--level", "mid")
    # Quaystone's title states no level: kept, after the mid one although it scores higher.
    assert [r["external_id"] for r in mid] == ["7002", "7003"]
    assert mid[1]["score"] > mid[0]["score"]  # type: ignore[operator]
    assert [r["external_id"] for r in jobs("--level", "senior", "--skills", "python")] == [
        "7004", "7003"]


def test_a_feed_that_drops_an_opening_closes_it(env: Path) -> None:
    run("openings", "import", str(FIXTURES / "greenhouse_jobs.json"), "--format", "greenhouse")
    data = json.loads((FIXTURES / "greenhouse_jobs.json").read_text())
    data["jobs"] = [j for j in data["jobs"] if j.get("id") != 4012350]
    smaller = env / "smaller.json"
    smaller.write_text(json.dumps(data))
    code, out = run("openings", "import", str(smaller), "--format", "greenhouse")
    assert code == 0 and "1 closed" in out
    assert "4012350" not in {r["external_id"] for r in jobs("--skills", "postgres")}


def test_malformed_file_imports_nothing(env: Path) -> None:
    bad = env / "bad.json"
    bad.write_text('{"jobs": [{"id": 1,')
    code, out = run("openings", "import", str(bad), "--format", "greenhouse")
    assert code == 1 and "nothing imported" in out and "not JSON" in out
    assert run("openings", "import", str(env / "missing.json"), "--format", "lever")[0] == 1


def test_db_upgrade_seeds_once_and_never_over_imports() -> None:
    code, out = run("db", "upgrade")
    assert code == 0 and "added 1 seed openings" in out
    assert [r["external_id"] for r in jobs("--skills", "go")] == ["seed-1"]
    code, out = run("db", "upgrade")
    assert code == 0 and "added" not in out


EVIL_TITLE = ("[bold red]Hacker[/] \x1b[2J\x1b[H Backend "
              "\x1b]8;;https://evil.example\x1b\\Python\x1b]8;;\x1b\\ Dev\x07")


def test_feed_markup_and_escape_sequences_never_reach_the_terminal(env: Path) -> None:
    jobs_ = [greenhouse_job(1, EVIL_TITLE, "Acme", "Berlin", "<p>Python</p>"),
             greenhouse_job(2, "Python Engineer", "Acme", "Berlin", "<p>Python</p>")]
    jobs_[1]["id"] = "[/]"
    jobs_.append({"id": "[/red][link=https://evil.example]x", "title": ""})
    feed = write_greenhouse(env / "feed.json", jobs_)
    code, out = run("openings", "import", str(feed), "--format", "greenhouse")
    # The record id "[/]" used to raise a MarkupError that failed the whole import.
    assert code == 0, out
    assert "2 of 3 records imported" in out
    assert "record 2 (id [/red][link=https://evil.example]x): missing 'title'" in out
    result = runner.invoke(app, ["jobs", "--skills", "python"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    table = result.output
    assert "\x1b" not in table and "\x07" not in table
    assert "[bold red]Hacker[/]" in " ".join(table.split())  # shown as typed, not applied
    assert "[/]" in table


def test_deeply_nested_or_huge_json_is_refused_naming_the_feed(env: Path) -> None:
    nested = env / "nested.json"
    nested.write_text('{"jobs": [' + "[" * 100_000 + "]" * 100_000 + "]}")
    code, out = run("openings", "import", str(nested), "--format", "greenhouse")
    assert code == 1 and f"nothing imported from {nested}" in out and "nested more than" in out
    assert "Traceback" not in out
    shallow = env / "shallow.json"
    shallow.write_text('{"jobs": [' + "[" * 40 + "]" * 40 + "]}")
    code, out = run("openings", "import", str(shallow), "--format", "greenhouse")
    assert code == 1 and "nested more than 32 levels" in out
    huge = env / "huge.json"
    huge.write_text('{"jobs": [{"id": ' + "9" * 5000 + "}]}")
    code, out = run("openings", "import", str(huge), "--format", "greenhouse")
    assert code == 1 and "nothing imported" in out and "Traceback" not in out
