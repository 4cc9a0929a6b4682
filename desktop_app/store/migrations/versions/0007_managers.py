"""managers: renewal targets, forecast calls, alert actions, one-on-one packs, surveys

Revision ID: 0007_managers
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_managers"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "renewal_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("csm_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["csm_id"], ["csms.id"], name="fk_renewal_targets_csm_id_csms", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name="fk_renewal_targets_batch_id_import_batches",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_renewal_targets"),
        sa.UniqueConstraint("csm_id", "quarter", name="uq_renewal_targets_csm_id"),
    )
    op.create_index("ix_renewal_targets_batch_id", "renewal_targets", ["batch_id"])
    op.create_table(
        "forecast_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("renewal_date", sa.Date(), nullable=True),
        sa.Column("call", sa.String(length=12), nullable=False),
        sa.Column("suggested", sa.String(length=12), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_forecast_calls_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_forecast_calls"),
    )
    op.create_index("ix_forecast_calls_account_id", "forecast_calls", ["account_id"])
    op.create_table(
        "alert_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.String(length=80), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_alert_actions_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_actions"),
    )
    op.create_index("ix_alert_actions_alert", "alert_actions", ["alert_id"])
    op.create_table(
        "oneonone_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_oneonone_packs"),
    )
    op.create_index("ix_oneonone_packs_owner", "oneonone_packs", ["owner"])
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("response_key", sa.String(length=120), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("responded_at", sa.Date(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name="fk_survey_answers_batch_id_import_batches",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_survey_answers_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_survey_answers"),
    )
    op.create_index("ix_survey_answers_batch_id", "survey_answers", ["batch_id"])
    op.create_index("ix_survey_answers_account_id", "survey_answers", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_survey_answers_account_id", table_name="survey_answers")
    op.drop_index("ix_survey_answers_batch_id", table_name="survey_answers")
    op.drop_table("survey_answers")
    op.drop_index("ix_oneonone_packs_owner", table_name="oneonone_packs")
    op.drop_table("oneonone_packs")
    op.drop_index("ix_alert_actions_alert", table_name="alert_actions")
    op.drop_table("alert_actions")
    op.drop_index("ix_forecast_calls_account_id", table_name="forecast_calls")
    op.drop_table("forecast_calls")
    op.drop_index("ix_renewal_targets_batch_id", table_name="renewal_targets")
    op.drop_table("renewal_targets")
