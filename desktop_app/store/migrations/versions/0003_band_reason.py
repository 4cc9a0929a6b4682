"""health scores keep the reason for their band (the rule and its evidence)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("health_scores") as batch:
        batch.add_column(sa.Column("band_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("health_scores") as batch:
        batch.drop_column("band_reason")
