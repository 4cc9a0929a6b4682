"""team mode: login roles mapped to CSMs and team leads; row versions on hand edits

Revision ID: 0006_team
Revises: 0007_managers
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_team"
down_revision = "0007_managers"
branch_labels = None
depends_on = None

#: Rows people edit by hand: a stale write (someone saved since you read) is refused.
VERSIONED = ("health_overrides", "transition_items")


def upgrade() -> None:
    op.create_table(
        "team_logins",
        sa.Column("login", sa.String(length=63), nullable=False),
        sa.Column("csm_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["csm_id"], ["csms.id"], name=op.f("fk_team_logins_csm_id_csms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_team_logins")),
    )
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
    op.drop_table("team_logins")
