"""profiles: several places (the one location becomes a one-element list) and years of experience

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The JSON functions differ by dialect; these are the only two storage supports.
_TO_LIST = {
    "sqlite": "CASE WHEN location IS NULL OR location = '' THEN json('[]') "
              "ELSE json_array(location) END",
    "postgresql": "CASE WHEN location IS NULL OR location = '' THEN CAST('[]' AS json) "
                  "ELSE json_build_array(location) END",
}
_FIRST = {
    "sqlite": "substr(json_extract(locations, '$[0]'), 1, 255)",
    "postgresql": "substr(locations ->> 0, 1, 255)",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Added nullable, filled, then made NOT NULL: existing rows need a value first.
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("locations", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("years", sa.Integer(), nullable=True))
    op.execute(f"UPDATE profiles SET locations = {_TO_LIST[dialect]}")
    with op.batch_alter_table("profiles") as batch:
        batch.alter_column("locations", existing_type=sa.JSON(), nullable=False)
        batch.drop_column("location")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("location", sa.String(length=255), nullable=True))
    # The first place is kept; further places and the years have no column to go back to.
    op.execute(f"UPDATE profiles SET location = {_FIRST[dialect]}")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("years")
        batch.drop_column("locations")
