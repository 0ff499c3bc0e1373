"""openings_employment: the terms an ad states (contract, part-time), read from its description

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows stored before it get theirs at the next import (a changed column is an update).
    with op.batch_alter_table("openings") as batch:
        batch.add_column(sa.Column("employment", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("openings") as batch:
        batch.drop_column("employment")
