"""admin pages: daily usage counters, the day's active people, sign-in tokens, handled gaps

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("intent", sa.String(length=32), nullable=False),
        sa.Column("topic", sa.String(length=128), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "platform", "event", "intent", "topic",
                                name=op.f("pk_usage_daily")),
    )
    op.create_table(
        "usage_people",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("person", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day", "platform", "person", name=op.f("pk_usage_people")),
    )
    op.create_table(
        "sign_in_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_sign_in_tokens")),
    )
    op.create_index(op.f("ix_sign_in_tokens_expires_at"), "sign_in_tokens", ["expires_at"])
    op.create_table(
        "gap_marks",
        sa.Column("text", sa.String(length=255), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("text", name=op.f("pk_gap_marks")),
    )


def downgrade() -> None:
    op.drop_table("gap_marks")
    op.drop_index(op.f("ix_sign_in_tokens_expires_at"), table_name="sign_in_tokens")
    op.drop_table("sign_in_tokens")
    op.drop_table("usage_people")
    op.drop_table("usage_daily")
