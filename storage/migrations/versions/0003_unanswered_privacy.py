"""unanswered questions: per asker (a keyed hash, never an id), no Slack ids or e-mails in text

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Stored texts are lower-case words: a Slack user id (<@U0123ABCD>) became "u0123abcd".
# Frozen here as it was when this migration was written.
_SLACK_ID = re.compile(r"\b[uwb](?=[a-z0-9]*\d)[a-z0-9]{8,}+\b")
_table = sa.table(
    "unanswered_questions",
    sa.column("id", sa.BigInteger), sa.column("asker", sa.String), sa.column("text", sa.String),
    sa.column("count", sa.Integer), sa.column("first_seen_at", sa.DateTime(timezone=True)),
    sa.column("last_seen_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    # Existing questions have no known asker: they are kept under "" (no /forget can reach
    # them, as before), counted as before, and go with the retention like any other.
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.add_column(sa.Column("asker", sa.String(length=64), nullable=True))
    op.execute(_table.update().values(asker=""))
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.alter_column("asker", existing_type=sa.String(length=64), nullable=False)
        batch.drop_constraint("uq_unanswered_questions_text", type_="unique")
        batch.create_unique_constraint("uq_unanswered_questions_asker_text", ["asker", "text"])
    _merge(lambda row: (row.asker, " ".join(_SLACK_ID.sub(" ", row.text).split())))


def downgrade() -> None:
    # One row per text again: the askers' counts are added up, the asker dropped.
    _merge(lambda row: ("", row.text))
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.drop_constraint("uq_unanswered_questions_asker_text", type_="unique")
        batch.drop_column("asker")
        batch.create_unique_constraint("uq_unanswered_questions_text", ["text"])


def _merge(key: Any) -> None:
    """Rewrite each row under key(row) = (asker, text); rows that meet are added together,
    and a text left empty goes."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(_table).order_by(_table.c.id)).all()
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        asker, text = key(row)
        if not text:
            bind.execute(_table.delete().where(_table.c.id == row.id))
            continue
        first = kept.get((asker, text))
        if first is None:
            kept[(asker, text)] = {"id": row.id, "count": row.count,
                                   "first_seen_at": row.first_seen_at,
                                   "last_seen_at": row.last_seen_at, "changed": text != row.text}
            continue
        bind.execute(_table.delete().where(_table.c.id == row.id))
        first["count"] += row.count
        first["first_seen_at"] = min(first["first_seen_at"], row.first_seen_at)
        first["last_seen_at"] = max(first["last_seen_at"], row.last_seen_at)
        first["changed"] = True
    for (asker, text), merged in kept.items():
        if merged["changed"]:
            bind.execute(_table.update().where(_table.c.id == merged["id"]).values(
                asker=asker, text=text, count=merged["count"],
                first_seen_at=merged["first_seen_at"], last_seen_at=merged["last_seen_at"]))
