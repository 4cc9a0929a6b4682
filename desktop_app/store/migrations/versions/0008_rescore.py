"""a log of scoring runs (a rescore writes only the rows that changed)

Revision ID: 0008_rescore
Revises: 0004_perf
Create Date: 2026-12-06

Rows of ``health_scores`` and ``health_history`` that a rescore finds unchanged are left
alone, so their ``computed_at`` no longer says when the book was last scored; each run is
recorded here, with the book-wide inputs it used (which tell whether a later import may
rescore only the accounts it touched).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_rescore"
down_revision = "0004_perf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "health_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("scorecard_version_id", sa.Integer(), nullable=True),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("observed_day", sa.Date(), nullable=True),
        sa.Column("sources", sa.Text(), nullable=True),
        sa.Column("months", sa.LargeBinary(), nullable=True),
        sa.Column("accounts_scored", sa.Integer(), nullable=False),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scorecard_version_id"],
            ["scorecard_versions.id"],
            name=op.f("fk_health_runs_scorecard_version_id_scorecard_versions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_runs")),
    )


def downgrade() -> None:
    op.drop_table("health_runs")
