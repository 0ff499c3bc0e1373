"""`careerbot feeds add|list|remove` on an SQLite file: what is stored, and bad arguments."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli.main import app
from bot.openings import Opening
from storage import open_storage
from tests.fakes.knowledge import write_small_kb
from tests.fakes.sqlite import migrated_sqlite

runner = CliRunner()


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAREERBOT_KNOWLEDGE_DIR", str(write_small_kb(tmp_path / "kb")))
    monkeypatch.setenv("DATABASE_URL", migrated_sqlite(tmp_path / "cb.sqlite3"))
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["feeds", *args])
    # Rich wraps long lines at the terminal width; compare words, not line breaks.
    return result.exit_code, " ".join(result.output.split())


def listed() -> list[dict[str, object]]:
    code, out = run("list", "--json")
    assert code == 0, out
    return list(json.loads(out))


def test_feeds_are_added_listed_and_removed() -> None:
    assert run("add", "greenhouse", "acme", "--every", "6h")[1] == (
        "added feed 1: greenhouse acme, every 6h, openings kept as greenhouse:acme; "
        "`careerbot worker` refreshes it")
    assert run("add", "lever", "Globex", "--company", "Globex Corp")[0] == 0
    code, out = run("add", "url", "https://jobs.example.org/openings.yaml", "--format", "yaml",
                    "--every", "1d")
    assert code == 0 and "added feed 3: url https://jobs.example.org/openings.yaml, every 1d;" \
        in out
    feeds = listed()
    assert [(f["id"], f["kind"], f["target"], f["format"], f["source"], f["every_seconds"])
            for f in feeds] == [
        (1, "greenhouse", "acme", None, "greenhouse:acme", 6 * 3600),
        (2, "lever", "Globex", None, "lever:globex-corp", 3600),
        (3, "url", "https://jobs.example.org/openings.yaml", "yaml", None, 86400)]
    assert set(feeds[0]) == {
        "id", "kind", "target", "format", "company", "source", "every_seconds", "enabled",
        "next_refresh_at", "last_refresh_started_at", "last_refresh_finished_at",
        "last_success_at", "last_result", "last_error", "open_openings", "closed_openings"}
    assert feeds[0]["last_success_at"] is None and feeds[0]["enabled"] is True
    code, out = run("list")
    assert code == 0 and "3 feeds" in out and "not yet" in out

    assert run("pause", "1") == (0, "paused feed 1: greenhouse acme")
    assert [f["enabled"] for f in listed()] == [False, True, True]
    assert run("resume", "1") == (0, "resumed feed 1: greenhouse acme")
    assert run("pause", "9") == (1, "there is no feed 9 (see `careerbot feeds list`)")
    assert run("remove", "2") == (0, "removed feed 2: lever Globex, 0 of its openings closed")
    assert [f["id"] for f in listed()] == [1, 3]
    assert run("remove", "2") == (1, "there is no feed 2 (see `careerbot feeds list`)")


def test_removing_a_feed_closes_its_openings_unless_told_to_keep_them(env: Path) -> None:
    run("add", "greenhouse", "acme")
    run("add", "greenhouse", "initech")

    async def seed() -> None:
        storage = await open_storage(f"sqlite:///{env / 'cb.sqlite3'}")
        async with storage.uow() as uow:
            await uow.openings.upsert_many([
                Opening(source=f"greenhouse:{board}", external_id=str(i), title="Engineer",
                        company=board, url="https://example.org/job")
                for board in ("acme", "initech") for i in range(2)])
            await uow.commit()
        await storage.aclose()

    asyncio.run(seed())
    assert [(f["open_openings"], f["closed_openings"]) for f in listed()] == [(2, 0), (2, 0)]
    assert run("remove", "1")[1] == "removed feed 1: greenhouse acme, 2 of its openings closed"
    assert run("remove", "2", "--keep-openings")[1] == "removed feed 2: greenhouse initech"
    assert run("add", "greenhouse", "initech")[0] == 0
    assert [(f["open_openings"], f["closed_openings"]) for f in listed()] == [(2, 0)]


@pytest.mark.parametrize(("args", "expected"), [
    (("url", "https://jobs.example.org/feed.json"), "a url feed needs --format: yaml, "
                                                    "greenhouse, lever"),
    (("url", "jobs.example.org/feed.json", "--format", "lever"), "expected an http(s) URL"),
    (("url", "file:///etc/passwd", "--format", "yaml"), "expected an http(s) URL"),
    (("greenhouse", "acme/../../admin"), "expected a greenhouse board name"),
    (("lever", "globex", "--format", "yaml"), "--format is for url feeds"),
    (("greenhouse", "acme", "--every", "often"), "expected a duration such as 30m, 1h"),
    (("greenhouse", "acme", "--every", "0s"), "expected between 1 second and a year"),
])
def test_bad_arguments_say_what_was_expected_and_add_nothing(
    args: tuple[str, ...], expected: str,
) -> None:
    code, out = run("add", *args)
    assert code == 2 and expected in out and "Traceback" not in out
    assert listed() == []


def test_an_unknown_kind_and_a_duplicate_are_refused() -> None:
    code, out = run("add", "workday", "acme")
    assert code == 2 and "'workday' is not one of 'greenhouse'," in out
    run("add", "greenhouse", "acme")
    assert run("add", "greenhouse", "acme") == (
        1, "not added: feed 1 is a greenhouse feed of acme already")
    # Another board under the company name that acme's openings are kept as.
    assert run("add", "greenhouse", "acme-2", "--company", "acme") == (
        1, "not added: feed 1 writes to source greenhouse:acme already")
    assert run("remove", "x")[0] == 2
