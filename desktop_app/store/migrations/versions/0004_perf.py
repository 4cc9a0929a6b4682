"""monthly health history as one compact row per account (was one row per account-month)

Revision ID: 0004_perf
Revises: 0006_team
Create Date: 2026-12-06

``health_snapshots`` held 2.4M rows at 100k accounts x 24 months; writing them took 30 s of
a 52 s rescore. ``health_history`` keeps the same months, scores, bands and confidence as
arrays in one row per account. The history is derived data: the next rescore rebuilds it
(the old rows are not converted). ``health_scores`` keeps each breakdown as a float64 array
(``measures``) beside the ids and labels of its scorecard version (``health_measure_sets``),
about 0.6 KB a row instead of ~2 KB of JSON (208 MB at 100k accounts).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_perf"
down_revision = "0006_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "health_history",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("scorecard_version_id", sa.Integer(), nullable=True),
        sa.Column("months", sa.LargeBinary(), nullable=False),
        sa.Column("scores", sa.LargeBinary(), nullable=False),
        sa.Column("bands", sa.LargeBinary(), nullable=False),
        sa.Column("confidence", sa.LargeBinary(), nullable=False),
        sa.Column("contributions", sa.LargeBinary(), nullable=True),
        sa.Column("measure_ids_json", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_health_history_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_version_id"],
            ["scorecard_versions.id"],
            name=op.f("fk_health_history_scorecard_version_id_scorecard_versions"),
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_health_history")),
    )
    op.create_table(
        "health_measure_sets",
        sa.Column("scorecard_version_id", sa.Integer(), nullable=False),
        sa.Column("measure_ids_json", sa.Text(), nullable=False),
        sa.Column("labels_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scorecard_version_id"],
            ["scorecard_versions.id"],
            name=op.f("fk_health_measure_sets_scorecard_version_id_scorecard_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scorecard_version_id", name=op.f("pk_health_measure_sets")),
    )
    with op.batch_alter_table("health_scores") as batch:
        batch.add_column(sa.Column("measures", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("organic", sa.Boolean(), nullable=True))
    op.drop_table("health_snapshots")


def downgrade() -> None:
    op.create_table(
        "health_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=20), nullable=True),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("measures_json", sa.Text(), nullable=True),
        sa.Column("scorecard_version_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_health_snapshots_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_version_id"],
            ["scorecard_versions.id"],
            name=op.f("fk_health_snapshots_scorecard_version_id_scorecard_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_snapshots")),
        sa.UniqueConstraint("account_id", "month", name=op.f("uq_health_snapshots_account_id")),
    )
    with op.batch_alter_table("health_scores") as batch:
        batch.drop_column("organic")
        batch.drop_column("measures")
    op.drop_table("health_measure_sets")
    op.drop_table("health_history")
