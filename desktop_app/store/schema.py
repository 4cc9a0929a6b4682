"""SQLAlchemy 2 typed schema of the local store.

Every fact row records the import batch that wrote it (``batch_id``). Money is stored as
float dollars (monthly amounts in ``mrr``), dates as ``Date``, instants as naive UTC
``DateTime``. The schema is created and upgraded only by Alembic (``store/migrations``).

Over 450 lines: one declarative class per table, kept together so that the test comparing
the migrations with the ORM reads one metadata; the managers' tables are in
``schema_managers.py``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _batch_fk() -> Mapped[int | None]:
    return mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"), index=True)


class ImportBatch(Base):
    """One import of one file (or one demo generation): the unit of rollback."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    source_profile: Mapped[str] = mapped_column(String(80))
    sheet: Mapped[str | None] = mapped_column(String(200))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_unmatched: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    as_of: Mapped[date | None] = mapped_column(Date)


class ChangeLog(Base):
    """Before-images written by an import so that the batch can be rolled back exactly."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    before_json: Mapped[str | None] = mapped_column(Text)


class FieldHistory(Base):
    """Value history for fields whose past matters (ticket status, stage, billing state...)."""

    __tablename__ = "field_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    batch_id: Mapped[int | None] = _batch_fk()
    __table_args__ = (Index("ix_field_history_entity", "entity", "entity_id"),)


class Csm(Base):
    """A customer success manager (or team lead: ``is_team_lead``)."""

    __tablename__ = "csms"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    team_lead: Mapped[str | None] = mapped_column(String(200))
    is_team_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    batch_id: Mapped[int | None] = _batch_fk()


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    sf_account_id: Mapped[str | None] = mapped_column(String(18), unique=True)
    lms_id: Mapped[str | None] = mapped_column(String(64), index=True)
    recurly_code: Mapped[str | None] = mapped_column(String(320), index=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("csms.id"), index=True)
    team_lead: Mapped[str | None] = mapped_column(String(200))
    segment: Mapped[str | None] = mapped_column(String(80))
    account_type: Mapped[str | None] = mapped_column(String(80))
    industry: Mapped[str | None] = mapped_column(String(120))
    contracted_seats: Mapped[int | None] = mapped_column(Integer)
    mrr: Mapped[float | None] = mapped_column(Float)
    arr: Mapped[float | None] = mapped_column(Float)
    renewal_date: Mapped[date | None] = mapped_column(Date)
    lifecycle: Mapped[str] = mapped_column(String(16), default="active")
    churn_date: Mapped[date | None] = mapped_column(Date)
    churn_type: Mapped[str | None] = mapped_column(String(16))
    churn_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime | None] = mapped_column(DateTime)
    batch_id: Mapped[int | None] = _batch_fk()


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    sf_contact_id: Mapped[str | None] = mapped_column(String(18), unique=True)
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(String(200))
    is_main_poc: Mapped[bool] = mapped_column(Boolean, default=False)
    last_replied: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(40))  # active | on leave | terminated
    batch_id: Mapped[int | None] = _batch_fk()


class Subscription(Base):
    """Billing subscriptions with their history (one row per subscription, ended ones too)."""

    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    billing_account_code: Mapped[str] = mapped_column(String(320), index=True)
    plan_code: Mapped[str | None] = mapped_column(String(120))
    plan_name: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))  # active | canceled | expired | future
    quantity: Mapped[int | None] = mapped_column(Integer)
    unit_amount: Mapped[float | None] = mapped_column(Float)
    mrr: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[date | None] = mapped_column(Date)
    current_period_ends_at: Mapped[date | None] = mapped_column(Date)
    canceled_at: Mapped[date | None] = mapped_column(Date)
    ended_at: Mapped[date | None] = mapped_column(Date)
    batch_id: Mapped[int | None] = _batch_fk()


class UsageMonth(Base):
    """Product usage of one account in one calendar month (``month`` is the 1st)."""

    __tablename__ = "usage_monthly"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)
    mau: Mapped[int | None] = mapped_column(Integer)
    active_users: Mapped[int | None] = mapped_column(Integer)
    inactive_users: Mapped[int | None] = mapped_column(Integer)
    terminated_users: Mapped[int | None] = mapped_column(Integer)
    licensed_seats: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)  # members / employees served
    cred_providers_active: Mapped[int | None] = mapped_column(Integer)
    cred_providers_contracted: Mapped[int | None] = mapped_column(Integer)
    module_usage_pct: Mapped[float | None] = mapped_column(Float)  # Learning & Compliance
    batch_id: Mapped[int | None] = _batch_fk()
    __table_args__ = (
        UniqueConstraint("account_id", "month"),
        Index("ix_usage_monthly_month_cover", "month", "account_id", "mau", "licensed_seats"),
    )


class Opportunity(Base):
    __tablename__ = "opportunities"
    id: Mapped[int] = mapped_column(primary_key=True)
    sf_opportunity_id: Mapped[str | None] = mapped_column(String(18), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))  # renewal | upsell | new
    stage: Mapped[str | None] = mapped_column(String(80))
    amount: Mapped[float | None] = mapped_column(Float)
    close_date: Mapped[date | None] = mapped_column(Date)
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    is_won: Mapped[bool] = mapped_column(Boolean, default=False)
    rsm: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str | None] = mapped_column(String(120))
    batch_id: Mapped[int | None] = _batch_fk()


class Ticket(Base):
    """A support ticket or case from Jira, Salesforce Cases or Zendesk."""

    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # jira | salesforce | zendesk
    key: Mapped[str] = mapped_column(String(60))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str | None] = mapped_column(String(500))
    category: Mapped[str | None] = mapped_column(String(40))  # support|integration|course...
    status: Mapped[str | None] = mapped_column(String(60))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    waiting_on: Mapped[str | None] = mapped_column(String(20))  # us | customer
    priority: Mapped[str | None] = mapped_column(String(40))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    assignee: Mapped[str | None] = mapped_column(String(200))
    reporter: Mapped[str | None] = mapped_column(String(200))
    is_escalation: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[int | None] = _batch_fk()
    __table_args__ = (UniqueConstraint("source", "key"),)


class NpsResponse(Base):
    __tablename__ = "nps_responses"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    response_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    contact_email: Mapped[str | None] = mapped_column(String(320))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[date] = mapped_column(Date)
    batch_id: Mapped[int | None] = _batch_fk()


class BillingState(Base):
    """Billing standing of an account as of a date; kept as history."""

    __tablename__ = "billing_states"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    as_of: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))  # current | past_due
    days_past_due: Mapped[int] = mapped_column(Integer, default=0)
    balance_due: Mapped[float | None] = mapped_column(Float)
    batch_id: Mapped[int | None] = _batch_fk()
    __table_args__ = (UniqueConstraint("account_id", "as_of"),)


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)
    author: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="note")  # note|call|email|meeting
    body: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[int | None] = _batch_fk()
    # Optimistic concurrency (worklist snoozes are notes): a stale write matches 0 rows.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ScorecardVersion(Base):
    __tablename__ = "scorecard_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    definition_json: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)


class HealthScore(Base):
    """The latest computed health of each account (rebuilt by scoring)."""

    __tablename__ = "health_scores"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(20))
    band_reason: Mapped[str | None] = mapped_column(Text)  # the rule and its evidence
    confidence: Mapped[int] = mapped_column(Integer, default=0)  # measures it rests on
    measures_json: Mapped[str | None] = mapped_column(Text)  # rows written before 0004_perf
    #: float64 (4, measures): raw, points, weight %, contribution per ``HealthMeasureSet``
    #: measure (NaN: none); ~0.6 KB a row where the JSON breakdown took ~2 KB.
    measures: Mapped[bytes | None] = mapped_column(LargeBinary)
    organic: Mapped[bool | None] = mapped_column(Boolean)
    scorecard_version_id: Mapped[int | None] = mapped_column(ForeignKey("scorecard_versions.id"))
    as_of: Mapped[date | None] = mapped_column(Date)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # (No index besides the key: ``0013_score_index`` dropped the one no reader used.)


class HealthHistory(Base):
    """An account's health at the end of each month, compact: one row per account.

    Each column holds one array for every month of the book's history (little-endian):
    ``months`` int32 day numbers (days since 1970-01-01) of the 1st of each month, ``scores``
    float32 (NaN: not scored), ``bands`` int8 band codes (``BAND_CODE``, -1: no band),
    ``confidence`` int16, and ``contributions`` float32 of the last two months, measure by
    measure in ``HealthHistoryMeasures`` order (for "what changed since last month").
    Written by scoring as one row per account (100k rows, not 2.4M).
    """

    __tablename__ = "health_history"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    scorecard_version_id: Mapped[int | None] = mapped_column(ForeignKey("scorecard_versions.id"))
    months: Mapped[bytes] = mapped_column(LargeBinary)
    scores: Mapped[bytes] = mapped_column(LargeBinary)
    bands: Mapped[bytes] = mapped_column(LargeBinary)
    confidence: Mapped[bytes] = mapped_column(LargeBinary)
    contributions: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The row's own measure ids (JSON list) when they are not its version's measure set.
    measure_ids_json: Mapped[str | None] = mapped_column(Text)
    #: Key of the inputs its months before the last were scored from
    #: (``domain.history_keys``); NULL: unknown (they are scored again).
    inputs_key: Mapped[int | None] = mapped_column(BigInteger)


class HealthMeasureSet(Base):
    """The measures (ids and labels, in order) a scorecard version scored with: what the
    arrays in ``HealthScore.measures`` and ``HealthHistory.contributions`` refer to."""

    __tablename__ = "health_measure_sets"
    scorecard_version_id: Mapped[int] = mapped_column(
        ForeignKey("scorecard_versions.id", ondelete="CASCADE"), primary_key=True
    )
    measure_ids_json: Mapped[str] = mapped_column(Text)
    labels_json: Mapped[str] = mapped_column(Text)


class HealthRun(Base):
    """One scoring run: the whole book, or some accounts after an edit or an import.

    A rescore leaves unchanged rows of ``health_scores`` and ``health_history`` alone (their
    ``computed_at`` is when they last changed), so the freshness of the scores is read here.
    The book-wide inputs a run scored with (``observed_day``, ``sources``, the history's
    months) tell whether a rescore of a few accounts can follow it.
    """

    __tablename__ = "health_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # book | accounts
    as_of: Mapped[date] = mapped_column(Date)
    scorecard_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("scorecard_versions.id", ondelete="SET NULL")
    )
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    observed_day: Mapped[date | None] = mapped_column(Date)
    sources: Mapped[str | None] = mapped_column(Text)  # sorted keys, comma-separated
    months: Mapped[bytes | None] = mapped_column(LargeBinary)  # int32 day numbers
    accounts_scored: Mapped[int] = mapped_column(Integer, default=0)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)


class HealthOverride(Base):
    """A band set by a person; the computed score stays visible beside it."""

    __tablename__ = "health_overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    band: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_on: Mapped[date | None] = mapped_column(Date)
    computed_score_at_set: Mapped[float | None] = mapped_column(Float)
    computed_band_at_set: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime)
    cleared_by: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Transition(Base):
    """A handoff of accounts from one or more CSMs to others, prepared by a team lead."""

    __tablename__ = "transitions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    team_lead: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft|done|confirmed
    created_at: Mapped[datetime] = mapped_column(DateTime)
    executed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)


class TransitionItem(Base):
    __tablename__ = "transition_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    transition_id: Mapped[int] = mapped_column(
        ForeignKey("transitions.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    from_csm_id: Mapped[int | None] = mapped_column(ForeignKey("csms.id"))
    to_csm_id: Mapped[int | None] = mapped_column(ForeignKey("csms.id"))
    scenario: Mapped[str | None] = mapped_column(String(40))
    template: Mapped[str | None] = mapped_column(String(200))
    scenario_reason: Mapped[str | None] = mapped_column(Text)
    checklist_json: Mapped[str | None] = mapped_column(Text)
    # Optimistic concurrency: every UPDATE checks and bumps it (a stale write matches 0 rows).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __table_args__ = (UniqueConstraint("transition_id", "account_id"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class OwnerHistory(Base):
    __tablename__ = "owner_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    previous_owner_id: Mapped[int | None] = mapped_column(ForeignKey("csms.id"))
    new_owner_id: Mapped[int | None] = mapped_column(ForeignKey("csms.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    team_lead: Mapped[str | None] = mapped_column(String(200))
    transition_id: Mapped[int | None] = mapped_column(
        ForeignKey("transitions.id", ondelete="SET NULL")
    )


class ImportProfile(Base):
    """A column mapping the user confirmed, re-applied when the same headers come back."""

    __tablename__ = "import_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    source_kind: Mapped[str] = mapped_column(String(40))
    header_signature: Mapped[str] = mapped_column(String(64), index=True)
    mapping_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ReviewItem(Base):
    """Rows an import could not link with certainty (fuzzy name matches, unmatched keys)."""

    __tablename__ = "review_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # unmatched | fuzzy
    row_number: Mapped[int | None] = mapped_column(Integer)
    key_value: Mapped[str | None] = mapped_column(String(300))
    candidate_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE")
    )
    payload_json: Mapped[str | None] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


class TeamLogin(Base):
    """Team mode (PostgreSQL): a login role and the CSM or team lead it stands for."""

    __tablename__ = "team_logins"
    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    csm_id: Mapped[int] = mapped_column(ForeignKey("csms.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # csm | tl


# The managers' tables live in their own module (this one is long enough); importing it here
# registers them on Base.metadata wherever the schema is used.
import desktop_app.store.schema_managers  # noqa: E402, F401
