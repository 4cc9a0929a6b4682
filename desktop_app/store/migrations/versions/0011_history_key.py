"""the key of the inputs a stored health history was scored from

Revision ID: 0011_history_key
Revises: 0010_team2
Create Date: 2026-12-06

A rescore copies an account's past months from its stored history when they were scored
from the same inputs (``domain.history_keys``) instead of scoring them again. Existing rows
have no key: their months are scored again once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_history_key"
down_revision = "0010_team2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("health_history") as batch:
        batch.add_column(sa.Column("inputs_key", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("health_history") as batch:
        batch.drop_column("inputs_key")
