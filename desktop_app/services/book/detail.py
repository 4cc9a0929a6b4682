"""Everything the account detail pane shows about one account, as plain dataclasses.

``load_detail`` runs one small query per fact table (all by indexed ``account_id``) in one
session; the pane formats, it never queries. ``latest_nps`` feeds the scatter's NPS axis.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from desktop_app.services.book.detail_rows import (
    ActiveOverride,
    BillingRow,
    ContactRow,
    MeasureRow,
    NoteRow,
    NpsRow,
    OpportunityRow,
    OwnerChange,
    ProvenanceRow,
    SnapshotRow,
    TicketRow,
    contact_row,
    ticket_row,
)
from desktop_app.services.errors import UserError
from desktop_app.store.engine import Store
from desktop_app.store.health_history_reader import read_history
from desktop_app.store.health_repo import stored_measures_json
from desktop_app.store.schema import (
    Account,
    BillingState,
    Contact,
    Csm,
    HealthOverride,
    HealthScore,
    ImportBatch,
    Note,
    NpsResponse,
    Opportunity,
    OwnerHistory,
    Ticket,
    UsageMonth,
)

USAGE_MONTHS = 24


@dataclass(frozen=True)
class DetailHeader:
    """Identity, money, renewal and health of the account in one place."""

    account_id: int
    name: str
    sf_account_id: str | None
    lms_id: str | None
    recurly_id: str | None
    owner: str | None
    team_lead: str | None
    segment: str | None
    industry: str | None
    lifecycle: str
    churn_type: str | None
    churn_reason: str | None
    churn_date: date | None
    arr: float | None
    mrr: float | None
    seats: int | None
    renewal_date: date | None
    days_to_renewal: int | None
    score: float | None
    computed_band: str | None
    band: str | None  # in force: the override if any, else the computed band
    confidence: int | None
    override: ActiveOverride | None
    trend: str | None  # "↑" "↓" "→" when there are at least two monthly snapshots


@dataclass(frozen=True)
class UsageSeries:
    """The last 24 months of usage (months as the 1st of each month; NaN where unknown)."""

    months: list[date]
    mau: npt.NDArray[np.float64]
    seats: npt.NDArray[np.float64]


@dataclass(frozen=True)
class AccountDetail:
    header: DetailHeader
    usage: UsageSeries
    breakdown: list[MeasureRow]
    snapshots: list[SnapshotRow]
    contacts: list[ContactRow]
    tickets: list[TicketRow]  # open tickets, oldest first
    opportunities: list[OpportunityRow]
    nps: list[NpsRow]  # newest first
    billing: BillingRow | None  # latest state
    billing_history: list[BillingRow]
    notes: list[NoteRow]  # newest first
    owner_history: list[OwnerChange]
    provenance: list[ProvenanceRow]
    as_of: date


def load_detail(store: Store, account_id: int, today: date | None = None) -> AccountDetail:
    """Load the whole story of one account; raises ``UserError`` if it does not exist."""
    as_of = today or date.today()
    with store.sessions() as session:
        acc = session.get(Account, account_id)
        if acc is None:
            raise UserError(f"No account with id {account_id}.")
        snapshots = _snapshots(session, account_id)
        header = _header(session, acc, as_of, snapshots)
        return AccountDetail(
            header=header,
            usage=_usage(session, account_id, as_of),
            breakdown=_breakdown(session, account_id),
            snapshots=snapshots,
            contacts=_contacts(session, account_id, as_of),
            tickets=_tickets(session, account_id, as_of),
            opportunities=_opportunities(session, account_id),
            nps=_nps(session, account_id),
            billing=_billing_latest(session, account_id),
            billing_history=_billing(session, account_id),
            notes=_notes(session, account_id),
            owner_history=_owner_history(session, account_id),
            provenance=_provenance(session, account_id, acc.batch_id),
            as_of=as_of,
        )


# --------------------------------------------------------------------------- header


def _header(
    session: Session, acc: Account, as_of: date, snapshots: list[SnapshotRow]
) -> DetailHeader:
    owner = session.get(Csm, acc.owner_id) if acc.owner_id is not None else None
    score = session.get(HealthScore, acc.id)
    ov = session.execute(
        select(HealthOverride)
        .where(HealthOverride.account_id == acc.id, HealthOverride.is_active.is_(True))
        .order_by(HealthOverride.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    override = None
    if ov is not None:
        override = ActiveOverride(
            ov.band,
            ov.reason_code,
            ov.note,
            ov.author,
            ov.created_at,
            ov.expires_on,
            ov.needs_review,
        )
    computed = score.band if score is not None else None
    days = (acc.renewal_date - as_of).days if acc.renewal_date is not None else None
    return DetailHeader(
        account_id=acc.id,
        name=acc.name,
        sf_account_id=acc.sf_account_id,
        lms_id=acc.lms_id,
        recurly_id=acc.recurly_code,
        owner=owner.full_name if owner is not None else None,
        team_lead=acc.team_lead or (owner.team_lead if owner is not None else None),
        segment=acc.segment,
        industry=acc.industry,
        lifecycle=acc.lifecycle,
        churn_type=acc.churn_type,
        churn_reason=acc.churn_reason,
        churn_date=acc.churn_date,
        arr=acc.arr,
        mrr=acc.mrr,
        seats=acc.contracted_seats,
        renewal_date=acc.renewal_date,
        days_to_renewal=days,
        score=score.score if score is not None else None,
        computed_band=computed,
        band=override.band if override is not None else computed,
        confidence=score.confidence if score is not None else None,
        override=override,
        trend=_trend(snapshots),
    )


def _trend(snapshots: list[SnapshotRow]) -> str | None:
    scored = [s.score for s in snapshots if s.score is not None]
    if len(scored) < 2:
        return None
    delta = scored[-1] - scored[-2]
    if delta >= 3:
        return "↑"
    if delta <= -3:
        return "↓"
    return "→"


def _snapshots(session: Session, account_id: int) -> list[SnapshotRow]:
    stored = read_history(session.connection(), account_id)
    if stored is None:
        return []
    return [
        SnapshotRow(m, s, b)
        for m, s, b in zip(stored.months, stored.scores, stored.bands, strict=True)
    ]


def _breakdown(session: Session, account_id: int) -> list[MeasureRow]:
    return parse_measures(stored_measures_json(session.connection(), account_id))


def parse_measures(text: str | None) -> list[MeasureRow]:
    """Measure rows from a ``measures_json`` text; tolerant of the flat {id: contribution} form."""
    if not text:
        return []
    data: Any = json.loads(text)
    measures = data.get("measures", data) if isinstance(data, dict) else {}
    out = []
    for mid, m in measures.items():
        if isinstance(m, dict):
            out.append(
                MeasureRow(
                    mid,
                    str(m.get("label") or mid),
                    m.get("raw"),
                    m.get("points"),
                    m.get("weight"),
                    m.get("contribution"),
                )
            )
        elif isinstance(m, int | float):
            out.append(MeasureRow(mid, mid, None, None, None, float(m)))
    return out


# --------------------------------------------------------------------------- facts


def _month_start(d: date, back: int) -> date:
    m = d.year * 12 + d.month - 1 - back
    return date(m // 12, m % 12 + 1, 1)


def _usage(session: Session, account_id: int, as_of: date) -> UsageSeries:
    months = [_month_start(as_of, k) for k in range(USAGE_MONTHS - 1, -1, -1)]
    pos = {m: i for i, m in enumerate(months)}
    mau = np.full(USAGE_MONTHS, np.nan)
    seats = np.full(USAGE_MONTHS, np.nan)
    rows = session.execute(
        select(UsageMonth.month, UsageMonth.mau, UsageMonth.licensed_seats).where(
            UsageMonth.account_id == account_id, UsageMonth.month >= months[0]
        )
    ).all()
    for month, m, s in rows:
        i = pos.get(month.replace(day=1))
        if i is not None:
            mau[i] = np.nan if m is None else float(m)
            seats[i] = np.nan if s is None else float(s)
    return UsageSeries(months, mau, seats)


def _contacts(session: Session, account_id: int, as_of: date) -> list[ContactRow]:
    rows = session.scalars(select(Contact).where(Contact.account_id == account_id)).all()
    out = [contact_row(c, as_of) for c in rows]
    out.sort(key=lambda c: (not c.is_main_poc, c.name.lower()))
    return out


def _tickets(session: Session, account_id: int, as_of: date) -> list[TicketRow]:
    rows = session.scalars(
        select(Ticket)
        .where(Ticket.account_id == account_id, Ticket.is_open.is_(True))
        .order_by(Ticket.opened_at)
    ).all()
    return [ticket_row(t, as_of) for t in rows]


def _opportunities(session: Session, account_id: int) -> list[OpportunityRow]:
    rows = session.scalars(
        select(Opportunity)
        .where(Opportunity.account_id == account_id)
        .order_by(Opportunity.is_closed, Opportunity.close_date.desc())
    ).all()
    return [
        OpportunityRow(o.name, o.kind, o.stage, o.amount, o.close_date, o.is_closed, o.is_won)
        for o in rows
    ]


def _nps(session: Session, account_id: int) -> list[NpsRow]:
    rows = session.execute(
        select(
            NpsResponse.responded_at,
            NpsResponse.score,
            NpsResponse.comment,
            NpsResponse.contact_email,
        )
        .where(NpsResponse.account_id == account_id)
        .order_by(NpsResponse.responded_at.desc(), NpsResponse.id.desc())
    ).all()
    return [NpsRow(d, int(s), c, e) for d, s, c, e in rows]


def _billing(session: Session, account_id: int) -> list[BillingRow]:
    rows = session.execute(
        select(
            BillingState.as_of,
            BillingState.state,
            BillingState.days_past_due,
            BillingState.balance_due,
        )
        .where(BillingState.account_id == account_id)
        .order_by(BillingState.as_of.desc())
    ).all()
    return [BillingRow(a, s, int(d or 0), b) for a, s, d, b in rows]


def _billing_latest(session: Session, account_id: int) -> BillingRow | None:
    rows = _billing(session, account_id)
    return rows[0] if rows else None


def _notes(session: Session, account_id: int) -> list[NoteRow]:
    rows = session.execute(
        select(Note.id, Note.created_at, Note.author, Note.kind, Note.body)
        .where(Note.account_id == account_id)
        .order_by(Note.created_at.desc(), Note.id.desc())
    ).all()
    return [NoteRow(int(i), c, a, k, b) for i, c, a, k, b in rows]


def _owner_history(session: Session, account_id: int) -> list[OwnerChange]:
    prev, new = aliased(Csm), aliased(Csm)
    rows = session.execute(
        select(
            OwnerHistory.changed_at,
            prev.full_name,
            new.full_name,
            OwnerHistory.team_lead,
            OwnerHistory.transition_id,
        )
        .outerjoin(prev, prev.id == OwnerHistory.previous_owner_id)
        .outerjoin(new, new.id == OwnerHistory.new_owner_id)
        .where(OwnerHistory.account_id == account_id)
        .order_by(OwnerHistory.changed_at.desc())
    ).all()
    return [OwnerChange(c, p, n, t, x) for c, p, n, t, x in rows]


_PROVENANCE_TABLES: tuple[tuple[str, Any], ...] = (
    ("Contacts", Contact),
    ("Usage", UsageMonth),
    ("Opportunities", Opportunity),
    ("Tickets", Ticket),
    ("NPS", NpsResponse),
    ("Billing", BillingState),
    ("Notes", Note),
)


def _provenance(
    session: Session, account_id: int, account_batch: int | None
) -> list[ProvenanceRow]:
    counts: list[tuple[str, int | None, int]] = [("Account record", account_batch, 1)]
    for label, table in _PROVENANCE_TABLES:
        rows = session.execute(
            select(table.batch_id, func.count())
            .where(table.account_id == account_id)
            .group_by(table.batch_id)
        ).all()
        counts.extend((label, b, int(n)) for b, n in rows)
    ids = {b for _, b, _ in counts if b is not None}
    batches = {
        b.id: b for b in session.scalars(select(ImportBatch).where(ImportBatch.id.in_(ids))).all()
    }
    out = []
    for label, bid, n in counts:
        b = batches.get(bid) if bid is not None else None
        out.append(
            ProvenanceRow(
                fact=label,
                rows=n,
                batch_id=bid,
                file_name=b.file_name if b is not None else "entered in Account Desk",
                source=b.source_profile if b is not None else None,
                imported_at=b.imported_at if b is not None else None,
                data_as_of=b.as_of if b is not None else None,
                rolled_back=b is not None and b.rolled_back_at is not None,
            )
        )
    return out


def account_name(store: Store, account_id: int) -> str | None:
    """The account's name, or None when it is not in the store."""
    with store.sessions() as session:
        acc = session.get(Account, account_id)
        return None if acc is None else acc.name
