"""team mode: login roles mapped to CSMs and team leads (PostgreSQL row-level security)

Revision ID: 0006_team
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_team"
down_revision = "0003"
branch_labels = None
depends_on = None


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


def downgrade() -> None:
    op.drop_table("team_logins")
