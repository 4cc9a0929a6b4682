"""team mode: row versions on notes and alert actions (snoozes), like overrides and checklists

Revision ID: 0010_team2
Revises: 0008_rescore
Create Date: 2026-12-06

Every hand edit carries a row version, so that a write on top of someone else's newer save
is refused as stale (``services.errors.StaleEdit``) instead of silently replacing it.
Worklist snoozes are notes; alert snoozes and acknowledgements are alert actions.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_team2"
down_revision = "0008_rescore"
branch_labels = None
depends_on = None

VERSIONED = ("notes", "alert_actions")


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
