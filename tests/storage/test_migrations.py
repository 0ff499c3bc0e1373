"""Alembic: empty → head → base on SQLite and PostgreSQL, and the models match the migrations."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from bot.openings import Level
from storage.engine import Storage
from storage.migrate import current, downgrade, head, upgrade
from storage.models import IMPERSONAL_TABLES, PERSONAL_TABLES, TRANSIENT_TABLES, Base

pytestmark = pytest.mark.heavy

TABLES = {"users", "profiles", "conversations", "feedback", "unanswered_questions",
          "processed_events", "openings", "subscriptions", "deliveries", "inbox", "feeds",
          "usage_daily", "usage_people", "sign_in_tokens", "gap_marks"}


def table_names(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def drift(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


async def test_upgrade_from_empty_to_head_and_back(empty_url: str) -> None:
    storage = Storage.from_url(empty_url)
    try:
        async with storage.engine.connect() as conn:
            assert await conn.run_sync(table_names) == set()
        assert await current(storage.engine) is None

        await upgrade(storage.engine)
        assert await current(storage.engine) == head()
        async with storage.engine.connect() as conn:
            assert await conn.run_sync(table_names) == TABLES
            # The models and the migration chain describe the same schema.
            assert await conn.run_sync(drift) == []

        await upgrade(storage.engine)  # idempotent
        await downgrade(storage.engine, "base")
        assert await current(storage.engine) is None
        async with storage.engine.connect() as conn:
            assert await conn.run_sync(table_names) == set()

        await upgrade(storage.engine)  # and up again after a full downgrade
        async with storage.engine.connect() as conn:
            assert await conn.run_sync(table_names) == TABLES
    finally:
        await storage.aclose()


async def test_profile_places_and_years_keep_the_data_both_ways(empty_url: str) -> None:
    """0002: the one location becomes a one-element list; downgrading keeps the first place."""
    from sqlalchemy import text

    from bot.ports import Profile, RemotePreference

    storage = Storage.from_url(empty_url)
    try:
        await upgrade(storage.engine, "0001")
        async with storage.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO profiles (platform, user_id, skills, unknown_skills, level, remote, "
                "location, updated_at) VALUES "
                "('tg', 'placed', '[\"Go\"]', '[]', 'mid', 'remote', 'Berlin', '2026-11-30'), "
                "('tg', 'nowhere', '[]', '[\"cobol\"]', NULL, 'any', NULL, '2026-11-30'), "
                "('tg', 'blank', '[]', '[]', NULL, 'any', '', '2026-11-30')"))
        await upgrade(storage.engine)
        async with storage.uow() as uow:
            assert await uow.profiles.get("tg", "placed") == Profile(
                skills=("Go",), level=Level.MID, remote=RemotePreference.REMOTE,
                locations=("Berlin",))
            assert await uow.profiles.get("tg", "nowhere") == Profile(unknown_skills=("cobol",))
            assert await uow.profiles.get("tg", "blank") == Profile()
            await uow.profiles.save("tg", "several", Profile(
                skills=("Python",), locations=("Munich", "Remote EU"), years=4))
            await uow.commit()
        async with storage.engine.connect() as conn:
            assert await conn.run_sync(drift) == []

        await downgrade(storage.engine, "0001")
        async with storage.engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT user_id, location, skills FROM profiles ORDER BY user_id"))).all()
            columns = {c["name"] for c in await conn.run_sync(
                lambda c: inspect(c).get_columns("profiles"))}
        assert [(r[0], r[1]) for r in rows] == [("blank", None), ("nowhere", None),
                                                ("placed", "Berlin"), ("several", "Munich")]
        assert "Python" in str(rows[3][2])
        assert {"location"} <= columns and not {"locations", "years"} & columns

        await upgrade(storage.engine)
        async with storage.uow() as uow:
            again = await uow.profiles.get("tg", "several")
        assert again == Profile(skills=("Python",), locations=("Munich",))
    finally:
        await storage.aclose()


async def test_feedback_question_keeps_the_ratings_both_ways(empty_url: str) -> None:
    """0007: ratings from before it keep no question; downgrading drops only the questions."""
    from sqlalchemy import text

    storage = Storage.from_url(empty_url)
    try:
        await upgrade(storage.engine, "0006")
        async with storage.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO feedback (platform, user_id, topic, helpful, created_at) VALUES "
                "('tg', 'old', 'docker', false, '2026-11-30')"))
        await upgrade(storage.engine, "0007")
        async with storage.uow() as uow:
            await uow.feedback.add("tg", "new", "docker", False, question="what is docker")
            await uow.commit()
        async with storage.uow() as uow:
            found = await uow.feedback.negative_questions(["docker"], 5)
        assert [q for q, _ in found["docker"]] == ["what is docker"]

        await downgrade(storage.engine, "0006")
        async with storage.engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT user_id FROM feedback ORDER BY user_id"))).scalars().all()
            columns = {c["name"] for c in await conn.run_sync(
                lambda c: inspect(c).get_columns("feedback"))}
        assert rows == ["new", "old"] and "question" not in columns
    finally:
        await storage.aclose()


def test_every_table_is_classified_for_privacy() -> None:
    """A new table must be added to PERSONAL_TABLES (forget/describe), IMPERSONAL_TABLES or
    TRANSIENT_TABLES."""
    classified = {m.__tablename__ for m in (*PERSONAL_TABLES, *IMPERSONAL_TABLES,
                                            *TRANSIENT_TABLES)}
    assert classified == set(Base.metadata.tables) == TABLES
    for model in PERSONAL_TABLES:
        assert {"platform", "user_id"} <= set(model.__table__.c.keys()), model
    for model in IMPERSONAL_TABLES:
        assert "user_id" not in model.__table__.c, model


async def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path: Any) -> None:
    from sqlalchemy import text

    storage = Storage.from_url(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        async with storage.engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
    finally:
        await storage.aclose()


async def test_postgresql_must_be_migrated_before_the_bot_starts(
    empty_url: str, backend: str
) -> None:
    from storage.engine import DatabaseNotMigrated, open_storage

    if backend == "sqlite":
        storage = await open_storage(empty_url)  # SQLite migrates itself
        assert await current(storage.engine) == head()
        await storage.aclose()
        return
    with pytest.raises(DatabaseNotMigrated, match="careerbot db upgrade"):
        await open_storage(empty_url)
    storage = await open_storage(empty_url, migrate=True)
    await storage.aclose()
    storage = await open_storage(empty_url)  # now at head: fine
    await storage.aclose()


async def test_unreachable_postgresql_does_not_stop_start_up() -> None:
    from storage.engine import open_storage

    storage = await open_storage("postgresql://nobody@127.0.0.1:1/careers")
    await storage.aclose()


def test_the_light_head_constant_is_alembics_head() -> None:
    from storage.revision import HEAD

    assert head() == HEAD


async def test_stored_revision_is_read_without_alembic(empty_url: str) -> None:
    from storage.revision import HEAD, stored

    storage = Storage.from_url(empty_url)
    try:
        assert await stored(storage.engine) is None
        assert await storage.needs_upgrade()
        await upgrade(storage.engine)
        assert await stored(storage.engine) == HEAD
        assert not await storage.needs_upgrade()
    finally:
        await storage.aclose()


def test_processes_starting_on_one_new_sqlite_file_do_not_race(tmp_path: Any) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    code = ("import asyncio, sys; from storage.engine import open_storage\n"
            "async def main():\n"
            "    s = await open_storage(sys.argv[1]); await s.aclose()\n"
            "asyncio.run(main())\n"
            "print('alembic' in sys.modules)\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in results]
    # Once the file is migrated, a start-up never loads Alembic.
    again = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True,
                           timeout=120, check=True)
    assert again.stdout.strip() == "False"
