"""DATABASE_URL forms: what hosting platforms hand out becomes an async driver URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.engine import DatabaseUrlError, default_sqlite_path, normalize_url


@pytest.mark.parametrize(("raw", "expected"), [
    ("postgres://bob:s3cret@db.example:5433/careers",
     "postgresql+asyncpg://bob:s3cret@db.example:5433/careers"),
    ("postgresql://bob@db.example/careers", "postgresql+asyncpg://bob@db.example/careers"),
    ("postgresql+asyncpg://bob@db.example/careers", "postgresql+asyncpg://bob@db.example/careers"),
    ("postgresql+psycopg://bob@db.example/careers", "postgresql+psycopg://bob@db.example/careers"),
    ("postgresql+psycopg2://bob@db.example/careers", "postgresql+asyncpg://bob@db.example/careers"),
    ("postgres://u@h/db?sslmode=require", "postgresql+asyncpg://u@h/db?ssl=require"),
    ("sqlite:///relative/bot.db", "sqlite+aiosqlite:///relative/bot.db"),
    ("sqlite:////var/lib/bot.db", "sqlite+aiosqlite:////var/lib/bot.db"),
    ("sqlite+aiosqlite:///bot.db", "sqlite+aiosqlite:///bot.db"),
    ("sqlite://", "sqlite+aiosqlite://"),
    ("  sqlite:///padded.db  ", "sqlite+aiosqlite:///padded.db"),
])
def test_url_forms(raw: str, expected: str) -> None:
    assert normalize_url(raw).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_default_is_an_sqlite_file_in_the_user_data_dir(raw: str | None) -> None:
    url = normalize_url(raw)
    assert url.drivername == "sqlite+aiosqlite"
    assert Path(str(url.database)) == default_sqlite_path()
    assert "careerbot" in str(default_sqlite_path())


@pytest.mark.parametrize(("raw", "mentions"), [
    ("mysql://u:p@h/db", "mysql"),
    ("not a url", "DATABASE_URL"),
    ("postgresql://user:hunter2@host", "no database"),
    ("postgresql+pg8000://u@h/db", "pg8000"),
    ("sqlite+pysqlcipher:///x.db", "pysqlcipher"),
    ("::::", "DATABASE_URL"),
])
def test_malformed_urls_are_one_line_naming_database_url(raw: str, mentions: str) -> None:
    with pytest.raises(DatabaseUrlError) as info:
        normalize_url(raw)
    message = str(info.value)
    assert "DATABASE_URL" in message
    assert mentions in message
    assert "\n" not in message
    assert "hunter2" not in message


def test_password_never_echoed_from_unparseable_url() -> None:
    with pytest.raises(DatabaseUrlError) as info:
        normalize_url("postgres://admin:topsecret@@host:port:x/db")
    assert "topsecret" not in str(info.value)
