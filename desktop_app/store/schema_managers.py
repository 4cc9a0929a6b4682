"""Tables of the managers' tools: renewal targets, forecast calls, alert actions, packs.

Imported at the end of ``schema.py`` so that ``Base.metadata`` (and Alembic) always sees them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.schema import Base


class RenewalTarget(Base):
    """A manager's renewal target for one CSM and calendar quarter (ARR or GRR %)."""

    __tablename__ = "renewal_targets"
    id: Mapped[int] = mapped_column(primary_key=True)
    csm_id: Mapped[int] = mapped_column(ForeignKey("csms.id", ondelete="CASCADE"))
    quarter: Mapped[str] = mapped_column(String(7))  # "2026Q4"
    kind: Mapped[str] = mapped_column(String(8))  # arr | grr
    target: Mapped[float] = mapped_column(Float)  # dollars (arr) or a fraction (grr)
    set_at: Mapped[datetime] = mapped_column(DateTime)
    set_by: Mapped[str | None] = mapped_column(String(200))
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )
    __table_args__ = (UniqueConstraint("csm_id", "quarter"),)


class ForecastCall(Base):
    """One forecast call on an account's renewal; the latest row is the call in force."""

    __tablename__ = "forecast_calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    renewal_date: Mapped[date | None] = mapped_column(Date)
    call: Mapped[str] = mapped_column(String(12))  # commit | likely | at_risk | lost
    suggested: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AlertAction(Base):
    """An acknowledgement or snooze of one alert (``alert_id`` is "<type>:<account id>")."""

    __tablename__ = "alert_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(80))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(8))  # ack | snooze
    fingerprint: Mapped[str | None] = mapped_column(String(200))  # what was acknowledged
    reason: Mapped[str | None] = mapped_column(Text)
    until: Mapped[date | None] = mapped_column(Date)
    author: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Optimistic concurrency: a stale write (someone saved since you read) matches 0 rows.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __table_args__ = (Index("ix_alert_actions_alert", "alert_id"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class OneOnOnePack(Base):
    """A one-on-one pack that was exported: what it showed, to compare the next one with."""

    __tablename__ = "oneonone_packs"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    state_json: Mapped[str] = mapped_column(Text)


class SurveyAnswer(Base):
    """One rated answer of a relationship survey, on a 0-10 scale, linked to its account."""

    __tablename__ = "survey_answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    response_key: Mapped[str] = mapped_column(String(120))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    responded_at: Mapped[date | None] = mapped_column(Date)
    question: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))  # performance | importance
    value: Mapped[float] = mapped_column(Float)
